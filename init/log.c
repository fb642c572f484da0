/* Logging for PID 1. Every line goes to /dev/kmsg (so it is in dmesg and survives into the
 * recovery shell) and to the console. The kernel itself echoes kmsg lines to the console when
 * their level is below console_loglevel; in that case the direct console write is skipped so
 * the operator never sees a line twice. That needs the kernel's /dev/kmsg rate limit (10
 * lines per 5 s by default) off, as systemd turns it off; when it cannot be (the command line
 * locked printk.devkmsg), every line is written to the console directly as well. */
#include "init/internal.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int kmsg_fd = -1;
static int kmsg_unlimited;

uint64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int console_loglevel(void)
{
	char buf[32];
	int fd = open("/proc/sys/kernel/printk", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return atoi(buf);
}

void log_open(void)
{
	int fd;

	if (kmsg_fd < 0)
		kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC | O_NOCTTY);
	fd = open("/proc/sys/kernel/printk_devkmsg", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		kmsg_unlimited = write(fd, "on\n", 3) == 3;
		close(fd);
	}
}

void elog(int level, const char *fmt, ...)
{
	char msg[1024], line[1100];
	struct timespec ts;
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (kmsg_fd >= 0) {
		n = snprintf(line, sizeof(line), "<%d>embark: %s%s\n", level,
			     level <= LOG_ERR ? "error: " : "", msg);
		if (write(kmsg_fd, line, (size_t)n) < 0)
			kmsg_fd = -1;
	}
	if (kmsg_fd >= 0 && kmsg_unlimited && level < console_loglevel())
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "[%5ld.%06ld] embark: %s%s\n", (long)ts.tv_sec,
		     ts.tv_nsec / 1000, level <= LOG_ERR ? "error: " : "", msg);
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* Nowhere else to say it; the kmsg copy is the record. */
	}
}
