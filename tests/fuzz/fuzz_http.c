/* HTTP over arbitrary bytes: the response head parser (its length inside the input, values
 * within their bounds), the chunked decoder fed whole and fed in two pieces split where the
 * first byte says (both must agree), and URL parsing and redirect resolution on the input as
 * a Location. */
#include "fetch/fetch.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decodes IN in two feeds split at SPLIT; the data into OUT. Returns the data length, or the
 * error; *DONE and *USED as the decoder left them. */
static long decode(const uint8_t *in, size_t len, size_t split, uint8_t *out, int *done,
		   size_t *used_total)
{
	struct http_chunked c;
	size_t used = 0, got = 0, pos = 0;
	long r;

	http_chunked_init(&c, 1 << 16);
	for (int pass = 0; pass < 2 && !c.done; pass++) {
		size_t n = pass == 0 ? split : len - pos;

		r = http_chunked_feed(&c, in + pos, n, out + got, &used);
		if (r < 0)
			return r;
		if (used > n || (size_t)r > n || (used != n && !c.done))
			__builtin_trap();
		got += (size_t)r;
		pos += used;
	}
	if (c.data_total != got)
		__builtin_trap();
	*done = c.done;
	*used_total = pos;
	return (long)got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_head h;
	static struct fetch_url base, out;
	uint8_t *a, *b;
	int len, done_a = 0, done_b = 0;
	size_t used_a = 0, used_b = 0;
	long ra, rb;

	len = http_parse_head(data, size, &h);
	if (len > 0) {
		if ((size_t)len > size || (size_t)len > HTTP_HEAD_MAX || h.status < 100 ||
		    h.status > 599 || (h.chunked && h.has_length) ||
		    h.length > (uint64_t)INT64_MAX || !memchr(h.location, 0, sizeof(h.location)) ||
		    (h.has_range && h.range_first > h.range_last))
			__builtin_trap();
	} else if (len < 0 && len != -EMSGSIZE && !h.bad) {
		__builtin_trap(); /* every refusal names its rule */
	}

	/* The chunked decoder: whole, and split where the first byte says. */
	a = malloc(size + 1);
	b = malloc(size + 1);
	if (!a || !b)
		goto out;
	ra = decode(data, size, size, a, &done_a, &used_a);
	rb = decode(data, size, size ? data[0] % (size + 1) : 0, b, &done_b, &used_b);
	if ((ra < 0) != (rb < 0) || (ra >= 0 && (ra != rb || done_a != done_b ||
						 used_a != used_b || memcmp(a, b, (size_t)ra))))
		__builtin_trap();

	/* The input as a URL and as a Location against a fixed base. */
	if (fetch_url_parse((const char *)data, size, &out) == 0 &&
	    (!memchr(out.host, 0, sizeof(out.host)) || !memchr(out.path, 0, sizeof(out.path))))
		__builtin_trap();
	if (fetch_url_parse("http://base.example/a/b/c?q", 27, &base) != 0)
		__builtin_trap();
	if (!memchr(data, 0, size) && fetch_url_resolve(&base, (const char *)data, size, &out) == 0) {
		/* An http(s) path is absolute and free of dot segments (the query may hold any). */
		out.path[strcspn(out.path, "?")] = '\0';
		if (out.path[0] != '/' || strstr(out.path, "/../") || strstr(out.path, "/./"))
			__builtin_trap();
	}
out:
	free(a);
	free(b);
	return 0;
}
