/* BLS entry parser over arbitrary bytes. */
#include "bootcfg/bootcfg.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_entry e;
	char err[160];

	if (bls_parse((const char *)data, size, "fuzz", &e, err, sizeof(err)) == 0) {
		if (!memchr(e.cmdline, 0, sizeof(e.cmdline)) || !e.kernel[0] ||
		    e.n_initrds > BOOT_MAX_INITRDS)
			__builtin_trap();
	}
	return 0;
}
