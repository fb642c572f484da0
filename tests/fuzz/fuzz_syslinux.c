/* syslinux_parse over arbitrary bytes, as the main configuration of a small filesystem
 * whose fixed files the input may INCLUDE: one that includes itself (the depth limit), one
 * with labels and a submenu, one with TEXT that never ends. The parse must stay within its
 * limits and every entry must be well formed. */
#include "bootcfg/bootcfg.h"
#include "syslinux/syslinux.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char root[64];

static void put(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

static const char *const files[] = { "syslinux/self.cfg", "syslinux/menu.cfg",
				     "syslinux/text.cfg" };

/* The fixture goes away with the fuzzer (libFuzzer ends with exit()). */
static void remove_fixture(void)
{
	char path[128];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/syslinux", root);
	rmdir(path);
	rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[96];

	snprintf(root, sizeof(root), "/tmp/embark-fuzz-syslinux-XXXXXX");
	if (!mkdtemp(root))
		abort();
	snprintf(dir, sizeof(dir), "%s/syslinux", root);
	if (mkdir(dir, 0755) < 0)
		abort();
	atexit(remove_fixture);
	put(files[0], "label s\n kernel s.c32\ninclude self.cfg\n");
	put(files[1], "menu begin sub\n menu title Sub\nlabel a\n linux /a\n"
				 " initrd x,y\n menu default\nmenu end\nlabel b\n kernel b.0\n");
	put(files[2], "label t\n kernel vmlinuz\n text help\n  never ends\n");
	return 0;
}

static int terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap) != NULL;
}

/* An absolute path without empty, "." or ".." components. */
static int clean_path(const char *p)
{
	if (p[0] != '/')
		return 0;
	if (p[1] == '\0')
		return 1;
	for (const char *c = p + 1;;) {
		const char *end = strchr(c, '/');
		size_t k = end ? (size_t)(end - c) : strlen(c);

		if (k == 0 || (k == 1 && c[0] == '.') || (k == 2 && c[0] == '.' && c[1] == '.'))
			return 0;
		if (!end)
			return 1;
		c = end + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_list list;
	unsigned defaults = 0;
	int n;

	boot_list_init(&list);
	n = syslinux_parse((const char *)data, size, root, "/syslinux/syslinux.cfg", &list, NULL,
			   NULL);
	if (size > BOOT_CONFIG_MAX) {
		if (n != -EFBIG)
			__builtin_trap();
		return 0;
	}
	if (n < 0 || (unsigned)n != list.n || list.n > BOOT_MAX_ENTRIES)
		__builtin_trap();
	for (unsigned i = 0; i < list.n; i++) {
		const struct boot_entry *e = &list.entries[i];

		if (e->format != BOOT_FORMAT_SYSLINUX || e->n_initrds > BOOT_MAX_INITRDS ||
		    e->n_overlays > BOOT_MAX_INITRDS || !terminated(e->id, sizeof(e->id)) ||
		    !terminated(e->title, sizeof(e->title)) ||
		    !terminated(e->cmdline, sizeof(e->cmdline)) ||
		    !terminated(e->unbootable, sizeof(e->unbootable)))
			__builtin_trap();
		/* paths are absolute, and ".." never survives (nothing outside the filesystem) */
		if (e->kernel[0] && !clean_path(e->kernel))
			__builtin_trap();
		for (unsigned k = 0; k < e->n_initrds; k++)
			if (!clean_path(e->initrds[k]))
				__builtin_trap();
		if (!e->kernel[0] && !e->unbootable[0])
			__builtin_trap();
		defaults += e->is_default ? 1 : 0;
	}
	if (defaults > 1)
		__builtin_trap();
	return 0;
}
