/* Shared by the files of init/ only; other modules see init/init.h. */
#ifndef EMBARK_INIT_INTERNAL_H
#define EMBARK_INIT_INTERNAL_H

#include "bootcfg/bootcfg.h"
#include "crypto/crypto.h"
#include "fsprobe/fsprobe.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- log.c: one line a step, to the console and /dev/kmsg ------------------------------- */
enum { LOG_ERR = 3, LOG_WARN = 4, LOG_INFO = 6 };
void log_open(void);
void elog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint64_t monotonic_ms(void);

/* --- early.c: the filesystems and console every later step needs ---------------------- */
int early_mounts(void);
void console_setup(const char *kernel_cmdline);

/* --- policy.c ------------------------------------------------------------------------- */
#define POLICY_MAX_BYTES 16384
struct policy {
	unsigned device_timeout_ms; /* how long to wait for boot media before giving up */
	unsigned settle_ms;         /* once entries exist, how long to wait for more devices */
	bool require_signatures;    /* refuse anything not verified with /etc/embark/keys */
};
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

/* --- media.c -------------------------------------------------------------------------- */
#define MEDIA_MAX 64
#define MEDIA_ROOT "/run/embark/media"
/* Looks for block devices not seen before, probes and mounts each read-only, and adds the
 * boot entries found on them to LIST. Returns how many new devices were seen. */
int media_scan(struct boot_list *list);

/* --- keys.c, fitboot.c -------------------------------------------------------------- */
#define KEYS_DIR "/etc/embark/keys"
/* Loads every file in KEYS_DIR into KR (a missing directory is an empty keyring). Returns the
 * number of keys, having logged each file that could not be read. */
int keys_load(struct keyring *kr);
/* Reads, verifies and kexec-loads the FIT entry E (see fitboot.c). Returns 0 when the kernel
 * is loaded (the caller reboots into it), or -errno having logged why not. */
int fitboot_load(const struct boot_entry *e, const struct keyring *kr, const struct policy *p);

#endif
