/* The bzImage probe and the whole kexec_load planner over arbitrary bytes, with a fixed
 * synthetic memory map (holes, reserved ranges, RAM above 4 GiB, more than 128 entries so
 * that the e820 overflow node is built too). The last input byte picks the options: 5-level
 * paging, an initrd, the command line's length. Every plan that comes out must pass the
 * validator, lie in RAM, and describe itself correctly to the purgatory. */
#include "loader/segplan.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static struct memmap map;
static struct seg_build build;
static char cmdline[4096];
static const uint8_t initrd[5000] = { '0', '7', '0', '7', '0', '1' };
static const uint8_t seed[BP_RNG_SEED_SIZE];

static void make_map(void)
{
	memmap_add(&map, 0, 0x9fbff, E820_TYPE_RAM);
	memmap_add(&map, 0x9fc00, 0xfffff, E820_TYPE_RESERVED);
	memmap_add(&map, 0x100000, 0x7fffffff, E820_TYPE_RAM);
	memmap_add(&map, 0x3000000, 0x3000fff, E820_TYPE_ACPI);
	memmap_add(&map, 0xfec00000, 0xfec00fff, E820_TYPE_RESERVED);
	for (uint64_t k = 0; k < 140; k++) /* 1 MiB RAM pieces above 4 GiB, 2 MiB apart */
		memmap_add(&map, (4ULL << 30) + k * 0x200000, (4ULL << 30) + k * 0x200000 + 0xfffff,
			   E820_TYPE_RAM);
	memmap_add(&map, 5ULL << 30, (6ULL << 30) - 1, E820_TYPE_RAM);
	memmap_sort(&map);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seg_inputs in;
	struct bzimage_info bz;
	char why[512];
	uint8_t opt;

	if (map.n == 0)
		make_map();
	if (size == 0)
		return 0;
	opt = data[size - 1];
	size--;
	memset(cmdline, 'a', sizeof(cmdline));
	cmdline[(opt >> 2) & 1 ? 2047 : 16 * (opt >> 3)] = '\0';

	/* The probe alone must never read past SIZE (ASan) and fill OUT consistently. */
	if (bzimage_probe(data, size, strlen(cmdline), opt & 1, &bz, why, sizeof(why)) == 0) {
		if (bz.setup_bytes >= size || bz.payload + bz.payload_len != data + size ||
		    bz.memsz < bz.init_size || bz.memsz % SEG_PAGE_SIZE ||
		    bz.header_end > BZ_HEADER_MAX_END)
			__builtin_trap();
	}

	memset(&in, 0, sizeof(in));
	in.kernel = data;
	in.kernel_len = size;
	in.initrd = (opt & 2) ? initrd : NULL;
	in.initrd_len = (opt & 2) ? sizeof(initrd) : 0;
	in.cmdline = cmdline;
	in.firmware_map = &map;
	in.running_5level = opt & 1;
	in.rng_seed = seed;
	in.purgatory = loader_purgatory_image;
	in.purgatory_len = loader_purgatory_len;
	if (seg_plan_bzimage(&in, &build, why, sizeof(why)) != 0)
		return 0;
	if (build.plan.nr_segments < 3 || build.plan.nr_segments > 4)
		__builtin_trap();
	for (unsigned i = 0; i < build.plan.nr_segments; i++) {
		const struct seg_plan_segment *s = &build.plan.seg[i];

		if (!memmap_is_ram(&map, s->mem, s->mem + s->memsz) || s->mem < (1 << 20) ||
		    s->bufsz > s->memsz)
			__builtin_trap();
	}
	if (build.kernel_addr % build.bz.kernel_alignment ||
	    build.kernel_addr < build.bz.pref_address ||
	    build.bootparams[BP_SENTINEL] != 0 ||
	    strcmp((const char *)build.bootparams + BP_SIZE, cmdline) != 0 ||
	    build.plan.entry != build.purgatory_addr)
		__builtin_trap();
	return 0;
}
