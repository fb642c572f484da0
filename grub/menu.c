/* Menus, as GRUB's normal mode builds and runs them (grub-core/normal/menu.c,
 * commands/menuentry.c):
 *  - while a script runs, menuentry/submenu/hiddenentry only record an item: title, id, the
 *    extra arguments and the body as text;
 *  - when the script is done, each item of its menu runs: an entry body on a copy of the
 *    final variables with `setparams TITLE ARGS...`, a submenu body in a new context that
 *    holds the exported variables only (it records the submenu's own items, run after it);
 *  - `default` is read when the menu runs: a number (base as strtoul's 0), a title or an id,
 *    with "a>b" going down into submenus ('>>' is a literal '>'); anything that matches
 *    nothing selects the first item, and so does no default at all.
 * An entry whose body loaded a Linux kernel becomes a boot entry; any other is reported.
 * Menus in progress are a stack (GRUB_MAX_MENU_DEPTH); their items are one array that
 * shrinks back when a menu is done. */
#include "grub/grub_int.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int grub_menu_recording(const struct grub_interp *in)
{
	for (unsigned i = in->n_frames; i-- > 0;) {
		const struct grub_frame *f = &in->frames[i];

		if (f->kind == FR_MENU)
			return 0;
		if (f->kind != FR_SCRIPT)
			continue;
		if (f->script_kind == SK_ENTRY)
			return 0;
		if (f->script_kind == SK_FILE || f->script_kind == SK_CONFIGFILE ||
		    f->script_kind == SK_SUBMENU)
			return 1;
	}
	return 0;
}

struct grub_build *grub_cur_build(struct grub_interp *in)
{
	return in->building >= 0 ? &in->builds[in->building] : NULL;
}

int grub_menu_record(struct grub_interp *in, enum grub_item_kind kind, unsigned argc,
		     char **argv, const char *id, const char *body, size_t body_len,
		     unsigned body_line, unsigned file, unsigned line)
{
	struct grub_item *it;
	size_t text_mark = in->text_used;
	long off;

	if (in->n_items >= GRUB_MAX_ITEMS) {
		grub_warn(in, file, line, "more than %d menu entries; '%s' skipped", GRUB_MAX_ITEMS,
			  argv[0]);
		return -ENOSPC;
	}
	it = &in->items[in->n_items];
	memset(it, 0, sizeof(*it));
	it->kind = (uint8_t)kind;
	it->file = file;
	it->line = line;
	it->body_line = body_line;
	it->argc = argc;
	/* Arguments are consecutive NUL-terminated strings; the first is the title. */
	for (unsigned i = 0; i < argc; i++) {
		off = grub_text_add(in, argv[i], strlen(argv[i]));
		if (off < 0)
			goto full;
		if (i == 0)
			it->args = it->title = (uint32_t)off;
	}
	it->args_len = (uint32_t)(in->text_used - it->args);
	it->id = it->title;
	if (id) {
		off = grub_text_add(in, id, strlen(id));
		if (off < 0)
			goto full;
		it->id = (uint32_t)off;
		it->has_id = 1;
	}
	off = grub_text_add(in, body, body_len);
	if (off < 0)
		goto full;
	it->body = (uint32_t)off;
	it->body_len = (uint32_t)body_len;
	return (int)in->n_items++;
full:
	in->text_used = text_mark;
	grub_warn(in, file, line, "more than %d bytes of menu entry text; '%s' skipped",
		  GRUB_TEXT_POOL, argv[0]);
	return -ENOSPC;
}

int grub_menu_push(struct grub_interp *in, unsigned ctx, int owns_ctx, int on_default_path,
		   int is_top, const char *path)
{
	struct grub_menu *m;

	if (in->n_menus >= GRUB_MAX_MENU_DEPTH)
		return -ENOSPC;
	m = &in->menus[in->n_menus++];
	m->first_item = in->n_items;
	m->ctx = ctx;
	m->owns_ctx = owns_ctx;
	m->on_default_path = on_default_path;
	m->superseded = 0;
	m->is_top = is_top;
	snprintf(m->path, sizeof(m->path), "%s", path);
	return 0;
}

/* ---- default selection -------------------------------------------------------------- */

/* GRUB's menuentry_eq: TITLE equals the first element of SPEC ('>' ends it, '>>' is '>'). */
static int title_eq(const char *title, const char *spec)
{
	for (;;) {
		if (*spec == '>' && spec[1] != '>')
			return *title == '\0';
		if (*spec == '>')
			spec++;
		if (*title != *spec)
			return 0;
		if (*title == '\0')
			return 1;
		title++;
		spec++;
	}
}

/* The part of SPEC after its first element, or NULL. */
static const char *spec_tail(const char *spec)
{
	for (const char *p = spec; *p; p++) {
		if (p[0] == '>' && p[1] == '>') {
			p++;
			continue;
		}
		if (*p == '>')
			return p[1] ? p + 1 : NULL;
	}
	return NULL;
}

/* A number at the start of S, base as strtoul's 0, in *OUT; *END after it. Out of range
 * saturates: it selects the first item, as in GRUB. */
static int leading_number(const char *s, unsigned long *out, const char **end)
{
	unsigned long long v;
	int digits;

	while (*s == ' ' || *s == '\t')
		s++;
	digits = grub_read_uint(&s, ~0UL, &v);
	*out = (unsigned long)v;
	if (end)
		*end = s;
	return digits != 0;
}

/* Index (absolute) of the item in [FIRST, END) that SPEC's first element names; -1 when it
 * names none (GRUB then boots the first). */
static int pick(const struct grub_interp *in, unsigned first, unsigned end, const char *spec)
{
	unsigned long k;
	const char *rest;

	/* A number only when nothing but blanks or the next path element follows it, as in
	 * Fedora's and RHEL's GRUB ("Fix menu entry selection based on ID and title"): their
	 * ids start with a machine id, which often starts with a digit. */
	if (leading_number(spec, &k, &rest)) {
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (*rest == '\0' || (rest[0] == '>' && rest[1] != '>'))
			return k < end - first ? (int)(first + k) : -1;
	}
	for (unsigned i = first; i < end; i++) {
		const struct grub_item *it = &in->items[i];

		if (title_eq(in->text + it->title, spec) || title_eq(in->text + it->id, spec))
			return (int)i;
	}
	return -1;
}

/* The `default` of menu M as a string in BUF; NULL when unset. */
static const char *menu_default(struct grub_interp *in, const struct grub_menu *m, char *buf,
				size_t cap)
{
	size_t n;
	const char *v = grub_env_get(&in->env[m->ctx], "default", 7, &n);

	if (!v)
		return NULL;
	snprintf(buf, cap, "%.*s", (int)n, v);
	return buf;
}

static int resolve_default(struct grub_interp *in, const struct grub_menu *m, unsigned first,
			   unsigned end, char *spec, size_t cap)
{
	const struct grub_frame *s = grub_cur_script(in);
	unsigned file = s ? s->file : 0;
	int d;

	if (first == end)
		return -1;
	if (!menu_default(in, m, spec, cap) || !spec[0])
		return (int)first;
	d = pick(in, first, end, spec);
	if (d < 0 && strcmp(spec, "saved") == 0) {
		size_t n;
		const char *v = grub_env_get(&in->env[m->ctx], "saved_entry", 11, &n);

		grub_warn(in, 0, 0, "default=saved is GRUB Legacy syntax (GRUB 2 boots the first "
			  "entry); embark uses saved_entry instead");
		if (v) {
			snprintf(spec, cap, "%.*s", (int)n, v);
			d = pick(in, first, end, spec);
		}
	}
	if (d < 0) {
		grub_warn(in, file, 0, "default '%s' names no menu entry; GRUB boots the first one",
			  spec);
		return (int)first;
	}
	return d;
}

static void menu_timeout(struct grub_interp *in, const struct grub_menu *m)
{
	char buf[32];
	size_t n;
	unsigned long t;
	const char *v = grub_env_get(&in->env[m->ctx], "timeout", 7, &n);

	if (!v || in->list->timeout_s != -1 || n >= sizeof(buf))
		return;
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (buf[0] != '-' && leading_number(buf, &t, NULL) && t <= 0x7fffffff)
		in->list->timeout_s = (int)t;
#ifdef BOOT_TIMEOUT_WAIT
	else if (buf[0] == '-')
		in->list->timeout_s = BOOT_TIMEOUT_WAIT; /* GRUB: a negative timeout waits forever */
#endif
}

int grub_menu_finish(struct grub_interp *in, unsigned menu)
{
	struct grub_menu *m = &in->menus[menu];
	struct grub_frame *f;
	char spec[BOOT_TITLE_MAX * 2];

	if (grub_push_frame(in, FR_MENU, &f) < 0) {
		grub_warn(in, 0, 0, "more than %d frames in use; stopped", GRUB_MAX_FRAMES);
		in->halted = 1;
		return -ENOSPC;
	}
	f->menu = menu;
	f->item = m->first_item;
	f->item_end = in->n_items;
	f->default_item = -1;
	if (m->on_default_path && !m->superseded)
		f->default_item = resolve_default(in, m, f->item, f->item_end, spec, sizeof(spec));
	if (m->is_top)
		menu_timeout(in, m);
	return 0;
}

/* ---- running items ------------------------------------------------------------------ */
enum { P_NEXT, P_ENTRY_DONE, P_SUBMENU_BODY_DONE, P_SUBMENU_DONE };

static void close_menu(struct grub_interp *in, struct grub_frame *f)
{
	struct grub_menu *m = &in->menus[f->menu];

	in->n_items = m->first_item;
	if (m->owns_ctx)
		grub_env_pop(in);
	in->n_menus = f->menu;
	grub_pop_frame(in);
}

static void item_path(const struct grub_interp *in, const struct grub_menu *m,
		      const struct grub_item *it, char *out, size_t cap, int *truncated)
{
	int n = m->path[0] ? snprintf(out, cap, "%s>%s", m->path, in->text + it->title)
			   : snprintf(out, cap, "%s", in->text + it->title);

	*truncated = n < 0 || (size_t)n >= cap;
}

static int push_item_params(struct grub_interp *in, const struct grub_item *it)
{
	char *argv[GRUB_MAX_PARAMS];
	char *p = in->text + it->args;
	unsigned argc = it->argc < GRUB_MAX_PARAMS ? it->argc : GRUB_MAX_PARAMS;

	for (unsigned i = 0; i < argc; i++) {
		argv[i] = p;
		p += strlen(p) + 1;
	}
	return grub_params_push(in, argc, argv);
}

static void start_entry(struct grub_interp *in, struct grub_frame *f, const struct grub_item *it,
			int is_default)
{
	struct grub_menu *m = &in->menus[f->menu];
	struct grub_build *b = &in->builds[f->menu];
	int truncated;

	boot_entry_init(&b->e, it->kind == GI_BLS ? BOOT_FORMAT_BLS : BOOT_FORMAT_GRUB);
	b->have_kernel = 0;
	b->initrd_cmds = 0;
	b->other_loader = NULL;
	b->is_default = is_default;
	item_path(in, m, it, b->e.title, sizeof(b->e.title), &truncated);
	if (truncated)
		boot_entry_warn(&b->e, "title longer than %d bytes, shortened", BOOT_TITLE_MAX - 1);
	if (grub_env_push(in, 1) < 0) {
		grub_warn(in, it->file, it->line, "'%s' not read: more than %d variable contexts",
			  b->e.title, GRUB_MAX_CONTEXTS);
		f->item++;
		return;
	}
	if (push_item_params(in, it) < 0) {
		grub_env_pop(in);
		grub_warn(in, it->file, it->line, "'%s' not read: its arguments exceed %d bytes",
			  b->e.title, GRUB_PARAMS_MAX);
		f->item++;
		return;
	}
	f->saved_building = in->building;
	in->building = (int)f->menu;
	if (grub_push_script(in, SK_ENTRY, in->text + it->body, it->body_len, it->body_line,
			     it->file, 0) < 0) {
		grub_warn(in, it->file, it->line, "more than %d frames in use; stopped",
			  GRUB_MAX_FRAMES);
		in->halted = 1;
		return;
	}
	f->phase = P_ENTRY_DONE;
}

/* The BLS scanner's warnings about GRUB variables it could not expand are answered by
 * blscfg: they go (they name "blscfg"); the others stay. */
static void drop_blscfg_warnings(struct boot_entry *o)
{
	unsigned kept = 0, n = o->n_warnings < BOOT_MAX_WARNINGS ? o->n_warnings : BOOT_MAX_WARNINGS;

	for (unsigned w = 0; w < n; w++) {
		if (strstr(o->warnings[w], "blscfg"))
			continue;
		if (kept != w)
			memcpy(o->warnings[kept], o->warnings[w], BOOT_WARNING_MAX);
		kept++;
	}
	o->n_warnings = kept + (o->n_warnings - n);
}

static void commit_entry(struct grub_interp *in, const struct grub_item *it, struct grub_build *b)
{
	struct boot_list *list = in->list;
	struct boot_entry *e = &b->e;

	snprintf(e->root, sizeof(e->root), "%s", in->root);
	snprintf(e->source, sizeof(e->source), "%s", in->files[it->file]);
	e->is_default = b->is_default;
	if (it->kind == GI_BLS) {
		snprintf(e->id, sizeof(e->id), "%s", in->text + it->id);
		snprintf(e->version, sizeof(e->version), "%s", in->text + it->bls_version);
		snprintf(e->sort_key, sizeof(e->sort_key), "%s", in->text + it->bls_sort_key);
		snprintf(e->machine_id, sizeof(e->machine_id), "%s", in->text + it->bls_machine_id);
		snprintf(e->architecture, sizeof(e->architecture), "%s", in->text + it->bls_arch);
		/* The BLS scanner read this file too, without GRUB's variables: its entry gets
		 * what GRUB makes of the file (kernel, initrds, command line, device, default)
		 * and keeps the rest (its id, boot counting), rather than being listed twice. */
		for (unsigned i = 0; i < list->n; i++) {
			struct boot_entry *o = &list->entries[i];

			if (o->format != BOOT_FORMAT_BLS || strcmp(o->root, e->root) != 0 ||
			    strcmp(o->source, e->source) != 0)
				continue;
			memcpy(o->kernel, e->kernel, sizeof(o->kernel));
			memcpy(o->initrds, e->initrds, sizeof(o->initrds));
			o->n_initrds = e->n_initrds;
			memcpy(o->cmdline, e->cmdline, sizeof(o->cmdline));
			memcpy(o->devicetree, e->devicetree, sizeof(o->devicetree));
			drop_blscfg_warnings(o);
			o->device = e->device;
			memcpy(o->device_value, e->device_value, sizeof(o->device_value));
			o->is_default = e->is_default;
			if (!o->unbootable[0])
				memcpy(o->unbootable, e->unbootable, sizeof(o->unbootable));
			for (unsigned w = 0; w < e->n_warnings && w < BOOT_MAX_WARNINGS; w++)
				boot_entry_warn(o, "%s", e->warnings[w]);
			return;
		}
	} else {
		e->line = it->line;
		if (it->has_id)
			snprintf(e->id, sizeof(e->id), "%s", in->text + it->id);
		else if ((size_t)snprintf(e->id, sizeof(e->id), "%s", e->title) >= sizeof(e->id))
			boot_entry_warn(e, "id (the title) longer than %d bytes, shortened",
					BOOT_ID_MAX - 1);
		if (it->kind == GI_HIDDEN)
			boot_entry_warn(e, "hidden entry: GRUB lists it only under its hotkey");
	}
	if (list->n >= BOOT_MAX_ENTRIES) {
		list->dropped++;
		grub_warn(in, it->file, it->line, "'%s' skipped: more than %d boot entries", e->title,
			  BOOT_MAX_ENTRIES);
		return;
	}
	list->entries[list->n++] = *e;
	in->added++;
}

static void finish_entry(struct grub_interp *in, struct grub_frame *f, const struct grub_item *it)
{
	struct grub_build *b = &in->builds[f->menu];
	static const char *const kinds[] = { "menuentry", "submenu", "hiddenentry", "BLS entry" };

	grub_params_pop(in);
	grub_env_pop(in);
	in->building = f->saved_building;
	if (!b->have_kernel) {
		grub_warn(in, it->file, it->line, "%s '%s' loads no Linux kernel%s%s%s: not added",
			  kinds[it->kind], b->e.title, b->other_loader ? " (it uses " : "",
			  b->other_loader ? b->other_loader : "", b->other_loader ? ")" : "");
		if (b->is_default)
			grub_warn(in, it->file, it->line, "GRUB's default is '%s', which is not a "
				  "Linux entry: no entry is marked default", b->e.title);
		return;
	}
	commit_entry(in, it, b);
}

static void start_submenu(struct grub_interp *in, struct grub_frame *f, const struct grub_item *it,
			  int is_default)
{
	struct grub_menu *m = &in->menus[f->menu];
	char path[BOOT_TITLE_MAX], spec[BOOT_TITLE_MAX * 2];
	const char *tail = NULL;
	struct grub_env *child;
	int truncated;

	item_path(in, m, it, path, sizeof(path), &truncated);
	if (is_default && menu_default(in, m, spec, sizeof(spec)))
		tail = spec_tail(spec);
	if (grub_env_push(in, 0) < 0 ||
	    grub_menu_push(in, in->n_env - 1, 1, is_default, 0, path) < 0) {
		if (in->n_env - 1 > m->ctx)
			grub_env_pop(in);
		grub_warn(in, it->file, it->line, "submenu '%s' not read: submenus nested deeper "
			  "than %d", path, GRUB_MAX_MENU_DEPTH);
		f->item++;
		return;
	}
	/* As GRUB does when it enters a submenu: the rest of the default path is its default. */
	child = grub_env_cur(in);
	if (tail)
		grub_env_set(child, "default", 7, tail, strlen(tail));
	else
		grub_env_unset(child, "default", 7);
	if (push_item_params(in, it) < 0 ||
	    grub_push_script(in, SK_SUBMENU, in->text + it->body, it->body_len, it->body_line,
			     it->file, 0) < 0) {
		grub_warn(in, it->file, it->line, "submenu '%s' not read: out of frames", path);
		in->halted = 1;
		return;
	}
	f->phase = P_SUBMENU_BODY_DONE;
}

void grub_menu_step(struct grub_interp *in, struct grub_frame *f)
{
	struct grub_menu *m = &in->menus[f->menu];
	const struct grub_item *it = &in->items[f->item < GRUB_MAX_ITEMS ? f->item : 0];
	int is_default;

	switch (f->phase) {
	case P_NEXT:
		if (f->item >= f->item_end) {
			close_menu(in, f);
			return;
		}
		is_default = m->on_default_path && !m->superseded && (int)f->item == f->default_item;
		if (it->kind == GI_SUBMENU)
			start_submenu(in, f, it, is_default);
		else
			start_entry(in, f, it, is_default);
		return;
	case P_ENTRY_DONE:
		finish_entry(in, f, it);
		f->item++;
		f->phase = P_NEXT;
		return;
	case P_SUBMENU_BODY_DONE:
		grub_params_pop(in);
		f->phase = P_SUBMENU_DONE;
		grub_menu_finish(in, f->menu + 1);
		return;
	default:
		f->item++;
		f->phase = P_NEXT;
		return;
	}
}

/* ---- search results ----------------------------------------------------------------- */

const char *grub_search_add(struct grub_interp *in, enum boot_device dev, const char *key)
{
	struct grub_search *s;

	for (unsigned i = 0; i < in->n_searches; i++)
		if (in->searches[i].device == dev && strcmp(in->searches[i].key, key) == 0)
			return in->searches[i].key;
	if (strlen(key) >= BOOT_ID_MAX || in->n_searches >= GRUB_MAX_SEARCHES)
		return key; /* not recorded: entries using it are taken to be on this filesystem */
	s = &in->searches[in->n_searches++];
	s->device = (uint8_t)dev;
	memcpy(s->key, key, strlen(key) + 1);
	return s->key;
}

const struct grub_search *grub_search_find(const struct grub_interp *in, const char *dev)
{
	for (unsigned i = 0; i < in->n_searches; i++)
		if (strcmp(in->searches[i].key, dev) == 0)
			return &in->searches[i];
	return NULL;
}
