/* One line typed on the console: the recovery shell's command lines and the menu's edit of
 * an entry's command line. On a terminal the editor takes the console in character mode
 * without echo and edits and echoes itself: the menu leaves the console raw, a serial line
 * may send CR or DEL or BS, and one behaviour everywhere is what an operator can rely on.
 * Bytes are read one at a time so that nothing past the line is consumed: what follows the
 * shell's `exit` belongs to the menu. */
#include "init/internal.h"
#include "util/util.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#define KEY_CTRL(c) ((c) & 0x1f)
#define KEY_DEL 0x7f
#define KEY_ESC 0x1b
#define ESC_SEQ_MAX 8        /* bytes of an escape sequence (arrow keys) skipped */
#define READ_RETRIES_MAX 64  /* interrupted or not-ready reads in a row before giving up */
/* An Esc key alone arrives by itself; an arrow key's sequence follows its ESC at once (a
 * terminal sends it in one write, at 9600 baud 1 ms a byte). */
#define ESC_ALONE_MS 50

void line_tty_begin(struct line_tty *t, int in, int out)
{
	struct termios mode;

	memset(t, 0, sizeof(*t));
	t->in = in;
	t->out = out;
	if (tcgetattr(in, &t->saved) < 0)
		return; /* a pipe or a file: lines arrive whole, nobody to echo to */
	mode = t->saved;
	/* ^C and ^U arrive as bytes (ISIG off): PID 1 must not be signalled from the console. */
	mode.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | ISIG | IEXTEN);
	mode.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | ISTRIP);
	mode.c_oflag |= OPOST | ONLCR;
	mode.c_cc[VMIN] = 1;
	mode.c_cc[VTIME] = 0;
	if (tcsetattr(in, TCSANOW, &mode) == 0) {
		t->is_tty = true;
		t->echo = true;
		return;
	}
	/* Mode unchanged: echo only when the terminal itself does not. */
	t->echo = !(t->saved.c_lflag & ECHO);
}

void line_tty_end(struct line_tty *t)
{
	if (t->is_tty)
		tcsetattr(t->in, TCSANOW, &t->saved);
	t->is_tty = false;
}

static void put(struct line_tty *t, const char *s, size_t n)
{
	if (write_all(t->out, s, n) < 0) {
		/* The console is gone; reading will notice too. */
	}
}

static void echo(struct line_tty *t, bool secret, const char *s, size_t n)
{
	if (t->echo && !secret)
		put(t, s, n);
}

/* Returns 1 with a byte in *C (bytes the caller read already come first), 0 at the end of
 * input, or -errno. */
static int read_byte(struct line_tty *t, unsigned char *c)
{
	if (t->npending) {
		*c = *t->pending++;
		t->npending--;
		return 1;
	}
	for (unsigned tries = 0; tries < READ_RETRIES_MAX; tries++) {
		ssize_t n = read(t->in, c, 1);
		struct pollfd pfd = { .fd = t->in, .events = POLLIN };

		if (n >= 0)
			return (int)n;
		if (errno == EAGAIN)
			poll(&pfd, 1, -1); /* a non-blocking console: wait for a key */
		else if (errno != EINTR)
			return -errno;
	}
	return -EIO;
}

/* Whether the Esc just read came alone (the key) rather than starting a sequence. */
static bool esc_alone(struct line_tty *t)
{
	struct pollfd pfd = { .fd = t->in, .events = POLLIN };

	return t->npending == 0 && poll(&pfd, 1, ESC_ALONE_MS) == 0;
}

/* An escape sequence (ESC [ ... final, ESC O x, ESC x): there is no history or cursor
 * movement, so arrow keys must not leave garbage in the line. */
static int skip_escape(struct line_tty *t)
{
	unsigned char c;
	int r = read_byte(t, &c);

	if (r <= 0 || (c != '[' && c != 'O'))
		return r;
	for (unsigned i = 0; i < ESC_SEQ_MAX; i++) {
		r = read_byte(t, &c);
		if (r <= 0 || (c >= 0x40 && c <= 0x7e))
			return r;
	}
	return 1;
}

/* Removes the last character (all bytes of a UTF-8 sequence) of BUF[0..*LEN). */
static void erase_char(struct line_tty *t, bool secret, char *buf, size_t *len)
{
	if (*len == 0)
		return;
	while (*len > 1 && ((unsigned char)buf[*len - 1] & 0xc0) == 0x80)
		(*len)--;
	(*len)--;
	echo(t, secret, "\b \b", 3);
}

static void erase_word(struct line_tty *t, bool secret, char *buf, size_t *len)
{
	while (*len > 0 && buf[*len - 1] == ' ')
		erase_char(t, secret, buf, len);
	while (*len > 0 && buf[*len - 1] != ' ')
		erase_char(t, secret, buf, len);
}

int line_tty_read(struct line_tty *t, const struct line_opts *o, char *buf, size_t cap)
{
	size_t len = 0;
	bool too_long = false, first = true;
	unsigned char c;
	int r;

	if (cap == 0)
		return -E2BIG;
	if (o->edit) {
		len = strnlen(buf, cap - 1);
		buf[len] = '\0';
	} else {
		buf[0] = '\0';
	}
	if (t->eof)
		return -EPIPE;
	t->pending = o->pending;
	t->npending = o->pending ? o->npending : 0;
	put(t, o->prompt, strlen(o->prompt));
	if (o->edit && !o->secret)
		put(t, buf, len);
	/* Each pass consumes one byte: the input itself bounds the loop, BUF never overflows. */
	for (;; first = false) {
		r = read_byte(t, &c);
		if (r < 0)
			goto out;
		if (r == 0) {
			/* The input ended: a last line without its newline still counts. */
			if (len == 0 && !too_long) {
				r = -EPIPE;
				goto out;
			}
			t->eof = true;
			break;
		}
		if (c == '\n' && first && t->after_cr) {
			t->after_cr = false; /* the LF of a CR LF pair: the line already ended */
			continue;
		}
		t->after_cr = c == '\r';
		if (c == '\r' || c == '\n')
			break;
		if (c == KEY_CTRL('D') && len == 0 && !too_long) {
			if (t->echo || t->is_tty)
				put(t, "\n", 1);
			r = -EPIPE;
			goto out;
		}
		if (o->cancel && (c == KEY_CTRL('C') || (c == KEY_ESC && esc_alone(t)))) {
			put(t, "\n", 1);
			r = -ECANCELED;
			goto out;
		}
		if (c == KEY_CTRL('C')) {
			len = 0;
			too_long = false;
			put(t, "^C\n", 3);
			put(t, o->prompt, strlen(o->prompt));
		} else if (c == KEY_ESC) {
			r = skip_escape(t);
			if (r < 0)
				goto out;
		} else if (too_long) {
			continue; /* the line is dropped at its end; edits cannot save it */
		} else if (c == KEY_DEL || c == '\b') {
			erase_char(t, o->secret, buf, &len);
		} else if (c == KEY_CTRL('U')) {
			while (len > 0)
				erase_char(t, o->secret, buf, &len);
		} else if (c == KEY_CTRL('W')) {
			erase_word(t, o->secret, buf, &len);
		} else if (c < 0x20 && c != '\t') {
			continue; /* other control keys mean nothing here */
		} else if (len + 1 >= cap) {
			/* Editing keeps what fits; a line typed afresh is dropped whole. */
			too_long = !o->edit;
			echo(t, o->secret, "\a", 1);
		} else {
			buf[len++] = c == '\t' ? ' ' : (char)c;
			echo(t, o->secret, &buf[len - 1], 1);
		}
	}
	if (t->echo || t->is_tty)
		put(t, "\n", 1);
	buf[len] = '\0';
	r = (int)len;
	if (too_long) {
		buf[0] = '\0';
		r = -E2BIG;
	}
out:
	t->pending = NULL;
	t->npending = 0;
	return r;
}
