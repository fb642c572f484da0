/* Boot Loader Specification, Type #1 entries (uapi-group.org/specifications/specs/
 * boot_loader_specification) and loader.conf, read the way systemd-boot reads them:
 * - a line ends at '\n' or '\r'; blanks (space, tab) around it are dropped; '#' starts a
 *   comment line; the key runs to the first blank, the value starts after the blanks that
 *   follow; a value that starts and ends with '"' loses both quotes; a key with no value is
 *   ignored; keys are case-sensitive and unknown keys are ignored (the spec lets new keys
 *   appear).
 * - `options` and `initrd` may repeat (options joined with a space, every initrd kept, in
 *   order), `devicetree-overlay` lines add up; for every other key the last line wins.
 * - An entry is a Linux kernel (`linux`), an EFI program (`efi`) or a UKI (`uki`, `uki-url`);
 *   systemd-boot drops an entry that names two of them, and so does embark.
 * embark is stricter than systemd-boot where a file cannot be a config: a NUL byte, a line
 * longer than BOOT_LINE_MAX or a file larger than BOOT_CONFIG_MAX refuses the file. */
#include "bootcfg/bootcfg.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_name_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
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

/* --- the line reader shared by entries and loader.conf ---------------------------------- */

struct cfg_reader {
	const char *buf;
	size_t len, pos;
	unsigned line; /* the line (counted in '\n') of the byte at pos */
};

struct cfg_pair {
	const char *key, *val;
	size_t key_len, val_len;
	unsigned line;
};

/* The next "key value" pair: returns 1, 0 at the end of the text, or -EINVAL with *RULE set
 * when the text cannot be a config file. Every pass of the loop consumes at least one byte. */
static int next_pair(struct cfg_reader *rd, struct cfg_pair *p, const char **rule)
{
	while (rd->pos < rd->len) {
		const char *s = rd->buf + rd->pos;
		size_t n = 0, k, v;

		while (rd->pos + n < rd->len && s[n] != '\n' && s[n] != '\r')
			n++;
		p->line = rd->line;
		rd->pos += n;
		if (rd->pos < rd->len) {
			if (rd->buf[rd->pos] == '\n')
				rd->line++;
			rd->pos++;
		}
		if (n > BOOT_LINE_MAX) {
			*rule = "line longer than 4096 bytes";
			return -EINVAL;
		}
		if (memchr(s, '\0', n)) {
			*rule = "NUL byte in a text file";
			return -EINVAL;
		}
		while (n > 0 && is_blank(s[n - 1]))
			n--;
		for (k = 0; k < n && is_blank(s[k]);)
			k++;
		s += k;
		n -= k;
		if (n == 0 || s[0] == '#')
			continue;
		for (k = 0; k < n && !is_blank(s[k]);)
			k++;
		if (k == n)
			continue; /* a key without a value: systemd-boot ignores the line */
		for (v = k; v < n && is_blank(s[v]);)
			v++;
		p->key = s;
		p->key_len = k;
		p->val = s + v;
		p->val_len = n - v;
		/* The line ends with a non-blank, so the value is not empty. `"` alone empties it. */
		if (p->val[0] == '"' && p->val[p->val_len - 1] == '"') {
			p->val_len = p->val_len >= 2 ? p->val_len - 2 : 0;
			p->val++;
		}
		return 1;
	}
	return 0;
}

#define KEY_IS(p, s) ((p)->key_len == sizeof(s) - 1 && memcmp((p)->key, s, sizeof(s) - 1) == 0)

/* --- entries ------------------------------------------------------------------------------ */

const char *bls_machine_arch(void)
{
	static const struct {
		const char *uname, *uapi;
	} names[] = {
		{ "x86_64", "x64" },   { "i386", "ia32" },       { "i486", "ia32" },
		{ "i586", "ia32" },    { "i686", "ia32" },       { "aarch64", "aa64" },
		{ "riscv64", "riscv64" }, { "loongarch64", "loongarch64" },
	};
	static char arch[sizeof(((struct utsname *)0)->machine)];
	struct utsname u;

	if (arch[0])
		return arch;
	if (uname(&u) < 0)
		return "unknown"; /* not cached: uname does not fail on Linux */
	snprintf(arch, sizeof(arch), "%s", u.machine);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(u.machine, names[i].uname) == 0)
			snprintf(arch, sizeof(arch), "%s", names[i].uapi);
	if (strncmp(u.machine, "arm", 3) == 0) /* armv7l, armv6l, ...: 32-bit ARM */
		snprintf(arch, sizeof(arch), "arm");
	return arch;
}

/* What an entry boots; systemd-boot's loader types for Type #1 entries. */
enum bls_kind { KIND_NONE, KIND_LINUX, KIND_EFI, KIND_UKI, KIND_UKI_URL };
static const char *const kind_keys[] = { "", "linux", "efi", "uki", "uki-url" };

struct entry_parse {
	enum bls_kind kind;
	const char *rule;
	char rule_buf[128];
};

static int set_loader(struct entry_parse *st, struct boot_entry *e, enum bls_kind kind,
		      const struct cfg_pair *p)
{
	if (st->kind != KIND_NONE && st->kind != kind) {
		snprintf(st->rule_buf, sizeof(st->rule_buf),
			 "'%s' in an entry that has '%s': systemd-boot ignores such an entry",
			 kind_keys[kind], kind_keys[st->kind]);
		st->rule = st->rule_buf;
		return -EINVAL;
	}
	st->kind = kind;
	return set_field(e->kernel, sizeof(e->kernel), p->val, p->val_len);
}

/* Appends the blank-separated paths of V to the entry's overlays. */
static int add_overlays(struct entry_parse *st, struct boot_entry *e, const char *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t start;

		while (i < n && is_blank(v[i]))
			i++;
		if (i == n)
			break;
		for (start = i; i < n && !is_blank(v[i]);)
			i++;
		if (e->n_overlays >= BOOT_MAX_INITRDS) {
			st->rule = "more devicetree overlays than embark accepts (8)";
			return -EINVAL;
		}
		if (set_field(e->overlays[e->n_overlays], BOOT_PATH_MAX, v + start, i - start) < 0)
			return -ENAMETOOLONG;
		e->n_overlays++;
	}
	return 0;
}

static int set_key(struct entry_parse *st, struct boot_entry *e, const struct cfg_pair *p)
{
	const char *v = p->val;
	size_t n = p->val_len;
	int r = 0;

	if (KEY_IS(p, "title")) {
		r = set_field(e->title, sizeof(e->title), v, n);
	} else if (KEY_IS(p, "version")) {
		r = set_field(e->version, sizeof(e->version), v, n);
	} else if (KEY_IS(p, "sort-key")) {
		r = set_field(e->sort_key, sizeof(e->sort_key), v, n);
	} else if (KEY_IS(p, "machine-id")) {
		r = set_field(e->machine_id, sizeof(e->machine_id), v, n);
	} else if (KEY_IS(p, "architecture")) {
		r = set_field(e->architecture, sizeof(e->architecture), v, n);
	} else if (KEY_IS(p, "linux")) {
		r = set_loader(st, e, KIND_LINUX, p);
	} else if (KEY_IS(p, "efi")) {
		r = set_loader(st, e, KIND_EFI, p);
	} else if (KEY_IS(p, "uki")) {
		r = set_loader(st, e, KIND_UKI, p);
	} else if (KEY_IS(p, "uki-url")) {
		r = set_loader(st, e, KIND_UKI_URL, p);
	} else if (KEY_IS(p, "devicetree")) {
		r = set_field(e->devicetree, sizeof(e->devicetree), v, n);
	} else if (KEY_IS(p, "devicetree-overlay")) {
		r = add_overlays(st, e, v, n);
	} else if (KEY_IS(p, "options")) {
		r = append_options(e->cmdline, sizeof(e->cmdline), v, n);
	} else if (KEY_IS(p, "initrd")) {
		if (e->n_initrds >= BOOT_MAX_INITRDS) {
			st->rule = "more initrd lines than embark accepts (8)";
			return -EINVAL;
		}
		r = set_field(e->initrds[e->n_initrds], BOOT_PATH_MAX, v, n);
		if (r == 0)
			e->n_initrds++;
	}
	if (r < 0 && !st->rule)
		st->rule = "value too long";
	return r < 0 ? -EINVAL : 0;
}

/* Fedora's older entries say `options $kernelopts`: only grub's blscfg expands that, from
 * grubenv. Booted as written, the kernel would get the literal text, so say so. */
static void warn_grub_variables(struct boot_entry *e)
{
	const char *s = e->cmdline;

	for (size_t i = 0; s[i]; i++) {
		size_t start = i + 1, end;

		if (s[i] != '$')
			continue;
		if (s[start] == '{')
			start++;
		if (is_digit(s[start]))
			continue;
		for (end = start; is_name_char(s[end]);)
			end++;
		if (end == start)
			continue;
		boot_entry_warn(e, "options use the grub variable '$%.*s', which only grub's blscfg "
				   "expands: the kernel would get it literally",
				(int)(end - start), s + start);
		return;
	}
}

int bls_parse(const char *buf, size_t len, const char *id, struct boot_entry *out, char *err,
	      size_t errlen)
{
	struct cfg_reader rd = { .buf = buf, .len = len, .line = 1 };
	struct entry_parse st = { .kind = KIND_NONE };
	struct cfg_pair p = { .line = 0 };
	const char *arch;
	int r = 0;

	boot_entry_init(out, BOOT_FORMAT_BLS);
	if (set_field(out->id, sizeof(out->id), id, strlen(id)) < 0) {
		st.rule = "entry file name too long";
		r = -EINVAL;
		goto out;
	}
	if (len > BOOT_CONFIG_MAX) {
		st.rule = "file larger than 64 KiB";
		r = -EINVAL;
		goto out;
	}
	while ((r = next_pair(&rd, &p, &st.rule)) > 0) {
		r = set_key(&st, out, &p);
		if (r < 0)
			goto out;
	}
	if (r < 0)
		goto out; /* P.line is the line the reader refused */
	p.line = 0;
	if (st.kind == KIND_NONE) {
		st.rule = "no 'linux' key (nor 'efi' or 'uki'): nothing to boot";
		r = -EINVAL;
		goto out;
	}
	if (!out->kernel[0]) { /* `linux ""`: systemd-boot would fail only when booting it */
		snprintf(st.rule_buf, sizeof(st.rule_buf), "'%s' names no file", kind_keys[st.kind]);
		st.rule = st.rule_buf;
		r = -EINVAL;
		goto out;
	}
	if (!out->title[0])
		snprintf(out->title, sizeof(out->title), "%s", out->id);
	/* systemd-boot hides an entry for another architecture; embark lists it, unbootable. */
	arch = bls_machine_arch();
	if (out->architecture[0] && strcasecmp(out->architecture, arch) != 0)
		snprintf(out->unbootable, sizeof(out->unbootable),
			 "architecture %s, this machine is %s", out->architecture, arch);
	else if (st.kind == KIND_EFI)
		snprintf(out->unbootable, sizeof(out->unbootable),
			 "EFI program: kexec cannot boot it");
	else if (st.kind == KIND_UKI)
		snprintf(out->unbootable, sizeof(out->unbootable), "UKI: kexec cannot boot it");
	else if (st.kind == KIND_UKI_URL)
		snprintf(out->unbootable, sizeof(out->unbootable),
			 "UKI from a URL: kexec cannot boot it");
	warn_grub_variables(out);
	r = 0;
out:
	if (r < 0 && err && errlen) {
		if (p.line)
			snprintf(err, errlen, "line %u: %s", p.line, st.rule);
		else
			snprintf(err, errlen, "%s", st.rule);
	}
	return r;
}

/* --- boot counting ------------------------------------------------------------------------- */

/* Reads a decimal number (at least one digit, at most INT_MAX) at S into *OUT; returns the
 * digits read, 0 when there is none or it is too large. S is NUL-terminated. */
static size_t read_count(const char *s, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; is_digit(s[i]); i++) {
		int d = s[i] - '0';

		if (v > (INT_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return i;
}

/* The length of the ID part of NAME when NAME ends in "+LEFT[-DONE].conf" (LEFT and DONE
 * set), else -1. */
static long counter_at(const char *name, int *left, int *done)
{
	const char *plus = strrchr(name, '+'), *s;
	size_t n;

	if (!plus)
		return -1;
	s = plus + 1;
	n = read_count(s, left);
	if (!n)
		return -1;
	s += n;
	*done = 0;
	if (*s == '-') {
		n = read_count(s + 1, done);
		if (!n)
			return -1;
		s += 1 + n;
	}
	if (strcasecmp(s, ".conf") != 0)
		return -1; /* a '+' in the middle of the name: no counter */
	return plus - name;
}

int bls_entry_name(const char *name, char *id, size_t id_cap, int *tries_left, int *tries_done)
{
	size_t n = strlen(name);
	int left = -1, done = -1, counted;
	long id_len;

	*tries_left = *tries_done = -1;
	if (n < 5 || strcasecmp(name + n - 5, ".conf") != 0)
		return -EINVAL;
	id_len = counter_at(name, &left, &done);
	counted = id_len >= 0;
	if (!counted)
		id_len = (long)(n - 5);
	if (set_field(id, id_cap, name, (size_t)id_len) < 0)
		return -ENAMETOOLONG;
	if (!counted)
		return 0;
	*tries_left = left;
	*tries_done = done;
	return 1;
}

int bls_count_attempt(const char *dir, const char *name, char *newname, size_t cap)
{
	char id[256];
	int left, done, dfd, r, n;
	struct stat st;

	if (cap)
		newname[0] = '\0';
	if (strchr(name, '/'))
		return -EINVAL;
	r = bls_entry_name(name, id, sizeof(id), &left, &done);
	if (r <= 0)
		return r;
	/* The counter text is kept up to its '+', as systemd-boot renames it. */
	n = snprintf(newname, cap, "%.*s%d-%d.conf", (int)(strrchr(name, '+') - name + 1), name,
		     left > 0 ? left - 1 : 0, done < INT_MAX ? done + 1 : INT_MAX);
	if (n < 0 || (size_t)n >= cap) {
		if (cap)
			newname[0] = '\0';
		return -ENAMETOOLONG;
	}
	if (strcmp(newname, name) == 0)
		return 0;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (fstatat(dfd, newname, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		r = -EEXIST; /* never replace another entry */
		goto out;
	}
	if (renameat(dfd, name, dfd, newname) < 0) {
		r = -errno;
		goto out;
	}
	/* The rename must survive a crash of the kernel it is about to count. */
	r = fsync(dfd) < 0 ? -errno : 1;
out:
	close(dfd);
	return r;
}

/* --- loader.conf --------------------------------------------------------------------------- */

static void conf_warn(struct bls_loader_conf *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void conf_warn(struct bls_loader_conf *c, const char *fmt, ...)
{
	va_list ap;

	if (c->n_warnings < BOOT_MAX_WARNINGS) {
		va_start(ap, fmt);
		vsnprintf(c->warnings[c->n_warnings], BOOT_WARNING_MAX, fmt, ap);
		va_end(ap);
	}
	c->n_warnings++;
}

static int value_is(const struct cfg_pair *p, const char *s)
{
	return p->val_len == strlen(s) && memcmp(p->val, s, p->val_len) == 0;
}

/* systemd-boot's `timeout`: seconds (0: no menu unless a key is pressed), menu-hidden (0),
 * menu-disabled (0, not even a key), menu-force (the menu, no timeout), up to UINT32_MAX,
 * which is menu-force too. */
static void conf_timeout(struct bls_loader_conf *c, const struct cfg_pair *p)
{
	uint64_t v = 0;
	size_t i;

	if (value_is(p, "menu-force")) {
		c->timeout_s = BOOT_TIMEOUT_WAIT;
		return;
	}
	if (value_is(p, "menu-hidden") || value_is(p, "menu-disabled")) {
		c->timeout_s = 0;
		return;
	}
	for (i = 0; i < p->val_len && is_digit(p->val[i]); i++) {
		v = v * 10 + (uint64_t)(p->val[i] - '0');
		if (v > UINT32_MAX)
			break;
	}
	if (i == 0 || i < p->val_len) {
		conf_warn(c, "line %u: timeout '%.*s' is not seconds (at most %u), menu-force, "
			     "menu-hidden or menu-disabled; ignored, as systemd-boot does",
			  p->line, (int)(p->val_len > 40 ? 40 : p->val_len), p->val, UINT32_MAX);
		return;
	}
	if (v == UINT32_MAX)
		c->timeout_s = BOOT_TIMEOUT_WAIT;
	else
		c->timeout_s = v > INT_MAX ? INT_MAX : (int)v;
}

static void conf_default(struct bls_loader_conf *c, const struct cfg_pair *p)
{
	if (p->val_len && p->val[0] == '@') {
		if (p->val_len == 6 && strncasecmp(p->val, "@saved", 6) == 0) {
			c->default_pattern[0] = '\0';
			conf_warn(c, "line %u: default @saved: embark keeps no record of the entry "
				     "booted last; the first entry is the default",
				  p->line);
			return;
		}
		conf_warn(c, "line %u: default '%.*s': unsupported special entry identifier; "
			     "ignored, as systemd-boot does",
			  p->line, (int)(p->val_len > 40 ? 40 : p->val_len), p->val);
		return;
	}
	if (set_field(c->default_pattern, sizeof(c->default_pattern), p->val, p->val_len) < 0)
		conf_warn(c, "line %u: default pattern longer than %zu bytes; ignored", p->line,
			  sizeof(c->default_pattern) - 1);
}

int bls_loader_conf_parse(const char *buf, size_t len, struct bls_loader_conf *out, char *err,
			  size_t errlen)
{
	struct cfg_reader rd = { .buf = buf, .len = len, .line = 1 };
	struct cfg_pair p = { .line = 0 };
	const char *rule = NULL;
	int r;

	memset(out, 0, sizeof(*out));
	out->timeout_s = -1;
	if (len > BOOT_CONFIG_MAX) {
		rule = "file larger than 64 KiB";
		r = -EINVAL;
		goto out;
	}
	/* The other keys (editor, console-mode, auto-entries, ...) are about systemd-boot's own
	 * menu and firmware; nothing in them applies to kexec. */
	while ((r = next_pair(&rd, &p, &rule)) > 0) {
		if (KEY_IS(&p, "timeout"))
			conf_timeout(out, &p);
		else if (KEY_IS(&p, "default"))
			conf_default(out, &p);
	}
out:
	if (r < 0 && err && errlen) {
		if (p.line)
			snprintf(err, errlen, "line %u: %s", p.line, rule);
		else
			snprintf(err, errlen, "%s", rule);
	}
	return r < 0 ? r : 0;
}
