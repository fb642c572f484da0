/* fetch/: the TFTP packet parser and builders, the HTTP head parser, the chunked decoder fed
 * at every split, URLs and redirect resolution, the progress line, and the refusals that
 * happen before any network traffic. The transfers themselves run against real local
 * servers in tests/tools/test_fetch.py. */
#include "fetch/fetch.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A copy of LEN bytes in a buffer of exactly LEN bytes: ASan sees any read past it. */
static void *exact_copy(const void *p, size_t len)
{
	void *q = malloc(len ? len : 1);

	UT_CHECK(q != NULL);
	memcpy(q, p, len);
	return q;
}

/* Parses an exact-size copy; the copy lives until the next call (PKT points into it). */
static int parse_exact(const void *p, size_t len, struct tftp_pkt *pkt)
{
	static void *copy;

	free(copy);
	copy = exact_copy(p, len);
	return tftp_parse(copy, len, pkt);
}

/* ---- TFTP ------------------------------------------------------------------------------ */

UT_TEST(fetch_tftp_parse_data_ack_error)
{
	static const uint8_t data[] = { 0, 3, 0xff, 0xfe, 'a', 'b', 'c' };
	static const uint8_t ack[] = { 0, 4, 0x12, 0x34 };
	static const uint8_t ack_long[] = { 0, 4, 0, 1, 0 };
	static const uint8_t error[] = { 0, 5, 0, 1, 'n', 'o', 'p', 'e', 0 };
	static const uint8_t error_padded[] = { 0, 5, 0, 2, 'x', 0, 0, 0 };
	static const uint8_t error_unterminated[] = { 0, 5, 0, 1, 'n', 'o' };
	static const uint8_t unknown[] = { 0, 7, 0, 0 };
	static const uint8_t data_empty[] = { 0, 3, 0, 9 };
	uint8_t big[4 + TFTP_BLKSIZE_MAX + 1] = { 0, 3, 0, 1 };
	struct tftp_pkt pkt;

	UT_EQ_INT(tftp_parse(data, sizeof(data), &pkt), 0);
	UT_EQ_INT(pkt.opcode, TFTP_DATA);
	UT_EQ_INT(pkt.block, 0xfffe);
	UT_EQ_INT(pkt.data_len, 3);
	UT_CHECK(memcmp(pkt.data, "abc", 3) == 0);
	UT_EQ_INT(tftp_parse(data_empty, sizeof(data_empty), &pkt), 0);
	UT_EQ_INT(pkt.data_len, 0);
	UT_EQ_INT(tftp_parse(big, sizeof(big) - 1, &pkt), 0);
	UT_EQ_INT(tftp_parse(big, sizeof(big), &pkt), -EBADMSG);
	UT_EQ_INT(tftp_parse(ack, sizeof(ack), &pkt), 0);
	UT_EQ_INT(pkt.block, 0x1234);
	UT_EQ_INT(tftp_parse(ack_long, sizeof(ack_long), &pkt), -EBADMSG);
	UT_EQ_INT(tftp_parse(ack, 3, &pkt), -EBADMSG);
	UT_EQ_INT(tftp_parse(error, sizeof(error), &pkt), 0);
	UT_EQ_INT(pkt.error_code, TFTP_ENOTFOUND);
	UT_EQ_STR(pkt.error_msg, "nope");
	UT_EQ_INT(tftp_parse(error_padded, sizeof(error_padded), &pkt), 0);
	UT_EQ_STR(pkt.error_msg, "x");
	UT_EQ_INT(parse_exact(error_unterminated, sizeof(error_unterminated), &pkt), -EBADMSG);
	UT_EQ_INT(tftp_parse(unknown, sizeof(unknown), &pkt), -ENOTSUP);
	UT_EQ_INT(tftp_parse(data, 1, &pkt), -EBADMSG);
	UT_EQ_INT(tftp_parse(data, 0, &pkt), -EBADMSG);
}

UT_TEST(fetch_tftp_parse_oack_options)
{
	static const char oack[] = "\0\6blksize\0001468\0TSize\0004194304\0timeout\0001";
	static const char no_value[] = "\0\6blksize\0001468\0tsize";
	static const char empty_name[] = "\0\6\0001468";
	struct tftp_pkt pkt;
	char many[256] = { 0, 6 };
	size_t n = 2;
	uint64_t v;

	UT_EQ_INT(parse_exact(oack, sizeof(oack), &pkt), 0);
	UT_EQ_INT(pkt.opcode, TFTP_OACK);
	UT_EQ_INT(pkt.n_options, 3);
	UT_EQ_STR(tftp_option_get(&pkt, "BLKSIZE"), "1468");
	UT_EQ_STR(tftp_option_get(&pkt, "tsize"), "4194304");
	UT_CHECK(tftp_option_get(&pkt, "windowsize") == NULL);
	UT_EQ_INT(tftp_option_number(tftp_option_get(&pkt, "tsize"), 0, UINT64_MAX, &v), 0);
	UT_EQ_INT(v, 4194304);
	/* A shorter datagram is valid only where a pair ends (after "1468" and "4194304");
	 * anywhere else a name or value is cut in the middle. */
	for (size_t len = 3; len < sizeof(oack); len++)
		UT_EQ_INT(parse_exact(oack, len, &pkt), len == 15 || len == 29 ? 0 : -EBADMSG);
	UT_EQ_INT(parse_exact(no_value, sizeof(no_value), &pkt), -EBADMSG);
	UT_EQ_INT(parse_exact(empty_name, sizeof(empty_name), &pkt), -EBADMSG);
	UT_EQ_INT(parse_exact(oack, 2, &pkt), 0); /* an empty OACK acknowledges nothing */
	UT_EQ_INT(pkt.n_options, 0);
	/* More option pairs than TFTP_OPTIONS_MAX */
	for (unsigned i = 0; i <= TFTP_OPTIONS_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "o%u%c1%c", i, 0, 0);
	UT_EQ_INT(parse_exact(many, n, &pkt), -EBADMSG);
}

UT_TEST(fetch_tftp_rrq_roundtrip)
{
	uint8_t buf[TFTP_REQUEST_MAX];
	char name[600];
	struct tftp_pkt pkt;
	int n = tftp_build_rrq(buf, sizeof(buf), "boot/vmlinuz", 1468, 1, 1);

	UT_CHECK(n > 0);
	UT_EQ_INT(parse_exact(buf, (size_t)n, &pkt), 0);
	UT_EQ_INT(pkt.opcode, TFTP_RRQ);
	UT_EQ_STR(pkt.filename, "boot/vmlinuz");
	UT_EQ_STR(pkt.mode, "octet");
	UT_EQ_STR(tftp_option_get(&pkt, "blksize"), "1468");
	UT_EQ_STR(tftp_option_get(&pkt, "tsize"), "0");
	UT_EQ_STR(tftp_option_get(&pkt, "timeout"), "1");
	n = tftp_build_rrq(buf, sizeof(buf), "pxelinux.0", 512, 1, 0);
	UT_EQ_INT(n, 2 + 11 + 6);
	UT_EQ_INT(parse_exact(buf, (size_t)n, &pkt), 0);
	UT_EQ_INT(pkt.n_options, 0);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	UT_EQ_INT(tftp_build_rrq(buf, sizeof(buf), name, 512, 1, 1), -ENAMETOOLONG);
	UT_EQ_INT(tftp_build_rrq(buf, sizeof(buf), "", 512, 1, 1), -EINVAL);
	UT_EQ_INT(tftp_build_ack(buf, sizeof(buf), 0x10001), 4);
	UT_EQ_INT(parse_exact(buf, 4, &pkt), 0);
	UT_EQ_INT(pkt.block, 1); /* block numbers are 16 bits on the wire */
	n = tftp_build_error(buf, sizeof(buf), TFTP_EBADTID, "Unknown transfer ID");
	UT_EQ_INT(parse_exact(buf, (size_t)n, &pkt), 0);
	UT_EQ_INT(pkt.error_code, 5);
	UT_EQ_STR(pkt.error_msg, "Unknown transfer ID");
	UT_EQ_INT(tftp_build_error(buf, 8, 1, "too long"), -EMSGSIZE);
}

UT_TEST(fetch_tftp_option_numbers)
{
	uint64_t v = 7;

	UT_EQ_INT(tftp_option_number("1468", 8, 65464, &v), 0);
	UT_EQ_INT(v, 1468);
	UT_EQ_INT(tftp_option_number("", 0, 10, &v), -EINVAL);
	UT_EQ_INT(tftp_option_number("+1", 0, 10, &v), -EINVAL);
	UT_EQ_INT(tftp_option_number(" 1", 0, 10, &v), -EINVAL);
	UT_EQ_INT(tftp_option_number("12a", 0, 100, &v), -EINVAL);
	UT_EQ_INT(tftp_option_number("7", 8, 65464, &v), -ERANGE);
	UT_EQ_INT(tftp_option_number("65465", 8, 65464, &v), -ERANGE);
	UT_EQ_INT(tftp_option_number("18446744073709551615", 0, UINT64_MAX, &v), 0);
	UT_CHECK(v == UINT64_MAX);
	UT_EQ_INT(tftp_option_number("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	UT_EQ_INT(tftp_option_number("000000000000000000001", 0, 10, &v), -EINVAL);
}

/* ---- HTTP heads ----------------------------------------------------------------------- */

static int head(const char *s, struct http_head *h)
{
	void *q = exact_copy(s, strlen(s));
	int ret = http_parse_head(q, strlen(s), h);

	free(q);
	return ret;
}

UT_TEST(fetch_http_head_ok)
{
	static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nACCEPT-RANGES: none, "
				 "Bytes\r\nETag: \"abc\"\r\nX-Empty:\r\nServer: test\r\n\r\nBODY";
	struct http_head h;

	UT_EQ_INT(head(ok, &h), (int)strlen(ok) - 4);
	UT_EQ_INT(h.status, 200);
	UT_EQ_INT(h.minor, 1);
	UT_EQ_STR(h.reason, "OK");
	UT_CHECK(h.has_length && h.length == 1234 && !h.chunked && h.accept_ranges);
	UT_EQ_STR(h.etag, "\"abc\"");
	/* Every prefix is incomplete, not an error. */
	for (size_t len = 0; len < strlen(ok) - 4; len++) {
		void *q = exact_copy(ok, len);

		UT_EQ_INT(http_parse_head(q, len, &h), 0);
		free(q);
	}
	UT_EQ_INT(head("HTTP/1.0 302 Found\nLocation: /x\nTransfer-Encoding: Chunked\n\n", &h), 60);
	UT_EQ_INT(h.status, 302);
	UT_EQ_STR(h.location, "/x");
	UT_CHECK(h.chunked && !h.has_length);
	UT_EQ_INT(head("HTTP/1.1 204\r\n\r\n", &h), 16);
	UT_EQ_STR(h.reason, "");
	UT_EQ_INT(head("HTTP/1.1 200 OK\r\nETag: W/\"weak\"\r\n\r\n", &h) > 0, 1);
	UT_EQ_STR(h.etag, ""); /* a weak ETag cannot make If-Range safe */
	UT_EQ_INT(head("HTTP/1.1 200 \x01\xff\r\nContent-Length: 9223372036854775807\r\n\r\n",
		       &h) > 0, 1);
	UT_EQ_STR(h.reason, "??");
	UT_CHECK(h.length == 9223372036854775807ULL);
}

UT_TEST(fetch_http_head_content_range)
{
	struct http_head h;

	UT_CHECK(head("HTTP/1.1 206 Partial\r\nContent-Range: bytes 100-199/1000\r\n\r\n", &h) > 0);
	UT_CHECK(h.has_range && h.range_first == 100 && h.range_last == 199 &&
		 h.range_total == 1000);
	UT_CHECK(head("HTTP/1.1 206 Partial\r\nContent-Range: bytes 0-9/*\r\n\r\n", &h) > 0);
	UT_CHECK(h.has_range && h.range_total == 0);
	UT_CHECK(head("HTTP/1.1 416 No\r\nContent-Range: bytes */1000\r\n\r\n", &h) > 0);
	UT_CHECK(!h.has_range);
	UT_EQ_INT(head("HTTP/1.1 206 P\r\nContent-Range: bytes 200-100/1000\r\n\r\n", &h), -EBADMSG);
	UT_EQ_INT(head("HTTP/1.1 206 P\r\nContent-Range: bytes 0-1000/1000\r\n\r\n", &h), -EBADMSG);
	UT_EQ_INT(head("HTTP/1.1 206 P\r\nContent-Range: items 0-1/2\r\n\r\n", &h), -EBADMSG);
	UT_EQ_INT(head("HTTP/1.1 206 P\r\nContent-Range: bytes 0-1\r\n\r\n", &h), -EBADMSG);
}

UT_TEST(fetch_http_head_malformed)
{
	static const struct {
		const char *in, *bad;
	} cases[] = {
		{ "HTTP/1.1 200 OK\r\nA: b\r\n  folded\r\n\r\n", "folded" },
		{ "HTTP/1.1 200 OK\r\nA: b\r\n\tfolded\r\n\r\n", "folded" },
		{ "HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", "bare CR" },
		{ "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n", "field name" },
		{ "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "without a colon" },
		{ "HTTP/1.1 200 OK\r\n: empty\r\n\r\n", "empty field name" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
		  "more than one Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n", "one decimal number" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n", "one decimal number" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", "one decimal number" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775808\r\n\r\n", "below 2^63" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n", "below 2^63" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "other than chunked" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
		  "both Transfer-Encoding and Content-Length" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
		  "more than one Transfer-Encoding" },
		{ "HTTP/1.1 302 F\r\nLocation: /a\r\nLocation: /b\r\n\r\n", "more than one Location" },
		{ "HTTP/2 200 OK\r\n\r\n", "status line" },
		{ "HTTP/1.1 20 OK\r\n\r\n", "status line" },
		{ "HTTP/1.1 600 OK\r\n\r\n", "status line" },
		{ "HTTP/1.1 200OK\r\n\r\n", "status line" },
		{ "http/1.1 200 OK\r\n\r\n", "status line" },
		{ "\r\nHTTP/1.1 200 OK\r\n\r\n", "empty line" },
	};
	struct http_head h;
	char big[HTTP_HEAD_MAX + 64];
	size_t n;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		UT_EQ_INT(head(cases[i].in, &h), -EBADMSG);
		if (!h.bad || !strstr(h.bad, cases[i].bad))
			ut_fail(__FILE__, __LINE__, "case %zu: bad = \"%s\", expected \"%s\"", i,
				h.bad ? h.bad : "(null)", cases[i].bad);
	}
	/* A NUL inside the head */
	UT_EQ_INT(http_parse_head("HTTP/1.1 200 OK\r\nA: \0\r\n\r\n", 25, &h), -EBADMSG);
	UT_CHECK(strstr(h.bad, "NUL") != NULL);
	/* More header lines than HTTP_HEADERS_MAX */
	n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 200 OK\r\n");
	for (unsigned i = 0; i <= HTTP_HEADERS_MAX; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-%u: y\r\n", i);
	n += (size_t)snprintf(big + n, sizeof(big) - n, "\r\n");
	UT_EQ_INT(head(big, &h), -EBADMSG);
	UT_CHECK(strstr(h.bad, "more header lines") != NULL);
	/* No end within HTTP_HEAD_MAX: -EMSGSIZE, not a wait for more. */
	memset(big, 'a', sizeof(big));
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	UT_EQ_INT(http_parse_head(big, sizeof(big), &h), -EMSGSIZE);
	UT_EQ_INT(http_parse_head(big, HTTP_HEAD_MAX - 1, &h), 0);
	/* A Location longer than a URL can be */
	n = (size_t)snprintf(big, sizeof(big), "HTTP/1.1 302 F\r\nLocation: /");
	memset(big + n, 'x', FETCH_URL_MAX);
	memcpy(big + n + FETCH_URL_MAX, "\r\n\r\n", 5);
	UT_EQ_INT(head(big, &h), -EBADMSG);
	UT_CHECK(strstr(h.bad, "Location") != NULL);
}

/* ---- chunked bodies ------------------------------------------------------------------- */

static const char chunked_body[] =
	"5;name=value\r\nhello\r\n"
	"1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
	"0000b ; ext\r\n, chunked! \r\n"
	"1\nX\n"
	"0;last\r\nTrailer-One: a\r\nTrailer-Two: b\r\n\r\n";
static const char chunked_data[] = "helloabcdefghijklmnopqrstuvwxyz, chunked! X";

/* Feeds IN in pieces of PIECE bytes (0: split once at SPLIT); checks the decoded data. */
static void feed_pieces(const char *in, size_t len, size_t split, size_t piece)
{
	struct http_chunked c;
	char out[256], *buf = exact_copy(in, len);
	size_t pos = 0, got = 0;

	http_chunked_init(&c, 1 << 20);
	while (pos < len && !c.done) {
		size_t n = piece ? (len - pos < piece ? len - pos : piece) :
			   pos < split ? split - pos : len - pos;
		size_t used = 0;
		long r = http_chunked_feed(&c, buf + pos, n, out + got, &used);

		if (r < 0) {
			ut_fail(__FILE__, __LINE__, "split %zu piece %zu: %ld (%s)", split, piece, r,
				c.bad);
			break;
		}
		got += (size_t)r;
		pos += used;
		if (used != n && !c.done)
			ut_fail(__FILE__, __LINE__, "split %zu: %zu of %zu used", split, used, n);
	}
	UT_CHECK(c.done);
	UT_EQ_INT(pos, strlen(chunked_body));
	UT_EQ_INT(got, strlen(chunked_data));
	UT_CHECK(memcmp(out, chunked_data, strlen(chunked_data)) == 0);
	free(buf);
}

UT_TEST(fetch_http_chunked_every_split)
{
	size_t len = strlen(chunked_body);
	char in_place[sizeof(chunked_body) + 8];
	struct http_chunked c;
	size_t used;
	long r;

	for (size_t split = 0; split <= len; split++)
		feed_pieces(chunked_body, len, split, 0);
	for (size_t piece = 1; piece <= 7; piece++)
		feed_pieces(chunked_body, len, 0, piece);
	/* In place, with bytes after the body that are left alone. */
	memcpy(in_place, chunked_body, len);
	memcpy(in_place + len, "NEXT", 4);
	http_chunked_init(&c, 1 << 20);
	r = http_chunked_feed(&c, in_place, len + 4, in_place, &used);
	UT_EQ_INT(r, (long)strlen(chunked_data));
	UT_CHECK(c.done && used == len);
	UT_CHECK(memcmp(in_place, chunked_data, (size_t)r) == 0);
}

static long chunked_all(const char *in, uint64_t max, struct http_chunked *c)
{
	char out[256];
	size_t used;
	char *q = exact_copy(in, strlen(in));
	long r;

	http_chunked_init(c, max);
	r = http_chunked_feed(c, q, strlen(in), out, &used);
	free(q);
	return r;
}

UT_TEST(fetch_http_chunked_malformed)
{
	struct http_chunked c;
	char line[HTTP_LINE_MAX + 16];

	UT_EQ_INT(chunked_all("g\r\n", 100, &c), -EBADMSG);
	UT_CHECK(strstr(c.bad, "hexadecimal") != NULL);
	UT_EQ_INT(chunked_all(";ext\r\n", 100, &c), -EBADMSG);
	UT_EQ_INT(chunked_all("5\r\nhelloX\r\n", 100, &c), -EBADMSG);
	UT_CHECK(strstr(c.bad, "longer than its size") != NULL);
	UT_EQ_INT(chunked_all("5\rX", 100, &c), -EBADMSG);
	UT_CHECK(strstr(c.bad, "bare CR") != NULL);
	/* 17 hex digits: more than 64 bits */
	UT_EQ_INT(chunked_all("10000000000000000\r\n", UINT64_MAX, &c), -EBADMSG);
	UT_CHECK(strstr(c.bad, "2^64") != NULL);
	/* 16 digits fit, but not under the body limit */
	UT_EQ_INT(chunked_all("ffffffffffffffff\r\n", 1000, &c), -EFBIG);
	UT_EQ_INT(chunked_all("3e9\r\n", 1000, &c), -EFBIG); /* 1001 */
	UT_EQ_INT(chunked_all("3e8\r\n", 1000, &c), 0);
	memset(line, 'a', sizeof(line));
	memcpy(line, "1;", 2);
	line[sizeof(line) - 1] = '\0';
	UT_EQ_INT(chunked_all(line, 100, &c), -EBADMSG);
	UT_CHECK(strstr(c.bad, "longer than embark takes") != NULL);
}

UT_TEST(fetch_http_chunked_trailers_bounded)
{
	static char in[(HTTP_HEADERS_MAX + 2) * 8 + 16];
	struct http_chunked c;
	size_t n = (size_t)snprintf(in, sizeof(in), "0\r\n");

	for (unsigned i = 0; i <= HTTP_HEADERS_MAX; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "T: %u\r\n", i % 10);
	snprintf(in + n, sizeof(in) - n, "\r\n");
	UT_EQ_INT(chunked_all(in, 100, &c), -EBADMSG);
	UT_CHECK(strstr(c.bad, "trailer lines") != NULL);
}

UT_TEST(fetch_http_chunked_endless_body)
{
	static char piece[4096 + 16];
	struct http_chunked c;
	size_t n = (size_t)snprintf(piece, sizeof(piece), "1000\r\n");
	uint64_t data = 0;
	long r = 0;

	memset(piece + n, 'z', 4096);
	memcpy(piece + n + 4096, "\r\n", 2);
	n += 4098;
	http_chunked_init(&c, 1 << 20);
	/* An endless body: 4 KiB chunks until the 1 MiB limit answers -EFBIG. */
	for (unsigned i = 0; i < 1000 && r >= 0; i++) {
		static char out[sizeof(piece)];
		size_t used;

		r = http_chunked_feed(&c, piece, n, out, &used);
		if (r > 0)
			data += (uint64_t)r;
	}
	UT_EQ_INT(r, -EFBIG);
	UT_EQ_INT(data, 1 << 20);
	/* An endless run of 1-byte chunks with long extensions: the framing limit ends it. */
	n = (size_t)snprintf(piece, sizeof(piece), "1;");
	memset(piece + n, 'e', 4000);
	memcpy(piece + n + 4000, "\r\nZ\r\n", 5);
	n += 4005;
	http_chunked_init(&c, 1 << 30);
	r = 0;
	for (unsigned i = 0; i < 1000 && r >= 0; i++) {
		static char out[sizeof(piece)];
		size_t used;

		r = http_chunked_feed(&c, piece, n, out, &used);
	}
	UT_EQ_INT(r, -EBADMSG);
	UT_CHECK(strstr(c.bad, "framing") != NULL);
}

/* ---- URLs ----------------------------------------------------------------------------- */

static int url(const char *s, struct fetch_url *u)
{
	char *q = exact_copy(s, strlen(s));
	int ret = fetch_url_parse(q, strlen(s), u);

	free(q);
	return ret;
}

UT_TEST(fetch_url_parse_good_and_bad)
{
	struct fetch_url u;
	char text[FETCH_URL_MAX];

	UT_EQ_INT(url("http://Boot.Example.COM/images/vmlinuz?arch=x86_64#frag", &u), 0);
	UT_EQ_INT(u.scheme, FETCH_HTTP);
	UT_EQ_STR(u.host, "boot.example.com");
	UT_EQ_INT(u.port, 80);
	UT_EQ_STR(u.path, "/images/vmlinuz?arch=x86_64");
	UT_EQ_INT(url("HTTPS://10.0.0.1:8443", &u), 0);
	UT_EQ_INT(u.scheme, FETCH_HTTPS);
	UT_EQ_INT(u.port, 8443);
	UT_EQ_STR(u.path, "/");
	UT_EQ_INT(url("http://h?q=1", &u), 0);
	UT_EQ_STR(u.path, "/?q=1");
	UT_EQ_INT(url("http://h:/x", &u), 0);
	UT_EQ_INT(u.port, 80);
	UT_EQ_INT(url("tftp://192.168.1.1/pxelinux.cfg/01-aa%20b%3F", &u), 0);
	UT_EQ_INT(u.scheme, FETCH_TFTP);
	UT_EQ_INT(u.port, 69);
	UT_EQ_STR(u.path, "pxelinux.cfg/01-aa b?");
	UT_EQ_INT(fetch_url_format(&u, text, sizeof(text)), 0);
	UT_EQ_STR(text, "tftp://192.168.1.1/pxelinux.cfg/01-aa b?");
	UT_EQ_INT(url("https://h:444/a", &u), 0);
	UT_EQ_INT(fetch_url_format(&u, text, sizeof(text)), 0);
	UT_EQ_STR(text, "https://h:444/a");

	UT_EQ_INT(url("ftp://h/x", &u), -ENOTSUP);
	UT_EQ_INT(url("http://[::1]/x", &u), -ENOTSUP);
	UT_EQ_INT(url("h/x", &u), -EINVAL);
	UT_EQ_INT(url("http:/h/x", &u), -EINVAL);
	UT_EQ_INT(url("http://user:pw@h/x", &u), -EINVAL);
	UT_EQ_INT(url("http://h:0/x", &u), -EINVAL);
	UT_EQ_INT(url("http://h:65536/x", &u), -EINVAL);
	UT_EQ_INT(url("http://h:123456/x", &u), -EINVAL);
	UT_EQ_INT(url("http://h:8a/x", &u), -EINVAL);
	UT_EQ_INT(url("http:///x", &u), -EINVAL);
	UT_EQ_INT(url("http://h/a b", &u), -EINVAL);
	UT_EQ_INT(url("http://h/a\\b", &u), -EINVAL);
	UT_EQ_INT(url("http://h/a%2", &u), -EINVAL);
	UT_EQ_INT(url("http://h/a%zz", &u), -EINVAL);
	UT_EQ_INT(url("http://h/\xc3\xa9", &u), -EINVAL);
	UT_EQ_INT(url("http://h_!/x", &u), -EINVAL);
	UT_EQ_INT(url("tftp://h", &u), -EINVAL);
	UT_EQ_INT(url("tftp://h/", &u), -EINVAL);
	UT_EQ_INT(url("tftp://h/a?b", &u), -EINVAL);
	UT_EQ_INT(url("tftp://h/a%00b", &u), -EINVAL);
	{
		char longhost[FETCH_HOST_MAX + 16] = "http://";

		memset(longhost + 7, 'a', FETCH_HOST_MAX);
		strcpy(longhost + 7 + FETCH_HOST_MAX, "/x");
		UT_EQ_INT(url(longhost, &u), -ENAMETOOLONG);
	}
}

UT_TEST(fetch_url_resolve_rfc3986_examples)
{
	/* RFC 3986 5.4.1 and 5.4.2, with the base http://a/b/c/d;p?q */
	static const struct {
		const char *ref, *want;
	} cases[] = {
		{ "g", "http://a/b/c/g" },       { "./g", "http://a/b/c/g" },
		{ "g/", "http://a/b/c/g/" },     { "/g", "http://a/g" },
		{ "//g", "http://g/" },          { "?y", "http://a/b/c/d;p?y" },
		{ "g?y", "http://a/b/c/g?y" },   { "#s", "http://a/b/c/d;p?q" },
		{ "g#s", "http://a/b/c/g" },     { ";x", "http://a/b/c/;x" },
		{ "", "http://a/b/c/d;p?q" },    { ".", "http://a/b/c/" },
		{ "./", "http://a/b/c/" },       { "..", "http://a/b/" },
		{ "../", "http://a/b/" },        { "../g", "http://a/b/g" },
		{ "../..", "http://a/" },        { "../../", "http://a/" },
		{ "../../g", "http://a/g" },     { "../../../g", "http://a/g" },
		{ "../../../../g", "http://a/g" }, { "/./g", "http://a/g" },
		{ "/../g", "http://a/g" },       { "g.", "http://a/b/c/g." },
		{ ".g", "http://a/b/c/.g" },     { "g..", "http://a/b/c/g.." },
		{ "..g", "http://a/b/c/..g" },   { "./../g", "http://a/b/g" },
		{ "./g/.", "http://a/b/c/g/" },  { "g/./h", "http://a/b/c/g/h" },
		{ "g/../h", "http://a/b/c/h" },  { "g;x=1/./y", "http://a/b/c/g;x=1/y" },
		{ "g;x=1/../y", "http://a/b/c/y" }, { "g?y/./x", "http://a/b/c/g?y/./x" },
		{ "http://b:8080/x/../y", "http://b:8080/y" },
		{ "HTTPS://secure/z", "https://secure/z" },
	};
	struct fetch_url base, out;
	char text[FETCH_URL_MAX];

	UT_EQ_INT(url("http://a/b/c/d;p?q", &base), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ret = fetch_url_resolve(&base, cases[i].ref, strlen(cases[i].ref), &out);

		if (ret == 0)
			ret = fetch_url_format(&out, text, sizeof(text));
		if (ret < 0 || strcmp(text, cases[i].want) != 0)
			ut_fail(__FILE__, __LINE__, "'%s': %d \"%s\", expected \"%s\"", cases[i].ref,
				ret, ret < 0 ? "" : text, cases[i].want);
	}
}

UT_TEST(fetch_url_resolve_refusals)
{
	struct fetch_url base, out;

	UT_EQ_INT(url("https://secure.example/a/b", &base), 0);
	UT_EQ_INT(fetch_url_resolve(&base, "http://plain/x", 14, &out), -EPERM);
	UT_EQ_INT(fetch_url_resolve(&base, "tftp://t/x", 10, &out), -EPERM);
	UT_EQ_INT(fetch_url_resolve(&base, "//other/x", 9, &out), 0);
	UT_EQ_INT(out.scheme, FETCH_HTTPS);
	UT_EQ_STR(out.host, "other");
	UT_EQ_INT(fetch_url_resolve(&base, "c d", 3, &out), -EINVAL);
	UT_EQ_INT(fetch_url_resolve(&base, "ftp://x/y", 9, &out), -ENOTSUP);
	UT_EQ_INT(url("http://plain/a", &base), 0);
	UT_EQ_INT(fetch_url_resolve(&base, "https://secure/x", 16, &out), 0);
	UT_EQ_INT(out.scheme, FETCH_HTTPS);
	UT_EQ_INT(out.port, 443);
}

/* ---- progress line and early refusals --------------------------------------------------- */

static size_t read_pipe(int fd, char *buf, size_t cap)
{
	ssize_t n = read(fd, buf, cap - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

UT_TEST(fetch_progress_bar_prints_throttled)
{
	int p[2];
	char buf[512];

	UT_EQ_INT(pipe2(p, O_NONBLOCK), 0);
	fetch_progress_bar(p[1], "vmlinuz", 20 << 20, 40 << 20, 2000);
	UT_CHECK(read_pipe(p[0], buf, sizeof(buf)) > 0);
	UT_CHECK(buf[0] == '\r');
	UT_CHECK(strstr(buf, "vmlinuz: 20.0 MiB / 40.0 MiB") && strstr(buf, " 50%") &&
		 strstr(buf, "10.4 MB/s"));
	fetch_progress_bar(p[1], "vmlinuz", 21 << 20, 40 << 20, 2100);
	UT_EQ_INT(read_pipe(p[0], buf, sizeof(buf)), 0); /* 100 ms later: throttled */
	fetch_progress_bar(p[1], "vmlinuz", 22 << 20, 40 << 20, 2300);
	UT_CHECK(read_pipe(p[0], buf, sizeof(buf)) > 0 && strstr(buf, " 55%"));
	fetch_progress_bar(p[1], "vmlinuz", 40 << 20, 40 << 20, 2310);
	UT_CHECK(read_pipe(p[0], buf, sizeof(buf)) > 0 && strstr(buf, "100%")); /* final */
	fetch_progress_bar(p[1], "x", 512, 0, 0); /* a new download, size unknown */
	UT_CHECK(read_pipe(p[0], buf, sizeof(buf)) > 0 && strstr(buf, "x: 512 B") &&
		 !strchr(buf, '%'));
	close(p[0]);
	close(p[1]);
}

UT_TEST(fetch_url_refusals_before_the_network)
{
	char err[512] = "";
	int fd = memfd_create("t", 0);
	struct fetch_opts o = { .timeout_ms = 100 };

	UT_CHECK(fd >= 0);
	UT_EQ_INT(fetch_url("ftp://h/x", fd, NULL, err, sizeof(err)), -ENOTSUP);
	UT_CHECK(strstr(err, "ftp://h/x") && strstr(err, "only tftp://"));
	UT_EQ_INT(fetch_url("http://u:p@h/x", fd, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "user:password@") != NULL);
	/* https without a CA file: refused before any connection */
	UT_EQ_INT(fetch_url("https://192.0.2.1/x", fd, &o, err, sizeof(err)), -ENOKEY);
	UT_CHECK(strstr(err, "CA file") && strstr(err, "never downloads over unverified TLS"));
	/* a host name without a resolver */
	UT_EQ_INT(fetch_url("http://boot.example/x", fd, &o, err, sizeof(err)), -EHOSTUNREACH);
	UT_CHECK(strstr(err, "cannot resolve host 'boot.example'") != NULL);
	o.tftp_blksize = 7;
	UT_EQ_INT(fetch_url("tftp://127.0.0.1/x", fd, &o, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "RFC 2348") != NULL);
	close(fd);
}
