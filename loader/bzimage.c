/* The bzImage probe: every check the 64-bit boot protocol (Documentation/arch/x86/boot.rst)
 * needs before a loader may place the kernel and jump to startup_64. The order is the order
 * of the header: first "is this a Linux boot sector at all", then the protocol version, then
 * the fields a 64-bit, relocating loader depends on. Each refusal names the field, its offset
 * and value, and what a loader needs instead. Never reads past LEN. */
#include "loader/segplan.h"

#include <errno.h>
#include <string.h>

#define SECTOR 512
#define SETUP_SECTS_DEFAULT 4 /* setup_sects == 0 means 4, for very old boot sectors */
#define JMP_SHORT 0xeb
#define PROTOCOL_MIN 0x020c     /* 2.12: xloadflags, and with it the 64-bit entry flag */
#define ALIGN_MAX (1u << 30)    /* no kernel asks for more than 1 GiB alignment */

static bool is_pow2(uint64_t v)
{
	return v && (v & (v - 1)) == 0;
}

int bzimage_probe(const void *buf, size_t len, size_t cmdline_len, bool running_5level,
		  struct bzimage_info *out, char *why, size_t whylen)
{
	const uint8_t *b = buf;
	unsigned setup_sects;
	uint64_t syssize_bytes, need;
	uint8_t relocatable, min_alignment;

	memset(out, 0, sizeof(*out));
	if (len < BZ_VERSION + 2)
		return err_fail(why, whylen, -ENOEXEC,
				"%zu bytes: too short for an x86 boot sector and setup header "
				"(at least %d bytes); not a bzImage",
				len, BZ_VERSION + 2);
	if (seg_get_le(b + BZ_BOOT_FLAG, 2) != 0xaa55)
		return err_fail(why, whylen, -ENOEXEC,
				"boot_flag at 0x1fe is 0x%04x, not 0xAA55: not an x86 boot sector, "
				"so not a bzImage",
				(unsigned)seg_get_le(b + BZ_BOOT_FLAG, 2));
	if (memcmp(b + BZ_HEADER, "HdrS", 4) != 0)
		return err_fail(why, whylen, -ENOEXEC,
				"no \"HdrS\" signature at 0x202: a boot sector, but not a Linux "
				"kernel with a setup header (boot protocol 2.00 or later)");
	out->version = (uint16_t)seg_get_le(b + BZ_VERSION, 2);
	if (out->version < PROTOCOL_MIN)
		return err_fail(why, whylen, -ENOEXEC,
				"boot protocol version at 0x206 is %u.%02u; the 64-bit entry needs "
				"2.12 or later (Linux 3.8+)",
				out->version >> 8, out->version & 0xff);
	/* The setup header ends where the short jump at 0x200 lands: 0x202 + its offset. */
	if (b[BZ_JUMP] != JMP_SHORT)
		return err_fail(why, whylen, -ENOEXEC,
				"byte at 0x200 is 0x%02x, not a short jump (0xEB): the setup "
				"header's length cannot be known",
				b[BZ_JUMP]);
	out->header_end = BZ_HEADER + (size_t)b[BZ_JUMP + 1];
	if (out->header_end < BZ_HEADER_MIN_END || out->header_end > BZ_HEADER_MAX_END)
		return err_fail(why, whylen, -ENOEXEC,
				"setup header ends at 0x%zx (jump offset 0x%02x at 0x201); a "
				"protocol %u.%02u header ends between 0x%x and 0x%x",
				out->header_end, b[BZ_JUMP + 1], out->version >> 8,
				out->version & 0xff, BZ_HEADER_MIN_END, BZ_HEADER_MAX_END);
	if (len < out->header_end)
		return err_fail(why, whylen, -ENOEXEC,
				"truncated: %zu bytes, but the setup header ends at 0x%zx", len,
				out->header_end);

	out->loadflags = b[BZ_LOADFLAGS];
	if (!(out->loadflags & BZ_LOADED_HIGH))
		return err_fail(why, whylen, -ENOEXEC,
				"loadflags at 0x211 is 0x%02x without LOADED_HIGH (bit 0): a zImage "
				"that runs at 0x10000, not a bzImage",
				out->loadflags);
	out->xloadflags = (uint16_t)seg_get_le(b + BZ_XLOADFLAGS, 2);
	if (!(out->xloadflags & XLF_KERNEL_64))
		return err_fail(why, whylen, -ENOEXEC,
				"xloadflags at 0x236 is 0x%04x without XLF_KERNEL_64 (bit 0): no "
				"64-bit entry point at 0x200 (a 32-bit kernel?)",
				out->xloadflags);
	relocatable = b[BZ_RELOCATABLE];
	if (!relocatable)
		return err_fail(why, whylen, -ENOEXEC,
				"relocatable_kernel at 0x234 is 0: this kernel runs only at "
				"pref_address, which embark cannot promise (build it with "
				"CONFIG_RELOCATABLE=y)");
	if ((out->xloadflags & XLF_5LEVEL_ENABLED) && !(out->xloadflags & XLF_5LEVEL))
		return err_fail(why, whylen, -ENOEXEC,
				"xloadflags at 0x236 is 0x%04x: XLF_5LEVEL_ENABLED (bit 6) without "
				"XLF_5LEVEL (bit 5), which no kernel writes: a damaged header",
				out->xloadflags);
	if (running_5level && !(out->xloadflags & XLF_5LEVEL))
		return err_fail(why, whylen, -ENOEXEC,
				"xloadflags at 0x236 is 0x%04x without XLF_5LEVEL (bit 5): the "
				"running kernel uses 5-level paging (la57), kexec keeps that mode, "
				"and this kernel cannot start in it (boot the firmware kernel with "
				"no5lvl, or use a kernel built after Linux 4.14)",
				out->xloadflags);

	setup_sects = b[BZ_SETUP_SECTS] ? b[BZ_SETUP_SECTS] : SETUP_SECTS_DEFAULT;
	out->setup_bytes = ((size_t)setup_sects + 1) * SECTOR;
	if (out->setup_bytes >= len)
		return err_fail(why, whylen, -ENOEXEC,
				"truncated: setup_sects at 0x1f1 is %u, so the 64-bit kernel starts "
				"at byte %zu, but the file has %zu bytes",
				b[BZ_SETUP_SECTS], out->setup_bytes, len);
	out->payload = b + out->setup_bytes;
	out->payload_len = len - out->setup_bytes;
	/* syssize counts 16-byte paragraphs of the protected-mode kernel. A signed kernel
	 * carries its signature after them, so the file may be longer, never shorter. */
	syssize_bytes = seg_get_le(b + BZ_SYSSIZE, 4) * 16;
	if (syssize_bytes == 0 || syssize_bytes > out->payload_len)
		return err_fail(why, whylen, -ENOEXEC,
				"%s: syssize at 0x1f4 says the kernel after the setup code is %llu "
				"bytes, the file holds %zu",
				syssize_bytes ? "truncated" : "syssize is 0",
				(unsigned long long)syssize_bytes, out->payload_len);
	if (out->payload_len < BZ_ENTRY64_OFFSET + 16)
		return err_fail(why, whylen, -ENOEXEC,
				"the 64-bit kernel is %zu bytes: too short to hold startup_64 at 0x200",
				out->payload_len);

	out->kernel_alignment = (uint32_t)seg_get_le(b + BZ_KERNEL_ALIGNMENT, 4);
	if (!is_pow2(out->kernel_alignment) || out->kernel_alignment < SEG_PAGE_SIZE ||
	    out->kernel_alignment > ALIGN_MAX)
		return err_fail(why, whylen, -ENOEXEC,
				"kernel_alignment at 0x230 is 0x%x; it must be a power of two from "
				"4 KiB to 1 GiB",
				out->kernel_alignment);
	min_alignment = b[BZ_MIN_ALIGNMENT];
	if (min_alignment > 30 || (1u << min_alignment) > out->kernel_alignment)
		return err_fail(why, whylen, -ENOEXEC,
				"min_alignment at 0x235 is %u (2^%u bytes), more than kernel_alignment "
				"0x%x: a damaged header",
				min_alignment, min_alignment, out->kernel_alignment);
	out->pref_address = seg_get_le(b + BZ_PREF_ADDRESS, 8);
	if (out->pref_address % SEG_PAGE_SIZE || out->pref_address >= KEXEC_DEST_LIMIT_5LEVEL)
		return err_fail(why, whylen, -ENOEXEC,
				"pref_address at 0x258 is 0x%llx: not a page-aligned physical address",
				(unsigned long long)out->pref_address);
	out->init_size = (uint32_t)seg_get_le(b + BZ_INIT_SIZE, 4);
	if (out->init_size < BZ_ENTRY64_OFFSET)
		return err_fail(why, whylen, -ENOEXEC,
				"init_size at 0x260 is 0x%x: the kernel states no room to decompress "
				"into (a damaged header)",
				out->init_size);
	/* The segment holds the whole payload and the kernel's working space. */
	need = out->payload_len > out->init_size ? out->payload_len : out->init_size;
	out->memsz = (need + SEG_PAGE_SIZE - 1) & ~(SEG_PAGE_SIZE - 1);

	out->cmdline_size = (uint32_t)seg_get_le(b + BZ_CMDLINE_SIZE, 4);
	if (cmdline_len > out->cmdline_size)
		return err_fail(why, whylen, -E2BIG,
				"the command line is %zu bytes; this kernel takes at most %u "
				"(cmdline_size at 0x238)",
				cmdline_len, out->cmdline_size);
	out->initrd_addr_max = (uint32_t)seg_get_le(b + BZ_INITRD_ADDR_MAX, 4);
	out->above_4g = (out->xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G) != 0;
	out->image = b;
	return 0;
}
