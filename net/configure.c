/* Putting a lease on an interface, and taking it off again, over a NETLINK_ROUTE socket.
 * Each request asks for an acknowledgement and waits for it, so the first refusal is
 * returned as the kernel's -errno instead of being lost. */
#include "net/net.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef NETLINK_ROUTE
#define NETLINK_ROUTE 0
#endif
#define NL_REPLY_MAX 8192
#define NL_REPLIES_MAX 16      /* replies read while waiting for one acknowledgement */
#define NL_ACK_TIMEOUT_MS 2000 /* the kernel answers at once; this only guards a bug */

struct nl_sockaddr {
	sa_family_t family;
	unsigned short pad;
	uint32_t pid, groups;
};

struct nl_conn {
	int fd;
	uint32_t seq;
};

static int nl_open(struct nl_conn *c)
{
	struct nl_sockaddr sa = { AF_NETLINK, 0, 0, 0 };

	c->seq = 1;
	c->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (c->fd < 0)
		return -errno;
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(c->fd);
		c->fd = -1;
		return r;
	}
	return 0;
}

/* Sends MSG (built with sequence number c->seq) and waits for its acknowledgement. */
static int nl_transact(struct nl_conn *c, const void *msg, size_t len)
{
	struct nl_sockaddr kernel = { AF_NETLINK, 0, 0, 0 };
	uint8_t reply[NL_REPLY_MAX];
	uint32_t seq = c->seq++;

	if (sendto(c->fd, msg, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (unsigned i = 0; i < NL_REPLIES_MAX; i++) {
		struct pollfd pfd = { c->fd, POLLIN, 0 };
		ssize_t n;
		int r = poll(&pfd, 1, NL_ACK_TIMEOUT_MS);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		n = recv(c->fd, reply, sizeof(reply), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		r = rtnl_ack_parse(reply, (size_t)n, seq);
		if (r != -EAGAIN)
			return r;
	}
	return -ETIMEDOUT;
}

int net_configure(const struct net_lease *l)
{
	uint8_t msg[RTNL_MSG_MAX];
	struct nl_conn c = { -1, 0 };
	int ifindex, prefix, len, r;
	uint32_t brd;

	if (!l)
		return -EINVAL;
	ifindex = net_link_index(l->ifname);
	if (ifindex < 0)
		return ifindex;
	prefix = net_prefixlen(l->netmask);
	if (prefix < 0 || l->addr == 0)
		return -EINVAL;
	r = nl_open(&c);
	if (r < 0)
		return r;
	if (l->mtu >= 576) {
		len = rtnl_msg_mtu(msg, sizeof(msg), c.seq, ifindex, l->mtu);
		r = len < 0 ? len : nl_transact(&c, msg, (size_t)len);
		if (r < 0)
			goto out;
	}
	/* /31 and /32 have no broadcast address (RFC 3021) */
	brd = prefix >= 31 ? 0 : (l->addr | ~l->netmask);
	len = rtnl_msg_addr(msg, sizeof(msg), c.seq, 0, ifindex, l->addr, (unsigned)prefix, brd);
	r = len < 0 ? len : nl_transact(&c, msg, (size_t)len);
	if (r < 0 || !l->router)
		goto out;
	/* a router outside the subnet (a /32 lease) is reached through a link route first */
	if ((l->router & l->netmask) != (l->addr & l->netmask)) {
		len = rtnl_msg_route(msg, sizeof(msg), c.seq, ifindex, l->router, 32, 0);
		r = len < 0 ? len : nl_transact(&c, msg, (size_t)len);
		if (r < 0)
			goto out;
	}
	len = rtnl_msg_route(msg, sizeof(msg), c.seq, ifindex, 0, 0, l->router);
	r = len < 0 ? len : nl_transact(&c, msg, (size_t)len);
out:
	close(c.fd);
	return r;
}

int net_deconfigure(const char *ifname)
{
	uint8_t msg[RTNL_MSG_MAX];
	struct nl_conn c = { -1, 0 };
	int ifindex = net_link_index(ifname), r;

	if (ifindex < 0)
		return ifindex;
	r = nl_open(&c);
	if (r < 0)
		return r;
	/* Each RTM_DELADDR without attributes removes the interface's first address. */
	r = -EBUSY; /* still addresses after NET_FLUSH_MAX removals */
	for (unsigned i = 0; i < NET_FLUSH_MAX; i++) {
		int len = rtnl_msg_addr(msg, sizeof(msg), c.seq, 1, ifindex, 0, 0, 0);
		int d = len < 0 ? len : nl_transact(&c, msg, (size_t)len);

		/* EADDRNOTAVAIL: none left, the goal; ENODEV here: IPv4 was never set up on it */
		if (d == -EADDRNOTAVAIL || d == -ENODEV) {
			r = 0;
			break;
		}
		if (d < 0) {
			r = d;
			break;
		}
	}
	close(c.fd);
	return r;
}
