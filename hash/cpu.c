/* CPU feature detection for the hash paths: which SHA-256 block function this CPU can run.
 * Asked at run time, because one static binary boots on CPUs with and without SHA-NI. */
#include "hash/internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/* CPUID leaf 1 ECX: SSSE3 (bit 9) and SSE4.1 (bit 19), which the SHA-NI code uses for byte
 * swaps and blends; leaf 7 subleaf 0 EBX bit 29: the SHA extensions themselves. They only
 * touch XMM registers, whose state every x86-64 kernel saves, so no XGETBV check is needed. */
int cpu_x86_sha_ni(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & (1u << 9)) || !(c & (1u << 19)))
		return 0;
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	return (b >> 29) & 1;
}
#else
int cpu_x86_sha_ni(void)
{
	return 0;
}
#endif
