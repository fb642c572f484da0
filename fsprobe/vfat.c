/* FAT12/16/32 from Microsoft's FAT specification: the BIOS parameter block in sector 0, the
 * volume ID and label in the extended boot record, whose place differs for FAT32. */
#include "fsprobe/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define FAT_BOOT_SECTOR 512
#define FAT_BYTES_PER_SECTOR_MIN 512
#define FAT_BYTES_PER_SECTOR_MAX 4096
#define FAT_SECTORS_PER_CLUSTER_MAX 128
#define FAT_COUNT_MAX 2
#define FAT_LABEL_LEN 11

int fsp_probe_vfat(const uint8_t *b, size_t len, struct fsprobe_result *out)
{
	const uint8_t *id, *label;

	if (!fsp_have(len, 0, FAT_BOOT_SECTOR) || b[510] != 0x55 || b[511] != 0xAA)
		return -ENODATA;
	/* An MBR also ends in 55 AA: demand a sane BPB and the FAT type string mkfs writes. */
	if ((b[0] != 0xEB && b[0] != 0xE9) ||
	    !fsp_pow2_in(fsp_le16(b + 0x0b), FAT_BYTES_PER_SECTOR_MIN, FAT_BYTES_PER_SECTOR_MAX) ||
	    !fsp_pow2_in(b[0x0d], 1, FAT_SECTORS_PER_CLUSTER_MAX) || fsp_le16(b + 0x0e) == 0 ||
	    b[0x10] == 0 || b[0x10] > FAT_COUNT_MAX)
		return -ENODATA;
	if (fsp_le16(b + 0x16) == 0 && memcmp(b + 0x52, "FAT32", 5) == 0) {
		id = b + 0x43;
		label = b + 0x47;
	} else if (fsp_le16(b + 0x16) != 0 && memcmp(b + 0x36, "FAT", 3) == 0) {
		id = b + 0x27;
		label = b + 0x2b;
	} else {
		return -ENODATA;
	}
	fsp_set_type(out, "vfat", "vfat");
	/* blkid prints the 32-bit volume ID as two uppercase halves, high half first. */
	snprintf(out->uuid, sizeof(out->uuid), "%02X%02X-%02X%02X", id[3], id[2], id[1], id[0]);
	fsp_set_label(out, label, FAT_LABEL_LEN);
	/* mkfs writes "NO NAME" for a volume without a label; blkid reports none. */
	if (strcmp(out->label, "NO NAME") == 0)
		out->label[0] = '\0';
	return 0;
}
