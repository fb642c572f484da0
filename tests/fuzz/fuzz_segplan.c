/* The plan JSON reader and the validator over arbitrary text. A plan that parses must check
 * without crashing, its verdict must start with an errno name, and writing it out and reading
 * it back must give the same plan. */
#include "loader/segplan.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct memmap map;
static struct seg_plan plan, again;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct seg_check_env env;
	char why[512], *text = NULL;
	size_t len = 0;
	FILE *f;

	if (map.n == 0) {
		memmap_add(&map, 0, 0x9fbff, E820_TYPE_RAM);
		memmap_add(&map, 0x9fc00, 0xfffff, E820_TYPE_RESERVED);
		memmap_add(&map, 0x100000, 0x3ffdffff, E820_TYPE_RAM);
		memmap_add(&map, 0x100000000ULL, 0x13fffffffULL, E820_TYPE_RAM);
	}
	if (seg_plan_parse_json((const char *)data, size, &plan, why, sizeof(why)) != 0) {
		if (strncmp(why, "offset ", 7) != 0 && strncmp(why, "the plan has no", 15) != 0)
			__builtin_trap();
		return 0;
	}
	memset(&env, 0, sizeof(env));
	env.ram_bytes = 2ULL << 30;
	env.dest_limit = KEXEC_DEST_LIMIT_4LEVEL;
	env.arch = KEXEC_ARCH_X86_64;
	env.ram = &map;
	env.have_crash = true;
	env.crash_start = 0x20000000;
	env.crash_end = 0x27ffffff;
	if (seg_plan_check(&plan, &env, why, sizeof(why)) != 0 &&
	    strncmp(why, "EINVAL: ", 8) != 0 && strncmp(why, "EADDRNOTAVAIL: ", 15) != 0)
		__builtin_trap();
	if (plan.nr_segments > KEXEC_SEGMENT_MAX)
		return 0; /* only the first 16 are kept: no round trip to compare */
	f = open_memstream(&text, &len);
	if (!f)
		return 0;
	seg_plan_write_json(f, &plan);
	fclose(f);
	if (seg_plan_parse_json(text, len, &again, why, sizeof(why)) != 0 ||
	    again.entry != plan.entry || again.flags != plan.flags ||
	    again.nr_segments != plan.nr_segments)
		__builtin_trap();
	for (unsigned i = 0; i < plan.nr_segments; i++)
		if (again.seg[i].mem != plan.seg[i].mem || again.seg[i].memsz != plan.seg[i].memsz ||
		    again.seg[i].bufsz != plan.seg[i].bufsz ||
		    strcmp(again.seg[i].role, plan.seg[i].role) != 0)
			__builtin_trap();
	free(text);
	return 0;
}
