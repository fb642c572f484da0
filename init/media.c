/* Boot media: block devices as they appear under /sys/class/block, each probed for a
 * filesystem embark can read and mounted read-only under /run/embark/media/<name>.
 * ext* are mounted with "noload": a read-only mount would still replay a dirty journal, and a
 * boot loader must never write to the disks it reads. */
#include "init/internal.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEV_NAME_MAX 32
#define SOURCES_MAX 8          /* formats in the policy's sources list */
#define PARTS_MAX 128          /* partitions of one disk looked at */
#define MEDIA_OPEN_RETRIES 20 /* scans a device node may be missing for before giving up */

struct medium {
	char name[DEV_NAME_MAX];
	unsigned open_failures;
	int done;                  /* probed (and mounted or not): never looked at again */
	int mounted;               /* FS and MNT are valid */
	struct fsprobe_result fs;
	char partuuid[40];         /* from the parent disk's partition table; "" if none */
	char partlabel[72];
	char mnt[96];
};

static struct medium media[MEDIA_MAX];
static unsigned nmedia;
static unsigned char probe_buf[FSPROBE_BYTES];

static const char *const skip_prefixes[] = { "loop", "ram", "zram", "nbd", "fd" };

static int skipped_kind(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(skip_prefixes); i++)
		if (strncmp(name, skip_prefixes[i], strlen(skip_prefixes[i])) == 0)
			return 1;
	return 0;
}

static struct medium *medium_get(const char *name)
{
	for (unsigned i = 0; i < nmedia; i++)
		if (strcmp(media[i].name, name) == 0)
			return &media[i];
	if (nmedia >= MEDIA_MAX || str_copy(media[nmedia].name, DEV_NAME_MAX, name) < 0)
		return NULL;
	return &media[nmedia++];
}

/* A whole disk with a partition table: its partitions are the media, not the disk. */
static int has_partitions(const char *name)
{
	char dir[320], part[640];
	DIR *d;
	struct dirent *de;
	struct stat st;
	int found = 0, seen = 0;

	snprintf(dir, sizeof(dir), "/sys/class/block/%s", name);
	d = opendir(dir);
	if (!d)
		return 0;
	while (!found && (de = readdir(d)) && seen++ < 512) {
		if (strncmp(de->d_name, name, strlen(name)) != 0)
			continue;
		snprintf(part, sizeof(part), "%s/%s/partition", dir, de->d_name);
		found = stat(part, &st) == 0;
	}
	closedir(d);
	return found;
}

static unsigned long long sectors_of(const char *name)
{
	char path[320], buf[32];

	snprintf(path, sizeof(path), "/sys/class/block/%s/size", name);
	if (read_file_bounded(path, buf, sizeof(buf) - 1) <= 0)
		return 0;
	return strtoull(buf, NULL, 10);
}

static void scan_warn(void *ctx, const char *msg)
{
	elog(LOG_WARN, "%s: %s", (const char *)ctx, msg);
}

static char sources[64];

void media_set_sources(const char *csv)
{
	snprintf(sources, sizeof(sources), "%s", csv ? csv : "");
}

/* Position of FORMAT in the sources list, or -1 when it is not used. */
static int source_rank(enum boot_format format)
{
	const char *name = boot_format_name(format), *p = sources;
	size_t n = strlen(name);

	if (!sources[0])
		return 0;
	for (int rank = 0; *p && rank < SOURCES_MAX; rank++) {
		size_t k = strcspn(p, ",");

		if (k == n && memcmp(p, name, n) == 0)
			return rank;
		p += k + (p[k] == ',');
	}
	return -1;
}

/* Keeps the entries LIST[from..) of the formats the policy uses, stable-sorted by format
 * order. Returns how many were dropped. */
static int apply_sources(struct boot_list *list, unsigned from)
{
	static struct boot_entry sorted[BOOT_MAX_ENTRIES];
	unsigned kept = 0, n = list->n - from;

	if (!sources[0])
		return 0;
	for (int rank = 0; rank < SOURCES_MAX; rank++)
		for (unsigned i = 0; i < n; i++)
			if (source_rank(list->entries[from + i].format) == rank)
				sorted[kept++] = list->entries[from + i];
	memcpy(&list->entries[from], sorted, kept * sizeof(sorted[0]));
	list->n = from + kept;
	return (int)(n - kept);
}

/* grub's blscfg and the BLS directory describe the same entries; keep the first of any two
 * that would boot the same thing (same filesystem, kernel, initrds and command line). */
static int same_boot(const struct boot_entry *a, const struct boot_entry *b)
{
	if (strcmp(a->root, b->root) != 0 || a->device != b->device ||
	    strcmp(a->device_value, b->device_value) != 0 || strcmp(a->kernel, b->kernel) != 0 ||
	    strcmp(a->cmdline, b->cmdline) != 0 || a->n_initrds != b->n_initrds)
		return 0;
	for (unsigned i = 0; i < a->n_initrds; i++)
		if (strcmp(a->initrds[i], b->initrds[i]) != 0)
			return 0;
	return 1;
}

static int drop_duplicates(struct boot_list *list, unsigned from)
{
	unsigned kept = from;
	int dropped = 0;

	for (unsigned i = from; i < list->n; i++) {
		int dup = 0;

		for (unsigned j = from; j < kept && !dup; j++)
			dup = same_boot(&list->entries[j], &list->entries[i]);
		if (dup) {
			elog(LOG_INFO, "%s%s: '%s' is the same boot as an entry already listed; "
				       "listed once", list->entries[i].root, list->entries[i].source,
			     list->entries[i].title);
			dropped++;
			continue;
		}
		if (kept != i)
			list->entries[kept] = list->entries[i];
		kept++;
	}
	list->n = kept;
	return dropped;
}

/* For a partition (vda1): its PARTUUID and PARTLABEL from the parent disk's table, which the
 * kernel names in /sys/class/block/<name>/../ (the parent directory) and numbers in
 * .../partition. GPT and primary MBR partitions only (logical ones need the EBR chain). */
static void partition_identity(struct medium *m)
{
	static unsigned char disk_buf[FSPROBE_BYTES];
	static struct fsprobe_part parts[PARTS_MAX];
	char path[320], link[320], num[16], *slash;
	ssize_t n;
	int fd, count;
	unsigned number;

	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", m->name);
	if (read_file_bounded(path, num, sizeof(num) - 1) <= 0)
		return;
	number = (unsigned)strtoul(num, NULL, 10);
	snprintf(path, sizeof(path), "/sys/class/block/%s", m->name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return;
	link[n] = '\0';
	slash = strrchr(link, '/');
	if (!slash)
		return;
	*slash = '\0';
	slash = strrchr(link, '/');
	snprintf(path, sizeof(path), "/dev/%.64s", slash ? slash + 1 : link);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = pread(fd, disk_buf, sizeof(disk_buf), 0);
	close(fd);
	if (n <= 0)
		return;
	count = fsprobe_partitions(disk_buf, (size_t)n, 512, parts, PARTS_MAX);
	for (int i = 0; i < count && i < PARTS_MAX; i++) {
		if (parts[i].number != number)
			continue;
		snprintf(m->partuuid, sizeof(m->partuuid), "%s", parts[i].partuuid);
		snprintf(m->partlabel, sizeof(m->partlabel), "%s", parts[i].partlabel);
	}
}

/* Probes, mounts and scans one device; returns 1 when it is finished with (whatever the
 * outcome), 0 to look again on a later scan (its node is not there yet). */
static int medium_try(struct medium *m, struct boot_list *list)
{
	char dev[64], mnt[96];
	struct fsprobe_result fs;
	ssize_t got;
	int fd, n, dropped;
	unsigned before;
	const char *opts;

	snprintf(dev, sizeof(dev), "/dev/%s", m->name);
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && ++m->open_failures < MEDIA_OPEN_RETRIES)
			return 0;
		elog(LOG_ERR, "%s: cannot open: %s (%s)", dev, errno_name(errno), strerror(errno));
		return 1;
	}
	got = pread(fd, probe_buf, sizeof(probe_buf), 0);
	close(fd);
	if (got < 0) {
		elog(LOG_ERR, "%s: read failed: %s (%s); the device or its medium is unreadable",
		     dev, errno_name(errno), strerror(errno));
		return 1;
	}
	if (fsprobe_identify(probe_buf, (size_t)got, &fs) < 0) {
		elog(LOG_INFO, "%s: no filesystem embark reads (ext2/3/4, vfat, iso9660, btrfs, xfs); "
			      "skipped",
		     dev);
		return 1;
	}
	m->fs = fs;
	partition_identity(m);
	snprintf(mnt, sizeof(mnt), "%s/%s", MEDIA_ROOT, m->name);
	mkdir(mnt, 0755);
	/* Each journaling filesystem replays its log even on a read-only mount unless told
	 * not to: ext4 "noload", xfs "norecovery", btrfs "rescue=nologreplay". */
	opts = strcmp(fs.mount_type, "ext4") == 0	? "noload"
	       : strcmp(fs.mount_type, "xfs") == 0	? "norecovery"
	       : strcmp(fs.mount_type, "btrfs") == 0 ? "rescue=nologreplay"
						       : NULL;
	if (mount(dev, mnt, fs.mount_type, MS_RDONLY | MS_NOSUID | MS_NODEV, opts) < 0) {
		int e = errno;

		elog(LOG_ERR, "%s: %s filesystem (UUID %s) did not mount read-only on %s: %s (%s); "
			      "it may be damaged: check it with fsck on another machine",
		     dev, fs.type, fs.uuid[0] ? fs.uuid : "none", mnt, errno_name(e), strerror(e));
		rmdir(mnt);
		return 1;
	}
	m->mounted = 1;
	snprintf(m->mnt, sizeof(m->mnt), "%s", mnt);
	before = list->n;
	n = bootcfg_scan(mnt, list, scan_warn, dev);
	dropped = apply_sources(list, before) + drop_duplicates(list, before);
	if (n > 0)
		n -= dropped;
	elog(LOG_INFO, "%s: %s%s%s UUID=%s%s%s mounted read-only on %s, %d boot entr%s", dev,
	     fs.type, fs.label[0] ? " LABEL=" : "", fs.label, fs.uuid[0] ? fs.uuid : "-",
	     m->partuuid[0] ? " PARTUUID=" : "", m->partuuid, mnt,
	     n < 0 ? 0 : n, n == 1 ? "y" : "ies");
	return 1;
}

int media_remount(const char *root, int writable)
{
	for (unsigned i = 0; i < nmedia; i++) {
		const struct medium *m = &media[i];

		if (!m->mounted || strcmp(m->mnt, root) != 0)
			continue;
		if (mount(NULL, m->mnt, NULL,
			  MS_REMOUNT | MS_NOSUID | MS_NODEV | (writable ? 0 : MS_RDONLY), NULL) < 0)
			return -errno;
		return 0;
	}
	return -ENOENT;
}

const char *media_spec(enum boot_device kind, const char *value)
{
	static char spec[160];

	switch (kind) {
	case BOOT_DEVICE_UUID:
		snprintf(spec, sizeof(spec), "UUID=%s", value);
		break;
	case BOOT_DEVICE_LABEL:
		snprintf(spec, sizeof(spec), "LABEL=%s", value);
		break;
	case BOOT_DEVICE_FILE:
		snprintf(spec, sizeof(spec), "a filesystem holding %s", value);
		break;
	case BOOT_DEVICE_PARTUUID:
		snprintf(spec, sizeof(spec), "PARTUUID=%s", value);
		break;
	default:
		snprintf(spec, sizeof(spec), "the scanned filesystem");
	}
	return spec;
}

const char *media_resolve(enum boot_device kind, const char *value)
{
	for (unsigned i = 0; i < nmedia; i++) {
		const struct medium *m = &media[i];
		char path[BOOT_PATH_MAX + 96];
		struct stat st;

		if (!m->mounted)
			continue;
		/* UUIDs compare without case, as the kernel's root=UUID= and udev do. */
		if ((kind == BOOT_DEVICE_UUID && strcasecmp(m->fs.uuid, value) == 0) ||
		    (kind == BOOT_DEVICE_PARTUUID && m->partuuid[0] &&
		     strcasecmp(m->partuuid, value) == 0) ||
		    (kind == BOOT_DEVICE_LABEL && strcmp(m->fs.label, value) == 0))
			return m->mnt;
		if (kind == BOOT_DEVICE_FILE &&
		    snprintf(path, sizeof(path), "%s/%s", m->mnt, value) < (int)sizeof(path) &&
		    stat(path, &st) == 0)
			return m->mnt;
	}
	return NULL;
}

int media_scan(struct boot_list *list)
{
	/* Sorted names: devices are handled in the same order on every boot (vda before vdb),
	 * whatever order the kernel's sysfs directory lists them in. */
	static char names[4 * MEDIA_MAX][DEV_NAME_MAX];
	DIR *d = opendir("/sys/class/block");
	struct dirent *de;
	unsigned n = 0;
	int new_devices = 0;

	if (!d) {
		elog(LOG_ERR, "/sys/class/block: %s (%s)", errno_name(errno), strerror(errno));
		return 0;
	}
	while ((de = readdir(d)) && n < ARRAY_SIZE(names)) {
		if (de->d_name[0] == '.' || skipped_kind(de->d_name) ||
		    str_copy(names[n], DEV_NAME_MAX, de->d_name) < 0)
			continue;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), strarr_cmp);
	for (unsigned i = 0; i < n; i++) {
		struct medium *m = medium_get(names[i]);

		if (!m || m->done)
			continue;
		if (sectors_of(names[i]) == 0)
			continue; /* an empty drive; it may get a medium later */
		if (has_partitions(names[i])) {
			m->done = 1;
			continue;
		}
		new_devices++;
		m->done = medium_try(m, list);
	}
	return new_devices;
}
