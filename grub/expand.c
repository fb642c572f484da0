/* Word expansion with GRUB's rules (grub-core/script/execute.c, argv.c):
 *  - 'single quotes' are literal; "double quotes" keep \$ \\ \" as the escaped character,
 *    drop backslash-newline and keep any other backslash;
 *  - outside quotes a backslash makes the next character literal;
 *  - $NAME ${NAME} $1..$N $# $* $@ $? are substituted. Outside double quotes the value is
 *    split at white space (a leading space starts an empty argument first, as GRUB does); a
 *    word that expands to nothing unquoted is no argument at all; quotes always make one;
 *  - "$@" gives one argument per parameter, "$*" one argument joined with spaces.
 * Arguments are NUL-terminated strings in the interpreter's arena; the caller releases them.
 */
#include "grub/grub_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct expander {
	struct grub_interp *in;
	char **argv;
	unsigned argc, max;
	int open;       /* argv[argc] has been started */
	int err;
};

static void open_field(struct expander *x)
{
	struct grub_interp *in = x->in;

	if (x->open || x->err)
		return;
	if (x->argc >= x->max || in->arena_used >= GRUB_ARENA) {
		x->err = -E2BIG;
		return;
	}
	x->argv[x->argc] = in->arena + in->arena_used;
	x->open = 1;
}

static void put(struct expander *x, const char *s, size_t n)
{
	struct grub_interp *in = x->in;

	open_field(x);
	if (x->err)
		return;
	/* One byte stays free for the terminating NUL. */
	if (n >= GRUB_ARENA - in->arena_used) {
		x->err = -E2BIG;
		return;
	}
	memcpy(in->arena + in->arena_used, s, n);
	in->arena_used += n;
}

static void end_field(struct expander *x)
{
	if (!x->open || x->err)
		return;
	x->in->arena[x->in->arena_used++] = '\0';
	x->argc++;
	x->open = 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* GRUB's grub_script_argv_split_append. */
static void split_append(struct expander *x, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t a = i;

		while (a < n && !is_space(s[a]))
			a++;
		put(x, s + i, a - i);
		i = a;
		while (i < n && is_space(s[i]))
			i++;
		if (i < n)
			end_field(x);
	}
}

static void put_value(struct expander *x, const char *v, size_t n, int quoted)
{
	if (quoted)
		put(x, v, n);
	else
		split_append(x, v, n);
}

/* Substitutes the variable NAME (N bytes, braces removed). */
static void substitute(struct expander *x, const char *name, size_t n, int quoted)
{
	struct grub_interp *in = x->in;
	struct grub_params *p = grub_params_cur(in);
	char num[16];

	if (n == 1 && name[0] == '?') {
		snprintf(num, sizeof(num), "%d", in->status);
		put_value(x, num, strlen(num), quoted);
	} else if (n == 1 && name[0] == '#') {
		snprintf(num, sizeof(num), "%u", p ? p->argc : 0);
		put_value(x, num, strlen(num), quoted);
	} else if (n == 1 && (name[0] == '@' || name[0] == '*')) {
		for (unsigned i = 0; p && i < p->argc; i++) {
			const char *v = grub_param(p, i);

			if (quoted && name[0] == '*') {
				if (i)
					put(x, " ", 1);
				put(x, v, strlen(v));
				continue;
			}
			if (i)
				end_field(x);
			put_value(x, v, strlen(v), quoted);
		}
	} else if (name[0] >= '0' && name[0] <= '9') {
		unsigned long k = 0;

		for (size_t i = 0; i < n && k < 1000; i++)
			k = k * 10 + (unsigned long)(name[i] - '0');
		if (p && k >= 1 && k <= p->argc) {
			const char *v = grub_param(p, (unsigned)(k - 1));

			put_value(x, v, strlen(v), quoted);
		}
	} else {
		size_t vlen;
		const char *v = grub_env_get(grub_env_cur(in), name, n, &vlen);

		if (v && vlen)
			put_value(x, v, vlen, quoted);
	}
}

/* A $reference at S[i] (S[i] == '$'); returns the index after it. The lexer has checked
 * its form, so it is well formed. */
static size_t dollar(struct expander *x, const char *s, size_t len, size_t i, int quoted)
{
	size_t a = i + 1, b;

	if (a < len && s[a] == '{') {
		b = a + 1;
		while (b < len && s[b] != '}')
			b++;
		substitute(x, s + a + 1, b - a - 1, quoted);
		return b < len ? b + 1 : b;
	}
	if (a < len && strchr("?#*@", s[a]) && s[a]) {
		substitute(x, s + a, 1, quoted);
		return a + 1;
	}
	b = a;
	if (b < len && s[b] >= '0' && s[b] <= '9') {
		while (b < len && s[b] >= '0' && s[b] <= '9')
			b++;
	} else {
		while (b < len && (grub_is_name(s + b, 1) || (s[b] >= '0' && s[b] <= '9')))
			b++;
	}
	if (b == a) { /* cannot happen after the lexer; keep the '$' */
		put(x, "$", 1);
		return a;
	}
	substitute(x, s + a, b - a, quoted);
	return b;
}

static void expand_word(struct expander *x, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && !x->err) {
		char c = s[i];

		if (c == '\\') {
			if (i + 1 < len && s[i + 1] != '\n')
				put(x, s + i + 1, 1);
			else if (i + 1 >= len)
				put(x, "\\", 1);
			i += 2;
		} else if (c == '\'') {
			size_t e = i + 1;

			while (e < len && s[e] != '\'')
				e++;
			open_field(x);
			put(x, s + i + 1, e - i - 1);
			i = e + 1;
		} else if (c == '"' || (c == '$' && i + 1 < len && s[i + 1] == '"')) {
			i += c == '$' ? 2 : 1;
			open_field(x);
			while (i < len && s[i] != '"' && !x->err) {
				if (s[i] == '\\' && i + 1 < len && strchr("$\\\"\n", s[i + 1])) {
					if (s[i + 1] != '\n')
						put(x, s + i + 1, 1);
					i += 2;
				} else if (s[i] == '$') {
					i = dollar(x, s, len, i, 1);
				} else {
					put(x, s + i, 1);
					i++;
				}
			}
			i++;
		} else if (c == '$') {
			i = dollar(x, s, len, i, 0);
		} else {
			put(x, s + i, 1);
			i++;
		}
	}
}

int grub_expand(struct grub_interp *in, const char *text, unsigned word, unsigned n,
		char **argv, unsigned max)
{
	struct expander x = { .in = in, .argv = argv, .max = max };

	for (unsigned w = 0; w < n && !x.err; w++) {
		const struct grub_span *sp = &in->spans[word + w];

		expand_word(&x, text + sp->off, sp->len);
		end_field(&x);
	}
	if (x.err)
		return x.err;
	argv[x.argc] = NULL;
	return (int)x.argc;
}

int grub_loader_cmdline(char *const *argv, unsigned argc, char *out, size_t cap)
{
	size_t o = 0;

	if (cap == 0)
		return -E2BIG;
	for (unsigned i = 0; i < argc; i++) {
		const char *c = argv[i];
		int space = strchr(c, ' ') != NULL;

		/* Every write below checks its room, keeping one byte for the NUL. */
		if (i && o + 1 >= cap)
			return -E2BIG;
		if (i)
			out[o++] = ' ';
		if (space) {
			if (o + 1 >= cap)
				return -E2BIG;
			out[o++] = '"';
		}
		for (; *c; c++) {
			int hex = c[0] == '\\' && c[1] == 'x' && strchr("0123456789abcdefABCDEF", c[2]) &&
				  c[2] && c[3] && strchr("0123456789abcdefABCDEF", c[3]);

			if (o + 4 >= cap)
				return -E2BIG;
			if (hex) {
				memcpy(out + o, c, 4); /* \xHH stays as written */
				o += 4;
				c += 3;
				continue;
			}
			if (*c == '\\' || *c == '\'' || *c == '"')
				out[o++] = '\\';
			out[o++] = *c;
		}
		if (space) {
			if (o + 1 >= cap)
				return -E2BIG;
			out[o++] = '"';
		}
	}
	out[o] = '\0';
	return 0;
}
