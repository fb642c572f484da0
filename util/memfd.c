/* Sealed memfds (see util.h). Sealing matters because an unsealed memfd, or a file on disk,
 * can change between the moment embark checks its bytes and the moment the kernel reads them. */
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 0x0002U
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif

#define COPY_CHUNK (1024 * 1024)

int memfd_new(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);

	return fd < 0 ? -errno : fd;
}

int memfd_seal(int fd)
{
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -errno;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return 0;
}

int memfd_from_fd(int src, size_t max, const char *name, size_t *size)
{
	static char buf[COPY_CHUNK];
	size_t total = 0;
	int mfd = memfd_new(name), r;

	if (mfd < 0)
		return mfd;
	for (;;) {
		ssize_t n = read(src, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		if ((size_t)n > max - total) {
			r = -EFBIG;
			goto fail;
		}
		r = write_all(mfd, buf, (size_t)n);
		if (r < 0)
			goto fail;
		total += (size_t)n;
	}
	r = memfd_seal(mfd);
	if (r < 0)
		goto fail;
	*size = total;
	return mfd;
fail:
	close(mfd);
	return r;
}
