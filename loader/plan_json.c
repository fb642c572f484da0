/* A segment plan as JSON: written by `embark segments --json`, read by `--check`. The reader
 * knows exactly this schema and nothing more (no general JSON: nothing to recurse into):
 *
 *   {"entry": N, "flags": N, "segments": [{"mem": N, "memsz": N, "bufsz": N, "role": S}, ...]}
 *
 * N is a non-negative JSON integer or a "0x..." string (64-bit addresses do not survive the
 * doubles many JSON tools use); "flags" and "role" may be left out. The input is untrusted: it
 * is bounded (SEG_PLAN_JSON_MAX bytes, SEG_PLAN_JSON_SEGMENTS_MAX segments), duplicate or
 * unknown keys are errors, and every error names the byte offset and what was expected. */
#include "loader/segplan.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>

#define KEY_MAX 16
#define ROLE_MAX 15 /* sizeof(seg_plan_segment.role) - 1 */

struct cursor {
	const char *buf;
	size_t len, pos;
	char *why;
	size_t whylen;
};

static int expected(struct cursor *c, const char *what)
{
	if (c->pos >= c->len)
		return err_fail(c->why, c->whylen, -EINVAL, "offset %zu: %s expected, found the end",
				c->pos, what);
	return err_fail(c->why, c->whylen, -EINVAL, "offset %zu: %s expected, found '%c'", c->pos,
			what,
			c->buf[c->pos] >= 0x20 && c->buf[c->pos] < 0x7f ? c->buf[c->pos] : '?');
}

static void skip_ws(struct cursor *c)
{
	while (c->pos < c->len && (c->buf[c->pos] == ' ' || c->buf[c->pos] == '\t' ||
				   c->buf[c->pos] == '\n' || c->buf[c->pos] == '\r'))
		c->pos++;
}

/* Consumes CH (after white space) or fails naming WHAT. */
static int take(struct cursor *c, char ch, const char *what)
{
	skip_ws(c);
	if (c->pos >= c->len || c->buf[c->pos] != ch)
		return expected(c, what);
	c->pos++;
	return 0;
}

static bool peek(struct cursor *c, char ch)
{
	skip_ws(c);
	return c->pos < c->len && c->buf[c->pos] == ch;
}

/* A string without escapes into OUT (CAP bytes with the NUL). */
static int read_string(struct cursor *c, char *out, size_t cap, const char *what)
{
	size_t n = 0;

	if (take(c, '"', what) < 0)
		return -EINVAL;
	for (;;) {
		char ch;

		if (c->pos >= c->len)
			return expected(c, "closing '\"'");
		ch = c->buf[c->pos];
		if (ch == '"')
			break;
		if (ch == '\\' || (unsigned char)ch < 0x20 || (unsigned char)ch >= 0x7f)
			return err_fail(c->why, c->whylen, -EINVAL,
					"offset %zu: escapes, control and non-ASCII characters are "
					"not accepted in %s",
					c->pos, what);
		if (n + 1 >= cap)
			return err_fail(c->why, c->whylen, -EINVAL,
					"offset %zu: %s longer than %zu bytes", c->pos, what, cap - 1);
		out[n++] = ch;
		c->pos++;
	}
	c->pos++;
	out[n] = '\0';
	return 0;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* A JSON integer or a "0x..." string, 0 to 2^64-1. */
static int read_number(struct cursor *c, const char *key, uint64_t *out)
{
	uint64_t v = 0;
	size_t start;

	skip_ws(c);
	start = c->pos;
	if (c->pos < c->len && c->buf[c->pos] == '"') {
		c->pos++;
		if (c->len - c->pos < 2 || c->buf[c->pos] != '0' ||
		    (c->buf[c->pos + 1] != 'x' && c->buf[c->pos + 1] != 'X'))
			return err_fail(c->why, c->whylen, -EINVAL,
					"offset %zu: \"%s\": a string value must be hexadecimal "
					"\"0x...\"",
					start, key);
		c->pos += 2;
		if (c->pos >= c->len || hex_digit(c->buf[c->pos]) < 0)
			return expected(c, "hexadecimal digit");
		while (c->pos < c->len && hex_digit(c->buf[c->pos]) >= 0) {
			if (v >> 60)
				return err_fail(c->why, c->whylen, -EINVAL,
						"offset %zu: \"%s\": larger than 64 bits", start, key);
			v = v << 4 | (uint64_t)hex_digit(c->buf[c->pos++]);
		}
		if (take(c, '"', "closing '\"' of the hexadecimal number") < 0)
			return -EINVAL;
		*out = v;
		return 0;
	}
	if (c->pos >= c->len || c->buf[c->pos] < '0' || c->buf[c->pos] > '9') {
		if (c->pos < c->len && c->buf[c->pos] == '-')
			return err_fail(c->why, c->whylen, -EINVAL,
					"offset %zu: \"%s\": negative numbers mean nothing here",
					start, key);
		return expected(c, "a number (integer or \"0x...\" string)");
	}
	if (c->buf[c->pos] == '0' && c->pos + 1 < c->len && c->buf[c->pos + 1] >= '0' &&
	    c->buf[c->pos + 1] <= '9')
		return err_fail(c->why, c->whylen, -EINVAL,
				"offset %zu: \"%s\": JSON numbers have no leading zeros (write hex as "
				"\"0x...\")",
				start, key);
	while (c->pos < c->len && c->buf[c->pos] >= '0' && c->buf[c->pos] <= '9') {
		unsigned d = (unsigned)(c->buf[c->pos++] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return err_fail(c->why, c->whylen, -EINVAL,
					"offset %zu: \"%s\": larger than 64 bits", start, key);
		v = v * 10 + d;
	}
	if (c->pos < c->len && (c->buf[c->pos] == '.' || c->buf[c->pos] == 'e' ||
				c->buf[c->pos] == 'E'))
		return err_fail(c->why, c->whylen, -EINVAL,
				"offset %zu: \"%s\": only whole numbers are addresses and sizes",
				start, key);
	*out = v;
	return 0;
}

/* Reads "KEY": and returns its index in KEYS (N of them), or -EINVAL. SEEN tracks
 * duplicates. */
static int read_key(struct cursor *c, const char *const *keys, unsigned n, unsigned *seen,
		    const char *where)
{
	char key[KEY_MAX + 1];
	size_t at;

	skip_ws(c);
	at = c->pos;
	if (read_string(c, key, sizeof(key), "a key") < 0)
		return -EINVAL;
	if (take(c, ':', "':'") < 0)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(key, keys[i]) != 0)
			continue;
		if (*seen & (1u << i))
			return err_fail(c->why, c->whylen, -EINVAL,
					"offset %zu: \"%s\" appears twice in %s", at, key, where);
		*seen |= 1u << i;
		return (int)i;
	}
	return err_fail(c->why, c->whylen, -EINVAL, "offset %zu: unknown key \"%s\" in %s", at,
			key, where);
}

enum { SEG_MEM, SEG_MEMSZ, SEG_BUFSZ, SEG_ROLE };
static const char *const segment_keys[] = { "mem", "memsz", "bufsz", "role" };

static int read_segment(struct cursor *c, uint64_t index, struct seg_plan_segment *s)
{
	unsigned seen = 0;
	char where[48];
	uint64_t v;

	snprintf(where, sizeof(where), "segment %llu", (unsigned long long)index);
	memset(s, 0, sizeof(*s));
	if (take(c, '{', "'{' opening a segment") < 0)
		return -EINVAL;
	if (!peek(c, '}')) {
		for (unsigned members = 0;; members++) {
			int k;

			if (members >= ARRAY_SIZE(segment_keys))
				return expected(c, "'}' (a segment has four keys at most)");
			k = read_key(c, segment_keys, ARRAY_SIZE(segment_keys), &seen, where);
			if (k < 0)
				return k;
			if (k == SEG_ROLE) {
				if (read_string(c, s->role, sizeof(s->role), "\"role\"") < 0)
					return -EINVAL;
			} else {
				if (read_number(c, segment_keys[k], &v) < 0)
					return -EINVAL;
				if (k == SEG_MEM)
					s->mem = v;
				else if (k == SEG_MEMSZ)
					s->memsz = v;
				else
					s->bufsz = v;
			}
			if (!peek(c, ','))
				break;
			c->pos++;
		}
	}
	if (take(c, '}', "',' or '}' in a segment") < 0)
		return -EINVAL;
	for (unsigned k = SEG_MEM; k <= SEG_BUFSZ; k++)
		if (!(seen & (1u << k)))
			return err_fail(c->why, c->whylen, -EINVAL,
					"offset %zu: %s has no \"%s\"", c->pos, where,
					segment_keys[k]);
	return 0;
}

static int read_segments(struct cursor *c, struct seg_plan *out)
{
	struct seg_plan_segment discard;

	if (take(c, '[', "'[' opening \"segments\"") < 0)
		return -EINVAL;
	if (peek(c, ']')) {
		c->pos++;
		return 0;
	}
	for (;;) {
		struct seg_plan_segment *s;

		if (out->nr_segments >= SEG_PLAN_JSON_SEGMENTS_MAX)
			return err_fail(c->why, c->whylen, -EINVAL,
					"offset %zu: more than %d segments", c->pos,
					SEG_PLAN_JSON_SEGMENTS_MAX);
		/* Past KEXEC_SEGMENT_MAX segments are read (the count is what the validator
		 * reports) but not kept. */
		s = out->nr_segments < KEXEC_SEGMENT_MAX ? &out->seg[out->nr_segments] : &discard;
		if (read_segment(c, out->nr_segments, s) < 0)
			return -EINVAL;
		out->nr_segments++;
		if (!peek(c, ','))
			break;
		c->pos++;
	}
	return take(c, ']', "',' or ']' in \"segments\"");
}

enum { TOP_ENTRY, TOP_FLAGS, TOP_SEGMENTS };
static const char *const top_keys[] = { "entry", "flags", "segments" };

int seg_plan_parse_json(const char *buf, size_t len, struct seg_plan *out, char *why,
			size_t whylen)
{
	struct cursor c = { buf, len, 0, why, whylen };
	unsigned seen = 0;

	memset(out, 0, sizeof(*out));
	if (len > SEG_PLAN_JSON_MAX)
		return err_fail(why, whylen, -EINVAL, "%zu bytes: a plan is at most %d bytes", len,
				SEG_PLAN_JSON_MAX);
	if (take(&c, '{', "'{' opening the plan") < 0)
		return -EINVAL;
	if (!peek(&c, '}')) {
		for (unsigned members = 0;; members++) {
			int k;

			if (members >= ARRAY_SIZE(top_keys))
				return expected(&c, "'}' (the plan has three keys at most)");
			k = read_key(&c, top_keys, ARRAY_SIZE(top_keys), &seen, "the plan");
			if (k < 0)
				return k;
			if (k == TOP_SEGMENTS) {
				if (read_segments(&c, out) < 0)
					return -EINVAL;
			} else if (read_number(&c, top_keys[k],
					       k == TOP_ENTRY ? &out->entry : &out->flags) < 0) {
				return -EINVAL;
			}
			if (!peek(&c, ','))
				break;
			c.pos++;
		}
	}
	if (take(&c, '}', "',' or '}' closing the plan") < 0)
		return -EINVAL;
	skip_ws(&c);
	if (c.pos != len)
		return expected(&c, "the end after the plan");
	if (!(seen & (1u << TOP_ENTRY)))
		return err_fail(why, whylen, -EINVAL, "the plan has no \"entry\"");
	if (!(seen & (1u << TOP_SEGMENTS)))
		return err_fail(why, whylen, -EINVAL, "the plan has no \"segments\"");
	return 0;
}

void seg_plan_write_json(FILE *f, const struct seg_plan *p)
{
	unsigned n = p->nr_segments < KEXEC_SEGMENT_MAX ? (unsigned)p->nr_segments
							: KEXEC_SEGMENT_MAX;

	fprintf(f, "{\n  \"entry\": \"0x%llx\",\n  \"flags\": \"0x%llx\",\n  \"segments\": [",
		(unsigned long long)p->entry, (unsigned long long)p->flags);
	for (unsigned i = 0; i < n; i++) {
		const struct seg_plan_segment *s = &p->seg[i];

		fprintf(f, "%s\n    {\"role\": ", i ? "," : "");
		json_put_str(f, s->role);
		fprintf(f, ", \"mem\": \"0x%llx\", \"memsz\": \"0x%llx\", \"bufsz\": \"0x%llx\"}",
			(unsigned long long)s->mem, (unsigned long long)s->memsz,
			(unsigned long long)s->bufsz);
	}
	fprintf(f, "\n  ]\n}\n");
}
