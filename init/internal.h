/* Shared by the files of init/ only; other modules see init/init.h. */
#ifndef EMBARK_INIT_INTERNAL_H
#define EMBARK_INIT_INTERNAL_H

#include "bootcfg/bootcfg.h"
#include "crypto/crypto.h"
#include "fsprobe/fsprobe.h"
#include "loader/loader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>

/* --- log.c: one line a step, to the console and /dev/kmsg ------------------------------- */
enum { LOG_ERR = 3, LOG_WARN = 4, LOG_INFO = 6 };
void log_open(void);
void elog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint64_t monotonic_ms(void);
#define EVENTS_PATH "/run/embark/events.jsonl"
#define LOG_LAST_ERROR_MAX 512
/* Appends {"t_ms","kind","level","entry","detail"} to EVENTS_PATH (every elog line is one of
 * kind "log" too). */
void event_log(const char *kind, const char *entry, const char *detail);
/* The text of the last error logged (for "failed: ..." notes in the menu). */
const char *log_last_error(void);

/* --- early.c: the filesystems and console every later step needs ---------------------- */
int early_mounts(void);
void console_setup(const char *kernel_cmdline);
/* The console's line discipline: RAW for the menu (keys one at a time, no echo, ^C a key),
 * COOKED as the kernel set it up (for the shell and child programs). 0 or -errno (-ENOTTY
 * when standard input is no terminal: there is nobody to ask, boot unattended). */
enum console_mode { CONSOLE_RAW, CONSOLE_COOKED };
int console_mode(enum console_mode mode);

/* --- policy.c ------------------------------------------------------------------------- */
#define POLICY_MAX_BYTES 16384
struct policy {
	unsigned device_timeout_ms; /* how long to wait for boot media before giving up */
	unsigned settle_ms;         /* once entries exist, how long to wait for more devices */
	bool require_signatures;    /* refuse anything not verified with /etc/embark/keys */
	int timeout_s;              /* menu countdown: -1 wait for a key, 0 boot at once,
				     * POLICY_TIMEOUT_CONFIG: what the boot config says (else 5) */
	char default_entry[128];    /* id or title (glob) of the default entry; "" config's */
	bool allow_edit;            /* 'e' in the menu edits a command line (never when
				     * signatures are required) */
	bool allow_writes;          /* boot counting renames, grub save_env (default no) */
	enum { SHELL_ON = 0, SHELL_OFF, SHELL_PASSWORD } shell; /* the recovery shell */
	char shell_password_sha256[65]; /* hex SHA-256 of the shell password (SHELL_PASSWORD) */
	enum { FALLBACK_NEXT = 0, FALLBACK_MENU } fallback; /* after a failed boot */
	bool locked;                /* kernel command line may not override this file */
	enum loader_mode loader;    /* auto: kexec_file_load, then kexec_load where that may
				     * help; file: kexec_file_load only; segments: kexec_load */
	char keyring_dir[128];      /* where the trusted keys are (default KEYS_DIR) */
	char sources[64];           /* boot config formats used, in menu order per device */
	enum { NETWORK_AUTO = 0, NETWORK_ON, NETWORK_OFF } network; /* network boot entries */
	char network_interfaces[128]; /* "eth0,eth1": DHCP order; "": every Ethernet link */
	unsigned network_timeout_ms;  /* DHCP on one interface */
};
#define POLICY_TIMEOUT_CONFIG (-2)
void policy_defaults(struct policy *p);
/* Parses "key = value" lines; unknown keys and bad values are errors naming the line.
 * Returns 0 or -EINVAL with ERR filled. */
int policy_parse(const char *buf, size_t len, struct policy *p, char *err, size_t errlen);
/* Applies "embark.KEY=VALUE" words of the kernel command line. Returns the count applied;
 * bad values are logged and skipped. */
int policy_apply_cmdline(struct policy *p, const char *cmdline);

/* --- modules.c ------------------------------------------------------------------------ */
#define MOD_MAX 1024          /* modules in modules.dep */
#define MOD_DEPS_MAX 48       /* dependencies of one module */
#define MOD_DEP_FILE_MAX (1024 * 1024)
/* Loads the modules named in LIST_FILE (one name a line) and what they depend on, from
 * /lib/modules/<release>/ in modules.dep order. Returns the count loaded or -errno. */
int modules_load_list(const char *list_file);
/* Loads modules NAMES[0..N) (by module name) and what they need, those not loaded yet.
 * Returns how many were loaded or -errno when modules.dep is unusable. */
int modules_request(const char *const *names, unsigned n);

/* --- devices.c: modalias coldplug and uevent hotplug ---------------------------------- */
/* Reads modules.alias, walks /sys/devices for `modalias` files and loads the modules that
 * match (what udev does for a distro kernel), then opens the uevent socket. Logs a summary. */
void devices_coldplug(void);
/* Handles the uevents queued since the last call (non-blocking): modules for new devices'
 * MODALIAS. Returns the number of block devices added (the caller rescans media). */
int devices_hotplug(void);

/* --- media.c -------------------------------------------------------------------------- */
#define MEDIA_MAX 64
#define MEDIA_ROOT "/run/embark/media"
/* Looks for block devices not seen before, probes and mounts each read-only, and adds the
 * boot entries found on them to LIST. Returns how many new devices were seen. */
int media_scan(struct boot_list *list);
/* Where the filesystem named by KIND/VALUE (a UUID, label, or a file it holds) is mounted,
 * or NULL when no such device has appeared (yet). */
const char *media_resolve(enum boot_device kind, const char *value);
/* "UUID=..."/"LABEL=..."/"a filesystem holding FILE", for messages; a static buffer. */
const char *media_spec(enum boot_device kind, const char *value);
/* Formats kept from each device's scan, in this order ("bls,grub,syslinux,fit"); formats
 * not named are dropped. NULL or "": all, as the scan ordered them. */
void media_set_sources(const char *csv);
/* Remounts the filesystem mounted at ROOT writable (WRITABLE=1) or read-only again. */
int media_remount(const char *root, int writable);

/* --- keys.c, fitboot.c -------------------------------------------------------------- */
#define KEYS_DIR "/etc/embark/keys"
#define POLICY_SOURCES_DEFAULT "bls,grub,syslinux,fit"
/* Loads every file in KEYS_DIR into KR (a missing directory is an empty keyring). Returns the
 * number of keys, having logged each file that could not be read. */
int keys_load(struct keyring *kr, const char *dir);
/* Reads, verifies and kexec-loads the FIT entry E (see fitboot.c). Returns 0 when the kernel
 * is loaded (the caller reboots into it), or -errno having logged why not. */
int fitboot_load(const struct boot_entry *e, const struct keyring *kr, const struct policy *p,
		 bool cmdline_edited);

/* Whether the file in FD starts with the FDT magic: a FIT, booted and verified as one
 * wherever it comes from (an entry's kernel line, a bootfile, an iPXE chain). */
bool fitboot_is_fit(int fd);

/* Boots the FIT in FD (a sealed memfd is used as it is, anything else is read into one first);
 * NAME (a path or URL) is what the messages call it. Same result as fitboot_load. */
int fitboot_load_fd(int fd, const char *name, const struct boot_entry *e,
		    const struct keyring *kr, const struct policy *p, bool cmdline_edited);

/* --- netboot.c: boot entries from the network (README.md "Network boot") ------------- */
#define NETBOOT_LINKS_MAX 16   /* interfaces tried */
#define NETBOOT_CHAIN_MAX 4    /* iPXE chain / bootfile downloads followed */
/* Brings up the policy's interfaces, runs DHCP on each in order until one gives a lease,
 * configures it and appends the entries its bootfile and pxelinux configs name to LIST
 * (group = the interface). Returns the entries added or -errno, having logged why. */
int netboot_scan(const struct policy *p, struct boot_list *list);
/* Whether ROOT is a URL prefix (tftp://, http://, https://): a network entry. */
bool netboot_is_url(const char *root);
/* Downloads E's kernel and initrds into sealed memfds (a progress bar on the console) and
 * loads them as boot_entry() does (a FIT through fitboot_load_fd). 0 when loaded, -errno
 * having logged the URL, the server and what to do. */
int netboot_load(const struct boot_entry *e, const struct keyring *kr, const struct policy *p,
		 bool cmdline_edited);

/* --- line_tty.c: one line typed on the console (the shell, the menu's edit) ------------ */
struct line_tty {
	int in, out;
	bool is_tty;          /* IN is a terminal: its mode was changed and is restored */
	bool echo;            /* the editor echoes what is typed (the terminal does not) */
	bool after_cr;        /* the last line ended with CR: a following LF is the same end */
	bool eof;             /* input ended after a partial line; the next read says so */
	const unsigned char *pending; /* during line_tty_read: bytes read before it, taken first */
	size_t npending;
	struct termios saved;
};
struct line_opts {
	const char *prompt;
	bool secret;       /* nothing typed is echoed (a password) */
	bool edit;         /* BUF holds text to edit: shown after the prompt, keys change it; a
			    * key past CAP - 1 rings the bell instead of dropping the line */
	bool cancel;       /* Esc alone or ^C cancels (-ECANCELED); else ^C starts over */
	const unsigned char *pending; /* bytes already read from IN (typed ahead), taken first */
	size_t npending;
};
/* Takes IN (a tty is put in character mode without echo: the editor edits and echoes itself,
 * whatever mode the menu left) and OUT. */
void line_tty_begin(struct line_tty *t, int in, int out);
/* Gives the terminal back the mode it had at line_tty_begin. */
void line_tty_end(struct line_tty *t);
/* Prints the prompt and reads one line into BUF (CAP bytes, NUL-terminated), editing as a
 * terminal does: backspace/DEL, ^U (line), ^W (word), ^C (start over, or cancel), ^D on an
 * empty line (end); escape sequences (arrow keys) are skipped. Returns the length, -EPIPE at
 * the end of input, -ECANCELED (O->cancel), -E2BIG for a new line longer than CAP - 1 (read
 * to its end and dropped), or -errno. */
int line_tty_read(struct line_tty *t, const struct line_opts *o, char *buf, size_t cap);

/* --- menu.c: the boot menu on the console ------------------------------------------- */
#define MENU_NOTE_MAX 200
struct menu_item {
	const struct boot_entry *entry;
	char note[MENU_NOTE_MAX]; /* why it cannot be booted now; "" when it can */
};
struct menu_opts {
	bool allow_edit;
	const char *edit_refusal;  /* said when 'e' is pressed and editing is not allowed */
	bool allow_shell;
	unsigned refresh_ms;       /* return MENU_REFRESH this often (0: never) */
};
/* Kept by the caller across menu_run() calls (the countdown survives refreshes). */
struct menu_state {
	unsigned selected;
	bool counting;             /* countdown running: no key pressed yet */
	uint64_t deadline_ms;      /* monotonic_ms() at which the countdown boots */
	bool ansi;                 /* ANSI rendering, else plain */
	bool redraw;               /* render at the next menu_run() */
	unsigned number;           /* digits typed so far */
	unsigned shown_left;       /* seconds the countdown line shows now */
};
enum menu_action { MENU_BOOT = 1, MENU_RESCAN, MENU_SHELL, MENU_REFRESH };
struct menu_choice {
	enum menu_action action;
	unsigned index;                  /* MENU_BOOT: the entry */
	bool edited;                     /* MENU_BOOT: CMDLINE replaces the entry's */
	char cmdline[BOOT_CMDLINE_MAX];
};
/* Starts a menu: DEFAULT_INDEX highlighted (or the next bootable), a countdown of TIMEOUT_S
 * seconds (-1: none, wait for a key; 0: boot at once) when that entry is bootable. */
void menu_state_init(struct menu_state *st, const struct menu_item *items, unsigned n,
		     unsigned default_index, int timeout_s, bool ansi, uint64_t now);
/* Shows ITEMS on OUT and reads keys from IN until a choice (boot, rescan, shell) or a
 * refresh tick. Returns 0 with CHOICE set, or -errno (-EPIPE when IN ends). */
int menu_run(int in, int out, const struct menu_item *items, unsigned n,
	     const struct menu_opts *o, struct menu_state *st, struct menu_choice *choice);

/* --- shell.c: the recovery shell ------------------------------------------------------ */
/* What PID 1 lends the shell. Every pointer is set; the callbacks log as PID 1 does. */
struct shell_ops {
	struct boot_list *entries;        /* the menu's entries (index 1.. in `entries`) */
	const struct keyring *keyring;    /* for `verify` */
	const struct policy *policy;
	/* boot entry INDEX (0-based); returns only when the boot failed, with -errno */
	int (*boot)(unsigned index);
	/* kexec KERNEL [INITRD] [CMDLINE] (paths in the initramfs' view); returns on failure */
	int (*kexec)(const char *kernel, const char *initrd, const char *cmdline);
	int (*rescan)(void);              /* look for new devices/entries; returns entries added */
	void (*reboot)(int poweroff);     /* does not return on the real machine */
};
/* Runs the shell on IN/OUT (the console) until `exit` (returns 0), end of input (returns
 * -EPIPE), or policy refusal (-EPERM: shell = no, or the password was wrong 3 times). */
int shell_run(int in_fd, int out_fd, const struct shell_ops *ops);

#endif
