/* Which SHA-256 implementation runs: decided once, at the first SHA-256 context, from CPUID
 * and the EMBARK_HASH_NO_SHANI=1 override (so tests and users can compare both paths on one
 * machine). embark is single-threaded, so a plain static holds the choice. */
#include "hash/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static enum sha256_impl chosen; /* SHA256_IMPL_AUTO until the first use */

static enum sha256_impl choose(void)
{
	const char *off = getenv("EMBARK_HASH_NO_SHANI");

	if (off && strcmp(off, "1") == 0)
		return SHA256_IMPL_MBEDTLS;
	return cpu_x86_sha_ni() ? SHA256_IMPL_SHANI : SHA256_IMPL_MBEDTLS;
}

enum sha256_impl hash_sha256_impl(void)
{
	if (chosen == SHA256_IMPL_AUTO)
		chosen = choose();
	return chosen;
}

int hash_force_backend(enum sha256_impl impl)
{
	switch (impl) {
	case SHA256_IMPL_AUTO:
	case SHA256_IMPL_MBEDTLS:
		break;
	case SHA256_IMPL_SHANI:
		if (!cpu_x86_sha_ni())
			return -ENOTSUP;
		break;
	default:
		return -EINVAL;
	}
	chosen = impl;
	return 0;
}
