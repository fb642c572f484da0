/* grub.cfg interpreter over arbitrary bytes, with a root that does not exist (every file it
 * asks for is missing). It must never crash, leak or run away (GRUB_MAX_STEPS bounds the
 * work), every entry it returns must hold terminated strings, absolute paths and counts
 * within bounds, and every message it gives must be a terminated string. */
#include "grub/grub.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned warnings;

static void count_warning(void *ctx, const char *msg)
{
	(void)ctx;
	if (!memchr(msg, '\0', 1024))
		__builtin_trap();
	warnings++;
}

static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_list list;
	int n;

	boot_list_init(&list);
	warnings = 0;
	n = grub_parse((const char *)data, size, "/nonexistent-embark-fuzz-root",
		       "/boot/grub/grub.cfg", &list, count_warning, NULL);
	if (n < 0 ? size <= BOOT_CONFIG_MAX : (unsigned)n != list.n)
		__builtin_trap();
	if (list.timeout_s < -2)
		__builtin_trap();
	for (unsigned i = 0; i < list.n; i++) {
		const struct boot_entry *e = &list.entries[i];

		if (!terminated(e->title, sizeof(e->title)) || !terminated(e->id, sizeof(e->id)) ||
		    !terminated(e->kernel, sizeof(e->kernel)) || e->kernel[0] != '/' ||
		    !terminated(e->cmdline, sizeof(e->cmdline)) || e->n_initrds > BOOT_MAX_INITRDS ||
		    !terminated(e->source, sizeof(e->source)) ||
		    !terminated(e->device_value, sizeof(e->device_value)) ||
		    e->format != BOOT_FORMAT_GRUB)
			__builtin_trap();
		for (unsigned k = 0; k < e->n_initrds; k++)
			if (!terminated(e->initrds[k], BOOT_PATH_MAX) || e->initrds[k][0] != '/')
				__builtin_trap();
	}
	return 0;
}
