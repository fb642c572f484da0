/* Bounded file I/O: every read has a cap chosen by the caller, so a hostile or broken file
 * (a sysfs attribute, a config on a disk) cannot make embark allocate or loop without end. */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

ssize_t read_fd_full(int fd, void *buf, size_t cap)
{
	size_t got = 0;
	char extra;

	while (got < cap) {
		ssize_t n = read(fd, (char *)buf + got, cap - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return (ssize_t)got;
		got += (size_t)n;
	}
	/* Full: one more byte tells "exactly CAP" from "larger than CAP". */
	for (;;) {
		ssize_t n = read(fd, &extra, 1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		return n == 0 ? (ssize_t)got : -EFBIG;
	}
}

ssize_t read_file_bounded(const char *path, char *buf, size_t max)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read_fd_full(fd, buf, max);
	close(fd);
	buf[n >= 0 ? (size_t)n : 0] = '\0';
	return n;
}

int pread_exact(int fd, void *buf, size_t len, off_t off)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = pread(fd, (char *)buf + got, len - got, off + (off_t)got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		got += (size_t)n;
	}
	return 0;
}

/* write() (OFF < 0) or pwrite() at OFF until LEN bytes are out: each pass writes at least
 * one byte or fails, so the loop ends within LEN passes. */
static int write_loop(int fd, const void *buf, size_t len, off_t off)
{
	size_t done = 0;

	while (done < len) {
		const char *p = (const char *)buf + done;
		ssize_t n = off < 0 ? write(fd, p, len - done)
				    : pwrite(fd, p, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
	return write_loop(fd, buf, len, -1);
}

int pwrite_all(int fd, const void *buf, size_t len, off_t off)
{
	return off < 0 ? -EINVAL : write_loop(fd, buf, len, off);
}

int str_copy(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);

	if (cap == 0)
		return -ENAMETOOLONG;
	if (n >= cap) {
		memcpy(dst, src, cap - 1);
		dst[cap - 1] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

int path_join(char *dst, size_t cap, const char *a, const char *b)
{
	size_t la = strlen(a);

	while (la > 0 && a[la - 1] == '/')
		la--;
	while (*b == '/')
		b++;
	if (la + 1 + strlen(b) + 1 > cap)
		return -ENAMETOOLONG;
	memcpy(dst, a, la);
	dst[la] = '/';
	strcpy(dst + la + 1, b);
	return 0;
}
