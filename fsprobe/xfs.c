/* XFS: the superblock is the first sector of the device, big-endian (struct xfs_dsb in the
 * kernel's fs/xfs/libxfs/xfs_format.h). A four-byte magic is a weak signature, so the
 * geometry must also be self-consistent the way mkfs.xfs always writes it: block, sector and
 * inode sizes are powers of two matching their log2 fields, and the data size agrees with the
 * allocation groups. A version 5 superblock also carries a CRC32C of its sector, which the
 * kernel checks at mount: a wrong one is no match. */
#include "fsprobe/internal.h"

#include <errno.h>
#include <string.h>

#define XFS_SB_V4_NEEDED 128 /* through sb_imax_pct, the last field a v4 check reads */
#define XFS_SB_CRC_OFFSET 224 /* sb_crc, little-endian unlike the rest */
#define XFS_VERSION_MASK 0x000f
#define XFS_VERSION_MIN 1
#define XFS_VERSION_CRC 5 /* the current format: CRCs on all metadata */
#define XFS_BLOCK_LOG_MIN 9
#define XFS_BLOCK_LOG_MAX 16
#define XFS_SECT_LOG_MIN 9
#define XFS_SECT_LOG_MAX 15
#define XFS_INODE_LOG_MIN 8
#define XFS_INODE_LOG_MAX 11
#define XFS_RTEXT_BYTES_MIN 4096
#define XFS_RTEXT_BYTES_MAX (1024u * 1024 * 1024)
#define XFS_AG_BLOCKS_MIN 64 /* the last allocation group may be short, not shorter */
#define XFS_IMAX_PCT_MAX 100
#define XFS_LABEL_LEN 12

/* 1 when SIZE is 2^LOG with LOG in [LO, HI]. */
static int size_matches_log(uint32_t size, unsigned log, unsigned lo, unsigned hi)
{
	return log >= lo && log <= hi && size == (uint32_t)1 << log;
}

static int geometry_is_sane(const uint8_t *sb)
{
	uint32_t block_size = fsp_be32(sb + 4), rext_blocks = fsp_be32(sb + 80);
	uint32_t ag_blocks = fsp_be32(sb + 84), ag_count = fsp_be32(sb + 88);
	uint64_t data_blocks = fsp_be64(sb + 8), rext_bytes;
	unsigned block_log = sb[120], sect_log = sb[121], inode_log = sb[122], inopb_log = sb[123];

	if (!size_matches_log(block_size, block_log, XFS_BLOCK_LOG_MIN, XFS_BLOCK_LOG_MAX) ||
	    !size_matches_log(fsp_be16(sb + 102), sect_log, XFS_SECT_LOG_MIN, XFS_SECT_LOG_MAX) ||
	    !size_matches_log(fsp_be16(sb + 104), inode_log, XFS_INODE_LOG_MIN, XFS_INODE_LOG_MAX))
		return 0;
	/* Inodes per block, as a log2, follows from the two sizes. */
	if (block_log < inode_log || inopb_log != block_log - inode_log)
		return 0;
	/* Both factors are 32-bit: the products cannot overflow 64 bits. */
	rext_bytes = (uint64_t)rext_blocks * block_size;
	if (rext_bytes < XFS_RTEXT_BYTES_MIN || rext_bytes > XFS_RTEXT_BYTES_MAX)
		return 0;
	if (sb[127] > XFS_IMAX_PCT_MAX || ag_count == 0 || ag_blocks == 0 || data_blocks == 0)
		return 0;
	return data_blocks <= (uint64_t)ag_count * ag_blocks &&
	       data_blocks >= (uint64_t)(ag_count - 1) * ag_blocks + XFS_AG_BLOCKS_MIN;
}

int fsp_probe_xfs(const uint8_t *sb, size_t len, struct fsprobe_result *out)
{
	unsigned version;
	size_t sect_size;

	if (!fsp_have(len, 0, XFS_SB_V4_NEEDED) || memcmp(sb, "XFSB", 4) != 0 ||
	    !geometry_is_sane(sb))
		return -ENODATA;
	version = fsp_be16(sb + 100) & XFS_VERSION_MASK;
	if (version < XFS_VERSION_MIN || version > XFS_VERSION_CRC)
		return -ENODATA;
	if (version == XFS_VERSION_CRC) {
		/* The sum covers the whole superblock sector with sb_crc itself read as zero. */
		sect_size = fsp_be16(sb + 102);
		if (sect_size <= XFS_SB_CRC_OFFSET + 4 || !fsp_have(len, 0, sect_size) ||
		    fsp_crc32c_hole(sb, sect_size, XFS_SB_CRC_OFFSET) !=
			    fsp_le32(sb + XFS_SB_CRC_OFFSET))
			return -ENODATA;
	}
	fsp_set_type(out, "xfs", "xfs");
	fsp_uuid_text(out->uuid, sizeof(out->uuid), sb + 32);
	fsp_set_label(out, sb + 108, XFS_LABEL_LEN);
	return 0;
}
