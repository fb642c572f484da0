/* PID 1: bring up userspace, wait (bounded) for boot media, boot the first entry that loads,
 * and never exit — a PID 1 that exits panics the kernel and leaves the operator nothing. */
#include "init/init.h"
#include "init/internal.h"
#include "loader/loader.h"
#include "util/util.h"
#include "version.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/reboot.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CMDLINE_READ_MAX 4096
#define SCAN_INTERVAL_MS 100
#define IDLE_RESCAN_MS 2000
#define MENU_DEFAULT_TIMEOUT_S 5 /* neither the policy nor a boot config set one */

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
	elog(LOG_INFO, "policy: device_timeout=%us settle_ms=%u require_signatures=%s loader=%s",
	     p->device_timeout_ms / 1000, p->settle_ms, p->require_signatures ? "yes" : "no",
	     loader_mode_name(p->loader));
}

/* An entry whose files are on a device that has not appeared (grub's `search`). */
static int pending_devices(void)
{
	int n = 0;

	for (unsigned i = 0; i < entries.n; i++)
		if (entries.entries[i].device != BOOT_DEVICE_SELF &&
		    !media_resolve(entries.entries[i].device, entries.entries[i].device_value))
			n++;
	return n;
}

/* --- signals, as an init handles them (README.md, "What embark does at boot") ----------
 * SIGINT (Ctrl-Alt-Del, which the kernel turns into SIGINT for PID 1 once CAD is disabled)
 * and SIGTERM reboot, SIGUSR2 powers off, SIGUSR1 rescans devices now. The handlers only set
 * flags; handle_signals() acts on them at the next safe point (at most a refresh tick). */
static volatile sig_atomic_t sig_reboot, sig_poweroff, sig_rescan;

static void on_signal(int sig)
{
	if (sig == SIGINT || sig == SIGTERM)
		sig_reboot = 1;
	else if (sig == SIGUSR2)
		sig_poweroff = 1;
	else if (sig == SIGUSR1)
		sig_rescan = 1;
}

static void init_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: a waiting poll() returns at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	reboot(RB_DISABLE_CAD);
}

/* Returns 1 when a rescan was asked for; reboots or powers off when that was. */
static int handle_signals(void)
{
	if (sig_reboot || sig_poweroff) {
		elog(LOG_INFO, "%s requested by a signal", sig_poweroff ? "power off" : "reboot");
		event_log("signal", "", sig_poweroff ? "poweroff" : "reboot");
		console_mode(CONSOLE_COOKED);
		sync();
		reboot(sig_poweroff ? RB_POWER_OFF : RB_AUTOBOOT);
		elog(LOG_ERR, "reboot(2) failed: %s (%s)", errno_name(errno), strerror(errno));
		sig_reboot = sig_poweroff = 0;
	}
	if (sig_rescan) {
		sig_rescan = 0;
		elog(LOG_INFO, "SIGUSR1: rescanning devices");
		return 1;
	}
	return 0;
}

/* Boot counting (BLS "ID+LEFT-DONE.conf"): one attempt is counted by renaming the entry file
 * before the kexec, as systemd-boot does, and only when the policy allows disk writes. */
static void count_boot_attempt(const struct boot_entry *e)
{
	char path[BOOT_PATH_MAX * 2], newname[256], *slash;
	int r;

	if (e->format != BOOT_FORMAT_BLS || e->tries_left < 0)
		return;
	if (!policy.allow_writes) {
		elog(LOG_INFO, "entry '%s': boot counting not recorded (%d tries left): the policy "
			       "does not allow writes (allow_writes = no)", e->title, e->tries_left);
		return;
	}
	if (path_join(path, sizeof(path), e->root, e->source) < 0 || !(slash = strrchr(path, '/')))
		return;
	*slash = '\0';
	r = media_remount(e->root, 1);
	if (r == 0) {
		r = bls_count_attempt(path, slash + 1, newname, sizeof(newname));
		media_remount(e->root, 0);
	}
	if (r < 0)
		elog(LOG_WARN, "entry '%s': boot counting: %s (%s); booting anyway", e->title,
		     errno_name(r), strerror(-r));
	else if (r > 0)
		elog(LOG_INFO, "entry '%s': boot attempt counted: renamed to %s", e->title, newname);
}

/* Waits for media until entries exist, none waits for a device a configuration named, and no
 * new device showed up for settle_ms; or until the device timeout passed. Late devices are
 * still picked up by the menu. */
static void wait_for_media(const struct policy *p)
{
	uint64_t start = monotonic_ms(), last_new = start;

	for (;;) {
		uint64_t now;

		handle_signals();
		devices_hotplug();
		if (media_scan(&entries) > 0)
			last_new = monotonic_ms();
		reap_children();
		now = monotonic_ms();
		if (entries.n > 0 && now - last_new >= p->settle_ms && pending_devices() == 0)
			return;
		if (now - start >= p->device_timeout_ms)
			return;
		sleep_ms(SCAN_INTERVAL_MS);
	}
}

/* Loads entry E (with CMDLINE instead of its own when not NULL) and reboots into it; returns
 * only on failure, with -errno, having said why. */
static int boot_entry(const struct boot_entry *entry, const char *cmdline)
{
	static struct boot_entry resolved;
	const struct boot_entry *e = entry;
	char kpath[BOOT_PATH_MAX * 2], ipaths[BOOT_MAX_INITRDS][BOOT_PATH_MAX * 2];
	const char *iptr[BOOT_MAX_INITRDS];
	static char load_msg[LOADER_MSG_MAX];
	int kfd = -1, ifd = -1, r = 0;
	size_t bad;

	elog(LOG_INFO, "booting '%s' (%s%s)", e->title, e->root, e->source);
	event_log("boot", e->title, e->source);
	r = -ENOEXEC;
	if (e->unbootable[0]) {
		elog(LOG_ERR, "entry '%s' (%s): cannot be booted: %s", e->title, e->source,
		     e->unbootable);
		goto out;
	}
	/* Paths that grub's `search` put on another filesystem live where that one is mounted. */
	if (e->device != BOOT_DEVICE_SELF) {
		const char *root = media_resolve(e->device, e->device_value);

		r = -ENODEV;
		if (!root) {
			elog(LOG_ERR, "entry '%s' (%s): its files are on %s, which has not appeared; "
				      "attach that disk, or press r in the menu to rescan",
			     e->title, e->source, media_spec(e->device, e->device_value));
			goto out;
		}
		resolved = *e;
		snprintf(resolved.root, sizeof(resolved.root), "%s", root);
		e = &resolved;
	}
	if (cmdline) {
		if (e != &resolved) {
			resolved = *e;
			e = &resolved;
		}
		snprintf(resolved.cmdline, sizeof(resolved.cmdline), "%s", cmdline);
		elog(LOG_INFO, "entry '%s': command line edited on the console", e->title);
	}
	if (netboot_is_url(e->root)) {
		r = netboot_load(e, &keyring, &policy, cmdline != NULL);
		if (r != 0)
			goto out;
		goto reboot;
	}
	if (e->format == BOOT_FORMAT_FIT)
		goto fit;
	if (path_join(kpath, sizeof(kpath), e->root, e->kernel) < 0) {
		elog(LOG_ERR, "entry '%s': kernel path too long", e->title);
		goto out;
	}
	kfd = open(kpath, O_RDONLY | O_CLOEXEC);
	if (kfd < 0) {
		r = -errno;
		elog(LOG_ERR, "entry '%s' (%s): kernel %s: %s (%s)", e->title, e->source, kpath,
		     errno_name(r), strerror(-r));
		goto out;
	}
	/* An entry may name a FIT as its kernel: it is then booted (and verified) as one. */
	if (fitboot_is_fit(kfd)) {
		if (e->n_initrds)
			elog(LOG_WARN, "entry '%s' (%s): its kernel %s is a FIT image: the FIT's own "
				       "ramdisk is used, the entry's %u initrd line%s ignored",
			     e->title, e->source, kpath, e->n_initrds, e->n_initrds == 1 ? " is" : "s are");
		goto fit;
	}
	if (policy.require_signatures) {
		r = -EKEYREJECTED;
		elog(LOG_ERR, "entry '%s' (%s): refused: the policy requires signatures and a %s "
			      "entry carries none; boot a signed FIT instead",
		     e->title, e->source, boot_format_name(e->format));
		goto out;
	}
	for (unsigned i = 0; i < e->n_initrds; i++) {
		if (path_join(ipaths[i], sizeof(ipaths[i]), e->root, e->initrds[i]) < 0) {
			r = -ENAMETOOLONG;
			elog(LOG_ERR, "entry '%s' (%s): initrd path too long", e->title, e->source);
			goto out;
		}
		iptr[i] = ipaths[i];
	}
	if (e->n_initrds) {
		ifd = loader_open_initrds(iptr, e->n_initrds, &bad);
		if (ifd < 0) {
			r = ifd;
			elog(LOG_ERR, "entry '%s' (%s): initrd %s: %s (%s)", e->title, e->source,
			     iptr[bad], errno_name(ifd), strerror(-ifd));
			goto out;
		}
	}
	elog(LOG_INFO, "%s: kernel %s, %u initrd%s, cmdline \"%s\"",
	     policy.loader == LOADER_SEGMENTS ? "kexec_load" : "kexec_file_load", kpath,
	     e->n_initrds, e->n_initrds == 1 ? "" : "s", e->cmdline);
	count_boot_attempt(e);
	r = loader_load(kfd, ifd, e->cmdline, policy.loader, load_msg, sizeof(load_msg));
	if (r < 0) {
		elog(LOG_ERR, "entry '%s': %s", e->title, load_msg);
		goto out;
	}
	elog(LOG_INFO, "%s", load_msg);
	goto reboot;
fit:
	r = fitboot_load(e, &keyring, &policy, cmdline != NULL);
	if (r != 0)
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
	if (r < 0)
		event_log("boot_failed", entry->title, log_last_error());
	return r < 0 ? r : -EIO;
}

/* Whether E's kernel file is a FIT (booted and verified as one; see boot_entry()). */
static int entry_kernel_is_fit(const struct boot_entry *e)
{
	char path[BOOT_PATH_MAX * 2];
	int fd, is_fit;

	if (e->device != BOOT_DEVICE_SELF || path_join(path, sizeof(path), e->root, e->kernel) < 0)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	is_fit = fitboot_is_fit(fd);
	close(fd);
	return is_fit;
}

/* --- the menu and what follows a choice ------------------------------------------------ */
static struct menu_item items[BOOT_MAX_ENTRIES];
static char failed_why[BOOT_MAX_ENTRIES][MENU_NOTE_MAX]; /* "" until an entry failed */

/* Why entry I cannot be booted now, for the menu ("" when it can). */
static void item_note(unsigned i, char *note, size_t cap)
{
	const struct boot_entry *e = &entries.entries[i];

	if (e->unbootable[0])
		snprintf(note, cap, "not bootable: %s", e->unbootable);
	else if (failed_why[i][0])
		snprintf(note, cap, "failed: %s", failed_why[i]);
	else if (e->device != BOOT_DEVICE_SELF && !media_resolve(e->device, e->device_value))
		snprintf(note, cap, "waiting for %s", media_spec(e->device, e->device_value));
	else if (policy.require_signatures && e->format != BOOT_FORMAT_FIT &&
		 !entry_kernel_is_fit(e))
		snprintf(note, cap, "not signed: the policy requires a verified FIT");
	else
		note[0] = '\0';
}

static unsigned build_items(void)
{
	for (unsigned i = 0; i < entries.n; i++) {
		items[i].entry = &entries.entries[i];
		item_note(i, items[i].note, sizeof(items[i].note));
	}
	return entries.n;
}

/* The policy's default (id or title, a glob), else the config's own default, else the first
 * bootable entry. */
static unsigned pick_default(unsigned n)
{
	if (policy.default_entry[0])
		for (unsigned i = 0; i < n; i++)
			if (fnmatch(policy.default_entry, entries.entries[i].id, 0) == 0 ||
			    fnmatch(policy.default_entry, entries.entries[i].title, 0) == 0)
				return i;
	for (unsigned i = 0; i < n; i++)
		if (entries.entries[i].is_default && !items[i].note[0])
			return i;
	for (unsigned i = 0; i < n; i++)
		if (!items[i].note[0])
			return i;
	return 0;
}

static int menu_timeout(void)
{
	if (policy.timeout_s != POLICY_TIMEOUT_CONFIG)
		return policy.timeout_s;
	if (entries.timeout_s == BOOT_TIMEOUT_WAIT)
		return -1; /* loader.conf "menu-force" */
	return entries.timeout_s >= 0 ? entries.timeout_s : MENU_DEFAULT_TIMEOUT_S;
}

/* Boots entry FIRST; when it fails and the policy says fallback = next, every later bootable
 * entry that has not failed yet, once each. Returns when all of them failed. */
static void boot_with_fallback(unsigned first, const char *cmdline)
{
	unsigned tried = 0;

	for (unsigned i = first; i < entries.n && tried < BOOT_MAX_ENTRIES; i++) {
		if (i != first) {
			item_note(i, items[i].note, sizeof(items[i].note));
			if (items[i].note[0])
				continue;
			elog(LOG_INFO, "falling back to entry %u '%s'", i + 1,
			     entries.entries[i].title);
		}
		tried++;
		boot_entry(&entries.entries[i], i == first ? cmdline : NULL);
		snprintf(failed_why[i], sizeof(failed_why[i]), "%s", log_last_error());
		if (policy.fallback != FALLBACK_NEXT)
			break;
	}
	elog(LOG_ERR, "%s; choose another entry, rescan (r) or open the shell (s)",
	     tried > 1 ? "no entry could be booted (reasons above)" : "the entry did not boot");
}

static int shell_boot(unsigned index)
{
	if (index >= entries.n)
		return -ENOENT;
	return boot_entry(&entries.entries[index], NULL);
}

static int shell_kexec(const char *kernel, const char *initrd, const char *cmdline)
{
	static struct boot_entry e;

	boot_entry_init(&e, BOOT_FORMAT_BLS);
	snprintf(e.title, sizeof(e.title), "shell: %s", kernel);
	snprintf(e.source, sizeof(e.source), "(recovery shell)");
	snprintf(e.kernel, sizeof(e.kernel), "%s", kernel);
	if (initrd && initrd[0]) {
		snprintf(e.initrds[0], sizeof(e.initrds[0]), "%s", initrd);
		e.n_initrds = 1;
	}
	snprintf(e.cmdline, sizeof(e.cmdline), "%s", cmdline ? cmdline : "");
	snprintf(e.root, sizeof(e.root), "/");
	return boot_entry(&e, NULL);
}

static int shell_rescan(void)
{
	unsigned before = entries.n;

	media_scan(&entries);
	return (int)(entries.n - before);
}

static void shell_reboot(int poweroff)
{
	sync();
	reboot(poweroff ? RB_POWER_OFF : RB_AUTOBOOT);
}

static void open_shell(void)
{
	static const struct shell_ops ops = {
		.entries = &entries,
		.keyring = &keyring,
		.policy = &policy,
		.boot = shell_boot,
		.kexec = shell_kexec,
		.rescan = shell_rescan,
		.reboot = shell_reboot,
	};
	int r;

	event_log("shell", "", "");
	console_mode(CONSOLE_COOKED);
	r = shell_run(STDIN_FILENO, STDOUT_FILENO, &ops);
	console_mode(CONSOLE_RAW);
	if (r == -EPERM)
		elog(LOG_WARN, "recovery shell refused (policy)");
}

/* Without a console to read keys from: boot in order, then keep looking for devices. */
static __attribute__((noreturn)) void unattended(void)
{
	unsigned tried = 0;

	elog(LOG_WARN, "no keyboard on the console: booting entries in order without a menu");
	for (;;) {
		for (; tried < entries.n; tried++) {
			build_items();
			if (!items[tried].note[0])
				boot_with_fallback(tried, NULL);
		}
		reap_children();
		sleep_ms(IDLE_RESCAN_MS);
		handle_signals();
		devices_hotplug();
		media_scan(&entries);
	}
}

static __attribute__((noreturn)) void menu_loop(void)
{
	static struct menu_choice choice;
	struct menu_state st;
	struct menu_opts o = {
		.allow_edit = policy.allow_edit && !policy.require_signatures,
		.edit_refusal = policy.require_signatures
					? "signatures are required: the command line cannot be edited"
					: "editing the command line is disabled by the policy "
					  "(allow_edit = no)",
		.allow_shell = policy.shell != SHELL_OFF,
		.refresh_ms = IDLE_RESCAN_MS,
	};
	const char *term = getenv("TERM");
	bool ansi = !(term && strcmp(term, "dumb") == 0);
	bool touched = false;
	unsigned n = build_items();

	menu_state_init(&st, items, n, pick_default(n), menu_timeout(), ansi, monotonic_ms());
	for (;;) {
		int r;

		reap_children();
		n = build_items();
		r = menu_run(STDIN_FILENO, STDOUT_FILENO, items, n, &o, &st, &choice);
		if (r < 0) {
			elog(LOG_WARN, "console input: %s (%s)", errno_name(r), strerror(-r));
			unattended();
		}
		if (!st.counting && choice.action != MENU_REFRESH)
			touched = true;
		switch (choice.action) {
		case MENU_REFRESH:
			handle_signals();
			devices_hotplug();
			if (media_scan(&entries) > 0) {
				n = build_items();
				/* Entries that appear before anyone touched the keyboard get the
				 * countdown an unattended machine needs. */
				if (!touched && !st.counting)
					menu_state_init(&st, items, n, pick_default(n),
							menu_timeout(), ansi, monotonic_ms());
				st.redraw = true;
			}
			break;
		case MENU_RESCAN:
			elog(LOG_INFO, "rescan: %d new device%s", media_scan(&entries), "(s)");
			break;
		case MENU_SHELL:
			open_shell();
			st.redraw = true;
			break;
		case MENU_BOOT:
			event_log("menu_choice", entries.entries[choice.index].title,
				  choice.edited ? "edited" : "");
			boot_with_fallback(choice.index, choice.edited ? choice.cmdline : NULL);
			touched = true;
			st.counting = false;
			st.redraw = true;
			break;
		}
	}
}

int pid1_main(int argc, char **argv)
{
	int nkeys;
	ssize_t n;

	early_mounts();
	n = read_file_bounded("/proc/cmdline", kernel_cmdline, CMDLINE_READ_MAX);
	if (n < 0)
		kernel_cmdline[0] = '\0';
	console_setup(kernel_cmdline);
	log_open();
	init_signals();
	elog(LOG_INFO, "embark %s starting as PID 1", EMBARK_VERSION);
	boot_list_init(&entries);
	load_policy(&policy);
	keyring_init(&keyring);
	nkeys = keys_load(&keyring, policy.keyring_dir);
	media_set_sources(policy.sources);
	elog(LOG_INFO, "keyring: %d key%s from %s%s", nkeys, nkeys == 1 ? "" : "s", policy.keyring_dir,
	     nkeys ? ": FIT images must verify" : "");
	modules_load_list("/etc/embark/modules");
	devices_coldplug();
	wait_for_media(&policy);
	if (policy.network == NETWORK_ON || (policy.network == NETWORK_AUTO && entries.n == 0))
		netboot_scan(&policy, &entries);
	if (entries.n == 0)
		elog(LOG_ERR, "no boot entries found within %us; looked for BLS entries, grub.cfg, "
			      "syslinux/extlinux configs and *.itb FIT images on every readable "
			      "filesystem (see above). Waiting for more devices",
		     policy.device_timeout_ms / 1000);
	else
		elog(LOG_INFO, "%u boot entr%s found", entries.n, entries.n == 1 ? "y" : "ies");
	event_log("entries", "", entries.n ? "found" : "none");
	if (console_mode(CONSOLE_RAW) < 0)
		unattended();
	menu_loop();
}
