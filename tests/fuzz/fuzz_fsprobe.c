/* Superblock probes over arbitrary device starts. */
#include "fsprobe/fsprobe.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fsprobe_result r;

	if (fsprobe_identify(data, size, &r) == 0) {
		/* Every string the probe hands out must be terminated within its field. */
		if (!memchr(r.type, 0, sizeof(r.type)) || !memchr(r.uuid, 0, sizeof(r.uuid)) ||
		    !memchr(r.label, 0, sizeof(r.label)))
			__builtin_trap();
	}
	return 0;
}
