/* Shared by the recovery shell's files (init/shell*.c) only. The entry point, shell_run(),
 * and what PID 1 lends the shell (struct shell_ops) are in init/internal.h. */
#ifndef EMBARK_INIT_SHELL_H
#define EMBARK_INIT_SHELL_H

#include "init/internal.h"

#include <stdbool.h>
#include <stddef.h>

#define SHELL_LINE_MAX 2048      /* characters in one command line (a kexec command line fits) */
#define SHELL_WORDS_MAX 32       /* words in one command line */
#define SHELL_OUT_LINE_MAX 8192  /* one formatted output line; longer ones are cut */

/* Where the shell looks; tests point these at a temporary tree. */
struct shell_paths {
	const char *sys_block; /* "/sys/class/block" */
	const char *dev;       /* "/dev" */
	const char *events;    /* the JSON event log PID 1 writes */
	const char *mounts;    /* "/proc/self/mounts" */
};
extern struct shell_paths shell_paths;

/* --- shell_words.c: a command line into words -------------------------------------------- */
/* Splits LINE in place into at most MAX words: blanks separate, '...' is literal, "..." keeps
 * blanks and takes \" and \\, a backslash outside quotes takes the next character as is.
 * Returns the word count, or -EINVAL (unterminated quote or trailing backslash) or -E2BIG
 * (more than MAX words) with *WHY saying so. */
int shell_split(char *line, char **words, unsigned max, const char **why);

/* --- shell.c: output, shared by every command -------------------------------------------- */
struct shell {
	struct line_tty tty;
	const struct shell_ops *ops;
};
void sh_printf(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sh_write(struct shell *sh, const void *buf, size_t len);
/* "CMD: WHAT: ENAME (meaning)[; HINT]" — ERR is a negative or positive errno value. */
void sh_errno(struct shell *sh, const char *cmd, const char *what, int err, const char *hint);

/* A command: ARGV[0] is its name. Returns 0, -errno having said why, or SHELL_LEAVE. */
typedef int shell_cmd_fn(struct shell *sh, int argc, char **argv);
#define SHELL_LEAVE 1

/* --- shell_cmds.c: files --------------------------------------------------------------- */
#define SHELL_LS_MAX 512               /* entries listed from one directory */
#define SHELL_LS_SCAN_MAX 65536        /* entries counted in one directory */
#define SHELL_CAT_MAX (1024 * 1024)    /* bytes `cat` prints from one file */
#define SHELL_EVENTS_MAX (256 * 1024)  /* bytes of the end of the event log `events` prints */
/* Prints up to LIMIT bytes of the open FD (named NAME in messages), stopping at a NUL byte
 * (a binary file would garble the console). Returns 0 or -errno. */
int sh_print_fd(struct shell *sh, const char *cmd, const char *name, int fd, size_t limit);
shell_cmd_fn shcmd_ls, shcmd_cat, shcmd_events;

/* --- shell_sys.c: the kernel and block devices ----------------------------------------- */
#define SHELL_DMESG_MAX (1024 * 1024)  /* bytes of the kernel log read */
#define SHELL_KMSG_RECORDS_MAX 65536   /* /dev/kmsg records read */
#define SHELL_BLOCK_MAX 256            /* block devices `blkid` looks at */
/* One /dev/kmsg record ("6,339,5140900,-;text\n continuation") as dmesg prints it
 * ("[    5.140900] text"). Returns the length written to OUT (CAP bytes), 0 when REC is not
 * a record. */
size_t shell_kmsg_format(const char *rec, size_t len, char *out, size_t cap);
shell_cmd_fn shcmd_dmesg, shcmd_blkid, shcmd_mount, shcmd_umount;

/* --- shell_boot.c: entries, kexec, verify, power ------------------------------------------ */
#define SHELL_FIT_MAX ((size_t)1 << 30) /* largest FIT `verify` maps */
shell_cmd_fn shcmd_entries, shcmd_boot, shcmd_kexec, shcmd_verify, shcmd_rescan,
	shcmd_reboot, shcmd_poweroff;

#endif
