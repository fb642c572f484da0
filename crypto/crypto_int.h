/* crypto — internals shared by the module's files (and its own unit tests); not a public API.
 * Every file that includes an mbedTLS header includes this one first, so that the headers see
 * the same configuration the libraries were built with (crypto/mbedtls_config.h). */
#ifndef EMBARK_CRYPTO_INT_H
#define EMBARK_CRYPTO_INT_H

#define MBEDTLS_CONFIG_FILE "crypto/mbedtls_config.h"

#include "crypto/crypto.h"
#include "util/util.h"

#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/rsa.h>

#include <stddef.h>
#include <stdint.h>

/* Largest files and buffers the module accepts. */
#define CRYPTO_FILE_MAX (1u << 20) /* keyring_add_file: a control DTB or a PEM file */
#define CRYPTO_PEM_MAX (64u << 10) /* keyring_add_pem: one key or certificate */
#define CRYPTO_RSA_MAX_BYTES 512   /* RSA-4096 */
#define CRYPTO_EC_MAX_BYTES 48     /* P-384 coordinate */

/* The public key of an ECDSA key (struct key.pk when kind == KEY_ECDSA). */
struct crypto_ec {
	mbedtls_ecp_group grp;
	mbedtls_ecp_point Q;
};

/* One digest algorithm as signatures use it. */
struct crypto_hash_info {
	enum hash_algo algo;
	const char *name;
	mbedtls_md_type_t md;
	size_t size;
	const uint8_t *digest_info; /* DER DigestInfo prefix for PKCS#1 v1.5 */
	size_t digest_info_len;
};

/* NULL for a hash that signatures do not use (crc32) or an unknown value. */
const struct crypto_hash_info *crypto_hash_info(enum hash_algo algo);


/* 1 when NAME is usable as a key name: 1..KEY_NAME_MAX-1 bytes, printable ASCII. */
int crypto_name_ok(const char *name, size_t len);

/* Fills KEY's context from a modulus N (NLEN bytes, big-endian, NLEN*8 bits with the top bit
 * set) and a 64-bit public exponent E. Sets kind, bits and pk. WHAT prefixes messages. */
int crypto_key_rsa_import(struct key *key, const uint8_t *n, size_t nlen, uint64_t e,
			  const char *what, char *err, size_t errlen);
/* Fills KEY's context from the affine point (X, Y), CLEN bytes each, big-endian, on curve GID
 * (P-256 or P-384); the point must be on the curve. */
int crypto_key_ec_import(struct key *key, mbedtls_ecp_group_id gid, const uint8_t *x,
			 const uint8_t *y, size_t clen, const char *what, char *err, size_t errlen);
/* Frees KEY's context and clears pk. */
void crypto_key_free(struct key *key);

/* The raw public key: the RSA modulus (bits/8 bytes), or X || Y for ECDSA (2 * curve bytes).
 * Returns the length or -ENOSPC / -EINVAL. (For tests and fingerprints.) */
int crypto_key_public_raw(const struct key *key, uint8_t *out, size_t cap);

/* The RSA public exponent of KEY; 0 for a key that is not RSA. */
uint64_t crypto_key_rsa_exponent(const struct key *key);

#endif
