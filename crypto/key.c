/* Keyrings and key contexts: one mbedTLS context per key, built from raw public values (RSA
 * modulus and exponent, EC point) whatever the source (control DTB, PEM, certificate), so
 * every key goes through the same checks. */
#include "crypto/crypto_int.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *curve_name(mbedtls_ecp_group_id gid)
{
	return gid == MBEDTLS_ECP_DP_SECP256R1 ? "P-256" : gid == MBEDTLS_ECP_DP_SECP384R1 ? "P-384"
											     : "?";
}

void keyring_init(struct keyring *kr)
{
	memset(kr, 0, sizeof(*kr));
	kr->required_all = 1;
}

void keyring_free(struct keyring *kr)
{
	if (!kr)
		return;
	for (unsigned i = 0; i < kr->n && i < KEYRING_MAX_KEYS; i++)
		crypto_key_free(&kr->keys[i]);
	keyring_init(kr);
}

void crypto_key_free(struct key *key)
{
	if (!key->pk)
		return;
	if (key->kind == KEY_RSA) {
		mbedtls_rsa_free(key->pk);
	} else {
		struct crypto_ec *ec = key->pk;

		mbedtls_ecp_point_free(&ec->Q);
		mbedtls_ecp_group_free(&ec->grp);
	}
	free(key->pk);
	key->pk = NULL;
}

int crypto_key_rsa_import(struct key *key, const uint8_t *n, size_t nlen, uint64_t e,
			  const char *what, char *err, size_t errlen)
{
	mbedtls_rsa_context *rsa = NULL;
	uint8_t eb[8];
	int rc, ret;

	if (nlen != 256 && nlen != 384 && nlen != 512) {
		rc = err_fail(err, errlen, -EINVAL,
			      "%s: unsupported key type/size: RSA-%zu (embark takes RSA 2048, 3072, 4096)",
			      what, nlen * 8);
		goto out;
	}
	if (!(n[0] & 0x80)) {
		rc = err_fail(err, errlen, -EINVAL,
			      "%s: RSA modulus has fewer than %zu significant bits", what, nlen * 8);
		goto out;
	}
	if (!(n[nlen - 1] & 1)) {
		rc = err_fail(err, errlen, -EINVAL, "%s: RSA modulus is even", what);
		goto out;
	}
	if (e < 3 || !(e & 1)) {
		rc = err_fail(err, errlen, -EINVAL,
			      "%s: RSA public exponent %llu: must be odd and at least 3", what,
			      (unsigned long long)e);
		goto out;
	}
	rsa = calloc(1, sizeof(*rsa));
	if (!rsa) {
		rc = err_fail(err, errlen, -ENOMEM, "%s: out of memory", what);
		goto out;
	}
	mbedtls_rsa_init(rsa);
	for (int i = 0; i < 8; i++)
		eb[i] = (uint8_t)(e >> (56 - 8 * i));
	ret = mbedtls_rsa_import_raw(rsa, n, nlen, NULL, 0, NULL, 0, NULL, 0, eb, sizeof(eb));
	if (ret == 0)
		ret = mbedtls_rsa_complete(rsa);
	if (ret == 0)
		ret = mbedtls_rsa_check_pubkey(rsa);
	if (ret != 0 || mbedtls_rsa_get_len(rsa) != nlen) {
		rc = err_fail(err, errlen, -EINVAL,
			      "%s: not a valid RSA public key (mbedTLS -0x%04x)", what, -ret);
		goto out;
	}
	key->kind = KEY_RSA;
	key->bits = (unsigned)nlen * 8;
	key->pk = rsa;
	rsa = NULL;
	rc = 0;
out:
	if (rsa) {
		mbedtls_rsa_free(rsa);
		free(rsa);
	}
	return rc;
}

int crypto_key_ec_import(struct key *key, mbedtls_ecp_group_id gid, const uint8_t *x,
			 const uint8_t *y, size_t clen, const char *what, char *err, size_t errlen)
{
	uint8_t pt[1 + 2 * CRYPTO_EC_MAX_BYTES];
	struct crypto_ec *ec = NULL;
	size_t want;
	int rc, ret;

	want = gid == MBEDTLS_ECP_DP_SECP256R1 ? 32 : gid == MBEDTLS_ECP_DP_SECP384R1 ? 48 : 0;
	if (want == 0 || clen != want) {
		rc = err_fail(err, errlen, -EINVAL,
			      "%s: unsupported key type/size (embark takes EC P-256 and P-384)", what);
		goto out;
	}
	ec = calloc(1, sizeof(*ec));
	if (!ec) {
		rc = err_fail(err, errlen, -ENOMEM, "%s: out of memory", what);
		goto out;
	}
	mbedtls_ecp_group_init(&ec->grp);
	mbedtls_ecp_point_init(&ec->Q);
	ret = mbedtls_ecp_group_load(&ec->grp, gid);
	if (ret != 0 || mbedtls_mpi_size(&ec->grp.P) != clen) {
		rc = err_fail(err, errlen, -EINVAL, "%s: cannot load curve %s (mbedTLS -0x%04x)",
			      what, curve_name(gid), -ret);
		goto out;
	}
	pt[0] = 0x04; /* uncompressed */
	memcpy(pt + 1, x, clen);
	memcpy(pt + 1 + clen, y, clen);
	ret = mbedtls_ecp_point_read_binary(&ec->grp, &ec->Q, pt, 1 + 2 * clen);
	if (ret == 0)
		ret = mbedtls_ecp_check_pubkey(&ec->grp, &ec->Q);
	if (ret != 0) {
		rc = err_fail(err, errlen, -EINVAL,
			      "%s: the public point (x, y) is not on curve %s (mbedTLS -0x%04x)", what,
			      curve_name(gid), -ret);
		goto out;
	}
	key->kind = KEY_ECDSA;
	key->bits = (unsigned)clen * 8;
	key->pk = ec;
	ec = NULL;
	rc = 0;
out:
	if (ec) {
		mbedtls_ecp_point_free(&ec->Q);
		mbedtls_ecp_group_free(&ec->grp);
		free(ec);
	}
	return rc;
}

int crypto_key_public_raw(const struct key *key, uint8_t *out, size_t cap)
{
	uint8_t pt[1 + 2 * CRYPTO_EC_MAX_BYTES];
	size_t olen = 0;
	int rc;

	if (!key || !key->pk)
		return -EINVAL;
	if (key->kind == KEY_RSA) {
		size_t nlen = key->bits / 8;

		if (cap < nlen)
			return -ENOSPC;
		rc = mbedtls_rsa_export_raw(key->pk, out, nlen, NULL, 0, NULL, 0, NULL, 0, NULL, 0);
		return rc == 0 ? (int)nlen : -EINVAL;
	}
	{
		struct crypto_ec *ec = key->pk;

		rc = mbedtls_ecp_point_write_binary(&ec->grp, &ec->Q, MBEDTLS_ECP_PF_UNCOMPRESSED,
						    &olen, pt, sizeof(pt));
		if (rc != 0 || olen < 3)
			return -EINVAL;
		if (cap < olen - 1)
			return -ENOSPC;
		memcpy(out, pt + 1, olen - 1);
		return (int)(olen - 1);
	}
}

uint64_t crypto_key_rsa_exponent(const struct key *key)
{
	uint8_t eb[8];
	uint64_t e = 0;

	if (!key || key->kind != KEY_RSA || !key->pk)
		return 0;
	if (mbedtls_rsa_export_raw(key->pk, NULL, 0, NULL, 0, NULL, 0, NULL, 0, eb, sizeof(eb)) != 0)
		return 0;
	for (int i = 0; i < 8; i++)
		e = e << 8 | eb[i];
	return e;
}

/* The file name without directories and without its last extension. */
static int file_stem(const char *path, char *out, size_t cap)
{
	const char *base = strrchr(path, '/');
	const char *dot;
	size_t len;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	if (!crypto_name_ok(base, len) || len >= cap)
		return -EINVAL;
	memcpy(out, base, len);
	out[len] = '\0';
	return 0;
}

int keyring_add_file(struct keyring *kr, const char *path, char *err, size_t errlen)
{
	static const uint8_t fdt_magic[4] = { 0xd0, 0x0d, 0xfe, 0xed };
	char sub[CRYPTO_ERR_MAX], stem[KEY_NAME_MAX];
	char *buf = NULL;
	ssize_t n;
	int rc;

	if (!kr || !path) {
		rc = err_fail(err, errlen, -EINVAL, "keyring_add_file: no keyring or path");
		goto out;
	}
	buf = malloc(CRYPTO_FILE_MAX + 1);
	if (!buf) {
		rc = err_fail(err, errlen, -ENOMEM, "%s: out of memory", path);
		goto out;
	}
	n = read_file_bounded(path, buf, CRYPTO_FILE_MAX);
	if (n == -EFBIG) {
		rc = err_fail(err, errlen, -EFBIG, "%s: larger than %u bytes: not a keyring", path,
			      CRYPTO_FILE_MAX);
		goto out;
	}
	if (n < 0) {
		rc = err_fail(err, errlen, (int)n, "%s: cannot read: %s (%s)", path,
			      errno_name((int)-n), strerror((int)-n));
		goto out;
	}
	sub[0] = '\0';
	if (n >= 4 && memcmp(buf, fdt_magic, 4) == 0) {
		rc = keyring_add_dtb(kr, buf, (size_t)n, sub, sizeof(sub));
	} else if (file_stem(path, stem, sizeof(stem)) != 0) {
		rc = err_fail(err, errlen, -EINVAL,
			      "%s: a PEM key is named after its file: the name must be 1..%d printable characters before the extension",
			      path, KEY_NAME_MAX - 1);
		goto out;
	} else {
		rc = keyring_add_pem(kr, buf, (size_t)n, stem, KEY_OPTIONAL, sub, sizeof(sub));
	}
	if (rc < 0)
		err_fail(err, errlen, rc, "%s: %s", path, sub);
out:
	free(buf);
	return rc;
}
