/* The kexec_load path's parsers and rules: bzImage probe (the real Debian kernel when the
 * build has it, and crafted, truncated and mutated headers), memory maps, the placement
 * allocator, the plan JSON reader and the validator (one crafted plan per kexec_load error). */
#include "loader/segplan.h"
#include "tests/unit/harness.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* --- a synthetic bzImage: the header fields a 64-bit loader reads, nothing else --------- */
#define SYN_LEN (64 * 1024)
#define SYN_SETUP_SECTS 4

static uint8_t syn[SYN_LEN];

static void put(uint8_t *b, unsigned off, unsigned bytes, uint64_t v)
{
	seg_put_le(b + off, bytes, v);
}

static const uint8_t *synthetic_bzimage(void)
{
	size_t payload = SYN_LEN - (SYN_SETUP_SECTS + 1) * 512;

	memset(syn, 0, sizeof(syn));
	syn[BZ_SETUP_SECTS] = SYN_SETUP_SECTS;
	put(syn, BZ_SYSSIZE, 4, payload / 16);
	put(syn, BZ_BOOT_FLAG, 2, 0xaa55);
	syn[BZ_JUMP] = 0xeb;
	syn[BZ_JUMP + 1] = 0x6a; /* header ends at 0x26c, as protocol 2.15 */
	memcpy(syn + BZ_HEADER, "HdrS", 4);
	put(syn, BZ_VERSION, 2, 0x020f);
	syn[BZ_LOADFLAGS] = BZ_LOADED_HIGH;
	put(syn, BZ_INITRD_ADDR_MAX, 4, 0x7fffffff);
	put(syn, BZ_KERNEL_ALIGNMENT, 4, 0x200000);
	syn[BZ_RELOCATABLE] = 1;
	syn[BZ_MIN_ALIGNMENT] = 21;
	put(syn, BZ_XLOADFLAGS, 2, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G | XLF_5LEVEL);
	put(syn, BZ_CMDLINE_SIZE, 4, 2047);
	put(syn, BZ_PREF_ADDRESS, 8, 0x1000000);
	put(syn, BZ_INIT_SIZE, 4, 0x800000);
	syn[BZ_SETUP_SECTS - 2] = 0xff; /* 0x1ef in the file: must not reach boot_params */
	return syn;
}

/* Probes a copy of the synthetic image after MUTATE changed it; returns the error. */
static int probe_mutated(void (*mutate)(uint8_t *b), bool la57, char *why, size_t whylen)
{
	struct bzimage_info bz;

	synthetic_bzimage();
	mutate(syn);
	return bzimage_probe(syn, SYN_LEN, 10, la57, &bz, why, whylen);
}

static void m_boot_flag(uint8_t *b) { put(b, BZ_BOOT_FLAG, 2, 0x1234); }
static void m_hdrs(uint8_t *b) { memcpy(b + BZ_HEADER, "HdrX", 4); }
static void m_version(uint8_t *b) { put(b, BZ_VERSION, 2, 0x020b); }
static void m_jump(uint8_t *b) { b[BZ_JUMP] = 0xe9; }
static void m_header_long(uint8_t *b) { b[BZ_JUMP + 1] = 0xff; }
static void m_header_short(uint8_t *b) { b[BZ_JUMP + 1] = 0x40; }
static void m_loadflags(uint8_t *b) { b[BZ_LOADFLAGS] = 0; }
static void m_kernel64(uint8_t *b) { put(b, BZ_XLOADFLAGS, 2, XLF_CAN_BE_LOADED_ABOVE_4G); }
static void m_reloc(uint8_t *b) { b[BZ_RELOCATABLE] = 0; }
static void m_no5level(uint8_t *b) { put(b, BZ_XLOADFLAGS, 2, XLF_KERNEL_64); }
static void m_5level_bad(uint8_t *b) { put(b, BZ_XLOADFLAGS, 2, XLF_KERNEL_64 | XLF_5LEVEL_ENABLED); }
static void m_align(uint8_t *b) { put(b, BZ_KERNEL_ALIGNMENT, 4, 0x300000); }
static void m_min_align(uint8_t *b) { b[BZ_MIN_ALIGNMENT] = 25; }
static void m_init_size(uint8_t *b) { put(b, BZ_INIT_SIZE, 4, 0); }
static void m_pref(uint8_t *b) { put(b, BZ_PREF_ADDRESS, 8, 0x1000001); }
static void m_syssize(uint8_t *b) { put(b, BZ_SYSSIZE, 4, 0x100000); }
static void m_setup_sects(uint8_t *b) { b[BZ_SETUP_SECTS] = 200; }
static void m_nothing(uint8_t *b) { (void)b; }

UT_TEST(segments_probe_synthetic_ok)
{
	struct bzimage_info bz;
	char why[256] = "";

	synthetic_bzimage();
	UT_EQ_INT(bzimage_probe(syn, SYN_LEN, 100, false, &bz, why, sizeof(why)), 0);
	UT_EQ_INT(bz.version, 0x020f);
	UT_EQ_INT(bz.header_end, 0x26c);
	UT_EQ_INT(bz.setup_bytes, 5 * 512);
	UT_EQ_INT(bz.payload_len, SYN_LEN - 5 * 512);
	UT_EQ_INT(bz.memsz, 0x800000);
	UT_CHECK(bz.above_4g);
	/* setup_sects == 0 means 4 */
	syn[BZ_SETUP_SECTS] = 0;
	UT_EQ_INT(bzimage_probe(syn, SYN_LEN, 0, true, &bz, why, sizeof(why)), 0);
	UT_EQ_INT(bz.setup_bytes, 5 * 512);
}

UT_TEST(segments_probe_refusals_name_the_field)
{
	static const struct {
		void (*mutate)(uint8_t *b);
		bool la57;
		int err;
		const char *field;
	} cases[] = {
		{ m_boot_flag, false, -ENOEXEC, "0x1fe" },
		{ m_hdrs, false, -ENOEXEC, "HdrS" },
		{ m_version, false, -ENOEXEC, "2.11" },
		{ m_jump, false, -ENOEXEC, "0x200" },
		{ m_header_long, false, -ENOEXEC, "0x201" },
		{ m_header_short, false, -ENOEXEC, "0x201" },
		{ m_loadflags, false, -ENOEXEC, "LOADED_HIGH" },
		{ m_kernel64, false, -ENOEXEC, "XLF_KERNEL_64" },
		{ m_reloc, false, -ENOEXEC, "relocatable_kernel" },
		{ m_no5level, true, -ENOEXEC, "5-level" },
		{ m_5level_bad, false, -ENOEXEC, "XLF_5LEVEL_ENABLED" },
		{ m_align, false, -ENOEXEC, "kernel_alignment" },
		{ m_min_align, false, -ENOEXEC, "min_alignment" },
		{ m_init_size, false, -ENOEXEC, "init_size" },
		{ m_pref, false, -ENOEXEC, "pref_address" },
		{ m_syssize, false, -ENOEXEC, "syssize" },
		{ m_setup_sects, false, -ENOEXEC, "setup_sects" },
	};
	char why[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why[0] = '\0';
		UT_EQ_INT(probe_mutated(cases[i].mutate, cases[i].la57, why, sizeof(why)),
			  cases[i].err);
		if (!strstr(why, cases[i].field))
			ut_fail(__FILE__, __LINE__, "case %zu: '%s' does not name '%s'", i, why,
				cases[i].field);
	}
	/* Without 5-level paging running, a kernel without XLF_5LEVEL is fine. */
	UT_EQ_INT(probe_mutated(m_no5level, false, why, sizeof(why)), 0);
	UT_EQ_INT(probe_mutated(m_nothing, true, why, sizeof(why)), 0);
}

UT_TEST(segments_probe_cmdline_limit)
{
	struct bzimage_info bz;
	char why[256];

	synthetic_bzimage();
	UT_EQ_INT(bzimage_probe(syn, SYN_LEN, 2047, false, &bz, why, sizeof(why)), 0);
	UT_EQ_INT(bzimage_probe(syn, SYN_LEN, 2048, false, &bz, why, sizeof(why)), -E2BIG);
	UT_CHECK(strstr(why, "cmdline_size") != NULL);
}

UT_TEST(segments_probe_truncated_everywhere)
{
	struct bzimage_info bz;
	char why[256];
	static const size_t lens[] = { 0, 1, 0x1f1, 0x205, 0x206, 0x26b, 0x26c, 0x9ff, 0xa00,
				       0xa01, 0xa00 + 0x210, SYN_LEN - 1 };

	synthetic_bzimage();
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		int r = bzimage_probe(syn, lens[i], 0, false, &bz, why, sizeof(why));

		if (r != -ENOEXEC)
			ut_fail(__FILE__, __LINE__, "length %zu: %d (%s)", lens[i], r, why);
	}
}

static const char *kernel_path(char *buf, size_t cap)
{
	const char *b = getenv("B");

	snprintf(buf, cap, "%s/kernel/vmlinuz", b && *b ? b : "build");
	return buf;
}

/* The real bzImage of the build (Debian's), read whole; NULL when the build has none. */
static uint8_t *read_kernel(size_t *len)
{
	char path[256];
	struct stat st;
	uint8_t *buf;
	FILE *f = fopen(kernel_path(path, sizeof(path)), "rb");

	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) < 0 || st.st_size <= 0) {
		fclose(f);
		return NULL;
	}
	buf = malloc((size_t)st.st_size);
	if (buf && fread(buf, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)st.st_size;
	return buf;
}

UT_TEST(segments_probe_real_debian_kernel)
{
	struct bzimage_info bz;
	char why[256] = "";
	size_t len = 0;
	uint8_t *k = read_kernel(&len);

	if (!k)
		return; /* no build/kernel/vmlinuz: `make board` fetches it */
	UT_EQ_INT(bzimage_probe(k, len, 2047, true, &bz, why, sizeof(why)), 0);
	UT_CHECK(bz.version >= 0x020c);
	UT_CHECK(bz.xloadflags & XLF_KERNEL_64);
	UT_CHECK(bz.xloadflags & XLF_5LEVEL);
	UT_CHECK(bz.above_4g);
	UT_EQ_INT(bz.kernel_alignment, 0x200000);
	UT_EQ_INT(bz.pref_address, 0x1000000);
	UT_EQ_INT(bz.setup_bytes, ((size_t)(k[0x1f1] ? k[0x1f1] : 4) + 1) * 512);
	UT_EQ_INT(bz.payload_len, len - bz.setup_bytes);
	UT_CHECK(bz.memsz >= bz.init_size && bz.memsz % 4096 == 0);
	UT_EQ_INT(bzimage_probe(k, len, 2048, false, &bz, why, sizeof(why)), -E2BIG);
	/* Truncated copies are refused, never read past. */
	UT_EQ_INT(bzimage_probe(k, 0x250, 0, false, &bz, why, sizeof(why)), -ENOEXEC);
	UT_EQ_INT(bzimage_probe(k, len / 2, 0, false, &bz, why, sizeof(why)), -ENOEXEC);
	UT_CHECK(strstr(why, "syssize") != NULL);
	/* One flipped signature byte. */
	k[0x203] ^= 0x20;
	UT_EQ_INT(bzimage_probe(k, len, 0, false, &bz, why, sizeof(why)), -ENOEXEC);
	UT_CHECK(strstr(why, "HdrS") != NULL);
	free(k);
}

/* --- memory maps ----------------------------------------------------------------------- */
static void map_add(struct memmap *m, uint64_t start, uint64_t end, uint32_t type)
{
	UT_EQ_INT(memmap_add(m, start, end - 1, type), 0);
}

UT_TEST(segments_memmap_iomem_and_ram_checks)
{
	static const char iomem[] =
		"00000000-00000fff : Reserved\n"
		"00001000-0009fbff : System RAM\n"
		"000a0000-000bffff : PCI Bus 0000:00\n"
		"00100000-2fffffff : System RAM\n"
		"  01000000-01ffffff : Kernel code\n"
		"  20000000-27ffffff : Crash kernel\n"
		"b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]\n"
		"feffc000-feffffff : Reserved\n"
		"100000000-13fffffff : System RAM\n";
	static const char hidden[] = "00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n";
	static struct memmap m;
	struct memmap_range crash;

	UT_EQ_INT(memmap_parse_iomem(iomem, strlen(iomem), &m, &crash), 5);
	UT_EQ_INT(m.r[1].start, 0x1000);
	UT_EQ_INT(m.r[1].end, 0x9fc00);
	UT_EQ_INT(m.r[2].type, E820_TYPE_RAM);
	UT_EQ_INT(m.r[4].start, 0x100000000ULL);
	UT_EQ_INT(crash.start, 0x20000000);
	UT_EQ_INT(crash.end, 0x28000000);
	UT_EQ_INT(memmap_ram_bytes(&m), (0x9fc00 - 0x1000) + (0x30000000 - 0x100000) + GiB);
	UT_CHECK(memmap_is_ram(&m, 0x100000, 0x30000000));
	UT_CHECK(!memmap_is_ram(&m, 0x100000, 0x30001000));
	UT_CHECK(!memmap_is_ram(&m, 0x0, 0x2000));
	UT_CHECK(memmap_is_ram(&m, 0x100000000ULL, 0x140000000ULL));
	UT_EQ_INT(memmap_parse_iomem(hidden, strlen(hidden), &m, NULL), -EACCES);
	UT_EQ_INT(memmap_parse_iomem("garbage\n", 8, &m, NULL), -EINVAL);

	/* Split and overlapping RAM entries still count as RAM; a reserved entry inside wins. */
	memset(&m, 0, sizeof(m));
	map_add(&m, 0x100000, 0x200000, E820_TYPE_RAM);
	map_add(&m, 0x200000, 0x400000, E820_TYPE_RAM);
	map_add(&m, 0x300000, 0x500000, E820_TYPE_RAM);
	map_add(&m, 0x480000, 0x481000, E820_TYPE_ACPI);
	memmap_sort(&m);
	UT_CHECK(memmap_is_ram(&m, 0x100000, 0x480000));
	UT_CHECK(!memmap_is_ram(&m, 0x100000, 0x500000));
	UT_EQ_INT(memmap_add(&m, 10, 9, E820_TYPE_RAM), -EINVAL);
}

UT_TEST(segments_memmap_sysfs_dir)
{
	static struct memmap m;
	char dir[512], path[600], why[256];
	static const char *const entries[][3] = {
		{ "0x100000", "0x3ffdffff", "System RAM" },
		{ "0x0", "0x9fbff", "System RAM" },
		{ "0x3ffe0000", "0x3fffffff", "Reserved" },
		{ "0xfeffc000", "0xfeffffff", "Something New" },
	};

	snprintf(dir, sizeof(dir), "%s/memmap", ut_tmpdir());
	UT_EQ_INT(mkdir(dir, 0755), 0);
	for (unsigned i = 0; i < 4; i++) {
		const char *files[3] = { "start", "end", "type" };

		snprintf(path, sizeof(path), "%s/%u", dir, i);
		UT_EQ_INT(mkdir(path, 0755), 0);
		for (unsigned f = 0; f < 3; f++) {
			char name[64];
			FILE *fp;

			snprintf(name, sizeof(name), "memmap/%u/%s", i, files[f]);
			snprintf(path, sizeof(path), "%s/%s", ut_tmpdir(), name);
			fp = fopen(path, "w");
			UT_CHECK(fp != NULL);
			fprintf(fp, "%s\n", entries[i][f]);
			fclose(fp);
		}
	}
	UT_EQ_INT(memmap_read_dir(dir, &m, why, sizeof(why)), 4);
	UT_EQ_INT(m.r[0].start, 0); /* sorted */
	UT_EQ_INT(m.r[1].end, 0x3ffe0000);
	UT_EQ_INT(m.r[3].type, E820_TYPE_RESERVED); /* unknown types are never RAM */
	snprintf(path, sizeof(path), "%s/2/start", dir);
	{
		FILE *fp = fopen(path, "w");

		fprintf(fp, "12345\n");
		fclose(fp);
	}
	UT_EQ_INT(memmap_read_dir(dir, &m, why, sizeof(why)), -EINVAL);
	UT_CHECK(strstr(why, "2/start") != NULL);
	UT_CHECK(memmap_read_dir("/nonexistent/memmap", &m, why, sizeof(why)) < 0);
}

/* --- the allocator -------------------------------------------------------------------- */
UT_TEST(segments_place_holes_reserved_and_order)
{
	static struct memmap m;
	static struct place_pool p;
	uint64_t a, b, c;

	memset(&m, 0, sizeof(m));
	map_add(&m, 0, 0x9fc00, E820_TYPE_RAM);
	map_add(&m, 0x100000, 0x800000, E820_TYPE_RAM);   /* 1-8 MiB */
	map_add(&m, 0xa00000, 0x4000000, E820_TYPE_RAM);  /* 10-64 MiB */
	map_add(&m, 0x2000000, 0x2001000, E820_TYPE_RESERVED); /* a reserved page inside */
	memmap_sort(&m);
	UT_CHECK(place_pool_init(&p, &m, NULL, MiB) > 0);
	UT_EQ_INT(place_free_bytes(&p), (0x800000 - 0x100000) + (0x4000000 - 0xa00000) - 0x1000);
	/* 16 MiB aligned to 2 MiB at or above 16 MiB: fits right below the reserved page. */
	UT_EQ_INT(place_alloc(&p, 16 * MiB, 2 * MiB, 16 * MiB, SEG_4G, false, &a), 0);
	UT_EQ_INT(a, 16 * MiB);
	/* The next one must skip the reserved page at 32 MiB. */
	UT_EQ_INT(place_alloc(&p, 16 * MiB, 2 * MiB, 16 * MiB, SEG_4G, false, &a), 0);
	UT_EQ_INT(a, 34 * MiB);
	/* Top-down takes the highest free pages below the limit. */
	UT_EQ_INT(place_alloc(&p, 0x3000, SEG_PAGE_SIZE, MiB, SEG_4G, true, &b), 0);
	UT_EQ_INT(b, 64 * MiB - 0x3000);
	/* Nothing spans a hole: 7 MiB + 1 page does not fit in 1-8 MiB. */
	UT_EQ_INT(place_alloc(&p, 7 * MiB + 0x1000, SEG_PAGE_SIZE, MiB, 0xa00000, false, &c),
		  -ENOMEM);
	UT_EQ_INT(place_alloc(&p, 7 * MiB, SEG_PAGE_SIZE, 0, 0xa00000, false, &c), 0);
	UT_EQ_INT(c, 0x100000); /* the floor kept the low 1 MiB out */
	UT_EQ_INT(place_alloc(&p, SEG_PAGE_SIZE, SEG_PAGE_SIZE, 0, 0xa00000, false, &c), -ENOMEM);
	UT_EQ_INT(place_alloc(&p, 1, 3 * SEG_PAGE_SIZE, 0, SEG_4G, false, &c), -EINVAL);
}

UT_TEST(segments_place_running_view_shrinks_the_pool)
{
	static struct memmap fw, run;
	static struct place_pool p;
	uint64_t a;

	memset(&fw, 0, sizeof(fw));
	memset(&run, 0, sizeof(run));
	map_add(&fw, 0x100000, GiB, E820_TYPE_RAM);
	map_add(&run, 0x1000, 0x9fc00, E820_TYPE_RAM);
	map_add(&run, 0x100000, 768 * MiB, E820_TYPE_RAM); /* mem=768M */
	UT_CHECK(place_pool_init(&p, &fw, &run, MiB) > 0);
	UT_EQ_INT(place_alloc(&p, MiB, SEG_PAGE_SIZE, MiB, SEG_4G, true, &a), 0);
	UT_EQ_INT(a, 767 * MiB);
}

/* --- the JSON reader -------------------------------------------------------------------- */
static int parse(const char *json, struct seg_plan *p, char *why)
{
	return seg_plan_parse_json(json, strlen(json), p, why, 256);
}

UT_TEST(segments_json_reader_accepts_the_schema)
{
	static struct seg_plan p;
	char why[256] = "";

	UT_EQ_INT(parse(" {\"entry\": 4096, \"flags\": \"0x3e0000\",\n\t\"segments\": ["
			"{\"mem\": \"0x1000\", \"memsz\": 8192, \"bufsz\": 0, \"role\": \"kernel\"},"
			"{\"bufsz\":\"0X10\",\"memsz\":\"0x1000\",\"mem\":0}]}\n",
			&p, why), 0);
	UT_EQ_INT(p.entry, 4096);
	UT_EQ_INT(p.flags, 0x3e0000);
	UT_EQ_INT(p.nr_segments, 2);
	UT_EQ_INT(p.seg[0].mem, 0x1000);
	UT_EQ_INT(p.seg[0].memsz, 8192);
	UT_EQ_STR(p.seg[0].role, "kernel");
	UT_EQ_INT(p.seg[1].bufsz, 16);
	UT_EQ_STR(p.seg[1].role, "");
	UT_EQ_INT(parse("{\"segments\": [], \"entry\": 0}", &p, why), 0);
	UT_EQ_INT(p.flags, 0);
	UT_EQ_INT(p.nr_segments, 0);
	UT_EQ_INT(parse("{\"entry\": 18446744073709551615, \"segments\": []}", &p, why), 0);
	UT_EQ_INT(p.entry, UINT64_MAX);
	UT_EQ_INT(parse("{\"entry\": \"0xffffffffffffffff\", \"segments\": []}", &p, why), 0);
}

UT_TEST(segments_json_reader_refusals)
{
	static const struct {
		const char *json, *says;
	} bad[] = {
		{ "", "'{'" },
		{ "[]", "'{'" },
		{ "{\"entry\": 1}", "no \"segments\"" },
		{ "{\"segments\": []}", "no \"entry\"" },
		{ "{\"entry\": 1, \"entry\": 2, \"segments\": []}", "twice" },
		{ "{\"entry\": 1, \"segments\": [], \"extra\": 1}", "unknown key \"extra\"" },
		{ "{\"entry\": 01, \"segments\": []}", "leading zeros" },
		{ "{\"entry\": -1, \"segments\": []}", "negative" },
		{ "{\"entry\": 1.5, \"segments\": []}", "whole numbers" },
		{ "{\"entry\": 1e3, \"segments\": []}", "whole numbers" },
		{ "{\"entry\": 18446744073709551616, \"segments\": []}", "64 bits" },
		{ "{\"entry\": \"0x10000000000000000\", \"segments\": []}", "64 bits" },
		{ "{\"entry\": \"123\", \"segments\": []}", "hexadecimal" },
		{ "{\"entry\": \"0x\", \"segments\": []}", "hexadecimal digit" },
		{ "{\"entry\": \"0x1g\", \"segments\": []}", "closing" },
		{ "{\"entry\": true, \"segments\": []}", "a number" },
		{ "{\"entry\": 1, \"segments\": [{\"mem\": 0, \"memsz\": 0}]}", "no \"bufsz\"" },
		{ "{\"entry\": 1, \"segments\": [{\"mem\": 0, \"memsz\": 0, \"bufsz\": 0, \"mem\": 1}]}",
		  "twice" },
		{ "{\"entry\": 1, \"segments\": [{\"mem\": 0, \"memsz\": 0, \"bufsz\": 0, "
		  "\"role\": \"a-much-too-long-role\"}]}", "longer than" },
		{ "{\"entry\": 1, \"segments\": [{\"mem\": 0, \"memsz\": 0, \"bufsz\": 0, "
		  "\"role\": \"a\\\"b\"}]}", "escapes" },
		{ "{\"entry\": 1, \"segments\": [{\"mem\": 0, \"memsz\": 0, \"bufsz\": 0,}]}", "a key" },
		{ "{\"entry\": 1, \"segments\": [1]}", "'{'" },
		{ "{\"entry\": 1, \"segments\": []} x", "the end" },
		{ "{\"entry\": 1, \"segments\": [", "'{'" },
		{ "{\"entry\": 1 \"segments\": []}", "'}'" },
	};
	static struct seg_plan p;
	char why[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (parse(bad[i].json, &p, why) != -EINVAL || !strstr(why, bad[i].says))
			ut_fail(__FILE__, __LINE__, "case %zu: %s -> '%s' (wanted '%s')", i,
				bad[i].json, why, bad[i].says);
	}
}

UT_TEST(segments_json_round_trip)
{
	static struct seg_plan p, q;
	char why[256], *text = NULL;
	size_t len = 0;
	FILE *f;

	memset(&p, 0, sizeof(p));
	p.entry = 0xbfffc000;
	p.flags = KEXEC_ARCH_X86_64;
	p.nr_segments = 2;
	p.seg[0] = (struct seg_plan_segment){ NULL, 0x7d87c0, 0x1000000, 0x3f98000, "kernel" };
	p.seg[1] = (struct seg_plan_segment){ NULL, 0x1c80, 0xbfffc000, 0x2000, "purgatory" };
	f = open_memstream(&text, &len);
	seg_plan_write_json(f, &p);
	fclose(f);
	UT_EQ_INT(seg_plan_parse_json(text, len, &q, why, sizeof(why)), 0);
	UT_EQ_INT(q.entry, p.entry);
	UT_EQ_INT(q.flags, p.flags);
	UT_EQ_INT(q.nr_segments, 2);
	UT_EQ_INT(q.seg[1].mem, p.seg[1].mem);
	UT_EQ_INT(q.seg[0].bufsz, p.seg[0].bufsz);
	UT_EQ_STR(q.seg[1].role, "purgatory");
	free(text);
}

/* --- the validator: one crafted plan per kexec_load(2) error ---------------------------- */
static struct memmap check_map;

static void check_env(struct seg_check_env *env)
{
	memset(&check_map, 0, sizeof(check_map));
	map_add(&check_map, 0, 0x9fc00, E820_TYPE_RAM);
	map_add(&check_map, 0x9fc00, 0x100000, E820_TYPE_RESERVED);
	map_add(&check_map, 0x100000, 0x40000000, E820_TYPE_RAM); /* 1 GiB */
	memset(env, 0, sizeof(*env));
	env->ram_bytes = GiB;
	env->dest_limit = KEXEC_DEST_LIMIT_4LEVEL;
	env->arch = KEXEC_ARCH_X86_64;
	env->ram = &check_map;
	env->have_crash = true;
	env->crash_start = 0x20000000;
	env->crash_end = 0x27ffffff;
}

/* Parses JSON and checks it; returns the errno and leaves the message in MSG. */
static int check_json(const char *json, char *msg, size_t msglen)
{
	static struct seg_plan p;
	struct seg_check_env env;
	char why[256];

	check_env(&env);
	if (parse(json, &p, why) != 0) {
		ut_fail(__FILE__, __LINE__, "plan did not parse: %s", why);
		return 1;
	}
	return seg_plan_check(&p, &env, msg, msglen);
}

#define SEG(mem, memsz, bufsz) "{\"mem\": \"" mem "\", \"memsz\": \"" memsz "\", \"bufsz\": \"" bufsz "\"}"
#define PLAN(entry, flags, segs) "{\"entry\": \"" entry "\", \"flags\": \"" flags "\", \"segments\": [" segs "]}"

UT_TEST(segments_validator_one_plan_per_error)
{
	static const struct {
		const char *json;
		int err;
		const char *says;
	} cases[] = {
		/* kexec_load_check and the arch bits */
		{ PLAN("0x1000000", "0x3e0010", SEG("0x1000000", "0x1000", "0x0")), -EINVAL,
		  "EINVAL: flags 0x3e0010: bits 0x10" },
		{ PLAN("0x1000000", "0x3e0000",
		       SEG("0x100000", "0x1000", "0x0") "," SEG("0x101000", "0x1000", "0x0") ","
		       SEG("0x102000", "0x1000", "0x0") "," SEG("0x103000", "0x1000", "0x0") ","
		       SEG("0x104000", "0x1000", "0x0") "," SEG("0x105000", "0x1000", "0x0") ","
		       SEG("0x106000", "0x1000", "0x0") "," SEG("0x107000", "0x1000", "0x0") ","
		       SEG("0x108000", "0x1000", "0x0") "," SEG("0x109000", "0x1000", "0x0") ","
		       SEG("0x10a000", "0x1000", "0x0") "," SEG("0x10b000", "0x1000", "0x0") ","
		       SEG("0x10c000", "0x1000", "0x0") "," SEG("0x10d000", "0x1000", "0x0") ","
		       SEG("0x10e000", "0x1000", "0x0") "," SEG("0x10f000", "0x1000", "0x0") ","
		       SEG("0x110000", "0x1000", "0x0")),
		  -EINVAL, "EINVAL: 17 segments" },
		{ PLAN("0x1000000", "0xb70000", SEG("0x1000000", "0x1000", "0x0")), -EINVAL,
		  "EINVAL: flags 0xb70000: architecture bits 0xb70000 (KEXEC_ARCH_AARCH64)" },
		/* KEXEC_ON_CRASH: the entry, then (after the general rules) every segment */
		{ PLAN("0x1000000", "0x3e0001", SEG("0x20000000", "0x1000", "0x0")), -EADDRNOTAVAIL,
		  "EADDRNOTAVAIL: entry 0x1000000 is outside the crash kernel region" },
		{ PLAN("0x20000000", "0x3e0001",
		       SEG("0x20000000", "0x1000", "0x0") "," SEG("0x27fff000", "0x2000", "0x0")),
		  -EADDRNOTAVAIL, "EADDRNOTAVAIL: segment 1 (0x27fff000-0x28000fff) lies outside" },
		/* sanity_check_segment_list */
		{ PLAN("0x1000000", "0x0", SEG("0xfffffffffffff000", "0x2000", "0x0")), -EADDRNOTAVAIL,
		  "EADDRNOTAVAIL: segment 0 mem 0xfffffffffffff000 + memsz 0x2000 wraps" },
		{ PLAN("0x1000000", "0x0",
		       SEG("0x1000000", "0x1000", "0x0") "," SEG("0x2000000", "0x1000", "0x0") ","
		       SEG("0x1001", "0x1000", "0x0")),
		  -EADDRNOTAVAIL, "EADDRNOTAVAIL: segment 2 mem 0x1001 is not page aligned" },
		{ PLAN("0x1000000", "0x0", SEG("0x1000000", "0x1800", "0x0")), -EADDRNOTAVAIL,
		  "EADDRNOTAVAIL: segment 0 memsz 0x1800 is not a whole number of pages" },
		{ PLAN("0x1000000", "0x0", SEG("0x3ffffffff000", "0x1000", "0x0")), -EADDRNOTAVAIL,
		  "at or above the kernel's destination limit" },
		{ PLAN("0x1000000", "0x0",
		       SEG("0x1000000", "0x3000", "0x0") "," SEG("0x1002000", "0x1000", "0x0")),
		  -EINVAL, "EINVAL: segment 1 (0x1002000-0x1003000) overlaps segment 0" },
		{ PLAN("0x1000000", "0x0", SEG("0x1000000", "0x1000", "0x1001")), -EINVAL,
		  "EINVAL: segment 0 bufsz 0x1001 is larger than its memsz 0x1000" },
		{ PLAN("0x1000000", "0x0", SEG("0x1000000", "0x20001000", "0x0")), -EINVAL,
		  "more than half of RAM" },
		{ PLAN("0x1000000", "0x0",
		       SEG("0x1000000", "0x10000000", "0x0") "," SEG("0x11000000", "0x10001000", "0x0")),
		  -EINVAL, "EINVAL: the segments take 131073 pages together" },
		/* embark's own rules */
		{ PLAN("0x9f000", "0x0", SEG("0x9f000", "0x2000", "0x0")), -EADDRNOTAVAIL,
		  "is not all System RAM" },
		{ PLAN("0x3000000", "0x0", SEG("0x1000000", "0x1000", "0x0")), -EADDRNOTAVAIL,
		  "EADDRNOTAVAIL: entry 0x3000000 is in no segment" },
		/* valid plans */
		{ PLAN("0x1000200", "0x3e0000",
		       SEG("0x1000000", "0x3f98000", "0x7d87c0") "," SEG("0x3fff0000", "0x2000", "0x1050")),
		  0, "" },
		{ PLAN("0x20000000", "0x1",
		       SEG("0x20000000", "0x1000", "0x10") "," SEG("0x27fff000", "0x1000", "0x0")),
		  0, "" },
		{ PLAN("0x0", "0x0", ""), 0, "" },
	};
	char msg[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r;

		msg[0] = '\0';
		r = check_json(cases[i].json, msg, sizeof(msg));
		if (r != cases[i].err || (cases[i].err && strncmp(msg, "E", 1) != 0) ||
		    !strstr(msg, cases[i].says))
			ut_fail(__FILE__, __LINE__, "case %zu: %d '%s' (wanted %d '%s')", i, r, msg,
				cases[i].err, cases[i].says);
	}
}

UT_TEST(segments_validator_crash_needs_a_region)
{
	static struct seg_plan p;
	struct seg_check_env env;
	char msg[512], why[256];

	check_env(&env);
	env.have_crash = false;
	UT_EQ_INT(parse(PLAN("0x20000000", "0x1", SEG("0x20000000", "0x1000", "0x0")), &p, why), 0);
	UT_EQ_INT(seg_plan_check(&p, &env, msg, sizeof(msg)), -EADDRNOTAVAIL);
	UT_CHECK(strstr(msg, "crashkernel=") != NULL);
	/* Without a map the RAM rule is skipped, the kernel's rules are not. */
	check_env(&env);
	env.ram = NULL;
	UT_EQ_INT(parse(PLAN("0x9f000", "0x0", SEG("0x9f000", "0x2000", "0x0")), &p, why), 0);
	UT_EQ_INT(seg_plan_check(&p, &env, msg, sizeof(msg)), 0);
	/* 5-level paging raises the destination limit. */
	UT_EQ_INT(parse(PLAN("0x400000000000", "0x0", SEG("0x400000000000", "0x1000", "0x0")), &p,
			why), 0);
	UT_EQ_INT(seg_plan_check(&p, &env, msg, sizeof(msg)), -EADDRNOTAVAIL);
	env.dest_limit = KEXEC_DEST_LIMIT_5LEVEL;
	UT_EQ_INT(seg_plan_check(&p, &env, msg, sizeof(msg)), 0);
}

/* --- facts about the running machine --------------------------------------------------- */
UT_TEST(segments_fwinfo_parsers)
{
	static const char systab[] = "MPS=0xfc000\nACPI=0x7fbfa014\nACPI20=0x7fbfa000\n"
				     "SMBIOS=0x7f9c6000\n";
	static const char systab10[] = "ACPI=0xf5a40\nSMBIOS=0xf5a00\n";
	static const char cpu_la57[] =
		"processor\t: 0\nvendor_id\t: GenuineIntel\n"
		"flags\t\t: fpu vme de pse la57 rdpid\naddress sizes\t: 40 bits physical, 57 bits "
		"virtual\n";
	static const char cpu_4level[] = "processor\t: 0\nflags\t\t: fpu vme la57x xla57 pse\n";

	UT_EQ_INT(fw_parse_efi_systab(systab, strlen(systab)), 0x7fbfa000);
	UT_EQ_INT(fw_parse_efi_systab(systab10, strlen(systab10)), 0xf5a40);
	UT_EQ_INT(fw_parse_efi_systab("ACPI20=nonsense\n", 16), 0);
	UT_EQ_INT(fw_parse_efi_systab("", 0), 0);
	UT_CHECK(fw_parse_cpuinfo_la57(cpu_la57, strlen(cpu_la57)));
	UT_CHECK(!fw_parse_cpuinfo_la57(cpu_4level, strlen(cpu_4level)));
	UT_CHECK(!fw_parse_cpuinfo_la57("flags\t: la5", 11));
}
