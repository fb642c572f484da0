/* Signature checks over a caller's digest.
 * RSA PKCS#1 v1.5: the signature is raised to the public exponent, and the result is compared
 * in constant time with the encoding we expect (00 01 FF..FF 00 DigestInfo digest) built from
 * the digest we were given; nothing the signature says is parsed.
 * RSA-PSS: mbedTLS's EMSA-PSS verification, MGF1 with the message hash, any salt length.
 * ECDSA: raw r || s as U-Boot writes it; r and s must be in [1, n-1]. */
#include "crypto/crypto_int.h"

#include <mbedtls/ecdsa.h>

#include <errno.h>
#include <string.h>

/* 0 when the N bytes at A and B are equal; the time taken does not depend on the bytes. */
static int ct_differ(const uint8_t *a, const uint8_t *b, size_t n)
{
	volatile uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= a[i] ^ b[i];
	return acc != 0;
}

static int verify_pkcs1v15(const struct key *key, const struct crypto_hash_info *h,
			   const uint8_t *digest, const uint8_t *sig, size_t sig_len)
{
	uint8_t got[CRYPTO_RSA_MAX_BYTES], want[CRYPTO_RSA_MAX_BYTES];
	size_t k = key->bits / 8, t = h->digest_info_len + h->size, ps;
	int rc;

	if (sig_len != k || k > sizeof(got)) {
		rc = -EBADMSG;
		goto out;
	}
	/* EM = 00 01 PS 00 T with PS at least 8 bytes of FF (RFC 8017, 9.2). */
	if (t + 11 > k) {
		rc = -EINVAL;
		goto out;
	}
	ps = k - t - 3;
	want[0] = 0x00;
	want[1] = 0x01;
	memset(want + 2, 0xff, ps);
	want[2 + ps] = 0x00;
	memcpy(want + 3 + ps, h->digest_info, h->digest_info_len);
	memcpy(want + 3 + ps + h->digest_info_len, digest, h->size);

	if (mbedtls_rsa_public(key->pk, sig, got) != 0) {
		rc = -EKEYREJECTED; /* e.g. the signature is not below the modulus */
		goto out;
	}
	rc = ct_differ(got, want, k) ? -EKEYREJECTED : 0;
out:
	memset(got, 0, sizeof(got));
	return rc;
}

static int verify_pss(const struct key *key, const struct crypto_hash_info *h,
		      const uint8_t *digest, const uint8_t *sig, size_t sig_len)
{
	int ret;

	if (sig_len != key->bits / 8)
		return -EBADMSG;
	ret = mbedtls_rsa_rsassa_pss_verify_ext(key->pk, h->md, (unsigned)h->size, digest, h->md,
						MBEDTLS_RSA_SALT_LEN_ANY, sig);
	return ret == 0 ? 0 : -EKEYREJECTED;
}

static int verify_ecdsa(const struct key *key, const uint8_t *digest, size_t digest_len,
			const uint8_t *sig, size_t sig_len)
{
	struct crypto_ec *ec = key->pk;
	size_t clen = key->bits / 8;
	mbedtls_mpi r, s;
	int rc;

	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	if (sig_len != 2 * clen) {
		rc = -EBADMSG;
		goto out;
	}
	if (mbedtls_mpi_read_binary(&r, sig, clen) != 0 ||
	    mbedtls_mpi_read_binary(&s, sig + clen, clen) != 0) {
		rc = -ENOMEM;
		goto out;
	}
	if (mbedtls_mpi_cmp_int(&r, 1) < 0 || mbedtls_mpi_cmp_mpi(&r, &ec->grp.N) >= 0 ||
	    mbedtls_mpi_cmp_int(&s, 1) < 0 || mbedtls_mpi_cmp_mpi(&s, &ec->grp.N) >= 0) {
		rc = -EKEYREJECTED;
		goto out;
	}
	rc = mbedtls_ecdsa_verify(&ec->grp, digest, digest_len, &ec->Q, &r, &s) == 0
		     ? 0
		     : -EKEYREJECTED;
out:
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	return rc;
}

int sig_verify_digest(const struct key *key, const char *algo, const char *padding,
		      const uint8_t *digest, size_t digest_len, const uint8_t *sig, size_t sig_len)
{
	const struct crypto_hash_info *h;
	enum hash_algo hash;
	enum key_kind kind;
	unsigned bits;

	if (!key || !key->pk || !digest || (!sig && sig_len))
		return -EINVAL;
	if (sig_algo_parse(algo, &hash, &kind, &bits) != 0)
		return -EINVAL;
	h = crypto_hash_info(hash);
	/* A key verifies only signatures made for its own kind and size. */
	if (!h || kind != key->kind || bits != key->bits)
		return -EINVAL;
	if (digest_len != h->size)
		return -EINVAL;
	if (kind == KEY_ECDSA) {
		/* Padding is an RSA notion: an ECDSA signature node has none. */
		if (padding)
			return -EINVAL;
		return verify_ecdsa(key, digest, digest_len, sig, sig_len);
	}
	if (!padding || strcmp(padding, "pkcs-1.5") == 0)
		return verify_pkcs1v15(key, h, digest, sig, sig_len);
	if (strcmp(padding, "pss") == 0)
		return verify_pss(key, h, digest, sig, sig_len);
	return -EINVAL;
}
