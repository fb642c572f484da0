/* btrfs: the primary superblock is the 4 KiB at 64 KiB, little-endian (struct
 * btrfs_super_block in the kernel's include/uapi/linux/btrfs_tree.h). Its first 32 bytes are
 * a checksum of the rest, which the kernel verifies before it mounts; embark does the same for
 * crc32c, the default and by far the most common kind, so a damaged or stale superblock is
 * no match. The other kinds (xxhash64, sha256, blake2b) are not computed here: such a
 * superblock is accepted on its magic, its recorded position and a sane geometry, and the
 * kernel's mount has the last word. */
#include "fsprobe/internal.h"

#include <errno.h>
#include <string.h>

#define BTRFS_SB_OFFSET (64 * 1024)
#define BTRFS_SB_SIZE 4096
#define BTRFS_CSUM_SIZE 32 /* the checksum field; the sum covers everything after it */
#define BTRFS_CSUM_CRC32C 0
#define BTRFS_CSUM_KIND_MAX 3 /* blake2b; higher values are no format the kernel knows */
#define BTRFS_SECTOR_SIZE_MIN 4096
#define BTRFS_NODE_SIZE_MAX 65536
#define BTRFS_LABEL_LEN 256

int fsp_probe_btrfs(const uint8_t *buf, size_t len, struct fsprobe_result *out)
{
	const uint8_t *sb;
	uint32_t sector_size, node_size;
	unsigned csum_kind;

	if (!fsp_have(len, BTRFS_SB_OFFSET, BTRFS_SB_SIZE))
		return -ENODATA;
	sb = buf + BTRFS_SB_OFFSET;
	if (memcmp(sb + 0x40, "_BHRfS_M", 8) != 0)
		return -ENODATA;
	/* Each superblock copy records its own byte offset: a copy that says it belongs
	 * elsewhere was not written here as the primary. */
	if (fsp_le64(sb + 0x30) != BTRFS_SB_OFFSET)
		return -ENODATA;
	sector_size = fsp_le32(sb + 0x90);
	node_size = fsp_le32(sb + 0x94);
	if (!fsp_pow2_in(sector_size, BTRFS_SECTOR_SIZE_MIN, BTRFS_NODE_SIZE_MAX) ||
	    !fsp_pow2_in(node_size, sector_size, BTRFS_NODE_SIZE_MAX))
		return -ENODATA;
	csum_kind = fsp_le16(sb + 0xc4);
	if (csum_kind > BTRFS_CSUM_KIND_MAX)
		return -ENODATA;
	if (csum_kind == BTRFS_CSUM_CRC32C &&
	    fsp_crc32c_hole(sb + BTRFS_CSUM_SIZE, BTRFS_SB_SIZE - BTRFS_CSUM_SIZE,
			    FSP_CRC_NO_HOLE) !=
		    fsp_le32(sb))
		return -ENODATA;
	fsp_set_type(out, "btrfs", "btrfs");
	fsp_uuid_text(out->uuid, sizeof(out->uuid), sb + 0x20);
	fsp_set_label(out, sb + 0x12b, BTRFS_LABEL_LEN);
	return 0;
}
