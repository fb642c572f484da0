/* The first things PID 1 does: the kernel hands over an initramfs with nothing mounted and,
 * if /dev/console was missing from the archive, no stdin/stdout/stderr at all. */
#include "init/internal.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

static const struct {
	const char *source, *target, *type;
	unsigned long flags;
	const char *data;
} early[] = {
	{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
	{ "devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755" },
	{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755" },
};

int early_mounts(void)
{
	int failed = 0;

	for (size_t i = 0; i < ARRAY_SIZE(early); i++) {
		mkdir(early[i].target, 0755);
		if (mount(early[i].source, early[i].target, early[i].type, early[i].flags,
			  early[i].data) < 0 && errno != EBUSY) {
			elog(LOG_ERR, "mount %s on %s: %s (%s)", early[i].type, early[i].target,
			     errno_name(errno), strerror(errno));
			failed++;
			continue;
		}
	}
	mkdir("/run/embark", 0755);
	mkdir(MEDIA_ROOT, 0755);
	return failed ? -EIO : 0;
}

/* The last console= on the command line is the kernel's /dev/console; it is only needed
 * here when /dev/console itself cannot be opened. */
static void console_from_cmdline(const char *cmdline, char *dev, size_t cap)
{
	const char *p = cmdline, *hit = NULL;

	while ((p = strstr(p, "console=")) != NULL) {
		if (p == cmdline || p[-1] == ' ')
			hit = p + 8;
		p += 8;
	}
	dev[0] = '\0';
	if (hit) {
		size_t n = strcspn(hit, ", ");

		snprintf(dev, cap, "/dev/%.*s", (int)(n < 32 ? n : 32), hit);
	}
}

void console_setup(const char *kernel_cmdline)
{
	char dev[48];
	int fd;

	if (fcntl(STDOUT_FILENO, F_GETFD) >= 0 && fcntl(STDERR_FILENO, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		console_from_cmdline(kernel_cmdline, dev, sizeof(dev));
		if (dev[0])
			fd = open(dev, O_RDWR | O_NOCTTY | O_CLOEXEC);
	}
	if (fd < 0)
		fd = open("/dev/ttyS0", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/dev/tty0", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return; /* /dev/kmsg still records everything */
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

int console_mode(enum console_mode mode)
{
	static struct termios cooked;
	static int saved;
	struct termios t;

	if (!saved) {
		if (tcgetattr(STDIN_FILENO, &cooked) < 0)
			return -errno;
		saved = 1;
	}
	if (mode == CONSOLE_COOKED)
		return tcsetattr(STDIN_FILENO, TCSANOW, &cooked) < 0 ? -errno : 0;
	t = cooked;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	t.c_iflag &= ~(tcflag_t)(ICRNL | IXON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	return tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0 ? -errno : 0;
}
