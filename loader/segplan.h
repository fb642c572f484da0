/* embark's own kexec_load(2) path for x86_64 bzImages: everything kexec_file_load does in the
 * kernel, done in user space where it can be seen, tested and explained.
 *
 *   bzimage.c    probe the setup header (every check the 64-bit boot protocol needs)
 *   memmap.c     the firmware memory map (/sys/firmware/memmap) and /proc/iomem
 *   place.c      a page allocator over the RAM of that map
 *   bootparams.c boot_params built from zero, setup_data nodes (e820 overflow, RNG seed)
 *   segments.c   the planner: places kernel, initrd, boot_params+cmdline and the purgatory
 *   validate.c   the kernel's and the syscall's rules for a segment list, errno names first
 *   plan_json.c  the plan as JSON, and a bounded reader for it (untrusted input)
 *   fwinfo.c     facts about the running machine (ACPI RSDP, framebuffer, la57, RAM size)
 *   kexec_load.c the syscall, and the path from two fds to a loaded kernel
 *
 * Parsers take (buf, len), never read past len and never allocate. Functions return 0/count
 * or -errno and fill a WHY buffer with a sentence naming the field or segment and the rule. */
#ifndef EMBARK_LOADER_SEGPLAN_H
#define EMBARK_LOADER_SEGPLAN_H

#include "loader/purgatory/purgatory.h"
#include "util/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>


/* Little-endian fields of the boot protocol, at any alignment. */
static inline uint64_t seg_get_le(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = bytes; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static inline void seg_put_le(uint8_t *p, unsigned bytes, uint64_t v)
{
	for (unsigned i = 0; i < bytes; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/* --- kexec_load(2) (include/uapi/linux/kexec.h) --------------------------------------- */
#define KEXEC_SEGMENT_MAX 16
#define KEXEC_ON_CRASH 0x00000001UL
#define KEXEC_PRESERVE_CONTEXT 0x00000002UL
#define KEXEC_UPDATE_ELFCOREHDR 0x00000004UL
#define KEXEC_CRASH_HOTPLUG_SUPPORT 0x00000008UL
/* Every flag some kernel accepts; which of them a given kernel accepts depends on its
 * version and configuration (KEXEC_PRESERVE_CONTEXT needs CONFIG_KEXEC_JUMP). */
#define KEXEC_FLAGS_KNOWN                                                                   \
	(KEXEC_ON_CRASH | KEXEC_PRESERVE_CONTEXT | KEXEC_UPDATE_ELFCOREHDR |                \
	 KEXEC_CRASH_HOTPLUG_SUPPORT)
#define KEXEC_ARCH_MASK 0xffff0000UL
#define KEXEC_ARCH_DEFAULT 0UL
#define KEXEC_ARCH_X86_64 (62UL << 16)
#define KEXEC_ARCH_AARCH64 (183UL << 16)
#if defined(__aarch64__)
#define KEXEC_ARCH_NATIVE KEXEC_ARCH_AARCH64
#else
#define KEXEC_ARCH_NATIVE KEXEC_ARCH_X86_64
#endif
/* x86_64's KEXEC_DESTINATION_MEMORY_LIMIT: MAXMEM - 1, 2^46 - 1 with 4-level paging and
 * 2^52 - 1 with 5-level paging. */
#define KEXEC_DEST_LIMIT_4LEVEL ((1ULL << 46) - 1)
#define KEXEC_DEST_LIMIT_5LEVEL ((1ULL << 52) - 1)

#define SEG_PAGE_SIZE 4096ULL
#define SEG_4G (1ULL << 32)
#define SEG_1M (1ULL << 20)

/* --- bzimage.c ----------------------------------------------------------------------- */
/* Offsets in the bzImage file, which are also the offsets in struct boot_params. */
#define BZ_SETUP_SECTS 0x1f1
#define BZ_SYSSIZE 0x1f4
#define BZ_BOOT_FLAG 0x1fe
#define BZ_JUMP 0x200
#define BZ_HEADER 0x202
#define BZ_VERSION 0x206
#define BZ_TYPE_OF_LOADER 0x210
#define BZ_LOADFLAGS 0x211
#define BZ_CODE32_START 0x214
#define BZ_RAMDISK_IMAGE 0x218
#define BZ_RAMDISK_SIZE 0x21c
#define BZ_HEAP_END_PTR 0x224
#define BZ_CMD_LINE_PTR 0x228
#define BZ_INITRD_ADDR_MAX 0x22c
#define BZ_KERNEL_ALIGNMENT 0x230
#define BZ_RELOCATABLE 0x234
#define BZ_MIN_ALIGNMENT 0x235
#define BZ_XLOADFLAGS 0x236
#define BZ_CMDLINE_SIZE 0x238
#define BZ_SETUP_DATA 0x250
#define BZ_PREF_ADDRESS 0x258
#define BZ_INIT_SIZE 0x260
#define BZ_HEADER_MIN_END 0x264 /* a 2.12 header holds everything up to init_size */
#define BZ_HEADER_MAX_END 0x290 /* where struct boot_params stops leaving room for it */

#define BZ_LOADED_HIGH 0x01
#define BZ_CAN_USE_HEAP 0x80
#define XLF_KERNEL_64 (1u << 0)
#define XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)
#define XLF_5LEVEL (1u << 5)
#define XLF_5LEVEL_ENABLED (1u << 6)
/* startup_64: the 64-bit entry point is 0x200 bytes into the protected-mode kernel. */
#define BZ_ENTRY64_OFFSET 0x200

struct bzimage_info {
	const uint8_t *image;     /* the whole file: the setup header is copied from here */
	size_t header_end;        /* 0x202 + the byte at 0x201 (the setup header's end) */
	size_t setup_bytes;       /* (setup_sects + 1) * 512: where the 64-bit kernel starts */
	const uint8_t *payload;   /* the protected-mode kernel, loaded as one segment */
	size_t payload_len;
	uint16_t version;         /* 0x020f for protocol 2.15 */
	uint16_t xloadflags;
	uint8_t loadflags;
	uint32_t kernel_alignment;
	uint32_t init_size;
	uint32_t cmdline_size;    /* longest command line the kernel takes, without the NUL */
	uint32_t initrd_addr_max; /* highest address the initrd may end at, below 4 GiB */
	uint64_t pref_address;
	uint64_t memsz;           /* what the kernel needs from its load address, page aligned */
	bool above_4g;            /* XLF_CAN_BE_LOADED_ABOVE_4G */
};

/* Checks that BUF is a bzImage the 64-bit boot protocol can start, with a command line of
 * CMDLINE_LEN bytes, on a machine running 5-level paging or not. Returns 0, -ENOEXEC (WHY
 * names the field and the rule) or -E2BIG (command line longer than cmdline_size). */
int bzimage_probe(const void *buf, size_t len, size_t cmdline_len, bool running_5level,
		  struct bzimage_info *out, char *why, size_t whylen);

/* --- memmap.c ------------------------------------------------------------------------ */
#define MEMMAP_MAX 512 /* entries of a firmware map (the kernel's E820 table holds 128+) */
#define E820_TYPE_RAM 1
#define E820_TYPE_RESERVED 2
#define E820_TYPE_ACPI 3
#define E820_TYPE_NVS 4
#define E820_TYPE_UNUSABLE 5
#define E820_TYPE_PMEM 7
#define E820_TYPE_PRAM 12
#define E820_TYPE_SOFT_RESERVED 0xefffffffu

struct memmap_range {
	uint64_t start, end; /* [start, end): end is exclusive (sysfs and iomem say inclusive) */
	uint32_t type;       /* E820_TYPE_* */
};

struct memmap {
	unsigned n;
	struct memmap_range r[MEMMAP_MAX];
};

/* "System RAM" -> E820_TYPE_RAM, ... (the kernel's e820 names); -EINVAL for others. */
int memmap_type_from_name(const char *name, size_t n, uint32_t *type);
const char *memmap_type_name(uint32_t type);
/* Adds [START, LAST] (inclusive, as sysfs and iomem write it); -E2BIG when full, -EINVAL
 * when LAST < START. */
int memmap_add(struct memmap *m, uint64_t start, uint64_t last, uint32_t type);
/* Sorts by start address (the order /sys/firmware/memmap uses is not guaranteed). */
void memmap_sort(struct memmap *m);
/* /proc/iomem: its top-level entries with e820 names into OUT; the nested "Crash kernel"
 * region into *CRASH (start, end exclusive; zero when there is none) when CRASH is not NULL.
 * Returns the number of entries, or -EACCES when every address reads as zero (iomem as a
 * user without CAP_SYS_ADMIN sees it), -E2BIG, -EINVAL. */
int memmap_parse_iomem(const char *buf, size_t len, struct memmap *out,
		       struct memmap_range *crash);
/* DIR in the layout of /sys/firmware/memmap: N/start, N/end, N/type. Returns the number of
 * entries (sorted) or -errno with WHY naming the file. */
int memmap_read_dir(const char *dir, struct memmap *out, char *why, size_t whylen);
/* Bytes of E820_TYPE_RAM in M. */
uint64_t memmap_ram_bytes(const struct memmap *m);
/* Whether [START, END) lies in RAM of M and overlaps nothing M says is not RAM. */
bool memmap_is_ram(const struct memmap *m, uint64_t start, uint64_t end);

/* --- place.c ------------------------------------------------------------------------- */
#define PLACE_MAX_RANGES (MEMMAP_MAX + 2 * KEXEC_SEGMENT_MAX)

struct place_pool {
	unsigned n;
	struct {
		uint64_t start, end; /* free, page aligned, [start, end), sorted, disjoint */
	} r[PLACE_MAX_RANGES];
};

/* The free memory segments may go to: RAM of FIRMWARE minus everything FIRMWARE lists as
 * not RAM, intersected with RUNNING (the running kernel's System RAM, which mem= and
 * memmap= shrink) when that is not NULL, from FLOOR up, pages only. Returns the number of
 * free ranges, or -ENOMEM when there is none. */
int place_pool_init(struct place_pool *p, const struct memmap *firmware,
		    const struct memmap *running, uint64_t floor);
/* Takes SIZE bytes aligned to ALIGN (a power of two >= a page) from [MIN, MAX_END): the
 * lowest such address, or with TOP_DOWN the highest. Returns 0 with *ADDR, or -ENOMEM. */
int place_alloc(struct place_pool *p, uint64_t size, uint64_t align, uint64_t min,
		uint64_t max_end, bool top_down, uint64_t *addr);
uint64_t place_free_bytes(const struct place_pool *p);

/* --- bootparams.c -------------------------------------------------------------------- */
#define BP_SIZE 4096
#define BP_SCREEN_INFO 0x000
#define BP_SCREEN_INFO_SIZE 0x40
#define BP_ACPI_RSDP_ADDR 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES 0x1e8
#define BP_SENTINEL 0x1ef
#define BP_E820_TABLE 0x2d0
#define BP_E820_ZEROPAGE_MAX 128
#define BP_E820_ENTRY_SIZE 20
/* type_of_loader: 0xff, "undefined". embark has no boot loader ID of its own, and claiming
 * another loader's (kexec-tools is 0x0d) would misinform the kernel and whoever reads
 * /sys/kernel/boot_params. */
#define BP_TYPE_OF_LOADER 0xff
#define SETUP_E820_EXT 1
#define SETUP_RNG_SEED 9
#define SETUP_DATA_HEADER 16 /* next (u64), type (u32), len (u32) */
#define BP_RNG_SEED_SIZE 32

struct bootparams_in {
	const struct bzimage_info *bz;
	uint64_t kernel_addr;
	uint64_t cmdline_addr;
	uint64_t initrd_addr, initrd_size; /* 0, 0: no initrd */
	uint64_t setup_data_addr;          /* physical address of the first node, or 0 */
	const struct memmap *e820;         /* the firmware map: the first 128 entries */
	uint64_t acpi_rsdp;                /* 0: the kernel looks for the RSDP itself */
	const uint8_t *screen_info;        /* BP_SCREEN_INFO_SIZE bytes, or NULL */
};

/* Fills BP (BP_SIZE bytes) from zero: the setup header copied from the image, then the
 * fields a boot loader owns. Returns 0. */
int bootparams_build(uint8_t *bp, const struct bootparams_in *in);
/* Bytes the setup_data nodes for E820 (entries past 128) and SEED_LEN bytes of seed take. */
size_t setup_data_size(const struct memmap *e820, size_t seed_len);
/* Writes those nodes into BUF (CAP bytes), which will sit at physical address PHYS: a
 * SETUP_E820_EXT node when E820 holds more than 128 entries, a SETUP_RNG_SEED node when
 * SEED_LEN > 0, chained through their next fields. Returns the bytes written, -E2BIG. */
long setup_data_build(uint8_t *buf, size_t cap, uint64_t phys, const struct memmap *e820,
		      const uint8_t *seed, size_t seed_len);

/* --- the plan (segments.c builds one, plan_json.c reads and writes one) ---------------- */
struct seg_plan_segment {
	const void *buf;  /* what the kernel copies (NULL in a plan read from JSON) */
	uint64_t bufsz;
	uint64_t mem;
	uint64_t memsz;
	char role[16];    /* "kernel", "initrd", "bootparams", "purgatory" (may be empty) */
};

struct seg_plan {
	uint64_t entry;
	uint64_t flags;
	uint64_t nr_segments; /* as listed; only the first KEXEC_SEGMENT_MAX are kept in seg[] */
	struct seg_plan_segment seg[KEXEC_SEGMENT_MAX];
};

/* --- segments.c ---------------------------------------------------------------------- */
#define PURGATORY_IMAGE_MAX 16384
/* boot_params, a command line (kernels may be built with a COMMAND_LINE_SIZE up to 4096),
 * setup_data for 384 more e820 entries and an RNG seed */
#define SEG_BOOTPARAMS_MAX                                                                  \
	(BP_SIZE + 4096 + 2 * SETUP_DATA_HEADER +                                           \
	 (MEMMAP_MAX - BP_E820_ZEROPAGE_MAX) * BP_E820_ENTRY_SIZE + BP_RNG_SEED_SIZE + 64)

struct seg_inputs {
	const void *kernel;
	size_t kernel_len;
	const void *initrd; /* NULL, 0: none */
	size_t initrd_len;
	const char *cmdline;
	const struct memmap *firmware_map; /* handed on as e820; its RAM is where segments go */
	const struct memmap *running_ram;  /* NULL, or the running kernel's view (iomem) */
	uint64_t ram_bytes;                /* the running kernel's RAM: the half-of-RAM rule */
	bool running_5level;
	uint64_t acpi_rsdp;
	const uint8_t *screen_info; /* BP_SCREEN_INFO_SIZE bytes, or NULL */
	const uint8_t *rng_seed;    /* BP_RNG_SEED_SIZE bytes, or NULL */
	const uint8_t *purgatory;   /* the flat purgatory image (loader_purgatory_image) */
	size_t purgatory_len;
};

struct seg_build {
	struct seg_plan plan;
	struct bzimage_info bz;
	uint64_t kernel_addr, kernel_entry, initrd_addr, bootparams_addr, cmdline_addr;
	uint64_t setup_data_addr, purgatory_addr;
	unsigned e820_entries; /* entries handed on, zeropage and setup_data together */
	struct place_pool pool;
	uint8_t bootparams[SEG_BOOTPARAMS_MAX];
	uint8_t purgatory[PURGATORY_IMAGE_MAX];
};

/* Plans the kexec_load of IN's bzImage: probe, placement, boot_params, purgatory with the
 * SHA-256 of every other segment, then the validator's rules. OUT's segments point into IN's
 * buffers and into OUT itself. Returns 0, or -ENOEXEC/-E2BIG (the image), -ENOMEM (no room
 * in the map), -EINVAL (a rule), -ENOTSUP (no purgatory for this architecture). */
int seg_plan_bzimage(const struct seg_inputs *in, struct seg_build *out, char *why,
		     size_t whylen);

/* purgatory_blob.c: the purgatory image built with embark (empty where there is none). */
extern const uint8_t loader_purgatory_image[];
extern const size_t loader_purgatory_len;

/* --- validate.c ---------------------------------------------------------------------- */
struct seg_check_env {
	uint64_t ram_bytes;         /* the running kernel's RAM (totalram): the half rule */
	uint64_t dest_limit;        /* KEXEC_DEST_LIMIT_4LEVEL or _5LEVEL */
	uint64_t arch;              /* KEXEC_ARCH_NATIVE */
	bool have_crash;            /* a crash kernel region is reserved: */
	uint64_t crash_start;       /* its first byte */
	uint64_t crash_end;         /* its last byte (inclusive, as the kernel keeps it) */
	const struct memmap *ram;   /* NULL, or the map whose System RAM segments must lie in */
};

/* Applies kexec_load's rules in the order the kernel does (kexec_load_check, the arch bits,
 * the crash entry point, sanity_check_segment_list), then embark's own: segments in System
 * RAM, the entry point inside a segment. Returns 0, or -EINVAL/-EADDRNOTAVAIL (the errno
 * the kernel would return; EADDRNOTAVAIL for embark's own rules) with MSG saying which
 * segment broke which rule. */
int seg_plan_check(const struct seg_plan *p, const struct seg_check_env *env, char *msg,
		   size_t msglen);

/* --- plan_json.c --------------------------------------------------------------------- */
#define SEG_PLAN_JSON_MAX (1024 * 1024)
#define SEG_PLAN_JSON_SEGMENTS_MAX 4096
/* {"entry": N, "flags": N, "segments": [{"mem": N, "memsz": N, "bufsz": N, "role": S}]},
 * N a JSON integer or a "0x..." string; flags and role optional. Returns 0 or -EINVAL with
 * WHY naming the byte offset and what was expected. */
int seg_plan_parse_json(const char *buf, size_t len, struct seg_plan *out, char *why,
			size_t whylen);
void seg_plan_write_json(FILE *f, const struct seg_plan *p);

/* --- fwinfo.c: the running machine --------------------------------------------------- */
#define FW_MEMMAP_DIR "/sys/firmware/memmap"
struct fw_facts {
	struct memmap firmware;   /* the e820 handed on, and the RAM segments may use */
	struct memmap running;    /* the running kernel's System RAM (mem=, memmap= applied) */
	bool have_running;
	struct memmap_range crash; /* "Crash kernel" in /proc/iomem, or zero */
	const char *map_source;   /* "/sys/firmware/memmap" or "/proc/iomem" */
	uint64_t ram_bytes;       /* sysinfo totalram */
	bool running_5level;      /* "la57" in /proc/cpuinfo: CR4.LA57 is on */
	uint64_t acpi_rsdp;
	const char *acpi_source;  /* where acpi_rsdp came from, or why it is 0 */
	uint8_t screen_info[BP_SCREEN_INFO_SIZE];
	bool have_screen_info;
	const char *screen_note;  /* why screen_info is what it is */
	uint8_t rng_seed[BP_RNG_SEED_SIZE];
	bool have_rng_seed;
};
/* Reads everything from /sys and /proc. MEMMAP_DIR overrides /sys/firmware/memmap (and then
 * /proc/iomem is not consulted for the map). Returns 0 or -errno with WHY. */
int fw_facts_read(struct fw_facts *f, const char *memmap_dir, char *why, size_t whylen);
/* Parses "ACPI20=0x..." (preferred) or "ACPI=0x..." out of /sys/firmware/efi/systab. */
uint64_t fw_parse_efi_systab(const char *buf, size_t len);
/* Whether the "flags" line of /proc/cpuinfo lists la57. */
bool fw_parse_cpuinfo_la57(const char *buf, size_t len);

/* --- kexec_load.c -------------------------------------------------------------------- */
/* kexec_load(PLAN). Returns 0 or -errno. */
int loader_kexec_segments(const struct seg_plan *plan);

/* The bytes of a kernel or initrd fd: a sealed memfd mapped as it is, anything else copied
 * into private memory (so that what is hashed is what the kernel copies). */
struct image_bytes {
	const uint8_t *data;
	size_t len;
	void *map;
	size_t map_len;
};

/* Everything one plan needs; large (the build holds buffers), so callers keep it static. */
struct seg_job {
	struct fw_facts facts;
	struct seg_build build;
	struct image_bytes kernel, initrd;
};
/* Reads KERNEL_FD and INITRD_FD (or -1), the machine's facts (MEMMAP_DIR: a memory map
 * directory instead of this machine's, as `embark segments --memmap`), and plans. Returns 0,
 * or -errno with MSG ("kexec_load path: ..."). Call seg_job_release afterwards either way. */
int seg_job_plan(struct seg_job *job, int kernel_fd, int initrd_fd, const char *cmdline,
		 const char *memmap_dir, char *msg, size_t msglen);
void seg_job_release(struct seg_job *job);

#endif
