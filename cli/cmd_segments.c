/* embark segments — embark's kexec_load path, without loading anything.
 *
 *   embark segments --kernel BZIMAGE [--initrd F]... [--cmdline S] [--memmap DIR] [--json]
 *     prints the segment list PID 1 would hand kexec_load (with --json, the plan as JSON,
 *     which --check reads back). Exit 0, 1 when the image or the map is refused, 2 on usage
 *     or I/O errors.
 *   embark segments --check PLAN.json [--memmap DIR] [--ram-bytes N] [--crash-region S-E]
 *     applies kexec_load's rules and embark's (segments in System RAM of the map) to a plan:
 *     "OK" and exit 0, or one line that starts with the errno the kernel would return
 *     ("EADDRNOTAVAIL: segment 2 mem 0x1001 is not page aligned ...") and exit 1.
 *
 * --memmap DIR reads a map laid out like /sys/firmware/memmap (N/start, N/end, N/type);
 * without it this machine's map is used (and, for planning, the running kernel's RAM from
 * /proc/iomem). --ram-bytes is the RAM the half-of-RAM rule counts (default: the map's RAM
 * with --memmap, this machine's otherwise). --crash-region START-END is the reserved crash
 * kernel region in hexadecimal, END inclusive, as /proc/iomem prints it. */
#include "cli/cli.h"
#include "loader/loader.h"
#include "loader/segplan.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE                                                                               \
	"usage: embark segments --kernel BZIMAGE [--initrd F]... [--cmdline S] [--memmap DIR] " \
	"[--json]\n"                                                                        \
	"       embark segments --check PLAN.json [--memmap DIR] [--ram-bytes N] "          \
	"[--crash-region START-END]"

struct seg_args {
	const char *kernel, *check, *memmap, *cmdline, *ram_bytes, *crash;
	const char *initrds[LOADER_MAX_INITRDS];
	size_t n_initrds;
	bool json;
};

/* "--opt VALUE" or "--opt=VALUE": returns the value and advances *I, or NULL. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int parse_args(int argc, char **argv, struct seg_args *a)
{
	memset(a, 0, sizeof(*a));
	a->cmdline = "";
	for (int i = 1; i < argc; i++) {
		const char *v;

		if (strcmp(argv[i], "--json") == 0)
			a->json = true;
		else if ((v = opt_value(argc, argv, &i, "--kernel")))
			a->kernel = v;
		else if ((v = opt_value(argc, argv, &i, "--check")))
			a->check = v;
		else if ((v = opt_value(argc, argv, &i, "--memmap")))
			a->memmap = v;
		else if ((v = opt_value(argc, argv, &i, "--cmdline")))
			a->cmdline = v;
		else if ((v = opt_value(argc, argv, &i, "--ram-bytes")))
			a->ram_bytes = v;
		else if ((v = opt_value(argc, argv, &i, "--crash-region")))
			a->crash = v;
		else if ((v = opt_value(argc, argv, &i, "--initrd"))) {
			if (a->n_initrds >= LOADER_MAX_INITRDS)
				return cli_usage("segments", "at most %d --initrd", LOADER_MAX_INITRDS);
			a->initrds[a->n_initrds++] = v;
		} else {
			return cli_usage("segments", "unexpected argument '%s'\n%s", argv[i], USAGE);
		}
	}
	if (!a->kernel == !a->check)
		return cli_usage("segments", "give either --kernel or --check\n%s", USAGE);
	if (a->check && (a->n_initrds || a->json || strcmp(a->cmdline, "") != 0))
		return cli_usage("segments", "--check takes no --initrd, --cmdline or --json\n%s",
				 USAGE);
	if (a->kernel && (a->ram_bytes || a->crash))
		return cli_usage("segments", "--ram-bytes and --crash-region go with --check\n%s",
				 USAGE);
	return 0;
}

/* A decimal or 0x-hexadecimal unsigned number, all of S. */
static int parse_u64(const char *s, int base, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, base);
	return errno || *end ? -EINVAL : 0;
}

static int parse_crash(const char *s, uint64_t *start, uint64_t *last)
{
	char first[32];
	const char *dash = strchr(s, '-');

	if (!dash || (size_t)(dash - s) >= sizeof(first))
		return -EINVAL;
	memcpy(first, s, (size_t)(dash - s));
	first[dash - s] = '\0';
	if (parse_u64(first, 16, start) < 0 || parse_u64(dash + 1, 16, last) < 0 ||
	    *last < *start)
		return -EINVAL;
	return 0;
}

static int run_check(const struct seg_args *a)
{
	static char buf[SEG_PLAN_JSON_MAX + 1];
	static struct seg_plan plan;
	static struct fw_facts facts;
	struct seg_check_env env;
	char msg[512];
	ssize_t n;
	int r;

	n = read_file_bounded(a->check, buf, SEG_PLAN_JSON_MAX);
	if (n < 0) {
		fprintf(stderr, "embark segments: %s: %s (%s)\n", a->check, errno_name((int)n),
			n == -EFBIG ? "larger than 1 MiB" : strerror((int)-n));
		return 2;
	}
	r = seg_plan_parse_json(buf, (size_t)n, &plan, msg, sizeof(msg));
	if (r < 0) {
		fprintf(stderr, "embark segments: %s: not a plan: %s\n", a->check, msg);
		return 1;
	}
	memset(&env, 0, sizeof(env));
	env.arch = KEXEC_ARCH_NATIVE;
	r = fw_facts_read(&facts, a->memmap, msg, sizeof(msg));
	if (r < 0 && a->memmap) {
		fprintf(stderr, "embark segments: --memmap: %s\n", msg);
		return 2;
	}
	if (r == 0) {
		env.ram = &facts.firmware;
		env.ram_bytes = facts.ram_bytes;
		env.dest_limit = facts.running_5level ? KEXEC_DEST_LIMIT_5LEVEL
						      : KEXEC_DEST_LIMIT_4LEVEL;
		if (!a->memmap && facts.crash.end > facts.crash.start) {
			env.have_crash = true;
			env.crash_start = facts.crash.start;
			env.crash_end = facts.crash.end - 1;
		}
	} else {
		fprintf(stderr, "embark segments: note: no memory map (%s): the System RAM check "
				"is skipped\n", msg);
		env.dest_limit = KEXEC_DEST_LIMIT_4LEVEL;
	}
	if (a->ram_bytes && parse_u64(a->ram_bytes, 0, &env.ram_bytes) < 0)
		return cli_usage("segments", "--ram-bytes '%s': give a byte count (decimal or "
					     "0x...)", a->ram_bytes);
	if (!env.ram_bytes)
		return cli_usage("segments", "the RAM size is unknown: give --ram-bytes N");
	if (a->crash) {
		if (parse_crash(a->crash, &env.crash_start, &env.crash_end) < 0)
			return cli_usage("segments", "--crash-region '%s': give START-END in "
						     "hexadecimal, END inclusive (as /proc/iomem)",
					 a->crash);
		env.have_crash = true;
	}
	r = seg_plan_check(&plan, &env, msg, sizeof(msg));
	if (r < 0) {
		printf("%s\n", msg);
		return 1;
	}
	printf("OK\n");
	return 0;
}

static void print_plan(const struct seg_job *job, const char *kernel, const char *cmdline)
{
	const struct seg_build *b = &job->build;
	const struct fw_facts *f = &job->facts;

	printf("kexec_load plan for %s: boot protocol %u.%02u, init_size 0x%x, "
	       "kernel_alignment 0x%x, pref_address 0x%llx, xloadflags 0x%x\n",
	       kernel, b->bz.version >> 8, b->bz.version & 0xff, b->bz.init_size,
	       b->bz.kernel_alignment, (unsigned long long)b->bz.pref_address, b->bz.xloadflags);
	printf("memory map: %s, %u entries, 0x%llx bytes of RAM%s\n", f->map_source,
	       f->firmware.n, (unsigned long long)memmap_ram_bytes(&f->firmware),
	       f->have_running ? "; segments kept within the running kernel's RAM (/proc/iomem)"
			       : "");
	printf("  #  %-10s  %-18s  %-12s  %s\n", "role", "mem", "memsz", "bufsz");
	for (unsigned i = 0; i < b->plan.nr_segments; i++) {
		const struct seg_plan_segment *s = &b->plan.seg[i];

		printf("  %u  %-10s  0x%016llx  0x%-10llx  0x%llx\n", i, s->role,
		       (unsigned long long)s->mem, (unsigned long long)s->memsz,
		       (unsigned long long)s->bufsz);
	}
	printf("entry 0x%llx (purgatory), flags 0x%llx (KEXEC_ARCH_X86_64)\n",
	       (unsigned long long)b->plan.entry, (unsigned long long)b->plan.flags);
	printf("kernel entry (startup_64) 0x%llx, boot_params 0x%llx, cmdline 0x%llx (%zu "
	       "bytes), setup_data 0x%llx, e820 entries %u\n",
	       (unsigned long long)b->kernel_entry, (unsigned long long)b->bootparams_addr,
	       (unsigned long long)b->cmdline_addr, strlen(cmdline),
	       (unsigned long long)b->setup_data_addr, b->e820_entries);
	printf("acpi_rsdp_addr 0x%llx: %s\n", (unsigned long long)f->acpi_rsdp, f->acpi_source);
	printf("screen_info: %s\n", f->screen_note);
	printf("RNG seed: %s\n", f->have_rng_seed ? "passed (SETUP_RNG_SEED, 32 bytes)"
						  : "none: the kernel's generator is not ready");
}

static int run_plan(const struct seg_args *a)
{
	static struct seg_job job;
	char msg[768];
	size_t bad = 0;
	int kfd, ifd = -1, r, status;

	kfd = open(a->kernel, O_RDONLY | O_CLOEXEC);
	if (kfd < 0) {
		fprintf(stderr, "embark segments: %s: %s (%s)\n", a->kernel, errno_name(errno),
			strerror(errno));
		return 2;
	}
	if (a->n_initrds) {
		ifd = loader_open_initrds(a->initrds, a->n_initrds, &bad);
		if (ifd < 0) {
			fprintf(stderr, "embark segments: %s: %s (%s)\n", a->initrds[bad],
				errno_name(ifd), strerror(-ifd));
			close(kfd);
			return 2;
		}
	}
	r = seg_job_plan(&job, kfd, ifd, a->cmdline, a->memmap, msg, sizeof(msg));
	if (r < 0) {
		fprintf(stderr, "embark segments: %s: %s\n", a->kernel, msg);
		status = r == -ENOEXEC || r == -E2BIG || r == -ENOMEM || r == -EINVAL ||
				 r == -EADDRNOTAVAIL || r == -ENODATA
			 ? 1
			 : 2;
		goto out;
	}
	if (a->json)
		seg_plan_write_json(stdout, &job.build.plan);
	else
		print_plan(&job, a->kernel, a->cmdline);
	status = 0;
out:
	seg_job_release(&job);
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	return status;
}

int cmd_segments(int argc, char **argv)
{
	struct seg_args a;
	int r = parse_args(argc, argv, &a);

	if (r)
		return r;
	return a.check ? run_check(&a) : run_plan(&a);
}
