/* Superblock probes against images made by the real tools (mkfs.ext4, mkfs.vfat, xorriso),
 * cross-checked with blkid, then truncated and mutated. */
#include "fsprobe/fsprobe.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned char img[FSPROBE_BYTES];

static int run(const char *cmd)
{
	char full[1024];

	snprintf(full, sizeof(full), "cd '%s' && (%s) >/dev/null 2>&1", ut_tmpdir(), cmd);
	return system(full);
}

static size_t load(const char *name)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", ut_tmpdir(), name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, img, sizeof(img));
	close(fd);
	return n < 0 ? 0 : (size_t)n;
}

/* blkid's opinion of NAME's TAG, for cross-checking. */
static void blkid_value(const char *name, const char *tag, char *out, size_t cap)
{
	char cmd[600];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "blkid -p -o value -s %s '%s/%s'", tag, ut_tmpdir(), name);
	out[0] = '\0';
	p = popen(cmd, "r");
	if (!p)
		return;
	if (fgets(out, (int)cap, p))
		out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

/* Every prefix and every single-byte flip of the image: no crash, terminated strings. */
static void abuse(size_t len)
{
	struct fsprobe_result r;

	for (size_t cut = 0; cut <= len; cut += 97)
		fsprobe_identify(img, cut, &r);
	for (size_t i = 0; i < len && i < 40000; i += 3) {
		img[i] ^= 0xff;
		if (fsprobe_identify(img, len, &r) == 0)
			UT_CHECK(memchr(r.label, 0, sizeof(r.label)) && memchr(r.uuid, 0, sizeof(r.uuid)));
		img[i] ^= 0xff;
	}
}

UT_TEST(fsprobe_ext4_from_mkfs)
{
	struct fsprobe_result r;
	char want[64];
	size_t n;

	UT_EQ_INT(run("truncate -s 8M e.img && mkfs.ext4 -q -F -L BOOT-ext4 "
		      "-U 0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9 e.img"),
		  0);
	n = load("e.img");
	UT_EQ_INT(fsprobe_identify(img, n, &r), 0);
	UT_EQ_STR(r.type, "ext4");
	UT_EQ_STR(r.mount_type, "ext4");
	UT_EQ_STR(r.uuid, "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
	UT_EQ_STR(r.label, "BOOT-ext4");
	blkid_value("e.img", "UUID", want, sizeof(want));
	UT_EQ_STR(r.uuid, want);
	/* Needs the superblock's magic: cut just before it, no match. */
	UT_EQ_INT(fsprobe_identify(img, 1024 + 0x39, &r), -ENODATA);
	abuse(n);
}

UT_TEST(fsprobe_ext2_and_ext3_types)
{
	struct fsprobe_result r;
	size_t n;

	UT_EQ_INT(run("truncate -s 4M 2.img && mkfs.ext2 -q -F 2.img && "
		      "truncate -s 8M 3.img && mkfs.ext3 -q -F 3.img"),
		  0);
	n = load("2.img");
	UT_EQ_INT(fsprobe_identify(img, n, &r), 0);
	UT_EQ_STR(r.type, "ext2");
	n = load("3.img");
	UT_EQ_INT(fsprobe_identify(img, n, &r), 0);
	UT_EQ_STR(r.type, "ext3");
	UT_EQ_STR(r.mount_type, "ext4");
}

UT_TEST(fsprobe_vfat16_and_fat32_from_mkfs)
{
	struct fsprobe_result r;
	char want[64];
	size_t n;

	UT_EQ_INT(run("mkfs.vfat -C -n EFI16 -i 1234abcd f16.img 8192 && "
		      "truncate -s 64M f32.img && mkfs.vfat -F 32 -n EFI32 -i 0badf00d f32.img"),
		  0);
	n = load("f16.img");
	UT_EQ_INT(fsprobe_identify(img, n, &r), 0);
	UT_EQ_STR(r.type, "vfat");
	UT_EQ_STR(r.uuid, "1234-ABCD");
	UT_EQ_STR(r.label, "EFI16");
	blkid_value("f16.img", "UUID", want, sizeof(want));
	UT_EQ_STR(r.uuid, want);
	abuse(n);
	n = load("f32.img");
	UT_EQ_INT(fsprobe_identify(img, n, &r), 0);
	UT_EQ_STR(r.uuid, "0BAD-F00D");
	UT_EQ_STR(r.label, "EFI32");
}

UT_TEST(fsprobe_iso9660_from_xorriso)
{
	struct fsprobe_result r;
	char want[64];
	size_t n;

	UT_EQ_INT(run("mkdir -p isod && echo hi > isod/a && "
		      "xorriso -as mkisofs -quiet -V EMBARK_CD -o cd.iso isod"),
		  0);
	n = load("cd.iso");
	UT_EQ_INT(fsprobe_identify(img, n, &r), 0);
	UT_EQ_STR(r.type, "iso9660");
	UT_EQ_STR(r.label, "EMBARK_CD");
	blkid_value("cd.iso", "UUID", want, sizeof(want));
	UT_EQ_STR(r.uuid, want);
	abuse(n);
}

UT_TEST(fsprobe_mbr_is_not_fat)
{
	struct fsprobe_result r;

	memset(img, 0, sizeof(img));
	img[510] = 0x55;
	img[511] = 0xAA;
	img[0x1be + 4] = 0x83; /* one Linux partition entry */
	UT_EQ_INT(fsprobe_identify(img, sizeof(img), &r), -ENODATA);
	UT_EQ_INT(fsprobe_identify(img, 0, &r), -ENODATA);
}
