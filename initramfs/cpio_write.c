/* cpio_write — streams a parsed spec as a reproducible newc archive. The only part of the
 * module that reads source files; contents go through one fixed buffer, so a 100 MB module
 * tree costs 64 KiB of memory, not 100 MB. */
#include "initramfs/initramfs.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUT_BUF_SIZE (64u * 1024)
#define ARCHIVE_BLOCK 512u /* the archive is padded to this, as gen_init_cpio and cpio do */
#define NEWC_FILESIZE_MAX 0xffffffffu

struct out {
	int fd;
	uint64_t offset; /* bytes of archive produced so far, flushed or not */
	size_t used;
	uint8_t *buf;
};

static int out_flush(struct out *o)
{
	int rc = write_all(o->fd, o->buf, o->used);

	if (rc == 0)
		o->used = 0;
	return rc;
}

static int out_put(struct out *o, const void *data, size_t len)
{
	const uint8_t *p = data;
	int rc;

	while (len) {
		size_t room = OUT_BUF_SIZE - o->used, n = len < room ? len : room;

		memcpy(o->buf + o->used, p, n);
		o->used += n;
		o->offset += n;
		p += n;
		len -= n;
		if (o->used == OUT_BUF_SIZE) {
			rc = out_flush(o);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Zero bytes up to the next multiple of ALIGN. */
static int out_pad(struct out *o, unsigned align)
{
	static const uint8_t zeros[ARCHIVE_BLOCK];
	size_t pad = (size_t)((align - o->offset % align) % align);

	return out_put(o, zeros, pad);
}

/* One newc header, the name with its NUL, and the padding after them. */
static int out_header(struct out *o, uint32_t ino, uint32_t mode, uint32_t uid, uint32_t gid,
		      uint32_t nlink, uint32_t mtime, uint32_t filesize, uint32_t rdev_major,
		      uint32_t rdev_minor, const char *name)
{
	char hdr[CPIO_HEADER_SIZE + 1];
	size_t namesize = strlen(name) + 1; /* <= CPIO_NAME_MAX + 1: checked by the parser */
	int rc;

	snprintf(hdr, sizeof(hdr),
		 "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", CPIO_NEWC_MAGIC,
		 (unsigned)ino, (unsigned)mode, (unsigned)uid, (unsigned)gid, (unsigned)nlink,
		 (unsigned)mtime, (unsigned)filesize, 0u, 0u, (unsigned)rdev_major,
		 (unsigned)rdev_minor, (unsigned)namesize, 0u);
	rc = out_put(o, hdr, CPIO_HEADER_SIZE);
	if (!rc)
		rc = out_put(o, name, namesize);
	if (!rc)
		rc = out_pad(o, 4);
	return rc;
}

/* Checks every source before anything is written, so that a bad spec fails in a moment and
 * not after copying gigabytes. cpio_write_fd checks again on the open file descriptor. */
static int check_sources(const struct cpio_spec *spec, char *err, size_t errlen)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < spec->count; i++) {
		const struct cpio_spec_entry *e = &spec->entries[i];
		struct stat st;

		if (e->type != CPIO_ENTRY_FILE || !e->carries_data)
			continue;
		if (stat(e->location, &st) != 0) {
			rc = -errno;
			err_fail(err, errlen, 0, "%.100s:%u: source '%.100s': %s", spec->origin,
				 e->line, e->location, strerror(errno));
			goto out;
		}
		if (!S_ISREG(st.st_mode)) {
			err_fail(err, errlen, 0, "%.100s:%u: source '%.100s': not a regular file",
				 spec->origin, e->line, e->location);
			rc = -EINVAL;
			goto out;
		}
		if ((uint64_t)st.st_size > NEWC_FILESIZE_MAX) {
			err_fail(err, errlen, 0,
				 "%.100s:%u: source '%.100s': 4 GiB or more, the newc limit",
				 spec->origin, e->line, e->location);
			rc = -EFBIG;
			goto out;
		}
	}
out:
	return rc;
}

/* Header, name and exactly the bytes of E's source that fstat announced; a source that
 * grows or shrinks meanwhile is an error rather than a silently inconsistent archive. */
static int write_file_entry(struct out *o, const struct cpio_spec *spec,
			    const struct cpio_spec_entry *e, uint32_t mtime, char *err,
			    size_t errlen)
{
	const char *why = NULL; /* set when the source, not the archive, is at fault */
	uint64_t left;
	struct stat st;
	uint8_t probe;
	ssize_t n;
	int fd = -1, rc = 0;

	if (!e->carries_data) {
		rc = out_header(o, e->ino, e->mode, e->uid, e->gid, e->nlink, mtime, 0, 0, 0,
				e->name);
		goto out;
	}
	/* O_NONBLOCK: a FIFO given as a source must be refused, not waited on. */
	fd = open(e->location, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &st) != 0) {
		rc = -errno;
		why = strerror(errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		why = "not a regular file";
		goto out;
	}
	if ((uint64_t)st.st_size > NEWC_FILESIZE_MAX) {
		rc = -EFBIG;
		why = "4 GiB or more, the newc limit";
		goto out;
	}
	rc = out_header(o, e->ino, e->mode, e->uid, e->gid, e->nlink, mtime,
			(uint32_t)st.st_size, 0, 0, e->name);
	if (rc)
		goto out;
	/* Read straight into the output buffer; each pass moves at least one byte, so the loop
	 * ends within st_size passes (plus EINTR retries). */
	left = (uint64_t)st.st_size;
	while (left) {
		size_t room = OUT_BUF_SIZE - o->used;
		size_t want = left < room ? (size_t)left : room;

		n = read(fd, o->buf + o->used, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			why = n < 0 ? strerror(errno) : "file shrank while being read";
			goto out;
		}
		o->used += (size_t)n;
		o->offset += (uint64_t)n;
		left -= (uint64_t)n;
		if (o->used == OUT_BUF_SIZE) {
			rc = out_flush(o);
			if (rc)
				goto out;
		}
	}
	do
		n = read(fd, &probe, 1);
	while (n < 0 && errno == EINTR);
	if (n != 0) {
		rc = n < 0 ? -errno : -EIO;
		why = n < 0 ? strerror(errno) : "file grew while being read";
		goto out;
	}
	rc = out_pad(o, 4);
out:
	if (why)
		err_fail(err, errlen, 0, "%.100s:%u: source '%.100s': %s", spec->origin, e->line,
			 e->location, why);
	else if (rc)
		err_fail(err, errlen, 0, "writing the archive: %s", strerror(-rc));
	if (fd >= 0)
		close(fd);
	return rc;
}

static int write_entry(struct out *o, const struct cpio_spec *spec,
		       const struct cpio_spec_entry *e, uint32_t mtime, char *err, size_t errlen)
{
	size_t target_len;
	int rc;

	if (e->type == CPIO_ENTRY_FILE)
		return write_file_entry(o, spec, e, mtime, err, errlen);
	/* A symlink's data is its target, without a NUL. */
	target_len = e->type == CPIO_ENTRY_SLINK ? strlen(e->location) : 0;
	rc = out_header(o, e->ino, e->mode, e->uid, e->gid, e->nlink, mtime, (uint32_t)target_len,
			e->rdev_major, e->rdev_minor, e->name);
	if (!rc && target_len) {
		rc = out_put(o, e->location, target_len);
		if (!rc)
			rc = out_pad(o, 4);
	}
	if (rc)
		err_fail(err, errlen, 0, "writing the archive: %s", strerror(-rc));
	return rc;
}

int cpio_write_fd(const struct cpio_spec *spec, int fd, uint32_t mtime, char *err,
		  size_t errlen)
{
	struct out o = { fd, 0, 0, NULL };
	size_t i;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	rc = check_sources(spec, err, errlen);
	if (rc)
		goto out;
	o.buf = malloc(OUT_BUF_SIZE);
	if (!o.buf) {
		err_fail(err, errlen, 0, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < spec->count; i++) {
		rc = write_entry(&o, spec, &spec->entries[i], mtime, err, errlen);
		if (rc)
			goto out;
	}
	/* The trailer is all zeros but nlink 1 and its name, as GNU cpio writes it. */
	rc = out_header(&o, 0, 0, 0, 0, 1, 0, 0, 0, 0, CPIO_TRAILER_NAME);
	if (!rc)
		rc = out_pad(&o, ARCHIVE_BLOCK);
	if (!rc)
		rc = out_flush(&o);
	if (rc)
		err_fail(err, errlen, 0, "writing the archive: %s", strerror(-rc));
out:
	free(o.buf);
	return rc;
}

int cpio_write_file(const struct cpio_spec *spec, const char *out_path, uint32_t mtime,
		    char *err, size_t errlen)
{
	static const char suffix[] = ".tmp-XXXXXX";
	size_t out_len = strlen(out_path);
	char *tmp = NULL;
	struct stat st;
	mode_t mask;
	int fd = -1, rc = 0;

	if (err && errlen)
		err[0] = '\0';
	/* Renaming over a device or a directory would be wrong (as root: replace /dev/null). */
	if (stat(out_path, &st) == 0 && !S_ISREG(st.st_mode)) {
		err_fail(err, errlen, 0, "'%.200s' exists and is not a regular file", out_path);
		rc = -EEXIST;
		goto out;
	}
	if (out_len > CPIO_NAME_MAX) {
		err_fail(err, errlen, 0, "output path too long (at most %u bytes)", CPIO_NAME_MAX);
		rc = -ENAMETOOLONG;
		goto out;
	}
	/* Next to OUT_PATH, in the same directory, so that the final rename is atomic. */
	tmp = malloc(out_len + sizeof(suffix));
	if (!tmp) {
		err_fail(err, errlen, 0, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	memcpy(tmp, out_path, out_len);
	memcpy(tmp + out_len, suffix, sizeof(suffix));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		err_fail(err, errlen, 0, "creating a temporary file next to '%.200s': %s", out_path,
			 strerror(errno));
		free(tmp);
		tmp = NULL; /* nothing to remove */
		goto out;
	}
	rc = cpio_write_fd(spec, fd, mtime, err, errlen);
	if (rc)
		goto out;
	/* mkstemp makes the file 0600; give it the mode an ordinary create would. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || fsync(fd) != 0) {
		rc = -errno;
		err_fail(err, errlen, 0, "writing '%.200s': %s", tmp, strerror(errno));
		goto out;
	}
	rc = close(fd) == 0 ? 0 : -errno;
	fd = -1;
	if (rc) {
		err_fail(err, errlen, 0, "writing '%.200s': %s", tmp, strerror(-rc));
		goto out;
	}
	if (rename(tmp, out_path) != 0) {
		rc = -errno;
		err_fail(err, errlen, 0, "renaming '%.200s' to '%.200s': %s", tmp, out_path,
			 strerror(errno));
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	if (tmp && rc)
		unlink(tmp);
	free(tmp);
	return rc;
}
