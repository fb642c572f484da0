/* Network boot (README.md "Network boot"): DHCP on the policy's interfaces in order until one
 * gives a lease, then the entries that lease leads to:
 *   - a bootfile that is a FIT (FDT magic) is one entry, verified with the keyring at boot;
 *   - otherwise the pxelinux configs: option 209 first, then pxelinux.cfg/<MAC, IP prefixes,
 *     default> under option 210's prefix (default: the bootfile's directory), over TFTP from
 *     next-server; the first that exists is parsed as syslinux does.
 * Entries carry ROOT = "tftp://SERVER" (or the bootfile URL's scheme://host:port) and GROUP =
 * the interface. Booting one downloads kernel and initrds into memfds (a progress bar on the
 * console), seals them and loads them as the disk path does: nothing is copied twice.
 * iPXE script bootfiles are netboot_ipxe.c's. */
#include "fetch/fetch.h"
#include "init/internal.h"
#include "init/netboot.h"
#include "ipxe/ipxe.h"
#include "net/net.h"
#include "syslinux/syslinux.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CARRIER_WAIT_MS 3000u    /* a link without carrier after this is tried anyway */
#define LINKS_WAIT_STEP_MS 200u  /* polling for the NIC driver to register a link ... */
#define LINKS_WAIT_MAX_MS 2000u  /* ... at most this long: no NIC at all is common */
#define RESOLVE_TIMEOUT_MS 5000u
#define PXE_PREFIX_MAX 256

struct net_lease nb_lease;
static bool have_lease;
uint32_t nb_tftp_server; /* host order */
static unsigned fetch_timeout_ms;
static int bootfile_fd = -1;             /* the FIT bootfile, sealed: booted without a */
static char bootfile_url[FETCH_URL_MAX]; /* second download */
char nb_cfg_buf[BOOT_CONFIG_MAX + 1];

bool netboot_is_url(const char *root)
{
	return strncmp(root, "tftp://", 7) == 0 || strncmp(root, "http://", 7) == 0 ||
	       strncmp(root, "https://", 8) == 0;
}

static int lease_resolve(void *ctx, const char *host, uint32_t *addr)
{
	uint32_t a;
	int r;

	(void)ctx;
	r = net_resolve(host, nb_lease.dns, nb_lease.n_dns, RESOLVE_TIMEOUT_MS, &a);
	if (r < 0) {
		elog(LOG_ERR, "%s: resolving %s with the lease's %u name server%s failed: %s (%s)",
		     nb_lease.ifname, host, nb_lease.n_dns, nb_lease.n_dns == 1 ? "" : "s", errno_name(r),
		     strerror(-r));
		return r;
	}
	*addr = htonl(a);
	return 0;
}

struct progress {
	const char *what;
	uint64_t start_ms;
	bool shown;
};

static void on_progress(void *ctx, uint64_t got, uint64_t total)
{
	struct progress *pr = ctx;

	fetch_progress_bar(STDOUT_FILENO, pr->what, got, total, monotonic_ms() - pr->start_ms);
	pr->shown = true;
}

static void fetch_opts_fill(struct fetch_opts *o, struct progress *pr)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = fetch_timeout_ms;
	o->resolve = lease_resolve;
	if (access(FETCH_DEFAULT_CA_FILE, R_OK) == 0)
		o->ca_file = FETCH_DEFAULT_CA_FILE;
	if (pr) {
		o->progress = on_progress;
		o->progress_ctx = pr;
	}
}

/* Downloads URL to the end of MEMFD; WHAT (not NULL) shows a progress bar. */
long long nb_download(const char *url, int memfd, const char *what, char *err,
			  size_t errlen)
{
	struct progress pr = { what, monotonic_ms(), false };
	struct fetch_opts o;
	long long n;

	fetch_opts_fill(&o, what ? &pr : NULL);
	if (lseek(memfd, 0, SEEK_END) < 0)
		return -errno;
	n = fetch_url(url, memfd, &o, err, errlen);
	if (pr.shown) {
		if (n >= 0)
			fetch_progress_bar(STDOUT_FILENO, what, (uint64_t)n, (uint64_t)n,
					   monotonic_ms() - pr.start_ms);
		write_all(STDOUT_FILENO, "\n", 1);
	}
	return n;
}

/* A TFTP file from next-server into a new memfd; the fd, or -errno with ERR filled. */
static int tftp_get(const char *path, char *err, size_t errlen)
{
	struct fetch_opts o;
	long long n;
	int fd = memfd_new("embark-netcfg");

	if (fd < 0)
		return fd;
	fetch_opts_fill(&o, NULL);
	n = fetch_tftp(htonl(nb_tftp_server), 0, path, fd, &o, err, errlen);
	if (n < 0) {
		close(fd);
		return (int)n;
	}
	return fd;
}

/* The entry's URL for PATH: PATH itself when it is one, else ROOT + PATH. */
static int entry_url(const struct boot_entry *e, const char *path, char *url, size_t cap)
{
	int w;

	if (strstr(path, "://"))
		return str_copy(url, cap, path);
	w = snprintf(url, cap, "%s%s%s", e->root, path[0] == '/' ? "" : "/", path);
	return w < 0 || (size_t)w >= cap ? -ENAMETOOLONG : 0;
}

static void warn_cb(void *ctx, const char *msg)
{
	elog(LOG_WARN, "%s: %s", (const char *)ctx, msg);
}

/* Interface I of the policy's list (or of every Ethernet link); "" past the end. */
static int nth_interface(const struct policy *p, const struct net_link *links, int n, unsigned i,
			 char *name, size_t cap)
{
	const char *s = p->network_interfaces;
	unsigned k = 0;

	name[0] = '\0';
	if (!s[0]) {
		for (int j = 0; j < n; j++)
			if (links[j].type == NET_ARPHRD_ETHER && k++ == i)
				return str_copy(name, cap, links[j].name);
		return -ENOENT;
	}
	for (unsigned guard = 0; *s && guard < NETBOOT_LINKS_MAX; guard++) {
		size_t len = strcspn(s, ",");

		if (k++ == i) {
			if (len >= cap)
				return -ENAMETOOLONG;
			memcpy(name, s, len);
			name[len] = '\0';
			return 0;
		}
		s += len;
		if (*s == ',')
			s++;
	}
	return -ENOENT;
}

static int dhcp_on(const char *ifname, unsigned timeout_ms)
{
	struct dhcp_config cfg;
	char err[NET_ERR_MAX];
	int r;

	r = net_link_up(ifname);
	if (r < 0) {
		elog(LOG_WARN, "%s: cannot bring the link up: %s (%s); check network_interfaces in "
			       "the policy", ifname, errno_name(r), strerror(-r));
		return r;
	}
	if (net_link_wait_carrier(ifname, CARRIER_WAIT_MS) < 0)
		elog(LOG_WARN, "%s: no carrier after %u ms; trying DHCP anyway (check the cable)",
		     ifname, CARRIER_WAIT_MS);
	dhcp_config_init(&cfg, ifname);
	cfg.timeout_ms = timeout_ms;
	elog(LOG_INFO, "%s: DHCP (up to %u s)", ifname, timeout_ms / 1000);
	r = net_dhcp(&cfg, &nb_lease, err, sizeof(err));
	if (r < 0) {
		elog(LOG_WARN, "%s", err);
		return r;
	}
	r = net_configure(&nb_lease);
	if (r < 0) {
		elog(LOG_ERR, "%s: configuring the lease's address failed: %s (%s)", ifname,
		     errno_name(r), strerror(-r));
		net_deconfigure(ifname);
	}
	return r;
}

static void log_lease(void)
{
	char a[16], s[16], t[16];

	elog(LOG_INFO, "%s: lease %s/%d from %s; next-server %s, bootfile '%s', pxeconffile (209) "
		       "'%s', pathprefix (210) '%s'",
	     nb_lease.ifname, net_ntoa(nb_lease.addr, a), net_prefixlen(nb_lease.netmask),
	     net_ntoa(nb_lease.server_id, s), net_ntoa(nb_tftp_server, t), nb_lease.bootfile,
	     nb_lease.pxeconffile, nb_lease.pathprefix);
}

/* Next-server: siaddr, else option 66 (an address or a name), else the DHCP server. */
static uint32_t pick_tftp_server(void)
{
	uint32_t a = 0;

	if (nb_lease.siaddr)
		return nb_lease.siaddr;
	if (nb_lease.tftp_server[0] && (net_aton(nb_lease.tftp_server, &a) == 0 ||
				     net_resolve(nb_lease.tftp_server, nb_lease.dns, nb_lease.n_dns,
						 RESOLVE_TIMEOUT_MS, &a) == 0))
		return a;
	return nb_lease.server_id;
}

/* Marks LIST's entries from FIRST on as network entries under ROOT. */
void nb_mark_entries(struct boot_list *list, unsigned first, const char *root)
{
	for (unsigned i = first; i < list->n; i++) {
		struct boot_entry *e = &list->entries[i];

		str_copy(e->root, sizeof(e->root), root);
		str_copy(e->group, sizeof(e->group), nb_lease.ifname);
	}
}

/* Parses the config in FD (fetched as TFTP_PATH) into LIST. */
static int parse_config(int fd, const char *tftp_path, struct boot_list *list, const char *root)
{
	char cfg_path[PXE_PREFIX_MAX * 2];
	ssize_t n;
	unsigned first = list->n;
	int r;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	n = read_fd_full(fd, nb_cfg_buf, BOOT_CONFIG_MAX);
	if (n < 0) {
		elog(LOG_ERR, "%s: tftp://%s/%s: %s (larger than %u bytes?)", nb_lease.ifname, root + 7,
		     tftp_path, errno_name((int)n), BOOT_CONFIG_MAX);
		return (int)n;
	}
	snprintf(cfg_path, sizeof(cfg_path), "/%s", tftp_path[0] == '/' ? tftp_path + 1 : tftp_path);
	r = syslinux_parse(nb_cfg_buf, (size_t)n, NULL, cfg_path, list, warn_cb, nb_lease.ifname);
	if (r < 0)
		return r;
	nb_mark_entries(list, first, root);
	elog(LOG_INFO, "%s: %s/%s: %d entr%s", nb_lease.ifname, root, tftp_path, r, r == 1 ? "y" : "ies");
	return r;
}

/* pxelinux: option 209, then pxelinux.cfg/<candidates> under the prefix; the first found. */
static int scan_pxelinux(struct boot_list *list)
{
	char names[SYSLINUX_PXE_CANDIDATES][SYSLINUX_PXE_NAME_MAX];
	char prefix[PXE_PREFIX_MAX], path[PXE_PREFIX_MAX * 2], root[32], srv[16];
	char err[NET_ERR_MAX * 2];
	const char *slash;
	size_t n;
	int fd, r;

	snprintf(root, sizeof(root), "tftp://%s", net_ntoa(nb_tftp_server, srv));
	if (nb_lease.pathprefix[0]) {
		str_copy(prefix, sizeof(prefix), nb_lease.pathprefix);
	} else {
		slash = strrchr(nb_lease.bootfile, '/');
		snprintf(prefix, sizeof(prefix), "%.*s",
			 slash ? (int)(slash - nb_lease.bootfile + 1) : 0, nb_lease.bootfile);
	}
	if (nb_lease.pxeconffile[0]) {
		snprintf(path, sizeof(path), "%s%s", nb_lease.pxeconffile[0] == '/' ? "" : prefix,
			 nb_lease.pxeconffile);
		fd = tftp_get(path, err, sizeof(err));
		if (fd >= 0) {
			r = parse_config(fd, path, list, root);
			close(fd);
			return r;
		}
		elog(LOG_WARN, "%s: pxeconffile (209): %s", nb_lease.ifname, err);
	}
	n = (size_t)syslinux_pxe_candidates(nb_lease.mac, nb_lease.addr, names, SYSLINUX_PXE_CANDIDATES);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%spxelinux.cfg/%s", prefix, names[i]);
		fd = tftp_get(path, err, sizeof(err));
		if (fd < 0) {
			if (fd != -ENOENT)
				elog(LOG_WARN, "%s: %s", nb_lease.ifname, err);
			if (fd == -ETIMEDOUT || fd == -ECONNREFUSED || fd == -EHOSTUNREACH)
				return fd;
			continue;
		}
		r = parse_config(fd, path, list, root);
		close(fd);
		return r;
	}
	elog(LOG_WARN, "%s: no pxelinux config on %s under '%spxelinux.cfg/' (tried %zu names: "
		       "01-<mac>, the address in hex and its prefixes, default)",
	     nb_lease.ifname, root, prefix, n);
	return 0;
}

/* URL's "scheme://host:port" in ROOT and its path in PATH (an entry's root and source). */
int nb_url_split(const char *url, char *root, size_t rcap, char *path, size_t pcap)
{
	static struct fetch_url u;
	int r = fetch_url_parse(url, strlen(url), &u);

	if (r < 0)
		return r;
	snprintf(root, rcap, "%s://%s:%u",
		 u.scheme == FETCH_TFTP ? "tftp" : u.scheme == FETCH_HTTP ? "http" : "https", u.host,
		 u.port);
	snprintf(path, pcap, "%s%.500s", u.path[0] == '/' ? "" : "/", u.path);
	return 0;
}

/* One FIT entry for the bootfile URL (the download kept, sealed, for the boot). */
int nb_add_fit_entry(struct boot_list *list, const char *url, int fd)
{
	struct boot_entry *e;
	char root[FETCH_HOST_MAX + 16];

	if (list->n >= BOOT_MAX_ENTRIES) {
		list->dropped++;
		return 0;
	}
	e = &list->entries[list->n];
	boot_entry_init(e, BOOT_FORMAT_FIT);
	if (nb_url_split(url, root, sizeof(root), e->source, sizeof(e->source)) < 0)
		return -EINVAL;
	snprintf(e->id, sizeof(e->id), "net-%s", nb_lease.ifname);
	snprintf(e->title, sizeof(e->title), "FIT %.200s", url);
	str_copy(e->kernel, sizeof(e->kernel), url);
	list->n++;
	nb_mark_entries(list, list->n - 1, root);
	if (bootfile_fd >= 0)
		close(bootfile_fd);
	bootfile_fd = fd;
	str_copy(bootfile_url, sizeof(bootfile_url), url);
	elog(LOG_INFO, "%s: bootfile %s is a FIT: one entry (verified when booted)", nb_lease.ifname,
	     url);
	return 1;
}

/* The bootfile: a FIT becomes an entry, an iPXE script its entries; anything else
 * (pxelinux.0) leads to pxelinux. */
static int scan_bootfile(struct boot_list *list)
{
	char url[FETCH_URL_MAX], err[NET_ERR_MAX * 2], srv[16];
	int fd, r;

	if (!nb_lease.bootfile[0])
		return 0;
	if (strstr(nb_lease.bootfile, "://"))
		str_copy(url, sizeof(url), nb_lease.bootfile);
	else
		snprintf(url, sizeof(url), "tftp://%s/%s", net_ntoa(nb_tftp_server, srv),
			 nb_lease.bootfile[0] == '/' ? nb_lease.bootfile + 1 : nb_lease.bootfile);
	fd = memfd_new("embark-bootfile");
	if (fd < 0)
		return fd;
	r = (int)nb_download(url, fd, NULL, err, sizeof(err));
	if (r >= 0)
		r = memfd_seal(fd);
	if (r < 0) {
		elog(LOG_WARN, "%s: bootfile: %s", nb_lease.ifname, r == -EINVAL ? url : err);
		close(fd);
		return 0;
	}
	if (fitboot_is_fit(fd))
		return nb_add_fit_entry(list, url, fd);
	if (pread(fd, nb_cfg_buf, 8, 0) == 8 && ipxe_is_script(nb_cfg_buf, 7)) {
		elog(LOG_INFO, "%s: bootfile %s is an iPXE script", nb_lease.ifname, url);
		return nb_scan_ipxe(list, url, fd);
	}
	close(fd);
	return 0;
}

/* Links may register a little after their driver loaded: wait for one, at most TIMEOUT_MS. */
static int list_links(struct net_link *links, unsigned timeout_ms)
{
	uint64_t start = monotonic_ms();
	int n;

	for (;;) {
		n = net_links_list(links, NETBOOT_LINKS_MAX);
		if (n != 0 || monotonic_ms() - start >= timeout_ms)
			return n;
		usleep(LINKS_WAIT_STEP_MS * 1000);
	}
}

int netboot_scan(const struct policy *p, struct boot_list *list)
{
	static struct net_link links[NETBOOT_LINKS_MAX];
	char ifname[NET_IFNAME_MAX];
	unsigned before = list->n;
	int n, r = 0;

	fetch_timeout_ms = p->network_timeout_ms;
	n = list_links(links, LINKS_WAIT_MAX_MS);
	if (n <= 0) {
		elog(LOG_WARN, "network boot: no network interface (%s); is the NIC's driver in the "
			       "board's module list?", n < 0 ? errno_name(n) : "none registered");
		return n < 0 ? n : -ENODEV;
	}
	for (unsigned i = 0; i < NETBOOT_LINKS_MAX && !have_lease; i++) {
		if (nth_interface(p, links, n, i, ifname, sizeof(ifname)) < 0)
			break;
		have_lease = dhcp_on(ifname, p->network_timeout_ms) == 0;
	}
	if (!have_lease) {
		elog(LOG_WARN, "network boot: no DHCP lease on %s within %u s each; network entries "
			       "are not listed", p->network_interfaces[0] ? p->network_interfaces
									 : "any Ethernet interface",
		     p->network_timeout_ms / 1000);
		r = -ENETUNREACH;
		goto out;
	}
	nb_tftp_server = pick_tftp_server();
	log_lease();
	r = scan_bootfile(list);
	if (r == 0 && nb_tftp_server)
		r = scan_pxelinux(list);
	if (r >= 0)
		r = (int)(list->n - before);
	elog(LOG_INFO, "%s: %d network entr%s", nb_lease.ifname, r, r == 1 ? "y" : "ies");
out:
	event_log("network", nb_lease.ifname, have_lease ? "lease" : "none");
	return r;
}

/* Appends 0-3 zero bytes so that the next initrd starts 4-byte aligned. */
static int pad4(int fd)
{
	static const char zeros[4];
	off_t end = lseek(fd, 0, SEEK_END);

	if (end < 0)
		return -errno;
	return end % 4 ? write_all(fd, zeros, (size_t)(4 - end % 4)) : 0;
}

int netboot_load(const struct boot_entry *e, const struct keyring *kr, const struct policy *p,
		 bool cmdline_edited)
{
	static char load_msg[LOADER_MSG_MAX];
	static char url[FETCH_URL_MAX], kurl[FETCH_URL_MAX];
	char err[NET_ERR_MAX * 2], what[32];
	int kfd = -1, ifd = -1, r;
	long long got;

	r = entry_url(e, e->kernel, url, sizeof(url));
	if (r < 0)
		goto out;
	if (bootfile_fd >= 0 && strcmp(url, bootfile_url) == 0) {
		kfd = fcntl(bootfile_fd, F_DUPFD_CLOEXEC, 0);
		r = kfd < 0 ? -errno : 0;
	} else {
		kfd = r = memfd_new("embark-kernel");
		if (r >= 0 && (got = nb_download(url, kfd, "kernel", err, sizeof(err))) < 0) {
			r = (int)got;
			elog(LOG_ERR, "entry '%s': %s", e->title, err);
			goto out;
		}
		if (r >= 0)
			r = memfd_seal(kfd);
	}
	if (r < 0)
		goto out;
	if (fitboot_is_fit(kfd)) {
		r = fitboot_load_fd(kfd, url, e, kr, p, cmdline_edited);
		goto out;
	}
	if (p->require_signatures) {
		r = -EKEYREJECTED;
		elog(LOG_ERR, "entry '%s' (%s): refused: the policy requires signatures and %s is "
			      "not a signed FIT; serve a signed FIT instead", e->title, e->source, url);
		goto out;
	}
	if (e->n_initrds) {
		ifd = r = memfd_new("embark-initrd");
		for (unsigned i = 0; r >= 0 && i < e->n_initrds && i < BOOT_MAX_INITRDS; i++) {
			snprintf(what, sizeof(what), "initrd %u/%u", i + 1, e->n_initrds);
			r = entry_url(e, e->initrds[i], url, sizeof(url));
			if (r < 0)
				break;
			got = nb_download(url, ifd, what, err, sizeof(err));
			if (got < 0) {
				r = (int)got;
				elog(LOG_ERR, "entry '%s': %s", e->title, err);
				goto out;
			}
			r = pad4(ifd);
		}
		if (r >= 0)
			r = memfd_seal(ifd);
		if (r < 0)
			goto out;
	}
	entry_url(e, e->kernel, kurl, sizeof(kurl));
	elog(LOG_INFO, "%s: kernel %s, %u initrd%s, cmdline \"%s\"",
	     p->loader == LOADER_SEGMENTS ? "kexec_load" : "kexec_file_load", kurl,
	     e->n_initrds, e->n_initrds == 1 ? "" : "s", e->cmdline);
	r = loader_load(kfd, ifd, e->cmdline, p->loader, load_msg, sizeof(load_msg));
	if (r < 0)
		elog(LOG_ERR, "entry '%s': %s", e->title, load_msg);
	else
		elog(LOG_INFO, "%s", load_msg);
out:
	if (r < 0 && (r == -ENAMETOOLONG || r == -EMFILE || r == -ENOMEM))
		elog(LOG_ERR, "entry '%s': %s (%s)", e->title, errno_name(r), strerror(-r));
	if (kfd >= 0)
		close(kfd);
	if (ifd >= 0)
		close(ifd);
	return r;
}
