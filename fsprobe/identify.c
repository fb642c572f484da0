/* fsprobe_identify: tries each filesystem probe in turn over the device's first bytes; the
 * first that matches wins.
 *
 * Why this order is safe. No two signatures can be read as one another: vfat and xfs both
 * start at byte 0 but one needs a jump instruction (EB/E9) where the other has "XFSB"; ext's
 * magic is at 1024 + 0x38, iso9660's descriptor at 32 KiB, btrfs's at 64 KiB; and each probe
 * demands structure beyond its magic (a BPB and FAT type string; xfs geometry and, for v5, a
 * CRC32C; ext's block-size field; the ISO descriptor type and version; btrfs's recorded
 * offset and CRC32C). So one freshly made filesystem matches one probe only.
 * The order matters for a device reformatted without wiping, where an older filesystem's
 * superblock can survive next to the new one. Every mkfs rewrites or zeroes sector 0 and the
 * first KiB, where ext, xfs and vfat live; iso9660 keeps its historical place ahead of vfat
 * (a hybrid ISO's sector 0 is an MBR, never a FAT boot sector, but the ISO is what the
 * medium is); btrfs's superblock sits furthest in, at 64 KiB, where mkfs.vfat, mke2fs or
 * xorriso may leave an old one untouched — so btrfs goes last, and a stale btrfs superblock
 * under a newer ext4, vfat or ISO is never reported. The reverse cannot happen: mkfs.btrfs
 * zeroes the device's first 64 KiB, wiping any older signature there. */
#include "fsprobe/internal.h"

#include <errno.h>
#include <string.h>

typedef int (*fsp_probe_fn)(const uint8_t *buf, size_t len, struct fsprobe_result *out);

static const fsp_probe_fn probes_in_order[] = {
	fsp_probe_ext,     /* magic at byte 1080 */
	fsp_probe_xfs,     /* byte 0 */
	fsp_probe_iso9660, /* 32 KiB */
	fsp_probe_vfat,    /* byte 0 */
	fsp_probe_btrfs,   /* 64 KiB: last, see above */
};

int fsprobe_identify(const void *buf, size_t len, struct fsprobe_result *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(probes_in_order) / sizeof(probes_in_order[0]);
	     i++) {
		if (probes_in_order[i](buf, len, out) == 0)
			return 0;
		memset(out, 0, sizeof(*out));
	}
	return -ENODATA;
}
