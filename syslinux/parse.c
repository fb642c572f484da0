/* syslinux_parse: reads the configuration line by line and applies each directive to one
 * parser state, shared by every INCLUDEd file as syslinux shares it. INCLUDE pushes a frame
 * on an explicit stack (no recursion on input depth); the default entry is decided once the
 * whole configuration is known, because DEFAULT may name a label defined after it. */
#include "syslinux/internal.h"
#include "util/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static struct sl_parser parser;
static char include_bufs[SYSLINUX_INCLUDE_DEPTH][BOOT_CONFIG_MAX + 1];

void sl_warn(struct sl_parser *p, const char *file, unsigned line, const char *fmt, ...)
{
	char msg[768];
	const char *root = p->root ? p->root : "";
	size_t root_len = strlen(root);
	int k;
	va_list ap;

	if (!p->warn)
		return;
	while (root_len > 0 && root[root_len - 1] == '/')
		root_len--;
	k = snprintf(msg, sizeof(msg), "%.*s%s:%u: ", (int)root_len, root, file, line);
	if (k < 0 || (size_t)k >= sizeof(msg))
		k = 0;
	va_start(ap, fmt);
	vsnprintf(msg + k, sizeof(msg) - (size_t)k, fmt, ap);
	va_end(ap);
	p->warn(p->ctx, msg);
}

static const struct {
	const char *kw;
	enum sl_kind kind;
} kernel_keywords[] = {
	{ "kernel", SL_KIND_AUTO },     { "linux", SL_KIND_LINUX },
	{ "boot", SL_KIND_BOOT },       { "bss", SL_KIND_BSS },
	{ "pxe", SL_KIND_PXE },         { "fdimage", SL_KIND_FDIMAGE },
	{ "comboot", SL_KIND_COMBOOT }, { "com32", SL_KIND_COM32 },
	{ "config", SL_KIND_CONFIG },   { "localboot", SL_KIND_LOCALBOOT },
};

static void menu_push(struct sl_parser *p, struct sl_frame *f, struct sl_str tag)
{
	if (p->menu_depth < SYSLINUX_MENU_DEPTH) {
		struct sl_menu *m = &p->menus[p->menu_depth];

		sl_copy_stripped(m->name, sizeof(m->name), tag);
		m->name_is_tag = 1;
	} else if (p->menu_depth == SYSLINUX_MENU_DEPTH) {
		sl_warn(p, f->path, f->line,
			"MENU BEGIN nested deeper than %d menus: deeper names are left out of titles",
			SYSLINUX_MENU_DEPTH);
	}
	p->menu_depth++;
}

/* The innermost submenu whose name is kept, or NULL at the top level or beyond the limit. */
static struct sl_menu *menu_top(struct sl_parser *p)
{
	if (p->menu_depth == 0 || p->menu_depth > SYSLINUX_MENU_DEPTH)
		return NULL;
	return &p->menus[p->menu_depth - 1];
}

static void end_of_file(struct sl_parser *p)
{
	struct sl_frame *f = &p->frames[p->depth - 1];

	if (f->in_text)
		sl_warn(p, f->path, f->text_line, "TEXT without ENDTEXT: skipped to the end of the file");
	if (f->closes_menu) {
		sl_record(p);
		if (p->menu_depth > 0)
			p->menu_depth--;
	}
	p->depth--;
}

/* INCLUDE file [tag] and MENU INCLUDE file [tag]: the file's lines are read here, as if
 * written in place; with a tag, inside a submenu of that name. */
static void do_include(struct sl_parser *p, struct sl_frame *f, struct sl_str arg)
{
	struct sl_str file = { arg.s, sl_word_len(arg) }, tag = sl_after_word(arg);
	char rel[BOOT_PATH_MAX], host[BOOT_PATH_MAX * 2];
	struct sl_frame *next;
	ssize_t len;
	int r;

	if (file.n == 0) {
		sl_warn(p, f->path, f->line, "INCLUDE without a file name: ignored");
		return;
	}
	if (!p->root) {
		sl_warn(p, f->path, f->line, "INCLUDE %.*s: no filesystem root to read it from",
			SL_SHOW(file));
		return;
	}
	if (p->depth > SYSLINUX_INCLUDE_DEPTH) {
		sl_warn(p, f->path, f->line, "INCLUDE %.*s: skipped: INCLUDE nested deeper than %d files",
			SL_SHOW(file), SYSLINUX_INCLUDE_DEPTH);
		return;
	}
	r = sl_resolve(p->cwd, file, rel, sizeof(rel));
	if (r == 0)
		r = path_join(host, sizeof(host), p->root, rel);
	if (r < 0) {
		sl_warn(p, f->path, f->line, "INCLUDE %.*s: skipped: %s", SL_SHOW(file),
			r == -EREMOTE ? "a file on another server, not on this filesystem"
				      : "file name too long");
		return;
	}
	len = read_file_bounded(host, include_bufs[p->depth - 1], BOOT_CONFIG_MAX);
	if (len < 0) {
		sl_warn(p, f->path, f->line, "INCLUDE %s: skipped: %s", rel,
			len == -EFBIG ? "larger than 64 KiB" : errno_name((int)-len));
		return;
	}
	if (tag.n > 0) {
		sl_record(p);
		menu_push(p, f, tag);
	}
	next = &p->frames[p->depth++];
	memset(next, 0, sizeof(*next));
	next->buf = include_bufs[p->depth - 2];
	next->len = (size_t)len;
	memcpy(next->path, rel, sizeof(next->path));
	next->closes_menu = tag.n > 0;
}

static void start_label(struct sl_parser *p, struct sl_frame *f, struct sl_str arg)
{
	struct sl_label *l = &p->label;
	struct sl_str name = { arg.s, sl_word_len(arg) };

	sl_record(p);
	memset(l, 0, sizeof(*l));
	l->open = 1;
	l->line = f->line;
	l->ipappend = p->global_ipappend;
	memcpy(l->source, f->path, sizeof(l->source));
	if (name.n == 0) {
		sl_warn(p, f->path, f->line, "LABEL without a name: its lines are skipped");
		l->skip = 1;
	} else if (sl_copy(l->name, sizeof(l->name), name) < 0) {
		sl_warn(p, f->path, f->line, "LABEL name longer than %d bytes: its lines are skipped",
			BOOT_ID_MAX - 1);
		l->skip = 1;
	}
}

/* A label value: refused when it does not fit (a cut path or command line would boot
 * something else than what the file says). */
static void label_value(struct sl_parser *p, struct sl_frame *f, const char *what, char *dst,
			size_t cap, int *has, struct sl_str v)
{
	if (sl_copy(dst, cap, v) < 0) {
		sl_warn(p, f->path, f->line, "%s longer than %zu bytes: ignored", what, cap - 1);
		dst[0] = '\0';
		return;
	}
	*has = 1;
}

/* A directive that belongs to a LABEL: returns the open label, or warns and returns NULL. */
static struct sl_label *need_label(struct sl_parser *p, struct sl_frame *f, struct sl_str kw)
{
	if (p->label.open && !p->label.skip)
		return &p->label;
	if (!p->label.open)
		sl_warn(p, f->path, f->line, "%.*s outside a LABEL: ignored", SL_SHOW(kw));
	return NULL;
}

static void do_menu(struct sl_parser *p, struct sl_frame *f, struct sl_str v)
{
	struct sl_label *l = p->label.open && !p->label.skip ? &p->label : NULL;
	struct sl_menu *m;

	if (sl_take_keyword(&v, "label")) {
		if (l) {
			sl_copy(l->menu_label, sizeof(l->menu_label), v);
		} else if (p->label.open) {
			/* a skipped label's own line */
		} else if ((m = menu_top(p))) {
			sl_copy_stripped(m->name, sizeof(m->name), v);
			m->name_is_tag = 0;
		} else if (p->menu_depth == 0) {
			sl_warn(p, f->path, f->line, "MENU LABEL outside a LABEL: ignored");
		}
	} else if (sl_take_keyword(&v, "title")) {
		/* the menu's heading; a submenu still named by its tag takes it as its name */
		m = menu_top(p);
		if (m && m->name_is_tag) {
			sl_copy_stripped(m->name, sizeof(m->name), v);
			m->name_is_tag = 0;
		}
	} else if (sl_take_keyword(&v, "default")) {
		/* outside a label it marks the submenu as its parent's default: nothing to boot */
		if (l)
			l->menu_default = 1;
	} else if (sl_take_keyword(&v, "hide")) {
		if ((l = need_label(p, f, (struct sl_str){ "MENU HIDE", 9 })))
			l->hide = 1;
	} else if (sl_take_keyword(&v, "passwd")) {
		if (l)
			l->passwd = 1;
	} else if (sl_take_keyword(&v, "disable") || sl_take_keyword(&v, "disabled")) {
		if (l)
			l->disabled = 1;
	} else if (sl_take_keyword(&v, "exit")) {
		if (l)
			l->nav = "MENU EXIT";
	} else if (sl_take_keyword(&v, "goto")) {
		if (l)
			l->nav = "MENU GOTO";
	} else if (sl_take_keyword(&v, "quit")) {
		if (l)
			l->nav = "MENU QUIT";
	} else if (sl_take_keyword(&v, "begin")) {
		sl_record(p);
		menu_push(p, f, v);
	} else if (sl_take_keyword(&v, "end")) {
		sl_record(p);
		if (p->menu_depth == 0)
			sl_warn(p, f->path, f->line, "MENU END without MENU BEGIN: ignored");
		else
			p->menu_depth--;
	} else if (sl_take_keyword(&v, "separator")) {
		sl_record(p);
	} else if (sl_take_keyword(&v, "include")) {
		do_include(p, f, v);
	}
	/* colours, layout, messages, MENU HIDDEN, BACKGROUND...: how the menu looks */
}

static void set_command(struct sl_parser *p, struct sl_frame *f, struct sl_command *c,
			const char *what, struct sl_str v)
{
	if (v.n == 0) {
		sl_warn(p, f->path, f->line, "%s without a value: ignored", what);
		return;
	}
	if (sl_copy(c->text, sizeof(c->text), v) < 0) {
		sl_warn(p, f->path, f->line, "%s longer than %d bytes: ignored", what, BOOT_LINE_MAX - 1);
		return;
	}
	c->set = 1;
	memcpy(c->source, f->path, sizeof(c->source));
	c->line = f->line;
}

static void set_tenths(struct sl_parser *p, struct sl_frame *f, long *dst, struct sl_str kw,
		       struct sl_str v)
{
	unsigned long t;
	int r = sl_number(v, 0, SYSLINUX_TIMEOUT_MAX, &t);

	if (r < 0) {
		sl_warn(p, f->path, f->line, "%.*s '%.*s' is not a number of tenths of a second: ignored",
			SL_SHOW(kw), SL_SHOW(v));
		return;
	}
	if (r > 0)
		sl_warn(p, f->path, f->line, "%.*s more than %d tenths of a second: %d used", SL_SHOW(kw),
			SYSLINUX_TIMEOUT_MAX, SYSLINUX_TIMEOUT_MAX);
	*dst = (long)t;
}

static void set_ipappend(struct sl_parser *p, struct sl_frame *f, struct sl_str kw, struct sl_str v)
{
	unsigned long flags;

	if (sl_number(v, 1, 0xffffffffUL, &flags) < 0) {
		sl_warn(p, f->path, f->line, "%.*s '%.*s' is not a number: ignored", SL_SHOW(kw), SL_SHOW(v));
		return;
	}
	if (p->label.open) {
		if (!p->label.skip)
			p->label.ipappend = flags;
	} else {
		p->global_ipappend = flags;
	}
}

/* LABEL-level devicetree keywords of U-Boot's extlinux: the first of each wins there. */
static void set_fdt(struct sl_parser *p, struct sl_frame *f, struct sl_str kw, char *dst, int *has,
		    struct sl_str v)
{
	if (!need_label(p, f, kw))
		return;
	if (*has) {
		sl_warn(p, f->path, f->line, "second %.*s in LABEL %s: ignored (U-Boot uses the first)",
			SL_SHOW(kw), p->label.name);
		return;
	}
	label_value(p, f, "devicetree path", dst, BOOT_LINE_MAX, has, v);
}

static void do_line(struct sl_parser *p, struct sl_frame *f, struct sl_str v)
{
	struct sl_str kw;
	struct sl_label *l;
	const char *cr;

	/* syslinux cuts a line at its first carriage return */
	cr = memchr(v.s, '\r', v.n);
	if (cr)
		v.n = (size_t)(cr - v.s);
	v = sl_trim(v);
	if (f->in_text) {
		if (sl_take_keyword(&v, "endtext"))
			f->in_text = 0;
		return;
	}
	if (v.n == 0 || v.s[0] == '#')
		return;
	kw.s = v.s;
	kw.n = sl_word_len(v);

	if (sl_take_keyword(&v, "menu")) {
		do_menu(p, f, v);
		return;
	}
	if (sl_take_keyword(&v, "text")) {
		f->in_text = 1;
		f->text_line = f->line;
		return;
	}
	if (sl_take_keyword(&v, "include")) {
		do_include(p, f, v);
		return;
	}
	if (sl_take_keyword(&v, "append")) {
		if (p->label.open) {
			if (!p->label.skip)
				label_value(p, f, "APPEND", p->label.append, sizeof(p->label.append),
					    &p->label.has_append, v);
		} else {
			p->has_global_append = 0;
			label_value(p, f, "APPEND", p->global_append, sizeof(p->global_append),
				    &p->has_global_append, v);
		}
		return;
	}
	if (sl_take_keyword(&v, "initrd")) {
		if ((l = need_label(p, f, kw)))
			label_value(p, f, "INITRD", l->initrd, sizeof(l->initrd), &l->has_initrd, v);
		return;
	}
	if (sl_take_keyword(&v, "label")) {
		start_label(p, f, v);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(kernel_keywords); i++) {
		if (!sl_take_keyword(&v, kernel_keywords[i].kw))
			continue;
		if (!(l = need_label(p, f, kw)))
			return;
		if (v.n == 0 && kernel_keywords[i].kind != SL_KIND_LOCALBOOT) {
			sl_warn(p, f->path, f->line, "%.*s without a file name: ignored", SL_SHOW(kw));
			return;
		}
		l->has_kernel = 0;
		label_value(p, f, "kernel line", l->kernel, sizeof(l->kernel), &l->has_kernel, v);
		if (l->has_kernel)
			l->kind = kernel_keywords[i].kind;
		return;
	}
	if (sl_take_keyword(&v, "fdt") || sl_take_keyword(&v, "devicetree")) {
		set_fdt(p, f, kw, p->label.fdt, &p->label.has_fdt, v);
		return;
	}
	if (sl_take_keyword(&v, "fdtdir") || sl_take_keyword(&v, "devicetreedir")) {
		set_fdt(p, f, kw, p->label.fdtdir, &p->label.has_fdtdir, v);
		return;
	}
	if (sl_take_keyword(&v, "fdtoverlays") || sl_take_keyword(&v, "devicetree-overlay")) {
		set_fdt(p, f, kw, p->label.overlays, &p->label.has_overlays, v);
		return;
	}
	if (sl_take_keyword(&v, "timeout")) {
		set_tenths(p, f, &p->timeout, kw, v);
		return;
	}
	if (sl_take_keyword(&v, "totaltimeout")) {
		set_tenths(p, f, &p->totaltimeout, kw, v);
		return;
	}
	if (sl_take_keyword(&v, "ontimeout")) {
		set_command(p, f, &p->ontimeout_cmd, "ONTIMEOUT", v);
		return;
	}
	if (sl_take_keyword(&v, "default")) {
		set_command(p, f, &p->default_cmd, "DEFAULT", v);
		return;
	}
	if (sl_take_keyword(&v, "ipappend") || sl_take_keyword(&v, "sysappend")) {
		set_ipappend(p, f, kw, v);
		return;
	}
	if (sl_take_keyword(&v, "ui")) {
		p->has_ui = 1;
		return;
	}
	if (sl_take_keyword(&v, "implicit")) {
		unsigned long on;

		if (sl_number(v, 0, 1, &on) >= 0)
			p->implicit = on != 0;
		return;
	}
	/* PROMPT, SAY, SERIAL, DISPLAY, F1..F12, PATH, ALLOWOPTIONS, NOESCAPE, KASLRSEED and
	 * everything unknown: nothing that changes what boots */
}

static int find_label(struct sl_parser *p, struct sl_str name)
{
	for (unsigned i = p->first; i < p->list->n; i++)
		if (sl_str_eq(name, p->list->entries[i].id))
			return (int)i;
	return -1;
}

/* Decides the default entry (see syslinux.h) once every label is known. */
static void mark_default(struct sl_parser *p)
{
	struct sl_command *c;
	int target = -1;

	c = &p->ontimeout_cmd;
	if (c->set && (p->timeout > 0 || p->totaltimeout > 0)) {
		struct sl_str cmd = { c->text, strlen(c->text) };

		target = find_label(p, (struct sl_str){ cmd.s, sl_word_len(cmd) });
		if (target < 0)
			target = sl_add_command(p, c, "ONTIMEOUT");
	}
	c = &p->default_cmd;
	if (target < 0 && c->set) {
		struct sl_str cmd = { c->text, strlen(c->text) };
		struct sl_str word = { cmd.s, sl_word_len(cmd) };
		int idx = find_label(p, word);

		if (idx >= 0 && !(p->has_ui && p->hidden[idx])) {
			target = idx;
			if (word.n < cmd.n)
				sl_warn(p, c->source, c->line,
					"DEFAULT %.*s: the words after the label name are not applied",
					SL_SHOW(cmd));
		} else if (idx >= 0) {
			sl_warn(p, c->source, c->line,
				"DEFAULT %.*s names a MENU HIDE label: the menu ignores it", SL_SHOW(word));
		} else if (!p->has_ui && (sl_basename_is(word, "menu.c32") ||
					  sl_basename_is(word, "vesamenu.c32"))) {
			/* the menu started the old way: its MENU DEFAULT decides */
		} else if (p->has_ui) {
			sl_warn(p, c->source, c->line,
				"DEFAULT %.*s names no LABEL: with UI the menu ignores it", SL_SHOW(word));
		} else {
			target = sl_add_command(p, c, "DEFAULT");
		}
	}
	if (target < 0)
		target = p->menu_default;
	if (target >= 0)
		p->list->entries[target].is_default = 1;
}

int syslinux_parse(const char *buf, size_t len, const char *root, const char *cfg_path,
		   struct boot_list *list, void (*warn)(void *ctx, const char *msg), void *ctx)
{
	struct sl_parser *p = &parser;
	struct sl_frame *f;
	long t;
	int r;

	if (!buf || !cfg_path || !list)
		return -EINVAL;
	if (len > BOOT_CONFIG_MAX)
		return -EFBIG;
	memset(p, 0, sizeof(*p));
	p->root = root;
	p->list = list;
	p->first = list->n;
	p->warn = warn;
	p->ctx = ctx;
	p->implicit = 1;
	p->timeout = -1;
	p->totaltimeout = -1;
	p->menu_default = -1;
	f = &p->frames[0];
	r = sl_config_cwd(cfg_path, p->cwd, sizeof(p->cwd));
	if (r == 0)
		r = sl_resolve("/", (struct sl_str){ cfg_path, strlen(cfg_path) }, f->path,
			       sizeof(f->path));
	if (r < 0) {
		r = r == -ENAMETOOLONG ? r : -EINVAL;
		goto out;
	}
	f->buf = buf;
	f->len = len;
	p->depth = 1;

	while (p->depth > 0) {
		const char *s, *nl;
		size_t n;

		f = &p->frames[p->depth - 1];
		if (f->pos >= f->len) {
			end_of_file(p);
			continue;
		}
		s = f->buf + f->pos;
		nl = memchr(s, '\n', f->len - f->pos);
		n = nl ? (size_t)(nl - s) : f->len - f->pos;
		f->pos += n + (nl ? 1 : 0);
		f->line++;
		if (n > BOOT_LINE_MAX) {
			sl_warn(p, f->path, f->line, "line longer than %d bytes: skipped", BOOT_LINE_MAX);
			continue;
		}
		if (memchr(s, '\0', n)) {
			sl_warn(p, f->path, f->line, "NUL byte in a text file: line skipped");
			continue;
		}
		do_line(p, f, (struct sl_str){ s, n });
	}
	sl_record(p);
	if (p->menu_depth > 0)
		sl_warn(p, p->frames[0].path, p->frames[0].line, "MENU BEGIN without MENU END");
	mark_default(p);

	/* TIMEOUT 0 waits forever: no timeout to report */
	t = p->timeout > 0 ? p->timeout : p->totaltimeout;
	if (t > 0 && list->timeout_s < 0)
		list->timeout_s = (int)((t + 9) / 10);
	r = p->added;
out:
	return r;
}
