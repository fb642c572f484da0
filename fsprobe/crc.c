/* The two reflected CRC-32s the on-disk formats use, a nibble at a time: 16-entry tables keep
 * the code small for the static binary and are fast enough for the few KiB a probe sums. */
#include "fsprobe/internal.h"

/* Table entry i is the CRC register after shifting the 4-bit value i out, for polynomial
 * 0xEDB88320 (IEEE 802.3, reflected). */
static const uint32_t crc32_nibble[16] = {
	0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
	0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
	0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c,
};

/* The same for 0x82F63B78 (Castagnoli, reflected). */
static const uint32_t crc32c_nibble[16] = {
	0x00000000, 0x105ec76f, 0x20bd8ede, 0x30e349b1, 0x417b1dbc, 0x5125dad3,
	0x61c69362, 0x7198540d, 0x82f63b78, 0x92a8fc17, 0xa24bb5a6, 0xb21572c9,
	0xc38d26c4, 0xd3d3e1ab, 0xe330a81a, 0xf36e6f75,
};

static uint32_t crc_with_hole(const uint32_t *table, const uint8_t *p, size_t n, size_t hole)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		crc ^= (i >= hole && i - hole < FSP_CRC_HOLE_LEN) ? 0 : p[i];
		crc = (crc >> 4) ^ table[crc & 0xf];
		crc = (crc >> 4) ^ table[crc & 0xf];
	}
	return ~crc;
}

uint32_t fsp_crc32_hole(const uint8_t *p, size_t n, size_t hole)
{
	return crc_with_hole(crc32_nibble, p, n, hole);
}

uint32_t fsp_crc32c_hole(const uint8_t *p, size_t n, size_t hole)
{
	return crc_with_hole(crc32c_nibble, p, n, hole);
}
