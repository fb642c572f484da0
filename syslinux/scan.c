/* syslinux_scan: the one configuration the syslinux family would read from a filesystem.
 * The search order puts EXTLINUX (and U-Boot's extlinux.conf) first, then SYSLINUX, then
 * ISOLINUX, then a PXELINUX tree copied to a disk; like syslinux, only the first found is
 * read. */
#include "syslinux/internal.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

static const char *const config_paths[] = {
	"/boot/extlinux/extlinux.conf", "/extlinux/extlinux.conf", "/extlinux.conf",
	"/boot/syslinux/syslinux.cfg",  "/syslinux/syslinux.cfg",  "/syslinux.cfg",
	"/isolinux/isolinux.cfg",       "/boot/isolinux/isolinux.cfg", "/isolinux.cfg",
	"/pxelinux.cfg/default",
};

static void report(void (*warn)(void *, const char *), void *ctx, const char *path, ssize_t err)
{
	char msg[BOOT_PATH_MAX * 2 + 64];

	if (!warn)
		return;
	snprintf(msg, sizeof(msg), "%s: skipped: %s", path,
		 err == -EFBIG ? "larger than 64 KiB" : errno_name((int)-err));
	warn(ctx, msg);
}

int syslinux_scan(const char *root, struct boot_list *list,
		  void (*warn)(void *ctx, const char *msg), void *ctx)
{
	static char buf[BOOT_CONFIG_MAX + 1];
	struct stat st;

	if (!root || !list)
		return -EINVAL;
	if (stat(root, &st) < 0)
		return -errno;
	for (size_t i = 0; i < ARRAY_SIZE(config_paths); i++) {
		char path[BOOT_PATH_MAX * 2];
		ssize_t len;

		if (path_join(path, sizeof(path), root, config_paths[i]) < 0)
			continue;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		len = read_file_bounded(path, buf, BOOT_CONFIG_MAX);
		if (len < 0) {
			/* syslinux would not boot either; the next candidate may still serve */
			report(warn, ctx, path, len);
			continue;
		}
		return syslinux_parse(buf, (size_t)len, root, config_paths[i], list, warn, ctx);
	}
	return 0;
}
