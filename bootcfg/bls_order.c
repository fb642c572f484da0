/* The order and the default of BLS entries, as systemd-boot decides them (src/boot/boot.c:
 * boot_entry_compare, config_find_entry, config_select_default_entry; read, not copied).
 * Where the BLS text and systemd-boot's code differ, this follows the code:
 * - systemd-boot's entry id is the file name in lower case with ".conf" and without the
 *   boot counter; ids compare by strverscmp_improved on that, so "a.conf" vs "a-1.conf"
 *   puts "a" first ('.' beats '-'), which comparing "a" with "a-1" would not.
 * - the default glob is matched against that id; embark also tries the id without ".conf",
 *   which older systemd-boot releases used and many loader.conf files still say. */
#include "bootcfg/bootcfg.h"

#include <errno.h>
#include <string.h>

static int sign_of(int v)
{
	return (v > 0) - (v < 0);
}

/* -1, 0, 1 without a subtraction that could overflow. */
static int cmp_int(int a, int b)
{
	return (a > b) - (a < b);
}

static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* systemd-boot's id of E: lower case, ".conf" appended. */
static void sdboot_id(const struct boot_entry *e, char *out, size_t cap)
{
	size_t i;

	for (i = 0; e->id[i] && i + sizeof(".conf") < cap; i++)
		out[i] = fold(e->id[i]);
	memcpy(out + i, ".conf", sizeof(".conf"));
}

int bls_entry_cmp(const struct boot_entry *a, const struct boot_entry *b)
{
	char id_a[BOOT_ID_MAX + sizeof(".conf")], id_b[BOOT_ID_MAX + sizeof(".conf")];
	int r;

	/* Entries that used up their tries go last. */
	r = (a->tries_left == 0) - (b->tries_left == 0);
	if (r)
		return r;
	/* An entry with a sort-key goes before one without; two without skip to the id. */
	r = !a->sort_key[0] - !b->sort_key[0];
	if (r)
		return r;
	if (a->sort_key[0]) {
		r = sign_of(strcmp(a->sort_key, b->sort_key));
		if (r)
			return r;
		/* Several installs of one OS: grouped by machine-id (none sorts first). */
		r = sign_of(strcmp(a->machine_id, b->machine_id));
		if (r)
			return r;
		r = -bootcfg_vercmp_boot(a->version, b->version); /* newest first */
		if (r)
			return r;
	}
	sdboot_id(a, id_a, sizeof(id_a));
	sdboot_id(b, id_b, sizeof(id_b));
	r = -bootcfg_vercmp_boot(id_a, id_b); /* ids usually hold the version: newest first */
	if (r)
		return r;
	if (a->tries_left < 0 || b->tries_left < 0)
		return 0;
	r = -cmp_int(a->tries_left, b->tries_left); /* more tries left first */
	if (r)
		return r;
	return cmp_int(a->tries_done, b->tries_done); /* then fewer tries done */
}

/* Swaps two entries through a small buffer: an entry is ~40 KB, too much for the stack. */
static void swap_entries(struct boot_entry *x, struct boot_entry *y)
{
	unsigned char tmp[512], *p = (unsigned char *)x, *q = (unsigned char *)y;

	if (x == y)
		return;
	for (size_t off = 0; off < sizeof(*x); off += sizeof(tmp)) {
		size_t n = sizeof(*x) - off < sizeof(tmp) ? sizeof(*x) - off : sizeof(tmp);

		memcpy(tmp, p + off, n);
		memcpy(p + off, q + off, n);
		memcpy(q + off, tmp, n);
	}
}

void bls_sort(struct boot_entry *entries, unsigned n)
{
	/* An insertion sort of indices (stable; the original index breaks ties), then the
	 * entries are moved once each along the cycles of that permutation. */
	unsigned short order[BOOT_MAX_ENTRIES];

	_Static_assert(BOOT_MAX_ENTRIES <= 65535, "order[] holds entry indices");

	if (n > BOOT_MAX_ENTRIES)
		n = BOOT_MAX_ENTRIES;
	for (unsigned i = 0; i < n; i++) {
		unsigned k = i;

		while (k > 0 && bls_entry_cmp(&entries[order[k - 1]], &entries[i]) > 0) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = (unsigned short)i;
	}
	/* Position k wants the entry first at order[k]; entries before k have been swapped
	 * away already, so follow where that one went. */
	for (unsigned k = 0; k < n; k++) {
		unsigned src = order[k];

		for (unsigned hops = 0; src < k && hops < n; hops++)
			src = order[src];
		swap_entries(&entries[k], &entries[src]);
	}
}

/* One '*'-free piece of a glob, matched at the start of H. Returns 1 when it matched: at a
 * '*' (*REST points after the stars, *H_END after the text matched) or at the end of both
 * (*REST = NULL); 0 when not. Bytes compare after ASCII case folding; set ranges compare as
 * unsigned bytes. Each pass consumes a pattern byte, so PAT's length bounds the loop. */
static int match_piece(const char *p, const char *h, const char **rest, const char **h_end)
{
	*rest = NULL;
	for (;; p++, h++) {
		unsigned char hc = (unsigned char)fold(*h);

		switch (*p) {
		case '\0':
			return *h == '\0';
		case '*':
			while (*p == '*')
				p++;
			*rest = p;
			*h_end = h;
			return 1;
		case '?':
			if (!*h)
				return 0;
			break;
		case '\\':
			p++;
			if (!*p || fold(*p) != fold(*h))
				return 0;
			break;
		case '[': {
			int first = 1, can_range = 1, hit = 0;

			if (!*h)
				return 0;
			for (;; first = 0) {
				p++;
				if (!*p)
					return 0;
				if (*p == '\\') {
					p++;
					if (!*p)
						return 0;
					hit |= (unsigned char)fold(*p) == hc;
					can_range = 1;
					continue;
				}
				if (*p == ']' && !first)
					break;
				/* '-' makes a range unless first, last, or right after a range. */
				if (*p == '-' && can_range && !first && p[1] != ']') {
					unsigned char lo = (unsigned char)fold(p[-1]);

					p++;
					if (*p == '\\')
						p++;
					if (!*p)
						return 0;
					hit |= lo <= hc && hc <= (unsigned char)fold(*p);
					can_range = 0;
					continue;
				}
				hit |= (unsigned char)fold(*p) == hc;
				can_range = 1;
			}
			if (!hit)
				return 0;
			break;
		}
		default:
			if (fold(*p) != fold(*h))
				return 0;
		}
	}
}

/* systemd-boot's glob without backtracking: the first piece must match at the start; every
 * later piece is taken at the first place it matches; the last must end with the text. */
static int glob_match(const char *pat, const char *h)
{
	/* Every pass moves PAT (a piece ended by '*' matched) or H on, or returns. */
	size_t passes = strlen(pat) + strlen(h) + 1;
	const char *rest, *h_end;

	if (!match_piece(pat, h, &rest, &h_end))
		return 0;
	if (!rest)
		return 1;
	pat = rest;
	h = h_end;
	while (passes--) {
		int m = match_piece(pat, h, &rest, &h_end);

		if (rest) {
			pat = rest;
			h = h_end;
			continue;
		}
		if (m || !*h)
			return m;
		h++;
	}
	return 0;
}

int bls_id_matches(const char *pattern, const char *id)
{
	char with_conf[BOOT_ID_MAX + sizeof(".conf")];
	size_t n = strlen(id);

	if (n + sizeof(".conf") <= sizeof(with_conf)) {
		memcpy(with_conf, id, n);
		memcpy(with_conf + n, ".conf", sizeof(".conf"));
		if (glob_match(pattern, with_conf))
			return 1;
	}
	return glob_match(pattern, id);
}

/* systemd-boot does not list an entry for another architecture, so it cannot be chosen. */
static int listed_by_sdboot(const struct boot_entry *e)
{
	const char *arch = bls_machine_arch();
	size_t i;

	if (!e->architecture[0])
		return 1;
	for (i = 0; e->architecture[i] && arch[i]; i++)
		if (fold(e->architecture[i]) != fold(arch[i]))
			return 0;
	return e->architecture[i] == arch[i];
}

int bls_select_default(struct boot_entry *entries, unsigned n, const char *pattern)
{
	int chosen = -1;

	for (unsigned i = 0; pattern && pattern[0] && i < n && chosen < 0; i++)
		if (listed_by_sdboot(&entries[i]) && bls_id_matches(pattern, entries[i].id))
			chosen = (int)i;
	for (unsigned i = 0; i < n && chosen < 0; i++)
		if (listed_by_sdboot(&entries[i]))
			chosen = (int)i;
	if (chosen < 0)
		return -ENOENT;
	entries[chosen].is_default = 1;
	return chosen;
}
