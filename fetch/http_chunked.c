/* The chunked transfer coding (RFC 9112 section 7.1), decoded as bytes arrive: a state
 * machine that may be fed any split of the body, one byte at a time if the network says so.
 *
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *
 * Bare LF line ends are accepted (RFC 9112 2.2), a bare CR is not. Each size line and trailer
 * line is bounded, the number of trailer lines is bounded, the data is bounded by MAX_BODY,
 * and the framing by the data it carries: no input makes the decoder work without end. */
#include "fetch/fetch.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>

enum {
	CH_SIZE,        /* chunk-size hex digits */
	CH_EXT,         /* chunk extensions up to the line end: ignored */
	CH_SIZE_LF,     /* CR seen after the size line */
	CH_DATA,        /* chunk_left data bytes */
	CH_DATA_CR,     /* the CRLF after the data */
	CH_DATA_LF,
	CH_TRAILER_START, /* start of a trailer line, or the final empty line */
	CH_TRAILER,     /* inside a trailer line: ignored */
	CH_TRAILER_LF,
	CH_END_LF,      /* CR of the final empty line seen */
	CH_DONE,
};

void http_chunked_init(struct http_chunked *c, uint64_t max_body)
{
	memset(c, 0, sizeof(*c));
	c->state = CH_SIZE;
	c->max_body = max_body;
}

static long fail(struct http_chunked *c, const char *why, long err)
{
	c->bad = why;
	return err;
}

/* The size line ended: a data chunk follows, or the last chunk's trailer section. */
static long size_line_done(struct http_chunked *c)
{
	c->line_len = 0;
	if (c->chunk_left == 0) {
		c->state = CH_TRAILER_START;
		return 0;
	}
	if (c->chunk_left > c->max_body - c->data_total)
		return fail(c, "a chunked body larger than the limit", -EFBIG);
	c->state = CH_DATA;
	return 0;
}

long http_chunked_feed(struct http_chunked *c, const void *in, size_t len, void *out,
		       size_t *used)
{
	const unsigned char *p = in;
	unsigned char *o = out;
	size_t i = 0, n = 0;
	long ret = 0;

	while (i < len && c->state != CH_DONE && ret == 0) {
		unsigned char ch = p[i];
		int h;

		if (c->state == CH_DATA) {
			size_t k = len - i;

			if (k > c->chunk_left)
				k = (size_t)c->chunk_left;
			memmove(o + n, p + i, k);
			n += k;
			i += k;
			c->chunk_left -= k;
			c->data_total += k;
			if (c->chunk_left == 0)
				c->state = CH_DATA_CR;
			continue;
		}
		/* Every other byte is framing. */
		i++;
		if (++c->framing > c->data_total + HTTP_CHUNK_SLACK)
			return fail(c, "more chunk framing than data", -EBADMSG);
		if (c->state == CH_SIZE || c->state == CH_EXT || c->state == CH_TRAILER) {
			if (++c->line_len > HTTP_LINE_MAX)
				return fail(c, "a chunk-size or trailer line longer than embark takes",
					    -EBADMSG);
		}
		switch (c->state) {
		case CH_SIZE:
			h = hex_value(ch);
			if (h >= 0) {
				if (c->chunk_left >> 60)
					return fail(c, "a chunk size above 2^64", -EBADMSG);
				c->chunk_left = c->chunk_left << 4 | (unsigned)h;
				c->digits++;
			} else if (c->digits == 0) {
				ret = fail(c, "a chunk size that is not hexadecimal", -EBADMSG);
			} else if (ch == ';' || ch == ' ' || ch == '\t') {
				c->state = CH_EXT;
			} else if (ch == '\r') {
				c->state = CH_SIZE_LF;
			} else if (ch == '\n') {
				ret = size_line_done(c);
			} else {
				ret = fail(c, "a chunk size that is not hexadecimal", -EBADMSG);
			}
			break;
		case CH_EXT:
			if (ch == '\r')
				c->state = CH_SIZE_LF;
			else if (ch == '\n')
				ret = size_line_done(c);
			break;
		case CH_SIZE_LF:
			ret = ch == '\n' ? size_line_done(c) : fail(c, "a bare CR", -EBADMSG);
			break;
		case CH_DATA_CR:
			if (ch == '\r')
				c->state = CH_DATA_LF;
			else if (ch == '\n')
				c->state = CH_SIZE;
			else
				ret = fail(c, "chunk data longer than its size", -EBADMSG);
			c->digits = 0;
			break;
		case CH_DATA_LF:
			if (ch != '\n')
				ret = fail(c, "a bare CR", -EBADMSG);
			c->state = CH_SIZE;
			break;
		case CH_TRAILER_START:
			if (ch == '\r') {
				c->state = CH_END_LF;
			} else if (ch == '\n') {
				c->state = CH_DONE;
			} else if (++c->trailers > HTTP_HEADERS_MAX) {
				ret = fail(c, "more trailer lines than embark takes", -EBADMSG);
			} else {
				c->line_len = 1;
				c->state = CH_TRAILER;
			}
			break;
		case CH_TRAILER:
			if (ch == '\r')
				c->state = CH_TRAILER_LF;
			else if (ch == '\n')
				c->state = CH_TRAILER_START;
			break;
		case CH_TRAILER_LF:
			if (ch != '\n')
				ret = fail(c, "a bare CR", -EBADMSG);
			c->line_len = 0;
			c->state = CH_TRAILER_START;
			break;
		case CH_END_LF:
			if (ch != '\n')
				ret = fail(c, "a bare CR", -EBADMSG);
			c->state = CH_DONE;
			break;
		}
	}
	if (ret < 0)
		return ret;
	c->done = c->state == CH_DONE;
	*used = i;
	return (long)n;
}
