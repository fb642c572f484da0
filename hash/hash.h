/* hash — message digests for FIT hash nodes, signatures and `embark hash`.
 * SHA-256 uses the CPU's SHA extensions where present (x86 SHA-NI, chosen by CPUID at run
 * time; arm64 through mbedTLS's crypto-extension option), else mbedTLS. Every algorithm gives
 * the same bytes on every path; tests check each path against known answers.
 * Contexts are plain values the caller owns; no allocation. */
#ifndef EMBARK_HASH_H
#define EMBARK_HASH_H

#include <stddef.h>
#include <stdint.h>

enum hash_algo {
	HASH_CRC32 = 1, /* FIT "crc32": 4 bytes, big-endian, as U-Boot stores it */
	HASH_SHA1,
	HASH_SHA256,
	HASH_SHA384,
	HASH_SHA512,
};

#define HASH_MAX_DIGEST 64

struct hash_ctx {
	enum hash_algo algo;
	/* Room for any backend's state (mbedTLS SHA-512 is the largest); hash.c asserts it. */
	_Alignas(16) unsigned char state[512];
};

/* "crc32", "sha1", "sha256", "sha384", "sha512" (FIT's names). Returns 0 or -EINVAL. */
int hash_algo_from_name(const char *name, enum hash_algo *out);
const char *hash_algo_name(enum hash_algo algo);
size_t hash_digest_size(enum hash_algo algo); /* 0 for an unknown value */

/* Returns 0 or -EINVAL for an unknown algorithm. */
int hash_init(struct hash_ctx *ctx, enum hash_algo algo);
void hash_update(struct hash_ctx *ctx, const void *buf, size_t len);
/* Writes hash_digest_size() bytes to OUT. */
void hash_final(struct hash_ctx *ctx, uint8_t *out);
/* One call; returns 0 or -EINVAL. */
int hash_buffer(enum hash_algo algo, const void *buf, size_t len, uint8_t *out);

/* Which implementation runs for ALGO on this CPU: "sha-ni", "armv8-ce", "mbedtls", "zlib". */
const char *hash_backend(enum hash_algo algo);

#endif
