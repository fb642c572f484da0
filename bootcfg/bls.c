/* Boot Loader Specification, Type #1 entries (uapi-group.org/specifications/specs/
 * boot_loader_specification): one "key value" pair a line, '#' comments, keys case-sensitive.
 * `options` may repeat and is joined with spaces; `initrd` may repeat, each one a file; for
 * every other key the last line wins, as in systemd-boot. Unknown keys are ignored (the spec
 * lets new keys appear). */
#include "bootcfg/bootcfg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Copies [v, v+n) into DST of CAP bytes; returns -ENAMETOOLONG if it does not fit. */
static int set_field(char *dst, size_t cap, const char *v, size_t n)
{
	if (n >= cap)
		return -ENAMETOOLONG;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int append_options(char *dst, size_t cap, const char *v, size_t n)
{
	size_t have = strlen(dst), sep = have ? 1 : 0;

	if (have + sep + n >= cap)
		return -ENAMETOOLONG;
	if (sep)
		dst[have++] = ' ';
	memcpy(dst + have, v, n);
	dst[have + n] = '\0';
	return 0;
}

static int set_key(struct boot_entry *e, const char *k, size_t kn, const char *v, size_t vn,
		   const char **rule)
{
	int r = 0;

#define KEY(s) (kn == sizeof(s) - 1 && memcmp(k, s, kn) == 0)
	if (KEY("title")) {
		r = set_field(e->title, sizeof(e->title), v, vn);
	} else if (KEY("version")) {
		r = set_field(e->version, sizeof(e->version), v, vn);
	} else if (KEY("sort-key")) {
		r = set_field(e->sort_key, sizeof(e->sort_key), v, vn);
	} else if (KEY("machine-id")) {
		r = set_field(e->machine_id, sizeof(e->machine_id), v, vn);
	} else if (KEY("architecture")) {
		r = set_field(e->architecture, sizeof(e->architecture), v, vn);
	} else if (KEY("linux")) {
		r = set_field(e->kernel, sizeof(e->kernel), v, vn);
	} else if (KEY("devicetree")) {
		r = set_field(e->devicetree, sizeof(e->devicetree), v, vn);
	} else if (KEY("options")) {
		r = append_options(e->cmdline, sizeof(e->cmdline), v, vn);
	} else if (KEY("initrd")) {
		if (e->n_initrds >= BOOT_MAX_INITRDS) {
			*rule = "more initrd lines than embark accepts (8)";
			return -EINVAL;
		}
		r = set_field(e->initrds[e->n_initrds], BOOT_PATH_MAX, v, vn);
		if (r == 0)
			e->n_initrds++;
	}
#undef KEY
	if (r < 0)
		*rule = "value too long";
	return r;
}

int bls_parse(const char *buf, size_t len, const char *id, struct boot_entry *out, char *err,
	      size_t errlen)
{
	const char *rule = NULL;
	size_t pos = 0;
	unsigned line = 0;
	int r = 0;

	boot_entry_init(out, BOOT_FORMAT_BLS);
	if (set_field(out->id, sizeof(out->id), id, strlen(id)) < 0) {
		rule = "entry file name too long";
		r = -EINVAL;
		goto out;
	}
	if (len > BOOT_CONFIG_MAX) {
		rule = "file larger than 64 KiB";
		r = -EINVAL;
		goto out;
	}
	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos, k = 0, v;

		pos += n + (nl ? 1 : 0);
		line++;
		if (n > BOOT_LINE_MAX) {
			rule = "line longer than 4096 bytes";
			r = -EINVAL;
			goto out;
		}
		if (memchr(s, '\0', n)) {
			rule = "NUL byte in a text file";
			r = -EINVAL;
			goto out;
		}
		while (n > 0 && (is_blank(s[n - 1]) || s[n - 1] == '\r'))
			n--;
		while (k < n && is_blank(s[k]))
			k++;
		s += k;
		n -= k;
		if (n == 0 || s[0] == '#')
			continue;
		for (k = 0; k < n && !is_blank(s[k]);)
			k++;
		for (v = k; v < n && is_blank(s[v]);)
			v++;
		r = set_key(out, s, k, s + v, n - v, &rule);
		if (r < 0) {
			r = -EINVAL;
			goto out;
		}
	}
	line = 0;
	if (!out->kernel[0]) {
		rule = "no 'linux' key: not a Linux entry embark can load";
		r = -EINVAL;
		goto out;
	}
	if (!out->title[0])
		snprintf(out->title, sizeof(out->title), "%s", out->id);
out:
	if (r < 0 && err && errlen) {
		if (line)
			snprintf(err, errlen, "line %u: %s", line, rule);
		else
			snprintf(err, errlen, "%s", rule);
	}
	return r;
}
