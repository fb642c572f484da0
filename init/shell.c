/* The recovery shell: a handful of built-in commands for an operator on the console when
 * nothing booted — look at files, the kernel log and the disks, mount one read-only, boot an
 * entry or a kernel by hand. No external programs: the initramfs has none. This file holds
 * the policy gate, the command table and the read-run loop. */
#include "init/shell.h"
#include "hash/hash.h"
#include "util/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define SHELL_PROMPT "embark# "
#define PASSWORD_TRIES 3
#define PASSWORD_MAX 256
/* After a wrong password: slows guessing on the console. The host tests do not wait. */
#ifdef EMBARK_HOST_TEST
#define PASSWORD_DELAY_MS 0
#else
#define PASSWORD_DELAY_MS 1000
#endif

struct shell_paths shell_paths = {
	.sys_block = "/sys/class/block",
	.dev = "/dev",
	.events = EVENTS_PATH,
	.mounts = "/proc/self/mounts",
};

void sh_write(struct shell *sh, const void *buf, size_t len)
{
	if (write_all(sh->tty.out, buf, len) < 0) {
		/* The console is gone; the next read ends the shell. */
	}
}

void sh_printf(struct shell *sh, const char *fmt, ...)
{
	static char line[SHELL_OUT_LINE_MAX];
	static const char cut[] = "[...]\n";
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(line)) {
		sh_write(sh, line, (size_t)n);
		return;
	}
	/* Say that something is missing rather than end a line silently short. */
	sh_write(sh, line, sizeof(line) - sizeof(cut));
	sh_write(sh, cut, sizeof(cut) - 1);
}

void sh_errno(struct shell *sh, const char *cmd, const char *what, int err, const char *hint)
{
	if (err < 0)
		err = -err;
	sh_printf(sh, "%s: %s: %s (%s)%s%s\n", cmd, what, errno_name(err), strerror(err),
		  hint ? "; " : "", hint ? hint : "");
}

static int shcmd_help(struct shell *sh, int argc, char **argv);

static int shcmd_exit(struct shell *sh, int argc, char **argv)
{
	sh_printf(sh, "leaving the recovery shell\n");
	return SHELL_LEAVE;
}

static const struct shell_cmd {
	const char *name;
	const char *args;
	const char *help;
	shell_cmd_fn *fn;
} commands[] = {
	{ "help", "", "this list", shcmd_help },
	{ "ls", "[-l] [PATH]", "list a directory, sorted (-l: type, mode, size, time)", shcmd_ls },
	{ "cat", "FILE", "print a text file (first 1 MiB; stops at binary data)", shcmd_cat },
	{ "dmesg", "", "the kernel log", shcmd_dmesg },
	{ "events", "", "the boot events PID 1 recorded (/run/embark/events.jsonl)", shcmd_events },
	{ "blkid", "", "block devices with their filesystem type, UUID and label", shcmd_blkid },
	{ "mount", "[DEV DIR [TYPE]]", "list mounts, or mount DEV on DIR read-only", shcmd_mount },
	{ "umount", "DIR", "unmount DIR", shcmd_umount },
	{ "entries", "", "the boot entries, numbered", shcmd_entries },
	{ "boot", "N", "boot entry N (see `entries`)", shcmd_boot },
	{ "kexec", "KERNEL [INITRD|-] [CMDLINE...]", "load and boot a kernel by hand", shcmd_kexec },
	{ "verify", "[--config NAME] FILE", "verify a signed FIT with the initramfs keys",
	  shcmd_verify },
	{ "rescan", "", "look for new devices and boot entries", shcmd_rescan },
	{ "reboot", "", "restart the machine", shcmd_reboot },
	{ "poweroff", "", "power the machine off", shcmd_poweroff },
	{ "exit", "", "leave the shell (back to the menu)", shcmd_exit },
};

static int shcmd_help(struct shell *sh, int argc, char **argv)
{
	char usage[64];

	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		snprintf(usage, sizeof(usage), "%s %s", commands[i].name, commands[i].args);
		sh_printf(sh, "  %-40s %s\n", usage, commands[i].help);
	}
	sh_printf(sh, "Quote words with '...' or \"...\"; ^C clears the line, ^D on an empty "
		      "line leaves the shell.\n");
	return 0;
}

static const struct shell_cmd *command_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Both strings are 64 characters; every character is compared whatever the earlier ones
 * were, so the time taken says nothing about how much of a guess was right. */
static bool same_hex_constant_time(const char *a, const char *b)
{
	unsigned char diff = 0;

	for (size_t i = 0; i < 2 * 32; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

static bool password_matches(const char *typed, const char *want_hex)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t digest[32];
	char hex[2 * sizeof(digest) + 1];

	if (hash_buffer(HASH_SHA256, typed, strlen(typed), digest) < 0)
		return false;
	for (size_t i = 0; i < sizeof(digest); i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[sizeof(hex) - 1] = '\0';
	explicit_bzero(digest, sizeof(digest));
	return same_hex_constant_time(hex, want_hex);
}

/* Returns 0 when the shell may run, -EPERM (having said why) or -EPIPE. */
static int policy_gate(struct shell *sh)
{
	const struct policy *p = sh->ops->policy;
	char typed[PASSWORD_MAX];
	int r = -EPERM;

	if (p->shell == SHELL_OFF) {
		sh_printf(sh, "recovery shell disabled by the policy (shell = no)\n");
		return -EPERM;
	}
	if (p->shell != SHELL_PASSWORD)
		return 0;
	if (strlen(p->shell_password_sha256) != 64) {
		sh_printf(sh, "recovery shell locked: the policy says shell = password but "
			      "shell_password_sha256 is not set (64 hex digits, from sha256sum)\n");
		return -EPERM;
	}
	for (unsigned attempt = 1; attempt <= PASSWORD_TRIES; attempt++) {
		static const struct line_opts ask = { .prompt = "password: ", .secret = true };
		int n = line_tty_read(&sh->tty, &ask, typed, sizeof(typed));

		if (n == -EPIPE || (n < 0 && n != -E2BIG)) {
			r = -EPIPE;
			goto out;
		}
		if (n >= 0 && password_matches(typed, p->shell_password_sha256)) {
			r = 0;
			goto out;
		}
		sleep_ms(PASSWORD_DELAY_MS);
		sh_printf(sh, "wrong password (%u of %u tries)\n", attempt, PASSWORD_TRIES);
	}
	sh_printf(sh, "%u wrong passwords: the recovery shell stays locked\n", PASSWORD_TRIES);
out:
	explicit_bzero(typed, sizeof(typed));
	return r;
}

/* Runs one command line. Returns SHELL_LEAVE for `exit`, else 0. */
static int run_line(struct shell *sh, char *line)
{
	char *words[SHELL_WORDS_MAX];
	const struct shell_cmd *cmd;
	const char *why;
	int n = shell_split(line, words, SHELL_WORDS_MAX, &why);

	if (n == -E2BIG) {
		sh_printf(sh, "%s (at most %d); nothing was run\n", why, SHELL_WORDS_MAX);
		return 0;
	}
	if (n < 0) {
		sh_printf(sh, "%s; nothing was run\n", why);
		return 0;
	}
	if (n == 0)
		return 0;
	cmd = command_find(words[0]);
	if (!cmd) {
		sh_printf(sh, "%.64s: unknown command; `help` lists the commands\n", words[0]);
		return 0;
	}
	return cmd->fn(sh, n, words) == SHELL_LEAVE ? SHELL_LEAVE : 0;
}

int shell_run(int in_fd, int out_fd, const struct shell_ops *ops)
{
	static char line[SHELL_LINE_MAX + 1];
	struct shell sh = { .ops = ops };
	int r;

	line_tty_begin(&sh.tty, in_fd, out_fd);
	r = policy_gate(&sh);
	if (r < 0)
		goto out;
	sh_printf(&sh, "embark recovery shell: `help` lists the commands, `exit` goes back\n");
	for (;;) {
		static const struct line_opts cmd = { .prompt = SHELL_PROMPT };
		int n = line_tty_read(&sh.tty, &cmd, line, sizeof(line));

		if (n == -E2BIG) {
			sh_printf(&sh, "line longer than %d characters: refused, nothing was run\n",
				  SHELL_LINE_MAX);
			continue;
		}
		if (n < 0) {
			r = -EPIPE;
			goto out;
		}
		if (run_line(&sh, line) == SHELL_LEAVE) {
			r = 0;
			goto out;
		}
	}
out:
	line_tty_end(&sh.tty);
	return r;
}
