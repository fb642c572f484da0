/* The GRUB commands embark runs. Each takes the expanded arguments (argv[0] is the command
 * name) and sets the status GRUB would ($? 0 or not). Commands that only change what GRUB
 * shows or loads for itself (insmod, terminal_output, echo...) are accepted and do nothing;
 * commands GRUB does not know either are not errors here, but fail, as GRUB's do. */
#include "grub/grub_int.h"
#include "util/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct cmd {
	struct grub_interp *in;
	unsigned argc;
	char **argv;
	const struct grub_node *node;
	const char *text;
	unsigned file, line;
};

static void cwarn(struct cmd *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cwarn(struct cmd *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	grub_warn(c->in, c->file, c->line, "%s: %s", c->argv[0], msg);
}

static int status(struct cmd *c, int s)
{
	c->in->status = s;
	return 1;
}

/* ---- variables ---------------------------------------------------------------------- */

static int cmd_set(struct cmd *c)
{
	const char *eq;
	int r;

	if (c->argc < 2)
		return status(c, 0); /* lists the variables in GRUB */
	eq = strchr(c->argv[1], '=');
	if (!eq || eq == c->argv[1])
		return status(c, 1); /* GRUB: "not an assignment" */
	r = grub_env_set(grub_env_cur(c->in), c->argv[1], (size_t)(eq - c->argv[1]), eq + 1,
			 strlen(eq + 1));
	if (r < 0) {
		cwarn(c, "%.*s not set: %s", (int)(eq - c->argv[1]), c->argv[1],
		      r == -E2BIG ? "value longer than 4096 bytes" :
		      r == -EINVAL ? "name longer than 63 bytes" : "too many variables");
		return status(c, 1);
	}
	return status(c, 0);
}

static int cmd_unset(struct cmd *c)
{
	for (unsigned i = 1; i < c->argc; i++)
		grub_env_unset(grub_env_cur(c->in), c->argv[i], strlen(c->argv[i]));
	return status(c, 0);
}

static int cmd_export(struct cmd *c)
{
	for (unsigned i = 1; i < c->argc; i++)
		if (grub_env_export(grub_env_cur(c->in), c->argv[i], strlen(c->argv[i])) < 0)
			cwarn(c, "%s not exported: too many variables", c->argv[i]);
	return status(c, c->argc < 2);
}

static int cmd_true(struct cmd *c)
{
	return status(c, c->argv[0][0] == 'f');
}

static int cmd_test(struct cmd *c)
{
	char err[120];
	int r = grub_test(c->in, c->argc, c->argv, err, sizeof(err));

	if (r < 0) {
		cwarn(c, "%s", err);
		return status(c, 1);
	}
	return status(c, r);
}

/* ---- control ------------------------------------------------------------------------ */

static int small_number(const char *s, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000)
			return 0;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return 1;
}

static int cmd_break(struct cmd *c)
{
	unsigned long n = 1;

	if (c->argc > 2 || (c->argc == 2 && (!small_number(c->argv[1], &n) || n == 0)))
		return status(c, 1);
	c->in->is_continue = c->argv[0][0] == 'c';
	c->in->breaks = (unsigned)(n < c->in->active_loops ? n : c->in->active_loops);
	return status(c, 0);
}

static int cmd_return(struct cmd *c)
{
	unsigned long n = (unsigned long)c->in->status;

	if (c->argc > 2 || (c->argc == 2 && !small_number(c->argv[1], &n)))
		return status(c, 1);
	if (grub_unwind(c->in, 0) < 0) {
		cwarn(c, "not in a function body; ignored, as GRUB does");
		return status(c, 1);
	}
	return status(c, n != 0);
}

static int cmd_shift(struct cmd *c)
{
	struct grub_params *p = grub_params_cur(c->in);
	unsigned long n = 1;

	if (!p || c->argc > 2 || (c->argc == 2 && !small_number(c->argv[1], &n)) || n > p->argc)
		return status(c, 1);
	p->shift += (unsigned)n;
	p->argc -= (unsigned)n;
	return status(c, 0);
}

static int cmd_setparams(struct cmd *c)
{
	struct grub_params *p = grub_params_cur(c->in);

	if (!p || grub_params_set(p, c->argc - 1, c->argv + 1) < 0) {
		cwarn(c, "more than %d parameters or %d bytes of them", GRUB_MAX_PARAMS,
		      GRUB_PARAMS_MAX);
		return status(c, 1);
	}
	return status(c, 0);
}

static int cmd_boot(struct cmd *c)
{
	struct grub_build *b = grub_cur_build(c->in);

	if (!b || !b->have_kernel)
		return status(c, 1);
	grub_unwind(c->in, 1); /* GRUB boots here: nothing after it runs */
	return status(c, 0);
}

/* ---- menu entries ------------------------------------------------------------------- */

static int cmd_menuentry(struct cmd *c)
{
	struct grub_interp *in = c->in;
	char *pos[GRUB_MAX_ARGS + 1];
	const char *id = NULL, *source = NULL, *body;
	unsigned npos = 0, body_line = c->line;
	size_t body_len;
	enum grub_item_kind kind = c->argv[0][0] == 's' ? GI_SUBMENU :
				   c->argv[0][0] == 'h' ? GI_HIDDEN : GI_ENTRY;
	int options = 1;

	if (!grub_menu_recording(in)) {
		cwarn(c, "inside a menu entry body: ignored (GRUB would add it only after "
			 "booting that entry failed)");
		return status(c, 1);
	}
	/* GRUB's option parser: options may come anywhere; unknown "--x" arguments are
	 * positional (GRUB_COMMAND_ACCEPT_DASH); "--" ends the options. */
	for (unsigned i = 1; i < c->argc; i++) {
		char *a = c->argv[i], *eq;
		size_t n;

		if (!options || strncmp(a, "--", 2) != 0) {
			pos[npos++] = a;
			continue;
		}
		if (a[2] == '\0') {
			options = 0;
			continue;
		}
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a) : strlen(a);
#define OPT(s) (n == sizeof(s) - 1 && memcmp(a, s, n) == 0)
		if (OPT("--class") || OPT("--hotkey") || OPT("--id") || OPT("--source")) {
			const char *v = eq ? eq + 1 : (i + 1 < c->argc ? c->argv[++i] : NULL);

			if (!v) {
				cwarn(c, "%.*s needs a value; entry not added", (int)n, a);
				return status(c, 1);
			}
			if (OPT("--id"))
				id = v;
			else if (OPT("--source"))
				source = v;
		} else if (!OPT("--users") && !OPT("--unrestricted") && !OPT("--help")) {
			pos[npos++] = a; /* --users and --help take a value only as --x=value */
		}
#undef OPT
	}
	if (npos == 0) {
		cwarn(c, "no title; entry not added");
		return status(c, 1);
	}
	if (npos > GRUB_MAX_PARAMS)
		cwarn(c, "'%s': more than %d arguments; its body sees the first %d only", pos[0],
		      GRUB_MAX_PARAMS, GRUB_MAX_PARAMS);
	if (c->node->has_block && source) {
		cwarn(c, "'%s' has both a { } body and --source; not added", pos[0]);
		return status(c, 1);
	}
	if (c->node->has_block) {
		body = c->text + c->node->body;
		body_len = c->node->body_len;
		body_line = c->node->body_line;
	} else if (source) {
		body = source;
		body_len = strlen(source);
	} else {
		cwarn(c, "'%s' has no { } body; not added", pos[0]);
		return status(c, 1);
	}
	if (grub_menu_record(in, kind, npos, pos, id, body, body_len, body_line, c->file,
			     c->line) < 0)
		return status(c, 1);
	return status(c, 0);
}

/* ---- loading ------------------------------------------------------------------------ */

/* The value of `root` without parentheses, in BUF. */
static const char *root_device(struct grub_interp *in, char *buf, size_t cap)
{
	size_t n;
	const char *v = grub_env_get(grub_env_cur(in), "root", 4, &n);

	if (!v)
		n = 0;
	if (n >= 2 && v[0] == '(' && v[n - 1] == ')') {
		v++;
		n -= 2;
	}
	snprintf(buf, cap, "%.*s", (int)n, v ? v : "");
	return buf;
}

/* Where a kernel path lives: its own "(device)" or else $root, looked up in the search
 * results; anything else is taken to be the scanned filesystem. */
static void set_device(struct grub_interp *in, struct boot_entry *e, const char *dev)
{
	char rootdev[BOOT_ID_MAX];
	const struct grub_search *s;

	root_device(in, rootdev, sizeof(rootdev));
	s = grub_search_find(in, dev[0] ? dev : rootdev);
	e->device = BOOT_DEVICE_SELF;
	e->device_value[0] = '\0';
	if (s) {
		e->device = (enum boot_device)s->device;
		snprintf(e->device_value, sizeof(e->device_value), "%s", s->key);
	} else if (dev[0] && strcmp(dev, rootdev) != 0) {
		boot_entry_warn(e, "kernel path names device (%s), taken to be this filesystem", dev);
	}
}

static int cmd_linux(struct cmd *c)
{
	struct grub_build *b = grub_cur_build(c->in);
	char dev[BOOT_ID_MAX];

	if (!b)
		return status(c, 0); /* outside an entry there is nothing to boot */
	if (c->argc < 2) {
		boot_entry_warn(&b->e, "line %u: '%s' without a kernel file", c->line, c->argv[0]);
		return status(c, 1);
	}
	if (grub_split_path(c->argv[1], dev, sizeof(dev), b->e.kernel, sizeof(b->e.kernel)) < 0) {
		boot_entry_warn(&b->e, "line %u: kernel path longer than %d bytes", c->line,
				BOOT_PATH_MAX - 1);
		b->have_kernel = 0;
		return status(c, 1);
	}
	/* A new kernel drops what the previous one had, as GRUB's loader does. */
	b->e.n_initrds = 0;
	b->initrd_cmds = 0;
	b->e.unbootable[0] = '\0';
	if (grub_loader_cmdline(c->argv + 2, c->argc - 2, b->e.cmdline, sizeof(b->e.cmdline)) < 0) {
		b->e.cmdline[0] = '\0';
		snprintf(b->e.unbootable, sizeof(b->e.unbootable),
			 "kernel command line longer than %d bytes", BOOT_CMDLINE_MAX - 1);
	}
	set_device(c->in, &b->e, dev);
	b->have_kernel = 1;
	return status(c, 0);
}

static int cmd_initrd(struct cmd *c)
{
	struct grub_build *b = grub_cur_build(c->in);
	char dev[BOOT_ID_MAX];

	if (!b)
		return status(c, 0);
	if (!b->have_kernel) {
		boot_entry_warn(&b->e, "line %u: '%s' before 'linux' is ignored, as GRUB does",
				c->line, c->argv[0]);
		return status(c, 1);
	}
	if (++b->initrd_cmds == 2)
		boot_entry_warn(&b->e, "line %u: a second initrd command: GRUB would load only its "
				"files, embark loads those of every initrd command", c->line);
	for (unsigned i = 1; i < c->argc; i++) {
		if (strncmp(c->argv[i], "--", 2) == 0)
			continue; /* --nounzip and the like */
		if (b->e.n_initrds >= BOOT_MAX_INITRDS) {
			snprintf(b->e.unbootable, sizeof(b->e.unbootable), "more than %d initrd files",
				 BOOT_MAX_INITRDS);
			break;
		}
		if (grub_split_path(c->argv[i], dev, sizeof(dev), b->e.initrds[b->e.n_initrds],
				    BOOT_PATH_MAX) < 0) {
			snprintf(b->e.unbootable, sizeof(b->e.unbootable),
				 "initrd path longer than %d bytes", BOOT_PATH_MAX - 1);
			break;
		}
		b->e.n_initrds++;
	}
	return status(c, 0);
}

static int cmd_devicetree(struct cmd *c)
{
	struct grub_build *b = grub_cur_build(c->in);
	char dev[BOOT_ID_MAX];

	if (!b)
		return status(c, 0);
	if (c->argc < 2 || grub_split_path(c->argv[1], dev, sizeof(dev), b->e.devicetree,
					   sizeof(b->e.devicetree)) < 0) {
		b->e.devicetree[0] = '\0';
		boot_entry_warn(&b->e, "line %u: devicetree without a usable file", c->line);
		return status(c, 1);
	}
	return status(c, 0);
}

/* Loaders of things that are not a Linux kernel: the entry is reported, not added. */
static int cmd_other_loader(struct cmd *c)
{
	struct grub_build *b = grub_cur_build(c->in);

	if (strcmp(c->argv[0], "fwsetup") == 0) {
		if (c->argc > 1 && strcmp(c->argv[1], "--is-supported") == 0)
			return status(c, 1); /* embark cannot enter firmware setup */
		if (b)
			b->other_loader = "fwsetup: firmware setup";
		return status(c, 0);
	}
	if (b && !b->other_loader)
		b->other_loader = strcmp(c->argv[0], "chainloader") == 0 ? "chainloader" :
				  strncmp(c->argv[0], "multiboot", 9) == 0 ? "multiboot" :
				  strncmp(c->argv[0], "module", 6) == 0 ? "multiboot" :
				  c->argv[0][0] == 'k' ? "a BSD kernel loader" : "another loader";
	return status(c, 0);
}

/* ---- search ------------------------------------------------------------------------- */

static int cmd_search(struct cmd *c)
{
	struct grub_interp *in = c->in;
	enum boot_device dev = BOOT_DEVICE_SELF;
	const char *var = NULL, *key = NULL, *name;
	int r;

	if (strcmp(c->argv[0], "search") != 0) {
		/* search.fs_uuid KEY [VAR], search.fs_label, search.file */
		dev = c->argv[0][7] == 'f' && c->argv[0][10] == 'u' ? BOOT_DEVICE_UUID :
		      c->argv[0][7] == 'f' && c->argv[0][10] == 'l' ? BOOT_DEVICE_LABEL :
								   BOOT_DEVICE_FILE;
		if (c->argc < 2)
			return status(c, 1);
		key = c->argv[1];
		var = c->argc > 2 ? c->argv[2] : NULL;
	} else {
		for (unsigned i = 1; i < c->argc; i++) {
			const char *a = c->argv[i];

			if (!strcmp(a, "--fs-uuid") || !strcmp(a, "-u"))
				dev = BOOT_DEVICE_UUID;
			else if (!strcmp(a, "--label") || !strcmp(a, "-l"))
				dev = BOOT_DEVICE_LABEL;
			else if (!strcmp(a, "--file") || !strcmp(a, "-f"))
				dev = BOOT_DEVICE_FILE;
			else if (!strcmp(a, "--set") || !strcmp(a, "-s"))
				var = "root";
			else if (!strncmp(a, "--set=", 6))
				var = a + 6;
			else if (!strncmp(a, "--hint", 6) || !strcmp(a, "-h"))
				i += (strchr(a, '=') == NULL && i + 1 < c->argc); /* its value */
			else if (a[0] == '-' && a[1])
				; /* --no-floppy, --efidisk-only, ... */
			else if (!key)
				key = a;
		}
		if (!key)
			return status(c, 1);
		if (dev == BOOT_DEVICE_SELF)
			dev = BOOT_DEVICE_FILE; /* GRUB's default search type */
	}
	/* embark cannot see other devices from here: the search is taken to succeed and its
	 * variable names the device it asked for; entries record that device. */
	name = grub_search_add(in, dev, key);
	if (var) {
		r = grub_env_set(grub_env_cur(in), var, strlen(var), name, strlen(name));
		if (r < 0) {
			cwarn(c, "%s not set: too many variables", var);
			return status(c, 1);
		}
	}
	return status(c, 0);
}

/* ---- files -------------------------------------------------------------------------- */

/* Reads the GRUB path GPATH into BUF (CAP bytes + NUL); returns its length or -errno, with
 * the normalized path in PATH and the device in DEV. */
static ssize_t read_grub_file(struct grub_interp *in, const char *gpath, char *path, char *dev,
			      char *buf, size_t cap)
{
	char host[BOOT_PATH_MAX * 2];
	const char *p = gpath[0] == '(' && strchr(gpath, ')') ? strchr(gpath, ')') + 1 : gpath;

	/* "(hd0,gpt2)512+1" is a block list: sectors of the disk, not a file. */
	if (p[0] >= '0' && p[0] <= '9' && strchr(p, '+')) {
		snprintf(path, BOOT_PATH_MAX, "%s", gpath);
		dev[0] = '\0';
		return -EOPNOTSUPP;
	}

	if (grub_split_path(gpath, dev, BOOT_ID_MAX, path, BOOT_PATH_MAX) < 0 ||
	    grub_host_path(in, path, host, sizeof(host)) < 0)
		return -ENAMETOOLONG;
	return read_file_bounded(host, buf, cap);
}

static void warn_unreadable(struct cmd *c, const char *path, const char *dev, ssize_t r)
{
	const struct grub_search *s = grub_search_find(c->in, dev);

	if (r == -EOPNOTSUPP)
		cwarn(c, "%s is a block list (sectors of the disk); embark reads files only", path);
	else if (r == -ENOENT && s)
		cwarn(c, "%s: not on this filesystem (GRUB looks on the one with %s %s)", path,
		      s->device == BOOT_DEVICE_UUID ? "UUID" :
		      s->device == BOOT_DEVICE_LABEL ? "label" : "file", s->key);
	else
		cwarn(c, "%s: %s (%s)", path, r == -EFBIG ? "EFBIG" : errno_name((int)-r),
		      r == -EFBIG ? "larger than 64 KiB" : strerror((int)-r));
}

static int cmd_source(struct cmd *c)
{
	struct grub_interp *in = c->in;
	int configfile = c->argv[0][0] == 'c';
	char path[BOOT_PATH_MAX], dev[BOOT_ID_MAX];
	struct grub_build *b = grub_cur_build(in);
	struct grub_menu *m;
	ssize_t len;
	unsigned file;

	if (c->argc != 2)
		return status(c, 1); /* GRUB: "filename expected" */
	if (in->n_source >= GRUB_MAX_SOURCE_DEPTH) {
		cwarn(c, "%s: source/configfile nested deeper than %d; not read", c->argv[1],
		      GRUB_MAX_SOURCE_DEPTH);
		return status(c, 1);
	}
	len = read_grub_file(in, c->argv[1], path, dev, in->source_buf[in->n_source],
			     BOOT_CONFIG_MAX);
	if (len < 0) {
		warn_unreadable(c, c->argv[1], dev, len);
		return status(c, 1);
	}
	file = grub_file_index(in, path);
	if (configfile && b && !b->other_loader)
		b->other_loader = "configfile: its entries are listed under it";
	if (configfile) {
		/* GRUB shows the new file's menu instead of this one; embark lists its entries
		 * and lets its default stand for this menu's. */
		int on_default = b ? b->is_default : in->menus[in->n_menus - 1].on_default_path;
		char prefix[BOOT_TITLE_MAX];

		snprintf(prefix, sizeof(prefix), "%s", b ? b->e.title :
			 in->menus[in->n_menus - 1].path);
		if (grub_env_push(in, 0) < 0 ||
		    grub_menu_push(in, in->n_env - 1, 1, on_default, 1, prefix) < 0) {
			cwarn(c, "%s: menus nested deeper than %d; not read", path,
			      GRUB_MAX_MENU_DEPTH);
			return status(c, 1);
		}
		if (on_default && !b)
			in->menus[in->n_menus - 2].superseded = 1;
		cwarn(c, "%s: GRUB would show this file's menu in place of the current one; its "
			 "entries are added", path);
	}
	if (grub_start_source(in, configfile ? SK_CONFIGFILE : SK_SOURCE,
			      in->source_buf[in->n_source], (size_t)len, file) < 0) {
		cwarn(c, "more than %d frames in use; stopped", GRUB_MAX_FRAMES);
		in->halted = 1;
		return status(c, 1);
	}
	if (configfile) {
		m = &in->menus[in->n_menus - 1];
		in->frames[in->n_frames - 1].menu = (unsigned)(m - in->menus);
	}
	return status(c, 0);
}

struct load_env_arg {
	struct grub_interp *in;
	char *names[GRUB_MAX_ARGS];
	unsigned n;
};

static int load_env_set(void *arg, const char *name, size_t n, const char *val, size_t vlen)
{
	struct load_env_arg *a = arg;
	int wanted = a->n == 0;

	for (unsigned i = 0; i < a->n && !wanted; i++)
		wanted = strlen(a->names[i]) == n && memcmp(a->names[i], name, n) == 0;
	if (!wanted)
		return 1;
	return grub_env_set(grub_env_cur(a->in), name, n, val, vlen);
}

static int cmd_load_env(struct cmd *c)
{
	static char valbuf[GRUB_VALUE_MAX + 1];
	struct grub_interp *in = c->in;
	static struct load_env_arg arg;
	char gpath[BOOT_PATH_MAX + BOOT_ID_MAX], path[BOOT_PATH_MAX], dev[BOOT_ID_MAX], err[160];
	const char *file = NULL;
	ssize_t len;
	int r;

	arg.in = in;
	arg.n = 0;
	for (unsigned i = 1; i < c->argc; i++) {
		const char *a = c->argv[i];

		if ((!strcmp(a, "-f") || !strcmp(a, "--file")) && i + 1 < c->argc) {
			file = c->argv[++i];
		} else if (!strncmp(a, "--file=", 7)) {
			file = a + 7;
		} else if (a[0] == '-') {
			continue; /* --skip-sig */
		} else {
			arg.names[arg.n++] = c->argv[i]; /* only these variables are loaded */
		}
	}
	if (!file) {
		size_t n;
		const char *prefix = grub_env_get(grub_env_cur(in), "prefix", 6, &n);

		snprintf(gpath, sizeof(gpath), "%.*s/grubenv", prefix ? (int)n : 0,
			 prefix ? prefix : "");
		file = gpath;
	}
	len = read_grub_file(in, file, path, dev, in->scratch, BOOT_CONFIG_MAX);
	if (len < 0) {
		warn_unreadable(c, file, dev, len);
		return status(c, 1);
	}
	r = grub_envblk_parse(in->scratch, (size_t)len, valbuf, sizeof(valbuf), load_env_set, &arg,
			      err, sizeof(err));
	if (r < 0) {
		cwarn(c, "%s: %s", path, err);
		return status(c, 1);
	}
	return status(c, 0);
}

static int cmd_blscfg(struct cmd *c)
{
	return status(c, grub_blscfg(c->in, c->argc, c->argv, c->line) < 0);
}

static int cmd_ignored(struct cmd *c)
{
	return status(c, 0);
}

static const struct {
	const char *name;
	int (*run)(struct cmd *c);
} commands[] = {
	{ "set", cmd_set },
	{ "unset", cmd_unset },
	{ "export", cmd_export },
	{ "true", cmd_true },
	{ "false", cmd_true },
	{ "test", cmd_test },
	{ "[", cmd_test },
	{ "break", cmd_break },
	{ "continue", cmd_break },
	{ "return", cmd_return },
	{ "shift", cmd_shift },
	{ "setparams", cmd_setparams },
	{ "boot", cmd_boot },
	{ "menuentry", cmd_menuentry },
	{ "submenu", cmd_menuentry },
	{ "hiddenentry", cmd_menuentry },
	{ "linux", cmd_linux },
	{ "linux16", cmd_linux },
	{ "linuxefi", cmd_linux },
	{ "initrd", cmd_initrd },
	{ "initrd16", cmd_initrd },
	{ "initrdefi", cmd_initrd },
	{ "devicetree", cmd_devicetree },
	{ "chainloader", cmd_other_loader },
	{ "multiboot", cmd_other_loader },
	{ "multiboot2", cmd_other_loader },
	{ "module", cmd_other_loader },
	{ "module2", cmd_other_loader },
	{ "kfreebsd", cmd_other_loader },
	{ "knetbsd", cmd_other_loader },
	{ "kopenbsd", cmd_other_loader },
	{ "appleloader", cmd_other_loader },
	{ "fwsetup", cmd_other_loader },
	{ "search", cmd_search },
	{ "search.fs_uuid", cmd_search },
	{ "search.fs_label", cmd_search },
	{ "search.file", cmd_search },
	{ "load_env", cmd_load_env },
	{ "save_env", cmd_ignored }, /* embark never writes */
	{ "source", cmd_source },
	{ ".", cmd_source },
	{ "configfile", cmd_source },
	{ "blscfg", cmd_blscfg },
};

int grub_builtin(struct grub_interp *in, unsigned argc, char **argv, const struct grub_node *node,
		 const char *text)
{
	const struct grub_frame *s = grub_cur_script(in);
	struct cmd c = { .in = in, .argc = argc, .argv = argv, .node = node, .text = text,
			 .file = s ? s->file : 0, .line = node->line };

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, argv[0]) == 0)
			return commands[i].run(&c);
	return 0;
}

int grub_ignored_command(const char *name)
{
	/* GRUB commands for its own screen, modules and devices, and the functions
	 * grub-mkconfig defines (they are run as functions when the file defines them). */
	static const char *const names[] = {
		"insmod", "rmmod", "terminal_output", "terminal_input", "terminal", "terminfo",
		"loadfont", "echo", "play", "sleep", "background_image", "background_color",
		"clear", "cls", "serial", "keymap", "gfxmode", "load_video", "recordfail",
		"savedefault", "initrdfail", "btrfs-mount-subvol", "cryptomount", "lsefi",
		"tpm_record_pcrs", "videoinfo", "lsfonts", "font",
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}
