/* Memory maps: the firmware's (e820 as /sys/firmware/memmap shows it, untouched by mem= and
 * memmap=, which is what the next kernel must be told) and the running kernel's (/proc/iomem,
 * which mem= shrinks: what this kernel considers RAM it may hand out). Parsers take
 * (buf, len); the directory reader is the only part that touches files. */
#include "loader/segplan.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define IOMEM_LINE_MAX 256
#define IOMEM_LINES_MAX 65536
#define SYSFS_VALUE_MAX 64
#define MEMMAP_DIR_ENTRIES_MAX 4096

static const struct {
	const char *name;
	uint32_t type;
} type_names[] = {
	{ "System RAM", E820_TYPE_RAM },
	{ "Reserved", E820_TYPE_RESERVED },
	{ "reserved", E820_TYPE_RESERVED },
	{ "ACPI Tables", E820_TYPE_ACPI },
	{ "ACPI Non-volatile Storage", E820_TYPE_NVS },
	{ "Unusable memory", E820_TYPE_UNUSABLE },
	{ "Persistent Memory (legacy)", E820_TYPE_PRAM },
	{ "Persistent Memory", E820_TYPE_PMEM },
	{ "Soft Reserved", E820_TYPE_SOFT_RESERVED },
};

int memmap_type_from_name(const char *name, size_t n, uint32_t *type)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++) {
		if (strlen(type_names[i].name) == n && memcmp(type_names[i].name, name, n) == 0) {
			*type = type_names[i].type;
			return 0;
		}
	}
	return -EINVAL;
}

const char *memmap_type_name(uint32_t type)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
		if (type_names[i].type == type)
			return type_names[i].name;
	return "Unknown E820 type";
}

int memmap_add(struct memmap *m, uint64_t start, uint64_t last, uint32_t type)
{
	if (last < start)
		return -EINVAL;
	if (m->n >= MEMMAP_MAX)
		return -E2BIG;
	m->r[m->n].start = start;
	/* A range that reaches the top of the address space loses its last byte: "end" must
	 * be representable, and no segment goes there. */
	m->r[m->n].end = last == UINT64_MAX ? UINT64_MAX : last + 1;
	m->r[m->n].type = type;
	m->n++;
	return 0;
}

void memmap_sort(struct memmap *m)
{
	/* Insertion sort: at most MEMMAP_MAX entries, usually a handful, mostly in order. */
	for (unsigned i = 1; i < m->n && i < MEMMAP_MAX; i++) {
		struct memmap_range cur = m->r[i];
		unsigned j = i;

		while (j > 0 && (m->r[j - 1].start > cur.start ||
				 (m->r[j - 1].start == cur.start && m->r[j - 1].end > cur.end))) {
			m->r[j] = m->r[j - 1];
			j--;
		}
		m->r[j] = cur;
	}
}

/* Hex digits (no prefix) at S[0..N); returns the count used, 0 for none or overflow. */
static size_t parse_hex(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned d;

		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else if (s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned)(s[i] - 'A' + 10);
		else
			break;
		if (v >> 60)
			return 0;
		v = v << 4 | d;
	}
	*out = v;
	return i;
}

/* One /proc/iomem line: "<indent><start>-<last> : <name>". Returns 0 or -EINVAL. */
static int iomem_line(const char *s, size_t n, unsigned *indent, uint64_t *start,
		      uint64_t *last, const char **name, size_t *name_len)
{
	size_t i = 0, k;

	while (i < n && s[i] == ' ')
		i++;
	*indent = (unsigned)i;
	k = parse_hex(s + i, n - i, start);
	if (k == 0)
		return -EINVAL;
	i += k;
	if (i >= n || s[i] != '-')
		return -EINVAL;
	i++;
	k = parse_hex(s + i, n - i, last);
	if (k == 0)
		return -EINVAL;
	i += k;
	if (n - i < 3 || memcmp(s + i, " : ", 3) != 0)
		return -EINVAL;
	*name = s + i + 3;
	*name_len = n - i - 3;
	return 0;
}

int memmap_parse_iomem(const char *buf, size_t len, struct memmap *out,
		       struct memmap_range *crash)
{
	size_t pos = 0;
	unsigned lines = 0;
	bool any_address = false;

	out->n = 0;
	if (crash)
		memset(crash, 0, sizeof(*crash));
	while (pos < len && lines++ < IOMEM_LINES_MAX) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos), *name;
		size_t n = nl ? (size_t)(nl - s) : len - pos, name_len;
		uint64_t start, last;
		unsigned indent;
		uint32_t type;
		int r;

		pos += n + (nl ? 1 : 0);
		if (n == 0)
			continue;
		if (n > IOMEM_LINE_MAX || iomem_line(s, n, &indent, &start, &last, &name,
						     &name_len) < 0)
			return -EINVAL;
		if (start || last)
			any_address = true;
		if (indent > 0) {
			if (crash && name_len == 12 && memcmp(name, "Crash kernel", 12) == 0 &&
			    last >= start && last < UINT64_MAX) {
				crash->start = start;
				crash->end = last + 1;
			}
			continue;
		}
		if (memmap_type_from_name(name, name_len, &type) < 0)
			continue; /* PCI windows, ROMs, APICs: not memory the map describes */
		r = memmap_add(out, start, last, type);
		if (r < 0)
			return r;
	}
	if (!any_address && lines > 1)
		return -EACCES;
	memmap_sort(out);
	return (int)out->n;
}

/* Reads DIR/NAME/FILE into BUF (NUL-terminated, trailing newline removed). */
static int read_value(const char *dir, const char *name, const char *file, char *buf,
		      char *path, size_t pathlen)
{
	ssize_t n;

	if ((size_t)snprintf(path, pathlen, "%s/%s/%s", dir, name, file) >= pathlen)
		return -ENAMETOOLONG;
	n = read_file_bounded(path, buf, SYSFS_VALUE_MAX);
	if (n < 0)
		return (int)n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return (int)n;
}

static int parse_sysfs_addr(const char *s, uint64_t *out)
{
	size_t n = strlen(s), k;

	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	k = parse_hex(s + 2, n - 2, out);
	return k == n - 2 ? 0 : -EINVAL;
}

int memmap_read_dir(const char *dir, struct memmap *out, char *why, size_t whylen)
{
	char path[512], value[SYSFS_VALUE_MAX + 1];
	unsigned seen = 0;
	struct dirent *de;
	DIR *d;
	int r = 0;

	out->n = 0;
	d = opendir(dir);
	if (!d)
		return err_fail(why, whylen, -errno, "%s: %s (%s)", dir, errno_name(errno),
				strerror(errno));
	while ((de = readdir(d)) != NULL && seen++ < MEMMAP_DIR_ENTRIES_MAX) {
		uint64_t start, last;
		uint32_t type;
		const char *what;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		what = "start";
		r = read_value(dir, de->d_name, what, value, path, sizeof(path));
		if (r >= 0)
			r = parse_sysfs_addr(value, &start);
		if (r >= 0) {
			what = "end";
			r = read_value(dir, de->d_name, what, value, path, sizeof(path));
		}
		if (r >= 0)
			r = parse_sysfs_addr(value, &last);
		if (r >= 0) {
			what = "type";
			r = read_value(dir, de->d_name, what, value, path, sizeof(path));
		}
		if (r < 0) {
			r = err_fail(why, whylen, r == -EINVAL ? -EINVAL : r,
				     "%s/%s/%s: %s", dir, de->d_name, what,
				     r == -EINVAL ? "not a 0x-prefixed hexadecimal address"
						  : strerror(-r));
			goto out;
		}
		/* An unknown type is kept as reserved: never RAM, still reported to the kernel. */
		if (memmap_type_from_name(value, strlen(value), &type) < 0)
			type = E820_TYPE_RESERVED;
		r = memmap_add(out, start, last, type);
		if (r < 0) {
			r = err_fail(why, whylen, r, "%s/%s: %s", dir, de->d_name,
				     r == -E2BIG ? "more than 512 memory map entries"
						 : "end before start");
			goto out;
		}
	}
	if (out->n == 0) {
		r = err_fail(why, whylen, -ENOENT, "%s: no memory map entries (N/start, N/end, "
				  "N/type)", dir);
		goto out;
	}
	memmap_sort(out);
	r = (int)out->n;
out:
	closedir(d);
	return r;
}

uint64_t memmap_ram_bytes(const struct memmap *m)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < m->n && i < MEMMAP_MAX; i++)
		if (m->r[i].type == E820_TYPE_RAM)
			total += m->r[i].end - m->r[i].start;
	return total;
}

bool memmap_is_ram(const struct memmap *m, uint64_t start, uint64_t end)
{
	uint64_t pos = start;

	if (end <= start)
		return end == start;
	/* Walk forward through RAM ranges that cover pos; entries may be split or overlap, so
	 * each step looks at all of them. At most n steps: each one moves past a range. */
	for (unsigned step = 0; pos < end && step <= m->n; step++) {
		uint64_t reach = pos;

		for (unsigned i = 0; i < m->n && i < MEMMAP_MAX; i++)
			if (m->r[i].type == E820_TYPE_RAM && m->r[i].start <= pos &&
			    m->r[i].end > reach)
				reach = m->r[i].end;
		if (reach == pos)
			return false;
		pos = reach;
	}
	if (pos < end)
		return false;
	for (unsigned i = 0; i < m->n && i < MEMMAP_MAX; i++)
		if (m->r[i].type != E820_TYPE_RAM && m->r[i].start < end && m->r[i].end > start)
			return false;
	return true;
}
