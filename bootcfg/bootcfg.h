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
};

struct boot_entry {
	char id[BOOT_ID_MAX];                /* BLS: file name without ".conf" */
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
	char root[BOOT_PATH_MAX];            /* where that filesystem is mounted (or a host dir) */
	char source[BOOT_PATH_MAX];          /* the config file, relative to ROOT */
	enum boot_format format;
};

struct boot_list {
	struct boot_entry entries[BOOT_MAX_ENTRIES];
	unsigned n;
	unsigned dropped; /* entries not kept because the list was full */
};

/* Parses one BLS Type #1 entry file. ID is the entry id (file name without .conf).
 * Returns 0, or -EINVAL with a message in ERR naming the line and the rule broken. */
int bls_parse(const char *buf, size_t len, const char *id, struct boot_entry *out, char *err,
	      size_t errlen);

/* Reads the BLS entries under ROOT (loader/entries and boot/loader/entries) into LIST, in
 * file-name order. WARN(ctx, message) is called for every file skipped and why.
 * Returns the number of entries added, or -errno when ROOT itself cannot be read. */
int bootcfg_scan_bls(const char *root, struct boot_list *list,
		     void (*warn)(void *ctx, const char *msg), void *ctx);

/* Reads every format under ROOT; today that is BLS. Same contract as bootcfg_scan_bls. */
int bootcfg_scan(const char *root, struct boot_list *list,
		 void (*warn)(void *ctx, const char *msg), void *ctx);

const char *boot_format_name(enum boot_format f);

#endif
