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

/* ---- HTTPS (fetch/tls.c): a TLS 1.2 + 1.3 client, nothing else. -------------------------
 * No server, no DTLS, no PSK, no session tickets or resumption, no renegotiation, no
 * CBC/CCM suites: each download is one fresh, fully verified handshake. */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
/* TLS 1.3's only mode without a PSK: (EC)DHE key exchange authenticated by certificates. */
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
/* RFC 8446 D.4: looks like a TLS 1.2 resumption on the wire, so middleboxes in data-centre
 * networks pass the handshake (a few bytes, no code of note). */
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
/* mbedTLS's TLS 1.3 code needs the peer certificate kept after the handshake (check_config). */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE
/* SNI: name-based virtual hosts pick their certificate by it; also sets the expected name. */
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
/* RFC 7627: binds TLS 1.2 master secrets to the handshake (triple-handshake attack). */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
/* TLS 1.3 servers with RSA keys sign with RSA-PSS (rsa_pss_rsae_*, RFC 8446 4.2.3): without
 * this the client offers no RSA signature TLS 1.3 allows, and every RSA server refuses. */
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
/* TLS 1.2 key exchanges: ECDHE signed by an ECDSA or an RSA certificate (forward secrecy). */
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_ECDH_C
/* The suites offered, best first: AEAD only. TLS 1.3 servers must support AES-128-GCM and
 * secp256r1 (RFC 8446 9.1), so P-256/P-384 above are the only groups. */
#define MBEDTLS_SSL_CIPHERSUITES                                                             \
	MBEDTLS_TLS1_3_AES_128_GCM_SHA256, MBEDTLS_TLS1_3_AES_256_GCM_SHA384,                \
	MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,                                             \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,                                     \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,                                     \
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,                               \
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,                                       \
	MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,                                       \
	MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
/* Record protection: AES-GCM and ChaCha20-Poly1305 through the cipher layer. */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
/* AES-NI: boot images are large; GCM at several hundred MB/s instead of tens. */
#if defined(__x86_64__)
#define MBEDTLS_AESNI_C
#endif
/* TLS 1.3's key schedule (HKDF) and key shares run on PSA crypto in mbedTLS 3.6; PSA takes
 * its algorithms from the options above. fetch/tls.c calls psa_crypto_init(). */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_HKDF_C
/* Randomness: CTR_DRBG seeded from the entropy pool, for the handshake and for PSA. The only
 * entropy source is mbedtls_hardware_poll(), which fetch/entropy.c implements with
 * getrandom(2) (blocking until the kernel's pool is initialised, never /dev/urandom early in
 * boot). NO_PLATFORM_ENTROPY drops mbedTLS's own /dev/urandom fallback; HARDWARE_ALT is used
 * rather than an added source because PSA's internal DRBG only sees the built-in sources. */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT
/* Certificate validity periods are checked against the clock: an expired or not yet valid
 * certificate is refused (a firmware RTC at 1970 shows up as "not yet valid"). */
#define MBEDTLS_HAVE_TIME_DATE

#endif
