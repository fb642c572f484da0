/* The head of an HTTP/1.1 response (RFC 9112 sections 4 and 5, the framing rules of 6.3):
 * the status line and the header fields a download needs. Everything that would let two
 * readers disagree on where the body ends (a second Content-Length, Transfer-Encoding with
 * Content-Length, folded lines, bare CRs) is refused rather than repaired. */
#include "fetch/fetch.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#define LENGTH_MAX ((uint64_t)INT64_MAX) /* Content-Length and Content-Range values */

/* Field-name characters (RFC 9110 5.6.2 tchar). */
static int is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* 1*DIGIT of exactly N bytes, at most LENGTH_MAX. */
static int parse_number(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return -EBADMSG;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || v > (LENGTH_MAX - d) / 10)
			return -EBADMSG;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int name_is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

/* Copies VALUE of N bytes into DST of CAP bytes; 0, or -1 when it does not fit. */
static int copy_value(char *dst, size_t cap, const char *value, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, value, n);
	dst[n] = '\0';
	return 0;
}

/* "bytes" as an element of a comma-separated list (Accept-Ranges). */
static int list_has_bytes(const char *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start, end;

		while (i < n && (is_ows((unsigned char)v[i]) || v[i] == ','))
			i++;
		start = i;
		while (i < n && v[i] != ',')
			i++;
		end = i;
		while (end > start && is_ows((unsigned char)v[end - 1]))
			end--;
		if (name_is(v + start, end - start, "bytes"))
			return 1;
	}
	return 0;
}

/* Content-Range: "bytes FIRST-LAST/TOTAL" or "bytes FIRST-LAST/" then "*" for an unknown
 * total; the unsatisfied-range form ("bytes " "*" "/TOTAL", sent with 416) sets nothing. */
static int parse_content_range(const char *v, size_t n, struct http_head *out)
{
	const char *dash, *slash;
	uint64_t first, last, total = 0;

	if (n < 6 || strncasecmp(v, "bytes ", 6) != 0)
		return -EBADMSG;
	v += 6;
	n -= 6;
	slash = memchr(v, '/', n);
	if (!slash)
		return -EBADMSG;
	if (!(slash == v + n - 2 && v[n - 1] == '*') &&
	    parse_number(slash + 1, n - (size_t)(slash - v) - 1, &total) < 0)
		return -EBADMSG;
	if (slash == v + 1 && v[0] == '*')
		return 0;
	dash = memchr(v, '-', (size_t)(slash - v));
	if (!dash || parse_number(v, (size_t)(dash - v), &first) < 0 ||
	    parse_number(dash + 1, (size_t)(slash - dash - 1), &last) < 0 || first > last ||
	    (total && last >= total))
		return -EBADMSG;
	out->has_range = 1;
	out->range_first = first;
	out->range_last = last;
	out->range_total = total;
	return 0;
}

/* One "name: value" line (without its line end). Returns 0 or -EBADMSG with out->bad. */
static int parse_field(const char *line, size_t n, struct http_head *out, int *seen_te)
{
	const char *colon = memchr(line, ':', n), *v;
	size_t name_len, vlen;

	if (!colon) {
		out->bad = "a header line without a colon";
		return -EBADMSG;
	}
	name_len = (size_t)(colon - line);
	if (name_len == 0) {
		out->bad = "a header line with an empty field name";
		return -EBADMSG;
	}
	for (size_t i = 0; i < name_len; i++) {
		if (!is_tchar((unsigned char)line[i])) {
			out->bad = "a field name with a space or a character not allowed in it";
			return -EBADMSG;
		}
	}
	v = colon + 1;
	vlen = n - name_len - 1;
	while (vlen > 0 && is_ows((unsigned char)v[0]))
		v++, vlen--;
	while (vlen > 0 && is_ows((unsigned char)v[vlen - 1]))
		vlen--;

	if (name_is(line, name_len, "content-length")) {
		if (out->has_length) {
			out->bad = "more than one Content-Length";
			return -EBADMSG;
		}
		if (parse_number(v, vlen, &out->length) < 0) {
			out->bad = "a Content-Length that is not one decimal number below 2^63";
			return -EBADMSG;
		}
		out->has_length = 1;
	} else if (name_is(line, name_len, "transfer-encoding")) {
		if (*seen_te) {
			out->bad = "more than one Transfer-Encoding";
			return -EBADMSG;
		}
		*seen_te = 1;
		if (!name_is(v, vlen, "chunked")) {
			out->bad = "a Transfer-Encoding other than chunked (embark asks for none)";
			return -EBADMSG;
		}
		out->chunked = 1;
	} else if (name_is(line, name_len, "location")) {
		if (out->location[0]) {
			out->bad = "more than one Location";
			return -EBADMSG;
		}
		if (vlen == 0 || copy_value(out->location, sizeof(out->location), v, vlen) < 0) {
			out->bad = "an empty Location or one longer than embark takes";
			return -EBADMSG;
		}
	} else if (name_is(line, name_len, "accept-ranges")) {
		out->accept_ranges = list_has_bytes(v, vlen);
	} else if (name_is(line, name_len, "content-range")) {
		if (out->has_range || parse_content_range(v, vlen, out) < 0) {
			out->bad = "a Content-Range other than one \"bytes FIRST-LAST/TOTAL\"";
			return -EBADMSG;
		}
	} else if (name_is(line, name_len, "etag")) {
		/* Only a strong validator can make If-Range safe (RFC 9110 13.1.5). */
		if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"')
			(void)copy_value(out->etag, sizeof(out->etag), v, vlen);
	}
	return 0;
}

/* "HTTP/1.x NNN reason" (the reason may be empty or missing). */
static int parse_status_line(const char *line, size_t n, struct http_head *out)
{
	size_t r = 0;

	if (n < 12 || memcmp(line, "HTTP/1.", 7) != 0 || line[7] < '0' || line[7] > '9' ||
	    line[8] != ' ' || line[9] < '1' || line[9] > '5' || line[10] < '0' ||
	    line[10] > '9' || line[11] < '0' || line[11] > '9' || (n > 12 && line[12] != ' ')) {
		out->bad = "a status line other than \"HTTP/1.x NNN reason\" (NNN 100-599)";
		return -EBADMSG;
	}
	out->minor = (unsigned)(line[7] - '0');
	out->status = (unsigned)((line[9] - '0') * 100 + (line[10] - '0') * 10 + line[11] - '0');
	/* The reason is for people: printable ASCII, anything else shown as "?". */
	for (size_t i = 13; i < n && r + 1 < sizeof(out->reason); i++) {
		unsigned char c = (unsigned char)line[i];

		out->reason[r++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out->reason[r] = '\0';
	return 0;
}

/* Where the head ends (after its empty line), or 0 when it does not end inside LEN. */
static size_t find_head_end(const char *p, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(p + i, '\n', len - i);
		size_t next;

		if (!nl)
			return 0;
		next = (size_t)(nl - p) + 1;
		if (next < len && p[next] == '\n')
			return next + 1;
		if (next + 1 < len && p[next] == '\r' && p[next + 1] == '\n')
			return next + 2;
		i = next;
	}
	return 0;
}

int http_parse_head(const void *buf, size_t len, struct http_head *out)
{
	const char *p = buf;
	size_t end, pos = 0;
	unsigned lines = 0;
	int seen_te = 0, ret;

	memset(out, 0, sizeof(*out));
	end = find_head_end(p, len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX);
	if (end == 0)
		return len >= HTTP_HEAD_MAX ? -EMSGSIZE : 0;
	if (memchr(p, '\0', end)) {
		out->bad = "a NUL byte in the head";
		return -EBADMSG;
	}
	/* One line a pass; the head's empty line ends the loop at END. */
	while (pos < end) {
		const char *line = p + pos, *nl = memchr(line, '\n', end - pos);
		size_t n = (size_t)(nl - line);

		pos += n + 1;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (memchr(line, '\r', n)) {
			out->bad = "a bare CR inside a line";
			return -EBADMSG;
		}
		if (n == 0)
			break;
		if (lines++ == 0) {
			ret = parse_status_line(line, n, out);
		} else if (lines > HTTP_HEADERS_MAX + 1) {
			out->bad = "more header lines than embark takes";
			ret = -EBADMSG;
		} else if (is_ows((unsigned char)line[0])) {
			out->bad = "a folded header line (obs-fold)";
			ret = -EBADMSG;
		} else {
			ret = parse_field(line, n, out, &seen_te);
		}
		if (ret < 0)
			return ret;
	}
	if (lines == 0) {
		out->bad = "an empty line where the status line belongs";
		return -EBADMSG;
	}
	if (out->chunked && out->has_length) {
		/* RFC 9112 6.3: a sign of request smuggling or response splitting. */
		out->bad = "both Transfer-Encoding and Content-Length";
		return -EBADMSG;
	}
	return (int)end;
}
