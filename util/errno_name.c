/* errno names: person-facing errors print "ENOENT (No such file or directory)" so the name
 * can be looked up and the meaning read without a manual. musl has no strerrorname_np. */
#include "util/util.h"

#include <errno.h>
#include <stdio.h>

#define E(x) { x, #x }
static const struct {
	int err;
	const char *name;
} errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG), E(ENOEXEC),
	E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT), E(ENOTBLK), E(EBUSY),
	E(EEXIST), E(EXDEV), E(ENODEV), E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE),
	E(ENOTTY), E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK), E(EPIPE),
	E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK), E(ENOSYS), E(ENOTEMPTY),
	E(ELOOP), E(ENOMSG), E(ENODATA), E(ETIME), E(ENOPKG), E(EBADMSG), E(EOVERFLOW),
	E(EILSEQ), E(ENOTSUP), E(EADDRNOTAVAIL), E(ENETUNREACH), E(ECONNREFUSED),
	E(ECONNRESET), E(ETIMEDOUT), E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS),
	E(ECANCELED), E(ENOKEY), E(EKEYEXPIRED), E(EKEYREVOKED), E(EKEYREJECTED),
	E(EMSGSIZE), E(EPROTO), E(ENOMEDIUM), E(EMEDIUMTYPE), E(EUCLEAN),
};
#undef E

const char *errno_name(int err)
{
	static char unknown[16];

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	snprintf(unknown, sizeof(unknown), "E%d", err);
	return unknown;
}
