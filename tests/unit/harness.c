/* Runner for the unit tests. Usage: unit-tests [SUBSTRING]  (runs the tests whose name holds it)
 * Each test runs in a forked child so that one crash or sanitizer report fails that test only. */
#include "tests/unit/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct ut_case *ut_head, **ut_tail = &ut_head;
static int ut_failures;
static char ut_dir[256];

void ut_register(struct ut_case *c)
{
	*ut_tail = c;
	ut_tail = &c->next;
}

void ut_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "#   %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	ut_failures++;
}

const char *ut_tmpdir(void)
{
	if (!ut_dir[0]) {
		const char *base = getenv("TMPDIR");

		snprintf(ut_dir, sizeof(ut_dir), "%s/embark-ut-XXXXXX", base ? base : "/tmp");
		if (!mkdtemp(ut_dir)) {
			perror("mkdtemp");
			exit(2);
		}
	}
	return ut_dir;
}

const char *ut_write_file(const char *name, const void *buf, size_t len)
{
	static char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", ut_tmpdir(), name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		perror(path);
		exit(2);
	}
	close(fd);
	return path;
}

static int ut_run_one(struct ut_case *c)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		c->fn();
		if (ut_failures == 0 && ut_dir[0]) {
			char cmd[300];

			snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ut_dir);
			if (system(cmd) != 0)
				fprintf(stderr, "# could not remove %s\n", ut_dir);
		}
		fflush(NULL);
		_exit(ut_failures ? 1 : 0);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -errno;
	if (WIFSIGNALED(st))
		fprintf(stderr, "#   %s: killed by signal %d\n", c->name, WTERMSIG(st));
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	int n = 0, passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (struct ut_case *c = ut_head; c; c = c->next) {
		if (argc > 1 && !strstr(c->name, argv[1]))
			continue;
		n++;
		if (ut_run_one(c) == 0) {
			printf("ok %d - %s\n", n, c->name);
			passed++;
		} else {
			printf("not ok %d - %s\n", n, c->name);
			failed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
