/* Recovery shell commands about the kernel and the disks: dmesg, blkid, mount, umount.
 * Mounts are read-only, always, and ext* get "noload" (no journal replay): a boot loader's
 * shell must not be the thing that writes to a disk being investigated. */
#include "init/shell.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define SYSLOG_ACTION_READ_ALL 3  /* syslog(2): the whole ring buffer, non-destructively */
#define KMSG_RECORD_MAX 8192      /* the kernel's largest /dev/kmsg record (its buffer) */
#define DEV_NAME_MAX 32
#define MOUNTS_PRINT_MAX (64 * 1024)

/* dmesg */

static char log_buf[SHELL_DMESG_MAX];

size_t shell_kmsg_format(const char *rec, size_t len, char *out, size_t cap)
{
	unsigned long long usec = 0;
	const char *semi = memchr(rec, ';', len), *text, *end;
	unsigned field = 0;
	bool digits = false;
	int n;

	if (!semi || cap == 0)
		return 0;
	/* "prio,seq,usec,flags[,...]": the third field is the time stamp. */
	for (const char *p = rec; p < semi; p++) {
		if (*p == ',') {
			field++;
		} else if (field == 2 && *p >= '0' && *p <= '9' && usec < 1000000000000000ULL) {
			usec = usec * 10 + (unsigned)(*p - '0');
			digits = true;
		} else if (field == 2) {
			return 0;
		}
	}
	if (field < 3 || !digits)
		return 0;
	text = semi + 1;
	end = memchr(text, '\n', len - (size_t)(text - rec));
	if (!end)
		end = rec + len;
	n = snprintf(out, cap, "[%5llu.%06llu] %.*s\n", usec / 1000000, usec % 1000000,
		     (int)(end - text), text);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* The kernel log through /dev/kmsg, for when syslog(2) is refused (dmesg_restrict without
 * CAP_SYSLOG). Returns 0 or -errno. */
static int dmesg_kmsg(struct shell *sh)
{
	static char rec[KMSG_RECORD_MAX], line[KMSG_RECORD_MAX + 32];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	size_t printed = 0;

	if (fd < 0)
		return -errno;
	for (unsigned i = 0; i < SHELL_KMSG_RECORDS_MAX && printed < SHELL_DMESG_MAX; i++) {
		ssize_t n = read(fd, rec, sizeof(rec));
		size_t len;

		if (n < 0 && (errno == EPIPE || errno == EINTR))
			continue; /* EPIPE: records overwritten while reading; go on with the next */
		if (n <= 0)
			break; /* EAGAIN: the end of the log */
		len = shell_kmsg_format(rec, (size_t)n, line, sizeof(line));
		sh_write(sh, line, len);
		printed += len;
	}
	close(fd);
	return 0;
}

int shcmd_dmesg(struct shell *sh, int argc, char **argv)
{
	int n = klogctl(SYSLOG_ACTION_READ_ALL, log_buf, (int)sizeof(log_buf)), klog_err, r;
	const char *p, *end;

	if (n < 0) {
		klog_err = errno;
		r = dmesg_kmsg(sh);
		if (r < 0)
			sh_printf(sh, "dmesg: the kernel log cannot be read: syslog(2): %s (%s); "
				      "/dev/kmsg: %s (%s)\n",
				  errno_name(klog_err), strerror(klog_err), errno_name(r),
				  strerror(-r));
		return r;
	}
	/* Lines are "<6>[    1.000000] text": the priority prefix is for machines. */
	for (p = log_buf; p < log_buf + n; p = end) {
		const char *q = p;

		end = memchr(p, '\n', (size_t)(log_buf + n - p));
		end = end ? end + 1 : log_buf + n;
		if (*q == '<') {
			while (q < end && *q != '>' && (size_t)(q - p) < 8)
				q++;
			q = q < end && *q == '>' ? q + 1 : p;
		}
		sh_write(sh, q, (size_t)(end - q));
	}
	return 0;
}

/* blkid */

static unsigned char probe_buf[FSPROBE_BYTES];
static char block_names[SHELL_BLOCK_MAX][DEV_NAME_MAX];

static int name_cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Identifies the filesystem on DEV. Returns 0, -ENODATA for none embark reads, or -errno
 * from opening or reading it. */
static int probe_device(const char *dev, struct fsprobe_result *fs)
{
	int fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	ssize_t got;

	if (fd < 0)
		return -errno;
	got = pread(fd, probe_buf, sizeof(probe_buf), 0);
	if (got < 0)
		got = -errno;
	close(fd);
	if (got < 0)
		return (int)got;
	return fsprobe_identify(probe_buf, (size_t)got, fs);
}

/* Empty drives (a CD drive without a disc, an unused loop device) say size 0. */
static bool block_is_empty(const char *name)
{
	char path[PATH_MAX], buf[32];

	if (snprintf(path, sizeof(path), "%s/%s/size", shell_paths.sys_block, name) >=
	    (int)sizeof(path))
		return false;
	return read_file_bounded(path, buf, sizeof(buf) - 1) > 0 && strtoull(buf, NULL, 10) == 0;
}

int shcmd_blkid(struct shell *sh, int argc, char **argv)
{
	DIR *d = opendir(shell_paths.sys_block);
	struct fsprobe_result fs;
	struct dirent *de;
	unsigned n = 0, shown = 0;
	char dev[PATH_MAX];
	int r;

	if (!d) {
		r = -errno;
		sh_errno(sh, "blkid", shell_paths.sys_block, r, "is sysfs mounted?");
		return r;
	}
	while (n < SHELL_BLOCK_MAX && (de = readdir(d))) {
		if (de->d_name[0] != '.' && str_copy(block_names[n], DEV_NAME_MAX, de->d_name) == 0)
			n++;
	}
	closedir(d);
	qsort(block_names, n, sizeof(block_names[0]), name_cmp);
	for (unsigned i = 0; i < n; i++) {
		if (block_is_empty(block_names[i]))
			continue;
		if (snprintf(dev, sizeof(dev), "%s/%s", shell_paths.dev, block_names[i]) >=
		    (int)sizeof(dev))
			continue;
		shown++;
		r = probe_device(dev, &fs);
		if (r == -ENODATA) {
			sh_printf(sh, "%s: no ext2/3/4, vfat or iso9660 filesystem (a partitioned "
				      "disk, or a type embark does not read)\n",
				  dev);
		} else if (r < 0) {
			sh_errno(sh, "blkid", dev, r, "cannot read it");
		} else {
			sh_printf(sh, "%s: TYPE=\"%s\"", dev, fs.type);
			if (fs.uuid[0])
				sh_printf(sh, " UUID=\"%s\"", fs.uuid);
			if (fs.label[0])
				sh_printf(sh, " LABEL=\"%s\"%s", fs.label,
					  fs.label_inexact ? " (not exactly as on disk)" : "");
			sh_printf(sh, "\n");
		}
	}
	if (shown == 0)
		sh_printf(sh, "blkid: no block devices with a medium in %s; `rescan` after "
			      "connecting one, `dmesg` for the driver's messages\n",
			  shell_paths.sys_block);
	return 0;
}

/* mount, umount */

static const char *mount_hint(int err)
{
	switch (err) {
	case EBUSY: return "it is mounted already, or the directory is in use";
	case ENODEV: return "the kernel has no driver for that type (a module not loaded?)";
	case EINVAL: return "the device does not hold a filesystem of that type";
	case ENOTBLK: return "not a block device: name one under /dev (see `blkid`)";
	case ENOENT: return "the device or the directory does not exist";
	case EUCLEAN:
	case EIO: return "the filesystem may be damaged: check it with fsck on another machine";
	case EPERM:
	case EACCES: return "mounting needs root (CAP_SYS_ADMIN)";
	default: return NULL;
	}
}

static int print_mounts(struct shell *sh)
{
	int fd = open(shell_paths.mounts, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0) {
		r = -errno;
		sh_errno(sh, "mount", shell_paths.mounts, r, "is /proc mounted?");
		return r;
	}
	r = sh_print_fd(sh, "mount", shell_paths.mounts, fd, MOUNTS_PRINT_MAX);
	close(fd);
	return r;
}

int shcmd_mount(struct shell *sh, int argc, char **argv)
{
	const char *dev, *dir, *type, *opts;
	struct fsprobe_result fs;
	struct stat st;
	int r;

	if (argc == 1)
		return print_mounts(sh);
	if (argc != 3 && argc != 4) {
		sh_printf(sh, "usage: mount [DEV DIR [TYPE]] (always read-only)\n");
		return -EINVAL;
	}
	dev = argv[1];
	dir = argv[2];
	type = argc == 4 ? argv[3] : NULL;
	if (!type) {
		r = probe_device(dev, &fs);
		if (r == -ENODATA) {
			sh_printf(sh, "mount: %s: no filesystem embark recognises (ext2/3/4, vfat, "
				      "iso9660); name the type: mount %s %s TYPE\n",
				  dev, dev, dir);
			return r;
		}
		if (r < 0) {
			sh_errno(sh, "mount", dev, r,
				 r == -ENOENT ? "no such device (`blkid` lists them)" : mount_hint(-r));
			return r;
		}
		type = fs.mount_type;
	}
	if (stat(dir, &st) < 0 && errno == ENOENT) {
		if (mkdir(dir, 0755) < 0) {
			r = -errno;
			sh_errno(sh, "mount", dir, r, "the directory could not be created");
			return r;
		}
		sh_printf(sh, "mount: created %s\n", dir);
	}
	/* A read-only ext3/ext4 mount would still replay a dirty journal: noload forbids that.
	 * (ext2 has no journal, and a separate ext2 driver would refuse the option.) */
	opts = strcmp(type, "ext4") == 0 || strcmp(type, "ext3") == 0 ? "noload" : NULL;
	if (mount(dev, dir, type, MS_RDONLY | MS_NOSUID | MS_NODEV, opts) < 0) {
		char what[600];

		r = -errno;
		snprintf(what, sizeof(what), "%s (%s) on %s, read-only", dev, type, dir);
		sh_errno(sh, "mount", what, r, mount_hint(-r));
		return r;
	}
	sh_printf(sh, "mounted %s (%s) read-only on %s\n", dev, type, dir);
	return 0;
}

int shcmd_umount(struct shell *sh, int argc, char **argv)
{
	int r;

	if (argc != 2) {
		sh_printf(sh, "usage: umount DIR\n");
		return -EINVAL;
	}
	if (umount2(argv[1], 0) < 0) {
		r = -errno;
		sh_errno(sh, "umount", argv[1], r,
			 r == -EBUSY ? "something still uses it (an open file or a mount below)"
			 : r == -EINVAL ? "not a mount point (`mount` lists them)"
			 : NULL);
		return r;
	}
	sh_printf(sh, "unmounted %s\n", argv[1]);
	return 0;
}
