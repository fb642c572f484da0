/* The grub.cfg lexer: GRUB's token rules (grub-core/script/yylex.l), without its ability to
 * read past the text it was given. A word is a run of plain characters, 'single quoted' and
 * "double quoted" strings, backslash escapes and $variables; { } ; newline && || are tokens
 * of their own; | & < > and ;; are GRUB tokens that its grammar never accepts (GT_BAD).
 * A word keeps its raw text: expand.c removes quotes and substitutes variables when the
 * command runs, because GRUB expands at run time, not at parse time. */
#include "grub/grub_int.h"

#include <string.h>

void grub_lex_init(struct grub_lexer *lx, const char *buf, size_t len, unsigned line)
{
	lx->buf = buf;
	lx->len = len;
	lx->pos = 0;
	lx->line = line;
}

static int is_blank(char c)
{
	/* '\r' is a word character to GRUB; CRLF files are common enough to forgive. */
	return c == ' ' || c == '\t' || c == '\r';
}

/* Characters that end a plain run (GRUB's CHAR class is everything else). */
static int is_word_char(char c)
{
	return c && !strchr("{}|&$;<> \t\r\n'\"\\", c);
}

static int is_alpha_(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int grub_is_name(const char *s, size_t n)
{
	if (n == 0 || !is_alpha_(s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!is_alpha_(s[i]) && !is_digit(s[i]))
			return 0;
	return 1;
}

/* Length of the variable reference after a '$' at P (0 when none): NAME, DIGITS, one of
 * ?#*@, or the same in braces. */
static size_t var_ref_len(const char *b, size_t len, size_t p)
{
	size_t q = p, close;

	if (q >= len)
		return 0;
	if (b[q] == '{') {
		q++;
		if (q < len && b[q] && strchr("?#*@", b[q])) {
			q++;
		} else if (q < len && is_digit(b[q])) {
			while (q < len && is_digit(b[q]))
				q++;
		} else if (q < len && is_alpha_(b[q])) {
			while (q < len && (is_alpha_(b[q]) || is_digit(b[q])))
				q++;
		} else {
			return 0;
		}
		close = q;
		if (close >= len || b[close] != '}')
			return 0;
		return close + 1 - p;
	}
	if (b[q] && strchr("?#*@", b[q]))
		return 1;
	if (is_digit(b[q])) {
		while (q < len && is_digit(b[q]))
			q++;
		return q - p;
	}
	if (is_alpha_(b[q])) {
		while (q < len && (is_alpha_(b[q]) || is_digit(b[q])))
			q++;
		return q - p;
	}
	return 0;
}

/* Scans a word starting at lx->pos; on error sets T to GT_BAD. */
static void scan_word(struct grub_lexer *lx, struct grub_token *t)
{
	const char *b = lx->buf;
	size_t len = lx->len, p = lx->pos;
	unsigned open_line;

	while (p < len) {
		char c = b[p];

		if (is_word_char(c)) {
			p++;
		} else if (c == '\\') {
			if (p + 1 < len && b[p + 1] == '\n')
				lx->line++;
			p += (p + 1 < len) ? 2 : 1;
		} else if (c == '\'') {
			open_line = lx->line;
			for (p++; p < len && b[p] != '\''; p++) {
				if (b[p] == '\n')
					lx->line++;
				else if (b[p] == '\0')
					goto nul;
			}
			if (p >= len) {
				t->why = "quote ' is never closed";
				t->line = open_line;
				goto bad;
			}
			p++;
		} else if (c == '"' || (c == '$' && p + 1 < len && b[p + 1] == '"')) {
			/* $"..." is GRUB's translated string: for embark, a "..." string. */
			open_line = lx->line;
			p += (c == '$') ? 2 : 1;
			while (p < len && b[p] != '"') {
				if (b[p] == '\\') {
					if (p + 1 < len && b[p + 1] == '\n')
						lx->line++;
					p += (p + 1 < len) ? 2 : 1;
					continue;
				}
				if (b[p] == '$') {
					size_t v = var_ref_len(b, len, p + 1);

					if (!v) {
						t->why = "'$' is not followed by a variable name";
						goto bad;
					}
					p += 1 + v;
					continue;
				}
				if (b[p] == '\n')
					lx->line++;
				else if (b[p] == '\0')
					goto nul;
				p++;
			}
			if (p >= len) {
				t->why = "quote \" is never closed";
				t->line = open_line;
				goto bad;
			}
			p++;
		} else if (c == '$') {
			size_t v = var_ref_len(b, len, p + 1);

			if (!v) {
				t->why = "'$' is not followed by a variable name";
				goto bad;
			}
			p += 1 + v;
		} else if (c == '\0') {
			goto nul;
		} else {
			break;
		}
	}
	t->type = GT_WORD;
	t->end = p;
	lx->pos = p;
	return;
nul:
	t->why = "NUL byte in a text file";
bad:
	t->type = GT_BAD;
	/* Resume after the offending line so that a caller skipping tokens makes progress. */
	while (p < len && b[p] != '\n')
		p++;
	t->end = p;
	lx->pos = p;
}

void grub_lex_next(struct grub_lexer *lx, struct grub_token *t)
{
	const char *b = lx->buf;
	size_t len = lx->len;

	for (;;) {
		while (lx->pos < len && is_blank(b[lx->pos]))
			lx->pos++;
		if (lx->pos + 1 < len && b[lx->pos] == '\\' && b[lx->pos + 1] == '\n') {
			lx->pos += 2; /* a line continuation between words */
			lx->line++;
			continue;
		}
		if (lx->pos < len && b[lx->pos] == '#') {
			while (lx->pos < len && b[lx->pos] != '\n')
				lx->pos++;
			continue;
		}
		break;
	}
	t->start = lx->pos;
	t->line = lx->line;
	t->col0 = lx->pos == 0 || b[lx->pos - 1] == '\n';
	t->why = NULL;
	if (lx->pos >= len) {
		t->type = GT_EOF;
		t->end = lx->pos;
		return;
	}
	switch (b[lx->pos]) {
	case '\n':
		t->type = GT_NEWLINE;
		lx->pos++;
		lx->line++;
		break;
	case ';':
		if (lx->pos + 1 < len && b[lx->pos + 1] == ';') {
			t->type = GT_BAD;
			t->why = "';;' (case) is not GRUB syntax";
			lx->pos += 2;
		} else {
			t->type = GT_SEMI;
			lx->pos++;
		}
		break;
	case '&':
		if (lx->pos + 1 < len && b[lx->pos + 1] == '&') {
			t->type = GT_AND;
			lx->pos += 2;
		} else {
			t->type = GT_BAD;
			t->why = "'&' (background job) is not GRUB syntax";
			lx->pos++;
		}
		break;
	case '|':
		if (lx->pos + 1 < len && b[lx->pos + 1] == '|') {
			t->type = GT_OR;
			lx->pos += 2;
		} else {
			t->type = GT_BAD;
			t->why = "'|' (pipe) is not GRUB syntax";
			lx->pos++;
		}
		break;
	case '<':
	case '>':
		t->type = GT_BAD;
		t->why = "'<' and '>' (redirection) are not GRUB syntax";
		lx->pos++;
		break;
	case '{':
		t->type = GT_LBRACE;
		lx->pos++;
		break;
	case '}':
		t->type = GT_RBRACE;
		lx->pos++;
		break;
	default:
		scan_word(lx, t);
		return;
	}
	t->end = lx->pos;
}
