/* bootcfg — boot entries from the configuration files found on a boot filesystem.
 * One entry model for every format; parsers take (buf, len) and never allocate; scanners
 * read files under a filesystem root with bounded reads and feed the parsers.
 * Ownership: a struct boot_list is the caller's (PID 1 keeps one in static storage); entries
 * are plain values copied into it — nothing points into a file buffer after a scan. */
#ifndef EMBARK_BOOTCFG_H
#define EMBARK_BOOTCFG_H

#include <stddef.h>

#define BOOT_MAX_ENTRIES 128     /* entries kept from all filesystems together */
#define BOOT_MAX_INITRDS 8       /* initrd lines one entry may name */
#define BOOT_PATH_MAX 512        /* a path inside a boot filesystem */
#define BOOT_CMDLINE_MAX 4096    /* the x86 kernel's COMMAND_LINE_SIZE is 2048; room to refuse */
#define BOOT_TITLE_MAX 256
#define BOOT_ID_MAX 128
#define BOOT_CONFIG_MAX (64 * 1024) /* largest config file read; larger ones are refused */
#define BOOT_LINE_MAX 4096          /* longest line a parser accepts */
#define BOOT_DIR_SCAN_MAX 1024      /* directory entries looked at in one entries directory */

enum boot_format {
	BOOT_FORMAT_BLS = 1,
	BOOT_FORMAT_FIT,      /* a FIT image file found on the filesystem: kernel = its path */
	BOOT_FORMAT_GRUB,     /* a menuentry of grub.cfg (or an entry its blscfg produced) */
	BOOT_FORMAT_SYSLINUX, /* a LABEL of syslinux.cfg / isolinux.cfg / extlinux.conf / pxelinux */
	BOOT_FORMAT_IPXE,     /* what an iPXE script boots (network boot only: init/netboot.c) */
};

/* Which filesystem an entry's paths live on. SELF: the one that was scanned (ROOT). The
 * others come from grub's `search` and are resolved when a device with that UUID or label,
 * or holding that file, appears. */
enum boot_device {
	BOOT_DEVICE_SELF = 0,
	BOOT_DEVICE_UUID,
	BOOT_DEVICE_LABEL,
	BOOT_DEVICE_FILE,
	BOOT_DEVICE_PARTUUID, /* the partition with that GPT unique GUID / MBR "xxxxxxxx-NN" */
};

#define BOOT_MAX_WARNINGS 4   /* warnings kept per entry (more are counted, not kept) */
#define BOOT_WARNING_MAX 200

struct boot_entry {
	char id[BOOT_ID_MAX];                /* BLS: file name without counter, ".conf" */
	char title[BOOT_TITLE_MAX];
	char version[BOOT_ID_MAX];
	char sort_key[BOOT_ID_MAX];
	char machine_id[40];
	char architecture[16];
	char kernel[BOOT_PATH_MAX];          /* absolute within the filesystem at ROOT */
	char initrds[BOOT_MAX_INITRDS][BOOT_PATH_MAX];
	unsigned n_initrds;
	char cmdline[BOOT_CMDLINE_MAX];
	char devicetree[BOOT_PATH_MAX];
	char overlays[BOOT_MAX_INITRDS][BOOT_PATH_MAX]; /* devicetree overlays, in order */
	unsigned n_overlays;
	char root[BOOT_PATH_MAX];            /* where that filesystem is mounted (or a host dir) */
	char source[BOOT_PATH_MAX];          /* the config file, relative to ROOT ("/boot/...") */
	unsigned line;                       /* line of SOURCE where the entry starts; 0: n/a */
	enum boot_format format;
	enum boot_device device;             /* where kernel/initrd paths live (see above) */
	char device_value[BOOT_ID_MAX];      /* the UUID, label or file for UUID/LABEL/FILE */
	int is_default;                      /* the config's own default choice */
	/* Empty when the entry can be booted with kexec; else why not ("LOCALBOOT entry",
	 * "UKI/EFI entry", "architecture arm64"). Such entries are listed, never booted. */
	char unbootable[BOOT_WARNING_MAX];
	int tries_left, tries_done;          /* BLS boot counting (+LEFT-DONE); -1: not counted */
	char warnings[BOOT_MAX_WARNINGS][BOOT_WARNING_MAX]; /* about this entry, for --json */
	unsigned n_warnings;
	/* The menu group: "" for disk entries (grouped by ROOT's device); network entries set
	 * the interface their lease came from ("eth0"). */
	char group[32];
};

struct boot_list {
	struct boot_entry entries[BOOT_MAX_ENTRIES];
	unsigned n;
	unsigned dropped;  /* entries not kept because the list was full */
	int timeout_s;     /* the first timeout a config set, in seconds; -1: none said */
};

/* Formats a message and passes it to WARN(CTX, msg) when WARN is set: how scanners report a
 * skipped file or statement. */
void bootcfg_warn(void (*warn)(void *ctx, const char *msg), void *ctx, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A zeroed entry of FORMAT with tries_left/tries_done = -1 (every parser starts here). */
void boot_entry_init(struct boot_entry *e, enum boot_format format);
/* An empty list with timeout_s = -1. */
void boot_list_init(struct boot_list *list);
/* Appends a warning to E (kept when there is room; always counted in n_warnings). */
void boot_entry_warn(struct boot_entry *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parses one BLS Type #1 entry file. ID is the entry id (file name without .conf).
 * Returns 0, or -EINVAL with a message in ERR naming the line and the rule broken. */
int bls_parse(const char *buf, size_t len, const char *id, struct boot_entry *out, char *err,
	      size_t errlen);

/* Reads the BLS entries under ROOT (loader/entries and boot/loader/entries) into LIST, in
 * file-name order. WARN(ctx, message) is called for every file skipped and why.
 * Returns the number of entries added, or -errno when ROOT itself cannot be read. */
int bootcfg_scan_bls(const char *root, struct boot_list *list,
		     void (*warn)(void *ctx, const char *msg), void *ctx);

/* Adds an entry for every FIT image (*.itb) in ROOT's / and /boot, in name order.
 * Returns the number added or -errno when ROOT cannot be read. */
int bootcfg_scan_fit(const char *root, struct boot_list *list,
		     void (*warn)(void *ctx, const char *msg), void *ctx);

/* Reads every format under ROOT (BLS entries, then FIT files). Same contract as
 * bootcfg_scan_bls. */
int bootcfg_scan(const char *root, struct boot_list *list,
		 void (*warn)(void *ctx, const char *msg), void *ctx);

const char *boot_format_name(enum boot_format f);

/* --- BLS Type #1 as systemd-boot reads it (bls.c, bls_order.c, vercmp.c) ---------------------
 * Entry files: keys title, version, machine-id, sort-key, linux, initrd (several), options
 * (several, joined with a space), devicetree, devicetree-overlay (space-separated, several
 * lines add up), architecture, efi, uki, uki-url. Lines split at '\n' or '\r'; a value wholly
 * in double quotes loses them; a key without a value is ignored (all as systemd-boot). An
 * entry for another architecture, or for an EFI program or UKI, is kept with `unbootable`. */

/* timeout_s when a config asks for the menu with no timeout (loader.conf "menu-force"). */
#define BOOT_TIMEOUT_WAIT (-2)

/* The running machine's architecture in the UAPI names BLS `architecture` uses (x64, ia32,
 * aa64, arm, riscv64, loongarch64), from uname(2); other machines give uname's own name. */
const char *bls_machine_arch(void);

/* Splits an entry file name "ID[+LEFT[-DONE]].conf" as systemd-boot does: the counter is the
 * text after the last '+', LEFT and DONE at most INT_MAX, DONE defaulting to 0, and ".conf"
 * (any case) right after it; a name where that fails has no counter and ID is the name
 * without ".conf". Returns 1 with LEFT and DONE set, 0 without a counter (both -1), -EINVAL when
 * NAME does not end in ".conf", -ENAMETOOLONG when ID does not fit ID_CAP. */
int bls_entry_name(const char *name, char *id, size_t id_cap, int *tries_left, int *tries_done);

/* Boot counting: renames DIR/NAME "ID+LEFT-DONE.conf" to "ID+(LEFT-1)-(DONE+1).conf" (LEFT
 * stays 0 at 0, DONE stays at INT_MAX), the new name in NEWNAME, then syncs DIR. Writes the
 * disk: call it only when the policy allows. Returns 1 when renamed, 0 when NAME carries no
 * counter (NEWNAME = ""), -EEXIST when the new name exists, -errno otherwise. */
int bls_count_attempt(const char *dir, const char *name, char *newname, size_t cap);

/* loader.conf (the ESP's /loader/loader.conf): the keys embark uses. */
struct bls_loader_conf {
	char default_pattern[BOOT_TITLE_MAX]; /* `default` glob; "" when none (or "@saved") */
	int timeout_s;                        /* -1 none; BOOT_TIMEOUT_WAIT for "menu-force" */
	char warnings[BOOT_MAX_WARNINGS][BOOT_WARNING_MAX]; /* values ignored, and why */
	unsigned n_warnings;
};

/* Parses loader.conf. Unusable values are ignored with a warning in OUT, as systemd-boot
 * does; returns 0, or -EINVAL with ERR naming the line when the file is not text. */
int bls_loader_conf_parse(const char *buf, size_t len, struct bls_loader_conf *out, char *err,
			  size_t errlen);

/* strverscmp_improved as `systemd-analyze compare-versions` runs it on x86-64: <0, 0, >0. */
int bootcfg_vercmp(const char *a, const char *b);
/* The same as systemd-boot runs it on UTF-16: differs only for a byte >= 0x80 right after a
 * '~' where the other string ends (it sorts after the end here, before it in the above). */
int bootcfg_vercmp_boot(const char *a, const char *b);

/* systemd-boot's entry order (boot_entry_compare): entries with tries_left == 0 last; entries
 * with a sort-key before those without; between two with a sort-key: sort-key ascending,
 * machine-id ascending, version descending; then the id ("<id>.conf" in lower case)
 * descending; then, both counted, more tries left first, fewer tries done first. */
int bls_entry_cmp(const struct boot_entry *a, const struct boot_entry *b);
/* Sorts N entries by bls_entry_cmp, stable (the earlier entry first when equal). */
void bls_sort(struct boot_entry *entries, unsigned n);
/* systemd-boot's glob (`*`, `?`, `[a-z]` sets, `\` escapes; no negated sets), ASCII case
 * folded, against ID + ".conf" and then ID. Returns 1 on a match, else 0. */
int bls_id_matches(const char *pattern, const char *id);
/* Marks the default among N sorted entries: the first matching PATTERN (NULL or "": none),
 * else the first; entries for another architecture are never chosen, as systemd-boot does
 * not list them. Returns the index chosen, or -ENOENT. */
int bls_select_default(struct boot_entry *entries, unsigned n, const char *pattern);

#endif
