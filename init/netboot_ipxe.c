/* iPXE script bootfiles (init/netboot.h): the script run with embark's subset interpreter
 * (ipxe/ipxe.h), its menu items or what it boots as entries, `chain` followed to another
 * script or a FIT at most NETBOOT_CHAIN_MAX times. Relative URLs resolve against the
 * script's URL. */
#include "fetch/fetch.h"
#include "init/internal.h"
#include "init/netboot.h"
#include "ipxe/ipxe.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* REF (absolute or relative to BASE, the script's URL) as an absolute URL in OUT. */
static int resolve_ref(const char *base, const char *ref, char *out, size_t cap)
{
	static struct fetch_url b, u;
	int r;

	if (strstr(ref, "://")) /* absolute: used as it is (a script may name another server) */
		return fetch_url_parse(ref, strlen(ref), &u) < 0 ? -EINVAL : str_copy(out, cap, ref);
	r = fetch_url_parse(base, strlen(base), &b);
	if (r == 0)
		r = fetch_url_resolve(&b, ref, strlen(ref), &u);
	if (r == 0)
		r = fetch_url_format(&u, out, cap);
	return r;
}

/* An entry booting what the iPXE state IST names (KERNEL, its initrds and args). */
static int add_ipxe_entry(struct boot_list *list, const char *script_url, const char *kernel,
			  const struct ipxe_state *ist, const char *title, int is_default)
{
	struct boot_entry *e;
	char root[FETCH_HOST_MAX + 16];
	int r;

	if (list->n >= BOOT_MAX_ENTRIES) {
		list->dropped++;
		return 0;
	}
	e = &list->entries[list->n];
	boot_entry_init(e, BOOT_FORMAT_IPXE);
	r = resolve_ref(script_url, kernel, e->kernel, sizeof(e->kernel));
	for (unsigned i = 0; r == 0 && i < ist->n_initrds && i < BOOT_MAX_INITRDS; i++, e->n_initrds++)
		r = resolve_ref(script_url, ist->initrds[i], e->initrds[i], sizeof(e->initrds[i]));
	if (r == 0)
		r = nb_url_split(script_url, root, sizeof(root), e->source, sizeof(e->source));
	if (r < 0 || str_copy(e->cmdline, sizeof(e->cmdline), ist->args) < 0) {
		elog(LOG_WARN, "%s: iPXE %s: '%s': a URL that cannot be used (%s); entry skipped",
		     nb_lease.ifname, script_url, title, errno_name(r));
		return 0;
	}
	snprintf(e->id, sizeof(e->id), "ipxe-%u", list->n);
	snprintf(e->title, sizeof(e->title), "%s", title);
	e->is_default = is_default;
	list->n++;
	nb_mark_entries(list, list->n - 1, root);
	return 1;
}

static void ipxe_vars(struct ipxe_state *ist, const char *script_url)
{
	char a[16], mac[18];

	ipxe_state_init(ist);
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", nb_lease.mac[0], nb_lease.mac[1],
		 nb_lease.mac[2], nb_lease.mac[3], nb_lease.mac[4], nb_lease.mac[5]);
	ipxe_set(ist, "mac", mac);
	ipxe_set(ist, "ip", net_ntoa(nb_lease.addr, a));
	ipxe_set(ist, "netmask", net_ntoa(nb_lease.netmask, a));
	ipxe_set(ist, "gateway", net_ntoa(nb_lease.router, a));
	ipxe_set(ist, "next-server", net_ntoa(nb_tftp_server, a));
	ipxe_set(ist, "dns", nb_lease.n_dns ? net_ntoa(nb_lease.dns[0], a) : "");
	ipxe_set(ist, "filename", nb_lease.bootfile);
	ipxe_set(ist, "hostname", nb_lease.hostname);
	ipxe_set(ist, "domain", nb_lease.domain);
	ipxe_set(ist, "ifname", nb_lease.ifname);
	ipxe_set(ist, "script", script_url);
}

static void ipxe_warn(void *ctx, const char *msg)
{
	elog(LOG_WARN, "iPXE %s: %s", (const char *)ctx, msg);
}


/* The iPXE script in FD (from URL): its menu items, or what it boots; `chain` to another
 * script or a FIT is followed at most NETBOOT_CHAIN_MAX times. */
int nb_scan_ipxe(struct boot_list *list, const char *first_url, int fd)
{
	static struct ipxe_state ist;
	static struct ipxe_item items[IPXE_ITEMS_MAX];
	static char url[FETCH_URL_MAX], next[FETCH_URL_MAX];
	char err[NET_ERR_MAX * 2], title[BOOT_TITLE_MAX];
	unsigned char magic[4];
	unsigned n_items, added = 0;
	int r = 0, def;
	ssize_t n;

	str_copy(url, sizeof(url), first_url);
	for (unsigned depth = 0; depth < NETBOOT_CHAIN_MAX; depth++) {
		if (lseek(fd, 0, SEEK_SET) < 0 || (n = read_fd_full(fd, nb_cfg_buf, BOOT_CONFIG_MAX)) < 0) {
			elog(LOG_WARN, "%s: iPXE script %s: unreadable or larger than %u bytes",
			     nb_lease.ifname, url, BOOT_CONFIG_MAX);
			r = 0;
			goto out;
		}
		ipxe_vars(&ist, url);
		r = ipxe_run(nb_cfg_buf, (size_t)n, &ist, ipxe_warn, url);
		if (r == IPXE_BOOT) {
			snprintf(title, sizeof(title), "iPXE %.200s", url);
			r = add_ipxe_entry(list, url, ist.kernel, &ist, title, 1);
			goto out;
		}
		if (r == IPXE_CHOOSE)
			break;
		if (r != IPXE_CHAIN) {
			elog(LOG_WARN, "%s: iPXE script %s %s: no entry", nb_lease.ifname, url,
			     r == -ELOOP ? "loops (more than 4096 lines run)" : "ends without booting");
			r = 0;
			goto out;
		}
		if (resolve_ref(url, ist.url, next, sizeof(next)) < 0) {
			elog(LOG_WARN, "%s: iPXE %s: chain %s: not a usable URL", nb_lease.ifname, url,
			     ist.url);
			r = 0;
			goto out;
		}
		close(fd);
		fd = memfd_new("embark-ipxe");
		if (fd < 0 || nb_download(next, fd, NULL, err, sizeof(err)) < 0 || memfd_seal(fd) < 0) {
			elog(LOG_WARN, "%s: iPXE %s: chain: %s", nb_lease.ifname, url,
			     fd < 0 ? "no memory" : err);
			r = 0;
			goto out;
		}
		str_copy(url, sizeof(url), next);
		if (fitboot_is_fit(fd)) {
			r = nb_add_fit_entry(list, url, fd);
			return r;
		}
		if (pread(fd, magic, sizeof(magic), 0) == (ssize_t)sizeof(magic) &&
		    memcmp(magic, "#!ip", sizeof(magic)) != 0) {
			snprintf(title, sizeof(title), "iPXE %.200s", url);
			ist.n_initrds = 0;
			r = add_ipxe_entry(list, url, url, &ist, title, 1);
			goto out;
		}
	}
	if (r != IPXE_CHOOSE) {
		elog(LOG_WARN, "%s: iPXE %s: more than %d chained scripts", nb_lease.ifname, url,
		     NETBOOT_CHAIN_MAX);
		r = 0;
		goto out;
	}
	n_items = ist.n_items;
	def = ist.default_item;
	memcpy(items, ist.items, sizeof(items));
	for (unsigned i = 0; i < n_items; i++) {
		ipxe_vars(&ist, url);
		str_copy(ist.choice, sizeof(ist.choice), items[i].label);
		r = ipxe_run(nb_cfg_buf, (size_t)n, &ist, ipxe_warn, url);
		if (r == IPXE_BOOT || r == IPXE_CHAIN)
			added += (unsigned)add_ipxe_entry(list, url,
							  r == IPXE_BOOT ? ist.kernel : ist.url, &ist,
							  items[i].text, (int)i == def);
		else
			elog(LOG_WARN, "%s: iPXE %s: item '%s' boots nothing: skipped", nb_lease.ifname,
			     url, items[i].label);
	}
	elog(LOG_INFO, "%s: iPXE menu '%s' from %s: %u of %u items listed", nb_lease.ifname,
	     ist.menu_title, url, added, n_items);
	r = (int)added;
out:
	if (fd >= 0)
		close(fd);
	return r;
}
