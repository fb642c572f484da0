/* Recovery shell commands that boot or decide about booting: entries, boot, kexec, verify,
 * rescan, reboot, poweroff. Booting itself is PID 1's (struct shell_ops); the shell checks
 * the operator's words and says what it is about to do. */
#include "fit/fit.h"
#include "init/shell.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static struct fit fit;

int shcmd_entries(struct shell *sh, int argc, char **argv)
{
	const struct boot_list *list = sh->ops->entries;

	if (list->n == 0) {
		sh_printf(sh, "no boot entries; `rescan` looks for new devices, `blkid` shows the "
			      "disks\n");
		return 0;
	}
	for (unsigned i = 0; i < list->n; i++) {
		const struct boot_entry *e = &list->entries[i];
		char line[16] = "";

		if (e->line)
			snprintf(line, sizeof(line), ":%u", e->line);
		sh_printf(sh, "%c%2u  %s  [%s] %s%s%s\n", e->is_default ? '*' : ' ', i + 1, e->title,
			  boot_format_name(e->format), e->root, e->source, line);
		if (e->unbootable[0])
			sh_printf(sh, "     not bootable: %s\n", e->unbootable);
	}
	if (list->dropped)
		sh_printf(sh, "(%u more entries were found but not kept: at most %d are)\n",
			  list->dropped, BOOT_MAX_ENTRIES);
	return 0;
}

/* "N" (1-based, digits only) into a 0-based index below N_ENTRIES; says what is wrong. */
static int entry_index(struct shell *sh, const char *word, unsigned n_entries, unsigned *index)
{
	unsigned long v;
	char *end;

	if (n_entries == 0) {
		sh_printf(sh, "boot: there are no boot entries; `rescan` looks for new devices\n");
		return -ENOENT;
	}
	if (word[0] < '0' || word[0] > '9') {
		sh_printf(sh, "boot: '%s' is not an entry number; `entries` lists them (1-%u)\n",
			  word, n_entries);
		return -EINVAL;
	}
	errno = 0;
	v = strtoul(word, &end, 10);
	if (*end || errno) {
		sh_printf(sh, "boot: '%s' is not an entry number; `entries` lists them (1-%u)\n",
			  word, n_entries);
		return -EINVAL;
	}
	if (v < 1 || v > n_entries) {
		sh_printf(sh, "boot: there is no entry %s: the entries are 1-%u (`entries` lists "
			      "them)\n",
			  word, n_entries);
		return -ERANGE;
	}
	*index = (unsigned)v - 1;
	return 0;
}

int shcmd_boot(struct shell *sh, int argc, char **argv)
{
	const struct boot_list *list = sh->ops->entries;
	const struct boot_entry *e;
	unsigned index;
	int r;

	if (argc != 2) {
		sh_printf(sh, "usage: boot N (the number `entries` shows)\n");
		return -EINVAL;
	}
	r = entry_index(sh, argv[1], list->n, &index);
	if (r < 0)
		return r;
	e = &list->entries[index];
	if (e->unbootable[0]) {
		sh_printf(sh, "boot: entry %u '%s' cannot be booted: %s\n", index + 1, e->title,
			  e->unbootable);
		return -ENOEXEC;
	}
	sh_printf(sh, "booting entry %u '%s'\n", index + 1, e->title);
	r = sh->ops->boot(index);
	if (r >= 0)
		r = -ECANCELED;
	sh_printf(sh, "boot: entry %u '%s' did not boot: %s (%s); the messages above say why\n",
		  index + 1, e->title, errno_name(r), strerror(-r));
	return r;
}

/* Whether WORD, the word after KERNEL, names an initrd rather than starting the command
 * line: "-" (none), an existing file, or anything written as a path. */
static bool is_initrd_word(const char *word)
{
	struct stat st;

	return strcmp(word, "-") == 0 || word[0] == '/' || strncmp(word, "./", 2) == 0 ||
	       (!strchr(word, '=') && stat(word, &st) == 0 && S_ISREG(st.st_mode));
}

static int check_file(const char *what)
{
	struct stat st;

	if (stat(what, &st) < 0)
		return -errno;
	return S_ISREG(st.st_mode) ? 0 : -EINVAL;
}

int shcmd_kexec(struct shell *sh, int argc, char **argv)
{
	static char cmdline[BOOT_CMDLINE_MAX];
	const char *kernel, *initrd = NULL, *bad;
	size_t used = 0;
	int first_arg = 2, r;

	if (sh->ops->policy->require_signatures) {
		sh_printf(sh, "kexec: the policy requires signatures: only verified FIT images can "
			      "be booted; use `boot N`\n");
		return -EPERM;
	}
	if (argc < 2) {
		sh_printf(sh, "usage: kexec KERNEL [INITRD|-] [CMDLINE...]\n");
		return -EINVAL;
	}
	kernel = argv[1];
	if (argc > 2 && is_initrd_word(argv[2])) {
		initrd = strcmp(argv[2], "-") == 0 ? NULL : argv[2];
		first_arg = 3;
	}
	cmdline[0] = '\0';
	for (int i = first_arg; i < argc; i++) {
		int n = snprintf(cmdline + used, sizeof(cmdline) - used, "%s%s", used ? " " : "",
				 argv[i]);

		if (n < 0 || (size_t)n >= sizeof(cmdline) - used) {
			sh_printf(sh, "kexec: the command line is longer than %d bytes\n",
				  BOOT_CMDLINE_MAX - 1);
			return -E2BIG;
		}
		used += (size_t)n;
	}
	bad = kernel;
	r = check_file(kernel);
	if (r == 0 && initrd) {
		bad = initrd;
		r = check_file(initrd);
	}
	if (r < 0) {
		sh_errno(sh, "kexec", bad, r, r == -EINVAL ? "not a regular file" : NULL);
		return r;
	}
	sh_printf(sh, "kexec: kernel %s, initrd %s, command line \"%s\"\n", kernel,
		  initrd ? initrd : "none", cmdline);
	r = sh->ops->kexec(kernel, initrd, cmdline);
	if (r >= 0)
		r = -ECANCELED;
	sh_printf(sh, "kexec: %s did not boot: %s (%s); the messages above say why\n", kernel,
		  errno_name(r), strerror(-r));
	return r;
}

/* Prints the verdict on the FIT in BUF; returns 0 when it verifies, else -errno. */
static int verify_buffer(struct shell *sh, const char *path, const uint8_t *buf, size_t len,
			 const char *config)
{
	struct fit_policy pol = { .allow_sha1 = false };
	struct fit_verdict v;
	char err[FIT_ERR_MAX];
	int r = fit_parse(buf, len, &fit, err, sizeof(err));

	if (r < 0) {
		sh_printf(sh, "verify: %s: refused: %s\n", path, err);
		return r;
	}
	r = fit_verify_config(&fit, config, sh->ops->keyring, &pol, &v, err, sizeof(err));
	if (r < 0) {
		sh_printf(sh, "verify: %s: refused: %s\n", path, err);
		return r;
	}
	sh_printf(sh, "%s: configuration '%s' verified (signed by %s)\n", path, v.config->name,
		  v.signed_by);
	for (unsigned i = 0; i < v.config->n_refs; i++)
		sh_printf(sh, "  %-8s %-20s %10zu bytes  %s ok\n", v.config->refs[i].role,
			  v.config->refs[i].image->name, v.config->refs[i].image->size,
			  v.image_hash[i] ? v.image_hash[i] : "-");
	return 0;
}

int shcmd_verify(struct shell *sh, int argc, char **argv)
{
	const char *path = NULL, *config = NULL;
	void *map = MAP_FAILED;
	struct stat st;
	int fd = -1, r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc && !config) {
			config = argv[++i];
		} else if (argv[i][0] != '-' && !path) {
			path = argv[i];
		} else {
			sh_printf(sh, "usage: verify [--config NAME] FILE\n");
			return -EINVAL;
		}
	}
	if (!path) {
		sh_printf(sh, "usage: verify [--config NAME] FILE\n");
		return -EINVAL;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		r = -errno;
		sh_errno(sh, "verify", path, r, NULL);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || (uint64_t)st.st_size > SHELL_FIT_MAX) {
		r = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		sh_printf(sh, "verify: %s: refused: %s\n", path,
			  !S_ISREG(st.st_mode) ? "not a regular file"
			  : st.st_size == 0 ? "the file is empty"
			  : "larger than 1 GiB, more than any FIT embark boots");
		goto out;
	}
	if (sh->ops->keyring->n == 0) {
		r = -ENOKEY;
		sh_printf(sh, "verify: %s: cannot be verified: the initramfs has no keys (%s)\n",
			  path, KEYS_DIR);
		goto out;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		r = -errno;
		sh_errno(sh, "verify", path, r, "it could not be mapped into memory");
		goto out;
	}
	r = verify_buffer(sh, path, map, (size_t)st.st_size, config);
out:
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	return r;
}

int shcmd_rescan(struct shell *sh, int argc, char **argv)
{
	int r = sh->ops->rescan();

	if (r < 0) {
		sh_errno(sh, "rescan", "looking for devices", r, NULL);
		return r;
	}
	sh_printf(sh, "rescan: %d new entr%s, %u in all; `entries` lists them\n", r,
		  r == 1 ? "y" : "ies", sh->ops->entries->n);
	return 0;
}

static int power(struct shell *sh, const char *cmd, int poweroff)
{
	sh_printf(sh, "%s\n", poweroff ? "powering off" : "rebooting");
	sh->ops->reboot(poweroff);
	/* Only a failed reboot(2) comes back here; PID 1 logged why. */
	sh_printf(sh, "%s: the machine did not %s; the messages above say why\n", cmd,
		  poweroff ? "power off" : "restart");
	return -EIO;
}

int shcmd_reboot(struct shell *sh, int argc, char **argv)
{
	return power(sh, "reboot", 0);
}

int shcmd_poweroff(struct shell *sh, int argc, char **argv)
{
	return power(sh, "poweroff", 1);
}
