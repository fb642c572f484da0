/* `test EXPRESSION` and `[ EXPRESSION ]` as GRUB evaluates them (grub-core/commands/test.c):
 * left to right, binary tests tried before unary ones before plain strings, '!' inverting the
 * next test, -a binding tighter than -o (a sum of products), ( ) grouping. File tests look at
 * the filesystem under ROOT; a "(device)" prefix is taken to mean that filesystem. Groups are
 * kept on an explicit stack, never the C stack. */
#include "grub/grub_int.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

struct sop {
	int and_, or_, invert;
};

static void update(struct sop *s, int val)
{
	s->and_ = s->and_ && (s->invert ? !val : val);
	s->invert = 0;
}

/* grub_strtosl(s, 0, 0): optional sign, 0x hex, leading-0 octal; garbage stops it. */
static long long to_num(const char *s)
{
	unsigned long long v;
	int neg = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (grub_read_uint(&s, LLONG_MAX, &v) == -ERANGE)
		return neg ? LLONG_MIN : LLONG_MAX;
	return neg ? -(long long)v : (long long)v;
}

/* stat() of a GRUB path on the scanned filesystem; 0 or -errno. */
static int file_info(struct grub_interp *in, const char *gpath, struct stat *st)
{
	char dev[BOOT_ID_MAX], path[BOOT_PATH_MAX], host[BOOT_PATH_MAX * 2];

	if (grub_split_path(gpath, dev, sizeof(dev), path, sizeof(path)) < 0 ||
	    grub_host_path(in, path, host, sizeof(host)) < 0)
		return -ENAMETOOLONG;
	return stat(host, st) < 0 ? -errno : 0;
}

static int binary(struct grub_interp *in, const char *a, const char *op, const char *b, int *val)
{
	struct stat sa, sb;
	long long x, y;

	if (!strcmp(op, "=") || !strcmp(op, "=="))
		*val = strcmp(a, b) == 0;
	else if (!strcmp(op, "!="))
		*val = strcmp(a, b) != 0;
	else if (!strcmp(op, "<"))
		*val = strcmp(a, b) < 0;
	else if (!strcmp(op, "<="))
		*val = strcmp(a, b) <= 0;
	else if (!strcmp(op, ">"))
		*val = strcmp(a, b) > 0;
	else if (!strcmp(op, ">="))
		*val = strcmp(a, b) >= 0;
	else if (!strcmp(op, "-nt") || !strcmp(op, "-ot"))
		*val = file_info(in, a, &sa) == 0 && file_info(in, b, &sb) == 0 &&
		       (op[1] == 'n' ? sa.st_mtime > sb.st_mtime : sa.st_mtime < sb.st_mtime);
	else if (op[0] == '-' && strlen(op) == 3) {
		x = to_num(a);
		y = to_num(b);
		if (!strcmp(op, "-eq"))
			*val = x == y;
		else if (!strcmp(op, "-ne"))
			*val = x != y;
		else if (!strcmp(op, "-lt"))
			*val = x < y;
		else if (!strcmp(op, "-le"))
			*val = x <= y;
		else if (!strcmp(op, "-gt"))
			*val = x > y;
		else if (!strcmp(op, "-ge"))
			*val = x >= y;
		else
			return 0;
	} else {
		return 0;
	}
	return 1;
}

static int unary(struct grub_interp *in, const char *op, const char *a, int *val)
{
	struct stat st;
	int ok;

	if (!strcmp(op, "-z")) {
		*val = a[0] == '\0';
		return 1;
	}
	if (!strcmp(op, "-n")) {
		*val = a[0] != '\0';
		return 1;
	}
	if (strcmp(op, "-e") && strcmp(op, "-f") && strcmp(op, "-d") && strcmp(op, "-s"))
		return 0;
	ok = file_info(in, a, &st) == 0;
	switch (op[1]) {
	case 'e':
		*val = ok;
		break;
	case 'f':
		*val = ok && !S_ISDIR(st.st_mode);
		break;
	case 'd':
		*val = ok && S_ISDIR(st.st_mode);
		break;
	default: /* -s */
		*val = ok && !S_ISDIR(st.st_mode) && st.st_size > 0;
		break;
	}
	return 1;
}

int grub_test(struct grub_interp *in, unsigned argc, char *const *argv, char *err, size_t errlen)
{
	struct sop stack[GRUB_MAX_NESTING], cur = { 1, 0, 0 };
	unsigned depth = 0, n = argc - 1, i = 0;
	char *const *a = argv + 1;
	int val;

	if (argv[0][0] == '[') {
		if (argc < 2 || strcmp(argv[argc - 1], "]") != 0) {
			snprintf(err, errlen, "'[' without a closing ']'");
			return -EINVAL;
		}
		n--;
	}
	while (i < n) {
		if (i + 2 < n && binary(in, a[i], a[i + 1], a[i + 2], &val)) {
			update(&cur, val);
			i += 3;
			continue;
		}
		if (i + 1 < n && unary(in, a[i], a[i + 1], &val)) {
			update(&cur, val);
			i += 2;
			continue;
		}
		if (!strcmp(a[i], ")")) {
			i++;
			if (!depth)
				break; /* GRUB stops at an unmatched ')' and answers what it has */
			val = cur.or_ || cur.and_;
			cur = stack[--depth];
			update(&cur, val);
			continue;
		}
		if (!strcmp(a[i], "(")) {
			if (depth >= GRUB_MAX_NESTING) {
				snprintf(err, errlen, "test: ( ) nested deeper than %d", GRUB_MAX_NESTING);
				return -EINVAL;
			}
			stack[depth++] = cur;
			cur.and_ = 1;
			cur.or_ = 0;
			cur.invert = 0;
			i++;
			continue;
		}
		if (!strcmp(a[i], "!")) {
			cur.invert = !cur.invert;
		} else if (!strcmp(a[i], "-o")) {
			cur.or_ = cur.or_ || cur.and_;
			cur.and_ = 1;
		} else if (strcmp(a[i], "-a") != 0) {
			update(&cur, a[i][0] != '\0'); /* a lone string: true when not empty */
		}
		i++;
	}
	while (depth) { /* an unclosed '(' ends with the expression, as in GRUB */
		val = cur.or_ || cur.and_;
		cur = stack[--depth];
		update(&cur, val);
	}
	return (cur.or_ || cur.and_) ? 0 : 1;
}
