/* FIT structure: the tree is checked as a whole first (fdt_check_full, version, depth, node
 * count, names), then /images and /configurations are read into tables of pointers into the
 * caller's buffer. Nothing here trusts a length the image states without checking it against
 * the file. Layout and property names: U-Boot's doc/usage/fit/source_file_format.rst. */
#include "fit/fit.h"
#include "fit/internal.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

/* A string property: present, NUL-terminated at its end, no NUL inside. Returns 0 with *OUT
 * set, -ENOENT when absent (OUT = NULL), -EINVAL when malformed. */
int fit_prop_str(const void *fdt, int node, const char *name, const char **out)
{
	int len;
	const char *p = fdt_getprop(fdt, node, name, &len);

	*out = NULL;
	if (!p)
		return -ENOENT;
	if (len < 1 || p[len - 1] != '\0' || strlen(p) != (size_t)len - 1)
		return -EINVAL;
	*out = p;
	return 0;
}

/* Walks the string list property NAME: calls EACH for every string. Strings must each be
 * non-empty and NUL-terminated inside the property. Returns the count, -ENOENT, -EINVAL or
 * -E2BIG (more than MAX). */
int fit_prop_strlist(const void *fdt, int node, const char *name, unsigned max,
		     int (*each)(const char *s, void *ctx), void *ctx)
{
	int len, r;
	const char *p = fdt_getprop(fdt, node, name, &len);
	size_t pos = 0;
	unsigned n = 0;

	if (!p)
		return -ENOENT;
	if (len < 1 || p[len - 1] != '\0')
		return -EINVAL;
	while (pos < (size_t)len) {
		size_t k = strnlen(p + pos, (size_t)len - pos);

		if (k == 0)
			return -EINVAL;
		if (n >= max)
			return -E2BIG;
		r = each(p + pos, ctx);
		if (r < 0)
			return r;
		n++;
		pos += k + 1;
	}
	return (int)n;
}

static int prop_u32(const void *fdt, int node, const char *name, uint32_t *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return -ENOENT;
	if (len != 4)
		return -EINVAL;
	*out = fdt32_to_cpu(*p);
	return 0;
}

/* load/entry: one or two cells (mkimage writes two for 64-bit addresses). */
static int prop_addr(const void *fdt, int node, const char *name, uint64_t *out)
{
	int len;
	const uint8_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return -ENOENT;
	if (len == 4)
		*out = fdt32_to_cpu(*(const fdt32_t *)p);
	else if (len == 8)
		*out = (uint64_t)fdt32_to_cpu(*(const fdt32_t *)p) << 32 |
		       fdt32_to_cpu(*(const fdt32_t *)(p + 4));
	else
		return -EINVAL;
	return 0;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Whole-tree rules: depth, node count, '@' under /images and /configurations (CVE-2021-27138:
 * U-Boot matched "kernel@1" for "kernel"), and no two siblings with one name (libfdt returns
 * the first, a verifier written differently might use the second). No recursion: the walk
 * keeps the current ancestry in fixed arrays. */
static int check_tree(const void *fdt, char *err, size_t errlen)
{
	int first_child[FIT_MAX_DEPTH + 1];
	const char *in_subtree = NULL; /* "/images" or "/configurations" while inside one */
	int depth = 0, off = 0, count = 0;

	first_child[0] = -1;
	for (;;) {
		int prev_depth = depth, len;
		const char *name;

		off = fdt_next_node(fdt, off, &depth);
		if (off < 0 || depth < 1)
			break;
		if (++count > FIT_MAX_NODES)
			return err_fail(err, errlen, -E2BIG, "more than %d nodes (limit)",
					FIT_MAX_NODES);
		if (depth > FIT_MAX_DEPTH)
			return err_fail(err, errlen, -EINVAL,
					"nodes nested deeper than %d levels (limit)", FIT_MAX_DEPTH);
		name = fdt_get_name(fdt, off, &len);
		if (!name || len <= 0)
			return err_fail(err, errlen, -EINVAL, "node at offset %d has no name", off);
		if (depth == 1)
			in_subtree = strcmp(name, "images") == 0 || strcmp(name, "configurations") == 0
					     ? name
					     : NULL;
		else if (in_subtree && strchr(name, '@'))
			return err_fail(err, errlen, -EINVAL,
					"/%s/.../%s: '@' in a node name is refused (unit addresses "
					"let one name match another; rename it with '-')",
					in_subtree, name);
		if (depth > prev_depth)
			first_child[depth - 1] = off;
		/* Compare with the earlier siblings: they start at the parent's first child. */
		for (int sib = first_child[depth - 1]; sib >= 0 && sib != off;) {
			const char *sname = fdt_get_name(fdt, sib, NULL);

			if (sname && strcmp(sname, name) == 0)
				return err_fail(err, errlen, -EINVAL,
						"two sibling nodes named '%s' (offsets %d and %d): "
						"duplicate names are refused",
						name, sib, off);
			sib = fdt_next_subnode(fdt, sib);
		}
	}
	if (off != -FDT_ERR_NOTFOUND && off < 0)
		return err_fail(err, errlen, -EINVAL, "tree walk failed: %s", fdt_strerror(off));
	return 0;
}

/* External data: data-size plus data-offset (from the end of the tree rounded up to 4) or
 * data-position (absolute), inside the file and after the tree. */
static int image_data(const void *fdt, struct fit *fit, struct fit_image *img, char *err,
		      size_t errlen)
{
	uint32_t size, off, pos;
	int has_off, has_pos, len;
	const uint8_t *embedded = fdt_getprop(fdt, img->offset, "data", &len);
	uint64_t start;

	has_off = prop_u32(fdt, img->offset, "data-offset", &off);
	has_pos = prop_u32(fdt, img->offset, "data-position", &pos);
	if (has_off == -EINVAL || has_pos == -EINVAL)
		return err_fail(err, errlen, -EINVAL,
				"/images/%s: data-offset/data-position must be one 32-bit cell",
				img->name);
	if (embedded) {
		if (has_off == 0 || has_pos == 0)
			return err_fail(err, errlen, -EINVAL,
					"/images/%s: both embedded data and external data: which "
					"bytes are meant is ambiguous",
					img->name);
		img->data = embedded;
		img->size = (size_t)len;
		img->file_offset = (size_t)(embedded - fit->buf);
		img->data_where = "embedded";
		return 0;
	}
	if (has_off != 0 && has_pos != 0)
		return err_fail(err, errlen, -EINVAL, "/images/%s: no data, data-offset or "
				"data-position",
				img->name);
	if (has_off == 0 && has_pos == 0)
		return err_fail(err, errlen, -EINVAL,
				"/images/%s: both data-offset and data-position", img->name);
	if (prop_u32(fdt, img->offset, "data-size", &size) != 0)
		return err_fail(err, errlen, -EINVAL,
				"/images/%s: external data needs a 32-bit data-size", img->name);
	if (has_off == 0) {
		start = (((uint64_t)fit->tree_size + 3) & ~(uint64_t)3) + off;
		img->data_where = "data-offset";
	} else {
		start = pos;
		img->data_where = "data-position";
	}
	if (start < fit->tree_size)
		return err_fail(err, errlen, -EINVAL,
				"/images/%s: external data at %llu overlaps the tree (which ends at "
				"%zu)",
				img->name, (unsigned long long)start, fit->tree_size);
	if (start > fit->len || size > fit->len - start)
		return err_fail(err, errlen, -EINVAL,
				"/images/%s: external data (%u bytes at %llu) runs past the end of "
				"the file (%zu bytes)",
				img->name, size, (unsigned long long)start, fit->len);
	img->data = fit->buf + start;
	img->size = size;
	img->file_offset = (size_t)start;
	return 0;
}

static int parse_sig(const void *fdt, int node, const char *where, struct fit_sig *s, char *err,
		     size_t errlen)
{
	int len;

	s->node = fdt_get_name(fdt, node, NULL);
	s->offset = node;
	if (fit_prop_str(fdt, node, "algo", &s->algo) != 0)
		return err_fail(err, errlen, -EINVAL, "%s/%s: no valid 'algo' string", where,
				s->node);
	if (fit_prop_str(fdt, node, "padding", &s->padding) == -EINVAL ||
	    fit_prop_str(fdt, node, "key-name-hint", &s->key_hint) == -EINVAL)
		return err_fail(err, errlen, -EINVAL, "%s/%s: padding/key-name-hint must be strings",
				where, s->node);
	s->value = fdt_getprop(fdt, node, "value", &len);
	if (!s->value || len <= 0)
		return err_fail(err, errlen, -EINVAL, "%s/%s: no signature 'value'", where, s->node);
	s->value_len = (size_t)len;
	return 0;
}

static int parse_image(const void *fdt, struct fit *fit, int node, char *err, size_t errlen)
{
	struct fit_image *img = &fit->images[fit->n_images];
	char where[FIT_PATH_MAX];
	int sub, r;

	memset(img, 0, sizeof(*img));
	img->offset = node;
	img->name = fdt_get_name(fdt, node, NULL);
	snprintf(where, sizeof(where), "/images/%s", img->name);
	if (fit_prop_str(fdt, node, "description", &img->description) == -EINVAL ||
	    fit_prop_str(fdt, node, "type", &img->type) == -EINVAL ||
	    fit_prop_str(fdt, node, "arch", &img->arch) == -EINVAL ||
	    fit_prop_str(fdt, node, "os", &img->os) == -EINVAL ||
	    fit_prop_str(fdt, node, "compression", &img->compression) == -EINVAL)
		return err_fail(err, errlen, -EINVAL,
				"%s: description/type/arch/os/compression must be strings", where);
	if (!img->compression)
		img->compression = "none";
	r = prop_addr(fdt, node, "load", &img->load);
	if (r == -EINVAL)
		return err_fail(err, errlen, -EINVAL, "%s: load must be 1 or 2 cells", where);
	img->has_load = r == 0;
	r = prop_addr(fdt, node, "entry", &img->entry);
	if (r == -EINVAL)
		return err_fail(err, errlen, -EINVAL, "%s: entry must be 1 or 2 cells", where);
	img->has_entry = r == 0;
	r = image_data(fdt, fit, img, err, errlen);
	if (r < 0)
		return r;
	fdt_for_each_subnode(sub, fdt, node) {
		const char *name = fdt_get_name(fdt, sub, NULL);

		if (starts_with(name, "hash")) {
			struct fit_hash *h = &img->hashes[img->n_hashes];
			int len;

			if (img->n_hashes >= FIT_MAX_HASHES)
				return err_fail(err, errlen, -E2BIG, "%s: more than %d hash nodes",
						where, FIT_MAX_HASHES);
			h->node = name;
			if (fit_prop_str(fdt, sub, "algo", &h->algo_name) != 0)
				return err_fail(err, errlen, -EINVAL, "%s/%s: no valid 'algo' string",
						where, name);
			h->value = fdt_getprop(fdt, sub, "value", &len);
			if (!h->value || len <= 0)
				return err_fail(err, errlen, -EINVAL, "%s/%s: no hash 'value'", where,
						name);
			h->value_len = (size_t)len;
			if (hash_algo_from_name(h->algo_name, &h->algo) == 0 &&
			    hash_digest_size(h->algo) != h->value_len)
				return err_fail(err, errlen, -EINVAL,
						"%s/%s: %s value is %zu bytes, not %zu", where, name,
						h->algo_name, h->value_len, hash_digest_size(h->algo));
			img->n_hashes++;
		} else if (starts_with(name, "signature")) {
			if (img->n_sigs >= FIT_MAX_SIGS)
				return err_fail(err, errlen, -E2BIG,
						"%s: more than %d signature nodes", where, FIT_MAX_SIGS);
			r = parse_sig(fdt, sub, where, &img->sigs[img->n_sigs], err, errlen);
			if (r < 0)
				return r;
			img->n_sigs++;
		} else if (starts_with(name, "cipher")) {
			return err_fail(err, errlen, -EINVAL,
					"%s/%s: encrypted images are not supported", where, name);
		}
	}
	fit->n_images++;
	return 0;
}

struct ref_ctx {
	struct fit *fit;
	struct fit_config *conf;
	const char *role;
	char *err;
	size_t errlen;
	int reported; /* add_ref wrote ERR itself */
};

static int add_ref(const char *image, void *arg)
{
	struct ref_ctx *c = arg;
	const struct fit_image *img = fit_find_image(c->fit, image);

	if (!img || c->conf->n_refs >= FIT_MAX_REFS)
		c->reported = 1;
	if (!img)
		return err_fail(c->err, c->errlen, -EINVAL,
				"/configurations/%s: %s '%s' is not a node under /images",
				c->conf->name, c->role, image);
	if (c->conf->n_refs >= FIT_MAX_REFS)
		return err_fail(c->err, c->errlen, -E2BIG,
				"/configurations/%s: more than %d images referenced",
				c->conf->name, FIT_MAX_REFS);
	c->conf->refs[c->conf->n_refs].role = c->role;
	c->conf->refs[c->conf->n_refs].image = img;
	c->conf->n_refs++;
	return 0;
}

/* The properties of a configuration that name images. */
static const char *const ref_roles[] = { "kernel", "fdt", "ramdisk", "setup", "loadables",
					 "firmware", "fpga" };

static int parse_config(const void *fdt, struct fit *fit, int node, char *err, size_t errlen)
{
	struct fit_config *conf = &fit->configs[fit->n_configs];
	struct ref_ctx c = { fit, conf, NULL, err, errlen, 0 };
	int sub, r;

	memset(conf, 0, sizeof(*conf));
	conf->offset = node;
	conf->name = fdt_get_name(fdt, node, NULL);
	if (fit_prop_str(fdt, node, "description", &conf->description) == -EINVAL ||
	    fit_prop_str(fdt, node, "bootargs", &conf->bootargs) == -EINVAL)
		return err_fail(err, errlen, -EINVAL,
				"/configurations/%s: description/bootargs must be strings", conf->name);
	for (size_t i = 0; i < sizeof(ref_roles) / sizeof(ref_roles[0]); i++) {
		c.role = ref_roles[i];
		r = fit_prop_strlist(fdt, node, ref_roles[i], FIT_MAX_REFS, add_ref, &c);
		if (r == -ENOENT || r >= 0)
			continue;
		if (c.reported)
			return r;
		return err_fail(err, errlen, r,
				"/configurations/%s: '%s' must be a list of at most %d image names",
				conf->name, ref_roles[i], FIT_MAX_REFS);
	}
	fdt_for_each_subnode(sub, fdt, node) {
		const char *name = fdt_get_name(fdt, sub, NULL);
		char where[FIT_PATH_MAX];

		if (!starts_with(name, "signature"))
			continue;
		if (conf->n_sigs >= FIT_MAX_SIGS)
			return err_fail(err, errlen, -E2BIG,
					"/configurations/%s: more than %d signature nodes", conf->name,
					FIT_MAX_SIGS);
		snprintf(where, sizeof(where), "/configurations/%s", conf->name);
		r = parse_sig(fdt, sub, where, &conf->sigs[conf->n_sigs], err, errlen);
		if (r < 0)
			return r;
		conf->n_sigs++;
	}
	fit->n_configs++;
	return 0;
}

/* No two images' external data may share bytes: each image is one span of the file. */
static int check_overlaps(const struct fit *fit, char *err, size_t errlen)
{
	for (unsigned i = 0; i < fit->n_images; i++) {
		const struct fit_image *a = &fit->images[i];

		if (strcmp(a->data_where, "embedded") == 0)
			continue;
		for (unsigned j = i + 1; j < fit->n_images; j++) {
			const struct fit_image *b = &fit->images[j];

			if (strcmp(b->data_where, "embedded") == 0 || a->size == 0 || b->size == 0)
				continue;
			if (a->file_offset < b->file_offset + b->size &&
			    b->file_offset < a->file_offset + a->size)
				return err_fail(err, errlen, -EINVAL,
						"/images/%s and /images/%s: external data overlap",
						a->name, b->name);
		}
	}
	return 0;
}

int fit_parse(const void *buf, size_t len, struct fit *fit, char *err, size_t errlen)
{
	int images, configs, node, r;

	memset(fit, 0, sizeof(*fit));
	fit->buf = buf;
	fit->len = len;
	if (len < sizeof(struct fdt_header) || fdt_magic(buf) != FDT_MAGIC)
		return err_fail(err, errlen, -EINVAL, "not a FIT: no device tree header");
	if (fdt_version(buf) < 17)
		return err_fail(err, errlen, -EINVAL,
				"device tree version %u: FIT needs version 17 or later",
				fdt_version(buf));
	if (fdt_totalsize(buf) > len)
		return err_fail(err, errlen, -EINVAL,
				"tree claims %u bytes, the file has %zu: truncated", fdt_totalsize(buf),
				len);
	fit->tree_size = fdt_totalsize(buf);
	r = fdt_check_full(buf, fit->tree_size);
	if (r != 0)
		return err_fail(err, errlen, -EINVAL, "malformed device tree: %s (fdt_check_full)",
				fdt_strerror(r));
	r = check_tree(buf, err, errlen);
	if (r < 0)
		return r;
	if (fit_prop_str(buf, 0, "description", &fit->description) == -EINVAL)
		return err_fail(err, errlen, -EINVAL, "/: description must be a string");
	images = fdt_path_offset(buf, "/images");
	if (images < 0)
		return err_fail(err, errlen, -EINVAL, "not a FIT: no /images node");
	fdt_for_each_subnode(node, buf, images) {
		if (fit->n_images >= FIT_MAX_IMAGES)
			return err_fail(err, errlen, -E2BIG, "more than %d images", FIT_MAX_IMAGES);
		r = parse_image(buf, fit, node, err, errlen);
		if (r < 0)
			return r;
	}
	r = check_overlaps(fit, err, errlen);
	if (r < 0)
		return r;
	configs = fdt_path_offset(buf, "/configurations");
	if (configs < 0)
		return 0; /* images only: listable, not bootable */
	if (fit_prop_str(buf, configs, "default", &fit->default_config) == -EINVAL)
		return err_fail(err, errlen, -EINVAL, "/configurations: default must be a string");
	fdt_for_each_subnode(node, buf, configs) {
		if (fit->n_configs >= FIT_MAX_CONFIGS)
			return err_fail(err, errlen, -E2BIG, "more than %d configurations",
					FIT_MAX_CONFIGS);
		r = parse_config(buf, fit, node, err, errlen);
		if (r < 0)
			return r;
	}
	return 0;
}

const struct fit_image *fit_find_image(const struct fit *fit, const char *name)
{
	for (unsigned i = 0; i < fit->n_images; i++)
		if (strcmp(fit->images[i].name, name) == 0)
			return &fit->images[i];
	return NULL;
}

const struct fit_config *fit_find_config(const struct fit *fit, const char *name)
{
	for (unsigned i = 0; i < fit->n_configs; i++)
		if (strcmp(fit->configs[i].name, name) == 0)
			return &fit->configs[i];
	return NULL;
}

const struct fit_image *fit_config_image(const struct fit_config *conf, const char *role)
{
	for (unsigned i = 0; i < conf->n_refs; i++)
		if (strcmp(conf->refs[i].role, role) == 0)
			return conf->refs[i].image;
	return NULL;
}
