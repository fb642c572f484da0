/* Partition tables. MBR: the classic PC layout (four 16-byte entries at byte 446 of sector 0,
 * 55 AA at 510) with extended boot records for logical partitions, numbered the way the
 * kernel's block/partitions/msdos.c numbers them. GPT: UEFI specification, chapter 5 (the
 * protective MBR, the header at LBA 1, the entry array), checked the way the spec says a
 * header must be validated before use: signature, header CRC32, MyLBA, then the entry
 * array's CRC32. */
#include "fsprobe/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MBR_SECTOR 512
#define MBR_DISK_SIGNATURE_OFFSET 440
#define MBR_TABLE_OFFSET 446
#define MBR_ENTRY_SIZE 16
#define MBR_ENTRIES 4
#define MBR_BOOT_INACTIVE 0x00
#define MBR_BOOT_ACTIVE 0x80
#define MBR_TYPE_GPT_PROTECTIVE 0xEE
#define MBR_FIRST_LOGICAL 5 /* logical partitions are numbered from 5, whatever the primaries */

#define SECTOR_SIZE_MIN 512
#define SECTOR_SIZE_MAX 4096

#define GPT_HEADER_LBA 1
#define GPT_HEADER_SIZE_MIN 92 /* the fields the spec defines; the rest of the sector is zero */
#define GPT_HEADER_CRC_OFFSET 16
#define GPT_ENTRY_SIZE_MIN 128
#define GPT_ENTRY_NAME_OFFSET 56
#define GPT_ENTRY_NAME_UNITS 36 /* UTF-16 code units */
#define GPT_GUID_LEN 16

struct mbr_entry {
	uint8_t boot;
	uint8_t type;
	uint32_t first_lba; /* relative: to the disk in the MBR, to the EBR or extended partition
			     * in an EBR */
	uint32_t sectors;
};

static void mbr_entry_read(const uint8_t *sector, unsigned slot, struct mbr_entry *e)
{
	const uint8_t *p = sector + MBR_TABLE_OFFSET + slot * MBR_ENTRY_SIZE;

	e->boot = p[0];
	e->type = p[4];
	e->first_lba = fsp_le32(p + 8);
	e->sectors = fsp_le32(p + 12);
}

static int mbr_type_is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0F || type == 0x85; /* DOS CHS, DOS LBA, Linux */
}

static int has_boot_signature(const uint8_t *sector, size_t len)
{
	return fsp_have(len, 0, MBR_SECTOR) && sector[510] == 0x55 && sector[511] == 0xAA;
}

/* A GPT disk's MBR protects it with an entry of type 0xEE (alone, or beside others in a
 * "hybrid" MBR); the kernel then reads the GPT and ignores the MBR's other entries. */
static int mbr_protects_gpt(const uint8_t *sector, struct mbr_entry *protective)
{
	for (unsigned slot = 0; slot < MBR_ENTRIES; slot++) {
		mbr_entry_read(sector, slot, protective);
		if (protective->type == MBR_TYPE_GPT_PROTECTIVE)
			return 1;
	}
	return 0;
}

/* A sector ending in 55 AA is an MBR only when every boot indicator is 0x00 or 0x80: the
 * kernel's test, which tells a partition table from a FAT or NTFS boot sector (whose code
 * would sit there). */
static int is_mbr(const uint8_t *sector, size_t len)
{
	struct mbr_entry e;

	if (!has_boot_signature(sector, len))
		return 0;
	for (unsigned slot = 0; slot < MBR_ENTRIES; slot++) {
		mbr_entry_read(sector, slot, &e);
		if (e.boot != MBR_BOOT_INACTIVE && e.boot != MBR_BOOT_ACTIVE)
			return 0;
	}
	return 1;
}

static void clear_parts(struct fsprobe_part *out, size_t max)
{
	for (size_t i = 0; i < max; i++)
		memset(&out[i], 0, sizeof(out[i]));
}

/* An MBR partition as the kernel and blkid name it: PARTUUID is the disk signature and the
 * partition number, "%08x-%02x"; the type is blkid's "0x%x". */
static void mbr_part_set(struct fsprobe_part *p, uint32_t disk_signature, unsigned number,
			 uint8_t type, uint64_t first_lba, uint32_t sectors)
{
	memset(p, 0, sizeof(*p));
	p->number = number;
	snprintf(p->partuuid, sizeof(p->partuuid), "%08x-%02x", disk_signature, number);
	snprintf(p->type, sizeof(p->type), "0x%x", type);
	p->first_lba = first_lba;
	p->last_lba = first_lba + sectors - 1; /* sectors ≥ 1, first_lba < 2^34: no overflow */
}

/* The four primary entries; an extended partition is listed as the entry it is (the kernel
 * makes a device of it too), its logical partitions are fsprobe_ebr_next's business. */
static int mbr_parse(const uint8_t *sector, struct fsprobe_part *out, size_t max)
{
	uint32_t disk_signature = fsp_le32(sector + MBR_DISK_SIGNATURE_OFFSET);
	struct mbr_entry e;
	size_t n = 0;

	for (unsigned slot = 0; slot < MBR_ENTRIES; slot++) {
		mbr_entry_read(sector, slot, &e);
		/* The kernel skips empty slots by size alone, not by type 0. */
		if (e.sectors == 0)
			continue;
		if (n >= max)
			return -ENOSPC;
		mbr_part_set(&out[n++], disk_signature, slot + 1, e.type, e.first_lba, e.sectors);
	}
	return (int)n;
}

/* --- GPT ----------------------------------------------------------------------------------- */

static int guid_is_zero(const uint8_t *guid)
{
	for (unsigned i = 0; i < GPT_GUID_LEN; i++)
		if (guid[i])
			return 0;
	return 1;
}

/* Appends code point CP to DST as UTF-8 when it fits with the terminating NUL; 0 if not. */
static int utf8_put(char *dst, size_t cap, size_t *k, uint32_t cp)
{
	uint8_t enc[4];
	size_t n;

	if (cp < 0x80) {
		enc[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		enc[0] = (uint8_t)(0xC0 | cp >> 6);
		enc[1] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		enc[0] = (uint8_t)(0xE0 | cp >> 12);
		enc[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		enc[2] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		enc[0] = (uint8_t)(0xF0 | cp >> 18);
		enc[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3F));
		enc[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3F));
		enc[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	}
	if (*k + n >= cap)
		return 0;
	memcpy(dst + *k, enc, n);
	*k += n;
	return 1;
}

/* The GPT partition name: UTF-16LE, up to 36 units, NUL-terminated when shorter. Surrogate
 * pairs combine; a lone surrogate becomes U+FFFD; control characters become '_' (the name is
 * printed on a console). Cut at a whole character when the UTF-8 does not fit. */
static void gpt_name_to_utf8(char *dst, size_t cap, const uint8_t *name)
{
	size_t k = 0;

	for (unsigned i = 0; i < GPT_ENTRY_NAME_UNITS; i++) {
		uint32_t cp = fsp_le16(name + 2 * i), low;

		if (cp == 0)
			break;
		if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < GPT_ENTRY_NAME_UNITS &&
		    (low = fsp_le16(name + 2 * (i + 1))) >= 0xDC00 && low <= 0xDFFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
			i++;
		} else if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = 0xFFFD;
		} else if (cp < 0x20 || cp == 0x7F) {
			cp = '_';
		}
		if (!utf8_put(dst, cap, &k, cp))
			break;
	}
	dst[k] = '\0';
}

static int gpt_parse(const uint8_t *buf, size_t len, unsigned sector_size,
		     struct fsprobe_part *out, size_t max)
{
	const uint8_t *hdr, *array;
	uint32_t header_size, entry_count, entry_size;
	uint64_t first_usable, last_usable, array_lba, array_sectors;
	size_t array_offset, array_bytes, n = 0;

	if (!fsp_have(len, (size_t)sector_size * GPT_HEADER_LBA, sector_size))
		return -ERANGE;
	hdr = buf + (size_t)sector_size * GPT_HEADER_LBA;
	if (memcmp(hdr, "EFI PART", 8) != 0)
		return -EINVAL;
	/* The header size bounds the CRC, so it is checked before the CRC is trusted. */
	header_size = fsp_le32(hdr + 12);
	if (header_size < GPT_HEADER_SIZE_MIN || header_size > sector_size)
		return -EINVAL;
	if (fsp_crc32_hole(hdr, header_size, GPT_HEADER_CRC_OFFSET) !=
	    fsp_le32(hdr + GPT_HEADER_CRC_OFFSET))
		return -EINVAL;
	/* MyLBA: a backup header copied to the front would point at the end of the disk. */
	if (fsp_le64(hdr + 24) != GPT_HEADER_LBA)
		return -EINVAL;
	first_usable = fsp_le64(hdr + 40);
	last_usable = fsp_le64(hdr + 48);
	array_lba = fsp_le64(hdr + 72);
	entry_count = fsp_le32(hdr + 80);
	entry_size = fsp_le32(hdr + 84);
	if (first_usable > last_usable || entry_count > FSPROBE_GPT_ENTRIES_MAX ||
	    !fsp_pow2_in(entry_size, GPT_ENTRY_SIZE_MIN, FSPROBE_GPT_ENTRY_SIZE_MAX))
		return -EINVAL;
	/* Both factors are bounded by the named limits: at most 4 MiB, no overflow. */
	array_bytes = (size_t)entry_count * entry_size;
	array_sectors = (array_bytes + sector_size - 1) / sector_size;
	/* The primary array lies after the header and ends before the first usable LBA. */
	if (array_lba <= GPT_HEADER_LBA || array_lba > first_usable ||
	    array_sectors > first_usable - array_lba)
		return -EINVAL;
	if (array_lba > SIZE_MAX / sector_size)
		return -ERANGE;
	array_offset = (size_t)array_lba * sector_size;
	if (!fsp_have(len, array_offset, array_bytes))
		return -ERANGE;
	array = buf + array_offset;
	if (fsp_crc32_hole(array, array_bytes, FSP_CRC_NO_HOLE) != fsp_le32(hdr + 88))
		return -EINVAL;

	for (uint32_t i = 0; i < entry_count; i++) {
		const uint8_t *e = array + (size_t)i * entry_size;
		uint64_t first = fsp_le64(e + 32), last = fsp_le64(e + 40);
		struct fsprobe_part *p;

		if (guid_is_zero(e)) /* a zero type GUID marks an unused entry */
			continue;
		/* An entry outside the usable area, or ending before it starts, is no partition:
		 * blkid ignores it, and so does embark. */
		if (first > last || first < first_usable || last > last_usable)
			continue;
		if (n >= max)
			return -ENOSPC;
		p = &out[n++];
		memset(p, 0, sizeof(*p));
		/* The kernel numbers GPT partitions by entry index: unused entries leave gaps. */
		p->number = i + 1;
		fsp_guid_text(p->type, sizeof(p->type), e);
		fsp_guid_text(p->partuuid, sizeof(p->partuuid), e + GPT_GUID_LEN);
		gpt_name_to_utf8(p->partlabel, sizeof(p->partlabel), e + GPT_ENTRY_NAME_OFFSET);
		p->first_lba = first;
		p->last_lba = last;
	}
	return (int)n;
}

int fsprobe_partitions(const void *buf, size_t len, unsigned sector_size, struct fsprobe_part *out,
		       size_t max)
{
	const uint8_t *sector0 = buf;
	struct mbr_entry protective;
	int ret;

	clear_parts(out, max);
	if (!fsp_pow2_in(sector_size, SECTOR_SIZE_MIN, SECTOR_SIZE_MAX))
		return -EINVAL;
	if (!has_boot_signature(sector0, len))
		return -ENODATA;
	if (mbr_protects_gpt(sector0, &protective)) {
		/* The protective entry starts at the GPT header; one that does not is neither a
		 * GPT nor an MBR to the kernel, which then lists no partitions at all. */
		ret = protective.first_lba == GPT_HEADER_LBA
			      ? gpt_parse(sector0, len, sector_size, out, max)
			      : -EINVAL;
	} else if (is_mbr(sector0, len)) {
		ret = mbr_parse(sector0, out, max);
	} else {
		ret = -ENODATA;
	}
	if (ret < 0)
		clear_parts(out, max);
	return ret;
}

/* --- MBR logical partitions ------------------------------------------------------------------ */

int fsprobe_ebr_start(const void *buf, size_t len, struct fsprobe_ebr_walk *w)
{
	const uint8_t *sector0 = buf;
	struct mbr_entry e;

	memset(w, 0, sizeof(*w));
	if (!is_mbr(sector0, len) || mbr_protects_gpt(sector0, &e))
		return -ENODATA;
	/* Only the first extended partition is followed: DOS allowed one, and no partitioning
	 * tool makes a second. */
	for (unsigned slot = 0; slot < MBR_ENTRIES; slot++) {
		mbr_entry_read(sector0, slot, &e);
		if (e.sectors == 0 || !mbr_type_is_extended(e.type))
			continue;
		/* Its first sector is its first EBR; at LBA 0 that would be the MBR itself. */
		if (e.first_lba == 0)
			return -EINVAL;
		w->disk_signature = fsp_le32(sector0 + MBR_DISK_SIGNATURE_OFFSET);
		w->extended_lba = e.first_lba;
		w->extended_last = (uint64_t)e.first_lba + e.sectors - 1;
		w->next_lba = e.first_lba;
		w->next_number = MBR_FIRST_LOGICAL;
		return 1;
	}
	return 0;
}

int fsprobe_ebr_next(const void *sector, size_t len, struct fsprobe_ebr_walk *w,
		     struct fsprobe_part *out, size_t max)
{
	const uint8_t *ebr = sector;
	uint64_t this_lba = w->next_lba, link = 0;
	struct mbr_entry e;
	size_t n = 0;

	clear_parts(out, max);
	if (this_lba == 0)
		return 0;
	w->next_lba = 0; /* until this EBR proves good */
	if (++w->visited > FSPROBE_EBR_MAX || !has_boot_signature(ebr, len))
		return -EINVAL;
	/* An EBR's data entries count from the EBR itself; its link to the next EBR counts from
	 * the start of the extended partition. Only the first link is followed. */
	for (unsigned slot = 0; slot < MBR_ENTRIES; slot++) {
		uint64_t first, last;

		mbr_entry_read(ebr, slot, &e);
		if (e.sectors == 0)
			continue;
		if (mbr_type_is_extended(e.type)) {
			if (link == 0)
				link = w->extended_lba + e.first_lba;
			continue;
		}
		first = this_lba + e.first_lba;
		last = first + e.sectors - 1;
		/* Slots 3 and 4 of an EBR are often garbage: like the kernel, take a partition
		 * there only when it lies inside the extended partition. */
		if (slot >= 2 && (first < w->extended_lba || last > w->extended_last))
			continue;
		if (n >= max) {
			clear_parts(out, max);
			return -ENOSPC;
		}
		mbr_part_set(&out[n++], w->disk_signature, w->next_number++, e.type, first,
			     e.sectors);
	}
	/* A link back to the first EBR or to this one is a loop; longer loops end at
	 * FSPROBE_EBR_MAX. */
	if (link != 0 && (link == w->extended_lba || link == this_lba || link > w->extended_last)) {
		clear_parts(out, max);
		return -EINVAL;
	}
	w->next_lba = link;
	return (int)n;
}
