#include "tests/unit/harness.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>

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
