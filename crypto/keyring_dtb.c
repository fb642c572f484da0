/* Keys from a U-Boot control DTB, as `mkimage -K` writes them:
 *   /signature                 required-mode = "all" | "any" (optional; "all" by default)
 *   /signature/key-<name>      RSA: rsa,num-bits, rsa,modulus, rsa,exponent (optional: 65537),
 *                              rsa,n0-inverse, rsa,r-squared (optional, checked when present),
 *                              required = "conf" | "image", algo, key-name-hint
 *   /signature/<name>          ECDSA (mkimage 2023.01 drops the "key-" prefix, `required` and
 *                              `algo`): ecdsa,curve, ecdsa,x-point, ecdsa,y-point
 * The tree is checked whole by libfdt first; then every property's length is checked before
 * its bytes are used. The keys of one DTB are added all or none. */
#include "crypto/crypto_int.h"

#include <libfdt.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DTB_PATH_MAX 96	       /* node path as messages show it (longer names are cut) */
#define DTB_STR_MAX 64	       /* longest string property value read (curve, required, ...) */
#define DTB_LEN_MAX 0x7fffffff /* libfdt offsets are ints */

/* The node being read, for property access and messages. */
struct node_ctx {
	const void *fdt;
	int off;
	char path[DTB_PATH_MAX];
	char *err;
	size_t errlen;
};

/* Property NAME: 1 with its bytes when present, 0 when absent, -EINVAL when unreadable. */
static int prop(const struct node_ctx *nc, const char *name, const uint8_t **val, int *len)
{
	const void *v;
	int l = 0;

	v = fdt_getprop(nc->fdt, nc->off, name, &l);
	if (!v) {
		if (l == -FDT_ERR_NOTFOUND)
			return 0;
		return err_fail(nc->err, nc->errlen, -EINVAL, "%s: %s: unreadable (libfdt: %s)",
				nc->path, name, fdt_strerror(l));
	}
	if (l < 0)
		return err_fail(nc->err, nc->errlen, -EINVAL, "%s: %s: negative length", nc->path,
				name);
	*val = v;
	*len = l;
	return 1;
}

static int prop_u32(const struct node_ctx *nc, const char *name, uint32_t *out)
{
	const uint8_t *v = NULL;
	int len = 0, rc;

	rc = prop(nc, name, &v, &len);
	if (rc <= 0)
		return rc;
	if (len != 4)
		return err_fail(nc->err, nc->errlen, -EINVAL,
				"%s: %s is %d bytes, expected 4 (a u32)", nc->path, name, len);
	*out = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
	return 1;
}

static int prop_u64(const struct node_ctx *nc, const char *name, uint64_t *out)
{
	const uint8_t *v = NULL;
	uint64_t x = 0;
	int len = 0, rc;

	rc = prop(nc, name, &v, &len);
	if (rc <= 0)
		return rc;
	if (len != 8)
		return err_fail(nc->err, nc->errlen, -EINVAL,
				"%s: %s is %d bytes, expected 8 (a u64)", nc->path, name, len);
	for (int i = 0; i < 8; i++)
		x = x << 8 | v[i];
	*out = x;
	return 1;
}

/* A string property: exactly one NUL-terminated string of at most MAX characters. */
static int prop_str(const struct node_ctx *nc, const char *name, const char **out, size_t max)
{
	const uint8_t *v = NULL;
	int len = 0, rc;

	rc = prop(nc, name, &v, &len);
	if (rc <= 0)
		return rc;
	if (len < 1 || v[len - 1] != '\0' || memchr(v, '\0', (size_t)len - 1))
		return err_fail(nc->err, nc->errlen, -EINVAL,
				"%s: %s is not one NUL-terminated string", nc->path, name);
	if ((size_t)len - 1 > max)
		return err_fail(nc->err, nc->errlen, -EINVAL,
				"%s: %s is %d characters long, at most %zu are allowed", nc->path,
				name, len - 1, max);
	*out = (const char *)v;
	return 1;
}

/* -N^-1 mod 2^32 for the odd low word N0 (Newton's iteration doubles the good bits). */
static uint32_t n0_inverse(uint32_t n0)
{
	uint32_t x = n0; /* right to 3 bits: n0 * n0 == 1 mod 8 for odd n0 */

	for (int i = 0; i < 5; i++)
		x *= 2 - n0 * x;
	return (uint32_t)0 - x;
}

/* Checks that R2 (NLEN bytes) is 2^(2 * 8 * NLEN) mod N, as U-Boot's r-squared must be. */
static int check_r_squared(const struct node_ctx *nc, const uint8_t *n, const uint8_t *r2,
			   size_t nlen)
{
	mbedtls_mpi N, R, G;
	int rc, ret;

	mbedtls_mpi_init(&N);
	mbedtls_mpi_init(&R);
	mbedtls_mpi_init(&G);
	ret = mbedtls_mpi_read_binary(&N, n, nlen);
	if (ret == 0)
		ret = mbedtls_mpi_read_binary(&G, r2, nlen);
	if (ret == 0)
		ret = mbedtls_mpi_lset(&R, 1);
	if (ret == 0)
		ret = mbedtls_mpi_shift_l(&R, 2 * 8 * nlen);
	if (ret == 0)
		ret = mbedtls_mpi_mod_mpi(&R, &R, &N);
	if (ret != 0) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: rsa,r-squared: cannot compute (mbedTLS -0x%04x)", nc->path, -ret);
		goto out;
	}
	if (mbedtls_mpi_cmp_mpi(&R, &G) != 0) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: rsa,r-squared does not match rsa,modulus (must be 2^%zu mod n)",
			      nc->path, 2 * 8 * nlen);
		goto out;
	}
	rc = 0;
out:
	mbedtls_mpi_free(&G);
	mbedtls_mpi_free(&R);
	mbedtls_mpi_free(&N);
	return rc;
}

static int parse_rsa(const struct node_ctx *nc, struct key *key)
{
	const uint8_t *mod = NULL, *r2 = NULL;
	uint32_t bits = 0, n0inv = 0;
	uint64_t e = 65537;
	int mlen = 0, r2len = 0, rc;
	size_t nlen;

	rc = prop_u32(nc, "rsa,num-bits", &bits);
	if (rc == 0)
		rc = err_fail(nc->err, nc->errlen, -EINVAL, "%s: rsa,num-bits is missing",
			      nc->path);
	if (rc < 0)
		goto out;
	if (bits != 2048 && bits != 3072 && bits != 4096) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: rsa,num-bits is %u: unsupported key size (embark takes 2048, 3072, 4096)",
			      nc->path, bits);
		goto out;
	}
	nlen = bits / 8;
	rc = prop(nc, "rsa,modulus", &mod, &mlen);
	if (rc == 0)
		rc = err_fail(nc->err, nc->errlen, -EINVAL, "%s: rsa,modulus is missing",
			      nc->path);
	if (rc < 0)
		goto out;
	if ((size_t)mlen != nlen) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: rsa,modulus is %d bytes, rsa,num-bits says %u", nc->path, mlen,
			      bits);
		goto out;
	}
	if (!(mod[0] & 0x80)) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: rsa,modulus has fewer than %u significant bits, rsa,num-bits says %u",
			      nc->path, bits, bits);
		goto out;
	}
	if (!(mod[nlen - 1] & 1)) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: rsa,modulus is even: not an RSA modulus", nc->path);
		goto out;
	}
	/* Absent in keys from older U-Boot, which knew only 65537. */
	rc = prop_u64(nc, "rsa,exponent", &e);
	if (rc < 0)
		goto out;
	if (e < 3 || !(e & 1)) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: rsa,exponent is %llu: must be odd and at least 3", nc->path,
			      (unsigned long long)e);
		goto out;
	}
	rc = prop_u32(nc, "rsa,n0-inverse", &n0inv);
	if (rc < 0)
		goto out;
	if (rc > 0) {
		uint32_t n0 = (uint32_t)mod[nlen - 4] << 24 | (uint32_t)mod[nlen - 3] << 16 |
			      (uint32_t)mod[nlen - 2] << 8 | mod[nlen - 1];

		if (n0inv != n0_inverse(n0)) {
			rc = err_fail(nc->err, nc->errlen, -EINVAL,
				      "%s: rsa,n0-inverse is 0x%08x, rsa,modulus gives 0x%08x",
				      nc->path, n0inv, n0_inverse(n0));
			goto out;
		}
	}
	rc = prop(nc, "rsa,r-squared", &r2, &r2len);
	if (rc < 0)
		goto out;
	if (rc > 0) {
		if ((size_t)r2len != nlen) {
			rc = err_fail(nc->err, nc->errlen, -EINVAL,
				      "%s: rsa,r-squared is %d bytes, rsa,num-bits says %u",
				      nc->path, r2len, bits);
			goto out;
		}
		rc = check_r_squared(nc, mod, r2, nlen);
		if (rc < 0)
			goto out;
	}
	rc = crypto_key_rsa_import(key, mod, nlen, e, nc->path, nc->err, nc->errlen);
out:
	return rc;
}

static int parse_ec(const struct node_ctx *nc, struct key *key)
{
	static const char *const coord[2] = { "ecdsa,x-point", "ecdsa,y-point" };
	const uint8_t *xy[2] = { NULL, NULL };
	const char *curve = NULL;
	mbedtls_ecp_group_id gid;
	size_t clen;
	int len = 0, rc;

	rc = prop_str(nc, "ecdsa,curve", &curve, DTB_STR_MAX);
	if (rc == 0)
		rc = err_fail(nc->err, nc->errlen, -EINVAL, "%s: ecdsa,curve is missing",
			      nc->path);
	if (rc < 0)
		goto out;
	if (strcmp(curve, "prime256v1") == 0) {
		gid = MBEDTLS_ECP_DP_SECP256R1;
		clen = 32;
	} else if (strcmp(curve, "secp384r1") == 0) {
		gid = MBEDTLS_ECP_DP_SECP384R1;
		clen = 48;
	} else {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: ecdsa,curve is \"%s\": unsupported curve (embark takes prime256v1, secp384r1)",
			      nc->path, curve);
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		rc = prop(nc, coord[i], &xy[i], &len);
		if (rc == 0)
			rc = err_fail(nc->err, nc->errlen, -EINVAL, "%s: %s is missing", nc->path,
				      coord[i]);
		if (rc < 0)
			goto out;
		if ((size_t)len != clen) {
			rc = err_fail(nc->err, nc->errlen, -EINVAL,
				      "%s: %s is %d bytes, ecdsa,curve %s needs %zu", nc->path,
				      coord[i], len, curve, clen);
			goto out;
		}
	}
	rc = crypto_key_ec_import(key, gid, xy[0], xy[1], clen, nc->path, nc->err, nc->errlen);
out:
	return rc;
}

/* Reads one /signature subnode into KEY (zeroed by the caller). */
static int parse_key(const struct node_ctx *nc, struct key *key)
{
	const uint8_t *v = NULL;
	const char *node_name, *hint = NULL, *req = NULL, *algo = NULL, *name;
	enum key_required required = KEY_OPTIONAL;
	enum key_kind akind = 0;
	unsigned abits = 0;
	int has_rsa, has_ec, nlen = 0, len = 0, rc;
	size_t name_len;

	node_name = fdt_get_name(nc->fdt, nc->off, &nlen);
	if (!node_name || nlen < 0) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL, "%s: unreadable node name", nc->path);
		goto out;
	}
	/* Metadata first: nothing is allocated until the node's shape is right. */
	has_rsa = prop(nc, "rsa,modulus", &v, &len);
	if (has_rsa == 0)
		has_rsa = prop(nc, "rsa,num-bits", &v, &len);
	has_ec = prop(nc, "ecdsa,curve", &v, &len);
	if (has_ec == 0)
		has_ec = prop(nc, "ecdsa,x-point", &v, &len);
	if (has_rsa < 0 || has_ec < 0) {
		rc = -EINVAL;
		goto out;
	}
	if (has_rsa && has_ec) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: has both rsa,* and ecdsa,* properties: one key per node", nc->path);
		goto out;
	}
	if (!has_rsa && !has_ec) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: neither rsa,modulus nor ecdsa,curve: not a key node", nc->path);
		goto out;
	}
	rc = prop_str(nc, "required", &req, DTB_STR_MAX);
	if (rc < 0)
		goto out;
	if (rc > 0) {
		if (strcmp(req, "conf") == 0) {
			required = KEY_REQUIRED_CONF;
		} else if (strcmp(req, "image") == 0) {
			required = KEY_REQUIRED_IMAGE;
		} else {
			rc = err_fail(nc->err, nc->errlen, -EINVAL,
				      "%s: required is \"%s\": must be \"conf\" or \"image\"",
				      nc->path, req);
			goto out;
		}
	}
	rc = prop_str(nc, "algo", &algo, sizeof(key->algo) - 1);
	if (rc < 0)
		goto out;
	if (rc > 0 && sig_algo_parse(algo, NULL, &akind, &abits) != 0) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: algo is \"%s\": unknown (hash sha1|sha256|sha384|sha512, key rsa2048|rsa3072|rsa4096|ecdsa256|ecdsa384)",
			      nc->path, algo);
		goto out;
	}
	rc = prop_str(nc, "key-name-hint", &hint, KEY_NAME_MAX - 1);
	if (rc < 0)
		goto out;
	if (hint) {
		name = hint;
		name_len = strlen(hint);
	} else {
		name = node_name;
		name_len = (size_t)nlen;
		if (name_len >= 4 && memcmp(name, "key-", 4) == 0) {
			name += 4;
			name_len -= 4;
		}
	}
	if (!crypto_name_ok(name, name_len)) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: the key name (%s) must be 1..%d printable ASCII characters",
			      nc->path, hint ? "key-name-hint" : "node name without \"key-\"",
			      KEY_NAME_MAX - 1);
		goto out;
	}

	rc = has_rsa ? parse_rsa(nc, key) : parse_ec(nc, key);
	if (rc < 0)
		goto out;
	if (algo && (akind != key->kind || abits != key->bits)) {
		rc = err_fail(nc->err, nc->errlen, -EINVAL,
			      "%s: algo \"%s\" does not fit the key (%s-%u)", nc->path, algo,
			      key->kind == KEY_RSA ? "RSA" : "ECDSA", key->bits);
		goto out;
	}
	memcpy(key->name, name, name_len);
	key->name[name_len] = '\0';
	if (algo)
		memcpy(key->algo, algo, strlen(algo) + 1);
	key->required = required;
	rc = 0;
out:
	if (rc < 0)
		crypto_key_free(key);
	return rc;
}

int keyring_add_dtb(struct keyring *kr, const void *buf, size_t len, char *err, size_t errlen)
{
	struct node_ctx nc = { .fdt = buf, .err = err, .errlen = errlen };
	const char *mode = NULL;
	unsigned count = 0, added = 0, base = 0;
	int required_all = 1, sig, node, rc;

	if (!kr || !buf || kr->n > KEYRING_MAX_KEYS) {
		rc = err_fail(err, errlen, -EINVAL, "keyring_add_dtb: no keyring or buffer");
		goto out;
	}
	base = kr->n;
	if (len < sizeof(struct fdt_header) || len > DTB_LEN_MAX) {
		rc = err_fail(err, errlen, -EINVAL,
			      "not a device tree: %zu bytes (a DTB is %zu..%d bytes)", len,
			      sizeof(struct fdt_header), DTB_LEN_MAX);
		goto out;
	}
	rc = fdt_check_full(buf, len);
	if (rc != 0) {
		rc = err_fail(err, errlen, -EINVAL, "not a valid device tree (libfdt: %s)",
			      fdt_strerror(rc));
		goto out;
	}
	if (fdt_totalsize(buf) > len) {
		rc = err_fail(err, errlen, -EINVAL,
			      "device tree header says %u bytes, only %zu are there",
			      fdt_totalsize(buf), len);
		goto out;
	}
	sig = fdt_subnode_offset(buf, 0, "signature");
	if (sig == -FDT_ERR_NOTFOUND) {
		rc = 0; /* a DTB without keys */
		goto out;
	}
	if (sig < 0) {
		rc = err_fail(err, errlen, -EINVAL, "/signature: unreadable (libfdt: %s)",
			      fdt_strerror(sig));
		goto out;
	}
	nc.off = sig;
	snprintf(nc.path, sizeof(nc.path), "/signature");
	rc = prop_str(&nc, "required-mode", &mode, DTB_STR_MAX);
	if (rc < 0)
		goto out;
	if (rc > 0) {
		if (strcmp(mode, "all") == 0) {
			required_all = 1;
		} else if (strcmp(mode, "any") == 0) {
			required_all = 0;
		} else {
			rc = err_fail(err, errlen, -EINVAL,
				      "/signature: required-mode is \"%s\": must be \"all\" or \"any\"",
				      mode);
			goto out;
		}
	}

	/* Count first (stopping one past the limit), so that nothing is built for a keyring
	 * that cannot hold the result. */
	for (node = fdt_first_subnode(buf, sig); node >= 0 && count <= KEYRING_MAX_KEYS;
	     node = fdt_next_subnode(buf, node))
		count++;
	if (node < 0 && node != -FDT_ERR_NOTFOUND) {
		rc = err_fail(err, errlen, -EINVAL, "/signature: unreadable subnode (libfdt: %s)",
			      fdt_strerror(node));
		goto out;
	}
	if (count > KEYRING_MAX_KEYS) {
		rc = err_fail(err, errlen, -E2BIG,
			      "/signature has more than %d key nodes: a keyring holds at most %d keys (KEYRING_MAX_KEYS)",
			      KEYRING_MAX_KEYS, KEYRING_MAX_KEYS);
		goto out;
	}
	if (count > KEYRING_MAX_KEYS - base) {
		rc = err_fail(err, errlen, -E2BIG,
			      "/signature has %u key nodes but the keyring already holds %u of at most %d keys (KEYRING_MAX_KEYS)",
			      count, base, KEYRING_MAX_KEYS);
		goto out;
	}

	node = fdt_first_subnode(buf, sig);
	for (unsigned i = 0; i < count && node >= 0; i++, node = fdt_next_subnode(buf, node)) {
		struct key *key = &kr->keys[base + added];
		const char *name;
		int nlen = 0;

		name = fdt_get_name(buf, node, &nlen);
		nc.off = node;
		snprintf(nc.path, sizeof(nc.path), "/signature/%.*s", name && nlen > 0 ? nlen : 0,
			 name ? name : "");
		memset(key, 0, sizeof(*key));
		rc = parse_key(&nc, key);
		if (rc < 0)
			goto out;
		added++;
	}
	kr->n = base + added;
	kr->required_all = required_all;
	rc = (int)added;
	added = 0; /* committed */
out:
	/* On failure, the keys of this DTB are dropped again: all or none. */
	for (unsigned i = 0; i < added; i++) {
		crypto_key_free(&kr->keys[base + i]);
		memset(&kr->keys[base + i], 0, sizeof(kr->keys[base + i]));
	}
	return rc;
}
