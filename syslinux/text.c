/* Lexing one configuration line: blanks, words, keywords, numbers. syslinux treats every
 * byte up to and including the space (0x20) as a blank, and matches a keyword only when a
 * blank or the end of the line follows it ("labelx" is not "label"). */
#include "syslinux/internal.h"

#include <errno.h>
#include <string.h>

int sl_is_space(char c)
{
	return c != '\0' && (unsigned char)c <= ' ';
}

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

struct sl_str sl_trim(struct sl_str v)
{
	while (v.n > 0 && sl_is_space(v.s[0])) {
		v.s++;
		v.n--;
	}
	while (v.n > 0 && sl_is_space(v.s[v.n - 1]))
		v.n--;
	return v;
}

size_t sl_word_len(struct sl_str v)
{
	size_t k = 0;

	while (k < v.n && !sl_is_space(v.s[k]))
		k++;
	return k;
}

/* What follows the first word and the blanks after it. */
struct sl_str sl_after_word(struct sl_str v)
{
	size_t k = sl_word_len(v);

	v.s += k;
	v.n -= k;
	while (v.n > 0 && sl_is_space(v.s[0])) {
		v.s++;
		v.n--;
	}
	return v;
}

/* When V starts with keyword KW (lower case; compared without case) followed by a blank or
 * the end, moves V past it and the blanks after it and returns 1; else returns 0. */
int sl_take_keyword(struct sl_str *v, const char *kw)
{
	size_t k = strlen(kw);

	if (v->n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (ascii_lower(v->s[i]) != kw[i])
			return 0;
	if (v->n > k && !sl_is_space(v->s[k]))
		return 0;
	*v = sl_after_word(*v);
	return 1;
}

/* Copies V into DST of CAP bytes; a value that does not fit is cut and -ENAMETOOLONG
 * returned, so that callers may choose between refusing and truncating. */
int sl_copy(char *dst, size_t cap, struct sl_str v)
{
	size_t n = v.n < cap ? v.n : cap - 1;

	memcpy(dst, v.s, n);
	dst[n] = '\0';
	return n < v.n ? -ENAMETOOLONG : 0;
}

/* Copies V without the '^' hotkey markers of MENU LABEL, cut to CAP. */
void sl_copy_stripped(char *dst, size_t cap, struct sl_str v)
{
	size_t o = 0;

	for (size_t i = 0; i < v.n && o + 1 < cap; i++)
		if (v.s[i] != '^')
			dst[o++] = v.s[i];
	dst[o] = '\0';
}

static int digit_value(char c)
{
	c = ascii_lower(c);
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return 99;
}

/* Reads the unsigned number at the start of V: decimal, or with ANY_BASE also 0x hex and
 * 0 octal (as strtoul base 0, which IPAPPEND uses). Text may follow after a blank (syslinux
 * reads "PROMPT 0 # no prompt" as 0). Returns 0, 1 when the value was clamped to MAX, or
 * -EINVAL when V does not start with a number or one runs into other text. */
int sl_number(struct sl_str v, int any_base, unsigned long max, unsigned long *out)
{
	unsigned long value = 0;
	unsigned base = 10;
	size_t i = 0, start;
	int clamped = 0;

	if (any_base && v.n >= 2 && v.s[0] == '0' && ascii_lower(v.s[1]) == 'x') {
		base = 16;
		i = 2;
	} else if (any_base && v.n >= 1 && v.s[0] == '0') {
		base = 8;
	}
	start = i;
	for (; i < v.n && !sl_is_space(v.s[i]); i++) {
		unsigned d = (unsigned)digit_value(v.s[i]);

		if (d >= base)
			return -EINVAL;
		if (d > max || value > (max - d) / base) {
			value = max;
			clamped = 1;
		} else if (!clamped) {
			value = value * base + d;
		}
	}
	if (i == start)
		return -EINVAL;
	*out = value;
	return clamped;
}

int sl_str_eq(struct sl_str v, const char *s)
{
	return strlen(s) == v.n && memcmp(v.s, s, v.n) == 0;
}
