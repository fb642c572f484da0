/* Superblock probes. Layouts: ext2/3/4 from the kernel's fs/ext4/ext4.h (superblock at 1024),
 * FAT from Microsoft's FAT32 specification (BPB in sector 0), ISO 9660 / ECMA-119 (primary
 * volume descriptor at sector 16 of 2048 bytes). */
#include "fsprobe/fsprobe.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int have(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Copies a fixed-width on-disk label, stopping at NUL, dropping trailing blanks and replacing
 * anything unprintable: labels end up on a serial console and in mount paths. */
static void copy_label(char *dst, size_t cap, const uint8_t *src, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && src[i] && k + 1 < cap; i++)
		dst[k++] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '_';
	while (k > 0 && dst[k - 1] == ' ')
		k--;
	dst[k] = '\0';
}

static void set_type(struct fsprobe_result *out, const char *type, const char *mount_type)
{
	snprintf(out->type, sizeof(out->type), "%s", type);
	snprintf(out->mount_type, sizeof(out->mount_type), "%s", mount_type);
}

#define EXT_SB 1024
#define EXT_MAGIC 0xEF53
#define EXT_COMPAT_HAS_JOURNAL 0x4
#define EXT_INCOMPAT_EXT4_ONLY (0x40 | 0x80 | 0x200) /* extents, 64bit, flex_bg */

static int probe_ext(const uint8_t *b, size_t len, struct fsprobe_result *out)
{
	const uint8_t *sb = b + EXT_SB, *u;

	if (!have(len, EXT_SB, 0x88) || le16(sb + 0x38) != EXT_MAGIC)
		return -ENODATA;
	/* s_log_block_size above 6 (64 KiB blocks) is no valid ext filesystem. */
	if (le32(sb + 0x18) > 6)
		return -ENODATA;
	if (le32(sb + 0x60) & EXT_INCOMPAT_EXT4_ONLY)
		set_type(out, "ext4", "ext4");
	else if (le32(sb + 0x5c) & EXT_COMPAT_HAS_JOURNAL)
		set_type(out, "ext3", "ext4");
	else
		set_type(out, "ext2", "ext4");
	u = sb + 0x68;
	snprintf(out->uuid, sizeof(out->uuid),
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
		 u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
		 u[15]);
	copy_label(out->label, sizeof(out->label), sb + 0x78, 16);
	return 0;
}

static int is_pow2_in(unsigned v, unsigned lo, unsigned hi)
{
	return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

static int probe_vfat(const uint8_t *b, size_t len, struct fsprobe_result *out)
{
	const uint8_t *id, *label;

	if (!have(len, 0, 512) || b[510] != 0x55 || b[511] != 0xAA)
		return -ENODATA;
	/* An MBR also ends in 55 AA: demand a sane BPB and the FAT type string mkfs writes. */
	if ((b[0] != 0xEB && b[0] != 0xE9) || !is_pow2_in(le16(b + 0x0b), 512, 4096) ||
	    !is_pow2_in(b[0x0d], 1, 128) || le16(b + 0x0e) == 0 || b[0x10] == 0 || b[0x10] > 2)
		return -ENODATA;
	if (le16(b + 0x16) == 0 && memcmp(b + 0x52, "FAT32", 5) == 0) {
		id = b + 0x43;
		label = b + 0x47;
	} else if (le16(b + 0x16) != 0 && memcmp(b + 0x36, "FAT", 3) == 0) {
		id = b + 0x27;
		label = b + 0x2b;
	} else {
		return -ENODATA;
	}
	set_type(out, "vfat", "vfat");
	snprintf(out->uuid, sizeof(out->uuid), "%02X%02X-%02X%02X", id[3], id[2], id[1], id[0]);
	copy_label(out->label, sizeof(out->label), label, 11);
	if (strcmp(out->label, "NO NAME") == 0)
		out->label[0] = '\0';
	return 0;
}

#define ISO_PVD (16 * 2048)

static int probe_iso9660(const uint8_t *b, size_t len, struct fsprobe_result *out)
{
	const uint8_t *pvd = b + ISO_PVD, *d;

	if (!have(len, ISO_PVD, 2048) || pvd[0] != 1 || memcmp(pvd + 1, "CD001", 5) != 0 ||
	    pvd[6] != 1)
		return -ENODATA;
	set_type(out, "iso9660", "iso9660");
	copy_label(out->label, sizeof(out->label), pvd + 40, 32);
	/* blkid's UUID for ISO 9660 is the volume creation time, "YYYY-MM-DD-HH-MM-SS-cc". */
	d = pvd + 813;
	out->uuid[0] = '\0';
	for (int i = 0; i < 16; i++)
		if (d[i] < '0' || d[i] > '9')
			return 0;
	snprintf(out->uuid, sizeof(out->uuid), "%.4s-%.2s-%.2s-%.2s-%.2s-%.2s-%.2s", d, d + 4,
		 d + 6, d + 8, d + 10, d + 12, d + 14);
	if (strcmp(out->uuid, "0000-00-00-00-00-00-00") == 0)
		out->uuid[0] = '\0';
	return 0;
}

int fsprobe_identify(const void *buf, size_t len, struct fsprobe_result *out)
{
	static int (*const probes[])(const uint8_t *, size_t, struct fsprobe_result *) = {
		probe_ext,
		probe_iso9660,
		probe_vfat,
	};

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		if (probes[i](buf, len, out) == 0)
			return 0;
		memset(out, 0, sizeof(*out));
	}
	return -ENODATA;
}
