/* The contract between embark and its purgatory: the small x86_64 program kexec_load jumps to
 * before the new kernel runs. Shared by the purgatory (freestanding, no libc) and by embark,
 * which copies the purgatory image and fills in the argument block before loading it.
 *
 * Image layout (a flat binary, linked at 0 and position independent: every reference is
 * RIP-relative, the build refuses absolute relocations, so it runs wherever it is placed):
 *
 *   0x000  purgatory_start: a jump over the argument block (kexec_load's entry point)
 *   0x010  struct purgatory_args (PURGATORY_ARGS_SIZE bytes), magic "EMBKPURG"
 *   ...    GDT (0x10 flat 64-bit code, 0x18 flat data) and its descriptor, then code,
 *          read-only data, and the zero-filled stack (kept in the file: no .bss, so the image
 *          length is its memory size)
 *
 * At entry (the kernel's relocate_kernel after kexec): 64-bit mode, paging on with an
 * identity map that covers every segment, interrupts off, the GDT and IDT invalidated, the
 * general registers zero and RSP in the kernel's control page. The purgatory loads its own
 * GDT and segments, switches to its own stack, checks the SHA-256 of every segment listed
 * here (on a mismatch it says so on the serial port 0x3f8 and halts for good), then enters
 * the kernel the way the 64-bit boot protocol asks: CS 0x10, DS/ES/SS 0x18, RSI = the
 * boot_params address, jump to kernel_entry (startup_64, the load address + 0x200). */
#ifndef EMBARK_PURGATORY_H
#define EMBARK_PURGATORY_H

#define PURGATORY_ARGS_OFFSET 0x10
#define PURGATORY_MAGIC "EMBKPURG"
#define PURGATORY_ABI_VERSION 1
/* kexec_load takes 16 segments; the purgatory is one of them and is not checked by itself. */
#define PURGATORY_MAX_SEGMENTS 15
/* Offsets inside struct purgatory_args, for entry.S. */
#define PURGATORY_ARGS_KERNEL_ENTRY 16
#define PURGATORY_ARGS_BOOT_PARAMS 24
#define PURGATORY_ARGS_SEGMENTS 32
#define PURGATORY_SEGMENT_SIZE 48
#define PURGATORY_ARGS_SIZE (PURGATORY_ARGS_SEGMENTS + PURGATORY_MAX_SEGMENTS * PURGATORY_SEGMENT_SIZE)
#define PURGATORY_STACK_SIZE 4096
/* The UART the firmware kernel's console used (ttyS0). */
#define PURGATORY_SERIAL_PORT 0x3f8

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct purgatory_segment {
	uint64_t mem;       /* physical (= identity-mapped) address of the segment */
	uint64_t len;       /* bytes that were loaded there (the segment's bufsz) */
	uint8_t sha256[32]; /* what those bytes must hash to */
};

struct purgatory_args {
	char magic[8];         /* PURGATORY_MAGIC, no terminator */
	uint32_t version;      /* PURGATORY_ABI_VERSION */
	uint32_t nr_segments;  /* entries of seg[] in use */
	uint64_t kernel_entry; /* where to jump: the kernel's 64-bit entry point */
	uint64_t boot_params;  /* RSI at that jump */
	struct purgatory_segment seg[PURGATORY_MAX_SEGMENTS];
};

_Static_assert(sizeof(struct purgatory_args) == PURGATORY_ARGS_SIZE, "purgatory_args layout");
_Static_assert(offsetof(struct purgatory_args, kernel_entry) == PURGATORY_ARGS_KERNEL_ENTRY,
	       "purgatory_args layout");
_Static_assert(offsetof(struct purgatory_args, boot_params) == PURGATORY_ARGS_BOOT_PARAMS,
	       "purgatory_args layout");
_Static_assert(offsetof(struct purgatory_args, seg) == PURGATORY_ARGS_SEGMENTS,
	       "purgatory_args layout");

/* sha256.c: FIPS 180-4 SHA-256, freestanding (general registers only, no tables of
 * pointers), so that it runs in the purgatory and can be tested on the host. */
void purgatory_sha256(const void *buf, uint64_t len, uint8_t out[32]);

/* verify.c: checks every segment of ARGS; returns 0, or the 1-based index of the first
 * segment that does not match, having written a line naming it through purgatory_putc. */
unsigned purgatory_verify(const struct purgatory_args *args);

/* One byte to the serial console: main.c writes the UART, a host test captures it. */
void purgatory_putc(char c);
#endif

#endif
