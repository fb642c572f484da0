/* Shared by the files of syslinux/ only. */
#ifndef EMBARK_SYSLINUX_INTERNAL_H
#define EMBARK_SYSLINUX_INTERNAL_H

#include "bootcfg/bootcfg.h"
#include "syslinux/syslinux.h"

#include <stddef.h>

/* A view into a line of a configuration buffer: S[0..N), never NUL-terminated. */
struct sl_str {
	const char *s;
	size_t n;
};

/* printf arguments for "%.*s" showing V in a message, cut to 60 bytes. */
#define SL_SHOW(v) (int)((v).n < 60 ? (v).n : 60), (v).s

/* How syslinux would run a label's file. AUTO: a KERNEL line (or a command typed at the
 * boot prompt) whose file name extension decides; the others come from the keyword. */
enum sl_kind {
	SL_KIND_AUTO = 0,
	SL_KIND_LINUX,
	SL_KIND_COM32,
	SL_KIND_BOOT,
	SL_KIND_BSS,
	SL_KIND_PXE,
	SL_KIND_FDIMAGE,
	SL_KIND_COMBOOT,
	SL_KIND_CONFIG,
	SL_KIND_LOCALBOOT,
};

/* The LABEL being read: raw values as written, turned into a boot entry when it ends. */
struct sl_label {
	int open;                       /* a LABEL line was seen and has not ended */
	int skip;                       /* a broken LABEL: its lines are consumed, no entry */
	char name[BOOT_ID_MAX];
	char menu_label[BOOT_TITLE_MAX];
	char source[BOOT_PATH_MAX];     /* the file of the LABEL line */
	unsigned line;
	enum sl_kind kind;
	int has_kernel, has_append, has_initrd, has_fdt, has_fdtdir, has_overlays;
	char kernel[BOOT_LINE_MAX];     /* the rest of the KERNEL/LINUX/... line */
	char append[BOOT_LINE_MAX];
	char initrd[BOOT_LINE_MAX];
	char fdt[BOOT_LINE_MAX];
	char fdtdir[BOOT_LINE_MAX];
	char overlays[BOOT_LINE_MAX];
	unsigned long ipappend;
	int hide, menu_default, disabled, passwd;
	const char *nav;                /* "MENU EXIT" and the like: a menu move, no boot */
};

/* One file being read; frames[0] is the main configuration. */
struct sl_frame {
	const char *buf;
	size_t len, pos;
	unsigned line;
	char path[BOOT_PATH_MAX];       /* absolute within ROOT */
	int in_text;                    /* inside TEXT ... ENDTEXT */
	unsigned text_line;
	int closes_menu;                /* INCLUDE file tag: a submenu ends with the file */
};

struct sl_menu {
	char name[BOOT_TITLE_MAX];      /* shown in titles, carets removed */
	int name_is_tag;                /* still the MENU BEGIN tag: MENU TITLE may replace it */
};

/* DEFAULT or ONTIMEOUT: a label name or a command line, and where it was said. */
struct sl_command {
	int set;
	char text[BOOT_LINE_MAX];
	char source[BOOT_PATH_MAX];
	unsigned line;
};

struct sl_parser {
	const char *root;
	char cwd[BOOT_PATH_MAX];        /* syslinux's working directory, absolute within ROOT */
	struct boot_list *list;
	unsigned first;                 /* list->n when the parse began */
	int added;
	void (*warn)(void *ctx, const char *msg);
	void *ctx;
	struct sl_frame frames[1 + SYSLINUX_INCLUDE_DEPTH];
	unsigned depth;                 /* frames in use */
	struct sl_menu menus[SYSLINUX_MENU_DEPTH];
	unsigned menu_depth;            /* open submenus; may exceed SYSLINUX_MENU_DEPTH */
	struct sl_label label;
	char global_append[BOOT_LINE_MAX];
	int has_global_append;
	unsigned long global_ipappend;
	struct sl_command default_cmd, ontimeout_cmd;
	int has_ui;                     /* a UI directive: DEFAULT names a menu entry only */
	int implicit;                   /* IMPLICIT 0 forbids non-label commands */
	long timeout, totaltimeout;     /* tenths of a second; -1: not said */
	int menu_default;               /* list index of the top-level MENU DEFAULT, or -1 */
	unsigned char hidden[BOOT_MAX_ENTRIES]; /* by list index: MENU HIDE */
};

/* text.c: lexing one line. */
int sl_is_space(char c);
struct sl_str sl_trim(struct sl_str v);
size_t sl_word_len(struct sl_str v);
struct sl_str sl_after_word(struct sl_str v);
int sl_take_keyword(struct sl_str *v, const char *kw);
int sl_copy(char *dst, size_t cap, struct sl_str v);
void sl_copy_stripped(char *dst, size_t cap, struct sl_str v);
int sl_number(struct sl_str v, int any_base, unsigned long max, unsigned long *out);
int sl_str_eq(struct sl_str v, const char *s);

/* path.c: file names. */
int sl_config_cwd(const char *cfg_path, char *cwd, size_t cap);
int sl_resolve(const char *cwd, struct sl_str path, char *out, size_t cap);
enum sl_kind sl_kind_from_name(struct sl_str name);
int sl_basename_is(struct sl_str path, const char *name);

/* label.c: boot entries from a finished LABEL or a DEFAULT/ONTIMEOUT command line. */
void sl_record(struct sl_parser *p);
int sl_add_command(struct sl_parser *p, const struct sl_command *c, const char *what);

/* parse.c: a warning naming FILE:LINE (FILE absolute within ROOT). */
void sl_warn(struct sl_parser *p, const char *file, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
