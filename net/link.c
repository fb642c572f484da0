/* Network interfaces: which there are (/sys/class/net), bringing one up and waiting for its
 * carrier (ioctl on an AF_INET datagram socket, which needs no address and works in any
 * network namespace). */
#include "net/net.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SYS_NET "/sys/class/net"
#define SYS_NET_ENTRIES_MAX 1024  /* directory entries looked at */
#define ARPHRD_LOOPBACK 772
#define CARRIER_POLL_MS 50

static int sys_read(const char *ifname, const char *attr, char *buf, size_t max)
{
	char path[128];
	ssize_t n;

	if (snprintf(path, sizeof(path), SYS_NET "/%s/%s", ifname, attr) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	n = read_file_bounded(path, buf, max);
	if (n < 0)
		return (int)n;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static long sys_number(const char *ifname, const char *attr, long dflt)
{
	char buf[32], *end;
	long v;

	if (sys_read(ifname, attr, buf, sizeof(buf) - 1) < 0)
		return dflt;
	v = strtol(buf, &end, 0);
	return end != buf ? v : dflt;
}

/* "aa:bb:cc:dd:ee:ff" to 6 bytes; 0 or -EINVAL */
static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		unsigned v;
		int n;

		if (sscanf(s, "%2x%n", &v, &n) != 1 || n != 2)
			return -EINVAL;
		mac[i] = (uint8_t)v;
		s += 2;
		if (i < 5 && *s++ != ':')
			return -EINVAL;
	}
	return *s ? -EINVAL : 0;
}

static int by_ifindex(const void *a, const void *b)
{
	const struct net_link *x = a, *y = b;

	return (x->ifindex > y->ifindex) - (x->ifindex < y->ifindex);
}

int net_links_list(struct net_link *out, unsigned max)
{
	DIR *d = opendir(SYS_NET);
	struct dirent *de;
	unsigned n = 0;

	if (!d)
		return -errno;
	for (unsigned seen = 0; seen < SYS_NET_ENTRIES_MAX && n < max && (de = readdir(d));
	     seen++) {
		struct net_link *l = &out[n];
		char text[32];
		long flags;

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(l->name))
			continue;
		memset(l, 0, sizeof(*l));
		memcpy(l->name, de->d_name, strlen(de->d_name) + 1);
		l->type = (unsigned)sys_number(l->name, "type", 0);
		if (l->type == ARPHRD_LOOPBACK || l->type == 0)
			continue; /* loopback, or not an interface directory at all */
		l->ifindex = (int)sys_number(l->name, "ifindex", 0);
		l->mtu = (unsigned)sys_number(l->name, "mtu", 0);
		flags = sys_number(l->name, "flags", 0);
		l->up = (flags & IFF_UP) != 0;
		/* reading "carrier" of a down interface fails with EINVAL: unknown */
		l->carrier = (int)sys_number(l->name, "carrier", -1);
		if (sys_read(l->name, "address", text, sizeof(text) - 1) == 0)
			parse_mac(text, l->mac);
		n++;
	}
	closedir(d);
	qsort(out, n, sizeof(*out), by_ifindex);
	return (int)n;
}

/* An ioctl on IFNAME; 0 or -errno. */
static int if_ioctl(unsigned long req, const char *ifname, struct ifreq *ifr)
{
	int fd, r = 0;

	if (strlen(ifname) >= sizeof(ifr->ifr_name))
		return -ENODEV;
	strcpy(ifr->ifr_name, ifname);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, req, ifr) < 0)
		r = -errno;
	close(fd);
	return r;
}

int net_link_up(const char *ifname)
{
	struct ifreq ifr;
	int r;

	memset(&ifr, 0, sizeof(ifr));
	r = if_ioctl(SIOCGIFFLAGS, ifname, &ifr);
	if (r < 0 || (ifr.ifr_flags & IFF_UP))
		return r;
	ifr.ifr_flags |= IFF_UP;
	return if_ioctl(SIOCSIFFLAGS, ifname, &ifr);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* IFF_RUNNING is the kernel's "operstate up" (carrier, and no dormant or lower-layer-down
 * state): a link without it drops every frame we send. */
int net_link_wait_carrier(const char *ifname, unsigned timeout_ms)
{
	uint64_t deadline = now_ms() + timeout_ms;
	unsigned polls_max = timeout_ms / CARRIER_POLL_MS + 1;

	for (unsigned i = 0; i <= polls_max; i++) {
		struct ifreq ifr;
		int r;

		memset(&ifr, 0, sizeof(ifr));
		r = if_ioctl(SIOCGIFFLAGS, ifname, &ifr);
		if (r < 0)
			return r;
		if ((ifr.ifr_flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING))
			return 0;
		if (now_ms() >= deadline)
			break;
		usleep(CARRIER_POLL_MS * 1000);
	}
	return -ETIMEDOUT;
}

int net_link_index(const char *ifname)
{
	struct ifreq ifr;
	int r;

	memset(&ifr, 0, sizeof(ifr));
	r = if_ioctl(SIOCGIFINDEX, ifname, &ifr);
	if (r < 0)
		return r;
	return ifr.ifr_ifindex > 0 ? ifr.ifr_ifindex : -ENODEV;
}

int net_link_info(const char *ifname, int *ifindex, uint8_t mac[6], unsigned *mtu)
{
	struct ifreq ifr;
	int r;

	r = net_link_index(ifname);
	if (r < 0)
		return r;
	*ifindex = r;
	memset(&ifr, 0, sizeof(ifr));
	r = if_ioctl(SIOCGIFHWADDR, ifname, &ifr);
	if (r < 0)
		return r;
	if (ifr.ifr_hwaddr.sa_family != NET_ARPHRD_ETHER)
		return -EAFNOSUPPORT;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	memset(&ifr, 0, sizeof(ifr));
	r = if_ioctl(SIOCGIFMTU, ifname, &ifr);
	if (r < 0)
		return r;
	*mtu = (unsigned)ifr.ifr_mtu;
	return 0;
}
