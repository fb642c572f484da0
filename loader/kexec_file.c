/* kexec_file_load(2) and the reboot into the loaded kernel. musl has the syscall numbers but
 * not the kernel's uapi constants, so the two this file needs are spelled out here
 * (include/uapi/linux/kexec.h and include/uapi/linux/reboot.h). */
#include "loader/loader.h"

#include <errno.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <unistd.h>

#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#define LINUX_REBOOT_CMD_KEXEC 0x45584543

int loader_kexec_file(int kernel_fd, int initrd_fd, const char *cmdline)
{
	size_t len = strlen(cmdline);
	unsigned long flags = initrd_fd < 0 ? KEXEC_FILE_NO_INITRAMFS : 0;

	if (len + 1 > LOADER_CMDLINE_MAX)
		return -E2BIG;
	/* The length counts the terminating NUL: the kernel checks cmdline[len - 1] == '\0'. */
	if (syscall(SYS_kexec_file_load, kernel_fd, initrd_fd < 0 ? -1 : initrd_fd, len + 1,
		    cmdline, flags) != 0)
		return -errno;
	return 0;
}

int loader_kexec_reboot(void)
{
	sync();
	reboot(LINUX_REBOOT_CMD_KEXEC);
	return -errno;
}

const char *loader_explain(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
		return "not permitted: kexec needs CAP_SYS_BOOT and kernel.kexec_load_disabled=0";
	case EKEYREJECTED:
	case ENOKEY:
	case EBADMSG:
		return "the running kernel requires a signed kernel (kernel lockdown or "
		       "KEXEC_SIG_FORCE) and this one's signature was missing or not trusted";
	case EACCES:
		return "the kernel or initrd file is on a filesystem mounted noexec, or lockdown "
		       "forbids it";
	case ENOEXEC:
		return "the running kernel cannot load this file: not a bzImage it understands "
		       "(wrong architecture, or built without 64-bit or relocation support)";
	case EBUSY:
		return "another kexec load is in progress or a kernel is already loaded";
	case ENOMEM:
		return "not enough memory to place the kernel and initrd";
	case EINVAL:
		return "the running kernel refused the arguments (command line longer than the "
		       "target accepts, or a damaged image)";
	case E2BIG:
		return "the command line is longer than 2047 bytes, x86's limit";
	case ENOSYS:
		return "the running kernel has no kexec_file_load (built without CONFIG_KEXEC_FILE)";
	case ETXTBSY:
		return "the kernel file is open for writing elsewhere";
	case EFBIG:
		return "the kernel or initrd is larger than the running kernel accepts";
	case EFAULT:
		return "bad address passed to the kernel (a bug in embark: please report it)";
	case EBADF:
		return "the kernel or initrd file descriptor is not open for reading";
	case ENOMEDIUM:
	case EIO:
		return "reading the kernel or initrd failed (device error)";
	case EADDRNOTAVAIL:
		return "a segment would go where the kernel cannot load it (outside RAM or the "
		       "crash kernel region)";
	case ENOTSUP:
		return "this kind of image cannot be loaded on this architecture";
	case EINTR:
		return "interrupted by a signal: try again";
	}
	return "unexpected error from kexec_file_load";
}
