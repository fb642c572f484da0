/* loader — putting the next kernel in memory and jumping to it. Two paths:
 *   kexec_file_load(2): the running kernel parses, places and verifies the image;
 *   kexec_load(2): embark does that itself (loader/segplan.h: bzImage probe, placement,
 *   boot_params, its own purgatory) and hands the kernel a checked segment list. Needed where
 *   kexec_file_load is missing or refuses a kernel it cannot probe.
 * loader_load() picks between them. Functions return 0 or -errno; loader_explain() turns an
 * errno from a load into a sentence a person can act on. */
#ifndef EMBARK_LOADER_H
#define EMBARK_LOADER_H

#include <stdbool.h>
#include <stddef.h>

/* x86's COMMAND_LINE_SIZE: the bzImage loader refuses longer command lines. */
#define LOADER_CMDLINE_MAX 2048
/* Several initrds are concatenated into one buffer (cpio archives may be back to back). */
#define LOADER_MAX_INITRDS 8

/* Opens INITRD_PATHS[0..N) as one initrd. One file is opened as it is; several are copied
 * into a sealed memfd, each padded to 4 bytes. Returns an fd (caller closes) or -errno; on
 * error *FAILED_INDEX names the file that failed. N == 0 returns -ENOENT. */
int loader_open_initrds(const char *const *initrd_paths, size_t n, size_t *failed_index);

/* kexec_file_load(KERNEL_FD, INITRD_FD or -1, CMDLINE). Returns 0 or -errno.
 * -E2BIG when CMDLINE is longer than LOADER_CMDLINE_MAX - 1 (checked before the call). */
int loader_kexec_file(int kernel_fd, int initrd_fd, const char *cmdline);

/* reboot(LINUX_REBOOT_CMD_KEXEC): only returns on failure, with -errno. */
int loader_kexec_reboot(void);

/* What a failed kexec_file_load means, as an instruction ("kernel lockdown: ..."). */
const char *loader_explain(int err);
/* The same for kexec_load(2), where some errnos mean something else (ENOSYS: no
 * CONFIG_KEXEC; EPERM: lockdown forbids kexec_load altogether). */
const char *loader_explain_segments(int err);

/* Which path loader_load takes (the policy key `loader`, README.md "Loading"). */
enum loader_mode {
	LOADER_AUTO,     /* kexec_file_load, then kexec_load where that may help */
	LOADER_FILE,     /* kexec_file_load only */
	LOADER_SEGMENTS, /* embark's kexec_load path only */
};
/* "auto", "file", "segments". */
const char *loader_mode_name(enum loader_mode mode);
/* Parses those names (N bytes at S); 0 or -EINVAL. */
int loader_mode_parse(const char *s, size_t n, enum loader_mode *out);
/* Whether LOADER_AUTO tries kexec_load after kexec_file_load failed with ERR: only when the
 * kernel lacks the call (ENOSYS) or could not use this image (ENOEXEC, EINVAL); never after
 * a refusal of permission or signature (EPERM, EACCES, EKEYREJECTED, ENOKEY, EBADMSG...),
 * which kexec_load must not be used to get around. */
bool loader_should_fall_back(int err);

/* Room for loader_load's MSG: both paths' sentences when both were tried. */
#define LOADER_MSG_MAX 1536

/* Loads the kernel in KERNEL_FD, the initrd in INITRD_FD (or -1) and CMDLINE by MODE. The
 * segment path reads the bytes from the fds given (sealed memfds stay the bytes verified) and
 * never reopens a path. Returns 0 with MSG saying which path loaded and where ("kexec_load:
 * 4 segments, ..., purgatory at 0x..."), or -errno with MSG a sentence naming each path
 * tried, the errno and what to do. */
int loader_load(int kernel_fd, int initrd_fd, const char *cmdline, enum loader_mode mode,
		char *msg, size_t msglen);
/* The kexec_load path alone (loader_load with LOADER_SEGMENTS). */
int loader_load_segments(int kernel_fd, int initrd_fd, const char *cmdline, char *msg,
			 size_t msglen);

#endif
