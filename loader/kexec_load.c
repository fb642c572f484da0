/* kexec_load(2), and the segment path from two file descriptors to a loaded kernel: read the
 * bytes (from the fds given: a sealed memfd is mapped, so the bytes verified are the bytes
 * loaded; anything else is copied into private memory first, so the bytes hashed for the
 * purgatory are the bytes the kernel copies), gather the machine's facts, plan, check, load. */
#include "loader/loader.h"
#include "loader/segplan.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef F_GET_SEALS
#define F_GET_SEALS 1034
#endif
#ifndef F_SEAL_WRITE
#define F_SEAL_WRITE 0x0008
#define F_SEAL_SHRINK 0x0002
#endif
/* Far more than any kernel or initrd; the half-of-RAM rule limits them further. */
#define LOADER_IMAGE_MAX ((size_t)1 << 34)

/* struct kexec_segment of include/uapi/linux/kexec.h */
struct kexec_segment_uapi {
	const void *buf;
	size_t bufsz;
	const void *mem;
	size_t memsz;
};

int loader_kexec_segments(const struct seg_plan *plan)
{
	struct kexec_segment_uapi segs[KEXEC_SEGMENT_MAX];
	unsigned n = plan->nr_segments < KEXEC_SEGMENT_MAX ? (unsigned)plan->nr_segments
							   : KEXEC_SEGMENT_MAX;

	for (unsigned i = 0; i < n; i++) {
		segs[i].buf = plan->seg[i].buf;
		segs[i].bufsz = (size_t)plan->seg[i].bufsz;
		segs[i].mem = (const void *)(uintptr_t)plan->seg[i].mem;
		segs[i].memsz = (size_t)plan->seg[i].memsz;
	}
	if (syscall(SYS_kexec_load, (unsigned long)plan->entry, (unsigned long)n, segs,
		    (unsigned long)plan->flags) != 0)
		return -errno;
	return 0;
}

const char *loader_explain_segments(int err)
{
	switch (err < 0 ? -err : err) {
	case EPERM:
		return "kexec_load is not permitted: it needs CAP_SYS_BOOT and "
		       "kernel.kexec_load_disabled=0, and kernel lockdown forbids it altogether "
		       "(only a signed kernel through kexec_file_load may be booted then)";
	case ENOSYS:
		return "the running kernel has no kexec_load (built without CONFIG_KEXEC)";
	case EINVAL:
	case EADDRNOTAVAIL:
		return "the running kernel refused embark's segment list although embark's "
		       "validator accepted it: please report this with `embark segments --json`";
	case EBUSY:
		return "another kexec load is in progress, or a crash kernel is in use";
	case ENOMEM:
		return "the running kernel could not allocate memory for the segments";
	case EFAULT:
		return "bad buffer address passed to the kernel (a bug in embark: please report "
		       "it)";
	}
	return loader_explain(err);
}

static void image_release(struct image_bytes *b)
{
	if (b->map && b->map != MAP_FAILED)
		munmap(b->map, b->map_len);
	memset(b, 0, sizeof(*b));
}

/* The bytes of FD, from offset 0. */
static int image_read(int fd, struct image_bytes *b)
{
	struct stat st;
	int seals;

	memset(b, 0, sizeof(*b));
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	if (st.st_size == 0)
		return -ENODATA;
	if ((uint64_t)st.st_size > LOADER_IMAGE_MAX)
		return -EFBIG;
	b->len = b->map_len = (size_t)st.st_size;
	seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && (seals & F_SEAL_WRITE) && (seals & F_SEAL_SHRINK)) {
		b->map = mmap(NULL, b->map_len, PROT_READ, MAP_SHARED, fd, 0);
		if (b->map == MAP_FAILED)
			return -errno;
		b->data = b->map;
		return 0;
	}
	b->map = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		      0);
	if (b->map == MAP_FAILED)
		return -errno;
	b->data = b->map;
	return pread_exact(fd, b->map, b->len, 0);
}

static const char *segment_addr(const struct seg_build *b, const char *role, char *buf,
				size_t cap)
{
	for (unsigned i = 0; i < b->plan.nr_segments; i++)
		if (strcmp(b->plan.seg[i].role, role) == 0) {
			snprintf(buf, cap, "0x%llx", (unsigned long long)b->plan.seg[i].mem);
			return buf;
		}
	return "none";
}

int seg_job_plan(struct seg_job *job, int kernel_fd, int initrd_fd, const char *cmdline,
		 const char *memmap_dir, char *msg, size_t msglen)
{
	struct fw_facts *facts = &job->facts;
	struct seg_inputs in;
	char why[512];
	int r;

	memset(&job->kernel, 0, sizeof(job->kernel));
	memset(&job->initrd, 0, sizeof(job->initrd));
	r = image_read(kernel_fd, &job->kernel);
	if (r < 0)
		return err_fail(msg, msglen, r, "kexec_load path: reading the kernel: %s (%s)",
				errno_name(r),
				r == -ENODATA ? "the file is empty" : strerror(-r));
	if (initrd_fd >= 0) {
		r = image_read(initrd_fd, &job->initrd);
		if (r < 0)
			return err_fail(msg, msglen, r,
					"kexec_load path: reading the initrd: %s (%s)",
					errno_name(r),
					r == -ENODATA ? "the file is empty" : strerror(-r));
	}
	r = fw_facts_read(facts, memmap_dir, why, sizeof(why));
	if (r < 0)
		return err_fail(msg, msglen, r, "kexec_load path: %s", why);
	memset(&in, 0, sizeof(in));
	in.kernel = job->kernel.data;
	in.kernel_len = job->kernel.len;
	in.initrd = job->initrd.data;
	in.initrd_len = job->initrd.len;
	in.cmdline = cmdline;
	in.firmware_map = &facts->firmware;
	in.running_ram = facts->have_running ? &facts->running : NULL;
	in.ram_bytes = facts->ram_bytes;
	in.running_5level = facts->running_5level;
	in.acpi_rsdp = facts->acpi_rsdp;
	in.screen_info = facts->have_screen_info ? facts->screen_info : NULL;
	in.rng_seed = facts->have_rng_seed ? facts->rng_seed : NULL;
	in.purgatory = loader_purgatory_image;
	in.purgatory_len = loader_purgatory_len;
	r = seg_plan_bzimage(&in, &job->build, why, sizeof(why));
	if (r < 0)
		return err_fail(msg, msglen, r, "kexec_load path: %s: %s", errno_name(r), why);
	return 0;
}

void seg_job_release(struct seg_job *job)
{
	image_release(&job->kernel);
	image_release(&job->initrd);
}

int loader_load_segments(int kernel_fd, int initrd_fd, const char *cmdline, char *msg,
			 size_t msglen)
{
	/* Static: the job holds the boot_params and purgatory copies and the memory maps
	 * (tens of KiB); PID 1 loads one kernel at a time. */
	static struct seg_job job;
	const struct seg_build *b = &job.build;
	char a[24], p[24];
	uint64_t lowest = 0, end = 0;
	int r;

	r = seg_job_plan(&job, kernel_fd, initrd_fd, cmdline, NULL, msg, msglen);
	if (r < 0)
		goto out;
	r = loader_kexec_segments(&b->plan);
	if (r < 0) {
		err_fail(msg, msglen, r, "kexec_load failed: %s (%s): %s", errno_name(r),
			 strerror(-r), loader_explain_segments(r));
		goto out;
	}
	for (unsigned i = 0; i < b->plan.nr_segments; i++) {
		const struct seg_plan_segment *sg = &b->plan.seg[i];

		if (i == 0 || sg->mem < lowest)
			lowest = sg->mem;
		if (sg->mem + sg->memsz > end)
			end = sg->mem + sg->memsz;
	}
	err_fail(msg, msglen, 0,
		 "kexec_load: %u segments in 0x%llx-0x%llx, kernel at 0x%llx (entry 0x%llx), "
		 "initrd at %s, boot_params at 0x%llx, purgatory at %s; memory map from %s%s; "
		 "acpi_rsdp 0x%llx (%s); %s",
		 (unsigned)b->plan.nr_segments, (unsigned long long)lowest,
		 (unsigned long long)end, (unsigned long long)b->kernel_addr,
		 (unsigned long long)b->kernel_entry, segment_addr(b, "initrd", a, sizeof(a)),
		 (unsigned long long)b->bootparams_addr, segment_addr(b, "purgatory", p, sizeof(p)),
		 job.facts.map_source,
		 job.facts.have_running ? " within the running kernel's RAM" : "",
		 (unsigned long long)job.facts.acpi_rsdp, job.facts.acpi_source,
		 job.facts.have_rng_seed ? "RNG seed passed" : "no RNG seed (entropy not ready)");
out:
	seg_job_release(&job);
	return r;
}
