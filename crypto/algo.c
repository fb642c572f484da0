/* Signature algorithm names ("sha256,rsa2048"), the digests signatures use, and the module's
 * small shared helpers. */
#include "crypto/crypto_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* DER DigestInfo prefixes (RFC 8017, section 9.2, note 1): SEQUENCE { AlgorithmIdentifier
 * { OID, NULL }, OCTET STRING <digest> } up to the digest itself. */
static const uint8_t di_sha1[] = { 0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
				   0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14 };
static const uint8_t di_sha256[] = { 0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				     0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20 };
static const uint8_t di_sha384[] = { 0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				     0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30 };
static const uint8_t di_sha512[] = { 0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
				     0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40 };

static const struct crypto_hash_info hashes[] = {
	{ HASH_SHA1, "sha1", MBEDTLS_MD_SHA1, 20, di_sha1, sizeof(di_sha1) },
	{ HASH_SHA256, "sha256", MBEDTLS_MD_SHA256, 32, di_sha256, sizeof(di_sha256) },
	{ HASH_SHA384, "sha384", MBEDTLS_MD_SHA384, 48, di_sha384, sizeof(di_sha384) },
	{ HASH_SHA512, "sha512", MBEDTLS_MD_SHA512, 64, di_sha512, sizeof(di_sha512) },
};

static const struct {
	const char *name;
	enum key_kind kind;
	unsigned bits;
} sig_keys[] = {
	{ "rsa2048", KEY_RSA, 2048 },	  { "rsa3072", KEY_RSA, 3072 },
	{ "rsa4096", KEY_RSA, 4096 },	  { "ecdsa256", KEY_ECDSA, 256 },
	{ "ecdsa384", KEY_ECDSA, 384 },
};

#define N_HASHES (sizeof(hashes) / sizeof(hashes[0]))
#define N_SIG_KEYS (sizeof(sig_keys) / sizeof(sig_keys[0]))

const struct crypto_hash_info *crypto_hash_info(enum hash_algo algo)
{
	for (size_t i = 0; i < N_HASHES; i++)
		if (hashes[i].algo == algo)
			return &hashes[i];
	return NULL;
}

int sig_algo_parse(const char *algo, enum hash_algo *hash, enum key_kind *kind, unsigned *bits)
{
	const char *comma;
	size_t hlen;

	if (!algo)
		return -EINVAL;
	comma = strchr(algo, ',');
	if (!comma)
		return -EINVAL;
	hlen = (size_t)(comma - algo);
	for (size_t i = 0; i < N_HASHES; i++) {
		if (strlen(hashes[i].name) != hlen || memcmp(hashes[i].name, algo, hlen) != 0)
			continue;
		for (size_t j = 0; j < N_SIG_KEYS; j++) {
			if (strcmp(sig_keys[j].name, comma + 1) != 0)
				continue;
			if (hash)
				*hash = hashes[i].algo;
			if (kind)
				*kind = sig_keys[j].kind;
			if (bits)
				*bits = sig_keys[j].bits;
			return 0;
		}
		return -EINVAL;
	}
	return -EINVAL;
}

int crypto_name_ok(const char *name, size_t len)
{
	if (len == 0 || len >= KEY_NAME_MAX)
		return 0;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || (unsigned char)name[i] > 0x7e)
			return 0;
	return 1;
}
