/* grub internals, shared by the grub module's .c files only (its public face is grub.h).
 *
 * Pipeline: lex.c cuts text into tokens; parse.c turns one statement into nodes (blocks of
 * menuentry/submenu/function stay text, parsed when they run); exec.c runs statements with an
 * explicit frame stack; expand.c turns words into arguments; env.c keeps variable contexts and
 * reads grubenv; test.c is `test`/`[`; cmds.c the commands; menu.c records menu items, runs
 * their bodies after the script and builds the boot entries; scan.c is the entry point. */
#ifndef EMBARK_GRUB_INT_H
#define EMBARK_GRUB_INT_H

#include "bootcfg/bootcfg.h"

#include <stddef.h>
#include <stdint.h>

/* Limits. Every one is checked; passing one is reported, never silent. */
#define GRUB_MAX_VARS 128            /* variables in one context */
#define GRUB_ENV_POOL 8192           /* bytes of names and values in one context */
#define GRUB_VALUE_MAX 4096          /* one variable's value */
#define GRUB_NAME_MAX 64             /* variable and function names */
#define GRUB_MAX_CONTEXTS 12         /* variable contexts alive at once */
#define GRUB_MAX_NESTING 16          /* if/for/while nesting in one statement */
#define GRUB_MAX_TOKENS 256          /* words in one command */
#define GRUB_MAX_NODES 1024          /* parsed nodes alive at once (all running scripts) */
#define GRUB_MAX_SPANS 4096          /* parsed words alive at once */
#define GRUB_MAX_FRAMES 128          /* execution frames */
#define GRUB_MAX_CALL_DEPTH 16       /* function calls in progress */
#define GRUB_MAX_SOURCE_DEPTH 4      /* source/configfile nesting */
#define GRUB_MAX_MENU_DEPTH 6        /* submenu/configfile menus in progress */
#define GRUB_MAX_ARGS 128            /* arguments of one command after expansion */
#define GRUB_ARENA 32768             /* bytes of expanded arguments alive at once */
#define GRUB_MAX_PARAMS 32           /* positional parameters of one scope */
#define GRUB_PARAMS_MAX 1024         /* bytes of them */
#define GRUB_MAX_SCOPES 24           /* positional-parameter scopes alive at once */
#define GRUB_MAX_FUNCTIONS 64
#define GRUB_MAX_ITEMS 512           /* menu items recorded and not yet finished */
#define GRUB_TEXT_POOL (160 * 1024)  /* function and menu entry bodies, titles, arguments */
#define GRUB_MAX_FILES 32            /* distinct files read (names kept for messages) */
#define GRUB_MAX_SEARCHES 32         /* distinct `search` results */
#define GRUB_MAX_LOOP 1000           /* iterations of one for/while/until loop */
#define GRUB_MAX_STEPS 100000        /* commands run in one grub_parse */
#define GRUB_MAX_BLS 256             /* entry files one blscfg looks at */

/* ---- lexer ------------------------------------------------------------------------- */
enum grub_tok {
	GT_EOF,
	GT_WORD,
	GT_NEWLINE,
	GT_SEMI,
	GT_AND,    /* && */
	GT_OR,     /* || */
	GT_LBRACE,
	GT_RBRACE,
	GT_BAD,    /* not GRUB syntax, or malformed; why says which */
};

struct grub_lexer {
	const char *buf;
	size_t len, pos;
	unsigned line;
};

struct grub_token {
	enum grub_tok type;
	size_t start, end;    /* [start, end) in the buffer */
	unsigned line;        /* line of the first byte */
	int col0;             /* the token starts a line (column 0) */
	const char *why;      /* GT_BAD */
};

void grub_lex_init(struct grub_lexer *lx, const char *buf, size_t len, unsigned line);
void grub_lex_next(struct grub_lexer *lx, struct grub_token *t);
/* A valid variable name at S (N bytes): letters, digits, '_' not starting with a digit. */
int grub_is_name(const char *s, size_t n);

/* ---- parser ------------------------------------------------------------------------ */
enum grub_node_kind { GN_CMD, GN_IF, GN_CLAUSE, GN_FOR, GN_WHILE, GN_UNTIL, GN_FUNC };
enum grub_conn { GC_SEQ, GC_AND, GC_OR };

struct grub_span {
	uint32_t off, len;
};

struct grub_node {
	uint8_t kind;          /* enum grub_node_kind */
	uint8_t conn;          /* how the next node of its list is joined to this one */
	uint8_t has_block;     /* GN_CMD: a { } block follows the words */
	unsigned line;
	int next;              /* next node of the same list, -1 at its end */
	int a, b;              /* GN_IF: first clause, else list; GN_CLAUSE: condition, body;
				  GN_FOR: body; GN_WHILE/UNTIL: condition, body */
	unsigned word, nwords; /* GN_CMD: words; GN_FOR: name then values; GN_FUNC: name */
	uint32_t body, body_len; /* block (GN_CMD) or function body: text between the braces */
	unsigned body_line;
};

/* ---- variables --------------------------------------------------------------------- */
struct grub_var {
	uint16_t name, name_len, val, val_len; /* offsets into pool */
	uint8_t exported;
};

struct grub_env {
	struct grub_var vars[GRUB_MAX_VARS];
	unsigned n;
	unsigned used;
	char pool[GRUB_ENV_POOL];
};

struct grub_params {
	unsigned argc, shift;
	uint16_t off[GRUB_MAX_PARAMS];
	unsigned used;
	char buf[GRUB_PARAMS_MAX];
};

/* ---- execution --------------------------------------------------------------------- */
enum grub_frame_kind { FR_SCRIPT, FR_LIST, FR_IF, FR_FOR, FR_WHILE, FR_CALL, FR_MENU };
enum grub_script_kind {
	SK_FILE,       /* the grub.cfg given to grub_parse */
	SK_SOURCE,     /* `source FILE`: same context, same menu */
	SK_CONFIGFILE, /* `configfile FILE`: new context, new menu */
	SK_FUNC,       /* a function body */
	SK_ENTRY,      /* a menu entry body being turned into a boot entry */
	SK_SUBMENU,    /* a submenu body: records the submenu's items */
};

struct grub_frame {
	uint8_t kind, phase, script_kind, invert;
	/* FR_SCRIPT */
	const char *text;
	size_t len, pos;
	unsigned line, file;
	unsigned node_mark, span_mark;
	int owns_buffer;
	unsigned menu;           /* SK_CONFIGFILE: its menu level */
	unsigned last_err_line;  /* a statement re-read after recovery fails there again */
	/* FR_LIST */
	int cur;
	uint8_t prev_conn;
	/* FR_IF, FR_FOR, FR_WHILE */
	int node, clause;
	size_t arena_mark, values;
	unsigned nvalues, iter;
	/* FR_CALL */
	unsigned saved_loops;
	/* FR_MENU: items [item, item_end) of menu level `menu` */
	unsigned item, item_end;
	int default_item;        /* index of the item GRUB's default selects, -1 none */
	int saved_building;      /* FR_MENU: grub_interp.building before an entry body ran */
};

/* ---- menus ------------------------------------------------------------------------- */
enum grub_item_kind { GI_ENTRY, GI_SUBMENU, GI_HIDDEN, GI_BLS };

struct grub_item {
	uint8_t kind, has_id;
	unsigned file, line;
	uint32_t title, id;            /* NUL-terminated strings in the text pool */
	uint32_t args, args_len;       /* positional parameters: title then extra arguments */
	unsigned argc;
	uint32_t body, body_len;
	unsigned body_line;
	uint32_t bls_version, bls_sort_key, bls_machine_id, bls_arch; /* GI_BLS */
};

struct grub_menu {
	unsigned first_item;           /* its items are [first_item, n_items) while recording */
	unsigned ctx;                  /* its variable context */
	int owns_ctx;
	int on_default_path;           /* GRUB would auto-boot into this menu */
	int superseded;                /* a configfile menu took over: no default here */
	int is_top;                    /* the file's own menu (grub.cfg or a configfile) */
	char path[BOOT_TITLE_MAX];     /* titles of the enclosing submenus, joined by '>' */
};

/* The boot entry an entry body is filling (one per menu level). */
struct grub_build {
	struct boot_entry e;
	int have_kernel;
	unsigned initrd_cmds;
	const char *other_loader;      /* chainloader, multiboot...: why it is not Linux */
	int is_default;                /* GRUB's default selects this entry */
};

struct grub_search {
	uint8_t device;                /* enum boot_device */
	char key[BOOT_ID_MAX];         /* the UUID, label or file; also the device name used */
};

struct grub_func {
	char name[GRUB_NAME_MAX];
	uint32_t body, body_len;
	unsigned file, line;
};

struct grub_interp {
	const char *root;
	struct boot_list *list;
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
	int added;
	unsigned long steps;
	int halted;

	char files[GRUB_MAX_FILES][BOOT_PATH_MAX];
	unsigned n_files;
	char source_buf[GRUB_MAX_SOURCE_DEPTH][BOOT_CONFIG_MAX + 1];
	unsigned n_source;

	struct grub_env env[GRUB_MAX_CONTEXTS];
	unsigned n_env;
	struct grub_params params[GRUB_MAX_SCOPES];
	unsigned n_params;

	struct grub_node nodes[GRUB_MAX_NODES];
	unsigned n_nodes;
	struct grub_span spans[GRUB_MAX_SPANS];
	unsigned n_spans;

	char arena[GRUB_ARENA];
	size_t arena_used;

	struct grub_frame frames[GRUB_MAX_FRAMES];
	unsigned n_frames;
	int unwind_to;           /* pop frames above this index; -1: none */
	unsigned active_loops, breaks, calls;
	int is_continue;
	int status;

	struct grub_func funcs[GRUB_MAX_FUNCTIONS];
	unsigned n_funcs;
	char text[GRUB_TEXT_POOL];
	size_t text_used;
	struct grub_item items[GRUB_MAX_ITEMS];
	unsigned n_items;
	struct grub_menu menus[GRUB_MAX_MENU_DEPTH];
	unsigned n_menus;
	struct grub_build builds[GRUB_MAX_MENU_DEPTH];
	int building;            /* menu level whose entry body is running, -1 none */
	struct grub_search searches[GRUB_MAX_SEARCHES];
	unsigned n_searches;

	char scratch[BOOT_CONFIG_MAX + 1];   /* grubenv and BLS files */
	struct boot_entry bls_entry;
};

/* ---- shared helpers ---------------------------------------------------------------- */
/* The digits of an unsigned number at *S as GRUB's grub_strtoul(s, 0, 0) reads them (0x: hex,
 * leading 0: octal, else decimal); *S moves past them, *V gets the value, at most LIMIT.
 * Returns the digits read, or -ERANGE when the value was above LIMIT (*V = LIMIT). */
int grub_read_uint(const char **s, unsigned long long limit, unsigned long long *v);
/* WARN(ctx, "<root><file>:<line>: message"); LINE 0 leaves ":line" out. */
void grub_warn(struct grub_interp *in, unsigned file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Index of PATH in the file table (added when new); the last slot is reused when full. */
unsigned grub_file_index(struct grub_interp *in, const char *path);
/* Copies S (N bytes) plus a NUL into the text pool; returns its offset or -ENOSPC. */
long grub_text_add(struct grub_interp *in, const char *s, size_t n);
/* Splits "(device)/path" into the device name (without parentheses, may be empty when there
 * is none) and an absolute, normalized path ("." and ".." resolved, never above "/").
 * Returns 0 or -ENAMETOOLONG. */
int grub_split_path(const char *in, char *dev, size_t devcap, char *path, size_t pathcap);
/* ROOT joined with an absolute PATH inside it. */
int grub_host_path(const struct grub_interp *in, const char *path, char *out, size_t cap);

/* parse.c: parses the next statement of LX into IN's node and span pools. Returns 1 with
 * its first node in *ROOT, 0 at the end of the text, or -EINVAL with the rule broken in
 * RES->err and the line in RES->err_line. RES->start/start_line: where the statement began. */
struct grub_parse_result {
	size_t start;
	unsigned start_line;
	unsigned err_line;
	unsigned andor_line;   /* the statement uses && or || (not GRUB syntax): first line */
	char err[160];
};
int grub_parse_statement(struct grub_interp *in, struct grub_lexer *lx, int *root,
			 struct grub_parse_result *res);
/* Moves LX to where reading resumes after a statement that did not parse: the first line
 * after the statement's first one that starts in column 0 (and not with a closing keyword
 * such as fi or '}') or whose first word is menuentry, submenu or hiddenentry. */
void grub_parse_recover(struct grub_lexer *lx, const struct grub_parse_result *res);

/* env.c */
struct grub_env *grub_env_cur(struct grub_interp *in);
const char *grub_env_get(const struct grub_env *env, const char *name, size_t n,
			 size_t *vlen);
int grub_env_set(struct grub_env *env, const char *name, size_t n, const char *val,
		 size_t vlen);
void grub_env_unset(struct grub_env *env, const char *name, size_t n);
int grub_env_export(struct grub_env *env, const char *name, size_t n);
/* Pushes a context: a full copy of the current one (FULL) or its exported variables only. */
int grub_env_push(struct grub_interp *in, int full);
void grub_env_pop(struct grub_interp *in);
/* Calls SET(arg, name, value) for every variable of a grubenv block. Returns the count or
 * -EINVAL with the rule in ERR. VALBUF (VALCAP bytes) holds the unescaped values. */
int grub_envblk_parse(const char *buf, size_t len, char *valbuf, size_t valcap,
		      int (*set)(void *arg, const char *name, size_t n, const char *val,
				 size_t vlen),
		      void *arg, char *err, size_t errlen);
/* Positional parameters. */
int grub_params_push(struct grub_interp *in, unsigned argc, char *const *argv);
int grub_params_set(struct grub_params *p, unsigned argc, char *const *argv);
void grub_params_pop(struct grub_interp *in);
struct grub_params *grub_params_cur(struct grub_interp *in);
const char *grub_param(const struct grub_params *p, unsigned i);

/* expand.c: expands words [word, word+n) of TEXT into ARGV (strings in the arena). Returns
 * the argument count or -errno (-E2BIG: too many or too long; the caller says so). */
int grub_expand(struct grub_interp *in, const char *text, unsigned word, unsigned n,
		char **argv, unsigned max);
/* "BOOT_IMAGE"-less kernel command line from ARGV as GRUB's loader builds it: arguments with
 * a space are double-quoted, \ ' and " escaped. Returns 0 or -E2BIG. */
int grub_loader_cmdline(char *const *argv, unsigned argc, char *out, size_t cap);

/* test.c: the `test` / `[` command. Returns 0 (true), 1 (false) or -EINVAL (bad syntax). */
int grub_test(struct grub_interp *in, unsigned argc, char *const *argv, char *err,
	      size_t errlen);

/* exec.c */
int grub_push_frame(struct grub_interp *in, enum grub_frame_kind kind,
		    struct grub_frame **out);
int grub_push_script(struct grub_interp *in, enum grub_script_kind kind, const char *text,
		     size_t len, unsigned line, unsigned file, int owns_buffer);
void grub_run(struct grub_interp *in);
void grub_pop_frame(struct grub_interp *in);
/* config_file and config_directory as GRUB sets them while it reads FILE. */
void grub_set_config_vars(struct grub_interp *in, unsigned file);
/* Pushes a `source`/`configfile` script that owns source_buf[n_source] (LEN bytes). */
int grub_start_source(struct grub_interp *in, enum grub_script_kind kind, const char *text,
		      size_t len, unsigned file);
/* `return` (TO_ENTRY 0) or `boot` (1): unwinds to the function call or entry body it ends.
 * Returns 0, or -ENOENT when there is none. */
int grub_unwind(struct grub_interp *in, int to_entry);
/* The innermost script frame (for file:line in messages), or NULL. */
const struct grub_frame *grub_cur_script(const struct grub_interp *in);

/* cmds.c: runs a command; returns 1 when NAME is a command it knows (status set), else 0. */
int grub_builtin(struct grub_interp *in, unsigned argc, char **argv,
		 const struct grub_node *node, const char *text);
/* A command GRUB has that changes nothing embark needs (insmod, echo...): status 0. */
int grub_ignored_command(const char *name);

/* menu.c */
/* Records a menu item of the menu being read: ARGV[0] is the title, the rest its extra
 * arguments; ID may be NULL. Returns the item index or -errno (said through WARN). */
int grub_menu_record(struct grub_interp *in, enum grub_item_kind kind, unsigned argc,
		     char **argv, const char *id, const char *body, size_t body_len,
		     unsigned body_line, unsigned file, unsigned line);
int grub_menu_push(struct grub_interp *in, unsigned ctx, int owns_ctx, int on_default_path,
		   int is_top, const char *path);
/* 1 when the running script records menu items (not inside an entry body). */
int grub_menu_recording(const struct grub_interp *in);
/* Turns the FR_MENU frame at the top into work: runs bodies, builds entries. */
void grub_menu_step(struct grub_interp *in, struct grub_frame *f);
/* Starts finishing menu level MENU (its items are recorded): pushes its FR_MENU frame. */
int grub_menu_finish(struct grub_interp *in, unsigned menu);
/* The build the running entry body fills, or NULL outside entry bodies. */
struct grub_build *grub_cur_build(struct grub_interp *in);
/* Records a `search` result; returns the device name to store in its variable. */
const char *grub_search_add(struct grub_interp *in, enum boot_device dev, const char *key);
const struct grub_search *grub_search_find(const struct grub_interp *in, const char *dev);
/* Adds the entries of BLS files in ROOT's entry directory as menu items (`blscfg`). */
int grub_blscfg(struct grub_interp *in, unsigned argc, char **argv, unsigned line);

#endif
