/* The purgatory's one check: the bytes the kernel copied to each segment are the bytes embark
 * hashed before kexec_load. Anything that wrote to that memory in between (a driver's DMA, a
 * bug in the copy) is caught here, before the new kernel runs on corrupted code or data. */
#include "loader/purgatory/purgatory.h"

static void put_str(const char *s)
{
	for (unsigned i = 0; s[i] && i < 256; i++)
		purgatory_putc(s[i]);
}

static void put_hex(uint64_t v)
{
	static const char digits[] = "0123456789abcdef";

	put_str("0x");
	for (int shift = 60; shift >= 0; shift -= 4)
		purgatory_putc(digits[(v >> shift) & 0xf]);
}

static void put_dec(unsigned v)
{
	char buf[12];
	unsigned n = 0;

	do {
		buf[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && n < sizeof(buf));
	while (n)
		purgatory_putc(buf[--n]);
}

unsigned purgatory_verify(const struct purgatory_args *args)
{
	unsigned n = args->nr_segments;

	if (n > PURGATORY_MAX_SEGMENTS)
		n = PURGATORY_MAX_SEGMENTS;
	for (unsigned i = 0; i < n; i++) {
		const struct purgatory_segment *s = &args->seg[i];
		uint8_t got[32];
		unsigned diff = 0;

		purgatory_sha256((const void *)(uintptr_t)s->mem, s->len, got);
		for (unsigned j = 0; j < 32; j++)
			diff |= (unsigned)(got[j] ^ s->sha256[j]);
		if (diff) {
			put_str("\r\nembark purgatory: segment ");
			put_dec(i);
			put_str(" at ");
			put_hex(s->mem);
			put_str(" (");
			put_hex(s->len);
			put_str(" bytes) does not match its SHA-256: the memory changed after "
				"kexec_load; not starting the kernel (halted)\r\n");
			return i + 1;
		}
	}
	return 0;
}
