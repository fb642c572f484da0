/* Deciding whether a FIT configuration may boot.
 *
 * What must be signed is decided here, never read from the image: the node set of a
 * configuration signature is computed from the configuration itself and the signature's
 * `hashed-nodes` must name exactly that set (U-Boot historically hashed whatever list the
 * image carried). `sign-images` is not consulted at all. Unsigned properties (`data*`) are
 * covered through the hash nodes, whose values are signed, so every referenced image's data
 * must match a sha2 hash node as well.
 *
 * Keyring policy (U-Boot's, made explicit): keys marked required="conf" must verify the
 * configuration, keys marked required="image" must verify every image it uses, each under
 * the keyring's required-mode (all or any). With no required key, the configuration needs a
 * signature some key verifies, or every image needs one. */
#include "fit/fit.h"
#include "fit/internal.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

struct node_set {
	char paths[FIT_MAX_HASHED_NODES][FIT_PATH_MAX];
	const char *ptrs[FIT_MAX_HASHED_NODES];
	unsigned n;
};

static int set_add(struct node_set *s, const char *a, const char *b, const char *c)
{
	char *p;
	int n;

	if (s->n >= FIT_MAX_HASHED_NODES)
		return -E2BIG;
	p = s->paths[s->n];
	if (!b)
		n = snprintf(p, FIT_PATH_MAX, "%s", a);
	else if (!c)
		n = snprintf(p, FIT_PATH_MAX, "%s/%s", a, b);
	else
		n = snprintf(p, FIT_PATH_MAX, "%s/%s/%s", a, b, c);
	if (n < 0 || n >= FIT_PATH_MAX)
		return -ENAMETOOLONG;
	for (unsigned i = 0; i < s->n; i++)
		if (strcmp(s->paths[i], p) == 0)
			return 0; /* an image used twice (two roles) is one node */
	s->ptrs[s->n] = p;
	s->n++;
	return 0;
}

static int set_has(const struct node_set *s, const char *path)
{
	for (unsigned i = 0; i < s->n; i++)
		if (strcmp(s->paths[i], path) == 0)
			return 1;
	return 0;
}

/* The nodes a signature over CONF must cover: /, the configuration, and each image it uses
 * with that image's hash nodes (their values are what tie the unsigned data to the
 * signature). /configurations itself is not listed: mkimage does not list it. */
static int expected_nodes(const struct fit_config *conf, struct node_set *s)
{
	int r;

	s->n = 0;
	r = set_add(s, "/", NULL, NULL);
	if (r == 0)
		r = set_add(s, "/configurations", conf->name, NULL);
	for (unsigned i = 0; r == 0 && i < conf->n_refs; i++) {
		const struct fit_image *img = conf->refs[i].image;

		r = set_add(s, "/images", img->name, NULL);
		for (unsigned h = 0; r == 0 && h < img->n_hashes; h++)
			r = set_add(s, "/images", img->name, img->hashes[h].node);
	}
	return r;
}

struct listed_ctx {
	const struct node_set *expected;
	struct node_set seen;
	const char *bad; /* first listed node embark does not expect, or a duplicate */
	int duplicate;
};

static int listed_node(const char *path, void *arg)
{
	struct listed_ctx *c = arg;

	if (set_has(&c->seen, path)) {
		c->bad = path;
		c->duplicate = 1;
		return -EINVAL;
	}
	if (!set_has(c->expected, path) && !c->bad)
		c->bad = path;
	return set_add(&c->seen, path, NULL, NULL);
}

static void key_names(const struct keyring *kr, uint32_t mask, char *out, size_t cap)
{
	size_t used = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < kr->n && used < cap; i++) {
		if (!(mask & (1u << i)))
			continue;
		used += (size_t)snprintf(out + used, cap - used, "%s%s", used ? ", " : "",
					 kr->keys[i].name);
	}
}

/* Which keys verify DIGEST as SIG; returns the mask. */
static uint32_t keys_verifying(const struct keyring *kr, const struct fit_sig *sig,
			       const uint8_t *digest, size_t dlen)
{
	uint32_t mask = 0;

	for (unsigned k = 0; k < kr->n && k < 32; k++)
		if (sig_verify_digest(&kr->keys[k], sig->algo, sig->padding, digest, dlen,
				      sig->value, sig->value_len) == 0)
			mask |= 1u << k;
	return mask;
}

/* Checks one configuration signature; returns the mask of keys that verify it, or 0 with
 * WHY saying what was wrong. */
static uint32_t check_conf_sig(const struct fit *fit, const struct fit_config *conf,
			       const struct fit_sig *sig, const struct keyring *kr,
			       const struct fit_policy *pol, const struct node_set *expected,
			       char *why, size_t whylen)
{
	static struct listed_ctx lc;
	uint8_t digest[HASH_MAX_DIGEST];
	enum hash_algo halgo;
	enum key_kind kind;
	unsigned bits;
	const fdt32_t *hs;
	int len, n;
	uint32_t mask, strings_len;

	if (sig_algo_parse(sig->algo, &halgo, &kind, &bits) < 0) {
		err_fail(why, whylen, 0, "unknown signature algorithm '%s'", sig->algo);
		return 0;
	}
	if (halgo == HASH_SHA1 && !pol->allow_sha1) {
		err_fail(why, whylen, 0, "sha1 signatures are refused (%s); re-sign with sha256",
			 sig->algo);
		return 0;
	}
	/* mkimage signs the strings block as it was before it added the signature node's own
	 * property names (value, hashed-nodes, ...), so the region is a prefix, not the whole
	 * block. What matters is that every name a signed property uses lies inside it: the
	 * digest walk refuses any other (-ERANGE below). */
	hs = fdt_getprop(fit->buf, sig->offset, "hashed-strings", &len);
	if (!hs || len != 8 || fdt32_to_cpu(hs[0]) != 0 ||
	    fdt32_to_cpu(hs[1]) > fdt_size_dt_strings(fit->buf)) {
		err_fail(why, whylen, 0,
			 "hashed-strings must be <0 N> with N at most the strings block's %u bytes",
			 fdt_size_dt_strings(fit->buf));
		return 0;
	}
	strings_len = fdt32_to_cpu(hs[1]);
	memset(&lc, 0, sizeof(lc));
	lc.expected = expected;
	n = fit_prop_strlist(fit->buf, sig->offset, "hashed-nodes", FIT_MAX_HASHED_NODES,
			     listed_node, &lc);
	if (n < 0 || lc.bad) {
		if (lc.duplicate)
			err_fail(why, whylen, 0, "hashed-nodes lists %s twice", lc.bad);
		else if (lc.bad)
			err_fail(why, whylen, 0,
				 "hashed-nodes lists %s, which configuration '%s' does not use",
				 lc.bad, conf->name);
		else
			err_fail(why, whylen, 0, "hashed-nodes is missing or malformed");
		return 0;
	}
	for (unsigned i = 0; i < expected->n; i++) {
		if (!set_has(&lc.seen, expected->paths[i])) {
			err_fail(why, whylen, 0,
				 "%s is not covered by the signature (hashed-nodes lacks it): an "
				 "image the configuration uses must be signed (add its role to "
				 "sign-images)",
				 expected->paths[i]);
			return 0;
		}
	}
	n = fit_signed_digest(fit->buf, expected->ptrs, expected->n, strings_len, halgo, digest);
	if (n == -ERANGE) {
		err_fail(why, whylen, 0,
			 "a signed property's name lies outside hashed-strings (names must be "
			 "signed too)");
		return 0;
	}
	if (n < 0) {
		err_fail(why, whylen, 0, "the signed region cannot be computed (malformed tree)");
		return 0;
	}
	mask = keys_verifying(kr, sig, digest, hash_digest_size(halgo));
	if (!mask)
		err_fail(why, whylen, 0,
			 "no key in the keyring verifies it (%s%s%s): wrong key, or the signed "
			 "nodes changed",
			 sig->algo, sig->key_hint ? ", key-name-hint " : "",
			 sig->key_hint ? sig->key_hint : "");
	return mask;
}

static uint32_t check_image_sigs(const struct fit_image *img, const struct keyring *kr,
				 const struct fit_policy *pol)
{
	uint32_t mask = 0;

	for (unsigned s = 0; s < img->n_sigs; s++) {
		const struct fit_sig *sig = &img->sigs[s];
		uint8_t digest[HASH_MAX_DIGEST];
		enum hash_algo halgo;
		enum key_kind kind;
		unsigned bits;

		if (sig_algo_parse(sig->algo, &halgo, &kind, &bits) < 0 ||
		    (halgo == HASH_SHA1 && !pol->allow_sha1))
			continue;
		if (hash_buffer(halgo, img->data, img->size, digest) < 0)
			continue;
		mask |= keys_verifying(kr, sig, digest, hash_digest_size(halgo));
	}
	return mask;
}

/* Every hash node must match; at least one must be sha256/384/512. Returns the matching sha2
 * node's name, or NULL with WHY. */
static const char *check_hashes(const struct fit_image *img, char *why, size_t whylen)
{
	const char *sha2 = NULL;

	for (unsigned h = 0; h < img->n_hashes; h++) {
		const struct fit_hash *hn = &img->hashes[h];
		uint8_t digest[HASH_MAX_DIGEST];

		if (hn->algo == 0) {
			err_fail(why, whylen, 0, "/images/%s/%s: unknown hash algorithm '%s'",
				 img->name, hn->node, hn->algo_name);
			return NULL;
		}
		if (hash_buffer(hn->algo, img->data, img->size, digest) < 0 ||
		    memcmp(digest, hn->value, hn->value_len) != 0) {
			err_fail(why, whylen, 0,
				 "/images/%s/%s: %s of the image data does not match: the data "
				 "was changed",
				 img->name, hn->node, hn->algo_name);
			return NULL;
		}
		if (hn->algo == HASH_SHA256 || hn->algo == HASH_SHA384 || hn->algo == HASH_SHA512)
			sha2 = hn->node;
	}
	if (!sha2)
		err_fail(why, whylen, 0,
			 "/images/%s: no sha256/sha384/sha512 hash node (crc32 and sha1 do not "
			 "count)",
			 img->name);
	return sha2;
}

static const struct fit_config *pick_config(const struct fit *fit, const char *name, char *err,
					    size_t errlen)
{
	const struct fit_config *conf;

	if (fit->n_configs == 0) {
		err_fail(err, errlen, 0, "no /configurations: nothing to boot");
		return NULL;
	}
	if (!name)
		name = fit->default_config;
	if (!name) {
		err_fail(err, errlen, 0, "/configurations has no 'default': name one with --config");
		return NULL;
	}
	conf = fit_find_config(fit, name);
	if (!conf)
		err_fail(err, errlen, 0, "no configuration '%s' under /configurations", name);
	return conf;
}

int fit_verify_config(const struct fit *fit, const char *name, const struct keyring *kr,
		      const struct fit_policy *pol, struct fit_verdict *v, char *err, size_t errlen)
{
	static struct node_set expected;
	const struct fit_config *conf;
	uint32_t req_conf = 0, req_image = 0;
	char why[FIT_ERR_MAX] = "", names[KEY_NAME_MAX * 4];
	int r;

	memset(v, 0, sizeof(*v));
	conf = pick_config(fit, name, err, errlen);
	if (!conf)
		return -ENOENT;
	v->config = conf;
	if (!fit_config_image(conf, "kernel"))
		return err_fail(err, errlen, -EINVAL, "/configurations/%s: no kernel", conf->name);
	if (kr->n == 0)
		return err_fail(err, errlen, -EKEYREJECTED,
				"the keyring has no keys: nothing can be verified");
	r = expected_nodes(conf, &expected);
	if (r < 0)
		return err_fail(err, errlen, -E2BIG,
				"/configurations/%s: uses more nodes than embark checks (%d)",
				conf->name, FIT_MAX_HASHED_NODES);

	for (unsigned s = 0; s < conf->n_sigs; s++) {
		char one[FIT_ERR_MAX - 64];
		uint32_t m = check_conf_sig(fit, conf, &conf->sigs[s], kr, pol, &expected, one,
					    sizeof(one));

		v->conf_keys |= m;
		if (!m && !why[0])
			snprintf(why, sizeof(why), "/configurations/%s/%s: %s", conf->name,
				 conf->sigs[s].node, one);
	}
	for (unsigned i = 0; i < conf->n_refs; i++)
		v->image_keys[i] = check_image_sigs(conf->refs[i].image, kr, pol);

	for (unsigned k = 0; k < kr->n && k < 32; k++) {
		if (kr->keys[k].required == KEY_REQUIRED_CONF)
			req_conf |= 1u << k;
		else if (kr->keys[k].required == KEY_REQUIRED_IMAGE)
			req_image |= 1u << k;
	}
	if (req_conf && (kr->required_all ? (req_conf & ~v->conf_keys) != 0
					  : (req_conf & v->conf_keys) == 0)) {
		key_names(kr, kr->required_all ? req_conf & ~v->conf_keys : req_conf, names,
			  sizeof(names));
		return err_fail(err, errlen, -EKEYREJECTED,
				"/configurations/%s: required key %s did not verify it%s%s",
				conf->name, names, why[0] ? ": " : " (no signature node)", why);
	}
	for (unsigned i = 0; req_image && i < conf->n_refs; i++) {
		uint32_t got = v->image_keys[i];

		if (kr->required_all ? (req_image & ~got) != 0 : (req_image & got) == 0) {
			key_names(kr, req_image & ~got, names, sizeof(names));
			return err_fail(err, errlen, -EKEYREJECTED,
					"/images/%s (%s): required key %s did not sign the image",
					conf->refs[i].image->name, conf->refs[i].role, names);
		}
	}
	if (!req_conf && !req_image && !v->conf_keys) {
		for (unsigned i = 0; i < conf->n_refs; i++)
			if (!v->image_keys[i])
				return err_fail(err, errlen, -EKEYREJECTED,
						"/configurations/%s: %s", conf->name,
						why[0] ? why
						: "no signature node, and not every image it "
						"uses has a signature a trusted key verifies");
	}
	for (unsigned i = 0; i < conf->n_refs; i++) {
		v->image_hash[i] = check_hashes(conf->refs[i].image, why, sizeof(why));
		if (!v->image_hash[i])
			return err_fail(err, errlen, -EKEYREJECTED, "%s", why);
	}
	key_names(kr, v->conf_keys, v->signed_by, sizeof(v->signed_by));
	if (!v->signed_by[0]) {
		uint32_t all = 0;

		for (unsigned i = 0; i < conf->n_refs; i++)
			all |= v->image_keys[i];
		key_names(kr, all, v->signed_by, sizeof(v->signed_by));
	}
	return 0;
}
