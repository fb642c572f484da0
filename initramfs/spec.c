/* spec — parses the kernel's gen_init_cpio list format into struct cpio_spec entries.
 * Pure: reads only the bytes it is given, never a file. Ordering and duplicate checks are
 * in spec_order.c. */
#include "initramfs/initramfs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Words longer than this are cut in messages, which must fit CPIO_ERR_MAX. */
#define QUOTE_MAX 60u

struct spec_parser {
	struct cpio_spec *spec;
	const char *origin;
	unsigned line;
	char *err;
	size_t errlen;
};

static void __attribute__((format(printf, 2, 3))) spec_fail(struct spec_parser *p,
							     const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || p->errlen == 0)
		return;
	n = snprintf(p->err, p->errlen, "%.100s:%u: ", p->origin, p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* A word made safe for a one-line message: control bytes become '?', long words are cut. */
static const char *quote(const char *word, char out[QUOTE_MAX + 4])
{
	size_t i;

	for (i = 0; word[i] && i < QUOTE_MAX; i++) {
		unsigned char c = (unsigned char)word[i];

		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (word[i]) {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}

/* Octal permission bits: digits 0-7 only, value at most 07777. */
static int parse_mode(struct spec_parser *p, const char *word, uint32_t *out)
{
	char q[QUOTE_MAX + 4];
	uint32_t v = 0;
	size_t i;

	if (!word[0] || strspn(word, "01234567") != strlen(word)) {
		spec_fail(p, "mode '%s' is not octal", quote(word, q));
		return -EINVAL;
	}
	for (i = 0; word[i]; i++) {
		v = v * 8 + (uint32_t)(word[i] - '0');
		if (v > CPIO_PERM_MASK) {
			spec_fail(p, "mode '%s' is out of range (at most 07777; the type "
				     "comes from the keyword)", quote(word, q));
			return -EINVAL;
		}
	}
	*out = v;
	return 0;
}

/* A decimal number of at most MAX; WHAT names the field in messages. */
static int parse_decimal(struct spec_parser *p, const char *what, const char *word, uint32_t max,
			 uint32_t *out)
{
	char q[QUOTE_MAX + 4];
	uint64_t v = 0;
	size_t i;

	if (!word[0] || strspn(word, "0123456789") != strlen(word)) {
		spec_fail(p, "%s '%s' is not a decimal number", what, quote(word, q));
		return -EINVAL;
	}
	for (i = 0; word[i]; i++) {
		v = v * 10 + (uint64_t)(word[i] - '0');
		if (v > max) {
			spec_fail(p, "%s '%s' is out of range (at most %u)", what, quote(word, q),
				  (unsigned)max);
			return -EINVAL;
		}
	}
	*out = (uint32_t)v;
	return 0;
}

/* An archive name: absolute and canonical, so that equal paths are equal strings (duplicate
 * detection and sorting rely on it) and the kernel creates exactly what was written. */
static int check_name(struct spec_parser *p, const char *name)
{
	char q[QUOTE_MAX + 4];
	size_t len = strlen(name);
	const char *c;

	if (name[0] != '/') {
		spec_fail(p, "name '%s' must be absolute (start with '/')", quote(name, q));
		return -EINVAL;
	}
	if (len > CPIO_NAME_MAX) {
		spec_fail(p, "name too long (%zu bytes, at most %u)", len, CPIO_NAME_MAX);
		return -EINVAL;
	}
	if (len == 1) {
		spec_fail(p, "name '/' is the root, which always exists; it cannot be an entry");
		return -EINVAL;
	}
	if (name[len - 1] == '/') {
		spec_fail(p, "name '%s' ends with '/'", quote(name, q));
		return -EINVAL;
	}
	/* Every component starts after a '/': check none is empty, "." or "..". The loop is
	 * bounded by LEN, which is at most CPIO_NAME_MAX. */
	for (c = name; c && *c; c = strchr(c + 1, '/')) {
		const char *comp = c + 1;
		size_t clen = strcspn(comp, "/");

		if (clen == 0 || (clen == 1 && comp[0] == '.') ||
		    (clen == 2 && comp[0] == '.' && comp[1] == '.')) {
			spec_fail(p, "name '%s' has an empty, '.' or '..' component",
				  quote(name, q));
			return -EINVAL;
		}
	}
	if (strcmp(name + 1, CPIO_TRAILER_NAME) == 0) {
		spec_fail(p, "name '/%s' would end the archive", CPIO_TRAILER_NAME);
		return -EINVAL;
	}
	return 0;
}

/* A file location or a symlink target: a non-empty path of at most CPIO_NAME_MAX bytes. */
static int check_path(struct spec_parser *p, const char *what, const char *path)
{
	size_t len = strlen(path);

	if (len > CPIO_NAME_MAX) {
		spec_fail(p, "%s too long (%zu bytes, at most %u)", what, len, CPIO_NAME_MAX);
		return -EINVAL;
	}
	return 0;
}

/* Appends one entry, taking copies of NAME (without its leading '/') and LOCATION. */
static int add_entry(struct spec_parser *p, const struct cpio_spec_entry *tmpl, const char *name,
		     const char *location)
{
	struct cpio_spec *spec = p->spec;
	struct cpio_spec_entry *e;
	int rc = 0;

	if (spec->count >= CPIO_SPEC_MAX_ENTRIES) {
		spec_fail(p, "too many entries (at most %u)", CPIO_SPEC_MAX_ENTRIES);
		rc = -E2BIG;
		goto out;
	}
	if (spec->count == spec->capacity) {
		/* Doubling stays far below SIZE_MAX / sizeof(*e): capacity <= 2 * MAX_ENTRIES. */
		size_t cap = spec->capacity ? spec->capacity * 2 : 64;
		struct cpio_spec_entry *grown;

		if (cap > CPIO_SPEC_MAX_ENTRIES)
			cap = CPIO_SPEC_MAX_ENTRIES;
		grown = realloc(spec->entries, cap * sizeof(*grown));
		if (!grown) {
			spec_fail(p, "out of memory");
			rc = -ENOMEM;
			goto out;
		}
		spec->entries = grown;
		spec->capacity = cap;
	}
	e = &spec->entries[spec->count];
	*e = *tmpl;
	e->line = p->line;
	e->name = strdup(name + 1);
	e->location = location ? strdup(location) : NULL;
	if (!e->name || (location && !e->location)) {
		free(e->name);
		free(e->location);
		spec_fail(p, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	spec->count++;
out:
	return rc;
}

/* The number of words each keyword takes, the keyword included. */
struct entry_kind {
	const char *keyword;
	enum cpio_entry_type type;
	uint32_t type_bits;
	size_t words;
	const char *usage;
};

static const struct entry_kind entry_kinds[] = {
	{ "file", CPIO_ENTRY_FILE, CPIO_S_IFREG, 6,
	  "file <name> <location> <mode> <uid> <gid> [<hard link>...]" },
	{ "dir", CPIO_ENTRY_DIR, CPIO_S_IFDIR, 5, "dir <name> <mode> <uid> <gid>" },
	{ "nod", CPIO_ENTRY_NOD, 0, 8,
	  "nod <name> <mode> <uid> <gid> <b|c> <major> <minor>" },
	{ "slink", CPIO_ENTRY_SLINK, CPIO_S_IFLNK, 6, "slink <name> <target> <mode> <uid> <gid>" },
	{ "pipe", CPIO_ENTRY_PIPE, CPIO_S_IFIFO, 5, "pipe <name> <mode> <uid> <gid>" },
	{ "sock", CPIO_ENTRY_SOCK, CPIO_S_IFSOCK, 5, "sock <name> <mode> <uid> <gid>" },
};

/* Parses one entry line already split into N words. */
static int parse_words(struct spec_parser *p, char **w, size_t n)
{
	const struct entry_kind *kind = NULL;
	struct cpio_spec_entry e = { 0 };
	char q[QUOTE_MAX + 4];
	size_t i, mode_at;
	const char *location = NULL;
	int rc;

	for (i = 0; i < sizeof(entry_kinds) / sizeof(entry_kinds[0]); i++)
		if (strcmp(w[0], entry_kinds[i].keyword) == 0)
			kind = &entry_kinds[i];
	if (!kind) {
		spec_fail(p, "unknown entry type '%s' (file, dir, nod, slink, pipe or sock)",
			  quote(w[0], q));
		rc = -EINVAL;
		goto out;
	}
	/* Only `file` takes optional trailing words (hard link names). */
	if (n < kind->words || (n > kind->words && kind->type != CPIO_ENTRY_FILE)) {
		spec_fail(p, "'%s' takes %s%zu fields, not %zu: %s", kind->keyword,
			  kind->type == CPIO_ENTRY_FILE ? "at least " : "", kind->words - 1, n - 1,
			  kind->usage);
		rc = -EINVAL;
		goto out;
	}
	e.type = kind->type;
	rc = check_name(p, w[1]);
	if (rc)
		goto out;
	mode_at = 2;
	if (kind->type == CPIO_ENTRY_FILE || kind->type == CPIO_ENTRY_SLINK) {
		location = w[2];
		rc = check_path(p, kind->type == CPIO_ENTRY_FILE ? "location" : "link target",
				location);
		if (rc)
			goto out;
		mode_at = 3;
	}
	rc = parse_mode(p, w[mode_at], &e.mode);
	if (rc)
		goto out;
	rc = parse_decimal(p, "uid", w[mode_at + 1], UINT32_MAX, &e.uid);
	if (rc)
		goto out;
	rc = parse_decimal(p, "gid", w[mode_at + 2], UINT32_MAX, &e.gid);
	if (rc)
		goto out;
	e.mode |= kind->type_bits;
	if (kind->type == CPIO_ENTRY_NOD) {
		if (strcmp(w[5], "b") == 0) {
			e.mode |= CPIO_S_IFBLK;
		} else if (strcmp(w[5], "c") == 0) {
			e.mode |= CPIO_S_IFCHR;
		} else {
			spec_fail(p, "device type '%s' is not 'b' or 'c'", quote(w[5], q));
			rc = -EINVAL;
			goto out;
		}
		rc = parse_decimal(p, "major", w[6], CPIO_DEV_MAJOR_MAX, &e.rdev_major);
		if (rc)
			goto out;
		rc = parse_decimal(p, "minor", w[7], CPIO_DEV_MINOR_MAX, &e.rdev_minor);
		if (rc)
			goto out;
	}
	/* Every name of a `file` line is one member; spec_order.c regroups them by link_group. */
	if (n > kind->words)
		e.link_group = p->line;
	for (i = 1; i < n; i = (i == 1) ? kind->words : i + 1) {
		if (i > 1) {
			rc = check_name(p, w[i]);
			if (rc)
				goto out;
		}
		rc = add_entry(p, &e, w[i], location);
		if (rc)
			goto out;
	}
out:
	return rc;
}

/* Splits LINE (NUL-terminated, writable) into blank-separated words, at most
 * CPIO_SPEC_MAX_FIELDS of them. Returns the count or -EINVAL. */
static int split_words(struct spec_parser *p, char *line, char **w)
{
	static const char blanks[] = " \t\r\v\f";
	size_t n = 0;
	char *c = line;

	for (;;) {
		c += strspn(c, blanks);
		if (!*c)
			break;
		if (n == CPIO_SPEC_MAX_FIELDS) {
			spec_fail(p, "too many fields (at most %u)", CPIO_SPEC_MAX_FIELDS);
			return -EINVAL;
		}
		w[n++] = c;
		c += strcspn(c, blanks);
		if (*c)
			*c++ = '\0';
	}
	return (int)n;
}

void cpio_spec_free(struct cpio_spec *spec)
{
	size_t i;

	if (!spec)
		return;
	for (i = 0; i < spec->count; i++) {
		free(spec->entries[i].name);
		free(spec->entries[i].location);
	}
	free(spec->entries);
	free(spec->origin);
	memset(spec, 0, sizeof(*spec));
}

int cpio_spec_parse(const void *buf, size_t len, const char *origin, struct cpio_spec *spec,
		    char *err, size_t errlen)
{
	struct spec_parser p = { spec, origin ? origin : "spec", 0, err, errlen };
	const char *text = buf, *end = text + len;
	char *w[CPIO_SPEC_MAX_FIELDS];
	char *line = NULL;
	int rc = 0;

	memset(spec, 0, sizeof(*spec));
	if (err && errlen)
		err[0] = '\0';
	spec->origin = strdup(p.origin);
	/* One buffer for the current line, so that words can be NUL-terminated in place. */
	line = malloc(CPIO_SPEC_LINE_MAX + 1);
	if (!spec->origin || !line) {
		spec_fail(&p, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	/* Each pass consumes at least one byte or ends, so the loop is bounded by LEN. */
	while (text < end) {
		const char *nl = memchr(text, '\n', (size_t)(end - text));
		size_t llen = (size_t)((nl ? nl : end) - text);
		int n;

		p.line++;
		if (llen > CPIO_SPEC_LINE_MAX) {
			spec_fail(&p, "line too long (at most %u bytes)", CPIO_SPEC_LINE_MAX);
			rc = -EINVAL;
			goto out;
		}
		if (memchr(text, '\0', llen)) {
			spec_fail(&p, "line contains a NUL byte");
			rc = -EINVAL;
			goto out;
		}
		memcpy(line, text, llen);
		line[llen] = '\0';
		text += llen + (nl ? 1 : 0);

		n = split_words(&p, line, w);
		if (n < 0) {
			rc = n;
			goto out;
		}
		if (n == 0 || w[0][0] == '#')
			continue;
		rc = parse_words(&p, w, (size_t)n);
		if (rc)
			goto out;
	}
	rc = cpio_spec_order(spec, err, errlen);
out:
	free(line);
	if (rc < 0) {
		cpio_spec_free(spec);
		return rc;
	}
	return (int)spec->count;
}
