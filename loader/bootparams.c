/* struct boot_params ("the zero page") for the 64-bit boot protocol, built from zero. Nothing
 * is inherited from the running kernel's own boot_params: stale EFI memory map pointers,
 * EDD data or a previous initrd would mislead the next kernel. The only bytes taken from the
 * image are its setup header, from 0x1f1 to the end the header states (0x202 + the jump
 * offset at 0x201), as the protocol says. The sentinel at 0x1ef stays 0: a nonzero sentinel
 * tells the kernel the loader copied the boot sector blindly, and it then zeroes fields we
 * filled on purpose. */
#include "loader/segplan.h"

#include <errno.h>
#include <string.h>

int bootparams_build(uint8_t *bp, const struct bootparams_in *in)
{
	const struct bzimage_info *bz = in->bz;
	const struct memmap *e820 = in->e820;
	unsigned n_e820 = 0;

	memset(bp, 0, BP_SIZE);
	memcpy(bp + BZ_SETUP_SECTS, bz->image + BZ_SETUP_SECTS, bz->header_end - BZ_SETUP_SECTS);

	bp[BZ_TYPE_OF_LOADER] = BP_TYPE_OF_LOADER;
	/* LOADED_HIGH as the image says; no CAN_USE_HEAP (no real-mode setup code runs), no
	 * QUIET_FLAG, no KEEP_SEGMENTS (obsolete). */
	bp[BZ_LOADFLAGS] = BZ_LOADED_HIGH;
	seg_put_le(bp + BZ_HEAP_END_PTR, 2, 0);
	/* code32_start is only read by the 32-bit entry; kept true where it fits. */
	seg_put_le(bp + BZ_CODE32_START, 4, in->kernel_addr < SEG_4G ? in->kernel_addr : 0);

	seg_put_le(bp + BZ_CMD_LINE_PTR, 4, in->cmdline_addr & 0xffffffffu);
	seg_put_le(bp + BP_EXT_CMD_LINE_PTR, 4, in->cmdline_addr >> 32);
	seg_put_le(bp + BZ_RAMDISK_IMAGE, 4, in->initrd_addr & 0xffffffffu);
	seg_put_le(bp + BP_EXT_RAMDISK_IMAGE, 4, in->initrd_addr >> 32);
	seg_put_le(bp + BZ_RAMDISK_SIZE, 4, in->initrd_size & 0xffffffffu);
	seg_put_le(bp + BP_EXT_RAMDISK_SIZE, 4, in->initrd_size >> 32);
	seg_put_le(bp + BZ_SETUP_DATA, 8, in->setup_data_addr);

	for (unsigned i = 0; i < e820->n && i < BP_E820_ZEROPAGE_MAX; i++, n_e820++) {
		uint8_t *ent = bp + BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;

		seg_put_le(ent, 8, e820->r[i].start);
		seg_put_le(ent + 8, 8, e820->r[i].end - e820->r[i].start);
		seg_put_le(ent + 16, 4, e820->r[i].type);
	}
	bp[BP_E820_ENTRIES] = (uint8_t)n_e820;
	seg_put_le(bp + BP_ACPI_RSDP_ADDR, 8, in->acpi_rsdp);
	if (in->screen_info)
		memcpy(bp + BP_SCREEN_INFO, in->screen_info, BP_SCREEN_INFO_SIZE);
	bp[BP_SENTINEL] = 0;
	return 0;
}

static size_t e820_ext_entries(const struct memmap *e820)
{
	return e820->n > BP_E820_ZEROPAGE_MAX ? e820->n - BP_E820_ZEROPAGE_MAX : 0;
}

static size_t align8(size_t v)
{
	return (v + 7) & ~(size_t)7;
}

size_t setup_data_size(const struct memmap *e820, size_t seed_len)
{
	size_t ext = e820_ext_entries(e820), total = 0;

	if (ext)
		total += align8(SETUP_DATA_HEADER + ext * BP_E820_ENTRY_SIZE);
	if (seed_len)
		total += align8(SETUP_DATA_HEADER + seed_len);
	return total;
}

long setup_data_build(uint8_t *buf, size_t cap, uint64_t phys, const struct memmap *e820,
		      const uint8_t *seed, size_t seed_len)
{
	size_t ext = e820_ext_entries(e820), used = 0, node;
	uint8_t *prev_next = NULL;

	if (setup_data_size(e820, seed_len) > cap)
		return -E2BIG;
	memset(buf, 0, setup_data_size(e820, seed_len));
	if (ext) {
		node = used;
		seg_put_le(buf + node + 8, 4, SETUP_E820_EXT);
		seg_put_le(buf + node + 12, 4, ext * BP_E820_ENTRY_SIZE);
		for (size_t i = 0; i < ext; i++) {
			const struct memmap_range *r = &e820->r[BP_E820_ZEROPAGE_MAX + i];
			uint8_t *ent = buf + node + SETUP_DATA_HEADER + i * BP_E820_ENTRY_SIZE;

			seg_put_le(ent, 8, r->start);
			seg_put_le(ent + 8, 8, r->end - r->start);
			seg_put_le(ent + 16, 4, r->type);
		}
		prev_next = buf + node;
		used += align8(SETUP_DATA_HEADER + ext * BP_E820_ENTRY_SIZE);
	}
	if (seed_len) {
		node = used;
		if (prev_next)
			seg_put_le(prev_next, 8, phys + node);
		seg_put_le(buf + node + 8, 4, SETUP_RNG_SEED);
		seg_put_le(buf + node + 12, 4, seed_len);
		memcpy(buf + node + SETUP_DATA_HEADER, seed, seed_len);
		used += align8(SETUP_DATA_HEADER + seed_len);
	}
	return (long)used;
}
