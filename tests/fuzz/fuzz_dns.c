/* DNS answers over arbitrary bytes: dns_parse_a with the id and question taken from the
 * input itself (so the fuzzer gets past the header checks), and with a fixed name. A success
 * promises a count within MAX. The query builder must accept what it builds. */
#include "net/net.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The question name of DATA as dotted text, if it is a simple uncompressed one. */
static int question_name(const uint8_t *data, size_t size, char *out, size_t cap)
{
	size_t pos = 12, n = 0;

	for (unsigned labels = 0; labels < 128; labels++) {
		uint8_t l;

		if (pos >= size)
			return -1;
		l = data[pos++];
		if (l == 0)
			break;
		if (l > 63 || l > size - pos || n + l + 2 > cap)
			return -1;
		if (n)
			out[n++] = '.';
		memcpy(out + n, data + pos, l);
		n += l;
		pos += l;
	}
	out[n] = '\0';
	return n && !memchr(out, 0, n) ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t addrs[4];
	uint8_t query[DNS_MSG_MAX];
	char name[DNS_NAME_MAX + 1];
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	int r;

	r = dns_parse_a(data, size, id, "boot.example.org", addrs, 4);
	if (r > 4 || r == 0)
		__builtin_trap();
	if (question_name(data, size, name, sizeof(name)) == 0) {
		r = dns_parse_a(data, size, id, name, addrs, 4);
		if (r > 4 || r == 0)
			__builtin_trap();
		r = dns_build_query(query, sizeof(query), id, name);
		if (r > 0 && dns_parse_a(query, (size_t)r, id, name, addrs, 4) != -ENOMSG)
			__builtin_trap(); /* a query (QR clear) is never an answer */
	}
	return 0;
}
