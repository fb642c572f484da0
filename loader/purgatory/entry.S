/* The purgatory's first instructions: kexec_load's entry point. Layout and entry state are
 * described in purgatory.h. Everything here is RIP-relative: the image runs where embark put
 * it, without relocation. */
#include "loader/purgatory/purgatory.h"

#define BOOT_CS 0x10 /* the selectors the 64-bit boot protocol names */
#define BOOT_DS 0x18

	.section .text.purgatory_entry, "ax"
	.code64
	.globl purgatory_start
	.hidden purgatory_start
purgatory_start:
	jmp	purgatory_body

	/* The argument block embark fills in (struct purgatory_args), at a fixed offset so that
	 * embark finds it in the image without symbols. */
	.org	PURGATORY_ARGS_OFFSET
	.globl	purgatory_args
	.hidden	purgatory_args
purgatory_args:
	.ascii	PURGATORY_MAGIC
	.long	PURGATORY_ABI_VERSION
	.long	0			/* nr_segments */
	.quad	0			/* kernel_entry */
	.quad	0			/* boot_params */
	.fill	PURGATORY_MAX_SEGMENTS * PURGATORY_SEGMENT_SIZE, 1, 0

	/* A GDT of our own: the kernel invalidated its GDT before jumping here. Descriptors
	 * (base 0, limit 4 GiB, granularity 4 KiB, present, DPL 0):
	 *   0x10 code, execute/read, L=1 (64-bit): 0x00af9a000000ffff
	 *   0x18 data, read/write:                  0x00cf92000000ffff */
	.balign	16
gdt:
	.quad	0
	.quad	0
	.quad	0x00af9a000000ffff
	.quad	0x00cf92000000ffff
gdt_end:
	.balign	8
	.word	0			/* pads gdtr so that its base is 8-byte aligned */
gdtr:
	.word	gdt_end - gdt - 1
	.quad	0			/* base: set at run time to wherever gdt landed */

purgatory_body:
	cli
	cld
	leaq	purgatory_stack_top(%rip), %rsp
	leaq	gdt(%rip), %rax
	movq	%rax, gdtr + 2(%rip)
	lgdt	gdtr(%rip)
	/* Reload CS through a far return: lretq pops RIP, then CS. */
	leaq	1f(%rip), %rax
	pushq	$BOOT_CS
	pushq	%rax
	lretq
1:
	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	call	purgatory_main		/* returns only when every segment matched */

	/* The 64-bit boot protocol: RSI = boot_params, jump to startup_64. */
	movq	purgatory_args + PURGATORY_ARGS_BOOT_PARAMS(%rip), %rsi
	movq	purgatory_args + PURGATORY_ARGS_KERNEL_ENTRY(%rip), %rax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	jmpq	*%rax

	/* The stack, inside the image (zero-filled in the file, so no .bss to account for). */
	.section .data.purgatory_stack, "aw"
	.balign	16
purgatory_stack:
	.fill	PURGATORY_STACK_SIZE, 1, 0
purgatory_stack_top:
