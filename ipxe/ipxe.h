/* ipxe — a subset interpreter for iPXE scripts ("#!ipxe"), enough for the scripts boot
 * servers hand out: what would be booted, as boot entries. Nothing is downloaded here: the
 * caller (init/netboot.c) fetches the script, runs it, and fetches what it names.
 *
 * Commands: `dhcp` (and ifopen/ifconf/echo/sleep/prompt/...: no-ops, the caller has a lease),
 * `kernel [--opts] URL ARGS...`, `initrd|module|imgfetch [--opts] URL`, `imgargs NAME ARGS...`,
 * `boot`, `chain [--opts] URL ARGS...`, `set NAME VALUE...`, `clear NAME`, `isset VALUE`,
 * `iseq A B`, `menu [TITLE]`, `item [--key K] [--default] LABEL TEXT...` / `item --gap TEXT`,
 * `choose [--default LABEL] [--timeout MS] [--menu M] VAR`, `goto LABEL`, `:LABEL`, `exit`;
 * `A || B` runs B when A failed, `A && B` when it succeeded. `${NAME}` expands to a variable
 * ("" when unset); `${net0/ip}`, `${netX.dhcp/NAME}` and `${NAME:type}` are NAME. Unknown
 * commands fail (so `|| goto` handlers work) and are reported through WARN.
 *
 * One run stops at the first of: `boot` (IPXE_BOOT: kernel, initrds and args filled), `chain`
 * (IPXE_CHAIN: url), `choose` without a forced choice (IPXE_CHOOSE: the menu items), `exit`
 * or the end (IPXE_END). To list a menu the caller runs the script again once per item with
 * CHOICE set to its label: `choose` then sets the variable and the script goes on.
 * Parsers take (buf, len), never read past LEN, never allocate; every loop is bounded. */
#ifndef EMBARK_IPXE_H
#define EMBARK_IPXE_H

#include <stddef.h>

#define IPXE_VARS_MAX 48       /* variables set at once */
#define IPXE_NAME_MAX 64       /* a variable name or label, with the NUL */
#define IPXE_VALUE_MAX 512     /* a variable value, with the NUL */
#define IPXE_LINE_MAX 4096     /* one line after expansion */
#define IPXE_WORDS_MAX 64      /* words in one line */
#define IPXE_STEPS_MAX 4096    /* lines executed in one run (goto loops end there) */
#define IPXE_ITEMS_MAX 32      /* menu items */
#define IPXE_URL_MAX 1024      /* kernel/initrd/chain URL */
#define IPXE_ARGS_MAX 2048     /* a kernel command line */
#define IPXE_INITRDS_MAX 8
#define IPXE_TEXT_MAX 128      /* a menu title or item text */

enum ipxe_result { IPXE_END = 0, IPXE_BOOT, IPXE_CHAIN, IPXE_CHOOSE };

struct ipxe_var {
	char name[IPXE_NAME_MAX];
	char value[IPXE_VALUE_MAX];
};
struct ipxe_item {
	char label[IPXE_NAME_MAX];
	char text[IPXE_TEXT_MAX];
};

struct ipxe_state {
	/* In: the variables the script starts with (ipxe_set: ip, mac, next-server, filename).
	 * `set`/`clear` change them. */
	struct ipxe_var vars[IPXE_VARS_MAX];
	unsigned n_vars;
	/* In: "" stops at `choose`; a label: `choose` picks it and the run goes on. */
	char choice[IPXE_NAME_MAX];
	/* Out. */
	char kernel[IPXE_URL_MAX];       /* IPXE_BOOT */
	char args[IPXE_ARGS_MAX];        /* IPXE_BOOT, IPXE_CHAIN: the image's command line */
	char initrds[IPXE_INITRDS_MAX][IPXE_URL_MAX];
	unsigned n_initrds;
	char url[IPXE_URL_MAX];          /* IPXE_CHAIN */
	char menu_title[IPXE_TEXT_MAX];
	struct ipxe_item items[IPXE_ITEMS_MAX]; /* IPXE_CHOOSE (gaps are not items) */
	unsigned n_items;
	int default_item;                /* index in ITEMS, -1: none said */
	unsigned warnings;
	char line[IPXE_LINE_MAX];        /* scratch: the expanded line */
};

/* An empty state: no variables, no choice, default_item -1. */
void ipxe_state_init(struct ipxe_state *st);
/* Sets (or replaces) NAME; "net0/ip"-style names are stored as "ip". 0, -ENOSPC when the
 * table is full, -ENAMETOOLONG for a NAME or VALUE that does not fit. */
int ipxe_set(struct ipxe_state *st, const char *name, const char *value);
/* NAME's value, or NULL when unset. */
const char *ipxe_get(const struct ipxe_state *st, const char *name);
/* Whether BUF starts with the "#!ipxe" signature. */
int ipxe_is_script(const char *buf, size_t len);
/* Runs the script BUF (which must start with "#!ipxe") with ST's variables and choice; the
 * outputs are reset first. WARN(ctx, msg) gets "line N: ..." for everything skipped.
 * Returns an enum ipxe_result, or -EINVAL (not an iPXE script), -ELOOP (more than
 * IPXE_STEPS_MAX lines executed). */
int ipxe_run(const char *buf, size_t len, struct ipxe_state *st,
	     void (*warn)(void *ctx, const char *msg), void *ctx);

#endif
