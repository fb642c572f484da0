/* One initrd out of several files. kexec_file_load takes a single initrd fd; the kernel
 * unpacks concatenated cpio archives (compressed or not) one after the other, with zero
 * padding between them, so several initrds become one memfd. Sealed, so that nothing can
 * change the bytes between here and the load. */
#include "loader/loader.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#define COPY_CHUNK (256 * 1024)

static int copy_fd(int dst, int src, size_t *total)
{
	static char buf[COPY_CHUNK];

	for (;;) {
		ssize_t n = read(src, buf, sizeof(buf));
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		r = write_all(dst, buf, (size_t)n);
		if (r < 0)
			return r;
		*total += (size_t)n;
	}
}

int loader_open_initrds(const char *const *paths, size_t n, size_t *failed_index)
{
	static const char zeros[4];
	size_t total = 0;
	int mfd = -1, fd = -1, r;

	*failed_index = 0;
	if (n == 0)
		return -ENOENT;
	if (n > LOADER_MAX_INITRDS)
		return -E2BIG;
	if (n == 1) {
		fd = open(paths[0], O_RDONLY | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	mfd = memfd_new("embark-initrd");
	if (mfd < 0)
		return mfd;
	for (size_t i = 0; i < n; i++) {
		*failed_index = i;
		fd = open(paths[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			r = -errno;
			goto out;
		}
		r = copy_fd(mfd, fd, &total);
		close(fd);
		fd = -1;
		if (r < 0)
			goto out;
		if (total % 4) {
			size_t pad = 4 - total % 4;

			r = write_all(mfd, zeros, pad);
			if (r < 0)
				goto out;
			total += pad;
		}
	}
	r = memfd_seal(mfd);
	if (r < 0)
		goto out;
	return mfd;
out:
	if (fd >= 0)
		close(fd);
	close(mfd);
	return r;
}
