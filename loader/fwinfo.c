/* Facts about the running machine that the segment path needs and kexec_file_load would have
 * looked up inside the kernel: the firmware memory map, the running kernel's RAM, the ACPI
 * RSDP, the firmware framebuffer, 5-level paging, total RAM and a fresh RNG seed. Each fact
 * says where it came from, or why it is missing, so that the log can say it too. */
#include "loader/segplan.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/sysinfo.h>

#define IOMEM_PATH "/proc/iomem"
#define IOMEM_MAX (256 * 1024)
#define CPUINFO_MAX (64 * 1024) /* the first CPU's "flags" line is well inside */
#define SYSTAB_PATH "/sys/firmware/efi/systab"
#define SYSTAB_MAX 4096
#define BOOT_PARAMS_DATA "/sys/kernel/boot_params/data"
#define FB0_NAME "/sys/class/graphics/fb0/name"
#define VIDEO_TYPE_VLFB 0x23 /* orig_video_isVGA: VESA linear framebuffer */
#define VIDEO_TYPE_EFI 0x70  /* orig_video_isVGA: EFI graphics output */
#define ORIG_VIDEO_ISVGA 0x0f

static uint64_t parse_hex_value(const char *s, size_t n)
{
	uint64_t v = 0;

	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return 0;
	for (size_t i = 2; i < n; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			break;
		if (v >> 60)
			return 0;
		v = v << 4 | d;
	}
	return v;
}

uint64_t fw_parse_efi_systab(const char *buf, size_t len)
{
	uint64_t acpi10 = 0;
	size_t pos = 0;

	for (unsigned lines = 0; pos < len && lines < 64; lines++) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl ? 1 : 0);
		if (n > 7 && memcmp(s, "ACPI20=", 7) == 0)
			return parse_hex_value(s + 7, n - 7);
		if (n > 5 && memcmp(s, "ACPI=", 5) == 0)
			acpi10 = parse_hex_value(s + 5, n - 5);
	}
	return acpi10;
}

bool fw_parse_cpuinfo_la57(const char *buf, size_t len)
{
	size_t pos = 0;

	for (unsigned lines = 0; pos < len && lines < 4096; lines++) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl ? 1 : 0);
		if (n < 6 || memcmp(s, "flags", 5) != 0 || (s[5] != '\t' && s[5] != ' '))
			continue;
		/* The kernel clears la57 from the flags unless it runs with CR4.LA57 set. */
		for (size_t i = 1; i + 4 <= n; i++)
			if (memcmp(s + i, "la57", 4) == 0 && s[i - 1] == ' ' &&
			    (i + 4 == n || s[i + 4] == ' '))
				return true;
		return false;
	}
	return false;
}

static void read_acpi(struct fw_facts *f, const uint8_t *bp_data, bool have_bp)
{
	char systab[SYSTAB_MAX + 1];
	ssize_t n = read_file_bounded(SYSTAB_PATH, systab, SYSTAB_MAX);

	if (n > 0) {
		f->acpi_rsdp = fw_parse_efi_systab(systab, (size_t)n);
		if (f->acpi_rsdp) {
			f->acpi_source = SYSTAB_PATH;
			return;
		}
	}
	if (have_bp) {
		f->acpi_rsdp = seg_get_le(bp_data + BP_ACPI_RSDP_ADDR, 8);
		if (f->acpi_rsdp) {
			f->acpi_source = "the running kernel's boot_params (" BOOT_PARAMS_DATA ")";
			return;
		}
	}
	f->acpi_source = "not known (no EFI systab, none in boot_params): left 0, the new kernel "
			 "scans the BIOS area for the RSDP itself";
}

/* screen_info is only handed on while the firmware's framebuffer is still the one in use
 * (efifb, vesafb, simplefb, simpledrm): then the running kernel's copy from the firmware is
 * still true. A native driver may have changed mode and address, so then it is left zero. */
static void read_screen(struct fw_facts *f, const uint8_t *bp_data, bool have_bp)
{
	static const char *const firmware_fbs[] = { "EFI VGA", "VESA VGA", "simple",
						    "simpledrmdrmfb" };
	char name[64];
	ssize_t n = read_file_bounded(FB0_NAME, name, sizeof(name) - 1);
	bool firmware_fb = false;

	if (n < 0) {
		f->screen_note = "no framebuffer console: screen_info left zero";
		return;
	}
	while (n > 0 && name[n - 1] == '\n')
		name[--n] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(firmware_fbs); i++)
		if (strcmp(name, firmware_fbs[i]) == 0)
			firmware_fb = true;
	if (!firmware_fb || !have_bp ||
	    (bp_data[ORIG_VIDEO_ISVGA] != VIDEO_TYPE_VLFB &&
	     bp_data[ORIG_VIDEO_ISVGA] != VIDEO_TYPE_EFI)) {
		f->screen_note = "the framebuffer is not the firmware's (or its description is "
				 "unknown): screen_info left zero, the new kernel's own driver "
				 "must set the mode";
		return;
	}
	memcpy(f->screen_info, bp_data + BP_SCREEN_INFO, BP_SCREEN_INFO_SIZE);
	f->have_screen_info = true;
	f->screen_note = "firmware framebuffer: screen_info from the running kernel's boot_params";
}

int fw_facts_read(struct fw_facts *f, const char *memmap_dir, char *why, size_t whylen)
{
	static char iomem[IOMEM_MAX + 1], cpuinfo[CPUINFO_MAX + 1];
	static uint8_t bp_data[BP_SIZE + 1];
	struct sysinfo si;
	ssize_t n;
	bool have_bp;
	int r;

	memset(f, 0, sizeof(*f));
	n = read_file_bounded(IOMEM_PATH, iomem, IOMEM_MAX);
	if (memmap_dir) {
		r = memmap_read_dir(memmap_dir, &f->firmware, why, whylen);
		if (r < 0)
			return r;
		f->map_source = memmap_dir;
	} else if (memmap_read_dir(FW_MEMMAP_DIR, &f->firmware, why, whylen) > 0) {
		f->map_source = FW_MEMMAP_DIR;
	} else {
		if (n < 0)
			return err_fail(why, whylen, (int)n,
					"no memory map: %s and %s cannot be read (%s)",
					FW_MEMMAP_DIR, IOMEM_PATH, strerror((int)-n));
		r = memmap_parse_iomem(iomem, (size_t)n, &f->firmware, NULL);
		if (r <= 0)
			return err_fail(why, whylen, r < 0 ? r : -ENOENT,
					"no memory map: %s is missing and %s %s", FW_MEMMAP_DIR,
					IOMEM_PATH,
					r == -EACCES ? "shows no addresses (run as root)"
						     : "lists no memory");
		f->map_source = IOMEM_PATH;
	}
	/* The running kernel's RAM matters only for this machine, not for a map from elsewhere. */
	if (!memmap_dir && n > 0 &&
	    memmap_parse_iomem(iomem, (size_t)n, &f->running, &f->crash) > 0 &&
	    memmap_ram_bytes(&f->running) > 0)
		f->have_running = true;

	if (memmap_dir)
		f->ram_bytes = memmap_ram_bytes(&f->firmware);
	else if (sysinfo(&si) == 0)
		f->ram_bytes = (uint64_t)si.totalram * si.mem_unit;
	n = read_file_bounded("/proc/cpuinfo", cpuinfo, CPUINFO_MAX);
	f->running_5level = n > 0 && fw_parse_cpuinfo_la57(cpuinfo, (size_t)n);

	n = read_file_bounded(BOOT_PARAMS_DATA, (char *)bp_data, BP_SIZE);
	have_bp = n == BP_SIZE;
	read_acpi(f, bp_data, have_bp);
	read_screen(f, bp_data, have_bp);
	/* A seed only when the kernel's generator is ready: a guessable seed would be
	 * credited as entropy by the next kernel. */
	f->have_rng_seed = getrandom(f->rng_seed, sizeof(f->rng_seed), GRND_NONBLOCK) ==
			   (ssize_t)sizeof(f->rng_seed);
	return 0;
}
