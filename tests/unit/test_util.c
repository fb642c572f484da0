#include "tests/unit/harness.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>

UT_TEST(util_errno_name_known_and_unknown)
{
	UT_EQ_STR(errno_name(ENOENT), "ENOENT");
	UT_EQ_STR(errno_name(-EKEYREJECTED), "EKEYREJECTED");
	UT_EQ_STR(errno_name(4000), "E4000");
}

UT_TEST(util_read_file_bounded_caps_size)
{
	char buf[8];
	const char *p = ut_write_file("f", "0123456789", 10);

	UT_EQ_INT(read_file_bounded(p, buf, 7), -EFBIG);
	UT_EQ_INT(read_file_bounded(p, buf, 7) < 0, 1);
	p = ut_write_file("g", "0123456", 7);
	UT_EQ_INT(read_file_bounded(p, buf, 7), 7);
	UT_EQ_STR(buf, "0123456");
	UT_EQ_INT(read_file_bounded("/nonexistent/x", buf, 7), -ENOENT);
}

UT_TEST(util_path_join_and_copy)
{
	char d[16];

	UT_EQ_INT(path_join(d, sizeof(d), "/run/", "/boot/x"), 0);
	UT_EQ_STR(d, "/run/boot/x");
	UT_EQ_INT(path_join(d, sizeof(d), "/run/embark/media", "vmlinuz"), -ENAMETOOLONG);
	UT_EQ_INT(str_copy(d, 4, "abcd"), -ENAMETOOLONG);
	UT_EQ_STR(d, "abc");
	UT_EQ_INT(str_copy(d, 5, "abcd"), 0);
}

static int ends_with_conf(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".conf") == 0;
}

static int longest_first(const void *a, const void *b)
{
	return (int)strlen((const char *)b) - (int)strlen((const char *)a);
}

UT_TEST(util_dir_names_filters_sorts_and_caps)
{
	static char names[4][DIR_NAME_MAX];
	const struct dir_names_opts conf = { .scan_max = 64, .keep = ends_with_conf };
	const struct dir_names_opts by_len = { .scan_max = 64, .keep = ends_with_conf,
					       .cmp = longest_first };
	const struct dir_names_opts look_at_two = { .scan_max = 2 };
	char dir[512];
	bool more;

	snprintf(dir, sizeof(dir), "%s/dn", ut_tmpdir());
	UT_CHECK(mkdir(dir, 0755) == 0);
	ut_write_file("dn/c.conf", "", 0);
	ut_write_file("dn/a.conf", "", 0);
	ut_write_file("dn/bb.conf", "", 0);
	ut_write_file("dn/.hidden.conf", "", 0);
	ut_write_file("dn/notes.txt", "", 0);
	UT_EQ_INT(dir_names(dir, &conf, names, 4, &more), 3);
	UT_CHECK(!more);
	UT_EQ_STR(names[0], "a.conf");
	UT_EQ_STR(names[1], "bb.conf");
	UT_EQ_STR(names[2], "c.conf");
	UT_EQ_INT(dir_names(dir, &by_len, names, 4, NULL), 3);
	UT_EQ_STR(names[0], "bb.conf");
	/* Room for two: the third is left out and said so. */
	UT_EQ_INT(dir_names(dir, &conf, names, 2, &more), 2);
	UT_CHECK(more);
	/* SCAN_MAX bounds what is looked at (".", ".." and the dot-file count too). */
	UT_CHECK(dir_names(dir, &look_at_two, names, 4, NULL) <= 2);
	UT_EQ_INT(dir_names("/nonexistent/dir", &conf, names, 4, &more), -ENOENT);
	UT_CHECK(!more);
}

UT_TEST(util_err_fail_and_pwrite_all)
{
	char err[16], back[8];
	const char *p = ut_write_file("pw", "........", 8);
	int fd = open(p, O_RDWR);

	UT_EQ_INT(err_fail(err, sizeof(err), -EINVAL, "offset %d: %s", 7, "truncated here"),
		  -EINVAL);
	UT_EQ_STR(err, "offset 7: trunc"); /* cut to the buffer, always terminated */
	UT_EQ_INT(err_fail(NULL, 0, -EIO, "nothing written"), -EIO);
	UT_CHECK(fd >= 0);
	UT_EQ_INT(pwrite_all(fd, "ab", 2, 3), 0);
	UT_EQ_INT(pwrite_all(fd, "ab", 2, -1), -EINVAL);
	UT_EQ_INT(pread_exact(fd, back, 8, 0), 0);
	UT_CHECK(memcmp(back, "...ab...", 8) == 0);
	UT_EQ_INT(lseek(fd, 0, SEEK_CUR), 0); /* the file offset did not move */
	close(fd);
}
