/* Devices for distro kernels: the modules a device needs come from its `modalias` and the
 * kernel's modules.alias, matched with the same shell patterns depmod writes ("alias
 * pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci"). Coldplug walks /sys/devices once for devices
 * that appeared before PID 1 started; hotplug reads the kernel's uevents (NETLINK_KOBJECT_UEVENT)
 * for the rest. A kernel with everything built in has no modules.alias: nothing to do.
 * The /sys walk is iterative with a bounded stack: sysfs has symlink loops and deep trees. */
#include "init/internal.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define ALIAS_FILE_MAX (2 * 1024 * 1024) /* modules.alias of a full distro kernel: ~1.3 MB */
#define ALIAS_MAX 32768                  /* alias lines kept */
#define WALK_DEPTH_MAX 12                /* /sys/devices nesting followed */
#define WALK_DIRS_MAX 20000              /* directories looked at in one coldplug */
#define MODALIAS_MAX 512
#define UEVENT_BUF 8192
#define UEVENTS_PER_CALL 256
#define MATCHES_MAX 16                   /* modules one modalias may load */

/* From the kernel's uapi <linux/netlink.h>, which musl-gcc does not see. */
#define NETLINK_KOBJECT_UEVENT 15
struct uevent_addr {
	sa_family_t nl_family;
	unsigned short nl_pad;
	uint32_t nl_pid;
	uint32_t nl_groups;
};

struct alias {
	const char *pattern; /* into aliasbuf, NUL-terminated */
	const char *module;
};

static char aliasbuf[ALIAS_FILE_MAX + 1];
static struct alias aliases[ALIAS_MAX];
static unsigned naliases;
static int uevent_fd = -1;
static unsigned coldplug_loaded;

/* Splits "alias PATTERN MODULE" lines in place. Returns the count kept. */
static unsigned parse_aliases(char *buf, size_t len)
{
	size_t pos = 0;

	naliases = 0;
	while (pos < len && naliases < ALIAS_MAX) {
		char *s = buf + pos, *nl = memchr(s, '\n', len - pos), *pat, *mod, *end;

		if (nl)
			*nl = '\0';
		pos += (nl ? (size_t)(nl - s) : len - pos) + 1;
		if (strncmp(s, "alias ", 6) != 0)
			continue;
		pat = s + 6;
		mod = strchr(pat, ' ');
		if (!mod)
			continue;
		*mod++ = '\0';
		end = strchr(mod, ' ');
		if (end)
			*end = '\0';
		aliases[naliases].pattern = pat;
		aliases[naliases].module = mod;
		naliases++;
	}
	return naliases;
}

/* Loads the modules whose alias matches MODALIAS. Returns the number loaded. */
static int load_for_modalias(const char *modalias)
{
	const char *names[MATCHES_MAX];
	unsigned n = 0;
	int r;

	for (unsigned i = 0; i < naliases && n < MATCHES_MAX; i++) {
		if (fnmatch(aliases[i].pattern, modalias, 0) != 0)
			continue;
		names[n++] = aliases[i].module;
	}
	if (n == 0)
		return 0;
	r = modules_request(names, n);
	if (r > 0)
		elog(LOG_INFO, "modalias %s: loaded %s%s", modalias, names[0], n > 1 ? " and more" : "");
	return r > 0 ? r : 0;
}

/* Reads DIR/modalias if there is one and loads its modules. */
static void coldplug_dir(const char *dir)
{
	char path[PATH_MAX], alias[MODALIAS_MAX + 1];
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s/modalias", dir) >= (int)sizeof(path))
		return;
	n = read_file_bounded(path, alias, MODALIAS_MAX);
	if (n <= 0)
		return;
	alias[strcspn(alias, "\n")] = '\0';
	coldplug_loaded += (unsigned)load_for_modalias(alias);
}

/* Breadth-first over /sys/devices, real directories only (no symlinks: sysfs links loop). */
static void walk_sys_devices(void)
{
	static char queue[WALK_DIRS_MAX][160];
	static unsigned char depth[WALK_DIRS_MAX];
	unsigned head = 0, tail = 0;

	snprintf(queue[tail], sizeof(queue[0]), "/sys/devices");
	depth[tail++] = 0;
	while (head < tail) {
		const char *dir = queue[head];
		unsigned d = depth[head++];
		DIR *dh = opendir(dir);
		struct dirent *de;

		if (!dh)
			continue;
		coldplug_dir(dir);
		while ((de = readdir(dh)) != NULL) {
			if (de->d_name[0] == '.' || de->d_type != DT_DIR || d + 1 > WALK_DEPTH_MAX ||
			    tail >= WALK_DIRS_MAX)
				continue;
			if (snprintf(queue[tail], sizeof(queue[0]), "%s/%s", dir, de->d_name) >=
			    (int)sizeof(queue[0]))
				continue;
			depth[tail++] = (unsigned char)(d + 1);
		}
		closedir(dh);
	}
	if (tail >= WALK_DIRS_MAX)
		elog(LOG_WARN, "/sys/devices: stopped after %d directories", WALK_DIRS_MAX);
}

static void uevent_open(void)
{
	struct uevent_addr addr = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0) {
		elog(LOG_WARN, "uevent socket: %s (%s); new devices are found by rescanning only",
		     errno_name(errno), strerror(errno));
		return;
	}
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		elog(LOG_WARN, "uevent socket: bind: %s (%s); new devices are found by rescanning "
			       "only", errno_name(errno), strerror(errno));
		close(fd);
		return;
	}
	uevent_fd = fd;
}

void devices_coldplug(void)
{
	char path[192];
	struct utsname u;
	ssize_t n;

	/* The socket first, before the walk: a device added meanwhile is not missed. A kernel
	 * with everything built in (a firmware image) has no modules.alias: the /sys walk is
	 * skipped, and the socket still tells devices_hotplug() of disks that appear later. */
	uevent_open();
	uname(&u);
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.alias", u.release);
	n = read_file_bounded(path, aliasbuf, ALIAS_FILE_MAX);
	if (n < 0) {
		if (n != -ENOENT)
			elog(LOG_WARN, "%s: %s (%s); devices get only the board's module list", path,
			     errno_name((int)n), strerror((int)-n));
		return;
	}
	parse_aliases(aliasbuf, (size_t)n);
	walk_sys_devices();
	elog(LOG_INFO, "coldplug: %u module%s loaded by modalias (%u aliases in %s)", coldplug_loaded,
	     coldplug_loaded == 1 ? "" : "s", naliases, path);
}

/* A uevent: "ACTION@DEVPATH\0KEY=VALUE\0...". Finds KEY's value in BUF[0..LEN). */
static const char *uevent_get(const char *buf, size_t len, const char *key)
{
	size_t klen = strlen(key);

	for (size_t pos = 0; pos < len;) {
		const char *s = buf + pos;
		size_t n = strnlen(s, len - pos);

		if (n > klen && memcmp(s, key, klen) == 0 && s[klen] == '=')
			return s + klen + 1;
		pos += n + 1;
	}
	return NULL;
}

int devices_hotplug(void)
{
	static char buf[UEVENT_BUF + 1];
	int blocks = 0;

	if (uevent_fd < 0)
		return 0;
	for (unsigned i = 0; i < UEVENTS_PER_CALL; i++) {
		ssize_t n = recv(uevent_fd, buf, UEVENT_BUF, MSG_DONTWAIT);
		const char *action, *subsystem, *modalias;

		if (n <= 0)
			break;
		buf[n] = '\0';
		action = uevent_get(buf, (size_t)n, "ACTION");
		subsystem = uevent_get(buf, (size_t)n, "SUBSYSTEM");
		modalias = uevent_get(buf, (size_t)n, "MODALIAS");
		if (!action || strcmp(action, "add") != 0)
			continue;
		if (modalias && naliases)
			load_for_modalias(modalias);
		if (subsystem && strcmp(subsystem, "block") == 0) {
			const char *dev = uevent_get(buf, (size_t)n, "DEVNAME");

			elog(LOG_INFO, "hotplug: block device %s added", dev ? dev : "?");
			event_log("device", dev ? dev : "", "added");
			blocks++;
		}
	}
	return blocks;
}
