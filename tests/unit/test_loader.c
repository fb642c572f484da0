#include "loader/loader.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

UT_TEST(loader_initrds_concatenate_padded_and_sealed)
{
	char a[300], b[300], got[32];
	const char *paths[2];
	size_t bad = 99;
	int fd;
	ssize_t n;

	strcpy(a, ut_write_file("a", "12345", 5));
	strcpy(b, ut_write_file("b", "xy", 2));
	paths[0] = a;
	paths[1] = b;
	fd = loader_open_initrds(paths, 2, &bad);
	UT_CHECK(fd >= 0);
	n = read(fd, got, sizeof(got));
	UT_EQ_INT(n, 12); /* 5 + 3 padding + 2 + 2 padding: every part ends 4-aligned */
	UT_CHECK(memcmp(got, "12345\0\0\0xy\0\0", 12) == 0);
	/* Sealed: the bytes checked are the bytes loaded. */
	UT_CHECK(write(fd, "z", 1) < 0);
	close(fd);
}

UT_TEST(loader_initrds_names_the_missing_file)
{
	const char *paths[3] = { "/etc/hostname", "/nonexistent/initrd", "/etc/hostname" };
	size_t bad = 99;

	UT_EQ_INT(loader_open_initrds(paths, 3, &bad), -ENOENT);
	UT_EQ_INT(bad, 1);
	UT_EQ_INT(loader_open_initrds(paths, 0, &bad), -ENOENT);
}

UT_TEST(loader_cmdline_too_long_refused_before_syscall)
{
	static char cmd[LOADER_CMDLINE_MAX + 1];

	memset(cmd, 'a', LOADER_CMDLINE_MAX);
	UT_EQ_INT(loader_kexec_file(-1, -1, cmd), -E2BIG);
}

UT_TEST(loader_explain_names_actions)
{
	UT_CHECK(strstr(loader_explain(-EKEYREJECTED), "signed") != NULL);
	UT_CHECK(strstr(loader_explain(EBUSY), "in progress") != NULL);
	UT_CHECK(strstr(loader_explain(-ENOSYS), "CONFIG_KEXEC_FILE") != NULL);
	UT_CHECK(loader_explain(-12345)[0] != '\0');
}
