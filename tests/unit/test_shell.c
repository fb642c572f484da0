/* The recovery shell, driven like a console: scripted input on a pipe (or a pty, for the
 * echo and terminal-mode cases), the transcript read back from a file, and a fake PID 1
 * behind struct shell_ops that records what it was asked to do and never boots anything. */
#include "init/shell.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define SECRET_SHA256 "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"
#define TRANSCRIPT_MAX (2 * 1024 * 1024)

static struct boot_list fake_entries;
static struct keyring fake_keyring;
static struct policy fake_policy;
static struct {
	unsigned boot_calls, boot_index;
	unsigned kexec_calls;
	char kernel[512], initrd[512], cmdline[BOOT_CMDLINE_MAX];
	bool initrd_null;
	unsigned rescan_calls;
	unsigned reboot_calls;
	int reboot_args[4];
} calls;
static char transcript[TRANSCRIPT_MAX + 1];

static int fake_boot(unsigned index)
{
	calls.boot_calls++;
	calls.boot_index = index;
	return -ENOEXEC;
}

static int fake_kexec(const char *kernel, const char *initrd, const char *cmdline)
{
	calls.kexec_calls++;
	snprintf(calls.kernel, sizeof(calls.kernel), "%s", kernel);
	calls.initrd_null = initrd == NULL;
	snprintf(calls.initrd, sizeof(calls.initrd), "%s", initrd ? initrd : "");
	snprintf(calls.cmdline, sizeof(calls.cmdline), "%s", cmdline ? cmdline : "(null)");
	return -ENOEXEC;
}

static void add_entry(const char *title, const char *unbootable)
{
	struct boot_entry *e = &fake_entries.entries[fake_entries.n++];

	boot_entry_init(e, BOOT_FORMAT_BLS);
	snprintf(e->title, sizeof(e->title), "%s", title);
	snprintf(e->root, sizeof(e->root), "/run/embark/media/vda");
	snprintf(e->source, sizeof(e->source), "/loader/entries/%s.conf", title);
	snprintf(e->kernel, sizeof(e->kernel), "/vmlinuz");
	snprintf(e->unbootable, sizeof(e->unbootable), "%s", unbootable);
}

static int fake_rescan(void)
{
	calls.rescan_calls++;
	add_entry("Found", "");
	return 1;
}

static void fake_reboot(int poweroff)
{
	if (calls.reboot_calls < 4)
		calls.reboot_args[calls.reboot_calls] = poweroff;
	calls.reboot_calls++;
}

static const struct shell_ops ops = {
	.entries = &fake_entries,
	.keyring = &fake_keyring,
	.policy = &fake_policy,
	.boot = fake_boot,
	.kexec = fake_kexec,
	.rescan = fake_rescan,
	.reboot = fake_reboot,
};

/* Three entries, the third not bootable; shell = yes. */
static void setup(void)
{
	boot_list_init(&fake_entries);
	keyring_init(&fake_keyring);
	policy_defaults(&fake_policy);
	add_entry("First", "");
	add_entry("Second", "");
	add_entry("Third", "UKI/EFI entry");
}

/* The transcript, read back from the output file OUT. */
static void read_transcript(int out)
{
	ssize_t n = pread(out, transcript, TRANSCRIPT_MAX, 0);

	transcript[n > 0 ? (size_t)n : 0] = '\0';
}

static int open_out(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/transcript", ut_tmpdir());
	return open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

/* Runs the shell with INPUT (LEN bytes) on a pipe; the output is in `transcript`. */
static int run_len(const char *input, size_t len)
{
	int in[2], out = open_out(), r;

	if (out < 0 || pipe(in) < 0 || len > 60000 || write(in[1], input, len) != (ssize_t)len) {
		ut_fail(__FILE__, __LINE__, "cannot set up the pipes");
		return -999;
	}
	close(in[1]);
	r = shell_run(in[0], out, &ops);
	close(in[0]);
	read_transcript(out);
	close(out);
	return r;
}

static int run(const char *input)
{
	return run_len(input, strlen(input));
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

#define UT_HAS(s)                                                                        \
	do {                                                                             \
		if (!strstr(transcript, (s)))                                            \
			ut_fail(__FILE__, __LINE__, "transcript lacks \"%s\":\n%s", (s),   \
				transcript);                                              \
	} while (0)
#define UT_LACKS(s)                                                                      \
	do {                                                                             \
		if (strstr(transcript, (s)))                                             \
			ut_fail(__FILE__, __LINE__, "transcript has \"%s\":\n%s", (s),     \
				transcript);                                              \
	} while (0)

UT_TEST(shell_help_lists_every_command)
{
	static const char *const names[] = {
		"help", "ls", "cat", "dmesg", "events", "blkid", "mount", "umount", "entries",
		"boot", "kexec", "verify", "rescan", "reboot", "poweroff", "exit",
	};
	char want[32];

	setup();
	UT_EQ_INT(run("help\nexit\n"), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(want, sizeof(want), "  %s ", names[i]);
		UT_HAS(want);
	}
	UT_HAS("leaving the recovery shell");
	UT_EQ_INT(count(transcript, "embark# "), 2);
}

UT_TEST(shell_unknown_command_says_so)
{
	setup();
	UT_EQ_INT(run("frobnicate now\nexit\n"), 0);
	UT_HAS("frobnicate: unknown command; `help` lists the commands");
}

UT_TEST(shell_ls_sorted_long_and_missing)
{
	char cmd[1024], dir[600];

	setup();
	snprintf(dir, sizeof(dir), "%s/d", ut_tmpdir());
	UT_EQ_INT(mkdir(dir, 0755), 0);
	ut_write_file("d/b.txt", "bb", 2);
	ut_write_file("d/a.txt", "a", 1);
	ut_write_file("d/.hidden", "h", 1);
	snprintf(cmd, sizeof(cmd), "%s/d/c", ut_tmpdir());
	UT_EQ_INT(mkdir(cmd, 0700), 0);
	snprintf(cmd, sizeof(cmd), "ls %s\nls -l %s\nls %s/missing\nls -x\nls %s/a.txt\nexit\n",
		 dir, dir, dir, dir);
	UT_EQ_INT(run(cmd), 0);
	UT_HAS("embark# .hidden\na.txt\nb.txt\nc\n");
	UT_HAS("drwx------");
	UT_HAS("-rw-r--r--");
	UT_HAS(" 2 ");
	snprintf(cmd, sizeof(cmd), "ls: %s/missing: ENOENT (No such file or directory)", dir);
	UT_HAS(cmd);
	UT_HAS("ls: unknown option -x");
	snprintf(cmd, sizeof(cmd), "embark# %s/a.txt\n", dir);
	UT_HAS(cmd);
}

UT_TEST(shell_ls_caps_the_count)
{
	char name[64], cmd[600];

	setup();
	snprintf(cmd, sizeof(cmd), "%s/many", ut_tmpdir());
	UT_EQ_INT(mkdir(cmd, 0755), 0);
	for (int i = 0; i < SHELL_LS_MAX + 3; i++) {
		snprintf(name, sizeof(name), "many/f%04d", i);
		ut_write_file(name, "", 0);
	}
	snprintf(cmd, sizeof(cmd), "ls %s/many\nexit\n", ut_tmpdir());
	UT_EQ_INT(run(cmd), 0);
	UT_HAS(": 3 more entries not listed (at most 512 are)");
	UT_EQ_INT(count(transcript, "f0"), SHELL_LS_MAX);
}

UT_TEST(shell_cat_text_binary_missing_and_directory)
{
	char cmd[2048], want[600];
	const char *dir = ut_tmpdir();

	setup();
	ut_write_file("t.txt", "line one\nline two", 17);
	ut_write_file("bin", "a\x1b" "c\0def", 7);
	snprintf(cmd, sizeof(cmd), "cat %s/t.txt\ncat %s/bin\ncat %s/nope\ncat %s\ncat\nexit\n",
		 dir, dir, dir, dir);
	UT_EQ_INT(run(cmd), 0);
	UT_HAS("line one\nline two\n");
	snprintf(want, sizeof(want), "a?c\ncat: %s/bin: binary data (a NUL byte at offset 3); "
				     "not printed past it", dir);
	UT_HAS(want);
	UT_LACKS("def");
	snprintf(want, sizeof(want), "cat: %s/nope: ENOENT (No such file or directory)", dir);
	UT_HAS(want);
	snprintf(want, sizeof(want), "cat: %s: is a directory", dir);
	UT_HAS(want);
	UT_HAS("usage: cat FILE");
}

UT_TEST(shell_cat_stops_after_its_limit)
{
	static char big[SHELL_CAT_MAX + 100];
	char cmd[600];

	setup();
	memset(big, 'x', sizeof(big));
	for (size_t i = 63; i < sizeof(big); i += 64)
		big[i] = '\n';
	ut_write_file("big", big, sizeof(big));
	snprintf(cmd, sizeof(cmd), "cat %s/big\nexit\n", ut_tmpdir());
	UT_EQ_INT(run(cmd), 0);
	UT_HAS("/big: stopped after 1024 KiB; the rest is not shown");
	UT_CHECK(strlen(transcript) < SHELL_CAT_MAX + 1000);
	UT_CHECK(strlen(transcript) > SHELL_CAT_MAX);
}

UT_TEST(shell_events_present_and_absent)
{
	char path[600];

	setup();
	snprintf(path, sizeof(path), "%s/events.jsonl", ut_tmpdir());
	shell_paths.events = path;
	UT_EQ_INT(run("events\nexit\n"), 0);
	UT_HAS("/events.jsonl does not exist: PID 1 has recorded no events");
	ut_write_file("events.jsonl", "{\"event\":\"boot\"}\n", 17);
	UT_EQ_INT(run("events\nexit\n"), 0);
	UT_HAS("embark# {\"event\":\"boot\"}\n");
	UT_LACKS("does not exist");
}

UT_TEST(shell_entries_numbered_with_reasons)
{
	const char *one, *two, *three;

	setup();
	fake_entries.entries[1].is_default = 1;
	UT_EQ_INT(run("entries\nexit\n"), 0);
	one = strstr(transcript, "  1  First  [bls] /run/embark/media/vda/loader/entries/First.conf");
	two = strstr(transcript, "* 2  Second  [bls]");
	three = strstr(transcript, "  3  Third  [bls]");
	UT_CHECK(one && two && three && one < two && two < three);
	UT_HAS("  3  Third  [bls] /run/embark/media/vda/loader/entries/Third.conf\n"
	       "     not bootable: UKI/EFI entry\n");
	UT_EQ_INT(count(transcript, "not bootable"), 1);
	fake_entries.n = 0;
	UT_EQ_INT(run("entries\nexit\n"), 0);
	UT_HAS("no boot entries; `rescan` looks for new devices");
}

UT_TEST(shell_boot_calls_ops_with_zero_based_index)
{
	setup();
	UT_EQ_INT(run("boot 2\nexit\n"), 0);
	UT_EQ_INT(calls.boot_calls, 1);
	UT_EQ_INT(calls.boot_index, 1);
	UT_HAS("booting entry 2 'Second'");
	UT_HAS("boot: entry 2 'Second' did not boot: ENOEXEC (Exec format error)");
}

UT_TEST(shell_boot_refuses_bad_numbers)
{
	setup();
	UT_EQ_INT(run("boot 99\nboot x\nboot 0\nboot -1\nboot 2x\nboot\nboot 1 2\nboot 3\nexit\n"),
		  0);
	UT_EQ_INT(calls.boot_calls, 0);
	UT_HAS("boot: there is no entry 99: the entries are 1-3");
	UT_HAS("boot: 'x' is not an entry number; `entries` lists them (1-3)");
	UT_HAS("boot: there is no entry 0");
	UT_HAS("boot: '-1' is not an entry number");
	UT_HAS("boot: '2x' is not an entry number");
	UT_EQ_INT(count(transcript, "usage: boot N"), 2);
	UT_HAS("boot: entry 3 'Third' cannot be booted: UKI/EFI entry");
	fake_entries.n = 0;
	UT_EQ_INT(run("boot 1\nexit\n"), 0);
	UT_HAS("boot: there are no boot entries");
	UT_EQ_INT(calls.boot_calls, 0);
}

UT_TEST(shell_kexec_refused_when_signatures_are_required)
{
	char cmd[600];

	setup();
	fake_policy.require_signatures = true;
	ut_write_file("k", "kernel", 6);
	snprintf(cmd, sizeof(cmd), "kexec %s/k\nexit\n", ut_tmpdir());
	UT_EQ_INT(run(cmd), 0);
	UT_EQ_INT(calls.kexec_calls, 0);
	UT_HAS("kexec: the policy requires signatures: only verified FIT images can be booted; "
	       "use `boot N`");
}

UT_TEST(shell_kexec_kernel_initrd_and_cmdline)
{
	char cmd[2048], want[1200];
	const char *dir = ut_tmpdir();

	setup();
	ut_write_file("k", "kernel", 6);
	ut_write_file("i", "initrd", 6);
	snprintf(cmd, sizeof(cmd), "kexec %s/k %s/i console=ttyS0 'quiet splash'\nexit\n", dir, dir);
	UT_EQ_INT(run(cmd), 0);
	UT_EQ_INT(calls.kexec_calls, 1);
	snprintf(want, sizeof(want), "%s/k", dir);
	UT_EQ_STR(calls.kernel, want);
	snprintf(want, sizeof(want), "%s/i", dir);
	UT_EQ_STR(calls.initrd, want);
	UT_EQ_STR(calls.cmdline, "console=ttyS0 quiet splash");
	UT_HAS("did not boot: ENOEXEC (Exec format error)");

	snprintf(cmd, sizeof(cmd), "kexec %s/k root=/dev/vda ro\nkexec %s/k - x=1\nexit\n", dir,
		 dir);
	UT_EQ_INT(run(cmd), 0);
	UT_EQ_INT(calls.kexec_calls, 3);
	UT_CHECK(calls.initrd_null);
	UT_EQ_STR(calls.cmdline, "x=1");
	UT_HAS("initrd none, command line \"root=/dev/vda ro\"");

	snprintf(cmd, sizeof(cmd), "kexec %s/nokernel\nkexec %s/k %s/noinitrd\nkexec %s\nexit\n",
		 dir, dir, dir, dir);
	UT_EQ_INT(run(cmd), 0);
	UT_EQ_INT(calls.kexec_calls, 3);
	snprintf(want, sizeof(want), "kexec: %s/nokernel: ENOENT (No such file or directory)", dir);
	UT_HAS(want);
	snprintf(want, sizeof(want), "kexec: %s/noinitrd: ENOENT", dir);
	UT_HAS(want);
	snprintf(want, sizeof(want), "kexec: %s: EINVAL (Invalid argument); not a regular file",
		 dir);
	UT_HAS(want);
}

UT_TEST(shell_verify_missing_file_says_enoent)
{
	setup();
	UT_EQ_INT(run("verify /nonexistent/x.itb\nverify\nverify --config\nexit\n"), 0);
	UT_HAS("verify: /nonexistent/x.itb: ENOENT (No such file or directory)");
	UT_EQ_INT(count(transcript, "usage: verify [--config NAME] FILE"), 2);
}

static int sh_in_tmp(const char *cmd)
{
	char full[4096];

	snprintf(full, sizeof(full), "cd '%s' && (%s) >/dev/null 2>&1", ut_tmpdir(), cmd);
	return system(full);
}

/* A FIT signed by mkimage, verified; then one byte of its kernel changed, refused. */
UT_TEST(shell_verify_signed_fit)
{
	static const char its[] =
		"/dts-v1/;\n/ {\n description = \"shell test\";\n #address-cells = <1>;\n"
		" images {\n  kernel {\n   data = /incbin/(\"kernel.bin\");\n"
		"   type = \"kernel\"; arch = \"x86_64\"; os = \"linux\"; compression = \"none\";\n"
		"   load = <0x01000000>; entry = <0x01000000>;\n"
		"   hash-1 { algo = \"sha256\"; };\n  };\n };\n"
		" configurations {\n  default = \"conf-1\";\n  conf-1 {\n   kernel = \"kernel\";\n"
		"   signature-1 { algo = \"sha256,rsa2048\"; key-name-hint = \"dev\"; "
		"sign-images = \"kernel\"; };\n  };\n };\n};\n";
	static char kernel[4096], itb[65536];
	char cmd[1200], err[CRYPTO_ERR_MAX], path[600];
	ssize_t n;
	char *hit;
	int fd;

	setup();
	memset(kernel, 'K', sizeof(kernel));
	memcpy(kernel, "EMBARK-KERNEL", 13);
	ut_write_file("kernel.bin", kernel, sizeof(kernel));
	ut_write_file("k.its", its, sizeof(its) - 1);
	UT_EQ_INT(sh_in_tmp("mkdir keys && openssl genpkey -algorithm RSA -pkeyopt "
			    "rsa_keygen_bits:2048 -out keys/dev.key && openssl req -batch -new "
			    "-x509 -key keys/dev.key -out keys/dev.crt -subj /CN=dev && "
			    "mkimage -f k.its -k keys k.itb"),
		  0);
	snprintf(path, sizeof(path), "%s/keys/dev.crt", ut_tmpdir());
	UT_EQ_INT(keyring_add_file(&fake_keyring, path, err, sizeof(err)), 1);
	snprintf(cmd, sizeof(cmd), "verify %s/k.itb\nverify --config conf-9 %s/k.itb\nexit\n",
		 ut_tmpdir(), ut_tmpdir());
	UT_EQ_INT(run(cmd), 0);
	UT_HAS("/k.itb: configuration 'conf-1' verified (signed by dev)");
	UT_HAS("  kernel   kernel");
	UT_HAS("/k.itb: refused: ");
	UT_HAS("conf-9");

	snprintf(path, sizeof(path), "%s/k.itb", ut_tmpdir());
	fd = open(path, O_RDWR);
	n = fd < 0 ? -1 : pread(fd, itb, sizeof(itb), 0);
	hit = n > 0 ? memmem(itb, (size_t)n, "EMBARK-KERNEL", 13) : NULL;
	UT_CHECK(hit != NULL);
	if (hit)
		UT_EQ_INT(pwrite(fd, "X", 1, hit - itb), 1);
	close(fd);
	snprintf(cmd, sizeof(cmd), "verify %s/k.itb\nexit\n", ut_tmpdir());
	UT_EQ_INT(run(cmd), 0);
	UT_HAS("/k.itb: refused: ");
	UT_LACKS("verified");
	keyring_free(&fake_keyring);
	keyring_init(&fake_keyring);
	UT_EQ_INT(run(cmd), 0);
	UT_HAS("cannot be verified: the initramfs has no keys (/etc/embark/keys)");
}

UT_TEST(shell_password_right)
{
	setup();
	fake_policy.shell = SHELL_PASSWORD;
	memcpy(fake_policy.shell_password_sha256, SECRET_SHA256, 65);
	UT_EQ_INT(run("secret\nexit\n"), 0);
	UT_HAS("password: embark recovery shell:");
	UT_LACKS("wrong password");
	UT_LACKS("secret");
	/* One wrong, then right. */
	UT_EQ_INT(run("Secret\nsecret\nexit\n"), 0);
	UT_HAS("wrong password (1 of 3 tries)");
	UT_HAS("embark recovery shell:");
}

UT_TEST(shell_password_wrong_three_times)
{
	setup();
	fake_policy.shell = SHELL_PASSWORD;
	memcpy(fake_policy.shell_password_sha256, SECRET_SHA256, 65);
	UT_EQ_INT(run("a\nsecre\nsecret \nsecret\nexit\n"), -EPERM);
	UT_HAS("wrong password (1 of 3 tries)");
	UT_HAS("wrong password (3 of 3 tries)");
	UT_HAS("3 wrong passwords: the recovery shell stays locked");
	UT_LACKS("embark recovery shell:");
	UT_EQ_INT(count(transcript, "password: "), 3);
	/* Input ending at the password prompt is the end, not a wrong password. */
	UT_EQ_INT(run(""), -EPIPE);
	UT_LACKS("wrong password");
}

UT_TEST(shell_password_without_hash_stays_locked)
{
	setup();
	fake_policy.shell = SHELL_PASSWORD;
	UT_EQ_INT(run("\nexit\n"), -EPERM);
	UT_HAS("recovery shell locked: the policy says shell = password but "
	       "shell_password_sha256 is not set");
}

UT_TEST(shell_disabled_by_policy)
{
	setup();
	fake_policy.shell = SHELL_OFF;
	UT_EQ_INT(run("help\nexit\n"), -EPERM);
	UT_EQ_STR(transcript, "recovery shell disabled by the policy (shell = no)\n");
}

UT_TEST(shell_end_of_input_returns_epipe)
{
	setup();
	UT_EQ_INT(run("help\n"), -EPIPE);
	UT_HAS("  help");
	UT_EQ_INT(run(""), -EPIPE);
	UT_EQ_INT(run("\x04"), -EPIPE);
	UT_EQ_INT(run("help\n\x04" "exit\n"), -EPIPE);
	/* ^D in the middle of a line is not the end. */
	UT_EQ_INT(run("ex\x04it\n"), 0);
	/* A last line without its newline still runs. */
	UT_EQ_INT(run("exit"), 0);
}

UT_TEST(shell_line_editing)
{
	setup();
	UT_EQ_INT(run("exiq\x7ft\n"), 0);
	UT_EQ_INT(run("exiq\bt\n"), 0);
	UT_EQ_INT(run("garbage\x15" "exit\n"), 0);
	UT_LACKS("unknown command");
	UT_EQ_INT(run("garbage\x03" "exit\n"), 0);
	UT_HAS("^C\nembark# ");
	UT_LACKS("unknown command");
	UT_EQ_INT(run("foo bar\x17\x17" "exit\n"), 0);
	UT_EQ_INT(run("\x1b[A\x1bOBexit\n"), 0);
	UT_LACKS("unknown command");
	/* UTF-8: one backspace removes the whole character. */
	UT_EQ_INT(run("exit\xc3\xa9\x7f\n"), 0);
	/* CR LF is one line end: two commands, two prompts. */
	UT_EQ_INT(run("help\r\nexit\r\n"), 0);
	UT_EQ_INT(count(transcript, "embark# "), 2);
	UT_EQ_INT(run("help\rexit\r"), 0);
	UT_EQ_INT(count(transcript, "embark# "), 2);
	/* Tabs are blanks. */
	UT_EQ_INT(run("\texit\t\n"), 0);
}

UT_TEST(shell_overlong_lines_refused)
{
	static char input[3 * SHELL_LINE_MAX];
	size_t n;

	setup();
	memset(input, 'B', SHELL_LINE_MAX);
	n = SHELL_LINE_MAX;
	input[n++] = '\n';
	memset(input + n, 'C', SHELL_LINE_MAX + 1);
	n += SHELL_LINE_MAX + 1;
	memcpy(input + n, "\x7f\nexit\n", 7);
	n += 7;
	UT_EQ_INT(run_len(input, n), 0);
	/* SHELL_LINE_MAX characters are a line; one more is refused, whatever edits follow. */
	UT_EQ_INT(count(transcript, "unknown command"), 1);
	UT_HAS("BBBB: unknown command");
	UT_HAS("line longer than 2048 characters: refused, nothing was run");
	UT_LACKS("CCCC");
}

UT_TEST(shell_quoting)
{
	char cmd[2048], *words[SHELL_WORDS_MAX], line[256];
	const char *why;
	const char *dir = ut_tmpdir();

	setup();
	ut_write_file("with space.txt", "spaced\n", 7);
	snprintf(cmd, sizeof(cmd),
		 "cat '%s/with space.txt'\ncat \"%s/with space.txt\"\ncat %s/with\\ space.txt\n"
		 "cat '%s/with\nexit\n",
		 dir, dir, dir, dir);
	UT_EQ_INT(run(cmd), 0);
	UT_EQ_INT(count(transcript, "spaced\n"), 3);
	UT_HAS("a ' quote is not closed; nothing was run");

	snprintf(line, sizeof(line), "a \"b c\" 'd e' f\\ g \"h\\\"i\" '' x\"y\"'z'");
	UT_EQ_INT(shell_split(line, words, SHELL_WORDS_MAX, &why), 7);
	UT_EQ_STR(words[0], "a");
	UT_EQ_STR(words[1], "b c");
	UT_EQ_STR(words[2], "d e");
	UT_EQ_STR(words[3], "f g");
	UT_EQ_STR(words[4], "h\"i");
	UT_EQ_STR(words[5], "");
	UT_EQ_STR(words[6], "xyz");
	snprintf(line, sizeof(line), "'single \\ stays'");
	UT_EQ_INT(shell_split(line, words, SHELL_WORDS_MAX, &why), 1);
	UT_EQ_STR(words[0], "single \\ stays");
	snprintf(line, sizeof(line), "a \"b");
	UT_EQ_INT(shell_split(line, words, SHELL_WORDS_MAX, &why), -EINVAL);
	UT_EQ_STR(why, "a \" quote is not closed");
	snprintf(line, sizeof(line), "a b\\");
	UT_EQ_INT(shell_split(line, words, SHELL_WORDS_MAX, &why), -EINVAL);
	snprintf(line, sizeof(line), "1 2 3 4");
	UT_EQ_INT(shell_split(line, words, 3, &why), -E2BIG);
	snprintf(line, sizeof(line), "   ");
	UT_EQ_INT(shell_split(line, words, 3, &why), 0);

	memset(cmd, 0, sizeof(cmd));
	for (int i = 0; i <= SHELL_WORDS_MAX; i++)
		strcat(cmd, "w ");
	strcat(cmd, "\nexit\n");
	UT_EQ_INT(run(cmd), 0);
	UT_HAS("too many words (at most 32); nothing was run");
}

UT_TEST(shell_blkid_on_a_fake_tree)
{
	char sys[600], dev[600], path[700];

	setup();
	snprintf(sys, sizeof(sys), "%s/sys", ut_tmpdir());
	snprintf(dev, sizeof(dev), "%s/dev", ut_tmpdir());
	UT_EQ_INT(sh_in_tmp("mkdir -p sys/vdz1 sys/vdy sys/sr0 dev && echo 16384 > sys/vdz1/size "
			    "&& echo 8 > sys/vdy/size && echo 0 > sys/sr0/size && "
			    "truncate -s 8M dev/vdz1 && mkfs.ext4 -q -F -L SHELL-LBL "
			    "-U 0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9 dev/vdz1 && "
			    "head -c 4096 /dev/zero > dev/vdy && mkdir sys/vdx"),
		  0);
	shell_paths.sys_block = sys;
	shell_paths.dev = dev;
	UT_EQ_INT(run("blkid\nexit\n"), 0);
	snprintf(path, sizeof(path), "%s/vdz1: TYPE=\"ext4\" UUID=\"0a1b2c3d-4e5f-6071-8293-"
				     "a4b5c6d7e8f9\" LABEL=\"SHELL-LBL\"\n", dev);
	UT_HAS(path);
	snprintf(path, sizeof(path), "%s/vdy: no ext2/3/4, vfat or iso9660 filesystem", dev);
	UT_HAS(path);
	snprintf(path, sizeof(path), "blkid: %s/vdx: ENOENT (No such file or directory)", dev);
	UT_HAS(path);
	UT_LACKS("sr0");
	/* Sorted: vdx, vdy, vdz1. */
	UT_CHECK(strstr(transcript, "/vdx:") < strstr(transcript, "/vdy:"));
	UT_CHECK(strstr(transcript, "/vdy:") < strstr(transcript, "/vdz1:"));

	snprintf(sys, sizeof(sys), "%s/nosys", ut_tmpdir());
	UT_EQ_INT(run("blkid\nexit\n"), 0);
	UT_HAS("/nosys: ENOENT (No such file or directory); is sysfs mounted?");
}

UT_TEST(shell_mount_lists_probes_and_refuses)
{
	char mounts[600], cmd[2048], want[1200];
	const char *dir = ut_tmpdir();

	setup();
	snprintf(mounts, sizeof(mounts), "%s/mounts", dir);
	ut_write_file("mounts", "proc /proc proc rw 0 0\n", 23);
	shell_paths.mounts = mounts;
	UT_EQ_INT(sh_in_tmp("truncate -s 8M e.img && mkfs.ext4 -q -F e.img && "
			    "head -c 8192 /dev/zero > zeros"),
		  0);
	snprintf(cmd, sizeof(cmd),
		 "mount\nmount %s/nodev %s/mnt\nmount %s/zeros %s/mnt\nmount %s/e.img %s/mnt\n"
		 "mount a\numount %s/notmounted\numount\nexit\n",
		 dir, dir, dir, dir, dir, dir, dir);
	UT_EQ_INT(run(cmd), 0);
	UT_HAS("embark# proc /proc proc rw 0 0\n");
	snprintf(want, sizeof(want), "mount: %s/nodev: ENOENT (No such file or directory)", dir);
	UT_HAS(want);
	snprintf(want, sizeof(want), "mount: %s/zeros: no filesystem embark recognises", dir);
	UT_HAS(want);
	/* The type was probed, and the mount was asked read-only (a file is no block device,
	 * so the kernel refuses it whoever runs the test). */
	snprintf(want, sizeof(want), "mount: %s/e.img (ext4) on %s/mnt, read-only: ", dir, dir);
	UT_HAS(want);
	snprintf(want, sizeof(want), "mount: created %s/mnt", dir);
	UT_HAS(want);
	UT_HAS("usage: mount [DEV DIR [TYPE]]");
	snprintf(want, sizeof(want), "umount: %s/notmounted: E", dir);
	UT_HAS(want);
	UT_HAS("usage: umount DIR");
}

UT_TEST(shell_rescan_reboot_poweroff)
{
	setup();
	UT_EQ_INT(run("rescan\nentries\nreboot\npoweroff\nexit\n"), 0);
	UT_EQ_INT(calls.rescan_calls, 1);
	UT_HAS("rescan: 1 new entry, 4 in all");
	UT_HAS("  4  Found  [bls]");
	UT_EQ_INT(calls.reboot_calls, 2);
	UT_EQ_INT(calls.reboot_args[0], 0);
	UT_EQ_INT(calls.reboot_args[1], 1);
	UT_HAS("rebooting\n");
	UT_HAS("powering off\n");
	UT_HAS("reboot: the machine did not restart");
}

UT_TEST(shell_kmsg_record_format)
{
	static const char rec[] = "6,339,5140900,-;hello world\n SUBSYSTEM=acpi\n";
	char out[128];

	UT_EQ_INT(shell_kmsg_format(rec, sizeof(rec) - 1, out, sizeof(out)), 27);
	UT_EQ_STR(out, "[    5.140900] hello world\n");
	UT_EQ_INT(shell_kmsg_format("4,1,7,c;x", 9, out, sizeof(out)), 17);
	UT_EQ_STR(out, "[    0.000007] x\n");
	UT_EQ_INT(shell_kmsg_format("no record here", 14, out, sizeof(out)), 0);
	UT_EQ_INT(shell_kmsg_format("6,1;short", 9, out, sizeof(out)), 0);
	UT_EQ_INT(shell_kmsg_format("6,1,abc,-;bad time", 18, out, sizeof(out)), 0);
	UT_EQ_INT(shell_kmsg_format(rec, sizeof(rec) - 1, out, 8), 7);
}

UT_TEST(shell_dmesg_prints_the_log_or_why_not)
{
	setup();
	UT_EQ_INT(run("dmesg\nexit\n"), 0);
	/* Either log lines (no "<6>" prefixes) or the reason the log cannot be read. */
	UT_CHECK(strstr(transcript, "embark# [") || strstr(transcript, "embark# dmesg: the kernel "
								      "log cannot be read"));
	UT_LACKS("embark# <");
}

/* On a terminal the shell echoes and edits itself, hides the password, and gives the
 * terminal back the mode it found (here raw, as the menu leaves it). */
UT_TEST(shell_pty_echo_password_and_mode)
{
	static const char input[] = "secret\rhepl\x7f\x7flp\rexit\r";
	struct termios raw, after;
	int master, slave = -1, out = open_out(), r;

	setup();
	fake_policy.shell = SHELL_PASSWORD;
	memcpy(fake_policy.shell_password_sha256, SECRET_SHA256, 65);
	master = posix_openpt(O_RDWR | O_NOCTTY);
	UT_CHECK(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0);
	if (master >= 0)
		slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	UT_CHECK(slave >= 0 && out >= 0);
	if (slave < 0 || out < 0)
		return;
	UT_EQ_INT(tcgetattr(slave, &raw), 0);
	cfmakeraw(&raw);
	UT_EQ_INT(tcsetattr(slave, TCSANOW, &raw), 0);
	UT_EQ_INT(write(master, input, sizeof(input) - 1), (long long)sizeof(input) - 1);
	r = shell_run(slave, out, &ops);
	read_transcript(out);
	UT_EQ_INT(r, 0);
	UT_LACKS("secret");
	UT_HAS("password: \nembark recovery shell:");
	UT_HAS("embark# hepl\b \b\b \blp\n  help ");
	UT_HAS("embark# exit\nleaving");
	UT_EQ_INT(tcgetattr(slave, &after), 0);
	UT_EQ_INT(after.c_lflag, raw.c_lflag);
	UT_EQ_INT(after.c_oflag, raw.c_oflag);
	UT_EQ_INT(after.c_iflag, raw.c_iflag);
	close(slave);
	close(master);
	close(out);
}
