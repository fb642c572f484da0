/* Version comparison as systemd does it (strverscmp_improved: `systemd-analyze compare-versions`,
 * systemd-boot's entry order, the UAPI version format). Written from systemd's documented rules
 * and checked against systemd-analyze 252 (tests/tools/test_vercmp.py):
 *
 * - Bytes other than letters, digits and the four marks "~-^." separate segments and are
 *   otherwise ignored ("1_a" == "1a"), except where noted below.
 * - '~' marks a pre-release: a string with '~' where the other has anything else (even its end)
 *   is older: 1~rc1 < 1.
 * - When one string ends, the longer one is newer: 1 < 1.0 < 1.0a.
 * - '-' (version-release), '^' (patched) and '.' (point release), checked in that order: the
 *   string with the mark where the other has none is older. 1-1 < 1^1 < 1.1 < 1a.
 * - A run of digits is newer than no digits; digit runs compare numerically (leading zeros
 *   ignored, no overflow: longer after stripping is larger). Letter runs compare like strncmp
 *   over the shorter length, then the longer run is newer.
 * Each comparison step returns -1, 0 or 1. */
#include "bootcfg/bootcfg.h"

#include <string.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_version_char(char c)
{
	return is_digit(c) || is_alpha(c) || c == '~' || c == '-' || c == '^' || c == '.';
}

static int sign_of(long long v)
{
	return (v > 0) - (v < 0);
}

/* The order of the two characters where at least one string ended. Only after a '~' can the
 * other be a byte >= 0x80 here (the skip of ignored bytes has not run again yet): systemd
 * compares C chars, which are signed on x86 (a high byte sorts before the end), while
 * systemd-boot compares UTF-16 units, which are unsigned (it sorts after). */
static int end_order(char a, char b, int high_bytes_positive)
{
	int va = high_bytes_positive ? (unsigned char)a : (signed char)a;
	int vb = high_bytes_positive ? (unsigned char)b : (signed char)b;

	return sign_of(va - vb);
}

static int vercmp_core(const char *a, const char *b, int high_bytes_positive)
{
	static const char marks[] = { '-', '^', '.' };
	size_t rounds;

	a = a ? a : "";
	b = b ? b : "";
	/* Every round that does not return consumes at least one byte of A or B. */
	rounds = strlen(a) + strlen(b) + 1;
	while (rounds--) {
		const char *end_a, *end_b;
		int r;

		while (*a && !is_version_char(*a))
			a++;
		while (*b && !is_version_char(*b))
			b++;
		if (*a == '~' || *b == '~') {
			if (*a != *b)
				return *a == '~' ? -1 : 1;
			a++;
			b++;
		}
		if (!*a || !*b)
			return end_order(*a, *b, high_bytes_positive);
		for (size_t m = 0; m < sizeof(marks); m++) {
			if (*a != marks[m] && *b != marks[m])
				continue;
			if (*a != *b)
				return *a == marks[m] ? -1 : 1;
			a++;
			b++;
		}
		if (is_digit(*a) || is_digit(*b)) {
			for (end_a = a; is_digit(*end_a);)
				end_a++;
			for (end_b = b; is_digit(*end_b);)
				end_b++;
			if ((end_a == a) != (end_b == b))
				return end_a == a ? -1 : 1;
			while (*a == '0')
				a++;
			while (*b == '0')
				b++;
			if (end_a - a != end_b - b)
				return end_a - a < end_b - b ? -1 : 1;
			r = sign_of(memcmp(a, b, (size_t)(end_a - a)));
			if (r)
				return r;
		} else {
			size_t len_a, len_b;

			for (end_a = a; is_alpha(*end_a);)
				end_a++;
			for (end_b = b; is_alpha(*end_b);)
				end_b++;
			len_a = (size_t)(end_a - a);
			len_b = (size_t)(end_b - b);
			r = sign_of(memcmp(a, b, len_a < len_b ? len_a : len_b));
			if (r)
				return r;
			if (len_a != len_b)
				return len_a < len_b ? -1 : 1;
		}
		a = end_a;
		b = end_b;
	}
	return 0;
}

int bootcfg_vercmp(const char *a, const char *b)
{
	return vercmp_core(a, b, 0);
}

int bootcfg_vercmp_boot(const char *a, const char *b)
{
	return vercmp_core(a, b, 1);
}
