/* Boot entries from what syslinux would run: a finished LABEL, or a DEFAULT/ONTIMEOUT
 * command line that names no label. A label runs "KERNEL-line APPEND" (its own APPEND, else
 * the global one; "APPEND -" is none), exactly what syslinux builds; the first word is the
 * file, the rest the kernel command line. The initrds are INITRD's comma-separated files,
 * else those of the command line's initrd= option (which stays on the command line, as
 * syslinux passes it through). */
#include "syslinux/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A label's command: KERNEL line, a blank, APPEND. */
static char command[2 * BOOT_LINE_MAX + 2];

static struct sl_str str(const char *s)
{
	return (struct sl_str){ s, strlen(s) };
}

static void set_unbootable(struct boot_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The first reason wins: it is the one that decides. */
static void set_unbootable(struct boot_entry *e, const char *fmt, ...)
{
	va_list ap;

	if (e->unbootable[0])
		return;
	va_start(ap, fmt);
	vsnprintf(e->unbootable, sizeof(e->unbootable), fmt, ap);
	va_end(ap);
}

static const char *path_error(int r)
{
	if (r == -EREMOTE)
		return "on another server, not on this filesystem";
	if (r == -ENAMETOOLONG)
		return "path too long";
	return "empty file name";
}

static void add_initrd(struct sl_parser *p, struct boot_entry *e, struct sl_str file)
{
	char path[BOOT_PATH_MAX];
	int r;

	if (e->n_initrds >= BOOT_MAX_INITRDS) {
		set_unbootable(e, "more than %d initrd files", BOOT_MAX_INITRDS);
		return;
	}
	r = sl_resolve(p->cwd, file, path, sizeof(path));
	if (r < 0) {
		set_unbootable(e, "initrd %.*s: %s", SL_SHOW(file), path_error(r));
		return;
	}
	memcpy(e->initrds[e->n_initrds++], path, sizeof(path));
}

/* INITRD's value or initrd='s: files separated by commas, up to the first blank. */
static void add_initrd_list(struct sl_parser *p, struct boot_entry *e, struct sl_str list)
{
	size_t i = 0;

	while (i < list.n && !sl_is_space(list.s[i])) {
		size_t start = i;

		while (i < list.n && list.s[i] != ',' && !sl_is_space(list.s[i]))
			i++;
		if (i > start)
			add_initrd(p, e, (struct sl_str){ list.s + start, i - start });
		if (i < list.n && list.s[i] == ',')
			i++;
	}
}

/* Counts the initrd= options of ARGS; *FIRST is the value of the first, the one syslinux
 * loads. */
static unsigned find_initrd_options(struct sl_str args, struct sl_str *first)
{
	static const char opt[] = "initrd=";
	const size_t k = sizeof(opt) - 1;
	unsigned count = 0;

	while (args.n > 0) {
		size_t w = sl_word_len(args);

		if (w >= k && memcmp(args.s, opt, k) == 0 && count++ == 0)
			*first = (struct sl_str){ args.s + k, w - k };
		args = sl_after_word(args);
	}
	return count;
}

/* Why a file syslinux would run is not a kernel; BY_NAME: only its extension says so. */
static void kind_reason(struct boot_entry *e, enum sl_kind kind, int by_name, struct sl_str prog)
{
	const char *hint = by_name ? " (by its extension; LINUX would load it as a kernel)" : "";

	switch (kind) {
	case SL_KIND_COM32:
		set_unbootable(e, "COM32 module %.*s, not a Linux kernel", SL_SHOW(prog));
		break;
	case SL_KIND_BOOT:
	case SL_KIND_BSS:
		set_unbootable(e, "boot sector file %.*s, not a Linux kernel%s", SL_SHOW(prog), hint);
		break;
	case SL_KIND_PXE:
		set_unbootable(e, "PXE boot program %.*s, not a Linux kernel%s", SL_SHOW(prog), hint);
		break;
	case SL_KIND_FDIMAGE:
		set_unbootable(e, "floppy disk image %.*s, not a Linux kernel%s", SL_SHOW(prog), hint);
		break;
	case SL_KIND_COMBOOT:
		set_unbootable(e, "COMBOOT program %.*s, not a Linux kernel%s", SL_SHOW(prog), hint);
		break;
	case SL_KIND_CONFIG:
		set_unbootable(e, "CONFIG %.*s: syslinux switches to another configuration file; "
				  "not followed", SL_SHOW(prog));
		break;
	default:
		break;
	}
}

/* Fills E's kernel, command line and initrds from COMMAND ("file args..."), run as KIND.
 * INITRD: the label's INITRD value, or NULL. */
static void fill_command(struct sl_parser *p, struct boot_entry *e, enum sl_kind kind,
			 struct sl_str cmd, const struct sl_str *initrd)
{
	struct sl_str prog, args, first = { "", 0 };
	int by_name = kind == SL_KIND_AUTO, r;
	unsigned n_opts;

	if (kind == SL_KIND_LOCALBOOT) {
		set_unbootable(e, "LOCALBOOT: boot from local disk, not a Linux entry");
		return;
	}
	cmd = sl_trim(cmd);
	prog = (struct sl_str){ cmd.s, sl_word_len(cmd) };
	args = sl_after_word(cmd);
	if (kind == SL_KIND_AUTO)
		kind = sl_kind_from_name(prog);
	else if (kind == SL_KIND_LINUX && sl_kind_from_name(prog) == SL_KIND_COM32)
		kind = SL_KIND_COM32;
	if (kind == SL_KIND_COM32 && sl_basename_is(prog, "linux.c32")) {
		/* linux.c32 loads the kernel its first argument names, with the rest */
		prog = (struct sl_str){ args.s, sl_word_len(args) };
		args = sl_after_word(args);
		kind = SL_KIND_LINUX;
		by_name = 0;
		if (prog.n == 0) {
			set_unbootable(e, "linux.c32 without a kernel file to load");
			return;
		}
	}
	r = sl_resolve(p->cwd, prog, e->kernel, sizeof(e->kernel));
	if (r < 0)
		set_unbootable(e, "kernel %.*s: %s", SL_SHOW(prog), path_error(r));
	if (kind == SL_KIND_LINUX && sl_basename_is(prog, "memdisk"))
		set_unbootable(e, "MEMDISK %.*s: a BIOS disk emulator, not a Linux kernel",
			       SL_SHOW(prog));
	kind_reason(e, kind, by_name, prog);
	if (kind == SL_KIND_CONFIG)
		return;
	if (sl_copy(e->cmdline, sizeof(e->cmdline), args) < 0) {
		e->cmdline[0] = '\0';
		set_unbootable(e, "command line longer than %d bytes", BOOT_CMDLINE_MAX - 1);
	}
	n_opts = find_initrd_options(args, &first);
	if (initrd) {
		add_initrd_list(p, e, sl_trim(*initrd));
		if (n_opts > 0)
			boot_entry_warn(e, "INITRD and initrd= in APPEND both given: INITRD used");
	} else if (n_opts > 0) {
		add_initrd_list(p, e, first);
		if (n_opts > 1)
			boot_entry_warn(e, "%u initrd= options: the first one is used, as syslinux does",
					n_opts);
	}
}

static void add_devicetree(struct sl_parser *p, struct boot_entry *e, const struct sl_label *l)
{
	int r;

	if (l->has_fdt) {
		r = sl_resolve(p->cwd, sl_trim(str(l->fdt)), e->devicetree, sizeof(e->devicetree));
		if (r < 0)
			set_unbootable(e, "devicetree %.60s: %s", l->fdt, path_error(r));
	} else if (l->has_fdtdir) {
		/* room for the '/' that says "a directory" */
		r = sl_resolve(p->cwd, sl_trim(str(l->fdtdir)), e->devicetree,
			       sizeof(e->devicetree) - 1);
		if (r < 0) {
			set_unbootable(e, "devicetree directory %.60s: %s", l->fdtdir, path_error(r));
		} else {
			size_t k = strlen(e->devicetree);

			if (k > 1) {
				e->devicetree[k] = '/';
				e->devicetree[k + 1] = '\0';
			}
			boot_entry_warn(e, "FDTDIR %.120s: U-Boot adds the board's .dtb name "
					   "($fdtfile) at boot", e->devicetree);
		}
	}
	if (l->has_overlays) {
		struct sl_str v = sl_trim(str(l->overlays));

		while (v.n > 0) {
			struct sl_str file = { v.s, sl_word_len(v) };

			if (e->n_overlays >= BOOT_MAX_INITRDS) {
				set_unbootable(e, "more than %d devicetree overlays", BOOT_MAX_INITRDS);
				break;
			}
			r = sl_resolve(p->cwd, file, e->overlays[e->n_overlays], BOOT_PATH_MAX);
			if (r < 0)
				set_unbootable(e, "devicetree overlay %.*s: %s", SL_SHOW(file),
					       path_error(r));
			else
				e->n_overlays++;
			v = sl_after_word(v);
		}
	}
}

static void title_add(char *dst, size_t cap, size_t *used, const char *s)
{
	size_t n = strlen(s);

	if (*used + 1 >= cap)
		return;
	if (n > cap - 1 - *used)
		n = cap - 1 - *used;
	memcpy(dst + *used, s, n);
	*used += n;
	dst[*used] = '\0';
}

/* "Submenu>Entry": the names of the submenus the label is in, then its MENU LABEL (else its
 * name). A hidden label is in no menu. */
static void make_title(struct sl_parser *p, struct boot_entry *e, const struct sl_label *l)
{
	char leaf[BOOT_TITLE_MAX];
	size_t used = 0;
	unsigned depth = p->menu_depth < SYSLINUX_MENU_DEPTH ? p->menu_depth : SYSLINUX_MENU_DEPTH;

	sl_copy_stripped(leaf, sizeof(leaf), str(l->menu_label));
	if (!leaf[0])
		sl_copy(leaf, sizeof(leaf), str(l->name));
	e->title[0] = '\0';
	for (unsigned i = 0; i < depth && !l->hide; i++) {
		if (!p->menus[i].name[0])
			continue;
		title_add(e->title, sizeof(e->title), &used, p->menus[i].name);
		title_add(e->title, sizeof(e->title), &used, ">");
	}
	title_add(e->title, sizeof(e->title), &used, leaf);
}

static struct boot_entry *new_entry(struct sl_parser *p, const char *file, unsigned line,
				    const char *name)
{
	struct boot_list *list = p->list;
	struct boot_entry *e;

	if (list->n >= BOOT_MAX_ENTRIES) {
		list->dropped++;
		sl_warn(p, file, line, "%s skipped: more than %d boot entries", name, BOOT_MAX_ENTRIES);
		return NULL;
	}
	e = &list->entries[list->n];
	boot_entry_init(e, BOOT_FORMAT_SYSLINUX);
	snprintf(e->root, sizeof(e->root), "%s", p->root ? p->root : "");
	snprintf(e->source, sizeof(e->source), "%s", file);
	e->line = line;
	return e;
}

void sl_record(struct sl_parser *p)
{
	struct sl_label *l = &p->label;
	char what[BOOT_ID_MAX + 8];
	struct sl_str kernel_line, append, initrd;
	struct boot_entry *e;
	enum sl_kind kind;
	unsigned idx;
	size_t n;

	if (!l->open)
		return;
	l->open = 0;
	if (l->skip)
		return;
	if (l->nav) {
		sl_warn(p, l->source, l->line, "LABEL %s skipped: %s moves within the menu, it boots "
			"nothing", l->name, l->nav);
		return;
	}
	if (l->disabled) {
		sl_warn(p, l->source, l->line, "LABEL %s skipped: MENU DISABLE makes it unselectable",
			l->name);
		return;
	}
	idx = p->list->n;
	snprintf(what, sizeof(what), "LABEL %s", l->name);
	e = new_entry(p, l->source, l->line, what);
	if (!e)
		return;
	memcpy(e->id, l->name, sizeof(e->id));
	make_title(p, e, l);

	kernel_line = str(l->has_kernel ? l->kernel : l->name);
	append = sl_trim(str(l->has_append ? l->append : p->has_global_append ? p->global_append : ""));
	if (append.n == 1 && append.s[0] == '-')
		append.n = 0;
	memcpy(command, kernel_line.s, kernel_line.n);
	n = kernel_line.n;
	if (append.n > 0) {
		command[n++] = ' ';
		memcpy(command + n, append.s, append.n);
		n += append.n;
	}
	kind = l->kind;
	/* U-Boot's extlinux has no file types: a label with devicetree keywords is U-Boot's,
	 * and its KERNEL is a kernel whatever its extension */
	if (kind == SL_KIND_AUTO && (l->has_fdt || l->has_fdtdir || l->has_overlays))
		kind = SL_KIND_LINUX;
	initrd = str(l->initrd);
	fill_command(p, e, kind, (struct sl_str){ command, n }, l->has_initrd ? &initrd : NULL);
	add_devicetree(p, e, l);
	if (l->hide)
		boot_entry_warn(e, "hidden (MENU HIDE): syslinux shows it in no menu");
	if (l->passwd)
		boot_entry_warn(e, "MENU PASSWD: syslinux asks for a password first; embark does not");
	if (l->ipappend)
		boot_entry_warn(e, "IPAPPEND/SYSAPPEND %lu: syslinux appends network details (ip=, "
				   "BOOTIF=...) to the command line at boot; embark does not",
				l->ipappend);
	p->hidden[idx] = (unsigned char)(l->hide != 0);
	if (l->menu_default && !l->hide && p->menu_depth == 0)
		p->menu_default = (int)idx;
	p->list->n++;
	p->added++;
}

int sl_add_command(struct sl_parser *p, const struct sl_command *c, const char *what)
{
	struct sl_str cmd = sl_trim(str(c->text));
	struct sl_str word = { cmd.s, sl_word_len(cmd) };
	struct boot_entry *e;
	unsigned idx = p->list->n;

	if (!p->implicit) {
		sl_warn(p, c->source, c->line, "%s %.*s names no LABEL, and IMPLICIT 0 forbids "
			"running anything else: ignored", what, SL_SHOW(word));
		return -1;
	}
	e = new_entry(p, c->source, c->line, what);
	if (!e)
		return -1;
	for (size_t i = 0; what[i] && i + 1 < sizeof(e->id); i++)
		e->id[i] = (char)(what[i] >= 'A' && what[i] <= 'Z' ? what[i] - 'A' + 'a' : what[i]);
	sl_copy(e->title, sizeof(e->title), cmd);
	fill_command(p, e, SL_KIND_AUTO, cmd, NULL);
	boot_entry_warn(e, "%s names no LABEL: syslinux runs it as a kernel command line", what);
	p->list->n++;
	p->added++;
	return (int)idx;
}
