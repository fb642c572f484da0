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

/* --- the event log: one JSON object a line in EVENTS_PATH, for the recovery shell's
 * `events` and for tools reading a machine's boot afterwards. Every logged line is an event
 * of kind "log"; PID 1 adds kinds of its own ("boot", "boot_failed", "menu_choice", ...). */
static int events_fd = -1;
static char last_error[LOG_LAST_ERROR_MAX];

static size_t json_escape(char *dst, size_t cap, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			dst[o++] = '\\';
			dst[o++] = (char)c;
		} else if (c < 0x20) {
			o += (size_t)snprintf(dst + o, cap - o, "\\u%04x", c);
		} else {
			dst[o++] = (char)c;
		}
	}
	dst[o] = '\0';
	return o;
}

static void event_write(const char *kind, const char *level, const char *entry,
			const char *detail)
{
	char e1[512], e2[1200], line[2048];
	int n;

	if (events_fd < 0) {
		events_fd = open(EVENTS_PATH, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (events_fd < 0)
			return; /* /run not mounted yet (host tests): nothing to keep */
	}
	json_escape(e1, sizeof(e1), entry ? entry : "");
	json_escape(e2, sizeof(e2), detail ? detail : "");
	n = snprintf(line, sizeof(line),
		     "{\"t_ms\":%llu,\"kind\":\"%s\",\"level\":\"%s\",\"entry\":\"%s\","
		     "\"detail\":\"%s\"}\n",
		     (unsigned long long)monotonic_ms(), kind, level, e1, e2);
	if (n > 0 && (size_t)n < sizeof(line) && write(events_fd, line, (size_t)n) < 0) {
		close(events_fd);
		events_fd = -1;
	}
}

void event_log(const char *kind, const char *entry, const char *detail)
{
	event_write(kind, "info", entry, detail);
}

const char *log_last_error(void)
{
	return last_error[0] ? last_error : "no reason was logged";
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
	if (level <= LOG_ERR)
		snprintf(last_error, sizeof(last_error), "%.*s", (int)sizeof(last_error) - 1, msg);
	event_write("log", level <= LOG_ERR ? "error" : level == LOG_WARN ? "warning" : "info", NULL,
		    msg);
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
