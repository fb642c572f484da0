/* Superblock probes and partition tables against images made by the real tools (mkfs.ext4,
 * mkfs.vfat, xorriso, mkfs.btrfs, mkfs.xfs, sfdisk, sgdisk), cross-checked with blkid and
 * partx (both libblkid), then truncated and mutated. */
#include "fsprobe/fsprobe.h"
#include "fsprobe/internal.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define PARTS_MAX 16
#define BTRFS_SB (64 * 1024)
#define BTRFS_SB_SIZE 4096

static unsigned char img[FSPROBE_BYTES];

static int run(const char *cmd)
{
	char full[2048];

	snprintf(full, sizeof(full), "cd '%s' && (%s) >/dev/null 2>&1", ut_tmpdir(), cmd);
	return system(full);
}

/* LEN bytes of NAME from OFF into DST; returns how many were read. */
static size_t load_at(const char *name, off_t off, void *dst, size_t len)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", ut_tmpdir(), name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = pread(fd, dst, len, off);
	close(fd);
	return n < 0 ? 0 : (size_t)n;
}

static size_t load(const char *name)
{
	return load_at(name, 0, img, sizeof(img));
}

/* The first line CMD prints (run in the test directory), without its newline. */
static void first_line(const char *cmd, char *out, size_t cap)
{
	char full[1024];
	FILE *p;

	snprintf(full, sizeof(full), "cd '%s' && %s", ut_tmpdir(), cmd);
	out[0] = '\0';
	p = popen(full, "r");
	if (!p)
		return;
	if (fgets(out, (int)cap, p))
		out[strcspn(out, "\n")] = '\0';
	pclose(p);
}

/* blkid's opinion of NAME's TAG, for cross-checking. */
static void blkid_value(const char *name, const char *tag, char *out, size_t cap)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "blkid -p -o value -s %s '%s'", tag, name);
	first_line(cmd, out, cap);
}

/* Loads NAME into IMG and identifies it (that must succeed); returns its size. */
static size_t identify(const char *name, struct fsprobe_result *r)
{
	size_t n = load(name);

	UT_EQ_INT(fsprobe_identify(img, n, r), 0);
	return n;
}

/* HAVE (what embark found) is what `blkid -p` says NAME's TAG is. */
static void agrees_with_blkid(const char *name, const char *tag, const char *have)
{
	char want[300];

	blkid_value(name, tag, want, sizeof(want));
	UT_EQ_STR(have, want);
}

/* libblkid's opinion of partition NR's FIELD, through partx -P (FIELD="value", with bytes
 * outside printable ASCII escaped as \xHH, which are turned back into bytes here). */
static void partx_value(const char *name, unsigned nr, const char *field, char *out, size_t cap)
{
	char cmd[600], line[512], *v;
	size_t k = 0;

	snprintf(cmd, sizeof(cmd), "partx -g -o %s -n %u -P '%s'", field, nr, name);
	first_line(cmd, line, sizeof(line));
	out[0] = '\0';
	v = strchr(line, '"');
	if (!v)
		return;
	for (v++; *v && *v != '"' && k + 1 < cap; v++) {
		unsigned byte;

		if (v[0] == '\\' && v[1] == 'x' && sscanf(v + 2, "%2x", &byte) == 1) {
			out[k++] = (char)byte;
			v += 3;
		} else {
			out[k++] = *v;
		}
	}
	out[k] = '\0';
}

static int is_clean_result(const struct fsprobe_result *r)
{
	static const struct fsprobe_result zero;

	return memcmp(r, &zero, sizeof(zero)) == 0;
}

static int parts_are_clean(const struct fsprobe_part *parts, size_t n)
{
	static const struct fsprobe_part zero;

	for (size_t i = 0; i < n; i++)
		if (memcmp(&parts[i], &zero, sizeof(zero)) != 0)
			return 0;
	return 1;
}

/* Every prefix up to LEN and every byte flip in [FROM, TO) of the image: no crash, and any
 * match comes with terminated strings. */
static void abuse(size_t len, size_t from, size_t to, size_t step)
{
	struct fsprobe_result r;

	for (size_t cut = 0; cut <= len; cut += 97)
		fsprobe_identify(img, cut, &r);
	for (size_t i = from; i < to && i < len; i += step) {
		img[i] ^= 0xff;
		if (fsprobe_identify(img, len, &r) == 0)
			UT_CHECK(memchr(r.label, 0, sizeof(r.label)) &&
				 memchr(r.uuid, 0, sizeof(r.uuid)));
		else
			UT_CHECK(is_clean_result(&r));
		img[i] ^= 0xff;
	}
}

/* A superblock needs all of itself: cut anywhere before NEEDED, no match. */
static void truncations_never_match(size_t needed)
{
	struct fsprobe_result r;

	for (size_t cut = 0; cut < needed; cut += 61)
		UT_EQ_INT(fsprobe_identify(img, cut, &r), -ENODATA);
	UT_EQ_INT(fsprobe_identify(img, needed - 1, &r), -ENODATA);
}

UT_TEST(fsprobe_crc_known_answers)
{
	static const uint8_t check[] = "123456789";
	uint8_t buf[300];

	/* The standard check values of both polynomials. */
	UT_EQ_INT(fsp_crc32_hole(check, 9, FSP_CRC_NO_HOLE), 0xcbf43926u);
	UT_EQ_INT(fsp_crc32c_hole(check, 9, FSP_CRC_NO_HOLE), 0xe3069283u);
	/* Against zlib on varied data, and a hole reads as zeros. */
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	UT_EQ_INT(fsp_crc32_hole(buf, sizeof(buf), FSP_CRC_NO_HOLE),
		  crc32(0, buf, (uInt)sizeof(buf)));
	{
		uint32_t holed = fsp_crc32_hole(buf, sizeof(buf), 100);

		memset(buf + 100, 0, 4);
		UT_EQ_INT(holed, crc32(0, buf, (uInt)sizeof(buf)));
	}
}

UT_TEST(fsprobe_ext4_from_mkfs)
{
	struct fsprobe_result r;
	size_t n;

	UT_EQ_INT(run("truncate -s 8M e.img && mkfs.ext4 -q -F -L BOOT-ext4 "
		      "-U 0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9 e.img"),
		  0);
	n = identify("e.img", &r);
	UT_EQ_STR(r.type, "ext4");
	UT_EQ_STR(r.mount_type, "ext4");
	UT_EQ_STR(r.uuid, "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
	UT_EQ_STR(r.label, "BOOT-ext4");
	UT_EQ_INT(r.label_inexact, 0);
	agrees_with_blkid("e.img", "UUID", r.uuid);
	/* Needs the superblock's magic: cut just before it, no match. */
	UT_EQ_INT(fsprobe_identify(img, 1024 + 0x39, &r), -ENODATA);
	truncations_never_match(1024 + 0x39);
	abuse(n, 0, 40000, 3);
}

UT_TEST(fsprobe_ext2_and_ext3_types)
{
	struct fsprobe_result r;

	UT_EQ_INT(run("truncate -s 4M 2.img && mkfs.ext2 -q -F 2.img && "
		      "truncate -s 8M 3.img && mkfs.ext3 -q -F 3.img"),
		  0);
	identify("2.img", &r);
	UT_EQ_STR(r.type, "ext2");
	identify("3.img", &r);
	UT_EQ_STR(r.type, "ext3");
	UT_EQ_STR(r.mount_type, "ext4");
}

UT_TEST(fsprobe_vfat16_and_fat32_from_mkfs)
{
	struct fsprobe_result r;
	size_t n;

	UT_EQ_INT(run("mkfs.vfat -C -n EFI16 -i 1234abcd f16.img 8192 && "
		      "truncate -s 64M f32.img && mkfs.vfat -F 32 -n EFI32 -i 0badf00d f32.img"),
		  0);
	n = identify("f16.img", &r);
	UT_EQ_STR(r.type, "vfat");
	UT_EQ_STR(r.uuid, "1234-ABCD");
	UT_EQ_STR(r.label, "EFI16");
	agrees_with_blkid("f16.img", "UUID", r.uuid);
	truncations_never_match(512);
	abuse(n, 0, 40000, 3);
	n = identify("f32.img", &r);
	UT_EQ_STR(r.uuid, "0BAD-F00D");
	UT_EQ_STR(r.label, "EFI32");
}

UT_TEST(fsprobe_iso9660_from_xorriso)
{
	struct fsprobe_result r;
	size_t n;

	UT_EQ_INT(run("mkdir -p isod && echo hi > isod/a && "
		      "xorriso -as mkisofs -quiet -V EMBARK_CD -o cd.iso isod"),
		  0);
	n = identify("cd.iso", &r);
	UT_EQ_STR(r.type, "iso9660");
	UT_EQ_STR(r.label, "EMBARK_CD");
	agrees_with_blkid("cd.iso", "UUID", r.uuid);
	truncations_never_match(16 * 2048 + 2048);
	abuse(n, 0, 40000, 3);
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

/* --- btrfs --------------------------------------------------------------------------------- */

UT_TEST(fsprobe_btrfs_from_mkfs)
{
	struct fsprobe_result r;
	size_t n;

	/* mkfs.btrfs wants 114 MB at least; a sparse file costs nothing. */
	UT_EQ_INT(run("truncate -s 120M b.img && mkfs.btrfs -q -f -L BOOT-btrfs "
		      "-U 0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9 b.img"),
		  0);
	n = load("b.img");
	UT_EQ_INT(n, FSPROBE_BYTES);
	UT_EQ_INT(fsprobe_identify(img, n, &r), 0);
	UT_EQ_STR(r.type, "btrfs");
	UT_EQ_STR(r.mount_type, "btrfs");
	UT_EQ_STR(r.uuid, "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
	UT_EQ_STR(r.label, "BOOT-btrfs");
	agrees_with_blkid("b.img", "TYPE", "btrfs");
	agrees_with_blkid("b.img", "UUID", r.uuid);
	agrees_with_blkid("b.img", "LABEL", r.label);
	/* The superblock ends at 68 KiB, exactly FSPROBE_BYTES: one byte short, no match. */
	truncations_never_match(BTRFS_SB + BTRFS_SB_SIZE);
	/* Every byte the crc32c covers (all but the unused 28 bytes of the csum field): one
	 * flipped, no match, and a clean result. Except csum_type (0xc4): flipped to 1 it says
	 * xxhash64, a sum embark does not compute (see btrfs.c). */
	for (size_t i = 0; i < BTRFS_SB_SIZE; i++) {
		if ((i >= 4 && i < 32) || i == 0xc4)
			continue;
		img[BTRFS_SB + i] ^= 0x01;
		if (fsprobe_identify(img, n, &r) != -ENODATA || !is_clean_result(&r))
			UT_CHECK(!"a flipped superblock byte still matched");
		img[BTRFS_SB + i] ^= 0x01;
	}
	UT_EQ_INT(fsprobe_identify(img, n, &r), 0);
	abuse(n, BTRFS_SB, BTRFS_SB + BTRFS_SB_SIZE, 1);
}

UT_TEST(fsprobe_btrfs_long_label_and_other_checksums)
{
	static const char long_label[] = "a-btrfs-label-longer-than-the-sixty-three-bytes-embark-"
					 "keeps-in-its-result";
	struct fsprobe_result r;
	char cmd[300];
	size_t n;

	snprintf(cmd, sizeof(cmd), "truncate -s 120M l.img && mkfs.btrfs -q -f -L %s l.img",
		 long_label);
	UT_EQ_INT(run(cmd), 0);
	n = identify("l.img", &r);
	agrees_with_blkid("l.img", "LABEL", long_label);
	/* Cut to what fits, flagged so that LABEL= never matches a shortened label. */
	UT_EQ_INT(strlen(r.label), sizeof(r.label) - 1);
	UT_CHECK(strncmp(r.label, long_label, sizeof(r.label) - 1) == 0);
	UT_EQ_INT(r.label_inexact, 1);
	snprintf(cmd, sizeof(cmd), "LABEL=%s", long_label);
	UT_EQ_INT(fsprobe_match(&r, NULL, cmd), 0);
	snprintf(cmd, sizeof(cmd), "LABEL=%s", r.label);
	UT_EQ_INT(fsprobe_match(&r, NULL, cmd), 0);

	/* xxhash64 superblocks are not summed here: accepted on magic, offset and geometry. */
	UT_EQ_INT(run("truncate -s 120M x.img && mkfs.btrfs -q -f --csum xxhash -L XX x.img"), 0);
	n = identify("x.img", &r);
	UT_EQ_STR(r.type, "btrfs");
	UT_EQ_STR(r.label, "XX");
	agrees_with_blkid("x.img", "UUID", r.uuid);
	/* ... but a superblock recording another offset (a copy) or a nonsense sector size is
	 * not a primary btrfs superblock. */
	img[BTRFS_SB + 0x32] ^= 0x01;
	UT_EQ_INT(fsprobe_identify(img, n, &r), -ENODATA);
	img[BTRFS_SB + 0x32] ^= 0x01;
	img[BTRFS_SB + 0x91] = 0x11; /* sectorsize 0x1100 */
	UT_EQ_INT(fsprobe_identify(img, n, &r), -ENODATA);
}

/* A filesystem made over an older btrfs without wiping: the old superblock at 64 KiB
 * survives, and the newer filesystem at the front is what the device is. */
UT_TEST(fsprobe_stale_btrfs_superblock_loses)
{
	static unsigned char btrfs_sb[BTRFS_SB_SIZE];
	static const char *const newer[] = { "f16.img", "e.img", "cd.iso" };
	static const char *const newer_type[] = { "vfat", "ext2", "iso9660" };
	struct fsprobe_result r;

	UT_EQ_INT(run("truncate -s 120M b.img && mkfs.btrfs -q -f b.img && "
		      "mkfs.vfat -C f16.img 8192 && "
		      "truncate -s 8M e.img && mkfs.ext2 -q -F e.img && mkdir -p isod && "
		      "echo hi > isod/a && xorriso -as mkisofs -quiet -o cd.iso isod"),
		  0);
	UT_EQ_INT(load_at("b.img", BTRFS_SB, btrfs_sb, sizeof(btrfs_sb)), sizeof(btrfs_sb));
	for (size_t i = 0; i < sizeof(newer) / sizeof(newer[0]); i++) {
		memset(img, 0, sizeof(img));
		load(newer[i]);
		memcpy(img + BTRFS_SB, btrfs_sb, sizeof(btrfs_sb));
		UT_EQ_INT(fsprobe_identify(img, sizeof(img), &r), 0);
		UT_EQ_STR(r.type, newer_type[i]);
		/* The btrfs superblock itself is intact: with the front wiped, it matches. */
		memset(img, 0, BTRFS_SB);
		UT_EQ_INT(fsprobe_identify(img, sizeof(img), &r), 0);
		UT_EQ_STR(r.type, "btrfs");
	}
}

/* The other way round cannot happen: mkfs.btrfs zeroes the first 64 KiB, so an older
 * filesystem's signature there is gone (identify.c relies on this). */
UT_TEST(fsprobe_btrfs_over_old_vfat)
{
	struct fsprobe_result r;

	UT_EQ_INT(run("truncate -s 120M v.img && mkfs.vfat -F 32 v.img && mkfs.btrfs -q -f v.img"),
		  0);
	identify("v.img", &r);
	UT_EQ_STR(r.type, "btrfs");
	for (size_t i = 0; i < BTRFS_SB; i++)
		if (img[i]) {
			UT_CHECK(!"mkfs.btrfs left a byte in the first 64 KiB");
			break;
		}
	agrees_with_blkid("v.img", "TYPE", "btrfs");
}

/* --- xfs ----------------------------------------------------------------------------------- */

UT_TEST(fsprobe_xfs_from_mkfs)
{
	struct fsprobe_result r;
	size_t n;

	/* mkfs.xfs wants 300 MB at least; a sparse file costs nothing. */
	UT_EQ_INT(run("truncate -s 300M x.img && mkfs.xfs -q -f -L BOOT-xfs "
		      "-m uuid=1a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9 x.img"),
		  0);
	n = identify("x.img", &r);
	UT_EQ_STR(r.type, "xfs");
	UT_EQ_STR(r.mount_type, "xfs");
	UT_EQ_STR(r.uuid, "1a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
	UT_EQ_STR(r.label, "BOOT-xfs");
	agrees_with_blkid("x.img", "TYPE", "xfs");
	agrees_with_blkid("x.img", "UUID", r.uuid);
	agrees_with_blkid("x.img", "LABEL", r.label);
	/* A v5 superblock's CRC32C covers its whole sector (512 bytes here): any byte flipped,
	 * the magic and the checksum itself included, is no match. */
	truncations_never_match(512);
	for (size_t i = 0; i < 512; i++) {
		img[i] ^= 0x20;
		if (fsprobe_identify(img, n, &r) != -ENODATA || !is_clean_result(&r))
			UT_CHECK(!"a flipped xfs superblock byte still matched");
		img[i] ^= 0x20;
	}
	UT_EQ_INT(fsprobe_identify(img, n, &r), 0);
	abuse(n, 0, 2048, 1);
}

/* Version 4 has no CRC: the geometry checks are all that tell a superblock from garbage that
 * starts with "XFSB". Each field below is changed alone. */
UT_TEST(fsprobe_xfs_v4_geometry)
{
	static const struct {
		size_t offset;
		uint8_t value;
		const char *what;
	} breaks[] = {
		{ 6, 0x11, "blocksize not a power of two" },
		{ 120, 13, "blocklog disagrees with blocksize" },
		{ 103, 0x01, "sectsize 513" },
		{ 121, 10, "sectlog disagrees with sectsize" },
		{ 123, 7, "inopblog disagrees with block and inode sizes" },
		{ 127, 101, "imax_pct above 100" },
		{ 88, 0x40, "agcount far beyond dblocks" },
		{ 100, 0x00, "version 0" },
	};
	struct fsprobe_result r;
	size_t n;

	UT_EQ_INT(run("truncate -s 300M x4.img && mkfs.xfs -q -f -m crc=0 -L V4 x4.img"), 0);
	n = identify("x4.img", &r);
	UT_EQ_STR(r.type, "xfs");
	UT_EQ_STR(r.label, "V4");
	agrees_with_blkid("x4.img", "UUID", r.uuid);
	for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
		uint8_t saved = img[breaks[i].offset];

		img[breaks[i].offset] = breaks[i].value;
		if (breaks[i].offset == 100)
			img[101] &= 0xf0; /* the version is the low nibble of the 16-bit field */
		if (fsprobe_identify(img, n, &r) != -ENODATA)
			UT_CHECK(!breaks[i].what);
		img[breaks[i].offset] = saved;
		load("x4.img");
	}
	UT_EQ_INT(fsprobe_identify(img, n, &r), 0);
	truncations_never_match(128);
	abuse(n, 0, 2048, 1);
}

/* --- partition tables ---------------------------------------------------------------------- */

/* Recomputes a GPT header's CRC32 (with zlib, independently of the code under test). */
static void gpt_reseal(uint8_t *hdr)
{
	uint32_t size = fsp_le32(hdr + 12), crc;

	memset(hdr + 16, 0, 4);
	crc = (uint32_t)crc32(0, hdr, size > 512 ? 512 : size);
	hdr[16] = (uint8_t)crc;
	hdr[17] = (uint8_t)(crc >> 8);
	hdr[18] = (uint8_t)(crc >> 16);
	hdr[19] = (uint8_t)(crc >> 24);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Checks partition P against what libblkid (partx) says about partition P->number. */
static void cross_check_partx(const char *image, const struct fsprobe_part *p)
{
	char want[128], got[32];

	partx_value(image, p->number, "UUID", want, sizeof(want));
	UT_EQ_STR(p->partuuid, want);
	partx_value(image, p->number, "TYPE", want, sizeof(want));
	UT_EQ_STR(p->type, want);
	partx_value(image, p->number, "NAME", want, sizeof(want));
	UT_EQ_STR(p->partlabel, want);
	partx_value(image, p->number, "START", want, sizeof(want));
	snprintf(got, sizeof(got), "%llu", (unsigned long long)p->first_lba);
	UT_EQ_STR(got, want);
	partx_value(image, p->number, "END", want, sizeof(want));
	snprintf(got, sizeof(got), "%llu", (unsigned long long)p->last_lba);
	UT_EQ_STR(got, want);
}

/* Walks image NAME's EBR chain as a caller would, reading one sector at a time. */
static int walk_logical(const char *name, struct fsprobe_part *parts, size_t max)
{
	struct fsprobe_ebr_walk w;
	uint8_t sector[512];
	size_t n = 0;
	int k;

	if (fsprobe_ebr_start(img, sizeof(img), &w) != 1)
		return -1;
	while (w.next_lba && n < max) {
		size_t got = load_at(name, (off_t)(w.next_lba * 512), sector, sizeof(sector));

		k = fsprobe_ebr_next(sector, got, &w, parts + n, max - n);
		if (k < 0)
			return k;
		n += (size_t)k;
	}
	return (int)n;
}

UT_TEST(parttable_mbr_from_sfdisk)
{
	static const unsigned want_numbers[] = { 1, 2, 3 };
	struct fsprobe_part parts[PARTS_MAX];
	int n;

	UT_EQ_INT(run("truncate -s 64M m.img && "
		      "printf '%s\\n' 'label: dos' 'label-id: 0x1234abcd' "
		      "'start=2048, size=20480, type=83, bootable' "
		      "'start=22528, size=20480, type=c' "
		      "'start=43008, type=5' 'start=45056, size=4096, type=83' "
		      "'start=51200, size=4096, type=82' | sfdisk -q m.img"),
		  0);
	load("m.img");
	agrees_with_blkid("m.img", "PTTYPE", "dos");
	n = fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX);
	UT_EQ_INT(n, 3);
	for (int i = 0; i < n && i < 3; i++) {
		UT_EQ_INT(parts[i].number, want_numbers[i]);
		cross_check_partx("m.img", &parts[i]);
	}
	UT_EQ_STR(parts[0].partuuid, "1234abcd-01");
	UT_EQ_STR(parts[0].type, "0x83");
	UT_EQ_STR(parts[2].type, "0x5");
	UT_EQ_STR(parts[0].partlabel, "");

	/* The logical partitions, from the EBR chain. */
	n = walk_logical("m.img", parts, PARTS_MAX);
	UT_EQ_INT(n, 2);
	for (int i = 0; i < n && i < 2; i++) {
		UT_EQ_INT(parts[i].number, 5 + i);
		cross_check_partx("m.img", &parts[i]);
	}
	UT_EQ_STR(parts[0].partuuid, "1234abcd-05");
	UT_EQ_INT(parts[1].first_lba, 51200);
	UT_EQ_STR(parts[1].type, "0x82");

	/* An MBR is not a GPT disk and has no GPT: it needs only its first sector. */
	UT_EQ_INT(fsprobe_partitions(img, 512, 512, parts, PARTS_MAX), 3);
	UT_EQ_INT(fsprobe_partitions(img, 511, 512, parts, PARTS_MAX), -ENODATA);
	UT_CHECK(parts_are_clean(parts, PARTS_MAX));
	/* Too small an output array: refused, clean. */
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, 2), -ENOSPC);
	UT_CHECK(parts_are_clean(parts, 2));
}

UT_TEST(parttable_mbr_mutations_and_ebr_loops)
{
	struct fsprobe_part parts[PARTS_MAX];
	struct fsprobe_ebr_walk w;
	uint8_t ebr[512];
	int n;

	UT_EQ_INT(run("truncate -s 64M m.img && printf '%s\\n' 'label: dos' 'label-id: 0xfeedface' "
		      "'start=2048, size=2048, type=83' 'start=4096, type=f' "
		      "'start=6144, size=2048, type=83' 'start=10240, size=2048, type=83' "
		      "| sfdisk -q m.img"),
		  0);
	load("m.img");
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), 2);
	/* A boot indicator other than 00/80: a boot sector, not an MBR (the kernel's test). */
	img[446] = 0x42;
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), -ENODATA);
	UT_EQ_INT(fsprobe_ebr_start(img, sizeof(img), &w), -ENODATA);
	img[446] = 0x00;
	/* No 55 AA: nothing. */
	img[511] = 0;
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), -ENODATA);
	img[511] = 0xAA;
	/* Unsupported sector sizes. */
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 0, parts, PARTS_MAX), -EINVAL);
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 520, parts, PARTS_MAX), -EINVAL);
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 8192, parts, PARTS_MAX), -EINVAL);

	/* The chain, then an EBR made to link to itself, and one linking outside. */
	UT_EQ_INT(walk_logical("m.img", parts, PARTS_MAX), 2);
	UT_EQ_STR(parts[1].partuuid, "feedface-06");
	UT_EQ_INT(fsprobe_ebr_start(img, sizeof(img), &w), 1);
	UT_EQ_INT(w.extended_lba, 4096);
	UT_EQ_INT(load_at("m.img", 4096 * 512, ebr, sizeof(ebr)), sizeof(ebr));
	UT_CHECK(ebr[446 + 16 + 4] == 0x05 && fsp_le32(ebr + 446 + 16 + 8) != 0); /* the link */
	put_le32(ebr + 446 + 16 + 8, 0); /* back to the first EBR */
	n = fsprobe_ebr_next(ebr, sizeof(ebr), &w, parts, PARTS_MAX);
	UT_EQ_INT(n, -EINVAL);
	UT_EQ_INT(w.next_lba, 0);
	UT_CHECK(parts_are_clean(parts, PARTS_MAX));
	UT_EQ_INT(fsprobe_ebr_start(img, sizeof(img), &w), 1);
	put_le32(ebr + 446 + 16 + 8, 0x7fffffff); /* far past the extended partition */
	UT_EQ_INT(fsprobe_ebr_next(ebr, sizeof(ebr), &w, parts, PARTS_MAX), -EINVAL);
	/* A chain of EBRs that are all the same sector one after another (a longer loop) ends
	 * at FSPROBE_EBR_MAX. */
	UT_EQ_INT(load_at("m.img", 4096 * 512, ebr, sizeof(ebr)), sizeof(ebr));
	UT_EQ_INT(fsprobe_ebr_start(img, sizeof(img), &w), 1);
	n = 0;
	for (unsigned i = 0; i < 2 * FSPROBE_EBR_MAX && w.next_lba; i++) {
		w.next_lba = 4096 + 1; /* pretend the link went one further each time */
		n = fsprobe_ebr_next(ebr, sizeof(ebr), &w, parts, PARTS_MAX);
	}
	UT_EQ_INT(n, -EINVAL);
	UT_EQ_INT(w.visited, FSPROBE_EBR_MAX + 1);
	/* A short read of an EBR, and a walk that has ended. */
	UT_EQ_INT(fsprobe_ebr_start(img, sizeof(img), &w), 1);
	UT_EQ_INT(fsprobe_ebr_next(ebr, 511, &w, parts, PARTS_MAX), -EINVAL);
	UT_EQ_INT(fsprobe_ebr_next(ebr, sizeof(ebr), &w, parts, PARTS_MAX), 0);
	/* An MBR without an extended partition has no chain. */
	img[446 + 16 + 4] = 0x83;
	UT_EQ_INT(fsprobe_ebr_start(img, sizeof(img), &w), 0);
}

#define GPT_EFI "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"
#define GPT_LINUX "0fc63daf-8483-4772-8e79-3d69d8477de4"

static int make_gpt(void)
{
	return run("truncate -s 64M g.img && printf '%s\\n' 'label: gpt' "
		   "'label-id: 01234567-89AB-CDEF-0123-456789ABCDEF' "
		   "'start=2048, size=8192, type=" GPT_EFI ", "
		   "uuid=A1B2C3D4-E5F6-0718-293A-4B5C6D7E8F90, name=\"EFI System\"' "
		   "'start=10240, size=8192, type=" GPT_LINUX ", "
		   "uuid=11111111-2222-3333-4444-555555555555, name=root' | sfdisk -q g.img");
}

UT_TEST(parttable_gpt_from_sfdisk)
{
	struct fsprobe_part parts[PARTS_MAX];
	int n;

	UT_EQ_INT(make_gpt(), 0);
	load("g.img");
	agrees_with_blkid("g.img", "PTTYPE", "gpt");
	n = fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX);
	UT_EQ_INT(n, 2);
	UT_EQ_INT(parts[0].number, 1);
	UT_EQ_STR(parts[0].partuuid, "a1b2c3d4-e5f6-0718-293a-4b5c6d7e8f90");
	UT_EQ_STR(parts[0].type, GPT_EFI);
	UT_EQ_STR(parts[0].partlabel, "EFI System");
	UT_EQ_INT(parts[0].first_lba, 2048);
	UT_EQ_INT(parts[0].last_lba, 10239);
	UT_EQ_STR(parts[1].partlabel, "root");
	for (int i = 0; i < n && i < 2; i++)
		cross_check_partx("g.img", &parts[i]);
	/* GPT has no EBR chain. */
	{
		struct fsprobe_ebr_walk w;

		UT_EQ_INT(fsprobe_ebr_start(img, sizeof(img), &w), -ENODATA);
	}
	/* The wrong sector size finds no header at "LBA 1": refused, clean. */
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 4096, parts, PARTS_MAX), -EINVAL);
	UT_CHECK(parts_are_clean(parts, PARTS_MAX));
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, 1), -ENOSPC);
	UT_CHECK(parts_are_clean(parts, 1));
}

/* sgdisk: a gap in the numbering (entry 2 unused) and names beyond ASCII, surrogate pairs
 * included. */
UT_TEST(parttable_gpt_from_sgdisk_utf16_and_gaps)
{
	struct fsprobe_part parts[PARTS_MAX];
	int n;

	UT_EQ_INT(run("truncate -s 64M s.img && sgdisk -n 1:2048:+4M -t 1:ef00 -c 1:ESP "
		      "-n 3:20480:+4M -t 3:8300 -c '3:r\xc3\xb6\xc3\xb6t \xf0\x9f\x98\x80' "
		      "-u 3:9e8d7c6b-5a49-3827-1605-f4e3d2c1b0a9 s.img"),
		  0);
	load("s.img");
	n = fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX);
	UT_EQ_INT(n, 2);
	UT_EQ_INT(parts[0].number, 1);
	UT_EQ_INT(parts[1].number, 3);
	UT_EQ_STR(parts[1].partuuid, "9e8d7c6b-5a49-3827-1605-f4e3d2c1b0a9");
	UT_EQ_STR(parts[1].partlabel, "r\xc3\xb6\xc3\xb6t \xf0\x9f\x98\x80");
	for (int i = 0; i < n && i < 2; i++)
		cross_check_partx("s.img", &parts[i]);
	UT_EQ_INT(fsprobe_match(NULL, &parts[1], "PARTLABEL=r\xc3\xb6\xc3\xb6t \xf0\x9f\x98\x80"),
		  1);
}

/* A 36-unit name of 3-byte characters is 108 bytes of UTF-8: cut at a whole character. A
 * lone surrogate becomes U+FFFD, a control character '_'. */
UT_TEST(parttable_gpt_names_cut_and_replaced)
{
	struct fsprobe_part parts[PARTS_MAX];
	uint8_t *hdr = img + 512, *e = img + 1024;

	UT_EQ_INT(make_gpt(), 0);
	load("g.img");
	for (int i = 0; i < 36; i++) {
		e[56 + 2 * i] = 0xAC; /* U+20AC, the euro sign: E2 82 AC */
		e[56 + 2 * i + 1] = 0x20;
	}
	e[128 + 56] = 0x00; /* entry 2: "\xDC00" "\x01" "ok" */
	e[128 + 57] = 0xDC;
	e[128 + 58] = 0x01;
	e[128 + 59] = 0x00;
	e[128 + 60] = 'o';
	e[128 + 61] = 0;
	e[128 + 62] = 'k';
	e[128 + 63] = 0;
	e[128 + 64] = 0;
	e[128 + 65] = 0;
	put_le32(hdr + 88, (uint32_t)crc32(0, e, 128 * 128));
	gpt_reseal(hdr);
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), 2);
	UT_EQ_INT(strlen(parts[0].partlabel), 69); /* 23 euro signs; a 24th would need 72 + NUL */
	UT_CHECK(strncmp(parts[0].partlabel, "\xe2\x82\xac\xe2\x82\xac", 6) == 0);
	UT_EQ_STR(parts[1].partlabel, "\xef\xbf\xbd_ok");
}

UT_TEST(parttable_gpt_mutations)
{
	struct fsprobe_part parts[PARTS_MAX];
	uint8_t *hdr = img + 512;
	size_t array_end = 1024 + 128 * 128;

	UT_EQ_INT(make_gpt(), 0);
	load("g.img");
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), 2);

	/* Truncated anywhere before the end of the entry array: no table, no crash, clean. */
	for (size_t cut = 0; cut < array_end; cut += 31) {
		int r = fsprobe_partitions(img, cut, 512, parts, PARTS_MAX);

		if (r != (cut < 512 ? -ENODATA : -ERANGE))
			UT_EQ_INT(r, cut < 512 ? -ENODATA : -ERANGE);
		UT_CHECK(parts_are_clean(parts, PARTS_MAX));
	}
	UT_EQ_INT(fsprobe_partitions(img, array_end, 512, parts, PARTS_MAX), 2);

	/* Any byte of the header's CRC span (its 92 bytes) or of the entry array flipped:
	 * refused, clean. The array is walked densely over its used entries. */
	for (size_t i = 512; i < array_end; i += (i < 1024 + 256) ? 1 : 37) {
		if (i == 512 + 92)
			i = 1024;
		img[i] ^= 0x10;
		if (fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX) != -EINVAL ||
		    !parts_are_clean(parts, PARTS_MAX))
			UT_CHECK(!"a flipped GPT byte was accepted");
		img[i] ^= 0x10;
	}

	/* Resealed headers with oversized or inconsistent fields: refused with -EINVAL. */
	{
		static const struct {
			size_t offset;
			int width;
			uint64_t value;
			const char *what;
		} bad[] = {
			{ 80, 4, FSPROBE_GPT_ENTRIES_MAX + 1, "entry count over the limit" },
			{ 80, 4, 0xffffffffu, "entry count 2^32-1" },
			{ 84, 4, 64, "entry size below 128" },
			{ 84, 4, 192, "entry size not 128 x 2^n" },
			{ 84, 4, 0x80000000u, "entry size 2 GiB" },
			{ 72, 8, 1, "entry array on the header" },
			{ 72, 8, 0xffffffffffffffffull, "entry array at LBA 2^64-1" },
			{ 72, 8, 2047, "entry array running into the usable area" },
			{ 12, 4, 91, "header size below 92" },
			{ 12, 4, 513, "header size above the sector" },
			{ 24, 8, 131071, "MyLBA of a backup header" },
			{ 40, 8, 200000, "first usable LBA after the last" },
		};
		uint8_t saved[512];

		memcpy(saved, hdr, sizeof(saved));
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			if (bad[i].width == 4)
				put_le32(hdr + bad[i].offset, (uint32_t)bad[i].value);
			else
				put_le64(hdr + bad[i].offset, bad[i].value);
			gpt_reseal(hdr);
			if (fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX) !=
				    -EINVAL ||
			    !parts_are_clean(parts, PARTS_MAX))
				UT_CHECK(!bad[i].what);
			memcpy(hdr, saved, sizeof(saved));
		}
	}
	/* An entry past the last usable LBA, or ending before it starts, is skipped (as blkid
	 * does), the others keep their numbers. */
	put_le64(img + 1024 + 40, 1 << 30);
	put_le32(hdr + 88, (uint32_t)crc32(0, img + 1024, 128 * 128));
	gpt_reseal(hdr);
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), 1);
	UT_EQ_INT(parts[0].number, 2);
	put_le64(img + 1024 + 40, 2047);
	put_le32(hdr + 88, (uint32_t)crc32(0, img + 1024, 128 * 128));
	gpt_reseal(hdr);
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), 1);
	put_le64(img + 1024 + 40, 10239);
	put_le32(hdr + 88, (uint32_t)crc32(0, img + 1024, 128 * 128));
	gpt_reseal(hdr);
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), 2);
	/* A protective entry that does not start at LBA 1: neither GPT nor MBR. */
	put_le32(img + 446 + 8, 2);
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), -EINVAL);
	put_le32(img + 446 + 8, 1);
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), 2);
}

/* A GPT whose entry array is not right after the header (sgdisk -j): past FSPROBE_BYTES the
 * answer is "read more", and with more it parses. */
UT_TEST(parttable_gpt_moved_array)
{
	static uint8_t big[4 << 20];
	struct fsprobe_part parts[PARTS_MAX];
	size_t n;

	UT_EQ_INT(run("truncate -s 64M j.img && sgdisk -j 4096 -n 1:8192:+1M -c 1:far j.img"), 0);
	load("j.img");
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), -ERANGE);
	UT_CHECK(parts_are_clean(parts, PARTS_MAX));
	n = load_at("j.img", 0, big, sizeof(big));
	UT_EQ_INT(fsprobe_partitions(big, n, 512, parts, PARTS_MAX), 1);
	UT_EQ_STR(parts[0].partlabel, "far");
	cross_check_partx("j.img", &parts[0]);
}

/* No tool here writes 4 KiB-sector images without a 4Kn device, so one is laid out from
 * sfdisk's 512-byte GPT: protective MBR, header at byte 4096, entries at 8192. */
UT_TEST(parttable_gpt_4k_sectors)
{
	static uint8_t four_k[FSPROBE_BYTES];
	struct fsprobe_part parts[PARTS_MAX];
	uint8_t *hdr = four_k + 4096;

	UT_EQ_INT(make_gpt(), 0);
	load("g.img");
	memset(four_k, 0, sizeof(four_k));
	memcpy(four_k, img, 512);
	memcpy(hdr, img + 512, 92);
	memcpy(four_k + 8192, img + 1024, 128 * 128);
	put_le64(hdr + 40, 6);    /* first usable: after 2 + 4 sectors */
	put_le64(hdr + 48, 100000); /* last usable */
	gpt_reseal(hdr);
	UT_EQ_INT(fsprobe_partitions(four_k, sizeof(four_k), 4096, parts, PARTS_MAX), 2);
	UT_EQ_STR(parts[0].partlabel, "EFI System");
	UT_EQ_INT(parts[0].first_lba, 2048);
	/* Read as 512-byte sectors there is no header at LBA 1. */
	UT_EQ_INT(fsprobe_partitions(four_k, sizeof(four_k), 512, parts, PARTS_MAX), -EINVAL);
	UT_EQ_INT(fsprobe_partitions(four_k, 4096 + 4095, 4096, parts, PARTS_MAX), -ERANGE);
}

/* --- naming ---------------------------------------------------------------------------------- */

UT_TEST(fsprobe_match_specs)
{
	struct fsprobe_result fs;
	struct fsprobe_part part;

	memset(&fs, 0, sizeof(fs));
	memset(&part, 0, sizeof(part));
	snprintf(fs.uuid, sizeof(fs.uuid), "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
	snprintf(fs.label, sizeof(fs.label), "Boot");
	snprintf(part.partuuid, sizeof(part.partuuid), "1234abcd-05");
	snprintf(part.partlabel, sizeof(part.partlabel), "EFI System");

	UT_EQ_INT(fsprobe_match(&fs, &part, "UUID=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"), 1);
	UT_EQ_INT(fsprobe_match(&fs, &part, "UUID=0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9"), 1);
	UT_EQ_INT(fsprobe_match(&fs, &part, "UUID=\"0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9\""), 1);
	UT_EQ_INT(fsprobe_match(&fs, &part, "UUID=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f"), 0);
	UT_EQ_INT(fsprobe_match(&fs, &part, "UUID=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f90"), 0);
	UT_EQ_INT(fsprobe_match(&fs, &part, "LABEL=Boot"), 1);
	UT_EQ_INT(fsprobe_match(&fs, &part, "LABEL=boot"), 0); /* labels are exact */
	UT_EQ_INT(fsprobe_match(&fs, &part, "PARTUUID=1234ABCD-05"), 1);
	UT_EQ_INT(fsprobe_match(&fs, &part, "PARTUUID=1234abcd-06"), 0);
	UT_EQ_INT(fsprobe_match(&fs, &part, "PARTLABEL=EFI System"), 1);
	UT_EQ_INT(fsprobe_match(&fs, &part, "PARTLABEL=\"EFI System\""), 1);
	UT_EQ_INT(fsprobe_match(&fs, &part, "PARTLABEL=efi system"), 0);
	/* No filesystem or no partition: those keys do not match; the others still do. */
	UT_EQ_INT(fsprobe_match(NULL, &part, "UUID=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"), 0);
	UT_EQ_INT(fsprobe_match(NULL, &part, "PARTUUID=1234abcd-05"), 1);
	UT_EQ_INT(fsprobe_match(&fs, NULL, "PARTUUID=1234abcd-05"), 0);
	UT_EQ_INT(fsprobe_match(&fs, NULL, "LABEL=Boot"), 1);
	/* Empty values never match, not even an empty field. */
	fs.label[0] = '\0';
	UT_EQ_INT(fsprobe_match(&fs, &part, "LABEL="), 0);
	UT_EQ_INT(fsprobe_match(&fs, &part, "LABEL=\"\""), 0);
	/* Not a spec. */
	UT_EQ_INT(fsprobe_match(&fs, &part, "/dev/sda1"), -EINVAL);
	UT_EQ_INT(fsprobe_match(&fs, &part, "uuid=0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"), -EINVAL);
	UT_EQ_INT(fsprobe_match(&fs, &part, ""), -EINVAL);
	/* A label that was cut or had bytes replaced never matches. */
	snprintf(fs.label, sizeof(fs.label), "Boot_");
	fs.label_inexact = 1;
	UT_EQ_INT(fsprobe_match(&fs, &part, "LABEL=Boot_"), 0);
}

/* A real filesystem on a real partition, both named through fsprobe_match. */
UT_TEST(fsprobe_match_filesystem_in_partition)
{
	static uint8_t partition_start[FSPROBE_BYTES];
	struct fsprobe_part parts[PARTS_MAX];
	struct fsprobe_result fs;
	char spec[128], want[64];

	UT_EQ_INT(make_gpt(), 0);
	UT_EQ_INT(run("mkfs.vfat --offset=2048 -n ESP -i 0badcafe g.img 4096"), 0);
	load("g.img");
	UT_EQ_INT(fsprobe_partitions(img, sizeof(img), 512, parts, PARTS_MAX), 2);
	UT_EQ_INT(load_at("g.img", 2048 * 512, partition_start, sizeof(partition_start)),
		  sizeof(partition_start));
	UT_EQ_INT(fsprobe_identify(partition_start, sizeof(partition_start), &fs), 0);
	UT_EQ_STR(fs.type, "vfat");
	UT_EQ_INT(fsprobe_match(&fs, &parts[0], "UUID=0bad-cafe"), 1);
	UT_EQ_INT(fsprobe_match(&fs, &parts[0], "LABEL=ESP"), 1);
	UT_EQ_INT(fsprobe_match(&fs, &parts[0], "PARTLABEL=EFI System"), 1);
	partx_value("g.img", 1, "UUID", want, sizeof(want));
	snprintf(spec, sizeof(spec), "PARTUUID=%s", want);
	UT_EQ_INT(fsprobe_match(&fs, &parts[0], spec), 1);
	UT_EQ_INT(fsprobe_match(&fs, &parts[1], spec), 0);
}
