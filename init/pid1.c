/* PID 1: bring up userspace, wait (bounded) for boot media, boot the first entry that loads,
 * and never exit — a PID 1 that exits panics the kernel and leaves the operator nothing. */
#include "init/init.h"
#include "init/internal.h"
#include "loader/loader.h"
#include "util/util.h"
#include "version.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CMDLINE_READ_MAX 4096
#define SCAN_INTERVAL_MS 100
#define IDLE_RESCAN_MS 2000

static struct boot_list entries;
static struct keyring keyring;
static struct policy policy;
static char kernel_cmdline[CMDLINE_READ_MAX + 1];

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void reap_children(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void load_policy(struct policy *p)
{
	static char buf[POLICY_MAX_BYTES + 1];
	char err[160];
	ssize_t n;

	policy_defaults(p);
	n = read_file_bounded("/etc/embark/policy", buf, POLICY_MAX_BYTES);
	if (n >= 0 && policy_parse(buf, (size_t)n, p, err, sizeof(err)) < 0) {
		elog(LOG_ERR, "/etc/embark/policy: %s; using the defaults for the rest", err);
	} else if (n < 0 && n != -ENOENT) {
		elog(LOG_ERR, "/etc/embark/policy: %s (%s); using the defaults", errno_name((int)n),
		     strerror((int)-n));
	}
	policy_apply_cmdline(p, kernel_cmdline);
	elog(LOG_INFO, "policy: device_timeout=%us settle_ms=%u require_signatures=%s",
	     p->device_timeout_ms / 1000, p->settle_ms, p->require_signatures ? "yes" : "no");
}

/* Waits for media until entries exist and no new device showed up for settle_ms, or the
 * device timeout passed. */
static void wait_for_media(const struct policy *p)
{
	uint64_t start = monotonic_ms(), last_new = start;

	for (;;) {
		uint64_t now;

		if (media_scan(&entries) > 0)
			last_new = monotonic_ms();
		reap_children();
		now = monotonic_ms();
		if (entries.n > 0 && now - last_new >= p->settle_ms)
			return;
		if (now - start >= p->device_timeout_ms)
			return;
		sleep_ms(SCAN_INTERVAL_MS);
	}
}

/* Loads ENTRY with kexec_file_load and reboots into it; returns only on failure, having said
 * why. */
static void boot_entry(const struct boot_entry *e)
{
	char kpath[BOOT_PATH_MAX * 2], ipaths[BOOT_MAX_INITRDS][BOOT_PATH_MAX * 2];
	const char *iptr[BOOT_MAX_INITRDS];
	static const unsigned char fdt_magic[4] = { 0xd0, 0x0d, 0xfe, 0xed };
	unsigned char magic[4];
	int kfd = -1, ifd = -1, r;
	size_t bad;

	elog(LOG_INFO, "booting '%s' (%s%s)", e->title, e->root, e->source);
	if (e->format == BOOT_FORMAT_FIT)
		goto fit;
	if (path_join(kpath, sizeof(kpath), e->root, e->kernel) < 0) {
		elog(LOG_ERR, "entry '%s': kernel path too long", e->title);
		goto out;
	}
	kfd = open(kpath, O_RDONLY | O_CLOEXEC);
	if (kfd < 0) {
		elog(LOG_ERR, "entry '%s' (%s): kernel %s: %s (%s)", e->title, e->source, kpath,
		     errno_name(errno), strerror(errno));
		goto out;
	}
	/* An entry may name a FIT as its kernel: it is then booted (and verified) as one. */
	if (pread(kfd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, fdt_magic, sizeof(magic)) == 0) {
		if (e->n_initrds)
			elog(LOG_WARN, "entry '%s' (%s): its kernel %s is a FIT image: the FIT's own "
				       "ramdisk is used, the entry's %u initrd line%s ignored",
			     e->title, e->source, kpath, e->n_initrds, e->n_initrds == 1 ? " is" : "s are");
		goto fit;
	}
	if (policy.require_signatures) {
		elog(LOG_ERR, "entry '%s' (%s): refused: the policy requires signatures and a %s "
			      "entry carries none; boot a signed FIT instead",
		     e->title, e->source, boot_format_name(e->format));
		goto out;
	}
	for (unsigned i = 0; i < e->n_initrds; i++) {
		if (path_join(ipaths[i], sizeof(ipaths[i]), e->root, e->initrds[i]) < 0) {
			elog(LOG_ERR, "entry '%s' (%s): initrd path too long", e->title, e->source);
			goto out;
		}
		iptr[i] = ipaths[i];
	}
	if (e->n_initrds) {
		ifd = loader_open_initrds(iptr, e->n_initrds, &bad);
		if (ifd < 0) {
			elog(LOG_ERR, "entry '%s' (%s): initrd %s: %s (%s)", e->title, e->source,
			     iptr[bad], errno_name(ifd), strerror(-ifd));
			goto out;
		}
	}
	elog(LOG_INFO, "kexec_file_load: kernel %s, %u initrd%s, cmdline \"%s\"", kpath,
	     e->n_initrds, e->n_initrds == 1 ? "" : "s", e->cmdline);
	r = loader_kexec_file(kfd, ifd, e->cmdline);
	if (r < 0) {
		elog(LOG_ERR, "entry '%s': kexec_file_load failed: %s (%s): %s", e->title,
		     errno_name(r), strerror(-r), loader_explain(r));
		goto out;
	}
	goto reboot;
fit:
	if (fitboot_load(e, &keyring, &policy) != 0)
		goto out;
reboot:
	elog(LOG_INFO, "loaded; rebooting into '%s'", e->title);
	r = loader_kexec_reboot();
	elog(LOG_ERR, "reboot into the loaded kernel failed: %s (%s)", errno_name(r), strerror(-r));
out:
	if (kfd >= 0)
		close(kfd);
	if (ifd >= 0)
		close(ifd);
}

/* Tries entries FROM..N in order; returns after all of them failed. */
static unsigned boot_in_order(unsigned from)
{
	for (unsigned i = from; i < entries.n; i++)
		boot_entry(&entries.entries[i]);
	return entries.n;
}

int pid1_main(int argc, char **argv)
{
	unsigned tried;
	int nkeys;
	ssize_t n;

	early_mounts();
	n = read_file_bounded("/proc/cmdline", kernel_cmdline, CMDLINE_READ_MAX);
	if (n < 0)
		kernel_cmdline[0] = '\0';
	console_setup(kernel_cmdline);
	log_open();
	/* The kernel delivers to PID 1 only signals it has handlers for; until the menu and
	 * recovery shell define what SIGINT/SIGTERM mean, they are ignored explicitly. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	elog(LOG_INFO, "embark %s starting as PID 1", EMBARK_VERSION);
	boot_list_init(&entries);
	load_policy(&policy);
	keyring_init(&keyring);
	nkeys = keys_load(&keyring);
	elog(LOG_INFO, "keyring: %d key%s from %s%s", nkeys, nkeys == 1 ? "" : "s", KEYS_DIR,
	     nkeys ? ": FIT images must verify" : "");
	modules_load_list("/etc/embark/modules");
	wait_for_media(&policy);
	if (entries.n == 0)
		elog(LOG_ERR, "no boot entries found within %us; looked for loader/entries/*.conf "
			      "on every readable filesystem (see above). Waiting for more devices",
		     policy.device_timeout_ms / 1000);
	else
		elog(LOG_INFO, "%u boot entr%s found", entries.n, entries.n == 1 ? "y" : "ies");
	tried = boot_in_order(0);
	if (entries.n)
		elog(LOG_ERR, "no entry could be booted (reasons above); waiting for more devices");
	for (;;) {
		reap_children();
		sleep_ms(IDLE_RESCAN_MS);
		if (media_scan(&entries) > 0 && entries.n > tried)
			tried = boot_in_order(tried);
	}
}
