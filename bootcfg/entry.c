/* The entry model's two helpers: a clean entry, and per-entry warnings. */
#include "bootcfg/bootcfg.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void boot_entry_init(struct boot_entry *e, enum boot_format format)
{
	memset(e, 0, sizeof(*e));
	e->format = format;
	e->tries_left = -1;
	e->tries_done = -1;
}

void boot_entry_warn(struct boot_entry *e, const char *fmt, ...)
{
	va_list ap;

	if (e->n_warnings < BOOT_MAX_WARNINGS) {
		va_start(ap, fmt);
		vsnprintf(e->warnings[e->n_warnings], BOOT_WARNING_MAX, fmt, ap);
		va_end(ap);
	}
	e->n_warnings++;
}

void boot_list_init(struct boot_list *list)
{
	list->n = 0;
	list->dropped = 0;
	list->timeout_s = -1;
}

void bootcfg_warn(void (*warn)(void *ctx, const char *msg), void *ctx, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	if (!warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(ctx, msg);
}
