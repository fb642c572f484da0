/* embark dhcp [--interface IF] [--timeout S] [--json] [--configure] [--arch N]
 *             [--hostname NAME] [--resolve HOST] [--verbose]
 *   Brings IF up (default: the first Ethernet interface, one with a carrier first), runs a
 *   real DHCP exchange on it and prints the lease. Configures the address, MTU and default
 *   route only with --configure; --resolve then looks HOST up with the lease's name servers.
 *   Needs root (CAP_NET_RAW, and CAP_NET_ADMIN for --configure).
 * embark dhcp --interface IF --flush
 *   Removes every IPv4 address of IF (and so the routes through it), as the boot loader does
 *   before it tries the next interface.
 *   exit 0: a lease (and what was asked after it worked); 1: no lease, or configuring or
 *   resolving failed; 2: usage.
 * embark resolve HOST --server IP [--server IP]... [--timeout S]
 *   Prints HOST's IPv4 address as the boot loader's resolver finds it. exit 0, 1 (not
 *   resolved: the reason on stderr), 2 usage. */
#include "cli/cli.h"
#include "net/net.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DHCP_USAGE                                                                           \
	"usage: embark dhcp [--interface IF] [--timeout S] [--json] [--configure] [--arch N] " \
	"[--hostname NAME] [--resolve HOST] [--verbose] | --interface IF --flush"
#define RESOLVE_USAGE "usage: embark resolve HOST --server IP [--server IP]... [--timeout S]"
#define LINKS_MAX 64
#define TIMEOUT_MAX_S 3600
#define RESOLVE_TIMEOUT_S 5
#define SERVERS_MAX 8

/* Seconds 1..TIMEOUT_MAX_S; 0 or -EINVAL. */
static int parse_seconds(const char *s, unsigned *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (s[0] < '0' || s[0] > '9' || *end || v == 0 || v > TIMEOUT_MAX_S)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void print_progress(void *arg, const char *line)
{
	fprintf(stderr, "embark dhcp: %s\n", line);
}

/* The first Ethernet interface, preferring one whose carrier is up. */
static int pick_interface(char *name, size_t cap)
{
	static struct net_link links[LINKS_MAX];
	int n = net_links_list(links, LINKS_MAX), pick = -1;

	if (n < 0) {
		fprintf(stderr, "embark dhcp: /sys/class/net: %s (%s); name the interface with "
				"--interface\n", errno_name(n), strerror(-n));
		return 2;
	}
	for (int i = 0; i < n; i++) {
		if (links[i].type != NET_ARPHRD_ETHER)
			continue;
		if (pick < 0 || (links[i].carrier == 1 && links[pick].carrier != 1))
			pick = i;
	}
	if (pick < 0) {
		fprintf(stderr, "embark dhcp: no Ethernet interface under /sys/class/net; name one "
				"with --interface\n");
		return 1;
	}
	str_copy(name, cap, links[pick].name);
	return 0;
}

static void servers_text(char *dst, size_t cap, const uint32_t *servers, unsigned n)
{
	size_t len = 0;

	dst[0] = '\0';
	for (unsigned i = 0; i < n && len < cap; i++) {
		char a[16];
		int w = snprintf(dst + len, cap - len, "%s%s", i ? ", " : "", net_ntoa(servers[i], a));

		if (w < 0)
			break;
		len += (size_t)w;
	}
}

/* One line on stderr saying why HOST did not resolve and what to do. Returns 1. */
static int resolve_error(const char *verb, const char *host, const uint32_t *servers,
			 unsigned n, unsigned timeout_s, int r)
{
	char list[160];
	const char *why;

	servers_text(list, sizeof(list), servers, n);
	switch (r) {
	case -ENOENT:
		why = "no such name (NXDOMAIN): check the spelling and the server's zone";
		break;
	case -ENODATA:
		why = "the name exists but has no IPv4 address (A record)";
		break;
	case -ETIMEDOUT:
		why = "no answer: check the server addresses and the route to them";
		break;
	case -ECONNREFUSED:
		why = "refused (REFUSED, or no name server listening): ask one that serves "
		      "this network";
		break;
	case -EAGAIN:
		why = "server failure (SERVFAIL): the server could not resolve it; try again";
		break;
	case -EMSGSIZE:
		why = "the answer was truncated and embark has no DNS over TCP: use an address";
		break;
	case -ELOOP:
		why = "more CNAMEs than embark follows (8)";
		break;
	case -EINVAL:
		why = "not a valid host name (dotted labels of 1-63 printable characters)";
		break;
	default:
		why = strerror(-r);
		break;
	}
	fprintf(stderr, "embark %s: %s: %s (%s; asked %s, %u s)\n", verb, host, why, errno_name(r),
		n ? list : "no server", timeout_s);
	return 1;
}

static void json_addr(const char *key, uint32_t a, int comma)
{
	char t[16];

	if (a)
		printf("  \"%s\": \"%s\"%s\n", key, net_ntoa(a, t), comma ? "," : "");
	else
		printf("  \"%s\": null%s\n", key, comma ? "," : "");
}

static void json_string(const char *key, const char *s)
{
	printf("  \"%s\": ", key);
	json_put_str(stdout, s);
	printf(",\n");
}

static void print_json(const struct net_lease *l, int configured, const char *host,
		       uint32_t resolved)
{
	char mac[18], t[16];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", l->mac[0], l->mac[1],
		 l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
	printf("{\n");
	json_string("interface", l->ifname);
	json_string("mac", mac);
	json_addr("address", l->addr, 1);
	json_addr("netmask", l->netmask, 1);
	printf("  \"prefix\": %d,\n", net_prefixlen(l->netmask));
	json_addr("router", l->router, 1);
	printf("  \"dns\": [");
	for (unsigned i = 0; i < l->n_dns; i++)
		printf("%s\"%s\"", i ? ", " : "", net_ntoa(l->dns[i], t));
	printf("],\n");
	json_string("hostname", l->hostname);
	json_string("domain", l->domain);
	printf("  \"mtu\": %u,\n", l->mtu);
	printf("  \"lease_s\": %u,\n", (unsigned)l->lease_s);
	json_addr("server_id", l->server_id, 1);
	json_addr("next_server", l->siaddr, 1);
	json_string("tftp_server", l->tftp_server);
	json_string("bootfile", l->bootfile);
	json_string("pxeconffile", l->pxeconffile);
	json_string("pathprefix", l->pathprefix);
	if (host) {
		json_string("resolve_host", host);
		json_addr("resolved", resolved, 1);
	}
	printf("  \"configured\": %s\n}\n", configured ? "true" : "false");
}

static void print_text(const struct net_lease *l, int configured, const char *host,
		       uint32_t resolved)
{
	char a[16], b[16];

	printf("interface   %s (%02x:%02x:%02x:%02x:%02x:%02x)\n", l->ifname, l->mac[0], l->mac[1],
	       l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
	printf("address     %s/%d%s\n", net_ntoa(l->addr, a), net_prefixlen(l->netmask),
	       configured ? " (configured)" : " (not configured; --configure sets it)");
	printf("router      %s\n", l->router ? net_ntoa(l->router, a) : "-");
	printf("dns        ");
	for (unsigned i = 0; i < l->n_dns; i++)
		printf(" %s", net_ntoa(l->dns[i], a));
	printf("%s\n", l->n_dns ? "" : " -");
	if (l->hostname[0] || l->domain[0])
		printf("hostname    %s%s%s\n", l->hostname, l->domain[0] ? " domain " : "",
		       l->domain);
	if (l->mtu)
		printf("mtu         %u\n", l->mtu);
	printf("lease       %u s from server %s\n", (unsigned)l->lease_s, net_ntoa(l->server_id, a));
	printf("boot        next-server %s tftp-server '%s' file '%s'\n",
	       l->siaddr ? net_ntoa(l->siaddr, b) : "-", l->tftp_server, l->bootfile);
	if (l->pxeconffile[0] || l->pathprefix[0])
		printf("pxelinux    configfile '%s' pathprefix '%s'\n", l->pxeconffile,
		       l->pathprefix);
	if (host)
		printf("resolved    %s = %s\n", host, net_ntoa(resolved, a));
}

int cmd_dhcp(int argc, char **argv)
{
	static struct dhcp_config cfg;
	static struct net_lease lease;
	char ifname[NET_IFNAME_MAX] = "", err[NET_ERR_MAX];
	const char *hostname = NULL, *resolve = NULL;
	unsigned timeout_s = 30;
	int json = 0, configure = 0, verbose = 0, flush = 0, arch = DHCP_ARCH_X86_BIOS, r;
	uint32_t resolved = 0;
	uint64_t t0, used;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--interface") == 0 && v) {
			if (str_copy(ifname, sizeof(ifname), v) < 0)
				return cli_usage("dhcp", "interface name '%s' is longer than 15 bytes", v);
			i++;
		} else if (strcmp(a, "--timeout") == 0 && v) {
			if (parse_seconds(v, &timeout_s) < 0)
				return cli_usage("dhcp", "--timeout takes whole seconds 1-%d, not '%s'",
						 TIMEOUT_MAX_S, v);
			i++;
		} else if (strcmp(a, "--arch") == 0 && v) {
			char *end;
			unsigned long n = strtoul(v, &end, 0);

			if (!*v || *end || n > 0xffff)
				return cli_usage("dhcp", "--arch takes an RFC 4578 architecture type "
							 "0-65535 (0 BIOS, 7 x64 UEFI), not '%s'", v);
			arch = (int)n;
			i++;
		} else if (strcmp(a, "--hostname") == 0 && v) {
			if (!*v || strlen(v) > 63 || strchr(v, '.'))
				return cli_usage("dhcp", "--hostname takes one DNS label of 1-63 "
							 "characters, not '%s'", v);
			hostname = argv[++i];
		} else if (strcmp(a, "--resolve") == 0 && v) {
			resolve = argv[++i];
		} else if (strcmp(a, "--json") == 0) {
			json = 1;
		} else if (strcmp(a, "--configure") == 0) {
			configure = 1;
		} else if (strcmp(a, "--verbose") == 0) {
			verbose = 1;
		} else if (strcmp(a, "--flush") == 0) {
			flush = 1;
		} else {
			return cli_usage("dhcp", "unexpected '%s'; " DHCP_USAGE, a);
		}
	}
	if (flush) {
		if (!ifname[0])
			return cli_usage("dhcp", "--flush needs --interface IF");
		r = net_deconfigure(ifname);
		if (r < 0) {
			fprintf(stderr, "embark dhcp: %s: removing its addresses failed: %s (%s)%s\n",
				ifname, errno_name(r), strerror(-r),
				r == -EPERM ? "; run as root (CAP_NET_ADMIN)" : "");
			return 1;
		}
		return 0;
	}
	if (!ifname[0]) {
		r = pick_interface(ifname, sizeof(ifname));
		if (r)
			return r;
	}
	r = net_link_up(ifname);
	if (r < 0) {
		fprintf(stderr, "embark dhcp: %s: bringing the link up failed: %s (%s)%s\n", ifname,
			errno_name(r), strerror(-r),
			r == -EPERM ? "; run as root" : r == -ENODEV ? "; no such interface" : "");
		return 1;
	}
	t0 = mono_ms();
	r = net_link_wait_carrier(ifname, timeout_s * 1000);
	if (r < 0) {
		fprintf(stderr, "embark dhcp: %s: no carrier within %u s (%s): check the cable or "
				"the switch port\n", ifname, timeout_s, errno_name(r));
		return 1;
	}
	dhcp_config_init(&cfg, ifname);
	/* the carrier wait counts against the same timeout */
	used = mono_ms() - t0;
	cfg.timeout_ms = timeout_s * 1000 > used ? (unsigned)(timeout_s * 1000 - used) : 1;
	cfg.arch = (uint16_t)arch;
	if (arch != DHCP_ARCH_X86_BIOS) {
		/* what EFI firmware sends: UNDI 3.16 */
		cfg.undi_major = 3;
		cfg.undi_minor = 16;
	}
	cfg.hostname = hostname;
	cfg.have_uuid = net_machine_uuid(cfg.uuid) == 0;
	if (verbose)
		cfg.progress = print_progress;
	r = net_dhcp(&cfg, &lease, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "embark dhcp: %s\n", err);
		return 1;
	}
	if (configure) {
		r = net_configure(&lease);
		if (r < 0) {
			char a[16], b[16];

			fprintf(stderr, "embark dhcp: %s: configuring %s/%d via %s failed: %s (%s)%s\n",
				ifname, net_ntoa(lease.addr, a), net_prefixlen(lease.netmask),
				lease.router ? net_ntoa(lease.router, b) : "no router", errno_name(r),
				strerror(-r), r == -EPERM ? "; run as root (CAP_NET_ADMIN)" : "");
			return 1;
		}
	}
	if (resolve) {
		r = net_resolve(resolve, lease.dns, lease.n_dns, RESOLVE_TIMEOUT_S * 1000, &resolved);
		if (r < 0)
			return resolve_error("dhcp", resolve, lease.dns, lease.n_dns, RESOLVE_TIMEOUT_S,
					     r);
	}
	if (json)
		print_json(&lease, configure, resolve, resolved);
	else
		print_text(&lease, configure, resolve, resolved);
	return 0;
}

int cmd_resolve(int argc, char **argv)
{
	uint32_t servers[SERVERS_MAX], addr;
	unsigned n = 0, timeout_s = RESOLVE_TIMEOUT_S;
	const char *host = NULL;
	char t[16];
	int r;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--server") == 0 && v) {
			if (n == SERVERS_MAX)
				return cli_usage("resolve", "at most %d --server", SERVERS_MAX);
			if (net_aton(v, &servers[n]) < 0)
				return cli_usage("resolve", "--server takes an IPv4 address like "
							    "10.0.0.1, not '%s'", v);
			n++;
			i++;
		} else if (strcmp(a, "--timeout") == 0 && v) {
			if (parse_seconds(v, &timeout_s) < 0)
				return cli_usage("resolve", "--timeout takes whole seconds 1-%d, not "
							    "'%s'", TIMEOUT_MAX_S, v);
			i++;
		} else if (a[0] != '-' && !host) {
			host = a;
		} else {
			return cli_usage("resolve", "unexpected '%s'; " RESOLVE_USAGE, a);
		}
	}
	if (!host || (n == 0 && net_aton(host, &addr) < 0))
		return cli_usage("resolve", RESOLVE_USAGE);
	r = net_resolve(host, servers, n, timeout_s * 1000, &addr);
	if (r < 0)
		return resolve_error("resolve", host, servers, n, timeout_s, r);
	printf("%s\n", net_ntoa(addr, t));
	return 0;
}
