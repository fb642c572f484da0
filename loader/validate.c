/* The segment-list validator: kexec_load(2)'s ERRORS as rules, checked in the order the kernel
 * checks them (kernel/kexec.c kexec_load_check and the arch test, kimage_alloc_init's crash
 * entry check, kernel/kexec_core.c sanity_check_segment_list), so that the errno printed is
 * the one the kernel would return first. Then two rules the kernel leaves to user space,
 * reported as EADDRNOTAVAIL: every segment in System RAM of the memory map, and the entry
 * point inside a segment. Errors a person sees: "ERRNO: segment N <what>: <rule>; <what to do>".
 * The errno name leads the message so that scripts can match it. */
#include "loader/segplan.h"

#include <errno.h>
#include <string.h>

#define PAGE_MASK_LOW (SEG_PAGE_SIZE - 1)

static uint64_t page_count(uint64_t bytes)
{
	return bytes / SEG_PAGE_SIZE + (bytes % SEG_PAGE_SIZE != 0);
}

static const char *arch_name(uint64_t arch)
{
	switch (arch) {
	case KEXEC_ARCH_X86_64:
		return "KEXEC_ARCH_X86_64";
	case KEXEC_ARCH_AARCH64:
		return "KEXEC_ARCH_AARCH64";
	case KEXEC_ARCH_DEFAULT:
		return "KEXEC_ARCH_DEFAULT";
	}
	return "an unknown architecture";
}

static int check_call(const struct seg_plan *p, const struct seg_check_env *env, char *msg,
		      size_t msglen)
{
	uint64_t low = p->flags & ~KEXEC_ARCH_MASK, arch = p->flags & KEXEC_ARCH_MASK;

	/* kexec_load_check: flags outside KEXEC_FLAGS (arch bits aside) are refused. */
	if (low & ~KEXEC_FLAGS_KNOWN)
		return err_fail(msg, msglen, -EINVAL,
				"EINVAL: flags 0x%llx: bits 0x%llx are no kexec_load flag (known: "
				"KEXEC_ON_CRASH 0x1, KEXEC_PRESERVE_CONTEXT 0x2, "
				"KEXEC_UPDATE_ELFCOREHDR 0x4, KEXEC_CRASH_HOTPLUG_SUPPORT 0x8)",
				(unsigned long long)p->flags,
				(unsigned long long)(low & ~KEXEC_FLAGS_KNOWN));
	if (p->nr_segments > KEXEC_SEGMENT_MAX)
		return err_fail(msg, msglen, -EINVAL,
				"EINVAL: %llu segments: kexec_load takes at most %d "
				"(KEXEC_SEGMENT_MAX); merge adjacent segments",
				(unsigned long long)p->nr_segments, KEXEC_SEGMENT_MAX);
	if (arch != KEXEC_ARCH_DEFAULT && arch != env->arch)
		return err_fail(msg, msglen, -EINVAL,
				"EINVAL: flags 0x%llx: architecture bits 0x%llx (%s) are not this "
				"machine's (%s 0x%llx, or 0 for the default)",
				(unsigned long long)p->flags, (unsigned long long)arch,
				arch_name(arch), arch_name(env->arch),
				(unsigned long long)env->arch);
	if ((p->flags & KEXEC_ON_CRASH) && p->nr_segments > 0) {
		if (!env->have_crash)
			return err_fail(msg, msglen, -EADDRNOTAVAIL,
					"EADDRNOTAVAIL: flags has KEXEC_ON_CRASH but no crash kernel "
					"region is reserved (boot with crashkernel=SIZE; or pass "
					"--crash-region START-END)");
		if (p->entry < env->crash_start || p->entry > env->crash_end)
			return err_fail(msg, msglen, -EADDRNOTAVAIL,
					"EADDRNOTAVAIL: entry 0x%llx is outside the crash kernel region "
					"0x%llx-0x%llx that KEXEC_ON_CRASH loads into",
					(unsigned long long)p->entry,
					(unsigned long long)env->crash_start,
					(unsigned long long)env->crash_end);
	}
	return 0;
}

/* sanity_check_segment_list, in its order. */
static int check_segments(const struct seg_plan *p, const struct seg_check_env *env,
			  char *msg, size_t msglen)
{
	uint64_t nr_pages = env->ram_bytes / SEG_PAGE_SIZE, total_pages = 0;
	unsigned n = (unsigned)p->nr_segments;

	for (unsigned i = 0; i < n; i++) {
		const struct seg_plan_segment *s = &p->seg[i];
		uint64_t end = s->mem + s->memsz;

		if (end < s->mem)
			return err_fail(msg, msglen, -EADDRNOTAVAIL,
					"EADDRNOTAVAIL: segment %u mem 0x%llx + memsz 0x%llx wraps "
					"around the end of the address space",
					i, (unsigned long long)s->mem, (unsigned long long)s->memsz);
		if (s->mem & PAGE_MASK_LOW)
			return err_fail(msg, msglen, -EADDRNOTAVAIL,
					"EADDRNOTAVAIL: segment %u mem 0x%llx is not page aligned "
					"(multiple of 0x%llx)",
					i, (unsigned long long)s->mem,
					(unsigned long long)SEG_PAGE_SIZE);
		if (end & PAGE_MASK_LOW)
			return err_fail(msg, msglen, -EADDRNOTAVAIL,
					"EADDRNOTAVAIL: segment %u memsz 0x%llx is not a whole number "
					"of pages (multiple of 0x%llx)",
					i, (unsigned long long)s->memsz,
					(unsigned long long)SEG_PAGE_SIZE);
		if (end >= env->dest_limit)
			return err_fail(msg, msglen, -EADDRNOTAVAIL,
					"EADDRNOTAVAIL: segment %u ends at 0x%llx, at or above the "
					"kernel's destination limit 0x%llx",
					i, (unsigned long long)end,
					(unsigned long long)env->dest_limit);
	}
	for (unsigned i = 0; i < n; i++) {
		const struct seg_plan_segment *s = &p->seg[i];

		for (unsigned j = 0; j < i; j++) {
			const struct seg_plan_segment *t = &p->seg[j];

			if (s->mem + s->memsz > t->mem && s->mem < t->mem + t->memsz)
				return err_fail(msg, msglen, -EINVAL,
						"EINVAL: segment %u (0x%llx-0x%llx) overlaps segment "
						"%u (0x%llx-0x%llx)",
						i, (unsigned long long)s->mem,
						(unsigned long long)(s->mem + s->memsz), j,
						(unsigned long long)t->mem,
						(unsigned long long)(t->mem + t->memsz));
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (p->seg[i].bufsz > p->seg[i].memsz)
			return err_fail(msg, msglen, -EINVAL,
					"EINVAL: segment %u bufsz 0x%llx is larger than its memsz "
					"0x%llx",
					i, (unsigned long long)p->seg[i].bufsz,
					(unsigned long long)p->seg[i].memsz);
	for (unsigned i = 0; i < n; i++) {
		uint64_t pages = page_count(p->seg[i].memsz);

		if (pages > nr_pages / 2)
			return err_fail(msg, msglen, -EINVAL,
					"EINVAL: segment %u memsz 0x%llx (%llu pages) is more than "
					"half of RAM (%llu of %llu pages)",
					i, (unsigned long long)p->seg[i].memsz,
					(unsigned long long)pages,
					(unsigned long long)(nr_pages / 2),
					(unsigned long long)nr_pages);
		total_pages += pages;
	}
	if (total_pages > nr_pages / 2)
		return err_fail(msg, msglen, -EINVAL,
				"EINVAL: the segments take %llu pages together, more than half of "
				"RAM (%llu of %llu pages)",
				(unsigned long long)total_pages, (unsigned long long)(nr_pages / 2),
				(unsigned long long)nr_pages);
	if (p->flags & KEXEC_ON_CRASH) {
		for (unsigned i = 0; i < n; i++) {
			const struct seg_plan_segment *s = &p->seg[i];
			uint64_t last = s->mem + s->memsz - 1;

			if (s->mem < env->crash_start || last > env->crash_end)
				return err_fail(msg, msglen, -EADDRNOTAVAIL,
						"EADDRNOTAVAIL: segment %u (0x%llx-0x%llx) lies "
						"outside the crash kernel region 0x%llx-0x%llx",
						i, (unsigned long long)s->mem,
						(unsigned long long)last,
						(unsigned long long)env->crash_start,
						(unsigned long long)env->crash_end);
		}
	}
	return 0;
}

/* What the kernel leaves to user space. */
static int check_embark_rules(const struct seg_plan *p, const struct seg_check_env *env,
			      char *msg, size_t msglen)
{
	unsigned n = (unsigned)p->nr_segments;
	bool entry_inside = false;

	if (env->ram) {
		for (unsigned i = 0; i < n; i++) {
			const struct seg_plan_segment *s = &p->seg[i];

			if (s->memsz && !memmap_is_ram(env->ram, s->mem, s->mem + s->memsz))
				return err_fail(msg, msglen, -EADDRNOTAVAIL,
						"EADDRNOTAVAIL: segment %u (0x%llx-0x%llx) is not all "
						"System RAM in the memory map (embark's rule: the "
						"kernel would copy it there anyway, over firmware or "
						"device memory)",
						i, (unsigned long long)s->mem,
						(unsigned long long)(s->mem + s->memsz));
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (p->entry >= p->seg[i].mem && p->entry - p->seg[i].mem < p->seg[i].memsz)
			entry_inside = true;
	if (!entry_inside)
		return err_fail(msg, msglen, -EADDRNOTAVAIL,
				"EADDRNOTAVAIL: entry 0x%llx is in no segment (embark's rule: the "
				"kernel would jump to memory nothing was loaded into)",
				(unsigned long long)p->entry);
	return 0;
}

int seg_plan_check(const struct seg_plan *p, const struct seg_check_env *env, char *msg,
		   size_t msglen)
{
	int r = check_call(p, env, msg, msglen);

	if (r < 0)
		return r;
	/* nr_segments == 0 is kexec_load's "unload": valid, nothing else to check. */
	if (p->nr_segments == 0)
		return 0;
	r = check_segments(p, env, msg, msglen);
	if (r < 0)
		return r;
	return check_embark_rules(p, env, msg, msglen);
}
