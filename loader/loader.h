/* loader — putting the next kernel in memory and jumping to it.
 * Today: kexec_file_load(2), where the running kernel parses and places the image.
 * Functions return 0 or -errno; loader_explain() turns an errno from a load into a sentence
 * a person can act on. */
#ifndef EMBARK_LOADER_H
#define EMBARK_LOADER_H

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

#endif
