/* Superblock probes over arbitrary device starts: the input as it is, then the input laid
 * down as each filesystem's superblock, with that filesystem's magic and (btrfs, xfs)
 * checksum made right, so that short inputs reach the fields behind them. */
#include "fsprobe/fsprobe.h"
#include "fsprobe/internal.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BTRFS_SB (64 * 1024)
#define BTRFS_SB_SIZE 4096
#define XFS_CRC_OFFSET 224

static const struct {
	size_t offset;    /* where the input goes */
	size_t magic_at;  /* where the magic is forced */
	const char *magic;
	size_t magic_len;
} layouts[] = {
	{ 0, 0, "XFSB", 4 },
	{ 1024, 1024 + 0x38, "\x53\xef", 2 },
	{ 16 * 2048, 16 * 2048 + 1, "CD001", 5 },
	{ 0, 510, "\x55\xaa", 2 },
	{ BTRFS_SB, BTRFS_SB + 0x40, "_BHRfS_M", 8 },
};

static uint8_t disk[FSPROBE_BYTES];

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void check(const uint8_t *data, size_t size)
{
	struct fsprobe_result r;
	char spec[128];

	if (fsprobe_identify(data, size, &r) != 0)
		return;
	/* Every string the probe hands out must be terminated within its field. */
	if (!memchr(r.type, 0, sizeof(r.type)) || !memchr(r.mount_type, 0, sizeof(r.mount_type)) ||
	    !memchr(r.uuid, 0, sizeof(r.uuid)) || !memchr(r.label, 0, sizeof(r.label)))
		__builtin_trap();
	/* What identify reports, fsprobe_match recognises. */
	snprintf(spec, sizeof(spec), "UUID=%s", r.uuid);
	if (r.uuid[0] && fsprobe_match(&r, NULL, spec) != 1)
		__builtin_trap();
	/* Quoted, as a label may itself start and end with '"'. */
	snprintf(spec, sizeof(spec), "LABEL=\"%s\"", r.label);
	if (r.label[0] && fsprobe_match(&r, NULL, spec) != !r.label_inexact)
		__builtin_trap();
}

/* The btrfs and xfs v5 superblock checksums, made to match what DISK holds. */
static void reseal(void)
{
	size_t xfs_sector = fsp_be16(disk + 102);

	put_le32(disk + BTRFS_SB, fsp_crc32c_hole(disk + BTRFS_SB + 32, BTRFS_SB_SIZE - 32,
						  FSP_CRC_NO_HOLE));
	if (xfs_sector > XFS_CRC_OFFSET + 4 && xfs_sector <= sizeof(disk))
		put_le32(disk + XFS_CRC_OFFSET, fsp_crc32c_hole(disk, xfs_sector, XFS_CRC_OFFSET));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check(data, size);
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		size_t room = sizeof(disk) - layouts[i].offset;

		memset(disk, 0, sizeof(disk));
		memcpy(disk + layouts[i].offset, data, size < room ? size : room);
		memcpy(disk + layouts[i].magic_at, layouts[i].magic, layouts[i].magic_len);
		if (layouts[i].offset == BTRFS_SB)
			put_le32(disk + BTRFS_SB + 0x30, BTRFS_SB); /* its recorded position */
		reseal();
		check(disk, sizeof(disk));
	}
	return 0;
}
