/* ext2/3/4: the superblock is the 1 KiB at byte 1024, layout from the kernel's
 * fs/ext4/ext4.h. The type blkid reports follows the feature flags; the ext4 driver mounts
 * all three. */
#include "fsprobe/internal.h"

#include <errno.h>

#define EXT_SB_OFFSET 1024
#define EXT_SB_NEEDED 0x88 /* through s_volume_name, the last field read */
#define EXT_MAGIC 0xEF53
#define EXT_LOG_BLOCK_SIZE_MAX 6 /* 1024 << 6 = 64 KiB, the largest ext block */
#define EXT_COMPAT_HAS_JOURNAL 0x4
#define EXT_INCOMPAT_EXT4_ONLY (0x40 | 0x80 | 0x200) /* extents, 64bit, flex_bg */

int fsp_probe_ext(const uint8_t *buf, size_t len, struct fsprobe_result *out)
{
	const uint8_t *sb;

	if (!fsp_have(len, EXT_SB_OFFSET, EXT_SB_NEEDED))
		return -ENODATA;
	sb = buf + EXT_SB_OFFSET;
	if (fsp_le16(sb + 0x38) != EXT_MAGIC)
		return -ENODATA;
	if (fsp_le32(sb + 0x18) > EXT_LOG_BLOCK_SIZE_MAX)
		return -ENODATA;
	if (fsp_le32(sb + 0x60) & EXT_INCOMPAT_EXT4_ONLY)
		fsp_set_type(out, "ext4", "ext4");
	else if (fsp_le32(sb + 0x5c) & EXT_COMPAT_HAS_JOURNAL)
		fsp_set_type(out, "ext3", "ext4");
	else
		fsp_set_type(out, "ext2", "ext4");
	fsp_uuid_text(out->uuid, sizeof(out->uuid), sb + 0x68);
	fsp_set_label(out, sb + 0x78, 16);
	return 0;
}
