/* The purgatory's C entry (called by entry.S on its own stack) and its serial output.
 * Only built into the purgatory image, never into embark or the host tests. */
#include "loader/purgatory/purgatory.h"

/* Defined in entry.S at PURGATORY_ARGS_OFFSET; embark fills it in before kexec_load. */
extern const struct purgatory_args purgatory_args __attribute__((visibility("hidden")));

void purgatory_main(void);

static void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* The firmware kernel left the UART programmed for its console: wait for the transmit
 * holding register (LSR bit 5) and write. Bounded: a machine without a UART at 0x3f8 reads
 * 0xff (bit set) or never sets it, and either way the purgatory must not hang here. */
void purgatory_putc(char c)
{
	for (unsigned spin = 0; spin < 100000; spin++)
		if (inb(PURGATORY_SERIAL_PORT + 5) & 0x20)
			break;
	outb(PURGATORY_SERIAL_PORT, (uint8_t)c);
}

void purgatory_main(void)
{
	if (purgatory_verify(&purgatory_args) == 0)
		return;
	/* Halted for good: interrupts are off, so hlt only wakes for an NMI or SMI. */
	for (;;)
		__asm__ volatile("cli; hlt");
}
