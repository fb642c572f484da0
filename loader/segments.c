/* The planner: from a bzImage, an initrd, a command line and a memory map to the segment list
 * kexec_load takes. Nothing here touches the machine; fwinfo.c gathers the facts and
 * kexec_load.c makes the call, so that the planner runs the same in a unit test, a fuzzer,
 * `embark segments` on a workstation and PID 1.
 *
 * Segments, in this order:
 *   kernel      the protected-mode kernel at its alignment, at or above max(1 MiB,
 *               pref_address), memsz covering init_size (it decompresses in place)
 *   initrd      all initrds as one segment, below initrd_addr_max
 *   bootparams  boot_params (4 KiB), the command line, then the setup_data nodes
 *   purgatory   embark's purgatory; kexec_load's entry point is its first byte
 * Below 4 GiB first for everything (old kernels and the 32-bit fields want it); above only
 * when the kernel sets XLF_CAN_BE_LOADED_ABOVE_4G. The kernel goes low (bottom-up, where
 * pref_address puts it anyway); the rest goes top-down, out of the decompressor's way. */
#include "hash/hash.h"
#include "loader/segplan.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>

static uint64_t page_up(uint64_t v)
{
	return (v + SEG_PAGE_SIZE - 1) & ~(SEG_PAGE_SIZE - 1);
}

/* Below 4 GiB, else (when ABOVE_4G) above it. */
static int place_low_or_high(struct place_pool *pool, uint64_t size, uint64_t align,
			     uint64_t min, uint64_t low_end, bool top_down, bool above_4g,
			     uint64_t *addr)
{
	int r = place_alloc(pool, size, align, min, low_end, top_down, addr);

	if (r == -ENOMEM && above_4g)
		r = place_alloc(pool, size, align, min > SEG_4G ? min : SEG_4G,
				KEXEC_DEST_LIMIT_4LEVEL, top_down, addr);
	return r;
}

static void add_segment(struct seg_plan *p, const char *role, const void *buf, uint64_t bufsz,
			uint64_t mem, uint64_t memsz)
{
	struct seg_plan_segment *s = &p->seg[p->nr_segments++];

	s->buf = buf;
	s->bufsz = bufsz;
	s->mem = mem;
	s->memsz = memsz;
	str_copy(s->role, sizeof(s->role), role);
}

static int check_purgatory(const struct seg_inputs *in, char *why, size_t whylen)
{
	if (in->purgatory_len == 0)
		return err_fail(why, whylen, -ENOTSUP,
				"this embark has no purgatory for its architecture: the kexec_load "
				"path exists for x86_64 only");
	if (in->purgatory_len > PURGATORY_IMAGE_MAX ||
	    in->purgatory_len < PURGATORY_ARGS_OFFSET + PURGATORY_ARGS_SIZE ||
	    memcmp(in->purgatory + PURGATORY_ARGS_OFFSET, PURGATORY_MAGIC, 8) != 0)
		return err_fail(why, whylen, -EINVAL,
				"the purgatory image (%zu bytes) has no \"%s\" argument block at "
				"0x%x: embark was built wrong",
				in->purgatory_len, PURGATORY_MAGIC, PURGATORY_ARGS_OFFSET);
	return 0;
}

static int no_room(const char *what, uint64_t size, uint64_t align, uint64_t min,
		   uint64_t low_end, bool above_4g, const struct place_pool *pool, char *why,
		   size_t whylen)
{
	return err_fail(why, whylen, -ENOMEM,
			"%s: no free RAM for 0x%llx bytes aligned to 0x%llx between 0x%llx and "
			"0x%llx%s (0x%llx bytes of RAM are left in the map, in %u ranges)",
			what, (unsigned long long)size, (unsigned long long)align,
			(unsigned long long)min, (unsigned long long)low_end,
			above_4g ? " or above 4 GiB" : " (the kernel cannot be loaded above 4 GiB)",
			(unsigned long long)place_free_bytes(pool), pool->n);
}

int seg_plan_bzimage(const struct seg_inputs *in, struct seg_build *out, char *why,
		     size_t whylen)
{
	struct bzimage_info *bz = &out->bz;
	struct seg_check_env env;
	struct bootparams_in bpin;
	struct purgatory_args args;
	size_t cmdline_len = strlen(in->cmdline), cmdline_room, seed_len, bp_len;
	uint64_t kmin, kalign, initrd_end, sd_off;
	long sd_len;
	int r;

	memset(&out->plan, 0, sizeof(out->plan));
	out->kernel_addr = out->kernel_entry = out->initrd_addr = 0;
	out->bootparams_addr = out->cmdline_addr = out->setup_data_addr = 0;
	out->purgatory_addr = 0;
	r = check_purgatory(in, why, whylen);
	if (r < 0)
		return r;
	r = bzimage_probe(in->kernel, in->kernel_len, cmdline_len, in->running_5level, bz, why,
			  whylen);
	if (r < 0)
		return r;
	if (in->initrd && in->initrd_len == 0)
		return err_fail(why, whylen, -EINVAL, "the initrd is empty (0 bytes)");
	if (place_pool_init(&out->pool, in->firmware_map, in->running_ram, SEG_1M) < 0)
		return err_fail(why, whylen, -ENOMEM,
				"the memory map has no System RAM above 1 MiB%s",
				in->running_ram ? " that the running kernel also calls RAM" : "");

	/* The kernel: runtime start = align_up(max(load address, pref_address), alignment),
	 * and init_size counts from there; loading it exactly there keeps both equal. */
	kmin = bz->pref_address > SEG_1M ? bz->pref_address : SEG_1M;
	kalign = bz->kernel_alignment;
	r = place_low_or_high(&out->pool, bz->memsz, kalign, kmin, SEG_4G, false, bz->above_4g,
			      &out->kernel_addr);
	if (r < 0)
		return no_room("kernel", bz->memsz, kalign, kmin, SEG_4G, bz->above_4g, &out->pool,
			       why, whylen);
	out->kernel_entry = out->kernel_addr + BZ_ENTRY64_OFFSET;

	if (in->initrd) {
		/* initrd_addr_max is the highest address the initrd's last byte may have. */
		initrd_end = (uint64_t)bz->initrd_addr_max + 1;
		if (initrd_end > SEG_4G)
			initrd_end = SEG_4G;
		r = place_low_or_high(&out->pool, in->initrd_len, SEG_PAGE_SIZE, SEG_1M,
				      initrd_end, true, bz->above_4g, &out->initrd_addr);
		if (r < 0)
			return no_room("initrd", page_up(in->initrd_len), SEG_PAGE_SIZE, SEG_1M,
				       initrd_end, bz->above_4g, &out->pool, why, whylen);
	}

	seed_len = in->rng_seed ? BP_RNG_SEED_SIZE : 0;
	cmdline_room = (cmdline_len + 1 + 15) & ~(size_t)15;
	bp_len = BP_SIZE + cmdline_room + setup_data_size(in->firmware_map, seed_len);
	if (bp_len > sizeof(out->bootparams))
		return err_fail(why, whylen, -E2BIG,
				"boot_params, command line and setup_data need %zu bytes, more than "
				"embark's %zu",
				bp_len, sizeof(out->bootparams));
	r = place_low_or_high(&out->pool, bp_len, SEG_PAGE_SIZE, SEG_1M, SEG_4G, true,
			      bz->above_4g, &out->bootparams_addr);
	if (r < 0)
		return no_room("boot_params", page_up(bp_len), SEG_PAGE_SIZE, SEG_1M, SEG_4G,
			       bz->above_4g, &out->pool, why, whylen);
	r = place_low_or_high(&out->pool, in->purgatory_len, SEG_PAGE_SIZE, SEG_1M, SEG_4G, true,
			      true, &out->purgatory_addr);
	if (r < 0)
		return no_room("purgatory", page_up(in->purgatory_len), SEG_PAGE_SIZE, SEG_1M,
			       SEG_4G, true, &out->pool, why, whylen);

	/* The bootparams segment: boot_params | command line + NUL | setup_data nodes. */
	memset(out->bootparams, 0, bp_len);
	out->cmdline_addr = out->bootparams_addr + BP_SIZE;
	memcpy(out->bootparams + BP_SIZE, in->cmdline, cmdline_len + 1);
	sd_off = BP_SIZE + cmdline_room;
	sd_len = setup_data_build(out->bootparams + sd_off, bp_len - sd_off,
				  out->bootparams_addr + sd_off, in->firmware_map, in->rng_seed,
				  seed_len);
	if (sd_len < 0)
		return err_fail(why, whylen, (int)sd_len, "setup_data does not fit");
	out->setup_data_addr = sd_len > 0 ? out->bootparams_addr + sd_off : 0;
	out->e820_entries = in->firmware_map->n;
	memset(&bpin, 0, sizeof(bpin));
	bpin.bz = bz;
	bpin.kernel_addr = out->kernel_addr;
	bpin.cmdline_addr = out->cmdline_addr;
	bpin.initrd_addr = in->initrd ? out->initrd_addr : 0;
	bpin.initrd_size = in->initrd ? in->initrd_len : 0;
	bpin.setup_data_addr = out->setup_data_addr;
	bpin.e820 = in->firmware_map;
	bpin.acpi_rsdp = in->acpi_rsdp;
	bpin.screen_info = in->screen_info;
	bootparams_build(out->bootparams, &bpin);

	add_segment(&out->plan, "kernel", bz->payload, bz->payload_len, out->kernel_addr,
		    bz->memsz);
	if (in->initrd)
		add_segment(&out->plan, "initrd", in->initrd, in->initrd_len, out->initrd_addr,
			    page_up(in->initrd_len));
	add_segment(&out->plan, "bootparams", out->bootparams, bp_len, out->bootparams_addr,
		    page_up(bp_len));

	/* The purgatory: its argument block names every segment above with its digest. */
	memcpy(out->purgatory, in->purgatory, in->purgatory_len);
	memset(&args, 0, sizeof(args));
	memcpy(args.magic, PURGATORY_MAGIC, sizeof(args.magic));
	args.version = PURGATORY_ABI_VERSION;
	args.kernel_entry = out->kernel_entry;
	args.boot_params = out->bootparams_addr;
	for (unsigned i = 0; i < out->plan.nr_segments; i++) {
		const struct seg_plan_segment *s = &out->plan.seg[i];

		args.seg[i].mem = s->mem;
		args.seg[i].len = s->bufsz;
		hash_buffer(HASH_SHA256, s->buf, (size_t)s->bufsz, args.seg[i].sha256);
	}
	args.nr_segments = (uint32_t)out->plan.nr_segments;
	memcpy(out->purgatory + PURGATORY_ARGS_OFFSET, &args, sizeof(args));
	add_segment(&out->plan, "purgatory", out->purgatory, in->purgatory_len,
		    out->purgatory_addr, page_up(in->purgatory_len));
	out->plan.entry = out->purgatory_addr;
	out->plan.flags = KEXEC_ARCH_X86_64;

	/* What the kernel will check, checked here first, with reasons. */
	memset(&env, 0, sizeof(env));
	env.ram_bytes = in->ram_bytes ? in->ram_bytes : memmap_ram_bytes(in->firmware_map);
	env.dest_limit = in->running_5level ? KEXEC_DEST_LIMIT_5LEVEL : KEXEC_DEST_LIMIT_4LEVEL;
	env.arch = KEXEC_ARCH_X86_64;
	env.ram = in->firmware_map;
	return seg_plan_check(&out->plan, &env, why, whylen);
}
