/* Recovery shell commands that read files: ls, cat, events. Every read is bounded and
 * non-blocking, so that `cat /dev/console` or a fifo cannot hang the only shell there is. */
#include "init/shell.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define PRINT_CHUNK 4096
#define READ_RETRIES_MAX 64  /* interrupted reads in a row before giving up */
#define NAME_BYTES (NAME_MAX + 1)

/* Control characters other than tab and line ends become '?': a stray ESC or SO from a
 * binary file would leave a serial console in another character set or mode. */
static void printable(char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			buf[i] = '?';
	}
}

int sh_print_fd(struct shell *sh, const char *cmd, const char *name, int fd, size_t limit)
{
	static char chunk[PRINT_CHUNK];
	size_t total = 0;
	unsigned retries = 0;
	char last = '\n';
	int r = 0;

	while (total < limit) {
		size_t want = limit - total < sizeof(chunk) ? limit - total : sizeof(chunk);
		ssize_t n = read(fd, chunk, want);
		const char *nul;

		if (n < 0 && errno == EINTR && ++retries < READ_RETRIES_MAX)
			continue;
		if (n < 0 && errno == EAGAIN)
			break; /* a device with nothing more to say now */
		if (n < 0) {
			r = -errno;
			if (last != '\n')
				sh_write(sh, "\n", 1);
			sh_errno(sh, cmd, name, r, total ? "stopped there" : NULL);
			return r;
		}
		if (n == 0)
			break;
		retries = 0;
		nul = memchr(chunk, '\0', (size_t)n);
		if (nul) {
			printable(chunk, (size_t)(nul - chunk));
			sh_write(sh, chunk, (size_t)(nul - chunk));
			if (nul > chunk)
				last = nul[-1];
			if (last != '\n')
				sh_write(sh, "\n", 1);
			sh_printf(sh, "%s: %s: binary data (a NUL byte at offset %zu); not printed "
				      "past it\n",
				  cmd, name, total + (size_t)(nul - chunk));
			return 0;
		}
		printable(chunk, (size_t)n);
		sh_write(sh, chunk, (size_t)n);
		last = chunk[n - 1];
		total += (size_t)n;
	}
	if (last != '\n')
		sh_write(sh, "\n", 1);
	if (total >= limit && read(fd, chunk, 1) > 0)
		sh_printf(sh, "%s: %s: stopped after %zu KiB; the rest is not shown\n", cmd, name,
			  limit / 1024);
	return r;
}

int shcmd_cat(struct shell *sh, int argc, char **argv)
{
	struct stat st;
	int r = 0;

	if (argc < 2) {
		sh_printf(sh, "usage: cat FILE...\n");
		return -EINVAL;
	}
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

		if (fd < 0) {
			r = -errno;
			sh_errno(sh, "cat", argv[i], r, NULL);
			continue;
		}
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			r = -EISDIR;
			sh_printf(sh, "cat: %s: is a directory; `ls %s` lists it\n", argv[i], argv[i]);
		} else {
			r = sh_print_fd(sh, "cat", argv[i], fd, SHELL_CAT_MAX);
		}
		close(fd);
	}
	return r;
}

int shcmd_events(struct shell *sh, int argc, char **argv)
{
	const char *path = shell_paths.events;
	char head[PRINT_CHUNK];
	struct stat st;
	int fd, r;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		sh_printf(sh, "events: %s does not exist: PID 1 has recorded no events\n", path);
		return -ENOENT;
	}
	if (fd < 0) {
		r = -errno;
		sh_errno(sh, "events", path, r, NULL);
		return r;
	}
	r = fstat(fd, &st) < 0 ? -errno : 0;
	if (r == 0 && st.st_size == 0)
		sh_printf(sh, "events: %s is empty: PID 1 has recorded no events\n", path);
	if (r == 0 && st.st_size > SHELL_EVENTS_MAX) {
		/* The newest events matter most: show the end, from a line start. */
		off_t from = st.st_size - SHELL_EVENTS_MAX;
		ssize_t n = pread(fd, head, sizeof(head), from);
		const char *nl = n > 0 ? memchr(head, '\n', (size_t)n) : NULL;

		if (nl)
			from += nl - head + 1;
		lseek(fd, from, SEEK_SET);
		sh_printf(sh, "[%s is %lld bytes: its last %d KiB follow]\n", path,
			  (long long)st.st_size, SHELL_EVENTS_MAX / 1024);
	}
	if (r == 0)
		r = sh_print_fd(sh, "events", path, fd, SHELL_EVENTS_MAX);
	else
		sh_errno(sh, "events", path, r, NULL);
	close(fd);
	return r;
}

/* ls */

static char ls_names[SHELL_LS_MAX][NAME_BYTES];

static void mode_string(mode_t m, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	out[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b'
		: S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
	for (unsigned i = 0; i < 9; i++)
		out[1 + i] = m & (0400u >> i) ? rwx[i] : '-';
	out[10] = '\0';
}

/* One `ls -l` line for NAME, relative to DIRFD. */
static void long_line(struct shell *sh, int dirfd, const char *name)
{
	char mode[11], when[32], size[48], target[PATH_MAX];
	struct stat st;
	struct tm tm;
	ssize_t n;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		sh_errno(sh, "ls", name, errno, NULL);
		return;
	}
	mode_string(st.st_mode, mode);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		snprintf(size, sizeof(size), "%u, %u", major(st.st_rdev), minor(st.st_rdev));
	else
		snprintf(size, sizeof(size), "%lld", (long long)st.st_size);
	if (!gmtime_r(&st.st_mtime, &tm) || !strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm))
		str_copy(when, sizeof(when), "?");
	target[0] = '\0';
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(dirfd, name, target, sizeof(target) - 1);
		target[n > 0 ? (size_t)n : 0] = '\0';
	}
	sh_printf(sh, "%s %3lu %5u %5u %12s %s %s%s%s\n", mode, (unsigned long)st.st_nlink,
		  (unsigned)st.st_uid, (unsigned)st.st_gid, size, when, name,
		  target[0] ? " -> " : "", target);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static int list_dir(struct shell *sh, const char *path, bool long_format)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;
	unsigned kept = 0, seen = 0;
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		r = -errno;
		if (fd >= 0)
			close(fd);
		sh_errno(sh, "ls", path, r, NULL);
		return r;
	}
	while (seen < SHELL_LS_SCAN_MAX && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		seen++;
		if (kept < SHELL_LS_MAX && str_copy(ls_names[kept], NAME_BYTES, de->d_name) == 0)
			kept++;
	}
	qsort(ls_names, kept, sizeof(ls_names[0]), name_cmp);
	for (unsigned i = 0; i < kept; i++) {
		if (long_format)
			long_line(sh, dirfd(d), ls_names[i]);
		else
			sh_printf(sh, "%s\n", ls_names[i]);
	}
	if (seen > kept)
		sh_printf(sh, "ls: %s: %u%s more entries not listed (at most %d are)\n", path,
			  seen - kept, seen == SHELL_LS_SCAN_MAX ? " or" : "", SHELL_LS_MAX);
	closedir(d);
	return r;
}

int shcmd_ls(struct shell *sh, int argc, char **argv)
{
	const char *path = NULL;
	bool long_format = false;
	struct stat st;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-l") == 0) {
			long_format = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			sh_printf(sh, "ls: unknown option %s; usage: ls [-l] [PATH]\n", argv[i]);
			return -EINVAL;
		} else if (path) {
			sh_printf(sh, "ls: one PATH at a time; usage: ls [-l] [PATH]\n");
			return -EINVAL;
		} else {
			path = argv[i];
		}
	}
	if (!path)
		path = ".";
	if (lstat(path, &st) < 0) {
		int r = -errno;

		sh_errno(sh, "ls", path, r, NULL);
		return r;
	}
	if (S_ISDIR(st.st_mode))
		return list_dir(sh, path, long_format);
	if (long_format)
		long_line(sh, AT_FDCWD, path);
	else
		sh_printf(sh, "%s\n", path);
	return 0;
}
