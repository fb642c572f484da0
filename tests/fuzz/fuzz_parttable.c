/* Partition tables over arbitrary disk starts: fsprobe_partitions at every sector size, on
 * the input as it is, with its GPT CRCs made right, and laid out as a GPT disk (so that short
 * inputs get past the signatures and CRCs to the entries); and the MBR's EBR chain walked
 * with sectors taken from the input itself. */
#include "fsprobe/fsprobe.h"
#include "fsprobe/internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PARTS_MAX 8
#define EBR_SECTOR 512

static const unsigned sector_sizes[] = { 512, 1024, 2048, 4096 };
static uint8_t resealed[FSPROBE_BYTES];

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void check_parts(const struct fsprobe_part *parts, int n)
{
	char spec[128];

	for (int i = 0; i < n; i++) {
		const struct fsprobe_part *p = &parts[i];

		/* Every string handed out must be terminated within its field. */
		if (!memchr(p->partuuid, 0, sizeof(p->partuuid)) ||
		    !memchr(p->partlabel, 0, sizeof(p->partlabel)) ||
		    !memchr(p->type, 0, sizeof(p->type)) || p->first_lba > p->last_lba ||
		    p->number == 0)
			__builtin_trap();
		/* What the table reports, fsprobe_match recognises. */
		snprintf(spec, sizeof(spec), "PARTUUID=%s", p->partuuid);
		if (fsprobe_match(NULL, p, spec) != 1)
			__builtin_trap();
		/* Quoted, as a label may itself start and end with '"'. */
		snprintf(spec, sizeof(spec), "PARTLABEL=\"%s\"", p->partlabel);
		if (fsprobe_match(NULL, p, spec) != (p->partlabel[0] != '\0'))
			__builtin_trap();
	}
}

static void check_tables(const uint8_t *data, size_t size, unsigned sector_size)
{
	struct fsprobe_part parts[PARTS_MAX];
	int n = fsprobe_partitions(data, size, sector_size, parts, PARTS_MAX);

	if (n > PARTS_MAX)
		__builtin_trap();
	if (n >= 0) {
		check_parts(parts, n);
		return;
	}
	/* A refusal leaves a clean result. */
	for (size_t k = 0; k < PARTS_MAX; k++)
		if (parts[k].number || parts[k].partuuid[0] || parts[k].last_lba)
			__builtin_trap();
}

/* Makes the GPT header and entry array CRCs at SECTOR_SIZE match whatever the input holds. */
static void reseal_gpt(uint8_t *buf, size_t n, unsigned sector_size)
{
	uint8_t *hdr = buf + sector_size;
	uint64_t array_offset;
	uint32_t header_size, array_bytes;

	if (n < 2 * (size_t)sector_size || memcmp(hdr, "EFI PART", 8) != 0)
		return;
	array_bytes = fsp_le32(hdr + 80) * fsp_le32(hdr + 84); /* wraps: only a guess */
	array_offset = fsp_le64(hdr + 72);
	if (array_offset < n / sector_size) {
		array_offset *= sector_size;
		if (array_bytes <= n - array_offset)
			put_le32(hdr + 88, fsp_crc32_hole(buf + array_offset, array_bytes,
							  FSP_CRC_NO_HOLE));
	}
	header_size = fsp_le32(hdr + 12);
	if (header_size <= sector_size)
		put_le32(hdr + 16, fsp_crc32_hole(hdr, header_size, 16));
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The input as a GPT disk at SECTOR_SIZE: 55 AA, a protective entry and the header
 * signature forced, the CRCs made right, the rest as the input has it. With SANE_HEADER, the
 * header's layout fields are forced too (an array of up to 32 entries right after it, any
 * LBA usable), so that the input's bytes go to the entries. */
static void check_as_gpt(const uint8_t *data, size_t size, unsigned sector_size,
			 int sane_header)
{
	uint8_t *hdr = resealed + sector_size;

	memset(resealed, 0, sizeof(resealed));
	memcpy(resealed, data, size < sizeof(resealed) ? size : sizeof(resealed));
	resealed[510] = 0x55;
	resealed[511] = 0xAA;
	resealed[446 + 4] = 0xEE;
	put_le32(resealed + 446 + 8, 1);
	memcpy(hdr, "EFI PART", 8);
	if (sane_header) {
		put_le32(hdr + 12, 92);
		put_le64(hdr + 24, 1);
		put_le64(hdr + 40, 2 + 32 * 128 / sector_size + 1);
		put_le64(hdr + 48, UINT64_MAX);
		put_le64(hdr + 72, 2);
		put_le32(hdr + 80, hdr[80] % 33);
		put_le32(hdr + 84, 128);
	}
	reseal_gpt(resealed, sizeof(resealed), sector_size);
	check_tables(resealed, sizeof(resealed), sector_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size < sizeof(resealed) ? size : sizeof(resealed);
	struct fsprobe_part parts[PARTS_MAX];
	struct fsprobe_ebr_walk w;
	int k;

	for (size_t i = 0; i < sizeof(sector_sizes) / sizeof(sector_sizes[0]); i++) {
		check_tables(data, size, sector_sizes[i]);
		memcpy(resealed, data, n);
		reseal_gpt(resealed, n, sector_sizes[i]);
		check_tables(resealed, n, sector_sizes[i]);
		check_as_gpt(data, size, sector_sizes[i], 0);
		check_as_gpt(data, size, sector_sizes[i], 1);
	}
	if (fsprobe_ebr_start(data, size, &w) != 1)
		return 0;
	/* The input is the disk: each EBR is the 512 bytes at next_lba, or what the input has of
	 * them (a short read at the end, as from a real device). */
	for (unsigned steps = 0; w.next_lba && steps <= FSPROBE_EBR_MAX + 1; steps++) {
		size_t off = size;

		if (w.next_lba < size / EBR_SECTOR)
			off = (size_t)w.next_lba * EBR_SECTOR;

		k = fsprobe_ebr_next(data + off, size - off, &w, parts, PARTS_MAX);
		if (k > PARTS_MAX || (k < 0 && w.next_lba))
			__builtin_trap();
		if (k > 0)
			check_parts(parts, k);
	}
	if (w.next_lba)
		__builtin_trap(); /* the walk ends within FSPROBE_EBR_MAX EBRs */
	return 0;
}
