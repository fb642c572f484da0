/* Keys from PEM: SubjectPublicKeyInfo ("PUBLIC KEY"), PKCS#1 ("RSA PUBLIC KEY") and X.509
 * certificates ("CERTIFICATE", whose public key is taken). mbedTLS parses; the raw public
 * values are then imported like any other key, so the same size and validity rules apply. */
#include "crypto/crypto_int.h"

#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char cert_header[] = "-----BEGIN CERTIFICATE-----";

/* Imports the public key held by PK into KEY (RSA 2048/3072/4096, EC P-256/P-384 only). */
static int key_from_pk(struct key *key, const mbedtls_pk_context *pk, const char *what, char *err,
		       size_t errlen)
{
	uint8_t n[CRYPTO_RSA_MAX_BYTES], eb[8], pt[1 + 2 * CRYPTO_EC_MAX_BYTES];
	mbedtls_pk_type_t type = mbedtls_pk_get_type(pk);
	size_t bits = mbedtls_pk_get_bitlen(pk), olen = 0;
	int rc, ret;

	if (type == MBEDTLS_PK_RSA) {
		const mbedtls_rsa_context *rsa = mbedtls_pk_rsa(*pk);
		uint64_t e = 0;

		if (!rsa || (bits != 2048 && bits != 3072 && bits != 4096)) {
			rc = err_fail(err, errlen, -EINVAL,
				      "%s: unsupported key type/size: RSA-%zu (embark takes RSA 2048, 3072, 4096)",
				      what, bits);
			goto out;
		}
		ret = mbedtls_rsa_export_raw(rsa, n, bits / 8, NULL, 0, NULL, 0, NULL, 0, eb,
					     sizeof(eb));
		if (ret != 0) {
			rc = err_fail(err, errlen, -EINVAL,
				      "%s: unsupported key: the RSA public exponent is larger than 64 bits",
				      what);
			goto out;
		}
		for (int i = 0; i < 8; i++)
			e = e << 8 | eb[i];
		rc = crypto_key_rsa_import(key, n, bits / 8, e, what, err, errlen);
		goto out;
	}
	if (type == MBEDTLS_PK_ECKEY || type == MBEDTLS_PK_ECDSA) {
		const mbedtls_ecp_keypair *ec = mbedtls_pk_ec(*pk);
		mbedtls_ecp_group_id gid = ec ? mbedtls_ecp_keypair_get_group_id(ec)
					      : MBEDTLS_ECP_DP_NONE;
		size_t clen = gid == MBEDTLS_ECP_DP_SECP256R1 ? 32
			      : gid == MBEDTLS_ECP_DP_SECP384R1 ? 48
								 : 0;

		if (clen == 0) {
			rc = err_fail(err, errlen, -EINVAL,
				      "%s: unsupported key type/size: EC-%zu (embark takes EC P-256 and P-384)",
				      what, bits);
			goto out;
		}
		ret = mbedtls_ecp_write_public_key(ec, MBEDTLS_ECP_PF_UNCOMPRESSED, &olen, pt,
						   sizeof(pt));
		if (ret != 0 || olen != 1 + 2 * clen) {
			rc = err_fail(err, errlen, -EINVAL,
				      "%s: cannot read the EC public point (mbedTLS -0x%04x)", what,
				      -ret);
			goto out;
		}
		rc = crypto_key_ec_import(key, gid, pt + 1, pt + 1 + clen, clen, what, err, errlen);
		goto out;
	}
	rc = err_fail(err, errlen, -EINVAL,
		      "%s: unsupported key type/size: %s (embark takes RSA 2048/3072/4096 and EC P-256/P-384)",
		      what, mbedtls_pk_get_name(pk));
out:
	return rc;
}

int keyring_add_pem(struct keyring *kr, const void *buf, size_t len, const char *name,
		    enum key_required required, char *err, size_t errlen)
{
	mbedtls_x509_crt crt;
	mbedtls_pk_context pk;
	struct key *key;
	char what[KEY_NAME_MAX + 16];
	unsigned char *text = NULL;
	int rc, ret;

	mbedtls_x509_crt_init(&crt);
	mbedtls_pk_init(&pk);
	if (!kr || !buf || !name) {
		rc = err_fail(err, errlen, -EINVAL, "keyring_add_pem: no keyring, buffer or name");
		goto out;
	}
	if (!crypto_name_ok(name, strlen(name))) {
		rc = err_fail(err, errlen, -EINVAL,
			      "key name '%.*s': must be 1..%d printable ASCII characters",
			      KEY_NAME_MAX, name, KEY_NAME_MAX - 1);
		goto out;
	}
	snprintf(what, sizeof(what), "key '%s'", name);
	if (required != KEY_OPTIONAL && required != KEY_REQUIRED_CONF &&
	    required != KEY_REQUIRED_IMAGE) {
		rc = err_fail(err, errlen, -EINVAL, "%s: unknown 'required' value %d", what,
			      (int)required);
		goto out;
	}
	if (kr->n >= KEYRING_MAX_KEYS) {
		rc = err_fail(err, errlen, -E2BIG,
			      "%s: the keyring is full: it holds at most %d keys (KEYRING_MAX_KEYS)",
			      what, KEYRING_MAX_KEYS);
		goto out;
	}
	if (len == 0 || len > CRYPTO_PEM_MAX) {
		rc = err_fail(err, errlen, -EINVAL,
			      "%s: %zu bytes: a PEM key or certificate is 1..%u bytes", what, len,
			      CRYPTO_PEM_MAX);
		goto out;
	}
	/* mbedTLS reads PEM only from a NUL-terminated buffer whose length counts the NUL. */
	text = malloc(len + 1);
	if (!text) {
		rc = err_fail(err, errlen, -ENOMEM, "%s: out of memory", what);
		goto out;
	}
	memcpy(text, buf, len);
	text[len] = '\0';

	key = &kr->keys[kr->n];
	memset(key, 0, sizeof(*key));
	if (memmem(text, len, cert_header, sizeof(cert_header) - 1)) {
		ret = mbedtls_x509_crt_parse(&crt, text, len + 1);
		if (ret != 0) {
			rc = err_fail(err, errlen, -EINVAL,
				      "%s: not an X.509 certificate mbedTLS can read (-0x%04x)", what,
				      ret < 0 ? -ret : ret);
			goto out;
		}
		if (crt.next) {
			rc = err_fail(err, errlen, -EINVAL,
				      "%s: holds more than one certificate; give one key per file",
				      what);
			goto out;
		}
		rc = key_from_pk(key, &crt.pk, what, err, errlen);
	} else {
		ret = mbedtls_pk_parse_public_key(&pk, text, len + 1);
		if (ret != 0) {
			rc = err_fail(err, errlen, -EINVAL,
				      memmem(text, len, "PRIVATE KEY-----", 16)
				      ? "%s: is a private key (mbedTLS -0x%04x); give the public key or a certificate"
				      : "%s: unsupported key type/size or not a PEM public key (mbedTLS -0x%04x); embark takes RSA 2048/3072/4096 and EC P-256/P-384",
				      what, -ret);
			goto out;
		}
		rc = key_from_pk(key, &pk, what, err, errlen);
	}
	if (rc < 0)
		goto out;
	memcpy(key->name, name, strlen(name) + 1);
	key->required = required;
	key->algo[0] = '\0';
	kr->n++;
	rc = 1;
out:
	mbedtls_pk_free(&pk);
	mbedtls_x509_crt_free(&crt);
	free(text);
	return rc;
}
