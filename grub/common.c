/* Small helpers the grub module's files share: messages naming file:line, the table of files
 * read, the text pool that keeps bodies and titles after their file is gone, and GRUB path
 * handling ("(device)/path"). */
#include "grub/grub_int.h"
#include "util/util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int grub_host_path(const struct grub_interp *in, const char *path, char *out, size_t cap)
{
	size_t r = strlen(in->root);
	int n;

	while (r > 1 && in->root[r - 1] == '/')
		r--; /* "/" + "/boot" must not become "//boot" */
	if (r == 1 && in->root[0] == '/')
		r = 0;
	n = snprintf(out, cap, "%.*s%s", (int)r, in->root, path);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int grub_read_uint(const char **s, unsigned long long limit, unsigned long long *v)
{
	const char *p = *s;
	unsigned base = 10;
	int digits = 0, over = 0;

	*v = 0;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	} else if (p[0] == '0') {
		base = 8;
	}
	/* Each pass consumes a character of a NUL-terminated string. */
	for (int d; (d = hex_value((unsigned char)*p)) >= 0 && (unsigned)d < base; p++, digits++) {
		if (over || *v > (limit - (unsigned)d) / base)
			over = 1;
		else
			*v = *v * base + (unsigned)d;
	}
	*s = p;
	if (over) {
		*v = limit;
		return -ERANGE;
	}
	return digits;
}

void grub_warn(struct grub_interp *in, unsigned file, unsigned line, const char *fmt, ...)
{
	char msg[768], where[BOOT_PATH_MAX * 2];
	va_list ap;
	int n;

	if (!in->warn)
		return;
	if (file >= in->n_files || grub_host_path(in, in->files[file], where, sizeof(where)) < 0)
		snprintf(where, sizeof(where), "%s", file < in->n_files ? in->files[file] : "grub.cfg");
	n = line ? snprintf(msg, sizeof(msg), "%s:%u: ", where, line)
		 : snprintf(msg, sizeof(msg), "%s: ", where);
	if (n < 0 || (size_t)n >= sizeof(msg))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	in->warn(in->warn_ctx, msg);
}

unsigned grub_file_index(struct grub_interp *in, const char *path)
{
	for (unsigned i = 0; i < in->n_files; i++)
		if (strcmp(in->files[i], path) == 0)
			return i;
	if (in->n_files < GRUB_MAX_FILES)
		in->n_files++;
	/* When the table is full the last slot is reused: only messages and the entries' source
	 * field name files, and the last file read is the one they are about. */
	snprintf(in->files[in->n_files - 1], BOOT_PATH_MAX, "%s", path);
	return in->n_files - 1;
}

long grub_text_add(struct grub_interp *in, const char *s, size_t n)
{
	size_t at = in->text_used;

	if (n >= GRUB_TEXT_POOL - in->text_used)
		return -ENOSPC;
	memcpy(in->text + at, s, n);
	in->text[at + n] = '\0';
	in->text_used += n + 1;
	return (long)at;
}

int grub_split_path(const char *src, char *dev, size_t devcap, char *path, size_t pathcap)
{
	const char *p = src, *close;
	size_t o = 0;

	if (devcap)
		dev[0] = '\0';
	if (src[0] == '(' && (close = strchr(src, ')')) != NULL) {
		size_t n = (size_t)(close - src - 1);

		if (n >= devcap)
			return -ENAMETOOLONG;
		memcpy(dev, src + 1, n);
		dev[n] = '\0';
		p = close + 1;
	}
	if (pathcap < 2)
		return -ENAMETOOLONG;
	path[o++] = '/';
	/* GRUB paths are absolute on their device; "." and ".." resolve inside it and ".." at
	 * the top stays there, so nothing ever names a file outside the filesystem. */
	while (*p) {
		const char *c, *e;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		c = p;
		for (e = c; *e && *e != '/'; e++)
			;
		n = (size_t)(e - c);
		p = e;
		if (n == 1 && c[0] == '.')
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			while (o > 1 && path[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
			continue;
		}
		if (o > 1) {
			if (o + 1 >= pathcap)
				return -ENAMETOOLONG;
			path[o++] = '/';
		}
		if (n >= pathcap - o)
			return -ENAMETOOLONG;
		memcpy(path + o, c, n);
		o += n;
	}
	path[o] = '\0';
	return 0;
}
