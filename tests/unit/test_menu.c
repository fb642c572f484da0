/* The boot menu, driven over pipes: what it draws and what each key does. */
#include "init/internal.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct boot_entry ents[4];
static struct menu_item its[4];
static char screen[16384];

static unsigned setup(unsigned n)
{
	static const char *const titles[] = { "Debian", "Debian (recovery)", "Fedora", "Memtest" };

	for (unsigned i = 0; i < n; i++) {
		boot_entry_init(&ents[i], BOOT_FORMAT_BLS);
		snprintf(ents[i].title, sizeof(ents[i].title), "%s", titles[i]);
		snprintf(ents[i].root, sizeof(ents[i].root), "/run/embark/media/vd%c", i < 2 ? 'a' : 'b');
		snprintf(ents[i].cmdline, sizeof(ents[i].cmdline), "quiet root=/dev/vda%u", i + 1);
		its[i].entry = &ents[i];
		its[i].note[0] = '\0';
	}
	return n;
}

/* Runs one menu_run with INPUT already written (and the write end closed when CLOSE). */
static int drive(const char *input, int close_input, unsigned n, unsigned def, int timeout,
		 const struct menu_opts *o, struct menu_choice *c, struct menu_state *st)
{
	int in[2], outp[2], r;
	ssize_t got;

	UT_CHECK(pipe(in) == 0 && pipe(outp) == 0);
	fcntl(outp[1], F_SETPIPE_SZ, 1 << 20);
	if (input[0])
		UT_CHECK(write(in[1], input, strlen(input)) == (ssize_t)strlen(input));
	if (close_input)
		close(in[1]);
	menu_state_init(st, its, n, def, timeout, false, monotonic_ms());
	r = menu_run(in[0], outp[1], its, n, o, st, c);
	close(outp[1]);
	got = read(outp[0], screen, sizeof(screen) - 1);
	screen[got > 0 ? got : 0] = '\0';
	close(outp[0]);
	close(in[0]);
	if (!close_input)
		close(in[1]);
	return r;
}

static const struct menu_opts opts = { .allow_edit = true, .edit_refusal = "no edits",
				       .allow_shell = true, .refresh_ms = 0 };

UT_TEST(menu_lists_entries_grouped_with_default_and_countdown)
{
	struct menu_choice c;
	struct menu_state st;
	unsigned n = setup(3);

	UT_EQ_INT(drive("", 0, n, 1, 0, &opts, &c, &st), 0);
	UT_EQ_INT(c.action, MENU_BOOT);
	UT_EQ_INT(c.index, 1); /* timeout 0: the default boots at once */
	UT_CHECK(strstr(screen, "  vda:\n") && strstr(screen, "  vdb:\n"));
	UT_CHECK(strstr(screen, " > 2) Debian (recovery)  [bls]") != NULL);
	UT_CHECK(strstr(screen, "booting 'Debian (recovery)' in 0 s") != NULL);
	UT_CHECK(strstr(screen, "e: edit command line") && strstr(screen, "s: shell"));
}

UT_TEST(menu_countdown_runs_out_then_boots_default)
{
	struct menu_choice c;
	struct menu_state st;
	uint64_t t0 = monotonic_ms();

	UT_EQ_INT(drive("", 0, setup(2), 0, 1, &opts, &c, &st), 0);
	UT_EQ_INT(c.action, MENU_BOOT);
	UT_EQ_INT(c.index, 0);
	UT_CHECK(monotonic_ms() - t0 >= 900);
}

UT_TEST(menu_arrow_keys_and_enter)
{
	struct menu_choice c;
	struct menu_state st;

	UT_EQ_INT(drive("\033[B\033[B\033[A\r", 0, setup(3), 0, 30, &opts, &c, &st), 0);
	UT_EQ_INT(c.action, MENU_BOOT);
	UT_EQ_INT(c.index, 1);
	UT_CHECK(strstr(screen, "(countdown stopped)") != NULL);
	UT_EQ_INT(drive("k\n", 0, setup(3), 0, -1, &opts, &c, &st), 0);
	UT_EQ_INT(c.index, 2); /* up from the first wraps to the last */
	UT_EQ_INT(drive("\033OB\r", 0, setup(3), 0, -1, &opts, &c, &st), 0);
	UT_EQ_INT(c.index, 1);
}

UT_TEST(menu_numbers_select)
{
	struct menu_choice c;
	struct menu_state st;

	UT_EQ_INT(drive("3\r", 0, setup(4), 0, -1, &opts, &c, &st), 0);
	UT_EQ_INT(c.index, 2);
	/* "1" then "4": there is no entry 14, so it is entry 4. */
	UT_EQ_INT(drive("14\r", 0, setup(4), 0, -1, &opts, &c, &st), 0);
	UT_EQ_INT(c.index, 3);
	UT_EQ_INT(drive("9\r", 0, setup(4), 1, -1, &opts, &c, &st), 0);
	UT_EQ_INT(c.index, 1); /* no entry 9: the selection stays */
}

UT_TEST(menu_unbootable_entries_are_skipped_and_explained)
{
	struct menu_choice c;
	struct menu_state st;
	unsigned n = setup(3);

	snprintf(its[1].note, sizeof(its[1].note), "not bootable: LOCALBOOT entry");
	UT_EQ_INT(drive("\033[B\r", 0, n, 0, -1, &opts, &c, &st), 0);
	UT_EQ_INT(c.index, 2); /* down skips entry 2 */
	UT_CHECK(strstr(screen, "Debian (recovery)  [bls]  -- not bootable: LOCALBOOT entry") != NULL);
	n = setup(3);
	snprintf(its[0].note, sizeof(its[0].note), "waiting for UUID=1234");
	UT_EQ_INT(drive("1\r2\r", 0, n, 0, 5, &opts, &c, &st), 0);
	UT_EQ_INT(c.index, 1); /* the default moved to the first bootable entry */
	UT_CHECK(strstr(screen, "entry 1 cannot be booted: waiting for UUID=1234") != NULL);
}

UT_TEST(menu_edit_command_line)
{
	struct menu_choice c;
	struct menu_state st;

	/* Backspace twice, type " 3", Enter. */
	UT_EQ_INT(drive("e\x7f\x7f" "3 x\r", 0, setup(2), 0, -1, &opts, &c, &st), 0);
	UT_EQ_INT(c.action, MENU_BOOT);
	UT_CHECK(c.edited);
	UT_EQ_STR(c.cmdline, "quiet root=/dev/vd3 x");
	/* ^U clears the whole line. */
	UT_EQ_INT(drive("e\x15zz\r", 0, setup(2), 0, -1, &opts, &c, &st), 0);
	UT_CHECK(c.edited);
	UT_EQ_STR(c.cmdline, "zz");
}

/* The edit uses the shell's editor (init/line_tty.c): ^W, arrow keys skipped, ^C cancels,
 * a line full to its capacity keeps what fits. */
UT_TEST(menu_edit_keys_are_the_shells)
{
	struct menu_choice c;
	struct menu_state st;
	char longline[sizeof(c.cmdline) + 64];

	/* ^W removes "root=/dev/vda1"; the left arrow's sequence leaves nothing behind. */
	UT_EQ_INT(drive("e\x17x\033[Dy\r", 0, setup(2), 0, -1, &opts, &c, &st), 0);
	UT_CHECK(c.edited);
	UT_EQ_STR(c.cmdline, "quiet xy");
	/* ^C cancels the edit; the Enter after it, typed ahead, is not replayed as a menu key:
	 * the menu waits for its next key and ends with the input. */
	UT_EQ_INT(drive("e\x03\r", 1, setup(2), 0, -1, &opts, &c, &st), -EPIPE);
	UT_CHECK(!c.edited);
	UT_CHECK(strstr(screen, "(edit cancelled)") != NULL);
	/* Typing past the capacity rings the bell; the edited line is kept, not dropped. */
	memset(longline, 'a', sizeof(longline));
	longline[0] = 'e';
	longline[sizeof(longline) - 2] = '\r';
	longline[sizeof(longline) - 1] = '\0';
	UT_EQ_INT(drive(longline, 0, setup(2), 0, -1, &opts, &c, &st), 0);
	UT_CHECK(c.edited);
	UT_EQ_INT((long long)strlen(c.cmdline), (long long)sizeof(c.cmdline) - 1);
	UT_CHECK(strncmp(c.cmdline, "quiet root=/dev/vda1aaa", 23) == 0);
}

UT_TEST(menu_edit_cancel_and_refusal)
{
	struct menu_choice c;
	struct menu_state st;
	struct menu_opts locked = opts;
	int in[2], outp[2];

	locked.allow_edit = false;
	locked.edit_refusal = "signatures are required: the command line cannot be edited";
	UT_EQ_INT(drive("e\r", 0, setup(2), 0, -1, &locked, &c, &st), 0);
	UT_EQ_INT(c.action, MENU_BOOT);
	UT_CHECK(!c.edited);
	UT_CHECK(strstr(screen, "signatures are required: the command line cannot be edited") !=
		 NULL);

	/* Esc arriving on its own cancels the edit; the next Enter boots the entry as it is. */
	UT_CHECK(pipe(in) == 0 && pipe(outp) == 0);
	menu_state_init(&st, its, 2, 0, -1, false, monotonic_ms());
	UT_CHECK(write(in[1], "e", 1) == 1);
	if (fork() == 0) {
		usleep(100000);
		if (write(in[1], "\033", 1) != 1)
			_exit(1);
		usleep(100000);
		if (write(in[1], "\r", 1) != 1)
			_exit(1);
		_exit(0);
	}
	UT_EQ_INT(menu_run(in[0], outp[1], its, 2, &opts, &st, &c), 0);
	UT_EQ_INT(c.action, MENU_BOOT);
	UT_CHECK(!c.edited);
	close(in[0]);
	close(in[1]);
	close(outp[0]);
	close(outp[1]);
}

UT_TEST(menu_rescan_shell_and_end_of_input)
{
	struct menu_choice c;
	struct menu_state st;
	struct menu_opts no_shell = opts;

	UT_EQ_INT(drive("r", 0, setup(2), 0, -1, &opts, &c, &st), 0);
	UT_EQ_INT(c.action, MENU_RESCAN);
	UT_EQ_INT(drive("s", 0, setup(2), 0, -1, &opts, &c, &st), 0);
	UT_EQ_INT(c.action, MENU_SHELL);
	no_shell.allow_shell = false;
	UT_EQ_INT(drive("s", 1, setup(2), 0, -1, &no_shell, &c, &st), -EPIPE);
	UT_CHECK(strstr(screen, "the recovery shell is disabled by the policy") != NULL);
	UT_EQ_INT(drive("", 1, setup(0), 0, 5, &opts, &c, &st), -EPIPE);
	UT_CHECK(strstr(screen, "no boot entries yet") != NULL);
}

UT_TEST(menu_refresh_ticks_keep_the_countdown)
{
	struct menu_choice c;
	struct menu_state st;
	struct menu_opts tick = opts;
	int in[2], outp[2];
	uint64_t deadline;

	tick.refresh_ms = 200;
	UT_CHECK(pipe(in) == 0 && pipe(outp) == 0);
	fcntl(outp[1], F_SETPIPE_SZ, 1 << 20);
	setup(2);
	menu_state_init(&st, its, 2, 1, 2, false, monotonic_ms());
	deadline = st.deadline_ms;
	UT_EQ_INT(menu_run(in[0], outp[1], its, 2, &tick, &st, &c), 0);
	UT_EQ_INT(c.action, MENU_REFRESH);
	UT_CHECK(st.counting);
	UT_EQ_INT(st.deadline_ms, deadline);
	for (int i = 0; i < 20 && c.action == MENU_REFRESH; i++)
		UT_EQ_INT(menu_run(in[0], outp[1], its, 2, &tick, &st, &c), 0);
	UT_EQ_INT(c.action, MENU_BOOT);
	UT_EQ_INT(c.index, 1);
	UT_CHECK(monotonic_ms() >= deadline);
	close(in[0]);
	close(in[1]);
	close(outp[0]);
	close(outp[1]);
}

UT_TEST(menu_groups_network_entries_under_their_interface)
{
	struct menu_choice c;
	struct menu_state st;
	unsigned n = setup(3);

	/* Two network entries on the same server but different interfaces: two groups. */
	snprintf(ents[1].root, sizeof(ents[1].root), "tftp://10.99.0.1");
	snprintf(ents[1].group, sizeof(ents[1].group), "eth0");
	snprintf(ents[2].root, sizeof(ents[2].root), "tftp://10.99.0.1");
	snprintf(ents[2].group, sizeof(ents[2].group), "eth1");
	UT_EQ_INT(drive("", 0, n, 0, 0, &opts, &c, &st), 0);
	UT_CHECK(strstr(screen, "  vda:\n") != NULL);
	UT_CHECK(strstr(screen, "  eth0:\n") != NULL);
	UT_CHECK(strstr(screen, "  eth1:\n") != NULL);
	UT_CHECK(strstr(screen, "10.99.0.1:\n") == NULL);
}
