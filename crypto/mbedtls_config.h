/* mbedTLS configuration for embark: only what embark uses. This file is the size lever of the
 * crypto in the firmware image; add an option only together with the code that needs it.
 * Used for both builds (musl product, host tests) so tests exercise the product's crypto. */
#ifndef EMBARK_MBEDTLS_CONFIG_H
#define EMBARK_MBEDTLS_CONFIG_H

/* Platform */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME

/* Digests: FIT hash nodes (sha1 is checked but never counts toward policy) and signatures. */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA1_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
#define MBEDTLS_SHA512_C
/* arm64: SHA-256 on the crypto extensions when the CPU has them (hash_backend() then says
 * "armv8-ce"); x86 uses embark's own SHA-NI code instead (hash/sha256_x86.c). */
#if defined(__aarch64__)
#define MBEDTLS_SHA256_USE_ARMV8_A_CRYPTO_IF_PRESENT
#endif

/* Public-key verification: RSA PKCS#1 v1.5 and PSS, ECDSA P-256/P-384. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECDSA_C

/* Keyrings given as PEM public keys or X.509 certificates. */
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C

#endif
