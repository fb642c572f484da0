/* The DHCPv4 client (RFC 2131 section 4.4): DISCOVER until an OFFER, REQUEST it until an ACK;
 * a NAK, or an offer whose REQUESTs go unanswered, starts again with a new xid. Frames go
 * through an AF_PACKET socket bound to the interface, so nothing needs an address and no
 * other interface is touched. Retransmission follows 4.1: 4 s, doubled up to 64 s, each
 * +-1 s at random, all within the caller's total timeout. */
#include "net/net.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ETH_P_IPV4 0x0800
#define FRAME_MAX 2048            /* an Ethernet frame with room to spare (no jumbo DHCP) */
#define FRAMES_PER_WAIT_MAX 4096  /* frames looked at before the next retransmission */
#define JITTER_MS 1000
#define DISCOVER_TRIES_MAX 64    /* the deadline ends it long before: 64 s each at most */
#define BOOTREPLY 2

/* From the kernel's uapi <linux/if_packet.h> and <linux/filter.h>, which musl-gcc does not
 * see. */
#ifndef SOL_PACKET
#define SOL_PACKET 263
#endif
#define TP_STATUS_CSUMNOTREADY (1u << 3)
struct pkt_auxdata {
	uint32_t tp_status, tp_len, tp_snaplen;
	uint16_t tp_mac, tp_net, tp_vlan_tci, tp_vlan_tpid;
};
struct bpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};
struct bpf_prog {
	unsigned short len;
	struct bpf_insn *insns;
};
#ifndef SO_ATTACH_FILTER
#define SO_ATTACH_FILTER 26
#endif

struct session {
	const struct dhcp_config *cfg;
	int fd, ifindex;
	uint8_t mac[6];
	uint64_t start_ms, deadline_ms;
	uint32_t xid;
	unsigned sent, frames_ignored;
	char *err;
	size_t errlen;
};

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void progress(const struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void progress(const struct session *s, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (!s->cfg->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	s->cfg->progress(s->cfg->progress_arg, line);
}

static int fail(struct session *s, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct session *s, int r, const char *fmt, ...)
{
	va_list ap;

	if (s->err && s->errlen) {
		va_start(ap, fmt);
		vsnprintf(s->err, s->errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

/* The kernel drops everything but IPv4 UDP to port 68 that is not a fragment, so a busy
 * segment does not wake us for each frame. dhcp_unwrap checks it all again. */
static void attach_filter(int fd)
{
	static struct bpf_insn insns[] = {
		{ 0x28, 0, 0, 12 },        /* ldh [12]: EtherType */
		{ 0x15, 0, 8, 0x0800 },    /* IPv4? */
		{ 0x30, 0, 0, 23 },        /* ldb [23]: protocol */
		{ 0x15, 0, 6, 17 },        /* UDP? */
		{ 0x28, 0, 0, 20 },        /* ldh [20]: flags and fragment offset */
		{ 0x45, 4, 0, 0x1fff },    /* a fragment after the first: drop */
		{ 0xb1, 0, 0, 14 },        /* ldxb 4*([14]&0xf): IP header length */
		{ 0x48, 0, 0, 16 },        /* ldh [x+16]: UDP destination port */
		{ 0x15, 0, 1, 68 },        /* port 68? */
		{ 0x06, 0, 0, 0xffff },    /* keep */
		{ 0x06, 0, 0, 0 },         /* drop */
	};
	struct bpf_prog prog = { ARRAY_SIZE(insns), insns };

	/* Without the filter everything still works, only with more wake-ups. */
	(void)setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
}

static int open_socket(struct session *s)
{
	struct sockaddr_ll sll;
	int one = 1;

	s->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IPV4));
	if (s->fd < 0)
		return -errno;
	attach_filter(s->fd);
	/* to learn whether the UDP checksum is still to be computed (an offloading sender) */
	if (setsockopt(s->fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0)
		return -errno;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IPV4);
	sll.sll_ifindex = s->ifindex;
	if (bind(s->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return -errno;
	return 0;
}

static int send_msg(struct session *s, uint8_t type, uint32_t requested, uint32_t server_id)
{
	uint8_t bootp[DHCP_MSG_MAX], frame[DHCP_MSG_MAX + DHCP_FRAME_OVERHEAD];
	uint64_t elapsed_s = (now_ms() - s->start_ms) / 1000;
	struct sockaddr_ll to;
	int blen, flen;

	blen = dhcp_build(bootp, sizeof(bootp), s->cfg, s->mac, type, s->xid,
			  (uint16_t)(elapsed_s > 0xffff ? 0xffff : elapsed_s), requested, server_id);
	if (blen < 0)
		return blen;
	flen = dhcp_wrap(frame, sizeof(frame), s->mac, bootp, (size_t)blen);
	if (flen < 0)
		return flen;
	memset(&to, 0, sizeof(to));
	to.sll_family = AF_PACKET;
	to.sll_protocol = htons(ETH_P_IPV4);
	to.sll_ifindex = s->ifindex;
	to.sll_halen = 6;
	memset(to.sll_addr, 0xff, 6);
	if (sendto(s->fd, frame, (size_t)flen, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	s->sent++;
	return 0;
}

/* Receives one frame; 0 with *LEN and the checksum flag, or -errno. */
static int recv_frame(struct session *s, uint8_t *buf, size_t cap, size_t *len, unsigned *flags)
{
	union {
		struct cmsghdr align;
		uint8_t buf[CMSG_SPACE(sizeof(struct pkt_auxdata))];
	} control;
	struct iovec iov = { buf, cap };
	struct msghdr mh = { 0 };
	struct cmsghdr *c;
	ssize_t n;

	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = control.buf;
	mh.msg_controllen = sizeof(control.buf);
	n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	*len = (size_t)n;
	*flags = 0;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		struct pkt_auxdata aux;

		if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
		    c->cmsg_len < CMSG_LEN(sizeof(aux)))
			continue;
		memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		if (aux.tp_status & TP_STATUS_CSUMNOTREADY)
			*flags |= DHCP_UNWRAP_CSUM_PARTIAL;
	}
	return 0;
}

/* Is M an answer to us of type WANT (or a NAK while requesting from SERVER)? */
static int is_answer(const struct session *s, const struct dhcp_msg *m, uint8_t want,
		     uint32_t server)
{
	if (m->op != BOOTREPLY || m->xid != s->xid || m->htype != 1 || m->hlen != 6 ||
	    memcmp(m->chaddr, s->mac, 6) != 0)
		return 0;
	if (want == DHCP_OFFER)
		/* an OFFER without yiaddr is a proxyDHCP answer (PXE boot servers): not a lease */
		return m->type == DHCP_OFFER && m->yiaddr != 0 && m->server_id != 0;
	if (m->server_id != server)
		return 0; /* another server's answer to our broadcast */
	return m->type == DHCP_ACK || m->type == DHCP_NAK;
}

/* The retransmission delay before try TRY (0-based), in ms, jittered. */
static unsigned backoff_ms(unsigned try)
{
	unsigned base = DHCP_BACKOFF_FIRST_S;
	uint16_t r;

	for (unsigned i = 0; i < try && base < DHCP_BACKOFF_MAX_S; i++)
		base *= 2;
	if (base > DHCP_BACKOFF_MAX_S)
		base = DHCP_BACKOFF_MAX_S;
	net_random(&r, sizeof(r));
	return base * 1000 - JITTER_MS + r % (2 * JITTER_MS + 1);
}

/* Waits until WAIT_UNTIL (or the deadline) for an answer; 1 with *OUT, 0 when the time is
 * up, -errno when the socket fails. */
static int wait_answer(struct session *s, uint64_t wait_until, uint8_t want, uint32_t server,
		       struct dhcp_msg *out)
{
	uint8_t frame[FRAME_MAX];

	if (wait_until > s->deadline_ms)
		wait_until = s->deadline_ms;
	for (unsigned i = 0; i < FRAMES_PER_WAIT_MAX; i++) {
		uint64_t now = now_ms();
		struct pollfd pfd = { s->fd, POLLIN, 0 };
		const void *bootp;
		size_t len = 0, blen;
		unsigned flags = 0;
		int r;

		if (now >= wait_until)
			return 0;
		r = poll(&pfd, 1, (int)(wait_until - now));
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		r = recv_frame(s, frame, sizeof(frame), &len, &flags);
		if (r == -EAGAIN || r == -EINTR)
			continue;
		if (r < 0)
			return r;
		if (dhcp_unwrap(frame, len, flags, &bootp, &blen, NULL) < 0 ||
		    dhcp_parse(bootp, blen, out) < 0) {
			s->frames_ignored++;
			continue;
		}
		if (is_answer(s, out, want, server))
			return 1;
		s->frames_ignored++;
	}
	return 0;
}

/* Sends TYPE and retransmits with backoff until an answer, at most TRIES_MAX sends. */
static int transact(struct session *s, uint8_t type, unsigned tries_max, uint32_t requested,
		    uint32_t server, struct dhcp_msg *out)
{
	char a[16], b[16];
	uint8_t want = type == DHCP_DISCOVER ? DHCP_OFFER : DHCP_ACK;

	for (unsigned try = 0; try < tries_max && now_ms() < s->deadline_ms; try++) {
		unsigned delay = backoff_ms(try);
		int r = send_msg(s, type, requested, server);

		if (r < 0)
			return r;
		if (type == DHCP_DISCOVER)
			progress(s, "%s: DHCPDISCOVER (xid 0x%08x), waiting %u ms", s->cfg->ifname,
				 s->xid, delay);
		else
			progress(s, "%s: DHCPREQUEST for %s to server %s, waiting %u ms",
				 s->cfg->ifname, net_ntoa(requested, a), net_ntoa(server, b), delay);
		r = wait_answer(s, now_ms() + delay, want, server, out);
		if (r != 0)
			return r;
	}
	return 0;
}

static int run(struct session *s, struct net_lease *lease)
{
	struct dhcp_msg offer, ack;
	char a[16], b[16], last[160] = "";

	for (unsigned round = 0; round <= DHCP_RESTARTS_MAX; round++) {
		int r;

		net_random(&s->xid, sizeof(s->xid));
		r = transact(s, DHCP_DISCOVER, DISCOVER_TRIES_MAX, 0, 0, &offer);
		if (r < 0)
			return fail(s, r, "%s: sending DHCPDISCOVER failed: %s (%s)", s->cfg->ifname,
				    errno_name(r), strerror(-r));
		if (r == 0)
			break; /* the deadline */
		net_ntoa(offer.server_id, b);
		progress(s, "%s: DHCPOFFER of %s from server %s", s->cfg->ifname,
			 net_ntoa(offer.yiaddr, a), b);
		r = transact(s, DHCP_REQUEST, DHCP_REQUEST_TRIES_MAX, offer.yiaddr,
			     offer.server_id, &ack);
		if (r < 0)
			return fail(s, r, "%s: sending DHCPREQUEST failed: %s (%s)", s->cfg->ifname,
				    errno_name(r), strerror(-r));
		if (r == 0)
			snprintf(last, sizeof(last), "server %s offered %s but did not answer the "
						     "DHCPREQUEST for it", b, a);
		else if (ack.type == DHCP_NAK)
			snprintf(last, sizeof(last), "server %s refused (DHCPNAK) the %s it offered: "
						     "check its address pool and leases", b, a);
		else if (dhcp_lease_from_ack(&ack, s->cfg->ifname, s->mac, lease) < 0)
			snprintf(last, sizeof(last), "server %s acknowledged %s, which is no usable "
						     "address here (or its netmask is not contiguous)",
				 b, net_ntoa(ack.yiaddr, a));
		else {
			progress(s, "%s: DHCPACK: %s from server %s", s->cfg->ifname,
				 net_ntoa(lease->addr, a), b);
			return 0;
		}
		progress(s, "%s: %s; starting again", s->cfg->ifname, last);
	}
	if (last[0])
		return fail(s, -ETIMEDOUT, "%s: no DHCP lease within %u s: %s", s->cfg->ifname,
			    s->cfg->timeout_ms / 1000, last);
	return fail(s, -ETIMEDOUT, "%s: no DHCP lease within %u s (%u messages sent, %u other "
				   "frames ignored): check the cable or switch port and that a DHCP "
				   "server serves this network", s->cfg->ifname,
		    s->cfg->timeout_ms / 1000, s->sent, s->frames_ignored);
}

int net_dhcp(const struct dhcp_config *cfg, struct net_lease *out, char *err, size_t errlen)
{
	struct dhcp_config local = *cfg;
	struct session s = { .cfg = &local, .fd = -1, .err = err, .errlen = errlen };
	unsigned mtu = 0;
	int r;

	if (err && errlen)
		err[0] = '\0';
	r = net_link_info(cfg->ifname, &s.ifindex, s.mac, &mtu);
	if (r == -EAFNOSUPPORT) {
		r = fail(&s, r, "%s: not an Ethernet interface; DHCP here needs one", cfg->ifname);
		goto out;
	}
	if (r < 0) {
		r = fail(&s, r, "%s: %s (%s): no such network interface?", cfg->ifname,
			 errno_name(r), strerror(-r));
		goto out;
	}
	if (local.max_msg == 0)
		local.max_msg = DHCP_MAX_MSG_DEFAULT;
	if (mtu >= 576 && mtu < local.max_msg)
		local.max_msg = (uint16_t)mtu;
	r = open_socket(&s);
	if (r < 0) {
		r = fail(&s, r, "%s: AF_PACKET socket: %s (%s)%s", cfg->ifname, errno_name(r),
			 strerror(-r), r == -EPERM ? ": DHCP needs root (CAP_NET_RAW)" : "");
		goto out;
	}
	s.start_ms = now_ms();
	s.deadline_ms = s.start_ms + cfg->timeout_ms;
	r = run(&s, out);
out:
	if (s.fd >= 0)
		close(s.fd);
	return r;
}
