/* `blscfg`, the Fedora/RHEL command that makes menu entries from Boot Loader Specification
 * files (grub-core/commands/blscfg.c in their GRUB). For every *.conf of $blsdir, else
 * /loader/entries, else /boot/loader/entries, newest version first, it records an entry
 * whose body is what Fedora's GRUB generates:
 *
 *     load_video; set gfxpayload=keep; insmod gzio
 *     linux ($root)KERNEL OPTIONS      OPTIONS with $NAME replaced by its value right now
 *     initrd ($root)INITRD...
 *
 * and which then runs like any entry, so ${name}, quotes and $root's search apply as they do
 * in GRUB. The id is the file name without ".conf"; `default`/`saved_entry` match it. */
#include "grub/grub_int.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* rpm-style version comparison: digit runs numerically, letter runs as text. */
static int vercmp(const char *a, const char *b)
{
	while (*a || *b) {
		const char *as, *bs;
		size_t an, bn;
		int r;

		while (*a && !is_alnum(*a))
			a++;
		while (*b && !is_alnum(*b))
			b++;
		if (!*a || !*b)
			break;
		if (is_digit(*a) != is_digit(*b))
			return is_digit(*a) ? 1 : -1; /* a number is newer than letters */
		as = a;
		bs = b;
		if (is_digit(*a)) {
			while (*as == '0' && is_digit(as[1]))
				as++;
			while (*bs == '0' && is_digit(bs[1]))
				bs++;
			for (a = as; is_digit(*a);)
				a++;
			for (b = bs; is_digit(*b);)
				b++;
		} else {
			for (a = as; *a && is_alnum(*a) && !is_digit(*a);)
				a++;
			for (b = bs; *b && is_alnum(*b) && !is_digit(*b);)
				b++;
		}
		an = (size_t)(a - as);
		bn = (size_t)(b - bs);
		if (is_digit(*as) && an != bn)
			return an > bn ? 1 : -1;
		r = memcmp(as, bs, an < bn ? an : bn);
		if (r)
			return r > 0 ? 1 : -1;
		if (an != bn)
			return an > bn ? 1 : -1;
	}
	return *a ? 1 : *b ? -1 : 0;
}

static int newest_first(const void *x, const void *y)
{
	return vercmp((const char *)y, (const char *)x);
}

/* Fedora's GRUB takes "*.conf", case and all. */
static int is_conf(const char *name)
{
	size_t len = strlen(name);

	return len > 5 && strcmp(name + len - 5, ".conf") == 0;
}

/* Fedora's expand_val: $NAME (letters, digits, '_') becomes its value, or nothing. ${...} is
 * left for the entry's own expansion (Fedora's GRUB mangles it into "{...}"). */
static int expand_options(struct grub_interp *in, const char *v, char *out, size_t cap)
{
	size_t o = 0;

	while (*v) {
		const char *val = "";
		size_t n = 1;

		if (v[0] == '$' && (is_alnum(v[1]) || v[1] == '_')) {
			const char *name = ++v;
			size_t vlen = 0;

			while (is_alnum(*v) || *v == '_')
				v++;
			val = grub_env_get(grub_env_cur(in), name, (size_t)(v - name), &vlen);
			if (!val)
				val = "";
			n = val[0] ? vlen : 0;
		} else {
			val = v++;
		}
		if (n >= cap - o)
			return -E2BIG;
		memcpy(out + o, val, n);
		o += n;
	}
	out[o] = '\0';
	return 0;
}

static int bls_body(struct grub_interp *in, const struct boot_entry *e, char *body, size_t cap)
{
	static char options[GRUB_VALUE_MAX + 1], fallback[GRUB_VALUE_MAX + 1];
	const char *opts = e->cmdline, *dk;
	size_t n, o;
	int w;

	if (!opts[0]) {
		/* An entry without options gets $default_kernelopts, as in Fedora's GRUB. */
		dk = grub_env_get(grub_env_cur(in), "default_kernelopts", 18, &n);
		opts = "";
		if (dk && n < sizeof(fallback)) {
			memcpy(fallback, dk, n);
			fallback[n] = '\0';
			opts = fallback;
		}
	}
	if (expand_options(in, opts, options, sizeof(options)) < 0)
		return -E2BIG;
	w = snprintf(body, cap, "load_video\nset gfxpayload=keep\ninsmod gzio\nlinux ($root)%s%s%s\n",
		     e->kernel, options[0] ? " " : "", options);
	if (w < 0 || (size_t)w >= cap)
		return -E2BIG;
	o = (size_t)w;
	for (unsigned i = 0; i < e->n_initrds; i++) {
		w = snprintf(body + o, cap - o, "%s ($root)%s", i ? "" : "initrd", e->initrds[i]);
		if (w < 0 || (size_t)w >= cap - o)
			return -E2BIG;
		o += (size_t)w;
	}
	if (e->devicetree[0])
		w = snprintf(body + o, cap - o, "\ndevicetree ($root)%s\n", e->devicetree);
	else
		w = snprintf(body + o, cap - o, "\n");
	if (w < 0 || (size_t)w >= cap - o)
		return -E2BIG;
	return (int)(o + (size_t)w);
}

static int add_entry(struct grub_interp *in, const char *dir, const char *name, const char *only,
		     unsigned line)
{
	static char body[BOOT_CMDLINE_MAX + (BOOT_MAX_INITRDS + 2) * (BOOT_PATH_MAX + 16) + 256];
	const struct grub_frame *s = grub_cur_script(in);
	struct boot_entry *e = &in->bls_entry;
	char path[BOOT_PATH_MAX], host[BOOT_PATH_MAX * 2], id[BOOT_ID_MAX], err[160];
	char *title;
	size_t nlen = strlen(name) - 5;
	unsigned file;
	ssize_t len;
	long x[4];
	int blen, idx;

	if (nlen >= sizeof(id) || snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path) ||
	    grub_host_path(in, path, host, sizeof(host)) < 0) {
		grub_warn(in, s ? s->file : 0, line, "blscfg: %s/%s: name too long; skipped", dir, name);
		return 0;
	}
	memcpy(id, name, nlen);
	id[nlen] = '\0';
	if (only && strcmp(only, id) != 0)
		return 0;
	len = read_file_bounded(host, in->scratch, BOOT_CONFIG_MAX);
	if (len < 0) {
		grub_warn(in, s ? s->file : 0, line, "blscfg: %s: skipped: %s", path,
			  len == -EFBIG ? "larger than 64 KiB" : errno_name((int)-len));
		return 0;
	}
	file = grub_file_index(in, path);
	if (bls_parse(in->scratch, (size_t)len, id, e, err, sizeof(err)) < 0) {
		grub_warn(in, file, 0, "skipped by blscfg: %s", err);
		return 0;
	}
	if (!e->kernel[0]) {
		grub_warn(in, file, 0, "skipped by blscfg: no 'linux' key (GRUB's blscfg needs one)");
		return 0;
	}
	blen = bls_body(in, e, body, sizeof(body));
	if (blen < 0) {
		grub_warn(in, file, 0, "skipped by blscfg: options or initrds too long");
		return 0;
	}
	title = e->title;
	idx = grub_menu_record(in, GI_BLS, 1, &title, id, body, (size_t)blen, 1, file, 0);
	if (idx < 0)
		return 0;
	x[0] = grub_text_add(in, e->version, strlen(e->version));
	x[1] = grub_text_add(in, e->sort_key, strlen(e->sort_key));
	x[2] = grub_text_add(in, e->machine_id, strlen(e->machine_id));
	x[3] = grub_text_add(in, e->architecture, strlen(e->architecture));
	if (x[0] < 0 || x[1] < 0 || x[2] < 0 || x[3] < 0) {
		in->n_items--;
		grub_warn(in, file, 0, "skipped by blscfg: more than %d bytes of menu text",
			  GRUB_TEXT_POOL);
		return 0;
	}
	in->items[idx].bls_version = (uint32_t)x[0];
	in->items[idx].bls_sort_key = (uint32_t)x[1];
	in->items[idx].bls_machine_id = (uint32_t)x[2];
	in->items[idx].bls_arch = (uint32_t)x[3];
	return 1;
}

int grub_blscfg(struct grub_interp *in, unsigned argc, char **argv, unsigned line)
{
	static const struct dir_names_opts conf_files = { .scan_max = BOOT_DIR_SCAN_MAX,
							  .keep = is_conf, .cmp = newest_first };
	static char names[GRUB_MAX_BLS][DIR_NAME_MAX];
	const struct grub_frame *s = grub_cur_script(in);
	char dir[BOOT_PATH_MAX], dev[BOOT_ID_MAX], host[BOOT_PATH_MAX * 2];
	const char *only = NULL, *blsdir;
	size_t n;
	int count = -ENOENT, fixed = 0;
	bool more;

	if (argc > 1 && argv[1][0] == '(') {
		blsdir = argv[1];
		fixed = 1;
	} else {
		if (argc > 1 && strcmp(argv[1], "default") && strcmp(argv[1], "non-default"))
			only = argv[1];
		blsdir = grub_env_get(grub_env_cur(in), "blsdir", 6, &n);
		if (blsdir && n < sizeof(dir)) {
			memcpy(dir, blsdir, n);
			dir[n] = '\0';
			blsdir = dir;
			fixed = 1;
		} else {
			blsdir = "/loader/entries";
		}
	}
	for (int attempt = 0; attempt < 2 && count < 0; attempt++) {
		if (attempt == 1) {
			if (fixed)
				break;
			blsdir = "/boot/loader/entries"; /* Fedora's GRUB falls back to it */
		}
		if (grub_split_path(blsdir, dev, sizeof(dev), dir, sizeof(dir)) < 0 ||
		    grub_host_path(in, dir, host, sizeof(host)) < 0)
			continue;
		count = dir_names(host, &conf_files, names, GRUB_MAX_BLS, &more);
	}
	if (count < 0) {
		grub_warn(in, s ? s->file : 0, line, "blscfg: no entry directory (%s)",
			  fixed ? blsdir : "/loader/entries, /boot/loader/entries");
		return -ENOENT;
	}
	if (more)
		grub_warn(in, s ? s->file : 0, line, "blscfg: more than %d entry files in %s; "
			  "the rest skipped", GRUB_MAX_BLS, dir);
	for (int i = 0; i < count; i++)
		add_entry(in, dir, names[i], only, line);
	return 0;
}
