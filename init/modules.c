/* Kernel modules for distro kernels. The initramfs carries a module subset, its modules.dep
 * (generated at build time by depmod), and /etc/embark/modules, the board's list. Each listed
 * module is loaded after every module modules.dep says it needs, with finit_module(2).
 * Compressed modules (.ko.xz/.zst/.gz) are handed to the kernel as they are with
 * MODULE_INIT_COMPRESSED_FILE (kernels >= 5.17 built with CONFIG_MODULE_DECOMPRESS). */
#include "init/internal.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define MODULE_INIT_COMPRESSED_FILE 4
#define MOD_NAME_MAX 64
#define MOD_PATH_MAX 256
#define MOD_LIST_MAX 8192

enum mod_state { MOD_UNUSED, MOD_PENDING, MOD_LOADED, MOD_FAILED };

struct mod {
	char name[MOD_NAME_MAX];
	char path[MOD_PATH_MAX]; /* relative to /lib/modules/<release> */
	unsigned short deps[MOD_DEPS_MAX];
	unsigned ndeps;
	enum mod_state state;
};

static struct mod mods[MOD_MAX];
static unsigned nmods;
/* The order modules were asked for (each after what it needs): loading follows it, so a
 * module the board lists early (crc32c_generic) is in before one that only needs it at run
 * time (libcrc32c asks the crypto API for "crc32c"; modules.dep does not say so). */
static unsigned short want_order[MOD_MAX];
static unsigned nwant;
static char depbuf[MOD_DEP_FILE_MAX + 1];

/* "kernel/fs/ext4/ext4.ko.xz" -> "ext4"; dashes become underscores as in the kernel. */
static void mod_name_of(const char *path, size_t n, char *name)
{
	const char *base = path, *dot;
	size_t k;

	for (size_t i = 0; i < n; i++)
		if (path[i] == '/')
			base = path + i + 1;
	dot = memchr(base, '.', (size_t)(path + n - base));
	k = dot ? (size_t)(dot - base) : (size_t)(path + n - base);
	if (k >= MOD_NAME_MAX)
		k = MOD_NAME_MAX - 1;
	for (size_t i = 0; i < k; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	name[k] = '\0';
}

static int mod_find_path(const char *path, size_t n)
{
	for (unsigned i = 0; i < nmods; i++)
		if (strlen(mods[i].path) == n && memcmp(mods[i].path, path, n) == 0)
			return (int)i;
	return -1;
}

static int mod_find_name(const char *name)
{
	for (unsigned i = 0; i < nmods; i++)
		if (strcmp(mods[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Adds the module at PATH if new; returns its index or -ENOSPC/-ENAMETOOLONG. */
static int mod_intern(const char *path, size_t n)
{
	int i = mod_find_path(path, n);

	if (i >= 0)
		return i;
	if (nmods >= MOD_MAX)
		return -ENOSPC;
	if (n >= MOD_PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(mods[nmods].path, path, n);
	mods[nmods].path[n] = '\0';
	mod_name_of(path, n, mods[nmods].name);
	return (int)nmods++;
}

/* modules.dep: "path: dep dep ..." a line. Two passes are not needed: a dependency is
 * interned when first named and gets its own line later. */
static int parse_modules_dep(const char *buf, size_t len)
{
	size_t pos = 0;
	unsigned line = 0;

	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos), *colon;
		size_t n = nl ? (size_t)(nl - s) : len - pos, p;
		int self;

		pos += n + (nl ? 1 : 0);
		line++;
		colon = memchr(s, ':', n);
		if (!colon)
			continue;
		self = mod_intern(s, (size_t)(colon - s));
		if (self < 0)
			return self;
		p = (size_t)(colon - s) + 1;
		while (p < n) {
			size_t start, k;
			int dep;

			while (p < n && s[p] == ' ')
				p++;
			start = p;
			while (p < n && s[p] != ' ')
				p++;
			k = p - start;
			if (k == 0)
				break;
			dep = mod_intern(s + start, k);
			if (dep < 0)
				return dep;
			if (mods[self].ndeps >= MOD_DEPS_MAX) {
				elog(LOG_WARN, "modules.dep line %u: more than %d dependencies", line,
				     MOD_DEPS_MAX);
				return -E2BIG;
			}
			mods[self].deps[mods[self].ndeps++] = (unsigned short)dep;
		}
	}
	return 0;
}

static int is_compressed(const char *path)
{
	size_t n = strlen(path);

	return (n > 3 && strcmp(path + n - 3, ".xz") == 0) ||
	       (n > 4 && strcmp(path + n - 4, ".zst") == 0) ||
	       (n > 3 && strcmp(path + n - 3, ".gz") == 0);
}

/* Loads M; on failure *OPENED says whether the kernel itself refused (1) or the file could
 * not be opened (0). */
static int load_one(const char *moddir, struct mod *m, int *opened)
{
	char path[MOD_PATH_MAX + 128];
	int fd, flags = is_compressed(m->path) ? MODULE_INIT_COMPRESSED_FILE : 0, r = 0;

	*opened = 0;
	if (path_join(path, sizeof(path), moddir, m->path) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	*opened = 1;
	if (syscall(SYS_finit_module, fd, "", flags) != 0 && errno != EEXIST)
		r = -errno;
	close(fd);
	return r;
}

static const char *load_error_hint(int err, int opened)
{
	if (opened && err == -ENOENT)
		return "its init found something missing, usually a crypto algorithm or firmware it "
		       "asks for: list that module before it in the board's modules";
	switch (-err) {
	case ENOEXEC:
		return "not a module for this kernel (version or architecture mismatch)";
	case EKEYREJECTED:
	case ENOKEY:
		return "signature not trusted by this kernel (module.sig_enforce)";
	case EINVAL:
		return "compressed, and this kernel cannot decompress modules, or bad parameters";
	case ENOENT:
		return "file missing from the initramfs";
	}
	return "see dmesg";
}

static char moddir[128];
static int dep_loaded; /* 1: modules.dep parsed; -errno: it could not be */

/* Reads modules.dep of the running kernel once. */
static int load_dep(void)
{
	char deppath[160];
	struct utsname u;
	ssize_t n;

	if (dep_loaded)
		return dep_loaded < 0 ? dep_loaded : 0;
	uname(&u);
	snprintf(moddir, sizeof(moddir), "/lib/modules/%s", u.release);
	snprintf(deppath, sizeof(deppath), "%s/modules.dep", moddir);
	n = read_file_bounded(deppath, depbuf, MOD_DEP_FILE_MAX);
	if (n < 0) {
		elog(LOG_ERR, "%s: %s (%s): the initramfs was built for another kernel release "
			      "or without modules; rebuild it for %s",
		     deppath, errno_name((int)n), strerror((int)-n), u.release);
		dep_loaded = (int)n;
		return dep_loaded;
	}
	nmods = 0;
	if (parse_modules_dep(depbuf, (size_t)n) < 0) {
		elog(LOG_ERR, "%s: too large or malformed (limit %d modules)", deppath, MOD_MAX);
		dep_loaded = -EINVAL;
		return dep_loaded;
	}
	dep_loaded = 1;
	return 0;
}

/* Marks NAME and everything modules.dep says it needs (transitively) as wanted. Returns 1
 * when something new is wanted, 0 when all of it is loaded or failed already, -ENOENT when
 * the module is unknown. */
static int mark_wanted(const char *name)
{
	int i = mod_find_name(name), news = 0;

	if (i < 0)
		return -ENOENT;
	/* modules.dep lists the dependencies deepest last: queue them from the end. */
	for (unsigned d = mods[i].ndeps; d-- > 0;)
		if (mods[mods[i].deps[d]].state == MOD_UNUSED && nwant < MOD_MAX) {
			mods[mods[i].deps[d]].state = MOD_PENDING;
			want_order[nwant++] = mods[i].deps[d];
			news = 1;
		}
	if (mods[i].state == MOD_UNUSED && nwant < MOD_MAX) {
		mods[i].state = MOD_PENDING;
		want_order[nwant++] = (unsigned short)i;
		news = 1;
	}
	return news;
}

/* Loads every wanted module once its dependencies are in. Each pass loads at least one
 * module or the loop ends, so it runs at most nmods + 1 times. Counts into LOADED and FAILED. */
static void load_wanted(unsigned *loaded, unsigned *failed)
{
	for (unsigned pass = 0, progress = 1; progress && pass <= nmods; pass++) {
		progress = 0;
		for (unsigned w = 0; w < nwant; w++) {
			struct mod *m = &mods[want_order[w]];
			int ready = 1, r, opened;

			if (m->state != MOD_PENDING)
				continue;
			for (unsigned d = 0; d < m->ndeps; d++) {
				enum mod_state ds = mods[m->deps[d]].state;

				if (ds == MOD_FAILED) {
					elog(LOG_ERR, "module %s: not loaded: it needs %s, which failed",
					     m->name, mods[m->deps[d]].name);
					m->state = MOD_FAILED;
					(*failed)++;
					progress = 1;
					ready = 0;
					break;
				}
				if (ds != MOD_LOADED)
					ready = 0;
			}
			if (!ready)
				continue;
			r = load_one(moddir, m, &opened);
			progress = 1;
			if (r < 0) {
				elog(LOG_ERR, "module %s (%s/%s): %s (%s): %s", m->name, moddir, m->path,
				     errno_name(r), strerror(-r), load_error_hint(r, opened));
				m->state = MOD_FAILED;
				(*failed)++;
			} else {
				m->state = MOD_LOADED;
				(*loaded)++;
			}
		}
	}
	for (unsigned i = 0; i < nmods; i++) {
		if (mods[i].state == MOD_PENDING) {
			elog(LOG_ERR, "module %s: not loaded: its dependencies in modules.dep form a "
				      "cycle", mods[i].name);
			mods[i].state = MOD_FAILED;
			(*failed)++;
		}
	}
}

int modules_request(const char *const *names, unsigned n)
{
	unsigned loaded = 0, failed = 0;
	int news = 0;

	if (load_dep() < 0)
		return dep_loaded;
	for (unsigned i = 0; i < n; i++)
		if (mark_wanted(names[i]) > 0)
			news = 1;
	if (news)
		load_wanted(&loaded, &failed);
	return (int)loaded;
}

int modules_load_list(const char *list_file)
{
	static char list[MOD_LIST_MAX + 1];
	char name[MOD_NAME_MAX];
	struct utsname u;
	ssize_t list_len;
	unsigned loaded = 0, failed = 0;
	size_t pos = 0;

	list_len = read_file_bounded(list_file, list, MOD_LIST_MAX);
	if (list_len == -ENOENT)
		return 0; /* a kernel with everything built in needs no list */
	if (list_len < 0)
		return (int)list_len;
	if (load_dep() < 0)
		return dep_loaded;
	uname(&u);

	/* Mark what is wanted: modules.dep lists every module a module needs, transitively. */
	while (pos < (size_t)list_len && list[pos]) {
		const char *s = list + pos;
		size_t k = strcspn(s, "\n"), w;

		pos += k + (s[k] == '\n');
		while (k && (*s == ' ' || *s == '\t')) {
			s++;
			k--;
		}
		w = strcspn(s, " \t\n#");
		if (w == 0 || w > k)
			continue;
		mod_name_of(s, w, name);
		if (mark_wanted(name) == -ENOENT) {
			char sys[MOD_NAME_MAX + 16];
			struct stat st;

			snprintf(sys, sizeof(sys), "/sys/module/%s", name);
			if (stat(sys, &st) != 0)
				elog(LOG_WARN, "module %s: not in %s/modules.dep and not built in", name,
				     moddir);
		}
	}
	load_wanted(&loaded, &failed);
	elog(failed ? LOG_WARN : LOG_INFO, "loaded %u kernel modules for %s%s", loaded, u.release,
	     failed ? " (some failed: see above)" : "");
	return (int)loaded;
}
