/* File names in a syslinux configuration. syslinux opens a relative name in its working
 * directory, which is the directory of the configuration file (for PXELINUX: the directory
 * of pxelinux.0, the one holding pxelinux.cfg/). "::name" skips that prefix (the name is
 * absolute on the server); "host::name" and URLs name another server. Results are absolute
 * within the boot filesystem, with "." and ".." resolved and clamped at its root so that no
 * name leads outside it. */
#include "syslinux/internal.h"

#include <errno.h>
#include <string.h>

/* Appends the '/'-separated components of S[0..N) to OUT ("/" or "/a/b", length *LEN). */
static int add_components(char *out, size_t cap, size_t *len, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start, k;

		while (i < n && s[i] == '/')
			i++;
		start = i;
		while (i < n && s[i] != '/')
			i++;
		k = i - start;
		if (k == 0 || (k == 1 && s[start] == '.'))
			continue;
		if (k == 2 && s[start] == '.' && s[start + 1] == '.') {
			while (*len > 1 && out[*len - 1] != '/')
				(*len)--;
			if (*len > 1)
				(*len)--; /* the separator; "/" itself stays */
			continue;
		}
		/* separator, component and the final NUL must fit */
		if (*len + 1 + k + 1 > cap)
			return -ENAMETOOLONG;
		if (*len > 1)
			out[(*len)++] = '/';
		memcpy(out + *len, s + start, k);
		*len += k;
	}
	return 0;
}

static int contains(struct sl_str v, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= v.n; i++)
		if (memcmp(v.s + i, needle, k) == 0)
			return 1;
	return 0;
}

/* Resolves PATH against CWD into OUT. Returns 0, -EREMOTE for a name on another server,
 * -EINVAL for an empty name, -ENAMETOOLONG; OUT is "" on failure. */
int sl_resolve(const char *cwd, struct sl_str path, char *out, size_t cap)
{
	size_t len = 1;
	int absolute = 0, r = 0;

	out[0] = '\0';
	if (cap < 2)
		return -ENAMETOOLONG;
	if (path.n >= 2 && path.s[0] == ':' && path.s[1] == ':') {
		path.s += 2;
		path.n -= 2;
		absolute = 1;
	}
	if (contains(path, "::") || contains(path, "://"))
		return -EREMOTE;
	if (path.n == 0)
		return -EINVAL;
	if (path.s[0] == '/')
		absolute = 1;
	out[0] = '/';
	if (!absolute)
		r = add_components(out, cap, &len, cwd, strlen(cwd));
	if (r == 0)
		r = add_components(out, cap, &len, path.s, path.n);
	if (r < 0) {
		out[0] = '\0';
		return r;
	}
	out[len] = '\0';
	return 0;
}

/* The directory syslinux works in for configuration CFG_PATH. */
int sl_config_cwd(const char *cfg_path, char *cwd, size_t cap)
{
	static const char pxe_dir[] = "pxelinux.cfg";
	struct sl_str p = { cfg_path, strlen(cfg_path) };
	size_t dir_len, base;
	int r;

	r = sl_resolve("/", p, cwd, cap);
	if (r < 0)
		return r;
	dir_len = strlen(cwd);
	while (dir_len > 1 && cwd[dir_len - 1] != '/')
		dir_len--;
	if (dir_len > 1)
		dir_len--;
	cwd[dir_len] = '\0';
	/* PXELINUX: names are relative to pxelinux.0's directory, above pxelinux.cfg/ */
	base = dir_len;
	while (base > 0 && cwd[base - 1] != '/')
		base--;
	if (dir_len - base == sizeof(pxe_dir) - 1 && memcmp(cwd + base, pxe_dir, dir_len - base) == 0)
		cwd[base > 1 ? base - 1 : 1] = '\0';
	return 0;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int ends_with(struct sl_str v, const char *suffix)
{
	size_t k = strlen(suffix);

	if (v.n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (lower(v.s[v.n - k + i]) != suffix[i])
			return 0;
	return 1;
}

/* How syslinux runs a KERNEL file, from its extension (compared without case, since FAT
 * and ISO 9660 media often carry upper-case names). */
enum sl_kind sl_kind_from_name(struct sl_str name)
{
	if (ends_with(name, ".c32"))
		return SL_KIND_COM32;
	if (ends_with(name, ".0"))
		return SL_KIND_PXE;
	if (ends_with(name, ".bs") || ends_with(name, ".bin"))
		return SL_KIND_BOOT;
	if (ends_with(name, ".bss"))
		return SL_KIND_BSS;
	if (ends_with(name, ".img"))
		return SL_KIND_FDIMAGE;
	if (ends_with(name, ".com") || ends_with(name, ".cbt"))
		return SL_KIND_COMBOOT;
	return SL_KIND_LINUX;
}

/* Whether the last component of PATH is NAME (without case). */
int sl_basename_is(struct sl_str path, const char *name)
{
	size_t k = strlen(name), start = path.n;

	while (start > 0 && path.s[start - 1] != '/')
		start--;
	if (path.n - start != k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (lower(path.s[start + i]) != name[i])
			return 0;
	return 1;
}
