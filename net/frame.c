/* Ethernet + IPv4 + UDP around a DHCP message, built and checked here because the client
 * talks on an AF_PACKET socket: before it has an address the kernel's IP stack will neither
 * send from 0.0.0.0 on a chosen interface nor hand it a broadcast reply reliably. */
#include "net/net.h"

#include <errno.h>
#include <string.h>

#define ETH_HLEN 14
#define ETHERTYPE_IPV4 0x0800
#define IPV4_MIN_HLEN 20
#define IP_PROTO_UDP 17
#define IP_FLAG_MF 0x2000
#define IP_FRAG_OFFSET 0x1fff
#define UDP_HLEN 8
#define PORT_SERVER 67
#define PORT_CLIENT 68
#define TTL 64

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

uint16_t net_csum_add(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;
	uint64_t s = sum;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += get16(p + i);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* The UDP pseudo-header: source, destination, protocol, UDP length (RFC 768). */
static uint32_t pseudo_sum(uint32_t src, uint32_t dst, uint16_t udp_len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + IP_PROTO_UDP +
	       udp_len;
}

int dhcp_wrap(void *frame, size_t cap, const uint8_t src_mac[6], const void *bootp,
	      size_t bootp_len)
{
	uint8_t *f = frame, *ip = f + ETH_HLEN, *udp = ip + IPV4_MIN_HLEN;
	const uint32_t src = 0, dst = 0xffffffffu;
	uint16_t sum;

	if (bootp_len > 0xffff - IPV4_MIN_HLEN - UDP_HLEN || cap < DHCP_FRAME_OVERHEAD ||
	    bootp_len > cap - DHCP_FRAME_OVERHEAD)
		return -EMSGSIZE;
	memset(f, 0xff, 6);
	memcpy(f + 6, src_mac, 6);
	put16(f + 12, ETHERTYPE_IPV4);

	memset(ip, 0, IPV4_MIN_HLEN);
	ip[0] = 0x45; /* version 4, 5 words */
	put16(ip + 2, (uint16_t)(IPV4_MIN_HLEN + UDP_HLEN + bootp_len));
	ip[8] = TTL;
	ip[9] = IP_PROTO_UDP;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, (uint16_t)~net_csum_add(ip, IPV4_MIN_HLEN, 0));

	put16(udp, PORT_CLIENT);
	put16(udp + 2, PORT_SERVER);
	put16(udp + 4, (uint16_t)(UDP_HLEN + bootp_len));
	put16(udp + 6, 0);
	memcpy(udp + UDP_HLEN, bootp, bootp_len);
	sum = (uint16_t)~net_csum_add(udp, UDP_HLEN + bootp_len,
				      pseudo_sum(src, dst, (uint16_t)(UDP_HLEN + bootp_len)));
	/* 0 means "no checksum" in UDP: a computed 0 goes out as its other form */
	put16(udp + 6, sum ? sum : 0xffff);
	return (int)(DHCP_FRAME_OVERHEAD + bootp_len);
}

int dhcp_unwrap(const void *frame, size_t len, unsigned flags, const void **bootp,
		size_t *bootp_len, uint32_t *src_ip)
{
	const uint8_t *f = frame, *ip, *udp;
	size_t ihl, total, udp_len;
	uint16_t frag;

	if (!frame || len < ETH_HLEN || get16(f + 12) != ETHERTYPE_IPV4)
		return -ENOMSG;
	ip = f + ETH_HLEN;
	len -= ETH_HLEN;
	if (len < IPV4_MIN_HLEN)
		return -EBADMSG;
	if (ip[0] >> 4 != 4)
		return -ENOMSG;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	total = get16(ip + 2);
	if (ihl < IPV4_MIN_HLEN || ihl > len || total < ihl || total > len)
		return -EBADMSG;
	if (net_csum_add(ip, ihl, 0) != 0xffff)
		return -EBADMSG;
	if (ip[9] != IP_PROTO_UDP)
		return -ENOMSG;
	frag = get16(ip + 6);
	if (frag & (IP_FLAG_MF | IP_FRAG_OFFSET))
		return -EMSGSIZE;
	if (total - ihl < UDP_HLEN)
		return -EBADMSG;
	udp = ip + ihl;
	if (get16(udp + 2) != PORT_CLIENT)
		return -ENOMSG;
	if (get16(udp) != PORT_SERVER)
		return -ENOMSG;
	udp_len = get16(udp + 4);
	if (udp_len != total - ihl)
		return -EBADMSG;
	if (get16(udp + 6) != 0 && !(flags & DHCP_UNWRAP_CSUM_PARTIAL)) {
		uint32_t ps = pseudo_sum(get32(ip + 12), get32(ip + 16), (uint16_t)udp_len);

		if (net_csum_add(udp, udp_len, ps) != 0xffff)
			return -EBADMSG;
	}
	*bootp = udp + UDP_HLEN;
	*bootp_len = udp_len - UDP_HLEN;
	if (src_ip)
		*src_ip = get32(ip + 12);
	return 0;
}
