/* rtnetlink requests: building the few messages net_configure sends, and reading the
 * kernel's acknowledgements. The structures are the kernel's uapi <linux/netlink.h>,
 * <linux/rtnetlink.h> and <linux/if_addr.h>, which musl-gcc does not see: defined here with
 * the kernel's layout (native byte order, 4-byte alignment). */
#include "net/net.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

struct nl_hdr {
	uint32_t len;
	uint16_t type, flags;
	uint32_t seq, pid;
};
struct nl_err {
	int32_t error;
	struct nl_hdr msg;
};
struct ifa_msg {
	uint8_t family, prefixlen, flags, scope;
	uint32_t index;
};
struct rt_msg {
	uint8_t family, dst_len, src_len, tos, table, protocol, scope, type;
	uint32_t flags;
};
struct ifi_msg {
	uint8_t family, pad;
	uint16_t type;
	int32_t index;
	uint32_t flags, change;
};
struct rt_attr {
	uint16_t len, type;
};

#define NLMSG_ERROR 2
#define NLM_F_REQUEST 0x1
#define NLM_F_ACK 0x4
#define NLM_F_REPLACE 0x100
#define NLM_F_CREATE 0x400
#define RTM_NEWLINK 16
#define RTM_NEWADDR 20
#define RTM_DELADDR 21
#define RTM_NEWROUTE 24
#define IFA_ADDRESS 1
#define IFA_LOCAL 2
#define IFA_BROADCAST 4
#define IFLA_MTU 4
#define RTA_DST 1
#define RTA_OIF 4
#define RTA_GATEWAY 5
#define RT_TABLE_MAIN 254
#define RTPROT_DHCP 16
#define RT_SCOPE_UNIVERSE 0
#define RT_SCOPE_LINK 253
#define RTN_UNICAST 1
#define NL_ALIGN(n) (((n) + 3u) & ~(size_t)3)

struct nl_writer {
	uint8_t *p;
	size_t cap, len;
	int err;
};

/* Starts a message: the header and the fixed payload of PAYLOAD_LEN bytes. */
static void *msg_start(struct nl_writer *w, uint16_t type, uint16_t flags, uint32_t seq,
		       size_t payload_len)
{
	struct nl_hdr h = { 0, type, (uint16_t)(flags | NLM_F_REQUEST | NLM_F_ACK), seq, 0 };
	size_t need = sizeof(h) + NL_ALIGN(payload_len);

	if (w->cap < need) {
		w->err = -EMSGSIZE;
		return NULL;
	}
	memset(w->p, 0, need);
	memcpy(w->p, &h, sizeof(h));
	w->len = need;
	return w->p + sizeof(h);
}

static void attr_put(struct nl_writer *w, uint16_t type, const void *data, size_t n)
{
	struct rt_attr a = { (uint16_t)(sizeof(a) + n), type };
	size_t need = NL_ALIGN(sizeof(a) + n);

	if (w->err || need > w->cap - w->len) {
		w->err = -EMSGSIZE;
		return;
	}
	memset(w->p + w->len, 0, need);
	memcpy(w->p + w->len, &a, sizeof(a));
	memcpy(w->p + w->len + sizeof(a), data, n);
	w->len += need;
}

/* Addresses go on the wire in network byte order. */
static void attr_addr(struct nl_writer *w, uint16_t type, uint32_t addr)
{
	uint8_t b[4] = { (uint8_t)(addr >> 24), (uint8_t)(addr >> 16), (uint8_t)(addr >> 8),
			 (uint8_t)addr };

	attr_put(w, type, b, sizeof(b));
}

static int msg_end(struct nl_writer *w)
{
	uint32_t len = (uint32_t)w->len;

	if (w->err)
		return w->err;
	memcpy(w->p, &len, sizeof(len));
	return (int)w->len;
}

int rtnl_msg_addr(void *buf, size_t cap, uint32_t seq, int del, int ifindex, uint32_t addr,
		  unsigned prefixlen, uint32_t brd)
{
	struct nl_writer w = { buf, cap, 0, 0 };
	struct ifa_msg m = { AF_INET, (uint8_t)prefixlen, 0, RT_SCOPE_UNIVERSE, (uint32_t)ifindex };
	void *payload;

	if (prefixlen > 32 || ifindex <= 0)
		return -EINVAL;
	payload = msg_start(&w, del ? RTM_DELADDR : RTM_NEWADDR,
			    del ? 0 : NLM_F_CREATE | NLM_F_REPLACE, seq, sizeof(m));
	if (!payload)
		return w.err;
	if (del)
		m.prefixlen = 0;
	memcpy(payload, &m, sizeof(m));
	if (!del) {
		attr_addr(&w, IFA_LOCAL, addr);
		attr_addr(&w, IFA_ADDRESS, addr);
		if (brd)
			attr_addr(&w, IFA_BROADCAST, brd);
	}
	return msg_end(&w);
}

int rtnl_msg_route(void *buf, size_t cap, uint32_t seq, int ifindex, uint32_t dst,
		   unsigned dst_len, uint32_t gw)
{
	struct nl_writer w = { buf, cap, 0, 0 };
	struct rt_msg m = { AF_INET, (uint8_t)dst_len, 0, 0, RT_TABLE_MAIN, RTPROT_DHCP,
			    gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK, RTN_UNICAST, 0 };
	uint32_t oif = (uint32_t)ifindex;
	void *payload;

	if (dst_len > 32 || ifindex <= 0)
		return -EINVAL;
	payload = msg_start(&w, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, seq, sizeof(m));
	if (!payload)
		return w.err;
	memcpy(payload, &m, sizeof(m));
	if (dst_len)
		attr_addr(&w, RTA_DST, dst);
	if (gw)
		attr_addr(&w, RTA_GATEWAY, gw);
	attr_put(&w, RTA_OIF, &oif, sizeof(oif));
	return msg_end(&w);
}

int rtnl_msg_mtu(void *buf, size_t cap, uint32_t seq, int ifindex, unsigned mtu)
{
	struct nl_writer w = { buf, cap, 0, 0 };
	struct ifi_msg m = { AF_UNSPEC, 0, 0, ifindex, 0, 0 };
	uint32_t v = mtu;
	void *payload;

	if (ifindex <= 0)
		return -EINVAL;
	payload = msg_start(&w, RTM_NEWLINK, 0, seq, sizeof(m));
	if (!payload)
		return w.err;
	memcpy(payload, &m, sizeof(m));
	attr_put(&w, IFLA_MTU, &v, sizeof(v));
	return msg_end(&w);
}

int rtnl_ack_parse(const void *buf, size_t len, uint32_t seq)
{
	const uint8_t *p = buf;
	size_t off = 0;

	/* each message is at least a header long, so the walk ends within LEN / 16 steps */
	while (len - off >= sizeof(struct nl_hdr)) {
		struct nl_hdr h;
		struct nl_err e;

		memcpy(&h, p + off, sizeof(h));
		if (h.len < sizeof(h) || h.len > len - off)
			return -EBADMSG;
		if (h.type == NLMSG_ERROR && h.seq == seq) {
			if (h.len < sizeof(h) + sizeof(e.error))
				return -EBADMSG;
			memcpy(&e.error, p + off + sizeof(h), sizeof(e.error));
			/* error 0 is the acknowledgement; otherwise it is -errno */
			if (e.error > 0 || e.error < -4095)
				return -EBADMSG;
			return e.error;
		}
		if (NL_ALIGN(h.len) >= len - off)
			break;
		off += NL_ALIGN(h.len);
	}
	return -EAGAIN;
}
