/* crypto: keyrings and signature checks against fixtures made at test time by the real tools:
 * openssl (keys, certificates, PKCS#1 v1.5 / PSS / ECDSA signatures, digests), dtc, and
 * mkimage (U-Boot control-DTB keyrings and FIT image signatures, checked end to end). */
#include "crypto/crypto_int.h"
#include "tests/unit/harness.h"

#include <libfdt.h>
#include <mbedtls/md.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILE (2u << 20)

/* Runs a shell command in the test's directory; on failure, shows its output. */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char cmd[4096], full[4600], log[2048];
	va_list ap;
	FILE *f;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	snprintf(full, sizeof(full), "cd '%s' && (%s) >cmd.log 2>&1", ut_tmpdir(), cmd);
	rc = system(full);
	if (rc != 0) {
		snprintf(full, sizeof(full), "%s/cmd.log", ut_tmpdir());
		f = fopen(full, "r");
		log[0] = '\0';
		if (f) {
			log[fread(log, 1, sizeof(log) - 1, f)] = '\0';
			fclose(f);
		}
		ut_fail(__FILE__, __LINE__, "command failed (%d): %s\n%s", rc, cmd, log);
	}
	return rc;
}

/* The contents of NAME in the test's directory (malloc'd, NUL-terminated); NULL if missing. */
static uint8_t *slurp(const char *name, size_t *len)
{
	char path[512];
	uint8_t *buf;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", ut_tmpdir(), name);
	*len = 0;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		ut_fail(__FILE__, __LINE__, "cannot open %s", path);
		return NULL;
	}
	buf = malloc(MAX_FILE + 1);
	n = buf ? read(fd, buf, MAX_FILE) : -1;
	close(fd);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* The digest of FILE by openssl (an independent implementation). */
static size_t ossl_digest(const char *hash, const char *file, uint8_t *out)
{
	size_t len = 0;
	uint8_t *d;

	if (run("openssl dgst -%s -binary %s > %s.%s", hash, file, file, hash) != 0)
		return 0;
	{
		char name[128];

		snprintf(name, sizeof(name), "%s.%s", file, hash);
		d = slurp(name, &len);
	}
	if (!d || len > HASH_MAX_DIGEST) {
		free(d);
		return 0;
	}
	memcpy(out, d, len);
	free(d);
	return len;
}

/* Adds the PEM file NAME as key KEYNAME; returns keyring_add_pem's result. */
static int add_pem(struct keyring *kr, const char *file, const char *keyname, enum key_required req,
		   char *err)
{
	size_t len = 0;
	uint8_t *buf = slurp(file, &len);
	int rc;

	err[0] = '\0';
	rc = keyring_add_pem(kr, buf, len, keyname, req, err, CRYPTO_ERR_MAX);
	free(buf);
	return rc;
}

static int has(const char *s, const char *sub)
{
	return s && strstr(s, sub) != NULL;
}

#define UT_HAS(s, sub)                                                                       \
	do {                                                                                 \
		if (!has((s), (sub)))                                                        \
			ut_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"", (s), (sub)); \
	} while (0)

/* One DER INTEGER into CLEN big-endian bytes. */
static int der_int(const uint8_t **p, const uint8_t *end, uint8_t *out, size_t clen)
{
	const uint8_t *v;
	size_t l;

	if (end - *p < 2 || (*p)[0] != 0x02 || ((*p)[1] & 0x80))
		return -1;
	l = (*p)[1];
	*p += 2;
	if ((size_t)(end - *p) < l)
		return -1;
	v = *p;
	*p += l;
	while (l > 0 && *v == 0) {
		v++;
		l--;
	}
	if (l > clen)
		return -1;
	memset(out, 0, clen - l);
	memcpy(out + clen - l, v, l);
	return 0;
}

/* openssl's ECDSA-Sig-Value (DER SEQUENCE { r, s }) into U-Boot's raw r || s. */
static int der_to_raw(const uint8_t *der, size_t len, size_t clen, uint8_t *out)
{
	const uint8_t *p = der, *end = der + len;
	size_t sl;

	if (len < 2 || p[0] != 0x30)
		return -1;
	if (p[1] == 0x81 && len >= 3) {
		sl = p[2];
		p += 3;
	} else if (!(p[1] & 0x80)) {
		sl = p[1];
		p += 2;
	} else {
		return -1;
	}
	if ((size_t)(end - p) != sl)
		return -1;
	if (der_int(&p, end, out, clen) || der_int(&p, end, out + clen, clen) || p != end)
		return -1;
	return 0;
}

UT_TEST(crypto_algo_parse)
{
	static const struct {
		const char *s;
		enum hash_algo h;
		enum key_kind k;
		unsigned bits;
	} good[] = {
		{ "sha1,rsa2048", HASH_SHA1, KEY_RSA, 2048 },
		{ "sha256,rsa2048", HASH_SHA256, KEY_RSA, 2048 },
		{ "sha384,rsa3072", HASH_SHA384, KEY_RSA, 3072 },
		{ "sha512,rsa4096", HASH_SHA512, KEY_RSA, 4096 },
		{ "sha256,ecdsa256", HASH_SHA256, KEY_ECDSA, 256 },
		{ "sha384,ecdsa384", HASH_SHA384, KEY_ECDSA, 384 },
		{ "sha512,ecdsa256", HASH_SHA512, KEY_ECDSA, 256 },
	};
	static const char *const bad[] = {
		"",		   "sha256",	      "sha256,",	  ",rsa2048",
		"sha256,rsa1024", "sha256,rsa2048,", " sha256,rsa2048", "sha256,rsa2048 ",
		"SHA256,rsa2048", "sha256,RSA2048", "md5,rsa2048",	  "crc32,rsa2048",
		"sha256,secp521r1", "sha256,ecdsa521", "sha256;rsa2048", "sha256,rsa20480",
		"sha2566,rsa2048", "sha25,rsa2048",  "sha256,,rsa2048",
	};
	enum hash_algo h;
	enum key_kind k;
	unsigned bits;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		h = 0;
		k = 0;
		bits = 0;
		UT_EQ_INT(sig_algo_parse(good[i].s, &h, &k, &bits), 0);
		UT_EQ_INT(h, good[i].h);
		UT_EQ_INT(k, good[i].k);
		UT_EQ_INT(bits, good[i].bits);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sig_algo_parse(bad[i], &h, &k, &bits) != -EINVAL)
			ut_fail(__FILE__, __LINE__, "\"%s\" was accepted", bad[i]);
	UT_EQ_INT(sig_algo_parse(NULL, &h, &k, &bits), -EINVAL);
	UT_EQ_INT(sig_algo_parse("sha256,rsa2048", NULL, NULL, NULL), 0);
}

/* Every signature check for one RSA key size: PKCS#1 v1.5 over every hash, PSS with the
 * maximum salt, 32 bytes and the digest length, and every way a check must fail. */
static void rsa_suite(unsigned bits)
{
	static const char *const hashes[] = { "sha1", "sha256", "sha384", "sha512" };
	char err[CRYPTO_ERR_MAX], algo[32], other[32];
	uint8_t digest[HASH_MAX_DIGEST], bad[HASH_MAX_DIGEST], *sig, *sig2;
	struct keyring kr;
	size_t dlen, slen = 0, slen2 = 0, k = bits / 8;
	const struct key *key;

	keyring_init(&kr);
	if (run("openssl genrsa -out a.key %u && openssl rsa -in a.key -pubout -out a.pub && "
		"openssl genrsa -out b.key %u && openssl rsa -in b.key -pubout -out b.pub && "
		"head -c 5000 /dev/urandom > msg",
		bits, bits) != 0)
		return;
	UT_EQ_INT(add_pem(&kr, "a.pub", "a", KEY_REQUIRED_CONF, err), 1);
	UT_EQ_INT(add_pem(&kr, "b.pub", "b", KEY_OPTIONAL, err), 1);
	UT_EQ_INT(kr.n, 2);
	key = &kr.keys[0];
	UT_EQ_STR(key->name, "a");
	UT_EQ_INT(key->kind, KEY_RSA);
	UT_EQ_INT(key->bits, bits);
	UT_EQ_INT(key->required, KEY_REQUIRED_CONF);
	UT_EQ_INT(kr.keys[1].required, KEY_OPTIONAL);
	UT_EQ_INT(crypto_key_rsa_exponent(key), 65537);

	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		snprintf(algo, sizeof(algo), "%s,rsa%u", hashes[i], bits);
		run("openssl dgst -%s -sign a.key -out sig.%s msg", hashes[i], hashes[i]);
		snprintf(other, sizeof(other), "sig.%s", hashes[i]);
		sig = slurp(other, &slen);
		dlen = ossl_digest(hashes[i], "msg", digest);
		UT_CHECK(dlen > 0 && slen == k);
		UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, sig, slen), 0);
		UT_EQ_INT(sig_verify_digest(key, algo, "pkcs-1.5", digest, dlen, sig, slen), 0);
		UT_EQ_INT(sig_verify_digest(key, algo, "pss", digest, dlen, sig, slen), -EKEYREJECTED);
		UT_EQ_INT(sig_verify_digest(&kr.keys[1], algo, NULL, digest, dlen, sig, slen),
			  -EKEYREJECTED);
		free(sig);
	}

	/* PKCS#1 v1.5, SHA-256: every failure. */
	snprintf(algo, sizeof(algo), "sha256,rsa%u", bits);
	sig = slurp("sig.sha256", &slen);
	dlen = ossl_digest("sha256", "msg", digest);
	if (!sig || slen != k)
		return;
	{
		const size_t pos[] = { 0, 1, 2, k / 2, k - 33, k - 1 };

		for (size_t i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
			sig[pos[i]] ^= 0x01;
			UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, sig, slen),
				  -EKEYREJECTED);
			sig[pos[i]] ^= 0x01;
		}
	}
	for (size_t i = 0; i < dlen; i += 7) {
		memcpy(bad, digest, dlen);
		bad[i] ^= 0x80;
		UT_EQ_INT(sig_verify_digest(key, algo, NULL, bad, dlen, sig, slen), -EKEYREJECTED);
	}
	/* A signature of all FF bytes is above the modulus: rejected, not an error. */
	memset(bad, 0, sizeof(bad));
	{
		uint8_t *ff = malloc(k);

		memset(ff, 0xff, k);
		UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, ff, k), -EKEYREJECTED);
		memset(ff, 0, k);
		UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, ff, k), -EKEYREJECTED);
		free(ff);
	}
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, sig, slen - 1), -EBADMSG);
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, sig, 0), -EBADMSG);
	UT_EQ_INT(sig_verify_digest(key, algo, "pss", digest, dlen, sig, slen - 1), -EBADMSG);
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen - 1, sig, slen), -EINVAL);
	UT_EQ_INT(sig_verify_digest(key, "sha384,rsa2048", NULL, digest, dlen, sig, slen), -EINVAL);
	snprintf(other, sizeof(other), "sha256,rsa%u", bits == 4096 ? 2048 : 4096);
	UT_EQ_INT(sig_verify_digest(key, other, NULL, digest, dlen, sig, slen), -EINVAL);
	UT_EQ_INT(sig_verify_digest(key, "sha256,ecdsa256", NULL, digest, dlen, sig, slen), -EINVAL);
	UT_EQ_INT(sig_verify_digest(key, "sha256,rsa1024", NULL, digest, dlen, sig, slen), -EINVAL);
	UT_EQ_INT(sig_verify_digest(key, "bogus", NULL, digest, dlen, sig, slen), -EINVAL);
	UT_EQ_INT(sig_verify_digest(key, algo, "pkcs-2.1", digest, dlen, sig, slen), -EINVAL);
	UT_EQ_INT(sig_verify_digest(key, algo, "PSS", digest, dlen, sig, slen), -EINVAL);
	UT_EQ_INT(sig_verify_digest(key, algo, "", digest, dlen, sig, slen), -EINVAL);
	/* The same signature checked as SHA-512 of other bytes: rejected. */
	dlen = ossl_digest("sha512", "msg", bad);
	snprintf(other, sizeof(other), "sha512,rsa%u", bits);
	UT_EQ_INT(sig_verify_digest(key, other, NULL, bad, dlen, sig, slen), -EKEYREJECTED);
	free(sig);

	/* PSS: mkimage 2023.01 uses the maximum salt, newer U-Boot 32 bytes; both verify. */
	dlen = ossl_digest("sha256", "msg", digest);
	run("openssl dgst -sha256 -sign a.key -sigopt rsa_padding_mode:pss "
	    "-sigopt rsa_pss_saltlen:max -out pss.max msg && "
	    "openssl dgst -sha256 -sign a.key -sigopt rsa_padding_mode:pss "
	    "-sigopt rsa_pss_saltlen:32 -out pss.32 msg && "
	    "openssl dgst -sha256 -sign a.key -sigopt rsa_padding_mode:pss "
	    "-sigopt rsa_pss_saltlen:0 -out pss.0 msg && "
	    "openssl dgst -sha512 -sign a.key -sigopt rsa_padding_mode:pss "
	    "-sigopt rsa_pss_saltlen:max -out pss512.max msg");
	sig = slurp("pss.max", &slen);
	sig2 = slurp("pss.32", &slen2);
	UT_EQ_INT(sig_verify_digest(key, algo, "pss", digest, dlen, sig, slen), 0);
	UT_EQ_INT(sig_verify_digest(key, algo, "pss", digest, dlen, sig2, slen2), 0);
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, sig, slen), -EKEYREJECTED);
	UT_EQ_INT(sig_verify_digest(key, algo, "pkcs-1.5", digest, dlen, sig2, slen2), -EKEYREJECTED);
	UT_EQ_INT(sig_verify_digest(&kr.keys[1], algo, "pss", digest, dlen, sig, slen),
		  -EKEYREJECTED);
	for (size_t i = 0; i < slen; i += k / 5) {
		sig[i] ^= 0x04;
		UT_EQ_INT(sig_verify_digest(key, algo, "pss", digest, dlen, sig, slen), -EKEYREJECTED);
		sig[i] ^= 0x04;
	}
	memcpy(bad, digest, dlen);
	bad[dlen - 1] ^= 1;
	UT_EQ_INT(sig_verify_digest(key, algo, "pss", bad, dlen, sig, slen), -EKEYREJECTED);
	UT_EQ_INT(sig_verify_digest(key, algo, "pss", digest, dlen, sig2, slen2 - 1), -EBADMSG);
	free(sig);
	free(sig2);
	sig = slurp("pss.0", &slen);
	UT_EQ_INT(sig_verify_digest(key, algo, "pss", digest, dlen, sig, slen), 0);
	free(sig);
	sig = slurp("pss512.max", &slen);
	dlen = ossl_digest("sha512", "msg", digest);
	snprintf(algo, sizeof(algo), "sha512,rsa%u", bits);
	UT_EQ_INT(sig_verify_digest(key, algo, "pss", digest, dlen, sig, slen), 0);
	free(sig);
	keyring_free(&kr);
	UT_EQ_INT(kr.n, 0);
}

UT_TEST(crypto_rsa2048_signatures)
{
	rsa_suite(2048);
}

UT_TEST(crypto_rsa3072_signatures)
{
	rsa_suite(3072);
}

UT_TEST(crypto_rsa4096_signatures)
{
	rsa_suite(4096);
}

/* The order n of the curves, to build out-of-range r and s. */
static const uint8_t p256_n[32] = {
	0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};
static const uint8_t p384_n[48] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc7, 0x63, 0x4d, 0x81, 0xf4, 0x37, 0x2d, 0xdf,
	0x58, 0x1a, 0x0d, 0xb2, 0x48, 0xb0, 0xa7, 0x7a, 0xec, 0xec, 0x19, 0x6a, 0xcc, 0xc5, 0x29, 0x73,
};

static void ec_suite(const char *curve, unsigned bits)
{
	static const char *const hashes[] = { "sha1", "sha256", "sha384", "sha512" };
	const uint8_t *n = bits == 256 ? p256_n : p384_n;
	size_t clen = bits / 8, dlen, slen = 0;
	uint8_t digest[HASH_MAX_DIGEST], bad[HASH_MAX_DIGEST], raw[96], mod[96], *der;
	char err[CRYPTO_ERR_MAX], algo[32], other[32], name[32];
	struct keyring kr;
	const struct key *key;

	keyring_init(&kr);
	if (run("openssl ecparam -name %s -genkey -noout -out a.key && "
		"openssl ec -in a.key -pubout -out a.pub && "
		"openssl ecparam -name %s -genkey -noout -out b.key && "
		"openssl ec -in b.key -pubout -out b.pub && head -c 3000 /dev/urandom > msg",
		curve, curve) != 0)
		return;
	UT_EQ_INT(add_pem(&kr, "a.pub", "a", KEY_OPTIONAL, err), 1);
	UT_EQ_INT(add_pem(&kr, "b.pub", "b", KEY_OPTIONAL, err), 1);
	key = &kr.keys[0];
	UT_EQ_INT(key->kind, KEY_ECDSA);
	UT_EQ_INT(key->bits, bits);

	for (size_t i = 0; i < sizeof(hashes) / sizeof(hashes[0]); i++) {
		snprintf(algo, sizeof(algo), "%s,ecdsa%u", hashes[i], bits);
		run("openssl dgst -%s -sign a.key -out sig.%s msg", hashes[i], hashes[i]);
		snprintf(name, sizeof(name), "sig.%s", hashes[i]);
		der = slurp(name, &slen);
		dlen = ossl_digest(hashes[i], "msg", digest);
		UT_EQ_INT(der_to_raw(der, slen, clen, raw), 0);
		UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, raw, 2 * clen), 0);
		UT_EQ_INT(sig_verify_digest(&kr.keys[1], algo, NULL, digest, dlen, raw, 2 * clen),
			  -EKEYREJECTED);
		/* The DER form is not what U-Boot stores: wrong length. */
		UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, der, slen), -EBADMSG);
		free(der);
	}

	snprintf(algo, sizeof(algo), "sha256,ecdsa%u", bits);
	der = slurp("sig.sha256", &slen);
	dlen = ossl_digest("sha256", "msg", digest);
	UT_EQ_INT(der_to_raw(der, slen, clen, raw), 0);
	free(der);
	for (size_t i = 0; i < 2 * clen; i += 5) {
		raw[i] ^= 0x10;
		UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, raw, 2 * clen),
			  -EKEYREJECTED);
		raw[i] ^= 0x10;
	}
	for (size_t i = 0; i < dlen; i += 3) {
		memcpy(bad, digest, dlen);
		bad[i] ^= 0x01;
		UT_EQ_INT(sig_verify_digest(key, algo, NULL, bad, dlen, raw, 2 * clen), -EKEYREJECTED);
	}
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, raw, 2 * clen - 1), -EBADMSG);
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, raw, 2 * clen + 1), -EBADMSG);
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, raw, 0), -EBADMSG);
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen - 1, raw, 2 * clen), -EINVAL);
	UT_EQ_INT(sig_verify_digest(key, algo, "pkcs-1.5", digest, dlen, raw, 2 * clen), -EINVAL);
	UT_EQ_INT(sig_verify_digest(key, algo, "pss", digest, dlen, raw, 2 * clen), -EINVAL);
	snprintf(other, sizeof(other), "sha256,ecdsa%u", bits == 256 ? 384 : 256);
	UT_EQ_INT(sig_verify_digest(key, other, NULL, digest, dlen, raw, 2 * clen), -EINVAL);
	UT_EQ_INT(sig_verify_digest(key, "sha256,rsa2048", NULL, digest, dlen, raw, 2 * clen),
		  -EINVAL);
	/* r or s of 0, n or above: refused before any curve arithmetic. */
	memcpy(mod, raw, 2 * clen);
	memset(mod, 0, clen);
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, mod, 2 * clen), -EKEYREJECTED);
	memcpy(mod, raw, 2 * clen);
	memset(mod + clen, 0, clen);
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, mod, 2 * clen), -EKEYREJECTED);
	memcpy(mod, raw, 2 * clen);
	memcpy(mod, n, clen);
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, mod, 2 * clen), -EKEYREJECTED);
	memcpy(mod, raw, 2 * clen);
	memcpy(mod + clen, n, clen);
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, mod, 2 * clen), -EKEYREJECTED);
	memcpy(mod, raw, 2 * clen);
	memset(mod + clen, 0xff, clen);
	UT_EQ_INT(sig_verify_digest(key, algo, NULL, digest, dlen, mod, 2 * clen), -EKEYREJECTED);
	keyring_free(&kr);
}

UT_TEST(crypto_ecdsa_p256_signatures)
{
	ec_suite("prime256v1", 256);
}

UT_TEST(crypto_ecdsa_p384_signatures)
{
	ec_suite("secp384r1", 384);
}

/* The raw public key of KR's key I (modulus or X || Y) into OUT; returns its length. */
static int pub_raw(const struct keyring *kr, unsigned i, uint8_t *out, size_t cap)
{
	return i < kr->n ? crypto_key_public_raw(&kr->keys[i], out, cap) : -1;
}

/* The same key as "PUBLIC KEY", "RSA PUBLIC KEY" and a certificate: one key, same bytes. */
UT_TEST(crypto_pem_forms_agree)
{
	uint8_t a[1024], b[1024], digest[HASH_MAX_DIGEST], *sig;
	char err[CRYPTO_ERR_MAX];
	size_t dlen, slen = 0;
	struct keyring kr;
	int la, lb;

	keyring_init(&kr);
	if (run("openssl genrsa -out r.key 2048 && openssl rsa -in r.key -pubout -out r.pub && "
		"openssl rsa -in r.key -RSAPublicKey_out -out r.rsapub && "
		"openssl req -batch -new -x509 -key r.key -out r.crt -subj /CN=r && "
		"openssl ecparam -name prime256v1 -genkey -noout -out e.key && "
		"openssl ec -in e.key -pubout -out e.pub && "
		"openssl req -batch -new -x509 -key e.key -out e.crt -subj /CN=e && "
		"echo hello > msg && openssl dgst -sha256 -sign r.key -out msg.sig msg") != 0)
		return;
	UT_EQ_INT(add_pem(&kr, "r.pub", "spki", KEY_OPTIONAL, err), 1);
	UT_EQ_INT(add_pem(&kr, "r.rsapub", "pkcs1", KEY_OPTIONAL, err), 1);
	UT_EQ_INT(add_pem(&kr, "r.crt", "cert", KEY_REQUIRED_IMAGE, err), 1);
	UT_EQ_INT(add_pem(&kr, "e.pub", "ecspki", KEY_OPTIONAL, err), 1);
	UT_EQ_INT(add_pem(&kr, "e.crt", "eccert", KEY_OPTIONAL, err), 1);
	UT_EQ_INT(kr.n, 5);
	UT_EQ_STR(kr.keys[2].name, "cert");
	UT_EQ_INT(kr.keys[2].required, KEY_REQUIRED_IMAGE);
	UT_EQ_STR(kr.keys[2].algo, "");
	la = pub_raw(&kr, 0, a, sizeof(a));
	UT_EQ_INT(la, 256);
	for (unsigned i = 1; i < 3; i++) {
		lb = pub_raw(&kr, i, b, sizeof(b));
		UT_CHECK(la == lb && memcmp(a, b, (size_t)la) == 0);
	}
	/* The modulus is openssl's. */
	run("openssl rsa -pubin -in r.pub -noout -modulus > mod.txt");
	{
		size_t tl = 0;
		char *t = (char *)slurp("mod.txt", &tl), hex[3];
		const char *p = t ? strchr(t, '=') : NULL;

		UT_CHECK(p != NULL);
		for (int i = 0; p && i < la; i++) {
			snprintf(hex, sizeof(hex), "%02X", a[i]);
			UT_CHECK(p[1 + 2 * i] == hex[0] && p[2 + 2 * i] == hex[1]);
		}
		free(t);
	}
	la = pub_raw(&kr, 3, a, sizeof(a));
	lb = pub_raw(&kr, 4, b, sizeof(b));
	UT_EQ_INT(la, 64);
	UT_CHECK(la == lb && memcmp(a, b, 64) == 0);

	sig = slurp("msg.sig", &slen);
	dlen = ossl_digest("sha256", "msg", digest);
	for (unsigned i = 0; i < 3; i++)
		UT_EQ_INT(sig_verify_digest(&kr.keys[i], "sha256,rsa2048", NULL, digest, dlen, sig,
					    slen),
			  0);
	free(sig);
	keyring_free(&kr);
}

UT_TEST(crypto_pem_refused)
{
	static const char *const files[][2] = {
		{ "r1024.pub", "unsupported key type/size" },
		{ "r1536.pub", "unsupported key type/size" },
		{ "e521.pub", "unsupported key type/size" },
		{ "ed.pub", "unsupported key type/size" },
		{ "r.key", "private key" },
		{ "e.key", "private key" },
		{ "junk.txt", "not a PEM public key" },
		{ "trunc.pub", "not a PEM public key" },
		{ "two.crt", "more than one certificate" },
		{ "bad.crt", "not an X.509 certificate" },
	};
	uint8_t digest[HASH_MAX_DIGEST], *sig;
	char err[CRYPTO_ERR_MAX], longname[80];
	size_t dlen, slen = 0;
	struct keyring kr;

	keyring_init(&kr);
	if (run("openssl genrsa -out r1024.key 1024 && openssl rsa -in r1024.key -pubout -out r1024.pub && "
		"openssl genrsa -out r1536.key 1536 && openssl rsa -in r1536.key -pubout -out r1536.pub && "
		"openssl ecparam -name secp521r1 -genkey -noout -out e521.key && "
		"openssl ec -in e521.key -pubout -out e521.pub && "
		"openssl genpkey -algorithm ed25519 -out ed.key && openssl pkey -in ed.key -pubout -out ed.pub && "
		"openssl genrsa -out r.key 2048 && openssl ecparam -name prime256v1 -genkey -noout -out e.key && "
		"openssl req -batch -new -x509 -key r.key -out r.crt -subj /CN=r && "
		"openssl req -batch -new -x509 -key e.key -out e.crt -subj /CN=e && cat r.crt e.crt > two.crt && "
		"sed '3s/A/B/;3s/M/N/' r.crt > bad.crt && "
		"openssl rsa -in r.key -pubout | head -n 4 > trunc.pub && "
		"echo 'this is not a key' > junk.txt && "
		"openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -pkeyopt rsa_keygen_pubexp:3 -out r3.key && "
		"openssl rsa -in r3.key -pubout -out r3.pub && echo x > msg && "
		"openssl dgst -sha256 -sign r3.key -out msg.sig msg") != 0)
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		int rc = add_pem(&kr, files[i][0], "k", KEY_OPTIONAL, err);

		if (rc != -EINVAL || !has(err, files[i][1]) || !has(err, "key 'k'"))
			ut_fail(__FILE__, __LINE__, "%s: rc %d, err \"%s\", expected -EINVAL and \"%s\"",
				files[i][0], rc, err, files[i][1]);
	}
	UT_EQ_INT(kr.n, 0);
	UT_EQ_INT(keyring_add_pem(&kr, "", 0, "k", KEY_OPTIONAL, err, sizeof(err)), -EINVAL);
	UT_EQ_INT(add_pem(&kr, "r3.pub", "", KEY_OPTIONAL, err), -EINVAL);
	UT_EQ_INT(add_pem(&kr, "r3.pub", "a\nb", KEY_OPTIONAL, err), -EINVAL);
	memset(longname, 'x', 64);
	longname[64] = '\0';
	UT_EQ_INT(add_pem(&kr, "r3.pub", longname, KEY_OPTIONAL, err), -EINVAL);
	UT_HAS(err, "1..63 printable");
	UT_EQ_INT(add_pem(&kr, "r3.pub", "k", (enum key_required)7, err), -EINVAL);
	UT_EQ_INT(kr.n, 0);
	/* A public exponent of 3 is a valid key. */
	UT_EQ_INT(add_pem(&kr, "r3.pub", "e3", KEY_OPTIONAL, err), 1);
	UT_EQ_INT(crypto_key_rsa_exponent(&kr.keys[0]), 3);
	sig = slurp("msg.sig", &slen);
	dlen = ossl_digest("sha256", "msg", digest);
	UT_EQ_INT(sig_verify_digest(&kr.keys[0], "sha256,rsa2048", NULL, digest, dlen, sig, slen), 0);
	free(sig);
	/* A full keyring refuses one more key and names the limit. */
	for (int i = 1; i < KEYRING_MAX_KEYS; i++)
		UT_EQ_INT(add_pem(&kr, "r3.pub", "e3", KEY_OPTIONAL, err), 1);
	UT_EQ_INT(add_pem(&kr, "r3.pub", "e3", KEY_OPTIONAL, err), -E2BIG);
	UT_HAS(err, "at most 16");
	UT_EQ_INT(kr.n, KEYRING_MAX_KEYS);
	keyring_free(&kr);
	UT_EQ_INT(kr.n, 0);
	UT_EQ_INT(add_pem(&kr, "r3.pub", "again", KEY_OPTIONAL, err), 1);
	keyring_free(&kr);
}

/* ITS with one kernel image; IMG_SIG and CONF_SIG are signature node bodies or NULL. */
static void write_its(const char *file, const char *img_sig, const char *conf_sig)
{
	char its[4096];

	snprintf(its, sizeof(its),
		 "/dts-v1/;\n/ {\n\tdescription = \"embark test\";\n\t#address-cells = <1>;\n"
		 "\timages {\n\t\tkernel-1 {\n\t\t\tdescription = \"k\";\n"
		 "\t\t\tdata = /incbin/(\"./kernel.bin\");\n"
		 "\t\t\ttype = \"kernel\"; arch = \"x86_64\"; os = \"linux\"; compression = \"none\";\n"
		 "\t\t\tload = <0>; entry = <0>;\n\t\t\thash-1 { algo = \"sha256\"; };\n"
		 "%s%s%s\t\t};\n\t};\n"
		 "\tconfigurations {\n\t\tdefault = \"conf-1\";\n\t\tconf-1 {\n\t\t\tkernel = \"kernel-1\";\n"
		 "%s%s%s\t\t};\n\t};\n};\n",
		 img_sig ? "\t\t\tsignature-1 { " : "", img_sig ? img_sig : "", img_sig ? " };\n" : "",
		 conf_sig ? "\t\t\tsignature-1 { " : "", conf_sig ? conf_sig : "",
		 conf_sig ? " };\n" : "");
	ut_write_file(file, its, strlen(its));
}

/* An empty control DTB as mkimage -K wants it (with /signature, which ECDSA needs). */
static int make_ctl(const char *name)
{
	return run("echo '/dts-v1/; / { signature { }; };' | dtc -I dts -O dtb -o %s -", name);
}

/* Keys made by the shell command KEYGEN (in keys/), a random kernel.bin, and out.itb signed
 * by mkimage from x.its (IMG_SIG / CONF_SIG as write_its), which writes the public keys into
 * ctl.dtb. 0, or -1 when a tool failed. */
#define MKIMAGE_KERNEL_BYTES 7777 /* not a power of two: a length mix-up shows */
static int mkimage_ctl(const char *keygen, const char *img_sig, const char *conf_sig)
{
	if (run("rm -rf keys ctl.dtb out.itb && mkdir keys && %s && "
		"head -c %d /dev/urandom > kernel.bin",
		keygen, MKIMAGE_KERNEL_BYTES) != 0 ||
	    make_ctl("ctl.dtb") != 0)
		return -1;
	write_its("x.its", img_sig, conf_sig);
	return run("mkimage -f x.its -k keys -K ctl.dtb -r out.itb") == 0 ? 0 : -1;
}

static int load_dtb(struct keyring *kr, const char *file, char *err)
{
	size_t len = 0;
	uint8_t *buf = slurp(file, &len);
	int rc;

	err[0] = '\0';
	rc = keyring_add_dtb(kr, buf, len, err, CRYPTO_ERR_MAX);
	free(buf);
	return rc;
}

UT_TEST(crypto_dtb_rsa_from_mkimage)
{
	uint8_t a[1024], b[1024];
	char err[CRYPTO_ERR_MAX];
	struct keyring kr, pem;
	int la, lb;

	keyring_init(&kr);
	keyring_init(&pem);
	if (mkimage_ctl("openssl genrsa -out keys/dev.key 2048 && openssl req -batch -new -x509 "
			"-key keys/dev.key -out keys/dev.crt -subj /CN=dev",
			NULL, "algo = \"sha256,rsa2048\"; key-name-hint = \"dev\";") != 0)
		return;
	UT_EQ_INT(load_dtb(&kr, "ctl.dtb", err), 1);
	UT_EQ_STR(err, "");
	UT_EQ_STR(kr.keys[0].name, "dev");
	UT_EQ_INT(kr.keys[0].kind, KEY_RSA);
	UT_EQ_INT(kr.keys[0].bits, 2048);
	UT_EQ_INT(kr.keys[0].required, KEY_REQUIRED_CONF);
	UT_EQ_STR(kr.keys[0].algo, "sha256,rsa2048");
	UT_EQ_INT(kr.required_all, 1);
	UT_EQ_INT(crypto_key_rsa_exponent(&kr.keys[0]), 65537);
	UT_EQ_INT(add_pem(&pem, "keys/dev.crt", "dev", KEY_OPTIONAL, err), 1);
	la = pub_raw(&kr, 0, a, sizeof(a));
	lb = pub_raw(&pem, 0, b, sizeof(b));
	UT_EQ_INT(la, 256);
	UT_CHECK(la == lb && memcmp(a, b, 256) == 0);
	/* The same file through keyring_add_file. */
	keyring_free(&kr);
	{
		char path[512];

		snprintf(path, sizeof(path), "%s/ctl.dtb", ut_tmpdir());
		UT_EQ_INT(keyring_add_file(&kr, path, err, sizeof(err)), 1);
		UT_EQ_STR(kr.keys[0].name, "dev");
	}
	keyring_free(&kr);
	keyring_free(&pem);
}

/* The X || Y of an EC public key file, from openssl's DER SubjectPublicKeyInfo. */
static int ec_point_hex(const char *pub, char *x, char *y, size_t clen)
{
	uint8_t *der;
	size_t len = 0;
	char name[64];

	snprintf(name, sizeof(name), "%s.der", pub);
	if (run("openssl ec -pubin -in %s -outform DER -out %s", pub, name) != 0)
		return -1;
	der = slurp(name, &len);
	if (!der || len < 1 + 2 * clen || der[len - 1 - 2 * clen] != 0x04) {
		free(der);
		return -1;
	}
	for (size_t i = 0; i < clen; i++) {
		sprintf(x + 3 * i, "%02x ", der[len - 2 * clen + i]);
		sprintf(y + 3 * i, "%02x ", der[len - clen + i]);
	}
	free(der);
	return 0;
}

UT_TEST(crypto_dtb_ecdsa_from_mkimage)
{
	uint8_t a[128], b[128];
	char err[CRYPTO_ERR_MAX], x[200], y[200], dts[1024];
	struct keyring kr, pem;
	int la, lb;

	keyring_init(&kr);
	keyring_init(&pem);
	if (mkimage_ctl("openssl ecparam -name prime256v1 -genkey -noout -out keys/ecdev.pem && "
			"openssl ec -in keys/ecdev.pem -pubout -out ecdev.pub",
			"algo = \"sha256,ecdsa256\"; key-name-hint = \"ecdev\";", NULL) != 0)
		return;
	UT_EQ_INT(load_dtb(&kr, "ctl.dtb", err), 1);
	UT_EQ_STR(kr.keys[0].name, "ecdev");
	UT_EQ_INT(kr.keys[0].kind, KEY_ECDSA);
	UT_EQ_INT(kr.keys[0].bits, 256);
	UT_EQ_INT(kr.keys[0].required, KEY_OPTIONAL);
	UT_EQ_STR(kr.keys[0].algo, "");
	UT_EQ_INT(add_pem(&pem, "ecdev.pub", "ecdev", KEY_OPTIONAL, err), 1);
	la = pub_raw(&kr, 0, a, sizeof(a));
	lb = pub_raw(&pem, 0, b, sizeof(b));
	UT_EQ_INT(la, 64);
	UT_CHECK(la == lb && memcmp(a, b, 64) == 0);
	keyring_free(&kr);
	keyring_free(&pem);

	/* mkimage 2023.01 refuses P-384; the same node shape written by dtc, with the point from
	 * openssl, and the "key-" prefix, required and algo that newer U-Boot may write. */
	if (run("openssl ecparam -name secp384r1 -genkey -noout -out e384.key && "
		"openssl ec -in e384.key -pubout -out e384.pub") != 0 ||
	    ec_point_hex("e384.pub", x, y, 48) != 0)
		return;
	snprintf(dts, sizeof(dts),
		 "/dts-v1/; / { signature { required-mode = \"any\"; key-e384 { "
		 "ecdsa,curve = \"secp384r1\"; ecdsa,x-point = [%s]; ecdsa,y-point = [%s]; "
		 "required = \"image\"; algo = \"sha384,ecdsa384\"; }; }; };",
		 x, y);
	ut_write_file("e384.dts", dts, strlen(dts));
	if (run("dtc -I dts -O dtb -o e384.dtb e384.dts") != 0)
		return;
	UT_EQ_INT(load_dtb(&kr, "e384.dtb", err), 1);
	UT_EQ_STR(kr.keys[0].name, "e384");
	UT_EQ_INT(kr.keys[0].bits, 384);
	UT_EQ_INT(kr.keys[0].required, KEY_REQUIRED_IMAGE);
	UT_EQ_STR(kr.keys[0].algo, "sha384,ecdsa384");
	UT_EQ_INT(kr.required_all, 0);
	UT_EQ_INT(add_pem(&pem, "e384.pub", "e384", KEY_OPTIONAL, err), 1);
	la = pub_raw(&kr, 0, a, sizeof(a));
	lb = pub_raw(&pem, 0, b, sizeof(b));
	UT_EQ_INT(la, 96);
	UT_CHECK(la == lb && memcmp(a, b, 96) == 0);
	keyring_free(&kr);
	keyring_free(&pem);
}

/* A FIT image signature made by mkimage, checked with the key mkimage wrote to the control
 * DTB: hash the image's data, verify the signature's value. */
static void image_sig_case(const char *algo, const char *padding, const char *keygen,
			   const char *keyname)
{
	char err[CRYPTO_ERR_MAX], body[256];
	uint8_t digest[HASH_MAX_DIGEST], *itb, *data_copy;
	const uint8_t *data, *value;
	const char *salgo, *spad;
	int img, sig, dlen = 0, vlen = 0, alen = 0, plen = 0;
	const struct crypto_hash_info *h;
	enum hash_algo hash;
	struct keyring kr;
	size_t len = 0;

	keyring_init(&kr);
	snprintf(body, sizeof(body), "algo = \"%s\"; key-name-hint = \"%s\";%s%s%s", algo, keyname,
		 padding ? " padding = \"" : "", padding ? padding : "", padding ? "\";" : "");
	if (mkimage_ctl(keygen, body, NULL) != 0)
		return;
	UT_EQ_INT(load_dtb(&kr, "ctl.dtb", err), 1);
	UT_EQ_STR(kr.keys[0].name, keyname);
	if (kr.keys[0].kind == KEY_RSA) {
		UT_EQ_INT(kr.keys[0].required, KEY_REQUIRED_IMAGE);
		UT_EQ_STR(kr.keys[0].algo, algo);
	}

	itb = slurp("out.itb", &len);
	UT_EQ_INT(fdt_check_full(itb, len), 0);
	img = fdt_path_offset(itb, "/images/kernel-1");
	sig = fdt_subnode_offset(itb, img, "signature-1");
	UT_CHECK(img >= 0 && sig >= 0);
	data = fdt_getprop(itb, img, "data", &dlen);
	value = fdt_getprop(itb, sig, "value", &vlen);
	salgo = fdt_getprop(itb, sig, "algo", &alen);
	spad = fdt_getprop(itb, sig, "padding", &plen);
	UT_CHECK(data && value && salgo);
	if (!data || !value || !salgo)
		goto out;
	UT_EQ_STR(salgo, algo);
	UT_EQ_INT(dlen, MKIMAGE_KERNEL_BYTES);
	UT_EQ_INT(sig_algo_parse(salgo, &hash, NULL, NULL), 0);
	h = crypto_hash_info(hash);
	UT_EQ_INT(mbedtls_md(mbedtls_md_info_from_type(h->md), data, (size_t)dlen, digest), 0);
	UT_EQ_INT(sig_verify_digest(&kr.keys[0], salgo, spad, digest, h->size, value, (size_t)vlen),
		  0);
	/* One bit of the image changed: rejected. */
	data_copy = malloc((size_t)dlen);
	memcpy(data_copy, data, (size_t)dlen);
	data_copy[dlen / 2] ^= 0x20;
	UT_EQ_INT(mbedtls_md(mbedtls_md_info_from_type(h->md), data_copy, (size_t)dlen, digest), 0);
	UT_EQ_INT(sig_verify_digest(&kr.keys[0], salgo, spad, digest, h->size, value, (size_t)vlen),
		  -EKEYREJECTED);
	free(data_copy);
out:
	free(itb);
	keyring_free(&kr);
}

UT_TEST(crypto_dtb_image_signature_rsa)
{
	static const char rsa2048[] =
		"openssl genrsa -out keys/dev.key 2048 && "
		"openssl req -batch -new -x509 -key keys/dev.key -out keys/dev.crt -subj /CN=dev";

	image_sig_case("sha256,rsa2048", NULL, rsa2048, "dev");
	image_sig_case("sha256,rsa2048", "pkcs-1.5", rsa2048, "dev");
	image_sig_case("sha256,rsa2048", "pss", rsa2048, "dev");
	image_sig_case("sha1,rsa2048", NULL, rsa2048, "dev");
	image_sig_case("sha384,rsa3072", "pss",
		       "openssl genrsa -out keys/k3.key 3072 && "
		       "openssl req -batch -new -x509 -key keys/k3.key -out keys/k3.crt -subj /CN=k3",
		       "k3");
	image_sig_case("sha512,rsa4096", NULL,
		       "openssl genrsa -out keys/k4.key 4096 && "
		       "openssl req -batch -new -x509 -key keys/k4.key -out keys/k4.crt -subj /CN=k4",
		       "k4");
}

UT_TEST(crypto_dtb_image_signature_ecdsa)
{
	static const char p256[] =
		"openssl ecparam -name prime256v1 -genkey -noout -out keys/ec.pem";

	image_sig_case("sha256,ecdsa256", NULL, p256, "ec");
	image_sig_case("sha512,ecdsa256", NULL, p256, "ec");
	image_sig_case("sha1,ecdsa256", NULL, p256, "ec");
}

/* --- mutated control DTBs ----------------------------------------------------------------- */

static uint8_t *base_dtb;
static size_t base_len;

/* An RSA key (key-dev, from a configuration signature) and an ECDSA key (ecdev, from an image
 * signature) in one control DTB, both written by mkimage. */
static int make_base(void)
{
	char err[CRYPTO_ERR_MAX];
	struct keyring kr;

	if (run("mkdir keys && openssl genrsa -out keys/dev.key 2048 && "
		"openssl req -batch -new -x509 -key keys/dev.key -out keys/dev.crt -subj /CN=dev && "
		"openssl ecparam -name prime256v1 -genkey -noout -out keys/ecdev.pem && "
		"head -c 1000 /dev/urandom > kernel.bin") != 0 ||
	    make_ctl("ctl.dtb") != 0)
		return -1;
	write_its("rsa.its", NULL, "algo = \"sha256,rsa2048\"; key-name-hint = \"dev\";");
	write_its("ec.its", "algo = \"sha256,ecdsa256\"; key-name-hint = \"ecdev\";", NULL);
	/* mkimage (libfdt's fdt_add_subnode) puts a new key before the existing ones: sign with
	 * the ECDSA key first so that the control DTB lists key-dev, then ecdev. */
	if (run("mkimage -f ec.its -k keys -K ctl.dtb -r ec.itb && "
		"mkimage -f rsa.its -k keys -K ctl.dtb -r rsa.itb") != 0)
		return -1;
	base_dtb = slurp("ctl.dtb", &base_len);
	keyring_init(&kr);
	UT_EQ_INT(keyring_add_dtb(&kr, base_dtb, base_len, err, sizeof(err)), 2);
	UT_EQ_STR(kr.keys[0].name, "dev");
	UT_EQ_STR(kr.keys[1].name, "ecdev");
	keyring_free(&kr);
	return base_dtb ? 0 : -1;
}

enum mut_op { SET, SET_STR, DEL, SET_U32, SET_U64, FLIP, ADD_NODE, SET_LEN };

/* Applies one change to a copy of the base DTB: node PATH, property PROP. */
static uint8_t *mutate(enum mut_op op, const char *path, const char *prop, const void *val,
		       int len, uint64_t num, size_t *out_len)
{
	size_t cap = base_len + 16384;
	uint8_t *t = malloc(cap);
	int node, rc = 0;

	if (!t || fdt_open_into(base_dtb, t, (int)cap) != 0)
		goto fail;
	node = fdt_path_offset(t, path);
	if (node < 0 && op != ADD_NODE)
		goto fail;
	switch (op) {
	case SET:
		rc = fdt_setprop(t, node, prop, val, len);
		break;
	case SET_STR:
		rc = fdt_setprop_string(t, node, prop, val);
		break;
	case DEL:
		rc = fdt_delprop(t, node, prop);
		break;
	case SET_U32:
		rc = fdt_setprop_u32(t, node, prop, (uint32_t)num);
		break;
	case SET_U64:
		rc = fdt_setprop_u64(t, node, prop, num);
		break;
	case FLIP: { /* flips byte NUM of the property */
		int plen = 0;
		const uint8_t *p = fdt_getprop(t, node, prop, &plen);
		uint8_t *copy;

		if (!p || (int)num >= plen)
			goto fail;
		copy = malloc((size_t)plen);
		memcpy(copy, p, (size_t)plen);
		copy[num] ^= (uint8_t)len;
		rc = fdt_setprop(t, node, prop, copy, plen);
		free(copy);
		break;
	}
	case SET_LEN: { /* keeps the first LEN bytes, or pads with zeros to LEN */
		int plen = 0;
		const uint8_t *p = fdt_getprop(t, node, prop, &plen);
		uint8_t *copy = calloc(1, (size_t)len + 1);

		if (!p)
			goto fail;
		memcpy(copy, p, (size_t)(plen < len ? plen : len));
		rc = fdt_setprop(t, node, prop, copy, len);
		free(copy);
		break;
	}
	case ADD_NODE:
		rc = fdt_add_subnode(t, fdt_path_offset(t, "/signature"), prop);
		break;
	}
	if (rc < 0 || fdt_pack(t) != 0)
		goto fail;
	*out_len = fdt_totalsize(t);
	return t;
fail:
	ut_fail(__FILE__, __LINE__, "cannot mutate %s %s", path, prop);
	free(t);
	return NULL;
}

/* Loads BUF into a fresh keyring: must return WANT with ERR holding SUB1 and SUB2. */
static void expect(int line, const uint8_t *buf, size_t len, int want, const char *sub1,
		   const char *sub2)
{
	char err[CRYPTO_ERR_MAX] = "";
	struct keyring kr;
	int rc;

	keyring_init(&kr);
	rc = keyring_add_dtb(&kr, buf, len, err, sizeof(err));
	if (rc != want || (sub1 && !has(err, sub1)) || (sub2 && !has(err, sub2)))
		ut_fail(__FILE__, line, "rc %d (expected %d), err \"%s\" (expected \"%s\", \"%s\")",
			rc, want, err, sub1 ? sub1 : "", sub2 ? sub2 : "");
	if (rc < 0 && (kr.n != 0 || err[0] == '\0'))
		ut_fail(__FILE__, line, "a failed load left %u keys or no message", kr.n);
	keyring_free(&kr);
}

#define MUT(op, path, prop, val, len, num, want, sub1, sub2)                                 \
	do {                                                                                 \
		size_t ml_ = 0;                                                              \
		uint8_t *m_ = mutate(op, path, prop, val, len, num, &ml_);                   \
		if (m_)                                                                      \
			expect(__LINE__, m_, ml_, want, sub1, sub2);                         \
		free(m_);                                                                    \
	} while (0)

#define RSA_NODE "/signature/key-dev"
#define EC_NODE "/signature/ecdev"

UT_TEST(crypto_dtb_mutations_rsa)
{
	if (make_base() != 0)
		return;
	expect(__LINE__, base_dtb, base_len, 2, NULL, NULL);
	MUT(SET_LEN, RSA_NODE, "rsa,modulus", NULL, 255, 0, -EINVAL,
	    "/signature/key-dev: rsa,modulus is 255 bytes, rsa,num-bits says 2048", NULL);
	MUT(SET_LEN, RSA_NODE, "rsa,modulus", NULL, 257, 0, -EINVAL,
	    "rsa,modulus is 257 bytes", NULL);
	MUT(DEL, RSA_NODE, "rsa,modulus", NULL, 0, 0, -EINVAL,
	    "/signature/key-dev: rsa,modulus is missing", NULL);
	MUT(SET_U32, RSA_NODE, "rsa,num-bits", NULL, 0, 1024, -EINVAL,
	    "/signature/key-dev: rsa,num-bits is 1024", "unsupported");
	MUT(SET_U32, RSA_NODE, "rsa,num-bits", NULL, 0, 4096, -EINVAL,
	    "rsa,modulus is 256 bytes, rsa,num-bits says 4096", NULL);
	MUT(SET, RSA_NODE, "rsa,num-bits", "\0\x08\0", 3, 0, -EINVAL,
	    "/signature/key-dev: rsa,num-bits is 3 bytes, expected 4", NULL);
	MUT(DEL, RSA_NODE, "rsa,num-bits", NULL, 0, 0, -EINVAL, "rsa,num-bits is missing", NULL);
	/* Exponent: absent means 65537 (older U-Boot); present, it must be a u64, odd, >= 3. */
	{
		size_t ml = 0;
		uint8_t *m = mutate(DEL, RSA_NODE, "rsa,exponent", NULL, 0, 0, &ml);
		struct keyring kr;
		char err[CRYPTO_ERR_MAX];

		keyring_init(&kr);
		UT_EQ_INT(keyring_add_dtb(&kr, m, ml, err, sizeof(err)), 2);
		UT_EQ_INT(crypto_key_rsa_exponent(&kr.keys[0]), 65537);
		keyring_free(&kr);
		free(m);
	}
	MUT(SET_U64, RSA_NODE, "rsa,exponent", NULL, 0, 65536, -EINVAL,
	    "/signature/key-dev: rsa,exponent is 65536: must be odd", NULL);
	MUT(SET_U64, RSA_NODE, "rsa,exponent", NULL, 0, 1, -EINVAL, "rsa,exponent is 1", NULL);
	MUT(SET_U64, RSA_NODE, "rsa,exponent", NULL, 0, 0, -EINVAL, "rsa,exponent is 0", NULL);
	MUT(SET_U32, RSA_NODE, "rsa,exponent", NULL, 0, 65537, -EINVAL,
	    "rsa,exponent is 4 bytes, expected 8", NULL);
	/* n0-inverse and r-squared: optional, but right when present. */
	MUT(FLIP, RSA_NODE, "rsa,n0-inverse", NULL, 0x01, 3, -EINVAL,
	    "/signature/key-dev: rsa,n0-inverse is 0x", "rsa,modulus gives");
	MUT(SET, RSA_NODE, "rsa,n0-inverse", "\1\2", 2, 0, -EINVAL,
	    "rsa,n0-inverse is 2 bytes, expected 4", NULL);
	MUT(DEL, RSA_NODE, "rsa,n0-inverse", NULL, 0, 0, 2, NULL, NULL);
	MUT(SET_LEN, RSA_NODE, "rsa,r-squared", NULL, 255, 0, -EINVAL,
	    "/signature/key-dev: rsa,r-squared is 255 bytes, rsa,num-bits says 2048", NULL);
	MUT(FLIP, RSA_NODE, "rsa,r-squared", NULL, 0x40, 100, -EINVAL,
	    "/signature/key-dev: rsa,r-squared does not match rsa,modulus", NULL);
	MUT(DEL, RSA_NODE, "rsa,r-squared", NULL, 0, 0, 2, NULL, NULL);
	/* The modulus itself. */
	MUT(FLIP, RSA_NODE, "rsa,modulus", NULL, 0xff, 0, -EINVAL,
	    "/signature/key-dev: rsa,modulus has fewer than 2048 significant bits", NULL);
	MUT(FLIP, RSA_NODE, "rsa,modulus", NULL, 0x01, 255, -EINVAL,
	    "/signature/key-dev: rsa,modulus is even", NULL);
	MUT(FLIP, RSA_NODE, "rsa,modulus", NULL, 0x10, 100, -EINVAL,
	    "rsa,r-squared does not match rsa,modulus", NULL);
	/* required, algo, names. */
	MUT(SET_STR, RSA_NODE, "required", "bogus", 0, 0, -EINVAL,
	    "/signature/key-dev: required is \"bogus\": must be \"conf\" or \"image\"", NULL);
	MUT(SET, RSA_NODE, "required", "conf\0x", 7, 0, -EINVAL,
	    "/signature/key-dev: required is not one NUL-terminated string", NULL);
	MUT(SET, RSA_NODE, "required", "conf", 4, 0, -EINVAL, "required is not one NUL", NULL);
	MUT(SET_STR, RSA_NODE, "algo", "sha256,rsa4096", 0, 0, -EINVAL,
	    "/signature/key-dev: algo \"sha256,rsa4096\" does not fit the key (RSA-2048)", NULL);
	MUT(SET_STR, RSA_NODE, "algo", "sha256,ecdsa256", 0, 0, -EINVAL, "does not fit", NULL);
	MUT(SET_STR, RSA_NODE, "algo", "md5,rsa2048", 0, 0, -EINVAL,
	    "/signature/key-dev: algo is \"md5,rsa2048\": unknown", NULL);
	MUT(SET_STR, RSA_NODE, "key-name-hint",
	    "0123456789012345678901234567890123456789012345678901234567890123", 0, 0, -EINVAL,
	    "/signature/key-dev: key-name-hint is 64 characters long", NULL);
	MUT(SET_STR, RSA_NODE, "key-name-hint", "", 0, 0, -EINVAL,
	    "/signature/key-dev: the key name (key-name-hint)", NULL);
	MUT(SET_STR, RSA_NODE, "key-name-hint", "a\tb", 0, 0, -EINVAL, "printable", NULL);
	MUT(SET_STR, RSA_NODE, "ecdsa,curve", "prime256v1", 0, 0, -EINVAL,
	    "/signature/key-dev: has both rsa,* and ecdsa,*", NULL);
	/* Without key-name-hint, the name is the node's without "key-". */
	{
		size_t ml = 0;
		uint8_t *m = mutate(DEL, RSA_NODE, "key-name-hint", NULL, 0, 0, &ml);
		struct keyring kr;
		char err[CRYPTO_ERR_MAX];

		keyring_init(&kr);
		UT_EQ_INT(keyring_add_dtb(&kr, m, ml, err, sizeof(err)), 2);
		UT_EQ_STR(kr.keys[0].name, "dev");
		keyring_free(&kr);
		free(m);
	}
	free(base_dtb);
}

UT_TEST(crypto_dtb_mutations_ecdsa)
{
	if (make_base() != 0)
		return;
	MUT(SET_STR, EC_NODE, "ecdsa,curve", "secp521r1", 0, 0, -EINVAL,
	    "/signature/ecdev: ecdsa,curve is \"secp521r1\": unsupported curve", NULL);
	MUT(SET_STR, EC_NODE, "ecdsa,curve", "secp384r1", 0, 0, -EINVAL,
	    "/signature/ecdev: ecdsa,x-point is 32 bytes, ecdsa,curve secp384r1 needs 48", NULL);
	MUT(SET, EC_NODE, "ecdsa,curve", "prime256v1", 10, 0, -EINVAL,
	    "ecdsa,curve is not one NUL-terminated string", NULL);
	MUT(DEL, EC_NODE, "ecdsa,curve", NULL, 0, 0, -EINVAL,
	    "/signature/ecdev: ecdsa,curve is missing", NULL);
	MUT(SET_LEN, EC_NODE, "ecdsa,x-point", NULL, 31, 0, -EINVAL,
	    "/signature/ecdev: ecdsa,x-point is 31 bytes, ecdsa,curve prime256v1 needs 32", NULL);
	MUT(SET_LEN, EC_NODE, "ecdsa,y-point", NULL, 33, 0, -EINVAL,
	    "/signature/ecdev: ecdsa,y-point is 33 bytes", NULL);
	MUT(DEL, EC_NODE, "ecdsa,y-point", NULL, 0, 0, -EINVAL,
	    "/signature/ecdev: ecdsa,y-point is missing", NULL);
	MUT(FLIP, EC_NODE, "ecdsa,y-point", NULL, 0x01, 31, -EINVAL,
	    "/signature/ecdev: the public point (x, y) is not on curve P-256", NULL);
	MUT(FLIP, EC_NODE, "ecdsa,x-point", NULL, 0x80, 0, -EINVAL, "not on curve", NULL);
	MUT(SET, EC_NODE, "ecdsa,x-point",
	    "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
	    "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
	    32, 0, -EINVAL, "not on curve", NULL);
	MUT(SET_STR, EC_NODE, "required", "bogus", 0, 0, -EINVAL,
	    "/signature/ecdev: required is \"bogus\"", NULL);
	MUT(SET_STR, EC_NODE, "required", "image", 0, 0, 2, NULL, NULL);
	MUT(SET_STR, EC_NODE, "algo", "sha256,ecdsa256", 0, 0, 2, NULL, NULL);
	MUT(SET_STR, EC_NODE, "algo", "sha256,ecdsa384", 0, 0, -EINVAL,
	    "/signature/ecdev: algo \"sha256,ecdsa384\" does not fit the key (ECDSA-256)", NULL);
	MUT(SET_STR, EC_NODE, "algo", "sha256,rsa2048", 0, 0, -EINVAL, "does not fit", NULL);
	MUT(SET_U32, EC_NODE, "rsa,num-bits", NULL, 0, 2048, -EINVAL, "has both", NULL);
	free(base_dtb);
}

UT_TEST(crypto_dtb_mutations_structure)
{
	char err[CRYPTO_ERR_MAX];
	struct keyring kr;
	uint8_t *m;
	size_t ml = 0;

	if (make_base() != 0)
		return;
	MUT(SET_STR, "/signature", "required-mode", "some", 0, 0, -EINVAL,
	    "/signature: required-mode is \"some\": must be \"all\" or \"any\"", NULL);
	MUT(SET_STR, "/signature", "required-mode", "all", 0, 0, 2, NULL, NULL);
	m = mutate(SET_STR, "/signature", "required-mode", "any", 0, 0, &ml);
	keyring_init(&kr);
	UT_EQ_INT(keyring_add_dtb(&kr, m, ml, err, sizeof(err)), 2);
	UT_EQ_INT(kr.required_all, 0);
	keyring_free(&kr);
	UT_EQ_INT(kr.required_all, 1);
	free(m);
	MUT(ADD_NODE, "/signature", "foo", NULL, 0, 0, -EINVAL,
	    "/signature/foo: neither rsa,modulus nor ecdsa,curve: not a key node", NULL);
	MUT(ADD_NODE, "/signature", "key-", NULL, 0, 0, -EINVAL, "/signature/key-: neither", NULL);

	/* Not a DTB, and every kind of truncation. */
	expect(__LINE__, (const uint8_t *)"hello, world", 12, -EINVAL, "not a device tree", NULL);
	{
		uint8_t zeros[256] = { 0 };

		expect(__LINE__, zeros, sizeof(zeros), -EINVAL, "not a valid device tree", NULL);
	}
	expect(__LINE__, base_dtb, 0, -EINVAL, "not a device tree", NULL);
	expect(__LINE__, base_dtb, 39, -EINVAL, "not a device tree", NULL);
	for (size_t cut = 40; cut < base_len; cut += cut < 200 ? 1 : 97)
		expect(__LINE__, base_dtb, cut, -EINVAL, "device tree", NULL);
	expect(__LINE__, base_dtb, base_len - 1, -EINVAL, "device tree", NULL);
	/* Trailing bytes after the tree are fine. */
	{
		uint8_t *big = calloc(1, base_len + 100);

		memcpy(big, base_dtb, base_len);
		expect(__LINE__, big, base_len + 100, 2, NULL, NULL);
		free(big);
	}
	/* A DTB without /signature, and an empty /signature: no keys. */
	if (run("echo '/dts-v1/; / { };' | dtc -I dts -O dtb -o none.dtb - && "
		"echo '/dts-v1/; / { signature { }; };' | dtc -I dts -O dtb -o empty.dtb -") == 0) {
		keyring_init(&kr);
		UT_EQ_INT(load_dtb(&kr, "none.dtb", err), 0);
		UT_EQ_INT(load_dtb(&kr, "empty.dtb", err), 0);
		UT_EQ_INT(kr.n, 0);
		keyring_free(&kr);
	}
	/* A broken second key drops the first again (all or none). */
	MUT(SET_STR, EC_NODE, "ecdsa,curve", "bogus", 0, 0, -EINVAL, "/signature/ecdev", NULL);
	free(base_dtb);
}

/* Copies of the RSA key node: 16 load, 17 are refused naming the limit; a keyring with room
 * for fewer refuses the DTB whole. */
UT_TEST(crypto_dtb_key_limit)
{
	struct {
		const char *name;
		const void *val;
		int len;
	} props[16];
	int nprops = 0, src, off, sig;
	char err[CRYPTO_ERR_MAX], name[32];
	struct keyring kr;
	size_t cap;
	uint8_t *t;

	if (make_base() != 0)
		return;
	/* The RSA key node's properties, from the unchanged base. */
	src = fdt_path_offset(base_dtb, RSA_NODE);
	for (off = fdt_first_property_offset(base_dtb, src); off >= 0 && nprops < 16;
	     off = fdt_next_property_offset(base_dtb, off)) {
		props[nprops].val =
			fdt_getprop_by_offset(base_dtb, off, &props[nprops].name, &props[nprops].len);
		nprops++;
	}
	UT_CHECK(nprops >= 6);
	cap = base_len + 64 * 2048;
	t = malloc(cap);
	UT_EQ_INT(fdt_open_into(base_dtb, t, (int)cap), 0);
	for (int i = 0; i < 15; i++) { /* 2 + 14 = 16 keys load; the 17th is one too many */
		int dst;

		snprintf(name, sizeof(name), "key-copy%d", i);
		sig = fdt_path_offset(t, "/signature");
		dst = fdt_add_subnode(t, sig, name);
		UT_CHECK(dst >= 0);
		for (int p = 0; p < nprops; p++) {
			dst = fdt_subnode_offset(t, fdt_path_offset(t, "/signature"), name);
			if (strcmp(props[p].name, "key-name-hint") == 0)
				UT_EQ_INT(fdt_setprop_string(t, dst, props[p].name, name + 4), 0);
			else
				UT_EQ_INT(fdt_setprop(t, dst, props[p].name, props[p].val,
						      props[p].len),
					  0);
		}
		keyring_init(&kr);
		if (i < 14) {
			UT_EQ_INT(keyring_add_dtb(&kr, t, fdt_totalsize(t), err, sizeof(err)), 3 + i);
		} else {
			UT_EQ_INT(keyring_add_dtb(&kr, t, fdt_totalsize(t), err, sizeof(err)),
				  -E2BIG);
			UT_HAS(err, "more than 16 key nodes");
			UT_HAS(err, "at most 16 keys");
			UT_EQ_INT(kr.n, 0);
		}
		keyring_free(&kr);
	}
	/* 15 PEM keys already there: the 2-key DTB does not fit, and nothing is added. */
	keyring_init(&kr);
	if (run("openssl ec -in keys/ecdev.pem -pubout -out ecdev.pub") == 0) {
		for (int i = 0; i < 15; i++)
			UT_EQ_INT(add_pem(&kr, "ecdev.pub", "p", KEY_OPTIONAL, err), 1);
		UT_EQ_INT(keyring_add_dtb(&kr, base_dtb, base_len, err, sizeof(err)), -E2BIG);
		UT_HAS(err, "already holds 15");
		UT_EQ_INT(kr.n, 15);
	}
	keyring_free(&kr);
	free(t);
	free(base_dtb);
}

UT_TEST(crypto_keyring_file)
{
	char err[CRYPTO_ERR_MAX], path[512];
	struct keyring kr;

	keyring_init(&kr);
	if (run("openssl ecparam -name prime256v1 -genkey -noout -out k.key && "
		"openssl ec -in k.key -pubout -out board-key.pub.pem && "
		"head -c 1048577 /dev/zero > big.pem && : > empty.pem && "
		"cp board-key.pub.pem .hidden") != 0)
		return;
	snprintf(path, sizeof(path), "%s/board-key.pub.pem", ut_tmpdir());
	UT_EQ_INT(keyring_add_file(&kr, path, err, sizeof(err)), 1);
	UT_EQ_STR(kr.keys[0].name, "board-key.pub");
	UT_EQ_INT(kr.keys[0].required, KEY_OPTIONAL);
	snprintf(path, sizeof(path), "%s/.hidden", ut_tmpdir());
	UT_EQ_INT(keyring_add_file(&kr, path, err, sizeof(err)), 1);
	UT_EQ_STR(kr.keys[1].name, ".hidden");
	snprintf(path, sizeof(path), "%s/missing.pem", ut_tmpdir());
	UT_EQ_INT(keyring_add_file(&kr, path, err, sizeof(err)), -ENOENT);
	UT_HAS(err, "missing.pem");
	UT_HAS(err, "ENOENT");
	snprintf(path, sizeof(path), "%s/big.pem", ut_tmpdir());
	UT_EQ_INT(keyring_add_file(&kr, path, err, sizeof(err)), -EFBIG);
	UT_HAS(err, "big.pem");
	snprintf(path, sizeof(path), "%s/empty.pem", ut_tmpdir());
	UT_EQ_INT(keyring_add_file(&kr, path, err, sizeof(err)), -EINVAL);
	UT_HAS(err, "empty.pem: key 'empty'");
	UT_EQ_INT(kr.n, 2);
	keyring_free(&kr);
}
