/* The boot menu on the console: entries grouped by the device they came from, the default
 * highlighted, a countdown any key stops, arrows/j/k or numbers to select, Enter to boot,
 * 'e' to edit the command line (when the policy allows), 'r' to rescan, 's' for the recovery
 * shell. Two renderings: ANSI (redraws in place; every serial terminal emulator speaks it) and
 * plain (TERM=dumb, or a log being read by a program: prints the list once and the countdown
 * as a single line). No curses: the console may be a bare UART.
 *
 * menu_run() returns to its caller for everything that is not a key (a refresh tick, so PID 1
 * can pick up hotplugged devices) and keeps its state in struct menu_state, which the caller
 * owns, so the countdown survives those returns. It never reads a device or a file itself. */
#include "init/internal.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MENU_OUT_MAX 8192     /* one rendering of the menu */
#define MENU_KEYS_MAX 64      /* bytes read at once */

enum menu_key {
	KEY_NONE = 0,
	KEY_UP,
	KEY_DOWN,
	KEY_ENTER,
	KEY_EDIT,
	KEY_RESCAN,
	KEY_SHELL,
	KEY_DIGIT,
	KEY_OTHER,
};

static char out_buf[MENU_OUT_MAX];
static size_t out_len;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (out_len >= sizeof(out_buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(out_buf + out_len, sizeof(out_buf) - out_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		out_len += (size_t)n < sizeof(out_buf) - out_len ? (size_t)n
								  : sizeof(out_buf) - out_len - 1;
}

static void flush(int fd)
{
	size_t off = 0;

	while (off < out_len) {
		ssize_t w = write(fd, out_buf + off, out_len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	out_len = 0;
}

/* The device an entry's group is named after: the last part of its mount point
 * (/run/embark/media/vda1 -> vda1), or the directory for host scans. */
static const char *group_name(const struct boot_entry *e)
{
	const char *slash = strrchr(e->root, '/');

	if (e->group[0])
		return e->group;
	return slash && slash[1] ? slash + 1 : e->root;
}

static int selectable(const struct menu_item *it)
{
	return it->note[0] == '\0';
}

static void render_countdown(struct menu_state *st, const struct menu_item *items, uint64_t now)
{
	unsigned left = st->deadline_ms > now ? (unsigned)((st->deadline_ms - now + 999) / 1000) : 0;

	if (left == st->shown_left)
		return;
	st->shown_left = left;

	out("%sbooting '%s' in %u s; any key stops%s", st->ansi ? "\r\033[K" : "",
	    items[st->selected].entry->title, left, st->ansi ? "" : "\n");
}

static void render(struct menu_state *st, const struct menu_item *items, unsigned n,
		   const struct menu_opts *o, uint64_t now)
{
	const char *group = NULL;

	if (st->ansi)
		out("\033[2J\033[H");
	out("embark boot menu%s\n", n ? "" : ": no boot entries yet");
	for (unsigned i = 0; i < n; i++) {
		const struct boot_entry *e = items[i].entry;
		int sel = i == st->selected;

		if (!group || strcmp(group, e->group[0] ? e->group : e->root) != 0) {
			group = e->group[0] ? e->group : e->root;
			out("  %s:\n", group_name(e));
		}
		out("%s%s%2u) %s  [%s]%s%s%s\n", st->ansi && sel ? "\033[7m" : "", sel ? " >" : "  ",
		    i + 1, e->title, boot_format_name(e->format),
		    items[i].note[0] ? "  -- " : "", items[i].note, st->ansi && sel ? "\033[0m" : "");
	}
	out("\nEnter: boot  arrows/j/k/number: select%s  r: rescan%s\n",
	    o->allow_edit ? "  e: edit command line" : "", o->allow_shell ? "  s: shell" : "");
	st->shown_left = UINT32_MAX;
	if (st->counting && n)
		render_countdown(st, items, now);
}

/* Decodes one key from BUF[*pos..len): ESC [ A / ESC O A (up), B (down), j/k, digits, CR/LF,
 * e, r, s. Returns the key; *DIGIT gets a digit's value. */
static enum menu_key decode_key(const unsigned char *buf, size_t len, size_t *pos, int *digit)
{
	unsigned char c = buf[(*pos)++];

	if (c == 0x1b) {
		if (len - *pos >= 2 && (buf[*pos] == '[' || buf[*pos] == 'O')) {
			unsigned char k = buf[*pos + 1];

			*pos += 2;
			if (k == 'A')
				return KEY_UP;
			if (k == 'B')
				return KEY_DOWN;
			/* Other sequences (ESC [ 1 ; 5 C ...): skip to their final byte. */
			for (int i = 0; i < 8 && *pos < len && !(k >= 0x40 && k <= 0x7e); i++)
				k = buf[(*pos)++];
		}
		return KEY_OTHER;
	}
	if (c == '\r' || c == '\n')
		return KEY_ENTER;
	if (c == 'k')
		return KEY_UP;
	if (c == 'j')
		return KEY_DOWN;
	if (c == 'e')
		return KEY_EDIT;
	if (c == 'r')
		return KEY_RESCAN;
	if (c == 's')
		return KEY_SHELL;
	if (c >= '0' && c <= '9') {
		*digit = c - '0';
		return KEY_DIGIT;
	}
	return KEY_OTHER;
}

static void move_selection(struct menu_state *st, const struct menu_item *items, unsigned n,
			   int dir)
{
	unsigned i = st->selected;

	for (unsigned step = 0; step < n; step++) {
		i = (i + n + (unsigned)dir) % n;
		if (selectable(&items[i])) {
			st->selected = i;
			return;
		}
	}
}

/* Reads bytes from IN, up to WAIT_MS (-1: forever). Returns the count, 0 on timeout, or
 * -errno (-EPIPE at end of input). */
static int read_keys(int in, unsigned char *buf, size_t cap, int wait_ms)
{
	struct pollfd p = { .fd = in, .events = POLLIN };
	ssize_t n;
	int r = poll(&p, 1, wait_ms);

	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r == 0)
		return 0;
	n = read(in, buf, cap);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	return n == 0 ? -EPIPE : (int)n;
}

/* Edits CMD in place on the console (init/line_tty.c: the shell's keys): Enter accepts (1),
 * Esc alone or ^C cancels (0); -errno when input ends. The PENDING bytes (typed after 'e',
 * already read by the menu) come first. */
static int edit_line(int in, int outfd, char *cmd, size_t cap, const unsigned char *pending,
		     size_t npending)
{
	const struct line_opts o = { .prompt = "> ", .edit = true, .cancel = true,
				     .pending = pending, .npending = npending };
	struct line_tty t;
	int r;

	out("\nedit the command line; Enter boots, Esc cancels:\n");
	flush(outfd);
	line_tty_begin(&t, in, outfd);
	r = line_tty_read(&t, &o, cmd, cap);
	line_tty_end(&t);
	if (r == -ECANCELED) {
		out("(edit cancelled)\n");
		flush(outfd);
		return 0;
	}
	return r < 0 ? r : 1;
}

void menu_state_init(struct menu_state *st, const struct menu_item *items, unsigned n,
		     unsigned default_index, int timeout_s, bool ansi, uint64_t now)
{
	memset(st, 0, sizeof(*st));
	st->ansi = ansi;
	st->selected = default_index < n ? default_index : 0;
	if (n && !selectable(&items[st->selected]))
		move_selection(st, items, n, 1);
	st->counting = timeout_s >= 0 && n > 0 && selectable(&items[st->selected]);
	st->deadline_ms = now + (uint64_t)(timeout_s > 0 ? timeout_s : 0) * 1000;
	st->redraw = true;
}

int menu_run(int in, int outfd, const struct menu_item *items, unsigned n,
	     const struct menu_opts *o, struct menu_state *st, struct menu_choice *choice)
{
	unsigned char keys[MENU_KEYS_MAX];
	uint64_t started = monotonic_ms();

	memset(choice, 0, sizeof(*choice));
	if (n && st->selected >= n)
		st->selected = n - 1;
	for (unsigned rounds = 0; rounds < 1000000; rounds++) {
		uint64_t now = monotonic_ms();
		int wait = 1000, got;

		if (st->redraw) {
			render(st, items, n, o, now);
			flush(outfd);
			st->redraw = false;
		}
		if (st->counting) {
			if (!selectable(&items[st->selected])) {
				st->counting = false;
			} else if (now >= st->deadline_ms) {
				st->counting = false;
				choice->action = MENU_BOOT;
				choice->index = st->selected;
				out("\n");
				flush(outfd);
				return 0;
			} else {
				wait = (int)((st->deadline_ms - now) % 1000);
				wait = wait ? wait : 1000;
			}
		}
		if (o->refresh_ms && now - started >= o->refresh_ms) {
			choice->action = MENU_REFRESH;
			return 0;
		}
		if (o->refresh_ms && (uint64_t)wait > o->refresh_ms - (now - started))
			wait = (int)(o->refresh_ms - (now - started));
		got = read_keys(in, keys, sizeof(keys), wait);
		if (got < 0)
			return got;
		if (got == 0) {
			if (st->counting) {
				render_countdown(st, items, monotonic_ms());
				if (st->ansi)
					flush(outfd);
				else
					out_len = 0; /* plain: the countdown was said once */
			}
			continue;
		}
		if (st->counting) {
			st->counting = false;
			out("%s(countdown stopped)\n", st->ansi ? "\r\033[K" : "");
			flush(outfd);
		}
		for (size_t pos = 0; pos < (size_t)got;) {
			int digit = 0;
			enum menu_key k = decode_key(keys, (size_t)got, &pos, &digit);

			switch (k) {
			case KEY_UP:
			case KEY_DOWN:
				if (n) {
					move_selection(st, items, n, k == KEY_UP ? -1 : 1);
					st->redraw = true;
				}
				st->number = 0;
				break;
			case KEY_DIGIT:
				/* "1","2" is entry 12 when there is one, else entry 2. */
				st->number = st->number * 10 + (unsigned)digit;
				if (st->number < 1 || st->number > n || st->number > 999)
					st->number = (unsigned)digit;
				if (st->number >= 1 && st->number <= n) {
					st->selected = st->number - 1;
					st->redraw = true;
				}
				break;
			case KEY_ENTER:
				st->number = 0;
				if (!n)
					break;
				if (!selectable(&items[st->selected])) {
					out("entry %u cannot be booted: %s\n", st->selected + 1,
					    items[st->selected].note);
					flush(outfd);
					break;
				}
				choice->action = MENU_BOOT;
				choice->index = st->selected;
				return 0;
			case KEY_EDIT:
				if (!n || !selectable(&items[st->selected]))
					break;
				if (!o->allow_edit) {
					out("%s\n", o->edit_refusal);
					flush(outfd);
					break;
				}
				snprintf(choice->cmdline, sizeof(choice->cmdline), "%s",
					 items[st->selected].entry->cmdline);
				got = edit_line(in, outfd, choice->cmdline, sizeof(choice->cmdline),
						keys + pos, (size_t)got - pos);
				if (got < 0)
					return got;
				if (got == 1) {
					choice->action = MENU_BOOT;
					choice->index = st->selected;
					choice->edited = true;
					return 0;
				}
				st->redraw = true;
				break;
			case KEY_RESCAN:
				choice->action = MENU_RESCAN;
				st->redraw = true;
				return 0;
			case KEY_SHELL:
				if (!o->allow_shell) {
					out("the recovery shell is disabled by the policy (shell = no)\n");
					flush(outfd);
					break;
				}
				choice->action = MENU_SHELL;
				st->redraw = true;
				return 0;
			default:
				break;
			}
		}
	}
	return -ELOOP;
}
