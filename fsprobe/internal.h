/* fsprobe internals: byte readers, the string forms blkid prints, the two CRCs the on-disk
 * formats use, and one probe function per filesystem. Not for use outside fsprobe/. */
#ifndef EMBARK_FSPROBE_INTERNAL_H
#define EMBARK_FSPROBE_INTERNAL_H

#include "fsprobe/fsprobe.h"

#include <stddef.h>
#include <stdint.h>

/* 1 when N bytes at OFF lie within LEN, without overflowing. */
static inline int fsp_have(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

static inline uint16_t fsp_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t fsp_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t fsp_le64(const uint8_t *p)
{
	return (uint64_t)fsp_le32(p) | (uint64_t)fsp_le32(p + 4) << 32;
}

static inline uint16_t fsp_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t fsp_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline uint64_t fsp_be64(const uint8_t *p)
{
	return (uint64_t)fsp_be32(p) << 32 | (uint64_t)fsp_be32(p + 4);
}

/* 1 when V is a power of two within [LO, HI]. */
static inline int fsp_pow2_in(uint64_t v, uint64_t lo, uint64_t hi)
{
	return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

/* text.c: on-disk bytes to the strings blkid prints. */
#define FSP_UUID_TEXT_LEN 36 /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */

/* A 16-byte UUID stored in byte order (ext*, btrfs, xfs), lowercase. CAP ≥ 37. */
void fsp_uuid_text(char *dst, size_t cap, const uint8_t *uuid);
/* An EFI GUID: its first three fields are little-endian on disk (GPT). Lowercase. */
void fsp_guid_text(char *dst, size_t cap, const uint8_t *guid);
/* Fills OUT's label from a fixed-width on-disk field; see fsprobe_result.label_inexact. */
void fsp_set_label(struct fsprobe_result *out, const uint8_t *src, size_t n);
void fsp_set_type(struct fsprobe_result *out, const char *type, const char *mount_type);

/* crc.c. Both are the reflected CRC-32 with an all-ones start and a final inversion, as the
 * formats store them. CRC32 (IEEE 802.3): GPT. CRC32C (Castagnoli): btrfs, xfs v5.
 * A structure that holds its own sum is summed with that field read as zero: the 4 bytes at
 * HOLE count as zeros (FSP_CRC_NO_HOLE: none do). */
#define FSP_CRC_HOLE_LEN 4
#define FSP_CRC_NO_HOLE SIZE_MAX
uint32_t fsp_crc32_hole(const uint8_t *p, size_t n, size_t hole);
uint32_t fsp_crc32c_hole(const uint8_t *p, size_t n, size_t hole);

/* One per filesystem: 0 and OUT filled on a match, -ENODATA otherwise (OUT then undefined). */
int fsp_probe_ext(const uint8_t *buf, size_t len, struct fsprobe_result *out);
int fsp_probe_xfs(const uint8_t *buf, size_t len, struct fsprobe_result *out);
int fsp_probe_iso9660(const uint8_t *buf, size_t len, struct fsprobe_result *out);
int fsp_probe_vfat(const uint8_t *buf, size_t len, struct fsprobe_result *out);
int fsp_probe_btrfs(const uint8_t *buf, size_t len, struct fsprobe_result *out);

#endif
