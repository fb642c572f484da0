/* Finding configuration files under a filesystem root and reading them with bounded reads.
 * Paths in an entry are kept as the file wrote them (absolute within that filesystem); the
 * root they are relative to is stored beside them. */
#include "bootcfg/bootcfg.h"
#include "grub/grub.h"
#include "syslinux/syslinux.h"
#include "util/util.h"

#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char *const bls_dirs[] = { "loader/entries", "boot/loader/entries" };

/* systemd-boot takes ".conf" in any case (the ESP is FAT). */
static int ends_with_conf(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcasecmp(name + n - 5, ".conf") == 0;
}

/* loader.conf lives on the ESP as /loader/loader.conf; a filesystem that carries the ESP's
 * tree under /boot (the ESP mounted there when it was written) has /boot/loader/loader.conf. */
static const char *const loader_conf_paths[] = { "loader/loader.conf",
						 "boot/loader/loader.conf" };

/* Reads loader.conf under ROOT into CONF (timeout_s -1 and no pattern when there is none). */
static void read_loader_conf(const char *root, char *buf, struct bls_loader_conf *conf,
			     void (*warn)(void *, const char *), void *ctx)
{
	char path[BOOT_PATH_MAX * 2], err[160];
	ssize_t len = -ENOENT;

	memset(conf, 0, sizeof(*conf));
	conf->timeout_s = -1;
	for (size_t i = 0; i < ARRAY_SIZE(loader_conf_paths) && len == -ENOENT; i++) {
		if (path_join(path, sizeof(path), root, loader_conf_paths[i]) < 0)
			return;
		len = read_file_bounded(path, buf, BOOT_CONFIG_MAX);
	}
	if (len == -ENOENT)
		return;
	if (len < 0) {
		bootcfg_warn(warn, ctx, "%s: ignored: %s", path,
		      len == -EFBIG ? "larger than 64 KiB" : errno_name((int)-len));
		return;
	}
	if (bls_loader_conf_parse(buf, (size_t)len, conf, err, sizeof(err)) < 0) {
		bootcfg_warn(warn, ctx, "%s: ignored: %s", path, err);
		return;
	}
	for (unsigned w = 0; w < conf->n_warnings && w < BOOT_MAX_WARNINGS; w++)
		bootcfg_warn(warn, ctx, "%s: %s", path, conf->warnings[w]);
}

int bootcfg_scan_bls(const char *root, struct boot_list *list,
		     void (*warn)(void *ctx, const char *msg), void *ctx)
{
	static const struct dir_names_opts conf_files = { .scan_max = BOOT_DIR_SCAN_MAX,
							  .keep = ends_with_conf };
	static char names[BOOT_DIR_SCAN_MAX][DIR_NAME_MAX];
	static char buf[BOOT_CONFIG_MAX + 1];
	static struct bls_loader_conf conf;
	unsigned first = list->n;
	struct stat st;
	int added = 0;

	if (stat(root, &st) < 0)
		return -errno;
	for (size_t d = 0; d < ARRAY_SIZE(bls_dirs); d++) {
		char dir[BOOT_PATH_MAX], path[BOOT_PATH_MAX * 2];
		int n;

		if (path_join(dir, sizeof(dir), root, bls_dirs[d]) < 0)
			continue;
		n = dir_names(dir, &conf_files, names, BOOT_DIR_SCAN_MAX, NULL);
		if (n < 0)
			continue; /* no such directory is the common case */
		for (int i = 0; i < n; i++) {
			struct boot_entry *e;
			char id[BOOT_ID_MAX], err[160];
			int left, done;
			ssize_t len;

			if (path_join(path, sizeof(path), dir, names[i]) < 0)
				continue;
			if (strncasecmp(names[i], "auto-", 5) == 0) {
				bootcfg_warn(warn, ctx, "%s: skipped: ids starting with 'auto-' are systemd-boot's "
						 "own entries; it ignores such a file",
				      path);
				continue;
			}
			if (bls_entry_name(names[i], id, sizeof(id), &left, &done) < 0) {
				bootcfg_warn(warn, ctx, "%s: skipped: entry file name too long", path);
				continue;
			}
			if (list->n >= BOOT_MAX_ENTRIES) {
				list->dropped++;
				bootcfg_warn(warn, ctx, "%s: skipped: more than %d boot entries", path,
				      BOOT_MAX_ENTRIES);
				continue;
			}
			len = read_file_bounded(path, buf, BOOT_CONFIG_MAX);
			if (len < 0) {
				bootcfg_warn(warn, ctx, "%s: skipped: %s", path,
				      len == -EFBIG ? "larger than 64 KiB" : errno_name((int)-len));
				continue;
			}
			e = &list->entries[list->n];
			if (bls_parse(buf, (size_t)len, id, e, err, sizeof(err)) < 0) {
				bootcfg_warn(warn, ctx, "%s: skipped: %s", path, err);
				continue;
			}
			e->tries_left = left;
			e->tries_done = done;
			snprintf(e->root, sizeof(e->root), "%s", root);
			snprintf(e->source, sizeof(e->source), "/%s/%.255s", bls_dirs[d], names[i]);
			list->n++;
			added++;
		}
	}
	/* One filesystem's entries in systemd-boot's order, its default marked. */
	bls_sort(list->entries + first, list->n - first);
	read_loader_conf(root, buf, &conf, warn, ctx);
	if (list->timeout_s == -1)
		list->timeout_s = conf.timeout_s;
	bls_select_default(list->entries + first, list->n - first, conf.default_pattern);
	return added;
}

static int ends_with_itb(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".itb") == 0;
}

static const char *const fit_dirs[] = { "", "boot" };

int bootcfg_scan_fit(const char *root, struct boot_list *list,
		     void (*warn)(void *ctx, const char *msg), void *ctx)
{
	static const struct dir_names_opts fit_files = { .scan_max = BOOT_DIR_SCAN_MAX,
							 .keep = ends_with_itb };
	static char names[BOOT_DIR_SCAN_MAX][DIR_NAME_MAX];
	struct stat st;
	int added = 0;

	if (stat(root, &st) < 0)
		return -errno;
	for (size_t d = 0; d < ARRAY_SIZE(fit_dirs); d++) {
		char dir[BOOT_PATH_MAX];
		int n;

		if (path_join(dir, sizeof(dir), root, fit_dirs[d]) < 0)
			continue;
		n = dir_names(dir, &fit_files, names, BOOT_DIR_SCAN_MAX, NULL);
		for (int i = 0; i < n; i++) {
			struct boot_entry *e;

			if (list->n >= BOOT_MAX_ENTRIES) {
				list->dropped++;
				bootcfg_warn(warn, ctx, "%s/%s: skipped: more than %d boot entries", dir,
				      names[i], BOOT_MAX_ENTRIES);
				continue;
			}
			e = &list->entries[list->n];
			boot_entry_init(e, BOOT_FORMAT_FIT);
			snprintf(e->id, sizeof(e->id), "%.*s", (int)(strlen(names[i]) - 4), names[i]);
			snprintf(e->title, sizeof(e->title), "FIT %s%s%s", fit_dirs[d],
				 fit_dirs[d][0] ? "/" : "", names[i]);
			snprintf(e->kernel, sizeof(e->kernel), "/%s%s%s", fit_dirs[d],
				 fit_dirs[d][0] ? "/" : "", names[i]);
			memcpy(e->source, e->kernel, sizeof(e->source));
			snprintf(e->root, sizeof(e->root), "%s", root);
			list->n++;
			added++;
		}
	}
	return added;
}

int bootcfg_scan(const char *root, struct boot_list *list,
		 void (*warn)(void *ctx, const char *msg), void *ctx)
{
	int a = bootcfg_scan_bls(root, list, warn, ctx), b;

	if (a < 0)
		return a;
	b = bootcfg_scan_fit(root, list, warn, ctx);
	if (b > 0)
		a += b;
	b = syslinux_scan(root, list, warn, ctx);
	if (b > 0)
		a += b;
	b = grub_scan(root, list, warn, ctx);
	return b < 0 ? a : a + b;
}

const char *boot_format_name(enum boot_format f)
{
	switch (f) {
	case BOOT_FORMAT_BLS:
		return "bls";
	case BOOT_FORMAT_FIT:
		return "fit";
	case BOOT_FORMAT_GRUB:
		return "grub";
	case BOOT_FORMAT_SYSLINUX:
		return "syslinux";
	case BOOT_FORMAT_IPXE:
		return "ipxe";
	}
	return "unknown";
}
