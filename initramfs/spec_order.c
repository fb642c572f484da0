/* spec_order — puts parsed spec entries in archive order and checks what needs the whole list:
 * sorted bytewise by name (a parent is a prefix of its children, so it sorts first), no two
 * entries with one name, no entry under a non-directory; then assigns inode numbers in archive
 * order and groups hard links. */
#include "initramfs/initramfs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void __attribute__((format(printf, 5, 6)))
order_fail(char *err, size_t errlen, const char *origin, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!err || errlen == 0)
		return;
	n = snprintf(err, errlen, "%.100s:%u: ", origin ? origin : "spec", line);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* By name, then by line, so that the order (and so every message) does not depend on qsort. */
static int by_name(const void *a, const void *b)
{
	const struct cpio_spec_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

/* Finds the entry named exactly by the LEN bytes at NAME in the sorted ENTRIES, or NULL. */
static const struct cpio_spec_entry *find_name(const struct cpio_spec_entry *entries,
					       size_t count, const char *name, size_t len)
{
	size_t lo = 0, hi = count;

	/* Binary search: at most log2(CPIO_SPEC_MAX_ENTRIES) + 1 passes. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(entries[mid].name, name, len);

		if (c == 0)
			c = entries[mid].name[len] != '\0'; /* longer than NAME: sorts after it */
		if (c == 0)
			return &entries[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct link_ref {
	unsigned group;
	size_t index; /* in archive order */
};

static int by_group_then_index(const void *a, const void *b)
{
	const struct link_ref *x = a, *y = b;

	if (x->group != y->group)
		return (x->group > y->group) - (x->group < y->group);
	return (x->index > y->index) - (x->index < y->index);
}

/* Sets ino (1, 2, ... in archive order; the names of one hard-linked file share the inode of
 * the first of them), nlink, and carries_data (the last name of a hard-link group only). */
static int assign_inodes(struct cpio_spec *spec, char *err, size_t errlen)
{
	struct cpio_spec_entry *e = spec->entries;
	struct link_ref *links = NULL;
	size_t *leader = NULL;
	size_t i, j, nlinks = 0;
	uint32_t next_ino = 0;
	int rc = 0;

	leader = malloc((spec->count ? spec->count : 1) * sizeof(*leader));
	links = malloc((spec->count ? spec->count : 1) * sizeof(*links));
	if (!leader || !links) {
		order_fail(err, errlen, spec->origin, 0, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < spec->count; i++) {
		leader[i] = i;
		e[i].nlink = e[i].type == CPIO_ENTRY_DIR ? 2 : 1;
		e[i].carries_data = e[i].type == CPIO_ENTRY_FILE;
		if (e[i].type == CPIO_ENTRY_FILE && e[i].link_group)
			links[nlinks++] = (struct link_ref){ e[i].link_group, i };
	}
	/* Runs of one group, in archive order: the first name is the leader, the last one
	 * carries the data. */
	qsort(links, nlinks, sizeof(*links), by_group_then_index);
	for (i = 0; i < nlinks; i = j) {
		for (j = i + 1; j < nlinks && links[j].group == links[i].group; j++)
			;
		for (size_t k = i; k < j; k++) {
			leader[links[k].index] = links[i].index;
			e[links[k].index].nlink = (uint32_t)(j - i);
			e[links[k].index].carries_data = k == j - 1;
		}
	}
	/* A leader precedes the rest of its group, so its inode is known when they need it. */
	for (i = 0; i < spec->count; i++)
		e[i].ino = leader[i] == i ? ++next_ino : e[leader[i]].ino;
out:
	free(leader);
	free(links);
	return rc;
}

int cpio_spec_order(struct cpio_spec *spec, char *err, size_t errlen)
{
	struct cpio_spec_entry *e = spec->entries;
	size_t i;
	int rc = 0;

	if (spec->count > CPIO_SPEC_MAX_ENTRIES) {
		order_fail(err, errlen, spec->origin, 0, "too many entries (at most %u)",
			   CPIO_SPEC_MAX_ENTRIES);
		rc = -E2BIG;
		goto out;
	}
	if (spec->count)
		qsort(e, spec->count, sizeof(*e), by_name);
	for (i = 0; i < spec->count; i++) {
		const struct cpio_spec_entry *parent;
		const char *slash;

		if (i > 0 && strcmp(e[i - 1].name, e[i].name) == 0) {
			order_fail(err, errlen, spec->origin, e[i].line,
				   "duplicate name '/%.200s' (also on line %u)", e[i].name,
				   e[i - 1].line);
			rc = -EINVAL;
			goto out;
		}
		slash = strrchr(e[i].name, '/');
		if (!slash)
			continue;
		parent = find_name(e, spec->count, e[i].name, (size_t)(slash - e[i].name));
		if (parent && parent->type != CPIO_ENTRY_DIR) {
			order_fail(err, errlen, spec->origin, e[i].line,
				   "'/%.100s' is inside '/%.100s' (line %u), which is not a dir",
				   e[i].name, parent->name, parent->line);
			rc = -EINVAL;
			goto out;
		}
	}
	rc = assign_inodes(spec, err, errlen);
out:
	return rc;
}
