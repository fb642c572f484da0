/* net/: the DHCP message parser and builder, the frame wrapper and unwrapper, the lease rules,
 * the DNS parser and the rtnetlink message builders - on bytes built by hand here, as
 * dnsmasq and the kernel lay them out. Every truncation test copies exactly LEN bytes to the
 * heap, so ASan catches any read past LEN. */
#include "net/net.h"
#include "tests/unit/harness.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* --- building BOOTP messages -------------------------------------------------------------- */

struct mb {
	uint8_t b[1500];
	size_t len;
};

static const uint8_t client_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A BOOTREPLY as dnsmasq sends it: xid, broadcast flag, yiaddr, siaddr, chaddr, cookie. */
static void mb_reply(struct mb *m, uint32_t xid, uint32_t yiaddr, uint32_t siaddr)
{
	memset(m, 0, sizeof(*m));
	m->b[0] = 2;
	m->b[1] = 1;
	m->b[2] = 6;
	put32(m->b + 4, xid);
	m->b[10] = 0x80;
	put32(m->b + 16, yiaddr);
	put32(m->b + 20, siaddr);
	memcpy(m->b + 28, client_mac, 6);
	put32(m->b + 236, 0x63825363u);
	m->len = 240;
}

static void mb_opt(struct mb *m, uint8_t code, const void *v, size_t n)
{
	m->b[m->len++] = code;
	m->b[m->len++] = (uint8_t)n;
	memcpy(m->b + m->len, v, n);
	m->len += n;
}

static void mb_opt8(struct mb *m, uint8_t code, uint8_t v)
{
	mb_opt(m, code, &v, 1);
}

static void mb_opt32(struct mb *m, uint8_t code, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	mb_opt(m, code, b, 4);
}

static void mb_str(struct mb *m, uint8_t code, const char *s)
{
	mb_opt(m, code, s, strlen(s));
}

static void mb_end(struct mb *m)
{
	m->b[m->len++] = 255;
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* An OFFER with what dnsmasq puts in one for --dhcp-boot=pxelinux.0 and options 209/210. */
static void dnsmasq_offer(struct mb *m, uint8_t type)
{
	mb_reply(m, 0x1a2b3c4d, IP(10, 99, 0, 57), IP(10, 99, 0, 1));
	memcpy(m->b + 44, "boot-server", 11);    /* sname */
	memcpy(m->b + 108, "pxelinux.0", 10);    /* file */
	mb_opt8(m, 53, type);
	mb_opt32(m, 54, IP(10, 99, 0, 1));
	mb_opt32(m, 51, 3600);
	mb_opt32(m, 58, 1800);
	mb_opt32(m, 59, 3150);
	mb_opt32(m, 1, IP(255, 255, 255, 0));
	mb_opt32(m, 28, IP(10, 99, 0, 255));
	mb_opt32(m, 3, IP(10, 99, 0, 1));
	mb_opt32(m, 6, IP(10, 99, 0, 1));
	mb_str(m, 15, "boot.test");
	mb_str(m, 12, "client1");
	mb_str(m, 209, "pxelinux.cfg/default");
	mb_str(m, 210, "/srv/tftp/");
	mb_opt(m, 26, (const uint8_t[]){ 0x05, 0xdc }, 2);
	mb_end(m);
}

/* --- DHCP parsing -------------------------------------------------------------------------- */

UT_TEST(net_dhcp_parse_dnsmasq_offer)
{
	struct mb m;
	struct dhcp_msg d;

	dnsmasq_offer(&m, DHCP_OFFER);
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), 0);
	UT_EQ_INT(d.op, 2);
	UT_EQ_INT(d.xid, 0x1a2b3c4d);
	UT_EQ_INT(d.flags, 0x8000);
	UT_EQ_INT(d.type, DHCP_OFFER);
	UT_EQ_INT(d.yiaddr, IP(10, 99, 0, 57));
	UT_EQ_INT(d.siaddr, IP(10, 99, 0, 1));
	UT_CHECK(memcmp(d.chaddr, client_mac, 6) == 0);
	UT_EQ_INT(d.server_id, IP(10, 99, 0, 1));
	UT_EQ_INT(d.lease_s, 3600);
	UT_EQ_INT(d.netmask, IP(255, 255, 255, 0));
	UT_EQ_INT(d.broadcast, IP(10, 99, 0, 255));
	UT_EQ_INT(d.n_routers, 1);
	UT_EQ_INT(d.routers[0], IP(10, 99, 0, 1));
	UT_EQ_INT(d.n_dns, 1);
	UT_EQ_INT(d.mtu, 1500);
	UT_EQ_STR(d.domain, "boot.test");
	UT_EQ_STR(d.hostname, "client1");
	UT_EQ_STR(d.pxeconffile, "pxelinux.cfg/default");
	UT_EQ_STR(d.pathprefix, "/srv/tftp/");
	UT_EQ_STR(d.file, "pxelinux.0");
	UT_EQ_STR(d.sname, "boot-server");
	UT_EQ_STR(d.bootfile, "");
	UT_CHECK(dhcp_msg_has(&d, 58) && dhcp_msg_has(&d, 59) && !dhcp_msg_has(&d, 66));
}

UT_TEST(net_dhcp_ack_to_lease)
{
	struct mb m;
	struct dhcp_msg d;
	struct net_lease l;

	dnsmasq_offer(&m, DHCP_ACK);
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), 0);
	UT_EQ_INT(dhcp_lease_from_ack(&d, "eth0", client_mac, &l), 0);
	UT_EQ_STR(l.ifname, "eth0");
	UT_EQ_INT(l.addr, IP(10, 99, 0, 57));
	UT_EQ_INT(l.netmask, IP(255, 255, 255, 0));
	UT_EQ_INT(l.router, IP(10, 99, 0, 1));
	UT_EQ_INT(l.n_dns, 1);
	UT_EQ_INT(l.dns[0], IP(10, 99, 0, 1));
	UT_EQ_INT(l.mtu, 1500);
	UT_EQ_INT(l.lease_s, 3600);
	UT_EQ_INT(l.siaddr, IP(10, 99, 0, 1));
	/* without options 66/67 the fixed fields name the server and the file */
	UT_EQ_STR(l.bootfile, "pxelinux.0");
	UT_EQ_STR(l.tftp_server, "boot-server");
	UT_EQ_STR(l.pxeconffile, "pxelinux.cfg/default");

	/* options 66 and 67 win over sname and file; a NUL some servers add is dropped */
	m.len--; /* reopen before END */
	mb_opt(&m, 67, "efi/grubx64.efi\0", 16);
	mb_str(&m, 66, "tftp.boot.test");
	mb_end(&m);
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), 0);
	UT_EQ_INT(dhcp_lease_from_ack(&d, "eth0", client_mac, &l), 0);
	UT_EQ_STR(l.bootfile, "efi/grubx64.efi");
	UT_EQ_STR(l.tftp_server, "tftp.boot.test");
}

UT_TEST(net_dhcp_lease_rules)
{
	struct dhcp_msg d;
	struct net_lease l;

	memset(&d, 0, sizeof(d));
	d.yiaddr = IP(10, 1, 2, 3); /* no option 1: the class A mask */
	UT_EQ_INT(dhcp_lease_from_ack(&d, "eth0", client_mac, &l), 0);
	UT_EQ_INT(l.netmask, IP(255, 0, 0, 0));
	d.yiaddr = IP(192, 168, 1, 9);
	UT_EQ_INT(dhcp_lease_from_ack(&d, "eth0", client_mac, &l), 0);
	UT_EQ_INT(l.netmask, IP(255, 255, 255, 0));
	d.seen[0] |= 1 << 1;
	d.netmask = IP(255, 255, 0, 255); /* not contiguous */
	UT_EQ_INT(dhcp_lease_from_ack(&d, "eth0", client_mac, &l), -EINVAL);
	d.netmask = IP(255, 255, 255, 255); /* a /32 with a router outside: clouds do it */
	UT_EQ_INT(dhcp_lease_from_ack(&d, "eth0", client_mac, &l), 0);
	d.netmask = IP(255, 255, 255, 0);
	d.yiaddr = IP(192, 168, 1, 255); /* the subnet's broadcast address */
	UT_EQ_INT(dhcp_lease_from_ack(&d, "eth0", client_mac, &l), -EINVAL);
	d.yiaddr = 0;
	UT_EQ_INT(dhcp_lease_from_ack(&d, "eth0", client_mac, &l), -EINVAL);
	d.yiaddr = IP(127, 0, 0, 5);
	UT_EQ_INT(dhcp_lease_from_ack(&d, "eth0", client_mac, &l), -EINVAL);
	d.yiaddr = IP(224, 0, 0, 5);
	UT_EQ_INT(dhcp_lease_from_ack(&d, "eth0", client_mac, &l), -EINVAL);
	/* unusable routers and name servers are skipped, a tiny MTU is dropped */
	d.yiaddr = IP(192, 168, 1, 9);
	d.n_routers = 2;
	d.routers[0] = 0;
	d.routers[1] = IP(192, 168, 1, 1);
	d.n_dns = 2;
	d.dns[0] = IP(255, 255, 255, 255);
	d.dns[1] = IP(192, 168, 1, 2);
	d.mtu = 68;
	UT_EQ_INT(dhcp_lease_from_ack(&d, "eth0", client_mac, &l), 0);
	UT_EQ_INT(l.router, IP(192, 168, 1, 1));
	UT_EQ_INT(l.n_dns, 1);
	UT_EQ_INT(l.dns[0], IP(192, 168, 1, 2));
	UT_EQ_INT(l.mtu, 0);
}

UT_TEST(net_dhcp_rfc3396_split_options)
{
	struct mb m;
	struct dhcp_msg d;
	char big[300], val[DHCP_OPTION_CONCAT_MAX];

	mb_reply(&m, 1, IP(10, 0, 0, 5), 0);
	mb_opt8(&m, 53, DHCP_ACK);
	mb_str(&m, 12, "boot-");
	mb_opt32(&m, 6, IP(10, 0, 0, 1));
	mb_str(&m, 12, "host");
	mb_opt32(&m, 6, IP(10, 0, 0, 2));
	/* a netmask split 2 + 2 is one 4-byte option after concatenation */
	mb_opt(&m, 1, (const uint8_t[]){ 255, 255 }, 2);
	mb_opt(&m, 1, (const uint8_t[]){ 255, 0 }, 2);
	/* a bootfile of 300 bytes can only travel split */
	memset(big, 'f', sizeof(big));
	mb_opt(&m, 43, big, 255);
	mb_opt(&m, 43, big, 45);
	mb_end(&m);
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), 0);
	UT_EQ_STR(d.hostname, "boot-host");
	UT_EQ_INT(d.n_dns, 2);
	UT_EQ_INT(d.dns[1], IP(10, 0, 0, 2));
	UT_EQ_INT(d.netmask, IP(255, 255, 255, 0));
	UT_EQ_INT(dhcp_option_find(m.b, m.len, 43, val, sizeof(val)), 300);
	UT_EQ_INT(dhcp_option_find(m.b, m.len, 43, val, 299), -EOVERFLOW);
	UT_EQ_INT(dhcp_option_find(m.b, m.len, 66, val, sizeof(val)), -ENOENT);
	UT_EQ_INT(dhcp_option_find(m.b, m.len, 12, val, sizeof(val)), 9);
	UT_CHECK(memcmp(val, "boot-host", 9) == 0);

	/* the same 300 bytes as option 67: longer than a string the lease keeps */
	m.len--;
	mb_opt(&m, 67, big, 255);
	mb_opt(&m, 67, big, 45);
	mb_end(&m);
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), -EOVERFLOW);
}

UT_TEST(net_dhcp_overload_file_and_sname)
{
	struct mb m;
	struct dhcp_msg d;
	uint8_t *file, *sname, *overload;

	mb_reply(&m, 7, IP(10, 0, 0, 5), IP(10, 0, 0, 1));
	file = m.b + 108;
	sname = m.b + 44;
	mb_opt8(&m, 53, DHCP_ACK);
	overload = m.b + m.len + 2;
	mb_opt8(&m, 52, 3);
	mb_str(&m, 67, "pxelinux");
	mb_end(&m);
	/* the file field continues option 67 and holds option 15; sname holds 66 */
	memcpy(file, "\x43\x02.0\x00\x00\x0f\x04test\xff", 14);
	memcpy(sname, "\x42\x09tftp.test\xff", 12);
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), 0);
	UT_EQ_INT(d.overload, 3);
	UT_EQ_STR(d.bootfile, "pxelinux.0");
	UT_EQ_STR(d.domain, "test");
	UT_EQ_STR(d.tftp_server, "tftp.test");
	UT_EQ_STR(d.file, "");  /* overloaded: not a file name */
	UT_EQ_STR(d.sname, "");

	/* order is options, file, sname: 67's pieces in sname come last */
	memset(sname, 0, 64);
	memcpy(sname, "\x43\x04-new\xff", 7);
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), 0);
	UT_EQ_STR(d.bootfile, "pxelinux.0-new");

	/* overload 1: sname is a name again; options in sname are not read */
	*overload = 1;
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), 0);
	UT_EQ_STR(d.bootfile, "pxelinux.0");
	UT_EQ_STR(d.sname, "\x43\x04-new\xff");

	/* an overloaded field may run to its end without END */
	memset(file, 0, 128);
	memcpy(file + 124, "\x0f\x02ok", 4);
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), 0);
	UT_EQ_STR(d.domain, "ok");
	/* but not past it */
	memcpy(file + 124, "\x0f\x03ok", 4);
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), -EBADMSG);
	memset(file, 0, 128);

	/* option 52: one byte, 1 to 3 */
	*overload = 4;
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), -EBADMSG);
	*overload = 0;
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), -EBADMSG);
}

UT_TEST(net_dhcp_malformed)
{
	static const struct {
		uint8_t code;
		const char *value;
		size_t len;
	} bad_lengths[] = {
		{ 1, "\xff\xff\xff", 3 },
		{ 53, "\x02\x02", 2 },
		{ 6, "\x0a\x00\x00\x01\x0a", 5 },
		{ 3, "", 0 },
	};
	struct mb m, good;
	struct dhcp_msg d;

	dnsmasq_offer(&good, DHCP_OFFER);
	m = good;
	m.b[236] = 0x62; /* no magic cookie: plain BOOTP or garbage */
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), -EBADMSG);
	UT_EQ_INT(dhcp_parse(m.b, 239, &d), -EBADMSG);
	m = good;
	m.b[2] = 17; /* hlen beyond chaddr */
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), -EBADMSG);
	m = good;
	m.len--; /* no END: the last option (26) is still whole */
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), -EBADMSG);
	m = good;
	m.b[241] = 200; /* the first option's length runs past the packet */
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), -EBADMSG);

	/* wrong fixed lengths: a netmask of 3 bytes, a message type of 2, a DNS server list
	 * that is not whole addresses, an empty router list */
	for (size_t i = 0; i < ARRAY_SIZE(bad_lengths); i++) {
		mb_reply(&m, 1, IP(10, 0, 0, 5), 0);
		mb_opt(&m, bad_lengths[i].code, bad_lengths[i].value, bad_lengths[i].len);
		mb_end(&m);
		UT_EQ_INT(dhcp_parse(m.b, m.len, &d), -EBADMSG);
	}

	/* pads only, then END: a message with no options is fine */
	mb_reply(&m, 1, IP(10, 0, 0, 5), 0);
	m.b[m.len++] = 0;
	m.b[m.len++] = 0;
	mb_end(&m);
	UT_EQ_INT(dhcp_parse(m.b, m.len, &d), 0);
	UT_EQ_INT(d.type, 0);
	UT_EQ_INT(dhcp_parse(NULL, 300, &d), -EINVAL);
}

UT_TEST(net_dhcp_truncated_at_every_offset)
{
	struct mb good;
	struct dhcp_msg d;

	dnsmasq_offer(&good, DHCP_ACK);
	for (size_t len = 0; len <= good.len + 8; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		uint8_t val[64];
		int r, f;

		memcpy(copy, good.b, len < good.len ? len : good.len);
		if (len > good.len)
			memset(copy + good.len, 0, len - good.len); /* padding after END */
		r = dhcp_parse(copy, len, &d);
		f = dhcp_option_find(copy, len, 12, val, sizeof(val));
		if (len < good.len) {
			if (r != -EBADMSG || f != -EBADMSG)
				ut_fail(__FILE__, __LINE__, "length %zu: parse %d find %d", len, r, f);
		} else if (r != 0 || f != 7 || d.yiaddr != IP(10, 99, 0, 57)) {
			ut_fail(__FILE__, __LINE__, "length %zu: parse %d find %d", len, r, f);
		}
		free(copy);
	}
}

/* --- DHCP building -------------------------------------------------------------------------- */

UT_TEST(net_dhcp_build_discover_and_request)
{
	struct dhcp_config cfg;
	struct dhcp_msg d;
	uint8_t buf[DHCP_MSG_MAX], val[64];
	const uint8_t prl[] = { 1, 3, 6, 12, 15, 26, 28, 51, 54, 66, 67, 209, 210 };
	int len;

	dhcp_config_init(&cfg, "eth0");
	UT_EQ_INT(cfg.timeout_ms, 30000);
	len = dhcp_build(buf, sizeof(buf), &cfg, client_mac, DHCP_DISCOVER, 0xdeadbeef, 3, 0, 0);
	UT_CHECK(len >= 300);
	UT_EQ_INT(dhcp_parse(buf, (size_t)len, &d), 0);
	UT_EQ_INT(d.op, 1);
	UT_EQ_INT(d.htype, 1);
	UT_EQ_INT(d.hlen, 6);
	UT_EQ_INT(d.xid, 0xdeadbeef);
	UT_EQ_INT(d.secs, 3);
	UT_EQ_INT(d.flags, 0x8000);
	UT_EQ_INT(d.ciaddr, 0);
	UT_EQ_INT(d.type, DHCP_DISCOVER);
	UT_CHECK(memcmp(d.chaddr, client_mac, 6) == 0);
	UT_EQ_INT(dhcp_option_find(buf, (size_t)len, 55, val, sizeof(val)), sizeof(prl));
	UT_CHECK(memcmp(val, prl, sizeof(prl)) == 0);
	UT_EQ_INT(dhcp_option_find(buf, (size_t)len, 61, val, sizeof(val)), 7);
	UT_CHECK(val[0] == 1 && memcmp(val + 1, client_mac, 6) == 0);
	UT_EQ_STR(d.vendor_class, "PXEClient:Arch:00000:UNDI:002001");
	UT_EQ_INT(dhcp_option_find(buf, (size_t)len, 93, val, sizeof(val)), 2);
	UT_CHECK(val[0] == 0 && val[1] == 0);
	UT_EQ_INT(dhcp_option_find(buf, (size_t)len, 94, val, sizeof(val)), 3);
	UT_CHECK(val[0] == 1 && val[1] == 2 && val[2] == 1);
	UT_EQ_INT(dhcp_option_find(buf, (size_t)len, 57, val, sizeof(val)), 2);
	UT_CHECK(val[0] == 1500 >> 8 && val[1] == (1500 & 0xff));
	UT_EQ_INT(dhcp_option_find(buf, (size_t)len, 97, val, sizeof(val)), -ENOENT);
	UT_EQ_INT(dhcp_option_find(buf, (size_t)len, 12, val, sizeof(val)), -ENOENT);
	UT_EQ_INT(dhcp_option_find(buf, (size_t)len, 50, val, sizeof(val)), -ENOENT);

	/* an EFI client, with a UUID and a host name, sending a REQUEST */
	cfg.arch = DHCP_ARCH_X64_UEFI;
	cfg.undi_major = 3;
	cfg.undi_minor = 16;
	cfg.hostname = "node7";
	UT_EQ_INT(net_uuid_parse("4C4C4544-0042-3510-8052-b4c04f4d4e31", cfg.uuid), 0);
	cfg.have_uuid = 1;
	len = dhcp_build(buf, sizeof(buf), &cfg, client_mac, DHCP_REQUEST, 9, 0,
			 IP(10, 99, 0, 57), IP(10, 99, 0, 1));
	UT_EQ_INT(dhcp_parse(buf, (size_t)len, &d), 0);
	UT_EQ_INT(d.type, DHCP_REQUEST);
	UT_EQ_INT(d.server_id, IP(10, 99, 0, 1));
	UT_EQ_INT(dhcp_option_find(buf, (size_t)len, 50, val, sizeof(val)), 4);
	UT_CHECK(val[0] == 10 && val[1] == 99 && val[2] == 0 && val[3] == 57);
	UT_EQ_STR(d.vendor_class, "PXEClient:Arch:00007:UNDI:003016");
	UT_EQ_STR(d.hostname, "node7");
	UT_EQ_INT(dhcp_option_find(buf, (size_t)len, 97, val, sizeof(val)), 17);
	UT_CHECK(val[0] == 0 && val[1] == 0x4c && val[16] == 0x31);

	UT_EQ_INT(dhcp_build(buf, sizeof(buf), &cfg, client_mac, DHCP_ACK, 9, 0, 0, 0), -EINVAL);
	UT_EQ_INT(dhcp_build(buf, 200, &cfg, client_mac, DHCP_DISCOVER, 9, 0, 0, 0), -EINVAL);
	cfg.hostname = "a-host-name-longer-than-one-dns-label-may-be-which-is-63-bytes-xx";
	UT_EQ_INT(dhcp_build(buf, sizeof(buf), &cfg, client_mac, DHCP_DISCOVER, 9, 0, 0, 0),
		  -EINVAL);
}

/* --- frames --------------------------------------------------------------------------------- */

struct frame {
	uint8_t b[1600];
	size_t len;
};

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Recomputes the IP header and UDP checksums of a frame with a 20-byte IP header. */
static void fix_checksums(struct frame *f)
{
	uint8_t *ip = f->b + 14, *udp = ip + 20;
	uint16_t ulen = get16(udp + 4);
	uint32_t ps = get16(ip + 12) + get16(ip + 14) + get16(ip + 16) + get16(ip + 18) + 17u + ulen;
	uint16_t sum;

	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~net_csum_add(ip, 20, 0));
	put16(udp + 6, 0);
	sum = (uint16_t)~net_csum_add(udp, ulen, ps);
	put16(udp + 6, sum ? sum : 0xffff);
}

/* A server's reply frame: 10.99.0.1:67 -> 255.255.255.255:68 with M inside. */
static void reply_frame(struct frame *f, const struct mb *m)
{
	int len = dhcp_wrap(f->b, sizeof(f->b), (const uint8_t[]){ 2, 0, 0, 0, 0, 1 }, m->b, m->len);

	f->len = (size_t)len;
	put32(f->b + 14 + 12, IP(10, 99, 0, 1));
	put16(f->b + 34, 67);
	put16(f->b + 36, 68);
	fix_checksums(f);
}

UT_TEST(net_frame_wrap_checksums)
{
	struct mb m;
	struct frame f;
	uint8_t *ip = f.b + 14, *udp = ip + 20;
	int len;

	dnsmasq_offer(&m, DHCP_OFFER);
	len = dhcp_wrap(f.b, sizeof(f.b), client_mac, m.b, m.len);
	UT_EQ_INT(len, (int)(m.len + DHCP_FRAME_OVERHEAD));
	UT_CHECK(memcmp(f.b, "\xff\xff\xff\xff\xff\xff", 6) == 0);
	UT_CHECK(memcmp(f.b + 6, client_mac, 6) == 0);
	UT_EQ_INT(get16(f.b + 12), 0x0800);
	UT_EQ_INT(ip[0], 0x45);
	UT_EQ_INT(get16(ip + 2), 20 + 8 + m.len);
	UT_EQ_INT(ip[9], 17);
	UT_EQ_INT(net_csum_add(ip, 20, 0), 0xffff);
	UT_CHECK(memcmp(ip + 12, "\0\0\0\0\xff\xff\xff\xff", 8) == 0);
	UT_EQ_INT(get16(udp), 68);
	UT_EQ_INT(get16(udp + 2), 67);
	UT_EQ_INT(get16(udp + 4), 8 + m.len);
	/* the UDP checksum over the pseudo-header: 0 + 0xffff 0xffff + 17 + length */
	UT_EQ_INT(net_csum_add(udp, 8 + m.len, 0xffffu + 0xffffu + 17u + (uint32_t)(8 + m.len)),
		  0xffff);
	UT_EQ_INT(dhcp_wrap(f.b, 100, client_mac, m.b, m.len), -EMSGSIZE);
	/* RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 */
	UT_EQ_INT(net_csum_add("\x00\x01\xf2\x03\xf4\xf5\xf6\xf7", 8, 0), 0xddf2);
	UT_EQ_INT(net_csum_add("\x01", 1, 0), 0x0100);
}

UT_TEST(net_frame_unwrap)
{
	struct mb m;
	struct frame good, f;
	const void *bootp;
	size_t blen;
	uint32_t src = 0;

	dnsmasq_offer(&m, DHCP_OFFER);
	reply_frame(&good, &m);
	UT_EQ_INT(dhcp_unwrap(good.b, good.len, 0, &bootp, &blen, &src), 0);
	UT_CHECK(bootp == good.b + 42 && blen == m.len);
	UT_EQ_INT(src, IP(10, 99, 0, 1));
	/* Ethernet pads short frames: bytes after the IP total length are ignored */
	UT_EQ_INT(dhcp_unwrap(good.b, good.len + 20, 0, &bootp, &blen, NULL), 0);
	UT_EQ_INT(blen, m.len);

	/* not ours: ARP, TCP, another port, IPv6 */
	f = good;
	put16(f.b + 12, 0x0806);
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -ENOMSG);
	f = good;
	f.b[14] = 0x65;
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -ENOMSG);
	f = good;
	f.b[14 + 9] = 6;
	fix_checksums(&f);
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -ENOMSG);
	f = good;
	put16(f.b + 36, 69);
	fix_checksums(&f);
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -ENOMSG);
	f = good;
	put16(f.b + 34, 53);
	fix_checksums(&f);
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -ENOMSG);

	/* bad IHL: below 5, and beyond the frame */
	f = good;
	f.b[14] = 0x44;
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -EBADMSG);
	f = good;
	f.b[14] = 0x4f;
	UT_EQ_INT(dhcp_unwrap(f.b, 14 + 40, 0, &bootp, &blen, NULL), -EBADMSG);
	/* an IHL of 6 with the options word counted: the UDP header moves, ports no longer match */
	f = good;
	f.b[14] = 0x46;
	fix_checksums(&f);
	UT_CHECK(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL) < 0);
	/* a wrong header checksum */
	f = good;
	f.b[14 + 8] = 63;
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -EBADMSG);
	/* total length past the frame, or shorter than the headers */
	f = good;
	put16(f.b + 16, (uint16_t)(f.len - 14 + 1));
	fix_checksums(&f);
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -EBADMSG);
	f = good;
	put16(f.b + 16, 24);
	fix_checksums(&f);
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -EBADMSG);

	/* fragments are refused: more-fragments, or an offset */
	f = good;
	put16(f.b + 20, 0x2000);
	fix_checksums(&f);
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -EMSGSIZE);
	f = good;
	put16(f.b + 20, 0x0010);
	fix_checksums(&f);
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -EMSGSIZE);
	f = good;
	put16(f.b + 20, 0x4000); /* don't-fragment is fine */
	fix_checksums(&f);
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), 0);

	/* UDP length: must be the IP payload exactly */
	f = good;
	put16(f.b + 38, (uint16_t)(get16(f.b + 38) + 1));
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -EBADMSG);
	f = good;
	put16(f.b + 38, (uint16_t)(get16(f.b + 38) - 1));
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -EBADMSG);
	f = good;
	put16(f.b + 38, 7);
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -EBADMSG);

	/* UDP checksum: checked when set, unless the kernel says it is not computed yet */
	f = good;
	f.b[f.len - 1] ^= 1;
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), -EBADMSG);
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, DHCP_UNWRAP_CSUM_PARTIAL, &bootp, &blen, NULL), 0);
	put16(f.b + 40, 0); /* 0: the sender computed none */
	UT_EQ_INT(dhcp_unwrap(f.b, f.len, 0, &bootp, &blen, NULL), 0);

	/* every truncation is refused and never read past */
	for (size_t len = 0; len < good.len; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		int r;

		memcpy(copy, good.b, len);
		r = dhcp_unwrap(copy, len, 0, &bootp, &blen, NULL);
		if (r >= 0)
			ut_fail(__FILE__, __LINE__, "length %zu accepted", len);
		free(copy);
	}
}

/* --- DNS ------------------------------------------------------------------------------------ */

struct dm {
	uint8_t b[1024];
	size_t len;
};

static void dm_bytes(struct dm *d, const void *p, size_t n)
{
	memcpy(d->b + d->len, p, n);
	d->len += n;
}

/* An answer header for ID with FLAGS, one question "boot.test A IN" and AN answers. */
static void dm_answer(struct dm *d, uint16_t id, uint16_t flags, uint16_t an)
{
	uint8_t h[12] = { (uint8_t)(id >> 8), (uint8_t)id, (uint8_t)(flags >> 8), (uint8_t)flags,
			  0, 1, (uint8_t)(an >> 8), (uint8_t)an, 0, 0, 0, 0 };

	d->len = 0;
	dm_bytes(d, h, sizeof(h));
	dm_bytes(d, "\x04" "boot\x04test\x00\x00\x01\x00\x01", 15);
}

/* A record at NAME (wire bytes, may be a pointer) of TYPE with RDATA. */
static void dm_rr(struct dm *d, const void *name, size_t nlen, uint16_t type, const void *rdata,
		  uint16_t rdlen)
{
	uint8_t fixed[10] = { (uint8_t)(type >> 8), (uint8_t)type, 0, 1, 0, 0, 0x0e, 0x10,
			      (uint8_t)(rdlen >> 8), (uint8_t)rdlen };

	dm_bytes(d, name, nlen);
	dm_bytes(d, fixed, sizeof(fixed));
	dm_bytes(d, rdata, rdlen);
}

#define PTR_Q "\xc0\x0c" /* the question's name at offset 12 */

UT_TEST(net_dns_build_query)
{
	uint8_t q[DNS_MSG_MAX];
	char name[300];

	UT_EQ_INT(dns_build_query(q, sizeof(q), 0xbeef, "boot.test"), 12 + 11 + 4);
	UT_CHECK(memcmp(q, "\xbe\xef\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
			   "\x04" "boot\x04test\x00\x00\x01\x00\x01", 27) == 0);
	UT_EQ_INT(dns_build_query(q, sizeof(q), 1, "boot.test."), 27);
	UT_EQ_INT(dns_build_query(q, sizeof(q), 1, ""), -EINVAL);
	UT_EQ_INT(dns_build_query(q, sizeof(q), 1, "."), -EINVAL);
	UT_EQ_INT(dns_build_query(q, sizeof(q), 1, "a..b"), -EINVAL);
	UT_EQ_INT(dns_build_query(q, sizeof(q), 1, ".a"), -EINVAL);
	UT_EQ_INT(dns_build_query(q, sizeof(q), 1, "a b"), -EINVAL);
	memset(name, 'a', 64);
	name[64] = '\0';
	UT_EQ_INT(dns_build_query(q, sizeof(q), 1, name), -EINVAL);
	name[63] = '\0';
	UT_EQ_INT(dns_build_query(q, sizeof(q), 1, name), 12 + 65 + 4);
	/* 4 labels of 63 = 255 text bytes, 257 on the wire: too long */
	for (int i = 0; i < 4; i++) {
		memset(name + i * 64, 'b', 63);
		name[i * 64 + 63] = '.';
	}
	name[255] = '\0';
	UT_EQ_INT(dns_build_query(q, sizeof(q), 1, name), -EINVAL);
	UT_EQ_INT(dns_build_query(q, 20, 1, "boot.test"), -EMSGSIZE);
}

UT_TEST(net_dns_parse_answers)
{
	struct dm d;
	uint32_t a[4];

	dm_answer(&d, 0x1234, 0x8180, 2);
	dm_rr(&d, PTR_Q, 2, 1, "\x0a\x63\x00\x01", 4);
	dm_rr(&d, PTR_Q, 2, 1, "\x0a\x63\x00\x02", 4);
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.test", a, 4), 2);
	UT_EQ_INT(a[0], IP(10, 99, 0, 1));
	UT_EQ_INT(a[1], IP(10, 99, 0, 2));
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "BOOT.Test.", a, 1), 1); /* case, MAX */
	/* not our answer: the id, QR, the opcode, another question */
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1235, "boot.test", a, 4), -ENOMSG);
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.tests", a, 4), -ENOMSG);
	d.b[2] = 0x01;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.test", a, 4), -ENOMSG);
	d.b[2] = 0x89; /* opcode 1 */
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.test", a, 4), -ENOMSG);
	d.b[2] = 0x81;
	d.b[12 + 11 + 1] = 28; /* the question asks for AAAA */
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.test", a, 4), -ENOMSG);
	d.b[12 + 11 + 1] = 1;
	/* QDCOUNT must echo our one question */
	d.b[5] = 2;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.test", a, 4), -EBADMSG);
	d.b[5] = 0;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.test", a, 4), -EBADMSG);
	d.b[5] = 1;
	/* RCODEs and TC */
	d.b[3] = 0x83;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.test", a, 4), -ENOENT);
	d.b[3] = 0x82;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.test", a, 4), -EAGAIN);
	d.b[3] = 0x85;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.test", a, 4), -ECONNREFUSED);
	d.b[3] = 0x84;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.test", a, 4), -EPROTO);
	d.b[3] = 0x80;
	d.b[2] = 0x83;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 0x1234, "boot.test", a, 4), -EMSGSIZE);
	d.b[2] = 0x81;
	/* an A record of 5 bytes */
	d.b[d.len - 5] = 5;
	UT_EQ_INT(dns_parse_a(d.b, d.len + 1, 0x1234, "boot.test", a, 4), -EBADMSG);
	/* answers that are not A: NODATA */
	dm_answer(&d, 7, 0x8180, 1);
	dm_rr(&d, PTR_Q, 2, 16, "\x03txt", 4);
	UT_EQ_INT(dns_parse_a(d.b, d.len, 7, "boot.test", a, 4), -ENODATA);
	dm_answer(&d, 7, 0x8180, 0);
	UT_EQ_INT(dns_parse_a(d.b, d.len, 7, "boot.test", a, 4), -ENODATA);
	/* ANCOUNT says more than there is */
	d.b[7] = 1;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 7, "boot.test", a, 4), -EBADMSG);
	/* a REFUSED without the question is still the server's answer to our id */
	memcpy(d.b, "\x00\x07\x81\x05\x00\x00\x00\x00\x00\x00\x00\x00", 12);
	UT_EQ_INT(dns_parse_a(d.b, 12, 7, "boot.test", a, 4), -ECONNREFUSED);
}

UT_TEST(net_dns_cname_chain)
{
	struct dm d;
	uint32_t a[4];
	const char *q = "www.boot.test";
	uint8_t qh[12] = { 0, 9, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0 };

	/* www.boot.test CNAME web.boot.test; web CNAME boot.test; boot.test A: in any order */
	d.len = 0;
	dm_bytes(&d, qh, sizeof(qh));
	dm_bytes(&d, "\x03www\x04" "boot\x04test\x00\x00\x01\x00\x01", 19);
	/* offsets: question name 12, "boot.test" within it at 16 */
	dm_rr(&d, "\xc0\x10", 2, 1, "\x0a\x63\x00\x01", 4);                  /* boot.test A */
	dm_rr(&d, "\x03web\xc0\x10", 6, 5, "\xc0\x10", 2);                 /* web -> boot */
	dm_rr(&d, "\xc0\x0c", 2, 5, "\x03web\xc0\x10", 6);                  /* www -> web */
	UT_EQ_INT(dns_parse_a(d.b, d.len, 9, q, a, 4), 1);
	UT_EQ_INT(a[0], IP(10, 99, 0, 1));

	/* a CNAME whose data holds more than its name */
	d.b[d.len - 7] = 7;
	d.b[d.len++] = 0;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 9, q, a, 4), -EBADMSG);

	/* a loop: www -> web -> www */
	d.len = 0;
	qh[7] = 2;
	dm_bytes(&d, qh, sizeof(qh));
	dm_bytes(&d, "\x03www\x04" "boot\x04test\x00\x00\x01\x00\x01", 19);
	dm_rr(&d, "\xc0\x0c", 2, 5, "\x03web\xc0\x10", 6);
	dm_rr(&d, "\x03web\xc0\x10", 6, 5, "\xc0\x0c", 2);
	UT_EQ_INT(dns_parse_a(d.b, d.len, 9, q, a, 4), -ELOOP);
}

/* A chain of N CNAMEs c0 -> c1 -> ... -> cN, then cN A 10.0.0.N. */
static int cname_chain(unsigned n)
{
	struct dm d;
	uint32_t a[1];
	uint8_t qh[12] = { 0, 1, 0x81, 0x80, 0, 1, 0, (uint8_t)(n + 1), 0, 0, 0, 0 };
	int r;

	d.len = 0;
	dm_bytes(&d, qh, sizeof(qh));
	dm_bytes(&d, "\x02" "c0\x00\x00\x01\x00\x01", 8);
	for (unsigned i = 0; i < n; i++) {
		uint8_t owner[4] = { 2, 'c', (uint8_t)('0' + i), 0 };
		uint8_t target[4] = { 2, 'c', (uint8_t)('0' + i + 1), 0 };

		dm_rr(&d, owner, 4, 5, target, 4);
	}
	dm_rr(&d, (const uint8_t[]){ 2, 'c', (uint8_t)('0' + n), 0 }, 4, 1, "\x0a\0\0\x07", 4);
	r = dns_parse_a(d.b, d.len, 1, "c0", a, 1);
	return r == 1 && a[0] != IP(10, 0, 0, 7) ? -1 : r;
}

UT_TEST(net_dns_cname_limit)
{
	UT_EQ_INT(cname_chain(0), 1);
	UT_EQ_INT(cname_chain(DNS_CNAME_MAX), 1);
	UT_EQ_INT(cname_chain(DNS_CNAME_MAX + 1), -ELOOP);
}

UT_TEST(net_dns_compression_attacks)
{
	struct dm d;
	uint32_t a[4];
	size_t at;

	/* an answer name pointing at itself */
	dm_answer(&d, 1, 0x8180, 1);
	at = d.len;
	dm_rr(&d, "\xc0\x00", 2, 1, "\x0a\0\0\x01", 4);
	d.b[at + 1] = (uint8_t)at;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 1, "boot.test", a, 4), -EBADMSG);
	/* forwards, past the end, into the header */
	d.b[at + 1] = (uint8_t)(at + 2);
	UT_EQ_INT(dns_parse_a(d.b, d.len, 1, "boot.test", a, 4), -EBADMSG);
	d.b[at] = 0xc3;
	d.b[at + 1] = 0xff;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 1, "boot.test", a, 4), -EBADMSG);
	d.b[at] = 0xc0;
	d.b[at + 1] = 4;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 1, "boot.test", a, 4), -EBADMSG);
	/* a label, then a pointer back to that label: a loop though it points backwards */
	dm_answer(&d, 1, 0x8180, 1);
	at = d.len;
	dm_rr(&d, "\x01x\xc0\x00", 4, 1, "\x0a\0\0\x01", 4);
	d.b[at + 3] = (uint8_t)at;
	UT_EQ_INT(dns_parse_a(d.b, d.len, 1, "boot.test", a, 4), -EBADMSG);
	/* two names pointing at each other: the second's target lies after the first's start */
	dm_answer(&d, 1, 0x8180, 2);
	at = d.len;
	dm_rr(&d, "\x01y\xc0\x00", 4, 16, "\x01z", 2);
	dm_rr(&d, "\xc0\x00", 2, 1, "\x0a\0\0\x01", 4);
	d.b[at + 3] = (uint8_t)(at + 4 + 10 + 2); /* first -> second (forwards) */
	d.b[at + 4 + 10 + 2 + 1] = (uint8_t)at;  /* second -> first */
	UT_EQ_INT(dns_parse_a(d.b, d.len, 1, "boot.test", a, 4), -EBADMSG);
	/* extended label types 0x40 and 0x80 */
	dm_answer(&d, 1, 0x8180, 1);
	dm_rr(&d, "\x41x\x00", 3, 1, "\x0a\0\0\x01", 4);
	UT_EQ_INT(dns_parse_a(d.b, d.len, 1, "boot.test", a, 4), -EBADMSG);
	/* a label running past the end */
	dm_answer(&d, 1, 0x8180, 1);
	dm_bytes(&d, "\x3f" "abc", 4);
	UT_EQ_INT(dns_parse_a(d.b, d.len, 1, "boot.test", a, 4), -EBADMSG);
	/* a chain of pointers each going back one name: longer than 255 bytes in all */
	{
		uint8_t qh[12] = { 0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0 };
		size_t prev;

		d.len = 0;
		dm_bytes(&d, qh, sizeof(qh));
		dm_bytes(&d, "\x04" "boot\x04test\x00\x00\x01\x00\x01", 15);
		prev = 12;
		for (int i = 0; i < 6; i++) {
			uint8_t lab[64 + 2];

			at = d.len;
			lab[0] = 63;
			memset(lab + 1, 'q', 63);
			lab[64] = (uint8_t)(0xc0 | prev >> 8);
			lab[65] = (uint8_t)prev;
			/* hidden in an unused record: each is a name of 63 + the previous */
			dm_bytes(&d, lab, sizeof(lab));
			prev = at;
		}
		/* the answer's owner is the last, 6 * 64 + 11 bytes long */
		dm_rr(&d, (const uint8_t[]){ (uint8_t)(0xc0 | prev >> 8), (uint8_t)prev }, 2, 1,
		      "\x0a\0\0\x01", 4);
		/* the labels sit between question and answer, so the walk meets them first */
		UT_EQ_INT(dns_parse_a(d.b, d.len, 1, "boot.test", a, 4), -EBADMSG);
	}
}

/* An A record whose owner reaches the question's name through M pointers, each pointing at
 * the one before (all backwards, so only the hop limit refuses a long chain): M + 1 hops. */
static int pointer_chain(unsigned m)
{
	struct dm d;
	uint32_t a[1];
	uint8_t chain[64];
	size_t x0;

	dm_answer(&d, 3, 0x8180, 2);
	x0 = d.len + 2 + 10; /* the rdata of a TXT record that hides the chain */
	for (unsigned i = 0; i < m; i++) {
		size_t target = i == 0 ? 12 : x0 + 2 * (i - 1);

		chain[2 * i] = (uint8_t)(0xc0 | target >> 8);
		chain[2 * i + 1] = (uint8_t)target;
	}
	dm_rr(&d, PTR_Q, 2, 16, chain, (uint16_t)(2 * m));
	dm_rr(&d, (const uint8_t[]){ (uint8_t)(0xc0 | (x0 + 2 * (m - 1)) >> 8),
				     (uint8_t)(x0 + 2 * (m - 1)) }, 2, 1, "\x0a\0\0\x09", 4);
	return dns_parse_a(d.b, d.len, 3, "boot.test", a, 1);
}

UT_TEST(net_dns_pointer_hop_limit)
{
	UT_EQ_INT(pointer_chain(1), 1);
	UT_EQ_INT(pointer_chain(DNS_PTR_HOPS_MAX - 1), 1);
	UT_EQ_INT(pointer_chain(DNS_PTR_HOPS_MAX), -EBADMSG);
	UT_EQ_INT(pointer_chain(30), -EBADMSG);
}

UT_TEST(net_dns_truncated_at_every_offset)
{
	struct dm d;
	uint32_t a[4];

	dm_answer(&d, 5, 0x8180, 2);
	dm_rr(&d, PTR_Q, 2, 5, "\x03web\xc0\x0c", 6);
	dm_rr(&d, "\x03web\xc0\x0c", 6, 1, "\x0a\x63\x00\x01", 4);
	UT_EQ_INT(dns_parse_a(d.b, d.len, 5, "boot.test", a, 4), 1);
	for (size_t len = 0; len < d.len; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		int r;

		memcpy(copy, d.b, len);
		r = dns_parse_a(copy, len, 5, "boot.test", a, 4);
		if (r != -EBADMSG)
			ut_fail(__FILE__, __LINE__, "length %zu: %d", len, r);
		free(copy);
	}
}

/* --- rtnetlink ------------------------------------------------------------------------------ */

static uint32_t ne32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint16_t ne16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

UT_TEST(net_rtnl_message_builders)
{
	uint8_t b[RTNL_MSG_MAX];
	int len;

	/* RTM_NEWADDR: nlmsghdr(16) ifaddrmsg(8) IFA_LOCAL(8) IFA_ADDRESS(8) IFA_BROADCAST(8) */
	len = rtnl_msg_addr(b, sizeof(b), 42, 0, 3, IP(10, 99, 0, 57), 24, IP(10, 99, 0, 255));
	UT_EQ_INT(len, 16 + 8 + 3 * 8);
	UT_EQ_INT(ne32(b), (uint32_t)len);
	UT_EQ_INT(ne16(b + 4), 20);                          /* RTM_NEWADDR */
	UT_EQ_INT(ne16(b + 6), 0x1 | 0x4 | 0x100 | 0x400);   /* REQUEST ACK REPLACE CREATE */
	UT_EQ_INT(ne32(b + 8), 42);
	UT_EQ_INT(b[16], 2);                                 /* AF_INET */
	UT_EQ_INT(b[17], 24);
	UT_EQ_INT(ne32(b + 20), 3);
	UT_EQ_INT(ne16(b + 24), 8);
	UT_EQ_INT(ne16(b + 26), 2);                          /* IFA_LOCAL */
	UT_CHECK(memcmp(b + 28, "\x0a\x63\x00\x39", 4) == 0);
	UT_EQ_INT(ne16(b + 34), 1);                          /* IFA_ADDRESS */
	UT_EQ_INT(ne16(b + 42), 4);                          /* IFA_BROADCAST */
	UT_CHECK(memcmp(b + 44, "\x0a\x63\x00\xff", 4) == 0);
	/* without a broadcast address (a /32) */
	UT_EQ_INT(rtnl_msg_addr(b, sizeof(b), 1, 0, 3, IP(10, 0, 0, 1), 32, 0), 16 + 8 + 16);
	/* RTM_DELADDR with no attribute: the interface's first address */
	len = rtnl_msg_addr(b, sizeof(b), 43, 1, 3, 0, 0, 0);
	UT_EQ_INT(len, 24);
	UT_EQ_INT(ne16(b + 4), 21);
	UT_EQ_INT(ne16(b + 6), 0x1 | 0x4);

	/* RTM_NEWROUTE default via 10.99.0.1: rtmsg(12) RTA_GATEWAY(8) RTA_OIF(8) */
	len = rtnl_msg_route(b, sizeof(b), 44, 3, 0, 0, IP(10, 99, 0, 1));
	UT_EQ_INT(len, 16 + 12 + 8 + 8);
	UT_EQ_INT(ne16(b + 4), 24);
	UT_EQ_INT(b[16], 2);
	UT_EQ_INT(b[17], 0);          /* dst_len */
	UT_EQ_INT(b[20], 254);        /* RT_TABLE_MAIN */
	UT_EQ_INT(b[21], 16);         /* RTPROT_DHCP */
	UT_EQ_INT(b[22], 0);          /* RT_SCOPE_UNIVERSE */
	UT_EQ_INT(b[23], 1);          /* RTN_UNICAST */
	UT_EQ_INT(ne16(b + 30), 5);   /* RTA_GATEWAY */
	UT_CHECK(memcmp(b + 32, "\x0a\x63\x00\x01", 4) == 0);
	UT_EQ_INT(ne16(b + 38), 4);   /* RTA_OIF */
	UT_EQ_INT(ne32(b + 40), 3);
	/* a link route to a router outside the subnet: RTA_DST, scope link, no gateway */
	len = rtnl_msg_route(b, sizeof(b), 45, 3, IP(10, 1, 0, 1), 32, 0);
	UT_EQ_INT(len, 16 + 12 + 8 + 8);
	UT_EQ_INT(b[17], 32);
	UT_EQ_INT(b[22], 253);
	UT_EQ_INT(ne16(b + 30), 1);   /* RTA_DST */

	/* RTM_NEWLINK with IFLA_MTU: ifinfomsg(16) + 8 */
	len = rtnl_msg_mtu(b, sizeof(b), 46, 3, 1400);
	UT_EQ_INT(len, 16 + 16 + 8);
	UT_EQ_INT(ne16(b + 4), 16);
	UT_EQ_INT(ne32(b + 20), 3);
	UT_EQ_INT(ne16(b + 34), 4);   /* IFLA_MTU */
	UT_EQ_INT(ne32(b + 36), 1400);

	UT_EQ_INT(rtnl_msg_addr(b, 30, 1, 0, 3, IP(10, 0, 0, 1), 24, 0), -EMSGSIZE);
	UT_EQ_INT(rtnl_msg_route(b, 20, 1, 3, 0, 0, 1), -EMSGSIZE);
	UT_EQ_INT(rtnl_msg_addr(b, sizeof(b), 1, 0, 0, IP(10, 0, 0, 1), 24, 0), -EINVAL);
	UT_EQ_INT(rtnl_msg_addr(b, sizeof(b), 1, 0, 3, IP(10, 0, 0, 1), 33, 0), -EINVAL);
}

/* A kernel reply: NLMSG_ERROR for SEQ with ERROR, after the echoed request header. */
static size_t nl_error(uint8_t *b, uint32_t seq, int32_t error)
{
	uint32_t len = 16 + 4 + 16;
	uint16_t type = 2;

	memset(b, 0, len);
	memcpy(b, &len, 4);
	memcpy(b + 4, &type, 2);
	memcpy(b + 8, &seq, 4);
	memcpy(b + 16, &error, 4);
	return len;
}

UT_TEST(net_rtnl_ack_parse)
{
	uint8_t b[256];
	size_t n;

	n = nl_error(b, 7, 0);
	UT_EQ_INT(rtnl_ack_parse(b, n, 7), 0);
	UT_EQ_INT(rtnl_ack_parse(b, n, 8), -EAGAIN);
	n = nl_error(b, 7, -EEXIST);
	UT_EQ_INT(rtnl_ack_parse(b, n, 7), -EEXIST);
	/* two messages in one datagram: the second is ours */
	n = nl_error(b, 6, -EPERM);
	n += nl_error(b + n, 7, -ENETUNREACH);
	UT_EQ_INT(rtnl_ack_parse(b, n, 7), -ENETUNREACH);
	/* a length beyond the datagram, a length below the header, a positive error */
	UT_EQ_INT(rtnl_ack_parse(b, n - 1, 7), -EBADMSG);
	b[0] = 8;
	b[1] = b[2] = b[3] = 0;
	UT_EQ_INT(rtnl_ack_parse(b, n, 7), -EBADMSG);
	n = nl_error(b, 7, 5);
	UT_EQ_INT(rtnl_ack_parse(b, n, 7), -EBADMSG);
	UT_EQ_INT(rtnl_ack_parse(b, 10, 7), -EAGAIN);
}

/* --- small helpers ------------------------------------------------------------------------- */

UT_TEST(net_addresses_and_uuid)
{
	uint32_t a;
	char t[16];
	uint8_t u[16];

	UT_EQ_INT(net_aton("10.99.0.1", &a), 0);
	UT_EQ_INT(a, IP(10, 99, 0, 1));
	UT_EQ_STR(net_ntoa(a, t), "10.99.0.1");
	UT_EQ_STR(net_ntoa(0xffffffffu, t), "255.255.255.255");
	UT_EQ_INT(net_aton("10.1", &a), -EINVAL);
	UT_EQ_INT(net_aton("10.0.0.256", &a), -EINVAL);
	UT_EQ_INT(net_aton("10.0.0.1 ", &a), -EINVAL);
	UT_EQ_INT(net_aton("10..0.1", &a), -EINVAL);
	UT_EQ_INT(net_aton("0010.0.0.1", &a), -EINVAL);
	UT_EQ_INT(net_aton("boot.test", &a), -EINVAL);
	UT_EQ_INT(net_prefixlen(IP(255, 255, 255, 0)), 24);
	UT_EQ_INT(net_prefixlen(0), 0);
	UT_EQ_INT(net_prefixlen(0xffffffffu), 32);
	UT_EQ_INT(net_prefixlen(IP(255, 0, 255, 0)), -EINVAL);
	UT_EQ_INT(net_uuid_parse("00112233-4455-6677-8899-aabbccddeeff\n", u), 0);
	UT_CHECK(u[0] == 0x00 && u[5] == 0x55 && u[15] == 0xff);
	UT_EQ_INT(net_uuid_parse("00112233-4455-6677-8899-aabbccddeef", u), -EINVAL);
	UT_EQ_INT(net_uuid_parse("00112233+4455-6677-8899-aabbccddeeff", u), -EINVAL);
	UT_EQ_INT(net_uuid_parse("00112233-4455-6677-8899-aabbccddeeffx", u), -EINVAL);
	UT_EQ_INT(net_uuid_parse("", u), -EINVAL);
}

/* The ifindex comes from an AF_INET ioctl, never AF_UNIX: a firmware kernel without
 * CONFIG_UNIX still configures its lease (tests/e2e/test_netboot.py on the firmware image). */
UT_TEST(net_link_index_of_loopback_and_a_missing_link)
{
	int mtu_ifindex = 0;
	uint8_t mac[6];
	unsigned mtu;

	UT_EQ_INT(net_link_index("lo"), 1);
	UT_EQ_INT(net_link_index("embark-no-such0"), -ENODEV);
	UT_EQ_INT(net_link_index("a-name-longer-than-ifnamsiz"), -ENODEV);
	/* loopback is not Ethernet: net_link_info says so after finding its index */
	UT_EQ_INT(net_link_info("lo", &mtu_ifindex, mac, &mtu), -EAFNOSUPPORT);
	UT_EQ_INT(mtu_ifindex, 1);
}
