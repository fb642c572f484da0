/* cmd_mkinitramfs, cmd_cpio — the command-line edges of initramfs/.
 *
 *   embark mkinitramfs SPEC OUT
 *     Writes the gen_init_cpio list SPEC as a reproducible newc archive OUT (uncompressed).
 *     Every entry gets mtime $SOURCE_DATE_EPOCH (default 0). OUT appears only when complete.
 *     SPEC may be "-" for standard input.
 *     Exit 0 written; 1 the spec is wrong (a bad line, a duplicate name, a source that is not a
 *     regular file or is 4 GiB or more); 2 usage, a bad SOURCE_DATE_EPOCH, or I/O (SPEC or a
 *     source missing or unreadable, OUT not writable).
 *
 *   embark cpio list FILE
 *     Lists the members of the newc archive(s) in FILE ("-" for standard input), one a line:
 *     mode, links, uid, gid, size (major, minor for devices), mtime (UTC), name, and
 *     "-> target" for symlinks. Control bytes in names are shown as \ooo.
 *     Exit 0 listed; 1 the archive is malformed or compressed; 2 usage or I/O. */
#include "cli/cli.h"
#include "initramfs/initramfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* What `cpio list` reads from a pipe; regular files are mapped whatever their size. */
#define CPIO_LIST_PIPE_MAX ((size_t)1 << 30)

/* Reads all of FD, at most MAX bytes, into a malloc'd *BUF. Returns 0, -EFBIG or -errno. */
static int read_all(int fd, size_t max, uint8_t **buf, size_t *len)
{
	size_t used = 0, cap = 0;
	uint8_t *data = NULL;
	int rc = 0;

	/* Each pass reads at least one byte, grows the buffer, or ends; USED > MAX ends it. */
	for (;;) {
		ssize_t n;

		if (used == cap) {
			size_t grown = cap ? cap * 2 : 64 * 1024;
			uint8_t *p;

			if (grown > max + 1)
				grown = max + 1; /* one byte more tells "larger than MAX" */
			p = realloc(data, grown);
			if (!p) {
				rc = -ENOMEM;
				goto out;
			}
			data = p;
			cap = grown;
		}
		n = read(fd, data + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			rc = -EFBIG;
			goto out;
		}
	}
	*buf = data;
	*len = used;
	data = NULL;
out:
	free(data);
	return rc;
}

/* SOURCE_DATE_EPOCH as a newc mtime: unset or empty is 0; otherwise decimal, < 2^32. */
static int source_date_epoch(uint32_t *mtime)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	uint64_t v = 0;
	size_t i;

	*mtime = 0;
	if (!s || !*s)
		return 0;
	/* At most 10 digits fit below 2^32: the cap also bounds the loop. */
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return -EINVAL;
	*mtime = (uint32_t)v;
	return 0;
}

int cmd_mkinitramfs(int argc, char **argv)
{
	const char *verb = argv[0], *spec_path, *out_path;
	struct cpio_spec spec = { 0 };
	char err[CPIO_ERR_MAX];
	uint8_t *text = NULL;
	size_t text_len = 0;
	uint32_t mtime;
	int fd = -1, rc, status = 0;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: embark %s SPEC OUT\n"
		       "Writes the gen_init_cpio list SPEC ('-' for stdin) as a reproducible newc\n"
		       "cpio archive OUT, every mtime $SOURCE_DATE_EPOCH (default 0).\n"
		       "Exit 0 written, 1 bad spec, 2 usage or I/O error.\n", verb);
		goto out;
	}
	if (argc != 3) {
		status = cli_usage(verb, "usage: embark %s SPEC OUT", verb);
		goto out;
	}
	spec_path = argv[1];
	out_path = argv[2];
	if (source_date_epoch(&mtime) != 0) {
		status = cli_usage(verb, "SOURCE_DATE_EPOCH='%s' is not a number of seconds below "
					 "2^32", getenv("SOURCE_DATE_EPOCH"));
		goto out;
	}
	fd = strcmp(spec_path, "-") == 0 ? STDIN_FILENO : open(spec_path, O_RDONLY | O_CLOEXEC);
	rc = fd < 0 ? -errno : read_all(fd, CPIO_SPEC_MAX_BYTES, &text, &text_len);
	if (rc) {
		status = cli_usage(verb, "%s: %s", spec_path,
				   rc == -EFBIG ? "larger than the 64 MiB a spec may have"
						: strerror(-rc));
		goto out;
	}
	rc = cpio_spec_parse(text, text_len, strcmp(spec_path, "-") == 0 ? "<stdin>" : spec_path,
			     &spec, err, sizeof(err));
	if (rc < 0) {
		cli_usage(verb, "%s", err);
		status = rc == -ENOMEM ? 2 : 1;
		goto out;
	}
	rc = cpio_write_file(&spec, out_path, mtime, err, sizeof(err));
	if (rc < 0) {
		cli_usage(verb, "%s", err);
		/* The spec's fault (exit 1) or the system's (exit 2): see the top of this file. */
		status = (rc == -EINVAL || rc == -EFBIG) ? 1 : 2;
		goto out;
	}
out:
	if (fd > STDIN_FILENO)
		close(fd);
	free(text);
	cpio_spec_free(&spec);
	return status;
}

/* Writes LEN bytes of S to F; control bytes, DEL and backslash as \ooo, like `ls -b`. */
static void put_escaped(FILE *f, const void *s, size_t len)
{
	const unsigned char *p = s;
	size_t i;

	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\')
			fprintf(f, "\\%03o", p[i]);
		else
			fputc(p[i], f);
	}
}

static int list_member(const struct cpio_member *m, void *ctx)
{
	char mode[11], when[32], size[32];
	uint32_t type = m->mode & CPIO_S_IFMT;
	time_t t = (time_t)m->mtime;
	struct tm tm;

	cpio_mode_string(m->mode, mode);
	if (!gmtime_r(&t, &tm) || !strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm))
		snprintf(when, sizeof(when), "%u", (unsigned)m->mtime);
	if (type == CPIO_S_IFCHR || type == CPIO_S_IFBLK)
		snprintf(size, sizeof(size), "%u, %u", (unsigned)m->rdev_major,
			 (unsigned)m->rdev_minor);
	else
		snprintf(size, sizeof(size), "%zu", m->size);
	printf("%s %3u %-8u %-8u %10s %s ", mode, (unsigned)m->nlink, (unsigned)m->uid,
	       (unsigned)m->gid, size, when);
	put_escaped(stdout, m->name, m->name_len);
	if (type == CPIO_S_IFLNK) {
		fputs(" -> ", stdout);
		put_escaped(stdout, m->data, m->size);
	}
	fputc('\n', stdout);
	return 0;
}

int cmd_cpio(int argc, char **argv)
{
	const char *verb = argv[0], *path;
	char err[CPIO_ERR_MAX];
	uint8_t *copy = NULL;
	void *map = MAP_FAILED;
	const void *buf = NULL;
	size_t len = 0;
	struct stat st;
	int fd = -1, rc, status = 0;

	if (argc != 3 || strcmp(argv[1], "list") != 0) {
		status = cli_usage(verb, "usage: embark %s list FILE", verb);
		goto out;
	}
	path = argv[2];
	fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		status = cli_usage(verb, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* A regular file is mapped, so a 70 MB initrd costs no copy; a pipe is read whole. */
	if (S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uint64_t)st.st_size > SIZE_MAX) {
			status = cli_usage(verb, "%s: too large to map", path);
			goto out;
		}
		len = (size_t)st.st_size;
		map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			status = cli_usage(verb, "%s: %s", path, strerror(errno));
			goto out;
		}
		buf = map;
	} else if (!S_ISREG(st.st_mode)) {
		rc = read_all(fd, CPIO_LIST_PIPE_MAX, &copy, &len);
		if (rc) {
			status = cli_usage(verb, "%s: %s", path,
					   rc == -EFBIG ? "more than 1 GiB from a pipe"
							: strerror(-rc));
			goto out;
		}
		buf = copy;
	}
	rc = cpio_walk(buf, len, list_member, NULL, err, sizeof(err));
	if (fflush(stdout) != 0 || ferror(stdout)) {
		status = cli_usage(verb, "writing the list: %s", strerror(errno));
		goto out;
	}
	if (rc < 0) {
		cli_usage(verb, "%s: %s", path, err);
		status = 1;
		goto out;
	}
out:
	if (map != MAP_FAILED)
		munmap(map, len);
	if (fd > STDIN_FILENO)
		close(fd);
	free(copy);
	return status;
}
