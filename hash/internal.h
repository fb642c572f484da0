/* hash internals: shared between the files of hash/ and the unit tests, never a public
 * interface (other modules use hash/hash.h only). */
#ifndef EMBARK_HASH_INTERNAL_H
#define EMBARK_HASH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* The SHA-256 implementations. The other algorithms have one each (zlib, mbedTLS). */
enum sha256_impl {
	SHA256_IMPL_AUTO = 0, /* hash_force_backend(): choose again from the CPU and env */
	SHA256_IMPL_MBEDTLS,  /* mbedTLS (with its own arm64 crypto extensions, if configured) */
	SHA256_IMPL_SHANI,    /* our x86 SHA-NI block function under sha256_md */
};

/* The implementation a SHA-256 context starts with from now on. Chosen at first use from
 * CPUID and EMBARK_HASH_NO_SHANI=1 (which forces mbedTLS), then kept. */
enum sha256_impl hash_sha256_impl(void);

/* Tests and the bench pick a path: IMPL for every context initialised from now on, or
 * SHA256_IMPL_AUTO to choose again (re-reading the environment) at the next use.
 * Returns 0, or -ENOTSUP when this CPU cannot run IMPL. Contexts already started keep
 * the implementation they began with. */
int hash_force_backend(enum sha256_impl impl);

/* 1 when this x86 CPU has the SHA extensions plus SSSE3 and SSE4.1 (CPUID), else 0;
 * always 0 on other architectures. */
int cpu_x86_sha_ni(void);

/* Compresses NBLOCKS 64-byte blocks at P into STATE (a..h, host order). */
typedef void sha256_blocks_fn(uint32_t state[8], const uint8_t *p, size_t nblocks);

#if defined(__x86_64__) || defined(__i386__)
/* SHA-NI block function (sha256_x86.c); call only when cpu_x86_sha_ni() says so. */
sha256_blocks_fn sha256_x86_blocks;
#endif

/* SHA-256 message buffering and padding around a block function (sha256_md.c), for the
 * paths where embark supplies the compression itself. */
struct sha256_md {
	uint32_t h[8];
	uint64_t len; /* bytes so far; len % 64 of them wait in buf */
	uint8_t buf[64];
};

void sha256_md_init(struct sha256_md *s);
void sha256_md_update(struct sha256_md *s, const uint8_t *p, size_t len, sha256_blocks_fn *fn);
void sha256_md_final(struct sha256_md *s, uint8_t out[32], sha256_blocks_fn *fn);

#endif
