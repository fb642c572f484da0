/* The kexec_load planner end to end (crafted memory maps, the real Debian kernel when the
 * build has it), the boot_params it builds, the purgatory (its image, its SHA-256 and its
 * checker run on the host), the path selection and the `loader` policy key. */
#include "hash/hash.h"
#include "init/internal.h"
#include "loader/loader.h"
#include "loader/segplan.h"
#include "tests/unit/harness.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* A synthetic bzImage (see test_segments.c for the field-by-field version). */
#define SYN_LEN (64 * 1024)
static uint8_t syn[SYN_LEN];

static const uint8_t *synthetic_bzimage(uint16_t xloadflags, uint32_t init_size)
{
	memset(syn, 0x90, sizeof(syn));
	memset(syn, 0, 0xa00);
	syn[BZ_SETUP_SECTS] = 4;
	seg_put_le(syn + BZ_SYSSIZE, 4, (SYN_LEN - 0xa00) / 16);
	seg_put_le(syn + BZ_BOOT_FLAG, 2, 0xaa55);
	syn[BZ_JUMP] = 0xeb;
	syn[BZ_JUMP + 1] = 0x6a;
	memcpy(syn + BZ_HEADER, "HdrS", 4);
	seg_put_le(syn + BZ_VERSION, 2, 0x020f);
	syn[BZ_LOADFLAGS] = BZ_LOADED_HIGH | BZ_CAN_USE_HEAP;
	seg_put_le(syn + BZ_CODE32_START, 4, 0x100000);
	seg_put_le(syn + BZ_INITRD_ADDR_MAX, 4, 0x7fffffff);
	seg_put_le(syn + BZ_KERNEL_ALIGNMENT, 4, 0x200000);
	syn[BZ_RELOCATABLE] = 1;
	syn[BZ_MIN_ALIGNMENT] = 21;
	seg_put_le(syn + BZ_XLOADFLAGS, 2, xloadflags);
	seg_put_le(syn + BZ_CMDLINE_SIZE, 4, 2047);
	seg_put_le(syn + BZ_PREF_ADDRESS, 8, 0x1000000);
	seg_put_le(syn + BZ_INIT_SIZE, 4, init_size);
	syn[BP_SENTINEL] = 0xff; /* as in real images: must not reach boot_params */
	return syn;
}

#define XLF_ALL (XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G | XLF_5LEVEL)

static void map_add(struct memmap *m, uint64_t start, uint64_t end, uint32_t type)
{
	UT_EQ_INT(memmap_add(m, start, end - 1, type), 0);
}

/* QEMU's q35 map with 1 GiB (what `embark-qemu` boots). */
static void qemu_map(struct memmap *m)
{
	memset(m, 0, sizeof(*m));
	map_add(m, 0, 0x9fc00, E820_TYPE_RAM);
	map_add(m, 0x9fc00, 0xa0000, E820_TYPE_RESERVED);
	map_add(m, 0xf0000, 0x100000, E820_TYPE_RESERVED);
	map_add(m, 0x100000, 0x3ffe0000, E820_TYPE_RAM);
	map_add(m, 0x3ffe0000, 0x40000000, E820_TYPE_RESERVED);
	map_add(m, 0xb0000000, 0xc0000000, E820_TYPE_RESERVED);
	map_add(m, 0xfed1c000, 0xfed20000, E820_TYPE_RESERVED);
	map_add(m, 0xfeffc000, 0xff000000, E820_TYPE_RESERVED);
	map_add(m, 0xfffc0000, 0x100000000ULL, E820_TYPE_RESERVED);
}

static const uint8_t seed[BP_RNG_SEED_SIZE] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
						15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26,
						27, 28, 29, 30, 31, 32 };
static const uint8_t initrd[10000] = { 0x30, 0x37, 0x30, 0x37 };

static void inputs(struct seg_inputs *in, const struct memmap *map, const void *k, size_t klen)
{
	memset(in, 0, sizeof(*in));
	in->kernel = k;
	in->kernel_len = klen;
	in->initrd = initrd;
	in->initrd_len = sizeof(initrd);
	in->cmdline = "console=ttyS0 panic=-1";
	in->firmware_map = map;
	in->acpi_rsdp = 0xf5a40;
	in->rng_seed = seed;
	in->purgatory = loader_purgatory_image;
	in->purgatory_len = loader_purgatory_len;
}

static const struct seg_plan_segment *role(const struct seg_build *b, const char *name)
{
	for (unsigned i = 0; i < b->plan.nr_segments; i++)
		if (strcmp(b->plan.seg[i].role, name) == 0)
			return &b->plan.seg[i];
	return NULL;
}

static struct seg_build build;
static struct memmap map;

UT_TEST(segments_plan_qemu_map_below_4g)
{
	struct seg_inputs in;
	char why[512] = "";
	const struct seg_plan_segment *k, *i, *bp, *pg;

	qemu_map(&map);
	inputs(&in, &map, synthetic_bzimage(XLF_ALL, 0x3f98000), SYN_LEN);
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), 0);
	UT_EQ_INT(build.plan.nr_segments, 4);
	k = role(&build, "kernel");
	i = role(&build, "initrd");
	bp = role(&build, "bootparams");
	pg = role(&build, "purgatory");
	UT_CHECK(k && i && bp && pg);
	UT_EQ_INT(k->mem, 0x1000000); /* pref_address, 2 MiB aligned */
	UT_EQ_INT(k->memsz, 0x3f98000);
	UT_EQ_INT(k->bufsz, SYN_LEN - 0xa00);
	UT_EQ_INT(build.kernel_entry, 0x1000200);
	UT_EQ_INT(i->bufsz, sizeof(initrd));
	UT_EQ_INT(i->memsz, 0x3000);
	UT_CHECK(i->mem + i->memsz <= 0x80000000ULL); /* initrd_addr_max */
	UT_CHECK(bp->mem + bp->memsz <= 0x3ffe0000 && pg->mem + pg->memsz <= 0x3ffe0000);
	UT_EQ_INT(build.plan.entry, pg->mem);
	UT_EQ_INT(build.plan.flags, KEXEC_ARCH_X86_64);
	for (unsigned s = 0; s < build.plan.nr_segments; s++) {
		UT_CHECK(build.plan.seg[s].mem % 4096 == 0 && build.plan.seg[s].memsz % 4096 == 0);
		UT_CHECK(memmap_is_ram(&map, build.plan.seg[s].mem,
				       build.plan.seg[s].mem + build.plan.seg[s].memsz));
	}
}

UT_TEST(segments_plan_boot_params_fields)
{
	struct seg_inputs in;
	char why[512] = "";
	const uint8_t *bp = build.bootparams, *img;
	const struct seg_plan_segment *i;
	uint64_t sd;

	qemu_map(&map);
	img = synthetic_bzimage(XLF_ALL, 0x3f98000);
	inputs(&in, &map, img, SYN_LEN);
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), 0);
	i = role(&build, "initrd");
	/* Nothing before the setup header but what embark put there on purpose. */
	for (unsigned off = 0; off < BZ_SETUP_SECTS; off++)
		if (off < BP_ACPI_RSDP_ADDR || off >= BP_ACPI_RSDP_ADDR + 8)
			if (off != BP_E820_ENTRIES && bp[off])
				ut_fail(__FILE__, __LINE__, "boot_params byte 0x%x is 0x%02x", off,
					bp[off]);
	UT_EQ_INT(bp[BP_SENTINEL], 0);
	UT_EQ_INT(seg_get_le(bp + BP_ACPI_RSDP_ADDR, 8), 0xf5a40);
	/* The setup header is the image's, from 0x1f1 to 0x26c, with the loader's fields. */
	UT_CHECK(memcmp(bp + BZ_SETUP_SECTS, img + BZ_SETUP_SECTS, BZ_TYPE_OF_LOADER - 0x1f1) == 0);
	UT_CHECK(memcmp(bp + BZ_INITRD_ADDR_MAX, img + BZ_INITRD_ADDR_MAX, 0x250 - 0x22c) == 0);
	UT_CHECK(memcmp(bp + BZ_PREF_ADDRESS, img + BZ_PREF_ADDRESS, 0x26c - 0x258) == 0);
	for (unsigned off = 0x26c; off < BP_E820_TABLE; off++)
		UT_EQ_INT(bp[off], 0);
	UT_EQ_INT(bp[BZ_TYPE_OF_LOADER], 0xff);
	UT_EQ_INT(bp[BZ_LOADFLAGS], BZ_LOADED_HIGH);
	UT_EQ_INT(seg_get_le(bp + BZ_CODE32_START, 4), build.kernel_addr);
	UT_EQ_INT(seg_get_le(bp + BZ_RAMDISK_IMAGE, 4), i->mem);
	UT_EQ_INT(seg_get_le(bp + BZ_RAMDISK_SIZE, 4), sizeof(initrd));
	UT_EQ_INT(seg_get_le(bp + BP_EXT_RAMDISK_IMAGE, 4), 0);
	UT_EQ_INT(seg_get_le(bp + BZ_CMD_LINE_PTR, 4), build.bootparams_addr + BP_SIZE);
	UT_EQ_INT(seg_get_le(bp + BP_EXT_CMD_LINE_PTR, 4), 0);
	UT_EQ_STR((const char *)bp + BP_SIZE, "console=ttyS0 panic=-1");
	/* e820: the firmware map as it is. */
	UT_EQ_INT(bp[BP_E820_ENTRIES], map.n);
	UT_EQ_INT(seg_get_le(bp + BP_E820_TABLE + 3 * 20, 8), 0x100000);
	UT_EQ_INT(seg_get_le(bp + BP_E820_TABLE + 3 * 20 + 8, 8), 0x3ffe0000 - 0x100000);
	UT_EQ_INT(seg_get_le(bp + BP_E820_TABLE + 3 * 20 + 16, 4), E820_TYPE_RAM);
	/* setup_data: one RNG seed node, right after the command line, in the same segment. */
	sd = seg_get_le(bp + BZ_SETUP_DATA, 8);
	UT_EQ_INT(sd, build.setup_data_addr);
	UT_CHECK(sd > build.cmdline_addr && sd % 8 == 0);
	{
		const uint8_t *node = bp + (sd - build.bootparams_addr);

		UT_EQ_INT(seg_get_le(node, 8), 0);
		UT_EQ_INT(seg_get_le(node + 8, 4), SETUP_RNG_SEED);
		UT_EQ_INT(seg_get_le(node + 12, 4), BP_RNG_SEED_SIZE);
		UT_CHECK(memcmp(node + 16, seed, sizeof(seed)) == 0);
	}
}

UT_TEST(segments_plan_e820_overflow_goes_to_setup_data)
{
	struct seg_inputs in;
	char why[512] = "";
	const uint8_t *bp = build.bootparams, *node;
	uint64_t sd;

	/* 200 entries: 100 RAM pieces with reserved pages between them. */
	memset(&map, 0, sizeof(map));
	map_add(&map, 0, 0x9f000, E820_TYPE_RAM);
	for (unsigned k = 0; k < 199; k++) {
		uint64_t base = 0x100000 + (uint64_t)k * 0x1000000;

		map_add(&map, base, base + (k % 2 ? 0x1000 : 0xfff000),
			k % 2 ? E820_TYPE_RESERVED : E820_TYPE_RAM);
	}
	UT_EQ_INT(map.n, 200);
	inputs(&in, &map, synthetic_bzimage(XLF_ALL, 0x800000), SYN_LEN);
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), 0);
	UT_EQ_INT(bp[BP_E820_ENTRIES], 128);
	sd = seg_get_le(bp + BZ_SETUP_DATA, 8);
	node = bp + (sd - build.bootparams_addr);
	UT_EQ_INT(seg_get_le(node + 8, 4), SETUP_E820_EXT);
	UT_EQ_INT(seg_get_le(node + 12, 4), 72 * 20);
	UT_EQ_INT(seg_get_le(node + 16, 8), map.r[128].start);
	UT_EQ_INT(seg_get_le(node + 16 + 71 * 20, 8), map.r[199].start);
	/* ...chained to the RNG seed node. */
	node = bp + (seg_get_le(node, 8) - build.bootparams_addr);
	UT_EQ_INT(seg_get_le(node + 8, 4), SETUP_RNG_SEED);
	UT_EQ_INT(build.e820_entries, 200);
}

UT_TEST(segments_plan_ram_above_4g_only)
{
	struct seg_inputs in;
	char why[512] = "";
	const struct seg_plan_segment *i;
	const uint8_t *bp = build.bootparams;

	memset(&map, 0, sizeof(map));
	map_add(&map, 0, 0x9f000, E820_TYPE_RAM);
	map_add(&map, 0x100000000ULL, 0x140000000ULL, E820_TYPE_RAM);
	inputs(&in, &map, synthetic_bzimage(XLF_ALL, 0x3f98000), SYN_LEN);
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), 0);
	UT_EQ_INT(build.kernel_addr, 0x100000000ULL);
	i = role(&build, "initrd");
	UT_CHECK(i->mem >= SEG_4G);
	UT_EQ_INT(seg_get_le(bp + BZ_RAMDISK_IMAGE, 4), i->mem & 0xffffffffu);
	UT_EQ_INT(seg_get_le(bp + BP_EXT_RAMDISK_IMAGE, 4), i->mem >> 32);
	UT_EQ_INT(seg_get_le(bp + BP_EXT_CMD_LINE_PTR, 4), build.cmdline_addr >> 32);
	UT_EQ_INT(seg_get_le(bp + BZ_CODE32_START, 4), 0);
	/* Without XLF_CAN_BE_LOADED_ABOVE_4G nothing may go there. */
	inputs(&in, &map, synthetic_bzimage(XLF_KERNEL_64 | XLF_5LEVEL, 0x3f98000), SYN_LEN);
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), -ENOMEM);
	UT_CHECK(strstr(why, "kernel: no free RAM") && strstr(why, "cannot be loaded above 4 GiB"));
}

UT_TEST(segments_plan_too_little_ram_and_half_rule)
{
	struct seg_inputs in;
	char why[512] = "";

	memset(&map, 0, sizeof(map));
	map_add(&map, 0x100000, 48 * MiB, E820_TYPE_RAM);
	inputs(&in, &map, synthetic_bzimage(XLF_ALL, 0x3f98000), SYN_LEN);
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), -ENOMEM);
	UT_CHECK(strstr(why, "kernel: no free RAM for 0x3f98000 bytes") != NULL);
	/* It fits the map, but the running kernel has only 100 MiB: more than half. */
	memset(&map, 0, sizeof(map));
	map_add(&map, 0x100000, 2 * GiB, E820_TYPE_RAM);
	inputs(&in, &map, synthetic_bzimage(XLF_ALL, 0x3f98000), SYN_LEN);
	in.ram_bytes = 100 * MiB;
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), -EINVAL);
	UT_CHECK(strncmp(why, "EINVAL: segment 0", 17) == 0);
	/* No RAM above 1 MiB at all. */
	memset(&map, 0, sizeof(map));
	map_add(&map, 0, 0x9f000, E820_TYPE_RAM);
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), -ENOMEM);
	UT_CHECK(strstr(why, "no System RAM above 1 MiB") != NULL);
}

UT_TEST(segments_plan_respects_running_view)
{
	static struct memmap run;
	struct seg_inputs in;
	char why[512] = "";

	qemu_map(&map);
	memset(&run, 0, sizeof(run));
	map_add(&run, 0x1000, 0x9fc00, E820_TYPE_RAM);
	map_add(&run, 0x100000, 768 * MiB, E820_TYPE_RAM);
	inputs(&in, &map, synthetic_bzimage(XLF_ALL, 0x3f98000), SYN_LEN);
	in.running_ram = &run;
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), 0);
	for (unsigned s = 0; s < build.plan.nr_segments; s++)
		UT_CHECK(build.plan.seg[s].mem + build.plan.seg[s].memsz <= 768 * MiB);
	/* The e820 handed on is still the firmware's, all of it. */
	UT_EQ_INT(build.bootparams[BP_E820_ENTRIES], map.n);
}

UT_TEST(segments_plan_refusals_are_the_probe_s)
{
	struct seg_inputs in;
	char why[512] = "";
	static char longline[3000];

	qemu_map(&map);
	inputs(&in, &map, "not a kernel", 12);
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), -ENOEXEC);
	inputs(&in, &map, synthetic_bzimage(XLF_ALL, 0x800000), SYN_LEN);
	memset(longline, 'x', sizeof(longline) - 1);
	in.cmdline = longline;
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), -E2BIG);
	inputs(&in, &map, synthetic_bzimage(XLF_ALL, 0x800000), SYN_LEN);
	in.purgatory_len = 0;
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), -ENOTSUP);
	inputs(&in, &map, synthetic_bzimage(XLF_ALL, 0x800000), SYN_LEN);
	in.initrd_len = 0;
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), -EINVAL);
}

/* --- the purgatory ---------------------------------------------------------------------- */
UT_TEST(segments_purgatory_image_layout)
{
	UT_CHECK(loader_purgatory_len > PURGATORY_ARGS_OFFSET + PURGATORY_ARGS_SIZE);
	UT_CHECK(loader_purgatory_len <= PURGATORY_IMAGE_MAX);
	UT_CHECK(loader_purgatory_image[0] == 0xe9 || loader_purgatory_image[0] == 0xeb);
	UT_CHECK(memcmp(loader_purgatory_image + PURGATORY_ARGS_OFFSET, PURGATORY_MAGIC, 8) == 0);
	UT_EQ_INT(seg_get_le(loader_purgatory_image + PURGATORY_ARGS_OFFSET + 8, 4),
		  PURGATORY_ABI_VERSION);
}

UT_TEST(segments_purgatory_sha256_matches_embark_s)
{
	static uint8_t buf[100000];
	static const size_t lens[] = { 0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000,
				       sizeof(buf) };
	uint8_t a[32], b[32];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + (i >> 8));
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		purgatory_sha256(buf, lens[i], a);
		UT_EQ_INT(hash_buffer(HASH_SHA256, buf, lens[i], b), 0);
		if (memcmp(a, b, 32) != 0)
			ut_fail(__FILE__, __LINE__, "length %zu: digests differ", lens[i]);
	}
	/* FIPS 180-4's "abc" */
	purgatory_sha256("abc", 3, a);
	UT_EQ_INT(a[0], 0xba);
	UT_EQ_INT(a[31], 0xad);
}

static char serial[1024];
static size_t serial_len;

/* The host stand-in for the UART. */
void purgatory_putc(char c)
{
	if (serial_len + 1 < sizeof(serial))
		serial[serial_len++] = c;
	serial[serial_len] = '\0';
}

UT_TEST(segments_purgatory_checks_every_segment)
{
	static uint8_t one[5000], two[300];
	struct purgatory_args args;

	memset(one, 0x5a, sizeof(one));
	memset(two, 0xa5, sizeof(two));
	memset(&args, 0, sizeof(args));
	args.nr_segments = 2;
	args.seg[0].mem = (uintptr_t)one;
	args.seg[0].len = sizeof(one);
	hash_buffer(HASH_SHA256, one, sizeof(one), args.seg[0].sha256);
	args.seg[1].mem = (uintptr_t)two;
	args.seg[1].len = sizeof(two);
	hash_buffer(HASH_SHA256, two, sizeof(two), args.seg[1].sha256);
	serial_len = 0;
	UT_EQ_INT(purgatory_verify(&args), 0);
	UT_EQ_INT(serial_len, 0);
	two[299] ^= 1; /* something wrote to segment 1 after the load */
	UT_EQ_INT(purgatory_verify(&args), 2);
	UT_CHECK(strstr(serial, "segment 1 at 0x") && strstr(serial, "does not match its SHA-256"));
	/* A count past the table is clamped, never read past. */
	args.nr_segments = 1000;
	two[299] ^= 1;
	UT_EQ_INT(purgatory_verify(&args), 3); /* seg[2] is mem 0, len 0: sha256("") != zeros */
}

UT_TEST(segments_plan_purgatory_args_describe_the_segments)
{
	struct seg_inputs in;
	struct purgatory_args args;
	char why[512] = "";

	qemu_map(&map);
	inputs(&in, &map, synthetic_bzimage(XLF_ALL, 0x3f98000), SYN_LEN);
	UT_EQ_INT(seg_plan_bzimage(&in, &build, why, sizeof(why)), 0);
	memcpy(&args, build.purgatory + PURGATORY_ARGS_OFFSET, sizeof(args));
	UT_EQ_INT(args.kernel_entry, build.kernel_addr + 0x200);
	UT_EQ_INT(args.boot_params, build.bootparams_addr);
	UT_EQ_INT(args.nr_segments, build.plan.nr_segments - 1);
	for (unsigned s = 0; s < args.nr_segments; s++) {
		uint8_t d[32];

		UT_EQ_INT(args.seg[s].mem, build.plan.seg[s].mem);
		UT_EQ_INT(args.seg[s].len, build.plan.seg[s].bufsz);
		hash_buffer(HASH_SHA256, build.plan.seg[s].buf, build.plan.seg[s].bufsz, d);
		UT_CHECK(memcmp(d, args.seg[s].sha256, 32) == 0);
	}
	/* The rest of the image is the purgatory as built. */
	UT_CHECK(memcmp(build.purgatory + PURGATORY_ARGS_OFFSET + PURGATORY_ARGS_SIZE,
			loader_purgatory_image + PURGATORY_ARGS_OFFSET + PURGATORY_ARGS_SIZE,
			loader_purgatory_len - PURGATORY_ARGS_OFFSET - PURGATORY_ARGS_SIZE) == 0);
}

/* --- the real kernel ------------------------------------------------------------------- */
UT_TEST(segments_plan_real_debian_kernel)
{
	static struct seg_job job;
	char path[256], dir[512], msg[768];
	const char *b = getenv("B");
	int kfd;
	FILE *f;

	snprintf(path, sizeof(path), "%s/kernel/vmlinuz", b && *b ? b : "build");
	kfd = open(path, O_RDONLY | O_CLOEXEC);
	if (kfd < 0)
		return; /* no build/kernel/vmlinuz: `make board` fetches it */
	/* A memory map directory like /sys/firmware/memmap: 2 GiB of RAM. */
	snprintf(dir, sizeof(dir), "%s/mm", ut_tmpdir());
	mkdir(dir, 0755);
	for (unsigned i = 0; i < 2; i++) {
		static const char *const v[2][3] = { { "0x0", "0x9fbff", "System RAM" },
						     { "0x100000", "0x7fffffff", "System RAM" } };
		static const char *const files[3] = { "start", "end", "type" };

		snprintf(path, sizeof(path), "%s/%u", dir, i);
		mkdir(path, 0755);
		for (unsigned k = 0; k < 3; k++) {
			snprintf(path, sizeof(path), "%s/%u/%s", dir, i, files[k]);
			f = fopen(path, "w");
			fprintf(f, "%s\n", v[i][k]);
			fclose(f);
		}
	}
	UT_EQ_INT(seg_job_plan(&job, kfd, -1, "console=ttyS0", dir, msg, sizeof(msg)), 0);
	UT_EQ_INT(job.build.plan.nr_segments, 3);
	UT_EQ_INT(job.build.kernel_addr, 0x1000000);
	UT_EQ_INT(job.build.plan.seg[0].memsz, job.build.bz.memsz);
	UT_EQ_INT(job.build.plan.seg[0].bufsz, job.kernel.len - job.build.bz.setup_bytes);
	UT_EQ_INT(job.facts.ram_bytes, 0x9fc00 + 0x7ff00000);
	seg_job_release(&job);
	/* A sealed memfd (the FIT path's) is read as it is: the same plan from the same bytes. */
	{
		size_t size = 0;
		int mfd = memfd_from_fd(kfd, (size_t)1 << 30, "ut-kernel", &size);
		uint64_t kernel_addr;

		UT_CHECK(mfd >= 0);
		UT_EQ_INT(lseek(kfd, 0, SEEK_SET), 0);
		UT_EQ_INT(seg_job_plan(&job, mfd, -1, "console=ttyS0", dir, msg, sizeof(msg)), 0);
		kernel_addr = job.build.kernel_addr;
		UT_EQ_INT(job.kernel.len, size);
		UT_EQ_INT(kernel_addr, 0x1000000);
		seg_job_release(&job);
		close(mfd);
	}
	close(kfd);
}

/* --- selection, explanations, policy ---------------------------------------------------- */
UT_TEST(segments_fallback_only_where_it_may_help)
{
	static const int yes[] = { ENOSYS, ENOEXEC, EINVAL };
	static const int no[] = { EPERM, EACCES, EKEYREJECTED, ENOKEY, EBADMSG, EBUSY, ENOMEM,
				  E2BIG, EBADF, EFAULT, ETXTBSY, EFBIG, EIO };
	enum loader_mode m;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		UT_CHECK(loader_should_fall_back(-yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (loader_should_fall_back(-no[i]))
			ut_fail(__FILE__, __LINE__, "falls back after %s", errno_name(no[i]));
	UT_EQ_INT(loader_mode_parse("segments", 8, &m), 0);
	UT_EQ_INT(m, LOADER_SEGMENTS);
	UT_EQ_INT(loader_mode_parse("file", 4, &m), 0);
	UT_EQ_INT(m, LOADER_FILE);
	UT_EQ_INT(loader_mode_parse("auto", 4, &m), 0);
	UT_EQ_INT(m, LOADER_AUTO);
	UT_EQ_INT(loader_mode_parse("segment", 7, &m), -EINVAL);
	UT_EQ_STR(loader_mode_name(LOADER_SEGMENTS), "segments");
}

UT_TEST(segments_explanations)
{
	UT_CHECK(strstr(loader_explain_segments(-ENOSYS), "CONFIG_KEXEC)") != NULL);
	UT_CHECK(strstr(loader_explain_segments(-EPERM), "lockdown") != NULL);
	UT_CHECK(strstr(loader_explain_segments(-EKEYREJECTED), "signed") != NULL);
	UT_CHECK(strstr(loader_explain(-EADDRNOTAVAIL), "crash kernel") != NULL);
	UT_CHECK(strstr(loader_explain(-ETXTBSY), "open for writing") != NULL);
	UT_CHECK(strstr(loader_explain(-EFBIG), "larger") != NULL);
	UT_CHECK(strstr(loader_explain(-EFAULT), "report") != NULL);
	UT_CHECK(strstr(loader_explain(-EACCES), "noexec") != NULL);
	UT_CHECK(strstr(loader_explain(-ENOKEY), "signed") != NULL);
}

/* A file that is no kernel: kexec_file_load refuses it (ENOEXEC, or ENOSYS/EPERM on this
 * host), nothing is ever loaded; the segment path refuses it in the probe, before any call. */
UT_TEST(segments_load_bogus_kernel_says_both_paths)
{
	char msg[LOADER_MSG_MAX];
	int kfd, r;

	kfd = open(ut_write_file("bogus", "this is not a kernel\n", 21), O_RDONLY | O_CLOEXEC);
	UT_CHECK(kfd >= 0);
	r = loader_load(kfd, -1, "quiet", LOADER_SEGMENTS, msg, sizeof(msg));
	UT_EQ_INT(r, -ENOEXEC);
	UT_CHECK(strncmp(msg, "kexec_load path: ENOEXEC: ", 26) == 0);
	UT_CHECK(strstr(msg, "not a bzImage") != NULL);
	r = loader_load(kfd, -1, "quiet", LOADER_AUTO, msg, sizeof(msg));
	UT_CHECK(r < 0);
	UT_CHECK(strncmp(msg, "kexec_file_load failed: ", 24) == 0);
	if (strstr(msg, "ENOEXEC") == msg + 24 || strstr(msg, "ENOSYS") == msg + 24)
		UT_CHECK(strstr(msg, "; then kexec_load path: ENOEXEC") != NULL);
	else /* EPERM and friends: never a second try */
		UT_CHECK(strstr(msg, "kexec_load") == NULL || strstr(msg, "then") == NULL);
	r = loader_load(kfd, -1, "quiet", LOADER_FILE, msg, sizeof(msg));
	UT_CHECK(r < 0 && strstr(msg, "then") == NULL);
	close(kfd);
}

UT_TEST(segments_policy_loader_key)
{
	struct policy p;
	char err[160];

	policy_defaults(&p);
	UT_EQ_INT(p.loader, LOADER_AUTO);
	UT_EQ_INT(policy_parse("loader = segments\n", 18, &p, err, sizeof(err)), 0);
	UT_EQ_INT(p.loader, LOADER_SEGMENTS);
	UT_EQ_INT(policy_parse("loader = kexec\n", 15, &p, err, sizeof(err)), -EINVAL);
	UT_CHECK(strstr(err, "auto, file or segments") != NULL);
	UT_EQ_INT(policy_apply_cmdline(&p, "quiet embark.loader=file"), 1);
	UT_EQ_INT(p.loader, LOADER_FILE);
}
