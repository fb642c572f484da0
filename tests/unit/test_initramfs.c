/* Unit tests for initramfs/: the gen_init_cpio list parser, the reproducible newc writer, the
 * bounds-checked reader, and the `mkinitramfs` / `cpio list` verbs. */
#include "cli/cli.h"
#include "initramfs/initramfs.h"
#include "tests/unit/harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MEMBERS 64

/* --- helpers ------------------------------------------------------------------------------ */

static char *tmp_path(const char *name)
{
	static char paths[8][512];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, sizeof(paths[0]), "%s/%s", ut_tmpdir(), name);
	return p;
}

/* Like ut_write_file, but the path stays valid across the next few calls. */
static char *write_tmp(const char *name, const char *text)
{
	static char paths[8][512];
	static int next;
	char *p = paths[next++ % 8];

	snprintf(p, sizeof(paths[0]), "%s", ut_write_file(name, text, strlen(text)));
	return p;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	int fd = open(path, O_RDONLY);

	*len = 0;
	if (fd < 0 || fstat(fd, &st) != 0)
		goto out;
	buf = malloc((size_t)st.st_size + 1);
	if (buf && read(fd, buf, (size_t)st.st_size) != (ssize_t)st.st_size) {
		free(buf);
		buf = NULL;
		goto out;
	}
	*len = (size_t)st.st_size;
out:
	if (fd >= 0)
		close(fd);
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Number of directory entries in the test directory (to catch left-over temporary files). */
static int files_in_tmpdir(void)
{
	DIR *d = opendir(ut_tmpdir());
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Parses TEXT and writes the archive into the test directory; returns it in memory. */
static uint8_t *build(const char *text, uint32_t mtime, size_t *len)
{
	struct cpio_spec spec;
	char err[CPIO_ERR_MAX];
	const char *out = tmp_path("built.cpio");
	int rc;

	rc = cpio_spec_parse(text, strlen(text), "spec.txt", &spec, err, sizeof(err));
	if (rc < 0) {
		ut_fail(__FILE__, __LINE__, "parse: %d %s", rc, err);
		return NULL;
	}
	rc = cpio_write_file(&spec, out, mtime, err, sizeof(err));
	cpio_spec_free(&spec);
	if (rc < 0) {
		ut_fail(__FILE__, __LINE__, "write: %d %s", rc, err);
		return NULL;
	}
	return slurp(out, len);
}

struct collected {
	struct cpio_member m[MAX_MEMBERS];
	int n;
};

static int collect(const struct cpio_member *m, void *ctx)
{
	struct collected *c = ctx;

	if (c->n == MAX_MEMBERS)
		return -ENOSPC;
	c->m[c->n++] = *m;
	return 0;
}

/* Runs the verb with ARGS (argv[0] is the verb) and returns its exit code. */
static int run_mkinitramfs(const char *spec, const char *out)
{
	char *argv[] = { "mkinitramfs", (char *)spec, (char *)out, NULL };

	return cmd_mkinitramfs(3, argv);
}

/* Appends one newc member to BUF at *LEN by hand, for reader tests. NAMESIZE 0 means
 * strlen(NAME) + 1. */
static void put_member(uint8_t *buf, size_t *len, const char *magic, uint32_t mode,
		       const char *name, uint32_t namesize, const char *data, uint32_t filesize,
		       uint32_t check)
{
	size_t nlen = strlen(name) + 1;
	char hdr[CPIO_HEADER_SIZE + 1];

	snprintf(hdr, sizeof(hdr), "%s%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
		 magic, 1u, mode, 0u, 0u, 1u, 0u, filesize, 0u, 0u, 0u, 0u,
		 namesize ? namesize : (uint32_t)nlen, check);
	memcpy(buf + *len, hdr, CPIO_HEADER_SIZE);
	*len += CPIO_HEADER_SIZE;
	memcpy(buf + *len, name, nlen);
	*len += nlen;
	while (*len % 4)
		buf[(*len)++] = 0;
	if (data) {
		memcpy(buf + *len, data, filesize);
		*len += filesize;
	}
	while (*len % 4)
		buf[(*len)++] = 0;
}

static void put_trailer(uint8_t *buf, size_t *len)
{
	put_member(buf, len, CPIO_NEWC_MAGIC, 0, CPIO_TRAILER_NAME, 0, NULL, 0, 0);
}

/* --- writer and round trips -------------------------------------------------------------- */

UT_TEST(initramfs_roundtrip_every_type)
{
	char spec[2048];
	struct collected c = { .n = 0 };
	char err[CPIO_ERR_MAX];
	uint8_t *a;
	size_t len;
	const char *src = write_tmp("init.sh", "#!/bin/sh\necho hi\n"); /* 18 bytes */

	snprintf(spec, sizeof(spec),
		 "# an initramfs with one of each\n"
		 "dir /dev 0755 0 0\n"
		 "nod /dev/console 0600 0 5 c 5 1\n"
		 "nod /dev/sda 0660 0 6 b 8 0\n"
		 "file /init %s 0755 0 0\n"
		 "slink /bin/sh busybox 0777 0 0\n"
		 "dir /bin 0755 0 0\n"
		 "pipe /run/fifo 0644 1000 1000\n"
		 "sock /run/sock 01777 0 0\n"
		 "dir /run 0755 0 0\n",
		 src);
	a = build(spec, 1234567890, &len);
	UT_CHECK(a != NULL);
	if (!a)
		return;
	UT_EQ_INT(len % 512, 0);
	UT_EQ_INT(cpio_walk(a, len, collect, &c, err, sizeof(err)), 9);
	UT_EQ_INT(c.n, 9);
	if (c.n != 9)
		goto out;
	UT_EQ_STR(c.m[0].name, "bin");
	UT_EQ_INT(c.m[0].mode, 040755);
	UT_EQ_INT(c.m[0].nlink, 2);
	UT_EQ_STR(c.m[1].name, "bin/sh");
	UT_EQ_INT(c.m[1].mode, 0120777);
	UT_EQ_INT(c.m[1].size, 7);
	UT_CHECK(memcmp(c.m[1].data, "busybox", 7) == 0);
	UT_EQ_STR(c.m[2].name, "dev");
	UT_EQ_STR(c.m[3].name, "dev/console");
	UT_EQ_INT(c.m[3].mode, 020600);
	UT_EQ_INT(c.m[3].gid, 5);
	UT_EQ_INT(c.m[3].rdev_major, 5);
	UT_EQ_INT(c.m[3].rdev_minor, 1);
	UT_EQ_STR(c.m[4].name, "dev/sda");
	UT_EQ_INT(c.m[4].mode, 060660);
	UT_EQ_INT(c.m[4].rdev_major, 8);
	UT_EQ_STR(c.m[5].name, "init");
	UT_EQ_INT(c.m[5].mode, 0100755);
	UT_EQ_INT(c.m[5].size, 18);
	UT_CHECK(memcmp(c.m[5].data, "#!/bin/sh\necho hi\n", 18) == 0);
	UT_EQ_STR(c.m[6].name, "run");
	UT_EQ_STR(c.m[7].name, "run/fifo");
	UT_EQ_INT(c.m[7].mode, 010644);
	UT_EQ_INT(c.m[7].uid, 1000);
	UT_EQ_INT(c.m[7].gid, 1000);
	UT_EQ_STR(c.m[8].name, "run/sock");
	UT_EQ_INT(c.m[8].mode, 0141777);
	for (int i = 0; i < c.n; i++) {
		UT_EQ_INT(c.m[i].ino, i + 1);
		UT_EQ_INT(c.m[i].mtime, 1234567890);
		UT_EQ_INT(c.m[i].dev_major, 0);
		UT_EQ_INT(c.m[i].dev_minor, 0);
		UT_EQ_INT(c.m[i].offset % 4, 0);
		UT_EQ_INT(c.m[i].archive, 0);
		if ((c.m[i].mode & CPIO_S_IFMT) != CPIO_S_IFDIR)
			UT_EQ_INT(c.m[i].nlink, 1);
	}
	/* Exactly gen_init_cpio's framing: the first header at 0, the trailer last. */
	UT_CHECK(memcmp(a, "070701", 6) == 0);
out:
	free(a);
}

UT_TEST(initramfs_mtime_and_ids_come_from_spec_not_source)
{
	struct collected c = { .n = 0 };
	char spec[1024];
	uint8_t *a;
	size_t len;
	const char *src = write_tmp("data", "x");

	chmod(src, 0600);
	snprintf(spec, sizeof(spec), "file /data %s 0444 42 43\n", src);
	a = build(spec, 7, &len);
	UT_CHECK(a && cpio_walk(a, len, collect, &c, NULL, 0) == 1);
	UT_EQ_INT(c.m[0].mode, 0100444);
	UT_EQ_INT(c.m[0].uid, 42);
	UT_EQ_INT(c.m[0].gid, 43);
	UT_EQ_INT(c.m[0].mtime, 7);
	free(a);
}

UT_TEST(initramfs_hard_links_share_inode_data_on_last)
{
	struct collected c = { .n = 0 };
	char spec[1024];
	uint8_t *a;
	size_t len;
	const char *src = write_tmp("busybox", "BUSYBOX");

	snprintf(spec, sizeof(spec),
		 "dir /bin 0755 0 0\n"
		 "file /bin/busybox %s 0755 0 0 /bin/sh /bin/ash\n"
		 "file /bin/z %s 0755 0 0\n",
		 src, src);
	a = build(spec, 0, &len);
	UT_CHECK(a && cpio_walk(a, len, collect, &c, NULL, 0) == 5);
	if (c.n != 5)
		goto out;
	/* Archive order: bin, bin/ash, bin/busybox, bin/sh, bin/z. */
	UT_EQ_STR(c.m[1].name, "bin/ash");
	UT_EQ_STR(c.m[2].name, "bin/busybox");
	UT_EQ_STR(c.m[3].name, "bin/sh");
	UT_EQ_INT(c.m[1].ino, 2);
	UT_EQ_INT(c.m[2].ino, 2);
	UT_EQ_INT(c.m[3].ino, 2);
	UT_EQ_INT(c.m[4].ino, 3);
	UT_EQ_INT(c.m[1].nlink, 3);
	UT_EQ_INT(c.m[3].nlink, 3);
	UT_EQ_INT(c.m[4].nlink, 1);
	UT_EQ_INT(c.m[1].size, 0);
	UT_EQ_INT(c.m[2].size, 0);
	UT_EQ_INT(c.m[3].size, 7);
	UT_CHECK(memcmp(c.m[3].data, "BUSYBOX", 7) == 0);
	UT_EQ_INT(c.m[4].size, 7);
out:
	free(a);
}

UT_TEST(initramfs_reproducible_with_source_date_epoch)
{
	char spec_text[1024];
	const char *src = write_tmp("payload", "payload bytes\n");
	char *spec, out1[512], out2[512], out3[512];
	uint8_t *a, *b, *c3;
	size_t la, lb, lc;
	struct collected col = { .n = 0 };

	snprintf(spec_text, sizeof(spec_text),
		 "dir /etc 0755 0 0\nfile /etc/payload %s 0644 0 0\nslink /l /etc 0777 0 0\n",
		 src);
	spec = write_tmp("spec.txt", spec_text);
	snprintf(out1, sizeof(out1), "%s", tmp_path("one.cpio"));
	snprintf(out2, sizeof(out2), "%s", tmp_path("two.cpio"));
	snprintf(out3, sizeof(out3), "%s", tmp_path("three.cpio"));
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	UT_EQ_INT(run_mkinitramfs(spec, out1), 0);
	/* A different mtime on the source must not matter. */
	utimensat(AT_FDCWD, src, NULL, 0);
	UT_EQ_INT(run_mkinitramfs(spec, out2), 0);
	setenv("SOURCE_DATE_EPOCH", "1", 1);
	UT_EQ_INT(run_mkinitramfs(spec, out3), 0);
	unsetenv("SOURCE_DATE_EPOCH");
	a = slurp(out1, &la);
	b = slurp(out2, &lb);
	c3 = slurp(out3, &lc);
	UT_CHECK(a && b && c3);
	UT_EQ_INT(la, lb);
	UT_CHECK(la == lb && memcmp(a, b, la) == 0);
	UT_CHECK(la == lc && memcmp(a, c3, la) != 0);
	UT_EQ_INT(cpio_walk(a, la, collect, &col, NULL, 0), 3);
	for (int i = 0; i < col.n; i++)
		UT_EQ_INT(col.m[i].mtime, 1700000000);
	free(a);
	free(b);
	free(c3);
}

UT_TEST(initramfs_default_mtime_is_zero)
{
	struct collected col = { .n = 0 };
	char *spec = write_tmp("spec.txt", "dir /d 0755 0 0\n");
	const char *out = tmp_path("o.cpio");
	uint8_t *a;
	size_t la;

	unsetenv("SOURCE_DATE_EPOCH");
	UT_EQ_INT(run_mkinitramfs(spec, out), 0);
	a = slurp(out, &la);
	UT_EQ_INT(cpio_walk(a, la, collect, &col, NULL, 0), 1);
	UT_EQ_INT(col.m[0].mtime, 0);
	free(a);
}

UT_TEST(initramfs_bad_source_date_epoch_is_usage_error)
{
	char *spec = write_tmp("spec.txt", "dir /d 0755 0 0\n");
	const char *out = tmp_path("o.cpio");
	static const char *const bad[] = { "abc", "-1", "4294967296", "12345678901", "1.5" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("SOURCE_DATE_EPOCH", bad[i], 1);
		UT_EQ_INT(run_mkinitramfs(spec, out), 2);
		UT_CHECK(!exists(out));
	}
	setenv("SOURCE_DATE_EPOCH", "4294967295", 1);
	UT_EQ_INT(run_mkinitramfs(spec, out), 0);
	unsetenv("SOURCE_DATE_EPOCH");
}

UT_TEST(initramfs_order_independent_of_spec_order)
{
	const char *src = write_tmp("f", "0123456789");
	char s1[1024], s2[1024];
	uint8_t *a, *b;
	size_t la, lb;

	snprintf(s1, sizeof(s1),
		 "dir /a 0755 0 0\ndir /a/b 0755 0 0\nfile /a/b/c %s 0644 0 0\n"
		 "file /a-b %s 0644 0 0\nfile /a.b %s 0644 0 0\nslink /z /a 0777 0 0\n"
		 "dir /A 0700 0 0\n",
		 src, src, src);
	snprintf(s2, sizeof(s2),
		 "slink /z /a 0777 0 0\nfile /a.b %s 0644 0 0\n\n# reordered\n"
		 "file /a/b/c %s 0644 0 0\ndir /A 0700 0 0\n   \t\nfile /a-b %s 0644 0 0\n"
		 "dir /a/b 0755 0 0\ndir /a 0755 0 0\n",
		 src, src, src);
	a = build(s1, 99, &la);
	b = build(s2, 99, &lb);
	UT_CHECK(a && b);
	UT_CHECK(la == lb && memcmp(a, b, la) == 0);
	free(a);
	free(b);
}

UT_TEST(initramfs_parents_precede_children)
{
	const char *text = "dir /a/b 0755 0 0\nfile /a-b /dev/null 0644 0 0\n"
			   "dir /a 0755 0 0\ndir /a/b/c 0755 0 0\ndir /a.b 0755 0 0\n"
			   "dir /a0 0755 0 0\n";
	static const char *const want[] = { "a", "a-b", "a.b", "a/b", "a/b/c", "a0" };
	struct cpio_spec spec;
	char err[CPIO_ERR_MAX];

	/* /dev/null is a device: parsing is fine, writing would refuse it. */
	UT_EQ_INT(cpio_spec_parse(text, strlen(text), "spec.txt", &spec, err, sizeof(err)), 6);
	for (size_t i = 0; i < spec.count && i < 6; i++) {
		UT_EQ_STR(spec.entries[i].name, want[i]);
		UT_EQ_INT(spec.entries[i].ino, i + 1);
	}
	/* No parent in the list comes after its child. */
	for (size_t i = 0; i < spec.count; i++) {
		const char *name = spec.entries[i].name, *slash = strrchr(name, '/');
		size_t plen = slash ? (size_t)(slash - name) : 0;

		for (size_t j = i + 1; slash && j < spec.count; j++)
			UT_CHECK(strlen(spec.entries[j].name) != plen ||
				 strncmp(spec.entries[j].name, name, plen) != 0);
	}
	cpio_spec_free(&spec);
}

UT_TEST(initramfs_relative_location_from_cwd)
{
	struct collected col = { .n = 0 };
	char *spec, *out;
	uint8_t *a;
	size_t la;

	write_tmp("rel.txt", "relative\n");
	spec = write_tmp("spec.txt", "file /rel rel.txt 0644 0 0\n");
	UT_EQ_INT(chdir(ut_tmpdir()), 0);
	out = tmp_path("o.cpio");
	UT_EQ_INT(run_mkinitramfs("spec.txt", "o.cpio"), 0);
	a = slurp(out, &la);
	UT_EQ_INT(cpio_walk(a, la, collect, &col, NULL, 0), 1);
	UT_EQ_INT(col.m[0].size, 9);
	(void)spec;
	free(a);
}

UT_TEST(initramfs_large_file_streams)
{
	/* 3 MiB + 3 bytes: many buffer refills, and data padding at the end. */
	size_t n = (3u << 20) + 3, la;
	uint8_t *big = malloc(n), *a;
	struct collected col = { .n = 0 };
	char spec[1024];
	const char *src;

	for (size_t i = 0; i < n; i++)
		big[i] = (uint8_t)(i * 2654435761u >> 13);
	src = ut_write_file("big.bin", big, n);
	snprintf(spec, sizeof(spec), "file /big %s 0644 0 0\nfile /small %s 0644 0 0\n", src,
		 src);
	a = build(spec, 0, &la);
	UT_EQ_INT(cpio_walk(a, la, collect, &col, NULL, 0), 2);
	UT_EQ_INT(col.m[0].size, n);
	UT_CHECK(col.m[0].size == n && memcmp(col.m[0].data, big, n) == 0);
	UT_CHECK(col.m[1].size == n && memcmp(col.m[1].data, big, n) == 0);
	free(a);
	free(big);
}

UT_TEST(initramfs_empty_spec_is_just_a_trailer)
{
	size_t la;
	uint8_t *a = build("# nothing\n\n", 0, &la);
	char err[CPIO_ERR_MAX];

	UT_EQ_INT(la, 512);
	UT_EQ_INT(cpio_walk(a, la, NULL, NULL, err, sizeof(err)), 0);
	free(a);
}

/* --- bad specs ---------------------------------------------------------------------------- */

struct bad_line {
	const char *text;  /* the spec; %s is replaced by a regular source file */
	int parse_rc;      /* cpio_spec_parse's result (0: parses; the writer fails) */
	int exit_code;     /* of `embark mkinitramfs` */
	const char *want;  /* in the message */
};

/* Copies TMPL into OUT with its "%s" (if any) replaced by SRC. */
static void subst_source(char *out, size_t cap, const char *tmpl, const char *src)
{
	const char *at = strstr(tmpl, "%s");

	if (!at) {
		snprintf(out, cap, "%s", tmpl);
		return;
	}
	snprintf(out, cap, "%.*s%s%s", (int)(at - tmpl), tmpl, src, at + 2);
}

static const struct bad_line bad_lines[] = {
	{ "dir /a 0755 0 0\nfile /x /nonexistent/source 0644 0 0\n", 0, 2,
	  "spec.txt:2: source '/nonexistent/source': No such file or directory" },
	{ "dir /a 0789 0 0\n", -EINVAL, 1, "spec.txt:1: mode '0789' is not octal" },
	{ "\n\ndir /a 17777 0 0\n", -EINVAL, 1, "spec.txt:3: mode '17777' is out of range" },
	{ "dir /a -755 0 0\n", -EINVAL, 1, "mode '-755' is not octal" },
	{ "frob /a 0755 0 0\n", -EINVAL, 1, "spec.txt:1: unknown entry type 'frob'" },
	{ "dir /a 0755 0\n", -EINVAL, 1, "spec.txt:1: 'dir' takes 4 fields, not 3" },
	{ "dir /a 0755 0 0 0\n", -EINVAL, 1, "'dir' takes 4 fields, not 5" },
	{ "file /a %s 0644 0\n", -EINVAL, 1, "'file' takes at least 5 fields, not 4" },
	{ "nod /c 0600 0 0 c 5\n", -EINVAL, 1, "'nod' takes 7 fields, not 6" },
	{ "slink /l 0777 0 0\n", -EINVAL, 1, "'slink' takes 5 fields, not 4" },
	{ "dir /a 0755 0 0\n# x\nfile /a %s 0644 0 0\n", -EINVAL, 1,
	  "spec.txt:3: duplicate name '/a' (also on line 1)" },
	{ "file /b %s 0644 0 0 /c /b\n", -EINVAL, 1, "spec.txt:1: duplicate name '/b'" },
	{ "dir a 0755 0 0\n", -EINVAL, 1, "name 'a' must be absolute" },
	{ "dir / 0755 0 0\n", -EINVAL, 1, "name '/' is the root" },
	{ "dir /a/ 0755 0 0\n", -EINVAL, 1, "ends with '/'" },
	{ "dir /a//b 0755 0 0\n", -EINVAL, 1, "empty, '.' or '..' component" },
	{ "dir /a/../b 0755 0 0\n", -EINVAL, 1, "empty, '.' or '..' component" },
	{ "dir /. 0755 0 0\n", -EINVAL, 1, "empty, '.' or '..' component" },
	{ "dir /TRAILER!!! 0755 0 0\n", -EINVAL, 1, "would end the archive" },
	{ "dir /a 0755 x 0\n", -EINVAL, 1, "uid 'x' is not a decimal number" },
	{ "dir /a 0755 0 4294967296\n", -EINVAL, 1, "gid '4294967296' is out of range" },
	{ "nod /c 0600 0 0 x 5 1\n", -EINVAL, 1, "device type 'x' is not 'b' or 'c'" },
	{ "nod /c 0600 0 0 c 4096 1\n", -EINVAL, 1, "major '4096' is out of range" },
	{ "nod /c 0600 0 0 c 1 1048576\n", -EINVAL, 1, "minor '1048576' is out of range" },
	{ "file /f %s 0644 0 0\ndir /f/g 0755 0 0\n", -EINVAL, 1,
	  "spec.txt:2: '/f/g' is inside '/f' (line 1), which is not a dir" },
	{ "file /d %s 0644 0 0 relative\n", -EINVAL, 1, "name 'relative' must be absolute" },
	{ "file /d / 0644 0 0\n", 0, 1, "spec.txt:1: source '/': not a regular file" },
	{ "file /d /dev/null 0644 0 0\n", 0, 1, "source '/dev/null': not a regular file" },
};

UT_TEST(initramfs_bad_spec_lines_give_clear_errors_and_no_output)
{
	const char *src = write_tmp("src", "data");
	char src_copy[512];

	snprintf(src_copy, sizeof(src_copy), "%s", src);
	for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		const struct bad_line *b = &bad_lines[i];
		char text[1024], err[CPIO_ERR_MAX], *spec_path, *out;
		struct cpio_spec spec;
		int rc, before, saved, pipefd[2];
		ssize_t n;
		char stderr_text[1024] = "";

		subst_source(text, sizeof(text), b->text, src_copy);
		rc = cpio_spec_parse(text, strlen(text), "spec.txt", &spec, err, sizeof(err));
		if (rc < 0 || b->parse_rc < 0) {
			UT_EQ_INT(rc, b->parse_rc);
			if (!strstr(err, b->want))
				ut_fail(__FILE__, __LINE__, "case %zu: '%s' lacks '%s'", i, err,
					b->want);
		} else {
			rc = cpio_write_file(&spec, tmp_path("direct.cpio"), 0, err, sizeof(err));
			UT_CHECK(rc < 0);
			if (!strstr(err, b->want))
				ut_fail(__FILE__, __LINE__, "case %zu: '%s' lacks '%s'", i, err,
					b->want);
			UT_CHECK(!exists(tmp_path("direct.cpio")));
		}
		cpio_spec_free(&spec);

		/* The same through the verb: the exit code, the message on stderr, no file. */
		spec_path = write_tmp("spec.txt", text);
		out = tmp_path("out.cpio");
		before = files_in_tmpdir();
		UT_EQ_INT(pipe(pipefd), 0);
		saved = dup(2);
		dup2(pipefd[1], 2);
		rc = run_mkinitramfs(spec_path, out);
		dup2(saved, 2);
		close(saved);
		close(pipefd[1]);
		n = read(pipefd[0], stderr_text, sizeof(stderr_text) - 1);
		close(pipefd[0]);
		stderr_text[n > 0 ? n : 0] = '\0';
		if (rc != b->exit_code)
			ut_fail(__FILE__, __LINE__, "case %zu: exit %d, expected %d", i, rc,
				b->exit_code);
		if (!strstr(stderr_text, b->want))
			ut_fail(__FILE__, __LINE__, "case %zu: stderr '%s' lacks '%s'", i,
				stderr_text, b->want);
		UT_CHECK(!exists(out));
		UT_EQ_INT(files_in_tmpdir(), before); /* no temporary file left behind */
	}
}

UT_TEST(initramfs_failed_write_leaves_existing_output_unchanged)
{
	char *spec = write_tmp("spec.txt", "file /x /nonexistent 0644 0 0\n");
	char *out = write_tmp("out.cpio", "previous contents");
	uint8_t *a;
	size_t la;

	UT_EQ_INT(run_mkinitramfs(spec, out), 2);
	a = slurp(out, &la);
	UT_CHECK(a && la == 17 && memcmp(a, "previous contents", 17) == 0);
	UT_EQ_INT(files_in_tmpdir(), 2);
	free(a);
}

UT_TEST(initramfs_name_and_line_limits)
{
	static char text[CPIO_SPEC_LINE_MAX + 64];
	char err[CPIO_ERR_MAX];
	struct cpio_spec spec;
	size_t n;

	/* A name of exactly CPIO_NAME_MAX bytes is fine, one more is not. */
	n = (size_t)snprintf(text, sizeof(text), "dir /");
	memset(text + n, 'a', CPIO_NAME_MAX - 1);
	n += CPIO_NAME_MAX - 1;
	n += (size_t)snprintf(text + n, sizeof(text) - n, " 0755 0 0\n");
	UT_EQ_INT(cpio_spec_parse(text, n, "spec.txt", &spec, err, sizeof(err)), 1);
	UT_EQ_INT(strlen(spec.entries[0].name), CPIO_NAME_MAX - 1);
	cpio_spec_free(&spec);

	n = (size_t)snprintf(text, sizeof(text), "dir /");
	memset(text + n, 'a', CPIO_NAME_MAX);
	n += CPIO_NAME_MAX;
	n += (size_t)snprintf(text + n, sizeof(text) - n, " 0755 0 0\n");
	UT_EQ_INT(cpio_spec_parse(text, n, "spec.txt", &spec, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "spec.txt:1: name too long (4096 bytes, at most 4095)") != NULL);

	/* A long symlink target and a long line. */
	n = (size_t)snprintf(text, sizeof(text), "slink /l ");
	memset(text + n, 't', CPIO_NAME_MAX + 1);
	n += CPIO_NAME_MAX + 1;
	n += (size_t)snprintf(text + n, sizeof(text) - n, " 0777 0 0\n");
	UT_EQ_INT(cpio_spec_parse(text, n, "spec.txt", &spec, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "link target too long") != NULL);

	memset(text, ' ', CPIO_SPEC_LINE_MAX + 1);
	UT_EQ_INT(cpio_spec_parse(text, CPIO_SPEC_LINE_MAX + 1, "s", &spec, err, sizeof(err)),
		  -EINVAL);
	UT_CHECK(strstr(err, "s:1: line too long") != NULL);

	UT_EQ_INT(cpio_spec_parse("dir /a 0755 0 0\ndir /b\0 0755 0 0\n", 33, "s", &spec, err,
				  sizeof(err)),
		  -EINVAL);
	UT_CHECK(strstr(err, "s:2: line contains a NUL byte") != NULL);

	n = 0;
	n += (size_t)snprintf(text, sizeof(text), "file /a x 0644 0 0");
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " /l%d", i);
	UT_EQ_INT(cpio_spec_parse(text, n, "s", &spec, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "s:1: too many fields (at most 32)") != NULL);
}

UT_TEST(initramfs_spec_comments_blanks_crlf_and_no_final_newline)
{
	const char *text = "# comment\n   # indented comment\n\n\t\n"
			   "dir /a 0755 0 0\r\n"
			   "pipe /a/p 0600 0 0";
	char err[CPIO_ERR_MAX];
	struct cpio_spec spec;

	UT_EQ_INT(cpio_spec_parse(text, strlen(text), "s", &spec, err, sizeof(err)), 2);
	UT_EQ_STR(spec.entries[1].name, "a/p");
	UT_EQ_INT(spec.entries[1].line, 6);
	cpio_spec_free(&spec);
	UT_EQ_INT(cpio_spec_parse("", 0, "s", &spec, err, sizeof(err)), 0);
	cpio_spec_free(&spec);
}

UT_TEST(initramfs_output_into_missing_directory_is_io_error)
{
	char *spec = write_tmp("spec.txt", "dir /a 0755 0 0\n");

	UT_EQ_INT(run_mkinitramfs(spec, tmp_path("no/such/dir/out.cpio")), 2);
	UT_EQ_INT(run_mkinitramfs(tmp_path("missing-spec.txt"), tmp_path("out.cpio")), 2);
	UT_CHECK(!exists(tmp_path("out.cpio")));
	UT_EQ_INT(run_mkinitramfs(spec, "/dev/null"), 2);
	{
		char *argv[] = { "mkinitramfs", spec, NULL };

		UT_EQ_INT(cmd_mkinitramfs(2, argv), 2);
	}
}

/* --- reader ------------------------------------------------------------------------------- */

UT_TEST(cpio_reader_rejects_every_truncation)
{
	size_t la, trailer_end;
	uint8_t *a = build("dir /d 0755 0 0\nslink /d/l /target/x 0777 0 0\n"
			   "nod /d/n 0600 0 0 c 1 3\n", 0, &la);
	struct collected col = { .n = 0 };
	char err[CPIO_ERR_MAX];

	UT_EQ_INT(cpio_walk(a, la, collect, &col, err, sizeof(err)), 3);
	/* The trailer header follows the last member's padded name and data; the trailer is
	 * 110 + 11 bytes, padded to 124. */
	trailer_end = col.m[2].offset + CPIO_HEADER_SIZE + col.m[2].name_len + 1;
	trailer_end = (trailer_end + 3) & ~(size_t)3;
	trailer_end = (trailer_end + col.m[2].size + 3) & ~(size_t)3;
	trailer_end += 124;
	for (size_t cut = 0; cut < trailer_end; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);

		memcpy(copy, a, cut);
		/* A fresh, exact-size copy: ASan catches any read past CUT. */
		if (cpio_walk(copy, cut, NULL, NULL, err, sizeof(err)) != -EINVAL)
			ut_fail(__FILE__, __LINE__, "truncated at %zu accepted", cut);
		free(copy);
	}
	for (size_t cut = trailer_end; cut <= la; cut++)
		UT_EQ_INT(cpio_walk(a, cut, NULL, NULL, err, sizeof(err)), 3);
	free(a);
}

UT_TEST(cpio_reader_rejects_bad_magic)
{
	uint8_t buf[1024];
	size_t len = 0;
	char err[CPIO_ERR_MAX];

	put_member(buf, &len, "070701", 0100644, "f", 0, "abc", 3, 0);
	put_trailer(buf, &len);
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), 1);
	buf[5] = '9';
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "offset 0: bad magic") != NULL);
	memcpy(buf, "070707", 6);
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "old portable cpio format") != NULL);
}

UT_TEST(cpio_reader_rejects_bad_hex_field)
{
	uint8_t buf[1024];
	size_t len = 0;
	char err[CPIO_ERR_MAX];

	put_member(buf, &len, "070701", 0100644, "f", 0, "abc", 3, 0);
	put_trailer(buf, &len);
	buf[6 + 8 * 6 + 3] = 'g'; /* inside filesize */
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "header field 7 is not 8 hex digits") != NULL);
	buf[6 + 8 * 6 + 3] = ' ';
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);
}

UT_TEST(cpio_reader_rejects_namesize_zero_and_bad_names)
{
	uint8_t buf[16384];
	size_t len = 0;
	char err[CPIO_ERR_MAX];
	static char longname[CPIO_NAME_MAX + 2];

	put_member(buf, &len, "070701", 0100644, "f", 0, NULL, 0, 0);
	memcpy(buf + 6 + 8 * 11, "00000000", 8);
	put_trailer(buf, &len);
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "name size 0 out of range") != NULL);

	/* namesize 1 short: the NUL is not where namesize says. */
	len = 0;
	put_member(buf, &len, "070701", 0100644, "abc", 3, NULL, 0, 0);
	put_trailer(buf, &len);
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "not NUL-terminated") != NULL);

	/* An embedded NUL before the end. */
	len = 0;
	put_member(buf, &len, "070701", 0100644, "ab", 5, NULL, 0, 0);
	put_trailer(buf, &len);
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);

	/* Longer than PATH_MAX. */
	memset(longname, 'n', CPIO_NAME_MAX + 1);
	len = 0;
	put_member(buf, &len, "070701", 0100644, longname, 0, NULL, 0, 0);
	put_trailer(buf, &len);
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "name size 4097 out of range") != NULL);
	longname[CPIO_NAME_MAX] = '\0';
	len = 0;
	put_member(buf, &len, "070701", 0100644, longname, 0, NULL, 0, 0);
	put_trailer(buf, &len);
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), 1);
}

UT_TEST(cpio_reader_rejects_sizes_past_the_end)
{
	uint8_t buf[1024];
	size_t len = 0, first_end;
	char err[CPIO_ERR_MAX];

	put_member(buf, &len, "070701", 0100644, "f", 0, "abcd", 4, 0);
	first_end = len;
	put_trailer(buf, &len);
	/* filesize claims more than the buffer holds, up to the maximum. */
	static const char *const sizes[] = { "00000100", "ffffffff", "fffffffc", "7fffffff" };
	for (size_t i = 0; i < 4; i++) {
		memcpy(buf + 6 + 8 * 6, sizes[i], 8);
		UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);
	}
	UT_CHECK(strstr(err, "runs past the end") != NULL);
	/* namesize past the end. */
	memcpy(buf + 6 + 8 * 6, "00000004", 8);
	memcpy(buf + 6 + 8 * 11, "00000fff", 8);
	UT_EQ_INT(cpio_walk(buf, first_end, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "runs past the end") != NULL);
}

UT_TEST(cpio_reader_requires_a_trailer)
{
	uint8_t buf[1024];
	size_t len = 0;
	char err[CPIO_ERR_MAX];

	put_member(buf, &len, "070701", 0100644, "f", 0, "abcd", 4, 0);
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "archive ends without TRAILER!!!") != NULL);
	UT_EQ_INT(cpio_walk(buf, 0, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "no archive") != NULL);
	memset(buf, 0, 600);
	UT_EQ_INT(cpio_walk(buf, 600, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_EQ_INT(cpio_walk(NULL, 0, NULL, NULL, err, sizeof(err)), -EINVAL);
}

UT_TEST(cpio_reader_walks_concatenated_archives)
{
	uint8_t buf[4096];
	size_t len = 0;
	struct collected col = { .n = 0 };
	char err[CPIO_ERR_MAX];

	put_member(buf, &len, "070701", 040755, "a", 0, NULL, 0, 0);
	put_trailer(buf, &len);
	memset(buf + len, 0, 512); /* zero padding between archives, as the kernel allows */
	len += 512;
	put_member(buf, &len, "070701", 0100644, "a/b", 0, "xyz", 3, 0);
	put_member(buf, &len, "070702", 0100644, "a/c", 0, "xyz", 3, 'x' + 'y' + 'z');
	put_trailer(buf, &len);
	memset(buf + len, 0, 8);
	len += 8;
	UT_EQ_INT(cpio_walk(buf, len, collect, &col, err, sizeof(err)), 3);
	UT_EQ_INT(col.m[0].archive, 0);
	UT_EQ_INT(col.m[1].archive, 1);
	UT_EQ_STR(col.m[2].name, "a/c");
	UT_EQ_INT(col.m[2].archive, 1);

	/* Junk after a trailer, or a header at an offset that is not a multiple of 4. */
	buf[len - 3] = 'x';
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "junk after the archive") != NULL);
}

UT_TEST(cpio_reader_checks_crc_format)
{
	uint8_t buf[1024];
	size_t len = 0;
	char err[CPIO_ERR_MAX];

	put_member(buf, &len, "070702", 0100644, "f", 0, "\xff\xff", 2, 0x1fe);
	put_trailer(buf, &len);
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), 1);
	len = 0;
	put_member(buf, &len, "070702", 0100644, "f", 0, "\xff\xff", 2, 0x1ff);
	put_trailer(buf, &len);
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "checksum") != NULL);
}

UT_TEST(cpio_reader_refuses_compressed_input)
{
	static const uint8_t xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4 };
	static const uint8_t gz[] = { 0x1f, 0x8b, 8, 0 };
	uint8_t buf[2048];
	size_t len = 0;
	char err[CPIO_ERR_MAX];

	UT_EQ_INT(cpio_walk(xz, sizeof(xz), NULL, NULL, err, sizeof(err)), -ENOTSUP);
	UT_EQ_STR(err, "offset 0: compressed archive (xz): decompress first (xz -d)");
	UT_EQ_INT(cpio_walk(gz, sizeof(gz), NULL, NULL, err, sizeof(err)), -ENOTSUP);
	UT_CHECK(strstr(err, "(gzip -d)") != NULL);
	/* An uncompressed early archive (microcode) followed by a compressed main one. */
	put_member(buf, &len, "070701", 0100644, "kernel/x86/microcode/GenuineIntel.bin", 0,
		   "u", 1, 0);
	put_trailer(buf, &len);
	memcpy(buf + len, xz, sizeof(xz));
	len += sizeof(xz);
	UT_EQ_INT(cpio_walk(buf, len, NULL, NULL, err, sizeof(err)), -ENOTSUP);
	UT_CHECK(strstr(err, "compressed archive (xz)") != NULL);
	UT_EQ_STR(cpio_compression_name("\x28\xb5\x2f\xfd", 4), "zstd");
	UT_CHECK(cpio_compression_name("0707", 4) == NULL);
}

static int stop_after_one(const struct cpio_member *m, void *ctx)
{
	(*(int *)ctx)++;
	return 1;
}

static int fail_with_eio(const struct cpio_member *m, void *ctx)
{
	return -EIO;
}

UT_TEST(cpio_reader_callback_can_stop_the_walk)
{
	size_t la;
	uint8_t *a = build("dir /a 0755 0 0\ndir /b 0755 0 0\n", 0, &la);
	int calls = 0;

	UT_EQ_INT(cpio_walk(a, la, stop_after_one, &calls, NULL, 0), 1);
	UT_EQ_INT(calls, 1);
	UT_EQ_INT(cpio_walk(a, la, fail_with_eio, NULL, NULL, 0), -EIO);
	free(a);
}

UT_TEST(cpio_mode_string_matches_ls)
{
	char s[11];

	cpio_mode_string(040755, s);
	UT_EQ_STR(s, "drwxr-xr-x");
	cpio_mode_string(0104755, s);
	UT_EQ_STR(s, "-rwsr-xr-x");
	cpio_mode_string(0102644, s);
	UT_EQ_STR(s, "-rw-r-Sr--");
	cpio_mode_string(041777, s);
	UT_EQ_STR(s, "drwxrwxrwt");
	cpio_mode_string(0120777, s);
	UT_EQ_STR(s, "lrwxrwxrwx");
	cpio_mode_string(020600, s);
	UT_EQ_STR(s, "crw-------");
	cpio_mode_string(060660, s);
	UT_EQ_STR(s, "brw-rw----");
	cpio_mode_string(010644, s);
	UT_EQ_STR(s, "prw-r--r--");
	cpio_mode_string(0140700, s);
	UT_EQ_STR(s, "srwx------");
	cpio_mode_string(01000, s);
	UT_EQ_STR(s, "?--------T");
}

/* --- the `cpio list` verb and the system's cpio ----------------------------------------- */

/* Runs `embark cpio ARGS...` with stdout and stderr captured into OUT (NUL-terminated). */
static int run_cpio_verb(int argc, char **argv, char *out, size_t cap)
{
	const char *cap_path = tmp_path("captured.txt");
	int fd = open(cap_path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	int saved_out = dup(1), saved_err = dup(2), rc;
	ssize_t n;

	fflush(stdout);
	dup2(fd, 1);
	dup2(fd, 2);
	rc = cmd_cpio(argc, argv);
	fflush(stdout);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	n = pread(fd, out, cap - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	unlink(cap_path);
	return rc;
}

UT_TEST(cpio_list_verb_prints_members)
{
	static char out[8192];
	const char *src = write_tmp("hello", "hello\n");
	char spec[1024], archive[512];
	size_t la;
	uint8_t *a;

	snprintf(spec, sizeof(spec),
		 "dir /bin 0755 0 0\nslink /bin/sh busybox 0777 0 0\n"
		 "file /init %s 04750 0 10\nnod /console 0600 0 0 c 5 1\n"
		 "file /odd\\name %s 0644 0 0\n",
		 src, src);
	a = build(spec, 86400, &la);
	free(a);
	snprintf(archive, sizeof(archive), "%s", tmp_path("built.cpio"));
	{
		char *argv[] = { "cpio", "list", archive, NULL };

		UT_EQ_INT(run_cpio_verb(3, argv, out, sizeof(out)), 0);
	}
	UT_CHECK(strstr(out, "drwxr-xr-x   2 0        0                 0 1970-01-02 00:00 bin\n"));
	UT_CHECK(strstr(out, "lrwxrwxrwx   1 0        0                 7 1970-01-02 00:00 "
			     "bin/sh -> busybox\n"));
	UT_CHECK(strstr(out, "-rwsr-x---   1 0        10                6 1970-01-02 00:00 "
			     "init\n"));
	UT_CHECK(strstr(out, "crw-------   1 0        0              5, 1 1970-01-02 00:00 "
			     "console\n"));
	UT_CHECK(strstr(out, " odd\\134name\n"));
	if (!strstr(out, "bin/sh -> busybox"))
		ut_fail(__FILE__, __LINE__, "output:\n%s", out);
}

UT_TEST(cpio_list_verb_exit_codes)
{
	static char out[4096];
	static const uint8_t xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0, 0, 4 };
	char path[512], junk[512];

	snprintf(path, sizeof(path), "%s", ut_write_file("initrd.xz", xz, sizeof(xz)));
	snprintf(junk, sizeof(junk), "%s", write_tmp("junk", "this is not an archive, "
						"and it is long enough to hold a header: 0123456789"
						"0123456789012345678901234567890123456789"));
	{
		char *argv[] = { "cpio", "list", path, NULL };

		UT_EQ_INT(run_cpio_verb(3, argv, out, sizeof(out)), 1);
		UT_CHECK(strstr(out, "compressed archive (xz): decompress first (xz -d)"));
	}
	{
		char *argv[] = { "cpio", "list", junk, NULL };

		UT_EQ_INT(run_cpio_verb(3, argv, out, sizeof(out)), 1);
		UT_CHECK(strstr(out, "bad magic"));
	}
	{
		char *argv[] = { "cpio", "list", "/nonexistent/initrd", NULL };

		UT_EQ_INT(run_cpio_verb(3, argv, out, sizeof(out)), 2);
		UT_CHECK(strstr(out, "No such file or directory"));
	}
	{
		char *argv[] = { "cpio", "extract", path, NULL };

		UT_EQ_INT(run_cpio_verb(3, argv, out, sizeof(out)), 2);
		UT_CHECK(strstr(out, "usage: embark cpio list FILE"));
	}
	{
		char *argv[] = { "cpio", NULL };

		UT_EQ_INT(run_cpio_verb(1, argv, out, sizeof(out)), 2);
	}
}

/* If the system has cpio, its `cpio -t` must list the same names in the same order. */
UT_TEST(cpio_system_cpio_agrees)
{
	const char *src = write_tmp("f", "contents\n");
	struct collected col = { .n = 0 };
	char spec[1024], cmd[2048], expected[4096] = "";
	static char listed[4096];
	size_t la;
	uint8_t *a;
	FILE *p;
	size_t n;

	if (system("command -v cpio >/dev/null 2>&1") != 0) {
		printf("# skipped: no cpio on this system\n");
		return;
	}
	snprintf(spec, sizeof(spec),
		 "dir /etc 0755 0 0\nfile /etc/f %s 0644 0 0 /etc/hard\n"
		 "slink /etc/l f 0777 0 0\nnod /etc/null 0666 0 0 c 1 3\npipe /p 0600 0 0\n"
		 "sock /s 0600 0 0\nfile /init %s 0755 0 0\n",
		 src, src);
	a = build(spec, 0, &la);
	UT_EQ_INT(cpio_walk(a, la, collect, &col, NULL, 0), 8);
	for (int i = 0; i < col.n; i++) {
		strcat(expected, col.m[i].name);
		strcat(expected, "\n");
	}
	snprintf(cmd, sizeof(cmd), "cpio -t --quiet < '%s' 2>&1", tmp_path("built.cpio"));
	p = popen(cmd, "r");
	UT_CHECK(p != NULL);
	if (!p)
		goto out;
	n = fread(listed, 1, sizeof(listed) - 1, p);
	listed[n] = '\0';
	UT_EQ_INT(pclose(p), 0);
	UT_EQ_STR(listed, expected);
out:
	free(a);
}

/* The system's cpio writes an archive our reader must accept with the same names. */
UT_TEST(cpio_reader_reads_system_cpio_output)
{
	struct collected col = { .n = 0 };
	char cmd[2048], err[CPIO_ERR_MAX];
	size_t la;
	uint8_t *a;

	if (system("command -v cpio >/dev/null 2>&1") != 0) {
		printf("# skipped: no cpio on this system\n");
		return;
	}
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && mkdir -p t/d && echo hi > t/d/f && ln -s f t/d/l && "
		 "cd t && printf '.\\nd\\nd/f\\nd/l\\n' | cpio -o -H newc --quiet > ../sys.cpio",
		 ut_tmpdir());
	UT_EQ_INT(system(cmd), 0);
	a = slurp(tmp_path("sys.cpio"), &la);
	UT_EQ_INT(cpio_walk(a, la, collect, &col, err, sizeof(err)), 4);
	UT_EQ_STR(col.m[0].name, ".");
	UT_EQ_STR(col.m[2].name, "d/f");
	UT_EQ_INT(col.m[2].size, 3);
	UT_EQ_STR(col.m[3].name, "d/l");
	UT_CHECK(col.m[3].size == 1 && col.m[3].data[0] == 'f');
	free(a);
}
