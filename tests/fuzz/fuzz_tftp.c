/* TFTP packets over arbitrary bytes: the parser on the whole input (strings and options must
 * lie inside it, counts bounded), the option lookups and number parser on what it found, and
 * builders that must produce packets the parser reads back the same. */
#include "fetch/fetch.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const void *p, const uint8_t *data, size_t size)
{
	return (const uint8_t *)p >= data && (const uint8_t *)p < data + size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t rebuilt[TFTP_REQUEST_MAX];
	struct tftp_pkt pkt, again;
	uint64_t v;
	int n;

	if (tftp_parse(data, size, &pkt) != 0)
		return 0;
	if (pkt.n_options > TFTP_OPTIONS_MAX)
		__builtin_trap();
	for (unsigned i = 0; i < pkt.n_options; i++) {
		const char *name = pkt.options[i].name, *value = pkt.options[i].value;

		/* Both strings and their NULs lie inside the datagram. */
		if (!inside(name, data, size) || !inside(value, data, size) ||
		    !inside(value + strlen(value), data, size) || !name[0])
			__builtin_trap();
		if (!tftp_option_get(&pkt, name))
			__builtin_trap();
		if (tftp_option_number(value, 8, 65464, &v) == 0 && (v < 8 || v > 65464))
			__builtin_trap();
	}
	switch (pkt.opcode) {
	case TFTP_DATA:
		if (pkt.data != data + 4 || pkt.data_len != size - 4 || pkt.data_len > TFTP_BLKSIZE_MAX)
			__builtin_trap();
		break;
	case TFTP_ERROR:
		if (!inside(pkt.error_msg + strlen(pkt.error_msg), data, size))
			__builtin_trap();
		/* An ERROR rebuilt from the parsed one reads back the same. */
		n = tftp_build_error(rebuilt, sizeof(rebuilt), pkt.error_code & 0xffff, pkt.error_msg);
		if (n > 0 && (tftp_parse(rebuilt, (size_t)n, &again) != 0 ||
			      strcmp(again.error_msg, pkt.error_msg) != 0))
			__builtin_trap();
		break;
	case TFTP_RRQ:
		n = tftp_build_rrq(rebuilt, sizeof(rebuilt), pkt.filename, 1468, 1, 1);
		if (n > 0 && (tftp_parse(rebuilt, (size_t)n, &again) != 0 ||
			      strcmp(again.filename, pkt.filename) != 0 || again.n_options != 3))
			__builtin_trap();
		break;
	default:
		break;
	}
	return 0;
}
