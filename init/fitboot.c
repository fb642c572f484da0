/* Booting a FIT image so that the bytes verified are the bytes loaded:
 *  1. the .itb file is read once, into a memfd that is then sealed (no writes, no resizing);
 *  2. the FIT is parsed and verified on a read-only mapping of that sealed memfd;
 *  3. the kernel and ramdisk are unpacked from the same mapping into new memfds, which are
 *     sealed before kexec_file_load reads them.
 * Nothing is read from the disk after step 1, and no memory the checks looked at can change
 * afterwards. With keys in the initramfs a FIT must verify; without keys its hashes are still
 * checked and the console says it was not verified (refused under require_signatures). */
#include "fit/fit.h"
#include "init/internal.h"
#include "loader/loader.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef F_GET_SEALS
#define F_GET_SEALS 1034
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif

#define FIT_BOOT_MAX ((size_t)1 << 30)  /* largest .itb read into memory */
#define UNPACK_MAX ((size_t)1 << 30)    /* largest kernel or ramdisk after decompression */

static struct fit fit;

/* Unpacks IMGS[0..N) one after another (4-byte aligned) into a new sealed memfd. */
static int unpack_to_memfd(const struct fit_image *const *imgs, unsigned n, const char *name,
			   char *err, size_t errlen)
{
	size_t cap = 0, used = 0;
	uint8_t *map = MAP_FAILED;
	int mfd = memfd_new(name), r = 0;

	if (mfd < 0)
		return mfd;
	for (unsigned i = 0; i < n; i++) {
		size_t hint = fit_image_unpacked_hint(imgs[i]);

		if (hint == 0 && imgs[i]->size) {
			r = -ENOTSUP;
			snprintf(err, errlen, "unsupported compression '%s' in image '%s'",
				 imgs[i]->compression, imgs[i]->name);
			goto out;
		}
		if (hint > UNPACK_MAX || cap > UNPACK_MAX) {
			r = -EFBIG;
			snprintf(err, errlen, "image '%s' unpacks to more than 1 GiB", imgs[i]->name);
			goto out;
		}
		cap += (hint + 3) & ~(size_t)3;
	}
	if (cap == 0) {
		r = -ENODATA;
		snprintf(err, errlen, "image '%s' is empty", n ? imgs[0]->name : "?");
		goto out;
	}
	if (ftruncate(mfd, (off_t)cap) < 0) {
		r = -errno;
		goto out;
	}
	map = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (map == MAP_FAILED) {
		r = -errno;
		goto out;
	}
	for (unsigned i = 0; i < n; i++) {
		long got = fit_image_unpack(imgs[i], map + used, cap - used, err, errlen);

		if (got < 0) {
			r = (int)got;
			goto out;
		}
		used += ((size_t)got + 3) & ~(size_t)3;
	}
	/* Sealing against writes needs every writable mapping gone. */
	munmap(map, cap);
	map = MAP_FAILED;
	if (ftruncate(mfd, (off_t)(used < cap ? used : cap)) < 0) {
		r = -errno;
		goto out;
	}
	r = memfd_seal(mfd);
out:
	if (map != MAP_FAILED)
		munmap(map, cap);
	if (r < 0) {
		close(mfd);
		return r;
	}
	return mfd;
}

static int is_x86(void)
{
	struct utsname u;

	return uname(&u) == 0 && (strcmp(u.machine, "x86_64") == 0 || strcmp(u.machine, "i686") == 0);
}

static int arch_matches(const char *fit_arch)
{
	struct utsname u;

	if (!fit_arch || uname(&u) < 0)
		return 0;
	if (strcmp(u.machine, "x86_64") == 0)
		return strcmp(fit_arch, "x86_64") == 0 || strcmp(fit_arch, "x86") == 0;
	if (strcmp(u.machine, "aarch64") == 0)
		return strcmp(fit_arch, "arm64") == 0;
	return strcmp(fit_arch, u.machine) == 0;
}

/* Hashes only: used when the initramfs has no keys and signatures are not required. */
static int check_integrity(const struct fit_config *conf, char *err, size_t errlen)
{
	for (unsigned i = 0; i < conf->n_refs; i++) {
		const struct fit_image *img = conf->refs[i].image;
		int sha2 = 0;

		for (unsigned h = 0; h < img->n_hashes; h++) {
			uint8_t d[HASH_MAX_DIGEST];
			const struct fit_hash *hn = &img->hashes[h];

			if (!hn->algo || hash_buffer(hn->algo, img->data, img->size, d) < 0 ||
			    memcmp(d, hn->value, hn->value_len) != 0) {
				snprintf(err, errlen, "/images/%s/%s: %s does not match the data",
					 img->name, hn->node, hn->algo_name);
				return -EBADMSG;
			}
			sha2 |= hn->algo >= HASH_SHA256;
		}
		if (!sha2) {
			snprintf(err, errlen, "/images/%s: no sha256/384/512 hash node", img->name);
			return -EBADMSG;
		}
	}
	return 0;
}

/* A memfd sealed against writes and resizing is used as it is (no second copy); anything
 * else is read into a new sealed memfd. Returns the fd (the caller closes) or -errno. */
static int sealed_copy(int fd, size_t *size)
{
	int seals = fcntl(fd, F_GET_SEALS);
	struct stat st;
	int dfd;

	if (seals >= 0 && (seals & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) ==
				  (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) {
		if (fstat(fd, &st) < 0)
			return -errno;
		if ((size_t)st.st_size > FIT_BOOT_MAX)
			return -EFBIG;
		dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		if (dfd < 0)
			return -errno;
		*size = (size_t)st.st_size;
		return dfd;
	}
	return memfd_from_fd(fd, FIT_BOOT_MAX, "embark-fit", size);
}

int fitboot_load(const struct boot_entry *e, const struct keyring *kr, const struct policy *p,
		 bool cmdline_edited)
{
	char path[BOOT_PATH_MAX * 2];
	int fd, r;

	if (path_join(path, sizeof(path), e->root, e->kernel) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		elog(LOG_ERR, "FIT %s: %s (%s)", path, errno_name(r), strerror(-r));
		return r;
	}
	r = fitboot_load_fd(fd, path, e, kr, p, cmdline_edited);
	close(fd);
	return r;
}

bool fitboot_is_fit(int fd)
{
	static const unsigned char fdt_magic[4] = { 0xd0, 0x0d, 0xfe, 0xed };
	unsigned char magic[sizeof(fdt_magic)];

	return pread_exact(fd, magic, sizeof(magic), 0) == 0 &&
	       memcmp(magic, fdt_magic, sizeof(magic)) == 0;
}

int fitboot_load_fd(int fd, const char *path, const struct boot_entry *e,
		    const struct keyring *kr, const struct policy *p, bool cmdline_edited)
{
	const struct fit_image *kernel, *ramdisks[FIT_MAX_REFS], *fdt = NULL;
	const struct fit_config *conf;
	struct fit_policy fpol = { .allow_sha1 = false };
	struct fit_verdict v;
	char err[FIT_ERR_MAX];
	static char load_msg[LOADER_MSG_MAX];
	const char *cmdline;
	unsigned nramdisks = 0;
	size_t size = 0;
	uint8_t *map = MAP_FAILED;
	int fitfd = -1, kfd = -1, rfd = -1, r;

	fitfd = sealed_copy(fd, &size);
	if (fitfd < 0 || size == 0) {
		r = fitfd < 0 ? fitfd : -ENODATA;
		elog(LOG_ERR, "FIT %s: reading it into memory failed: %s (%s)", path, errno_name(r),
		     r == -EFBIG ? "larger than 1 GiB" : strerror(-r));
		goto out;
	}
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fitfd, 0);
	if (map == MAP_FAILED) {
		r = -errno;
		goto out;
	}
	r = fit_parse(map, size, &fit, err, sizeof(err));
	if (r < 0) {
		elog(LOG_ERR, "FIT %s: not bootable: %s", path, err);
		goto out;
	}
	if (kr->n > 0) {
		r = fit_verify_config(&fit, NULL, kr, &fpol, &v, err, sizeof(err));
		if (r < 0) {
			elog(LOG_ERR, "FIT %s: refused: %s", path, err);
			goto out;
		}
		conf = v.config;
		elog(LOG_INFO, "FIT %s: configuration '%s' verified, signed by %s", path, conf->name,
		     v.signed_by);
	} else if (p->require_signatures) {
		r = -EKEYREJECTED;
		elog(LOG_ERR, "FIT %s: refused: the policy requires signatures and the initramfs "
			      "has no keys (/etc/embark/keys)",
		     path);
		goto out;
	} else {
		conf = fit.default_config ? fit_find_config(&fit, fit.default_config) : NULL;
		if (!conf && fit.n_configs == 1)
			conf = &fit.configs[0];
		r = conf ? check_integrity(conf, err, sizeof(err)) : -ENOENT;
		if (r < 0) {
			elog(LOG_ERR, "FIT %s: not bootable: %s", path,
			     conf ? err : "no default configuration");
			goto out;
		}
		elog(LOG_WARN, "FIT %s: configuration '%s' NOT verified (no keys in the initramfs); "
			       "hashes match",
		     path, conf->name);
	}
	kernel = fit_config_image(conf, "kernel");
	if (!kernel || !arch_matches(kernel->arch)) {
		r = -ENOEXEC;
		elog(LOG_ERR, "FIT %s: configuration '%s': kernel is for architecture '%s', not this "
			      "machine's",
		     path, conf->name, kernel && kernel->arch ? kernel->arch : "?");
		goto out;
	}
	for (unsigned i = 0; i < conf->n_refs; i++) {
		if (strcmp(conf->refs[i].role, "ramdisk") == 0)
			ramdisks[nramdisks++] = conf->refs[i].image;
		else if (strcmp(conf->refs[i].role, "fdt") == 0 && !is_x86())
			fdt = conf->refs[i].image;
		else if (strcmp(conf->refs[i].role, "fdt") == 0)
			elog(LOG_INFO, "FIT %s: devicetree '%s' not used: x86 kernels take their "
				       "hardware description from ACPI",
			     path, conf->refs[i].image->name);
	}
	if (fdt) {
		/* kexec_file_load cannot be handed a devicetree: that takes embark's own segment
		 * list (kexec_load), which does not exist for this architecture yet. */
		r = -ENOTSUP;
		elog(LOG_ERR, "FIT %s: configuration '%s' carries devicetree '%s', which needs the "
			      "kexec_load segment path; embark cannot boot it on this architecture yet",
		     path, conf->name, fdt->name);
		goto out;
	}
	kfd = unpack_to_memfd(&kernel, 1, "embark-kernel", err, sizeof(err));
	if (kfd < 0) {
		r = kfd;
		elog(LOG_ERR, "FIT %s: kernel: %s", path, err);
		goto out;
	}
	if (nramdisks) {
		rfd = unpack_to_memfd(ramdisks, nramdisks, "embark-ramdisk", err, sizeof(err));
		if (rfd < 0) {
			r = rfd;
			elog(LOG_ERR, "FIT %s: ramdisk: %s", path, err);
			goto out;
		}
	}
	/* bootargs sits inside the configuration node: a configuration signature covers it.
	 * Image signatures alone leave the configuration node unsigned, so with keys present
	 * its bootargs is not trusted then; the entry's own options are the fallback. */
	cmdline = cmdline_edited ? NULL : conf->bootargs;
	if (cmdline && kr->n > 0 && v.conf_keys == 0) {
		elog(LOG_WARN, "FIT %s: configuration '%s': bootargs ignored: only the images are "
			       "signed, not the configuration that holds it (sign the configuration)",
		     path, conf->name);
		cmdline = NULL;
	}
	if (!cmdline && e->cmdline[0] && p->require_signatures) {
		r = -EKEYREJECTED;
		elog(LOG_ERR, "FIT %s: refused: the policy requires signatures and the command line "
			      "would come from the unsigned entry %s; put bootargs in the signed "
			      "configuration '%s'",
		     path, e->source, conf->name);
		goto out;
	}
	if (!cmdline)
		cmdline = e->cmdline;
	elog(LOG_INFO, "%s: FIT kernel '%s' (%zu bytes), %u ramdisk%s, cmdline \"%s\"",
	     p->loader == LOADER_SEGMENTS ? "kexec_load" : "kexec_file_load", kernel->name,
	     kernel->size, nramdisks, nramdisks == 1 ? "" : "s", cmdline);
	/* The sealed memfds are what the segment path reads too: nothing is reopened. */
	r = loader_load(kfd, rfd, cmdline, p->loader, load_msg, sizeof(load_msg));
	if (r < 0)
		elog(LOG_ERR, "FIT %s: %s", path, load_msg);
	else
		elog(LOG_INFO, "%s", load_msg);
out:
	if (map != MAP_FAILED)
		munmap(map, size);
	if (fitfd >= 0)
		close(fitfd);
	if (kfd >= 0)
		close(kfd);
	if (rfd >= 0)
		close(rfd);
	return r;
}
