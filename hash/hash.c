/* hash — names, dispatch, and the library backends: CRC-32 from zlib, SHA-1/384/512 from
 * mbedTLS, SHA-256 from our SHA-NI block function (sha256_x86.c) or mbedTLS.
 * SHA-384/512 always use mbedTLS: x86 CPUs before the 2024 SHA512 extension have no
 * instruction for them and mbedTLS 3.6 has no x86 acceleration of its own (only arm64).
 * Every mbedTLS call is checked for exactly 0; a failure (which mbedTLS 3.6 never reports for
 * a valid context) marks the context failed so that no digest of it is passed off as real. */

/* The contexts embedded below must have the layout the library was built with: use the
 * configuration tools/deps.sh built it with (as crypto/ does). */
#define MBEDTLS_CONFIG_FILE "crypto/mbedtls_config.h"

#include "hash/hash.h"
#include "hash/internal.h"

#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>
#include <zlib.h>

#include <errno.h>
#include <string.h>

#ifndef EMBARK_MBEDTLS_CONFIG_H
#error "mbedTLS headers were included with another configuration than crypto/mbedtls_config.h"
#endif

#if defined(__aarch64__) && defined(MBEDTLS_SHA256_USE_ARMV8_A_CRYPTO_IF_PRESENT)
#include <sys/auxv.h>
#endif

/* What lives in hash_ctx.state. */
struct hash_state {
	enum sha256_impl impl; /* SHA-256: chosen at hash_init, kept for the context's life */
	int failed;            /* an mbedTLS call failed: the digest must not be trusted */
	union {
		uint32_t crc;
		struct sha256_md md; /* SHA-256 on our own block function */
		mbedtls_sha1_context sha1;
		mbedtls_sha256_context sha256;
		mbedtls_sha512_context sha512; /* SHA-384 too */
	} u;
};

_Static_assert(sizeof(struct hash_state) <= sizeof(((struct hash_ctx *)0)->state),
	       "hash_ctx.state is too small for a backend's context");
_Static_assert(_Alignof(struct hash_state) <= 16, "hash_ctx.state is aligned to 16");

static const struct {
	const char *name;
	enum hash_algo algo;
	size_t size;
} algos[] = {
	{ "crc32", HASH_CRC32, 4 },    { "sha1", HASH_SHA1, 20 },
	{ "sha256", HASH_SHA256, 32 }, { "sha384", HASH_SHA384, 48 },
	{ "sha512", HASH_SHA512, 64 },
};

static struct hash_state *state_of(struct hash_ctx *ctx)
{
	return (struct hash_state *)(void *)ctx->state;
}

int hash_algo_from_name(const char *name, enum hash_algo *out)
{
	for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
		if (strcmp(name, algos[i].name) == 0) {
			*out = algos[i].algo;
			return 0;
		}
	return -EINVAL;
}

const char *hash_algo_name(enum hash_algo algo)
{
	for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
		if (algos[i].algo == algo)
			return algos[i].name;
	return NULL;
}

size_t hash_digest_size(enum hash_algo algo)
{
	for (size_t i = 0; i < sizeof(algos) / sizeof(algos[0]); i++)
		if (algos[i].algo == algo)
			return algos[i].size;
	return 0;
}

/* mbedTLS with MBEDTLS_SHA256_USE_ARMV8_A_CRYPTO_IF_PRESENT asks the kernel's hwcaps, as here,
 * and uses the crypto extensions when they are there. */
static int armv8_sha256(void)
{
#if defined(__aarch64__) && defined(MBEDTLS_SHA256_USE_ARMV8_A_CRYPTO_ONLY)
	return 1;
#elif defined(__aarch64__) && defined(MBEDTLS_SHA256_USE_ARMV8_A_CRYPTO_IF_PRESENT)
	return (getauxval(AT_HWCAP) & HWCAP_SHA2) != 0;
#else
	return 0;
#endif
}

const char *hash_backend(enum hash_algo algo)
{
	switch (algo) {
	case HASH_CRC32:
		return "zlib";
	case HASH_SHA256:
		if (hash_sha256_impl() == SHA256_IMPL_SHANI)
			return "sha-ni";
		return armv8_sha256() ? "armv8-ce" : "mbedtls";
	case HASH_SHA1:
	case HASH_SHA384:
	case HASH_SHA512:
		return "mbedtls";
	}
	return "none";
}

static void check(struct hash_state *st, int ret)
{
	if (ret != 0)
		st->failed = 1;
}

int hash_init(struct hash_ctx *ctx, enum hash_algo algo)
{
	struct hash_state *st = state_of(ctx);

	if (hash_digest_size(algo) == 0)
		return -EINVAL;
	memset(ctx, 0, sizeof(*ctx));
	ctx->algo = algo;
	switch (algo) {
	case HASH_CRC32:
		st->u.crc = (uint32_t)crc32_z(0, Z_NULL, 0);
		break;
	case HASH_SHA1:
		mbedtls_sha1_init(&st->u.sha1);
		check(st, mbedtls_sha1_starts(&st->u.sha1));
		break;
	case HASH_SHA256:
		st->impl = hash_sha256_impl();
		if (st->impl == SHA256_IMPL_SHANI) {
			sha256_md_init(&st->u.md);
			break;
		}
		mbedtls_sha256_init(&st->u.sha256);
		check(st, mbedtls_sha256_starts(&st->u.sha256, 0));
		break;
	case HASH_SHA384:
	case HASH_SHA512:
		mbedtls_sha512_init(&st->u.sha512);
		check(st, mbedtls_sha512_starts(&st->u.sha512, algo == HASH_SHA384));
		break;
	}
	return 0;
}

void hash_update(struct hash_ctx *ctx, const void *buf, size_t len)
{
	struct hash_state *st = state_of(ctx);

	/* zlib's crc32 returns its initial value, not CRC, for a NULL buffer; and nothing else
	 * needs to see an empty update either. */
	if (len == 0 || st->failed)
		return;
	switch (ctx->algo) {
	case HASH_CRC32:
		st->u.crc = (uint32_t)crc32_z(st->u.crc, buf, len);
		break;
	case HASH_SHA1:
		check(st, mbedtls_sha1_update(&st->u.sha1, buf, len));
		break;
	case HASH_SHA256:
#if defined(__x86_64__) || defined(__i386__)
		if (st->impl == SHA256_IMPL_SHANI) {
			sha256_md_update(&st->u.md, buf, len, sha256_x86_blocks);
			break;
		}
#endif
		check(st, mbedtls_sha256_update(&st->u.sha256, buf, len));
		break;
	case HASH_SHA384:
	case HASH_SHA512:
		check(st, mbedtls_sha512_update(&st->u.sha512, buf, len));
		break;
	}
}

static int final_checked(struct hash_ctx *ctx, uint8_t *out)
{
	struct hash_state *st = state_of(ctx);

	switch (ctx->algo) {
	case HASH_CRC32:
		/* FIT stores the CRC as a 32-bit cell, i.e. big-endian. */
		out[0] = st->u.crc >> 24;
		out[1] = st->u.crc >> 16;
		out[2] = st->u.crc >> 8;
		out[3] = st->u.crc;
		break;
	case HASH_SHA1:
		if (!st->failed)
			check(st, mbedtls_sha1_finish(&st->u.sha1, out));
		mbedtls_sha1_free(&st->u.sha1);
		break;
	case HASH_SHA256:
#if defined(__x86_64__) || defined(__i386__)
		if (st->impl == SHA256_IMPL_SHANI) {
			sha256_md_final(&st->u.md, out, sha256_x86_blocks);
			break;
		}
#endif
		if (!st->failed)
			check(st, mbedtls_sha256_finish(&st->u.sha256, out));
		mbedtls_sha256_free(&st->u.sha256);
		break;
	case HASH_SHA384:
	case HASH_SHA512:
		if (!st->failed)
			check(st, mbedtls_sha512_finish(&st->u.sha512, out));
		mbedtls_sha512_free(&st->u.sha512);
		break;
	default:
		return -EINVAL;
	}
	if (st->failed) {
		/* Zeros, never a partial digest that might match by construction. */
		memset(out, 0, hash_digest_size(ctx->algo));
		return -EIO;
	}
	return 0;
}

void hash_final(struct hash_ctx *ctx, uint8_t *out)
{
	(void)final_checked(ctx, out);
}

int hash_buffer(enum hash_algo algo, const void *buf, size_t len, uint8_t *out)
{
	struct hash_ctx ctx;
	int ret = hash_init(&ctx, algo);

	if (ret < 0)
		return ret;
	hash_update(&ctx, buf, len);
	return final_checked(&ctx, out);
}
