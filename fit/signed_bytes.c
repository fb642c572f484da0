/* The bytes a U-Boot configuration signature covers. mkimage and U-Boot select them with
 * fdt_find_regions() over the structure block; to accept exactly what mkimage signs, embark
 * walks the tags with the same inclusion rules, written here as a stream:
 *  - a node listed in INC is "wanted" at level 2: its BEGIN_NODE tag and name, its properties
 *    (except data, data-size, data-offset, data-position), NOP tags and END_NODE are in;
 *  - each level down from a wanted node loses one level: at level 1 only the BEGIN_NODE and
 *    END_NODE tags are in (so a direct subnode's name is signed, its properties are not);
 *    at level 0 nothing is, except
 *  - an END_NODE that directly follows a tag that was in (U-Boot's region ends after it);
 *  - the FDT_END tag is always in;
 * followed by the first STRINGS_LEN bytes of the strings block. Returns -ERANGE when a
 * property in the stream has its name outside those bytes. Hashing the included tags in
 * order gives the same digest as hashing U-Boot's merged regions. The tree has passed
 * fdt_check_full(); depth and path length are still bounded here. */
#include "fit/fit.h"

#include <errno.h>
#include <libfdt.h>
#include <string.h>

static const char *const unsigned_props[] = { "data", "data-size", "data-offset",
					      "data-position" };

static int listed(const char *path, const char *const *inc, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(path, inc[i]) == 0)
			return 1;
	return 0;
}

static int unsigned_prop(const char *name)
{
	for (size_t i = 0; i < sizeof(unsigned_props) / sizeof(unsigned_props[0]); i++)
		if (strcmp(name, unsigned_props[i]) == 0)
			return 1;
	return 0;
}

int fit_signed_digest(const void *fdt, const char *const *inc, unsigned n_inc,
		      uint32_t strings_len, enum hash_algo algo, uint8_t *digest)
{
	const uint8_t *base = (const uint8_t *)fdt + fdt_off_dt_struct(fdt);
	int want_stack[FIT_MAX_DEPTH + 1];
	size_t path_len_stack[FIT_MAX_DEPTH + 1];
	char path[FIT_PATH_MAX] = "";
	size_t path_len = 0;
	int depth = -1, want = 0, open = 0, next = 0, offset;
	uint32_t tag;
	struct hash_ctx ctx;

	if (hash_init(&ctx, algo) < 0 || strings_len > fdt_size_dt_strings(fdt))
		return -EINVAL;
	do {
		int include = 0, len;
		const char *name;

		offset = next;
		tag = fdt_next_tag(fdt, offset, &next);
		if (next < 0)
			return -EINVAL;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (++depth > FIT_MAX_DEPTH)
				return -EINVAL;
			name = fdt_get_name(fdt, offset, &len);
			if (!name)
				return -EINVAL;
			path_len_stack[depth] = path_len;
			/* The root's name is empty and its path is "/". */
			if (depth == 0) {
				path[0] = '/';
				path_len = 1;
			} else {
				if (path_len + (path_len > 1) + (size_t)len + 1 > sizeof(path))
					return -EINVAL;
				if (path_len > 1)
					path[path_len++] = '/';
				memcpy(path + path_len, name, (size_t)len);
				path_len += (size_t)len;
			}
			path[path_len] = '\0';
			want_stack[depth] = want;
			if (listed(path, inc, n_inc))
				want = 2;
			else if (want)
				want--;
			include = want > 0;
			break;
		case FDT_PROP: {
			const struct fdt_property *p = fdt_get_property_by_offset(fdt, offset, NULL);
			const char *pname = p ? fdt_string(fdt, (int)fdt32_to_cpu(p->nameoff)) : NULL;

			if (!pname)
				return -EINVAL;
			include = want >= 2 && !unsigned_prop(pname);
			/* A signed property whose name is outside the signed strings could be
			 * renamed without changing the digest. */
			if (include && fdt32_to_cpu(p->nameoff) + strlen(pname) + 1 > strings_len)
				return -ERANGE;
			break;
		}
		case FDT_NOP:
			include = want >= 2;
			break;
		case FDT_END_NODE:
			if (depth < 0)
				return -EINVAL;
			/* In when the node is wanted, or when the tag before it was in; only a
			 * wanted node keeps the run going. */
			if (want > 0 || open)
				hash_update(&ctx, base + offset, (size_t)(next - offset));
			open = want > 0;
			want = want_stack[depth];
			path_len = path_len_stack[depth];
			path[path_len] = '\0';
			depth--;
			continue;
		case FDT_END:
			include = 1;
			break;
		default:
			return -EINVAL;
		}
		if (include)
			hash_update(&ctx, base + offset, (size_t)(next - offset));
		open = include;
	} while (tag != FDT_END);
	if ((uint32_t)next != fdt_size_dt_struct(fdt))
		return -EINVAL;
	hash_update(&ctx, (const uint8_t *)fdt + fdt_off_dt_strings(fdt), strings_len);
	hash_final(&ctx, digest);
	return 0;
}
