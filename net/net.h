/* net — the network for network boot, in process: links, a DHCPv4 client, addresses and
 * routes over rtnetlink, and a DNS resolver for A records. No external dhcp or ip programs.
 *
 * Conventions:
 * - Every IPv4 address in this interface is a uint32_t in HOST byte order: 10.99.0.1 is
 *   0x0a630001 (as syslinux_pxe_candidates takes it). Only the wire code converts.
 * - Functions return 0 or a count, or -errno. Nothing here prints: net_dhcp fills an ERR
 *   buffer with the one line a person should read (naming the interface, the server, the
 *   rule broken and what to do) and reports progress through an optional callback; for
 *   net_configure and net_resolve the -errno with the lease or the server list is enough
 *   for the caller to say that (cli/cmd_dhcp.c shows how).
 * - The parsers (dhcp_parse, dhcp_option_find, dhcp_unwrap, dns_parse_a, rtnl_ack_parse) take
 *   (buf, len), check the header first, never read past LEN, and allocate nothing. */
#ifndef EMBARK_NET_H
#define EMBARK_NET_H

#include <stddef.h>
#include <stdint.h>

#define NET_IFNAME_MAX 16    /* IFNAMSIZ, with the NUL */
#define NET_DNS_MAX 3        /* name servers kept from a lease (more are ignored) */
#define NET_STR_MAX 256      /* a DHCP string option: 255 bytes and the NUL */
#define NET_ERR_MAX 256      /* a good size for the ERR buffers below */

/* --- links ------------------------------------------------------------------------------ */

#define NET_ARPHRD_ETHER 1   /* /sys/class/net/IF/type of Ethernet (and Wi-Fi) devices */

struct net_link {
	char name[NET_IFNAME_MAX];
	int ifindex;
	unsigned type;       /* ARPHRD_* from /sys/class/net/IF/type; DHCP needs NET_ARPHRD_ETHER */
	uint8_t mac[6];      /* zero when the link has no 6-byte address */
	int carrier;         /* 1 up, 0 no carrier, -1 unknown (the link is down) */
	int up;              /* IFF_UP is set */
	unsigned mtu;
};

/* The non-loopback interfaces under /sys/class/net, in ifindex order (the order the kernel
 * found them). Stores at most MAX in OUT; returns the number stored or -errno. */
int net_links_list(struct net_link *out, unsigned max);
/* Sets IFF_UP on IFNAME (SIOCSIFFLAGS). 0 or -errno (-ENODEV: no such interface). */
int net_link_up(const char *ifname);
/* Waits until IFNAME is up with a carrier (IFF_RUNNING: operstate up), at most TIMEOUT_MS.
 * 0, -ETIMEDOUT, or -errno. */
int net_link_wait_carrier(const char *ifname, unsigned timeout_ms);
/* The ifindex of IFNAME, or -errno (-ENODEV: no such interface). An ioctl on an AF_INET
 * socket: musl's if_nametoindex() needs AF_UNIX, which a firmware kernel may not have. */
int net_link_index(const char *ifname);
/* ifindex, MAC and MTU of IFNAME by ioctl (works without /sys). -EAFNOSUPPORT when the link
 * is not Ethernet. */
int net_link_info(const char *ifname, int *ifindex, uint8_t mac[6], unsigned *mtu);

/* --- DHCPv4 messages ---------------------------------------------------------------------- */

/* Message types (option 53). */
enum {
	DHCP_DISCOVER = 1, DHCP_OFFER = 2, DHCP_REQUEST = 3, DHCP_DECLINE = 4,
	DHCP_ACK = 5, DHCP_NAK = 6, DHCP_RELEASE = 7, DHCP_INFORM = 8,
};

#define BOOTP_FIXED_LEN 236             /* op .. file, before the magic cookie */
#define DHCP_OPTIONS_OFFSET 240         /* after the cookie 99.130.83.99 */
#define DHCP_OPTION_CONCAT_MAX 1024     /* one option after RFC 3396 concatenation */
#define DHCP_ROUTERS_MAX 4              /* option 3 entries kept */

/* A parsed BOOTP/DHCP message. String options are cut at their first NUL (some servers
 * terminate them); "" when absent. Addresses are 0 when absent. */
struct dhcp_msg {
	uint8_t op, htype, hlen;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	char sname[65];                 /* the fixed fields; "" when overloaded with options */
	char file[129];
	uint8_t overload;               /* option 52: 1 file, 2 sname, 3 both hold options */
	uint8_t type;                   /* option 53; 0 for plain BOOTP */
	uint8_t seen[32];               /* bit N: option N is present */
	uint32_t netmask, broadcast, server_id;     /* options 1, 28, 54 */
	uint32_t lease_s;                           /* option 51; 0xffffffff: infinite */
	uint16_t mtu;                               /* option 26 */
	uint32_t routers[DHCP_ROUTERS_MAX];         /* option 3 */
	unsigned n_routers;
	uint32_t dns[NET_DNS_MAX];                  /* option 6 */
	unsigned n_dns;
	char hostname[NET_STR_MAX];                 /* 12 */
	char domain[NET_STR_MAX];                   /* 15 */
	char vendor_class[NET_STR_MAX];             /* 60 */
	char tftp_server[NET_STR_MAX];              /* 66 */
	char bootfile[NET_STR_MAX];                 /* 67 */
	char pxeconffile[NET_STR_MAX];              /* 209 (RFC 5071) */
	char pathprefix[NET_STR_MAX];               /* 210 (RFC 5071) */
};

static inline int dhcp_msg_has(const struct dhcp_msg *m, uint8_t code)
{
	return (m->seen[code / 8] >> (code % 8)) & 1;
}

/* Parses the BOOTP message BUF (no IP or UDP header). Checks the fixed header and the magic
 * cookie, every option length against the area holding it, the END option closing the
 * options field (optional at the end of an overloaded file or sname field, which are full
 * length), option 52 (in the options field only) and the RFC 3396 concatenation of split
 * options in the order options, file, sname. Returns 0, or
 *   -EBADMSG    shorter than 240 bytes, no cookie, an option running past its area, no END,
 *               hlen > 16, a bad option 52, or an option of the wrong length (1, 26, 28, 51,
 *               53, 54 fixed; 3 and 6 a multiple of 4);
 *   -EOVERFLOW  a string option longer than NET_STR_MAX - 1 bytes, or any option of interest
 *               longer than DHCP_OPTION_CONCAT_MAX after concatenation. */
int dhcp_parse(const void *buf, size_t len, struct dhcp_msg *out);

/* The value of option CODE (1..254) in the BOOTP message BUF, all its instances concatenated
 * (RFC 3396), copied to VAL. Returns its length, -ENOENT when absent, -EOVERFLOW when longer
 * than CAP, or dhcp_parse's -EBADMSG for a broken message. */
int dhcp_option_find(const void *buf, size_t len, uint8_t code, void *val, size_t cap);

/* What the client says about itself. The defaults (dhcp_config_init) are documented there. */
struct dhcp_config {
	char ifname[NET_IFNAME_MAX];
	unsigned timeout_ms;      /* the whole exchange, all retransmissions included */
	uint16_t arch;            /* option 93 (RFC 4578 / IANA processor architecture type) */
	uint8_t undi_major, undi_minor;   /* option 94 and the class string of option 60 */
	const char *hostname;     /* option 12, or NULL */
	uint8_t uuid[16];         /* option 97 (type 0 + 16 bytes) when have_uuid */
	int have_uuid;
	uint16_t max_msg;         /* option 57, IP and UDP headers counted; 0: 1500. net_dhcp
				   * lowers it to the link's MTU */
	/* Called with one line for each step (sent, received, ignored); may be NULL. */
	void (*progress)(void *arg, const char *line);
	void *progress_arg;
};

/* Architecture types a caller may put in dhcp_config.arch (IANA registry, RFC 4578 with its
 * erratum 4624: 7 is x64 UEFI in practice). */
#define DHCP_ARCH_X86_BIOS 0x0000
#define DHCP_ARCH_X64_UEFI 0x0007
#define DHCP_ARCH_X64_UEFI_HTTP 0x0010

/* Defaults: timeout 30 s; arch DHCP_ARCH_X86_BIOS with UNDI 2.1, so the class is
 * "PXEClient:Arch:00000:UNDI:002001". Why BIOS: embark runs no network boot program, it
 * reads the configuration a PXE server gives BIOS clients (pxelinux.0 plus pxelinux.cfg/,
 * with options 209 and 210) and fetches the kernel named there itself; an EFI answer names
 * grubx64.efi or shim, whose configuration cannot be found from the DHCP answer alone. A
 * site that only serves EFI clients sets arch 7 and UNDI 3.16 (what EFI firmware sends). */
void dhcp_config_init(struct dhcp_config *cfg, const char *ifname);

#define DHCP_MSG_MAX 576          /* largest message built: RFC 2131's minimum for everyone */
#define DHCP_MAX_MSG_DEFAULT 1500 /* option 57 by default: an Ethernet frame's payload */

/* Builds a DISCOVER or REQUEST into BUF: op 1, Ethernet chaddr MAC, broadcast flag, XID,
 * SECS, and options 53, 57 (MAX_MSG), 61 (1 + MAC), 55 (1 3 6 12 15 26 28 51 54 66 67 209
 * 210), 60, 93, 94, 97 (when known), 12 (when set), and for a REQUEST 50 (REQUESTED) and 54
 * (SERVER_ID), padded to the BOOTP minimum of 300 bytes. Returns the length or -EINVAL. */
int dhcp_build(void *buf, size_t cap, const struct dhcp_config *cfg, const uint8_t mac[6],
	       uint8_t type, uint32_t xid, uint16_t secs, uint32_t requested, uint32_t server_id);

/* --- frames ------------------------------------------------------------------------------- */

#define DHCP_FRAME_OVERHEAD (14 + 20 + 8)   /* Ethernet, IPv4 without options, UDP */

/* The Internet checksum of LEN bytes added to SUM (folded, not inverted). */
uint16_t net_csum_add(const void *buf, size_t len, uint32_t sum);

/* Wraps BOOTP in an Ethernet broadcast frame from SRC_MAC, IPv4 0.0.0.0 -> 255.255.255.255
 * (TTL 64, header checksum) and UDP 68 -> 67 (checksum). Returns the frame length or
 * -EMSGSIZE. */
int dhcp_wrap(void *frame, size_t cap, const uint8_t src_mac[6], const void *bootp,
	      size_t bootp_len);

/* The packet socket says the UDP checksum is not computed yet (TP_STATUS_CSUMNOTREADY: the
 * sender's checksum offload on the same host, as over a veth pair): do not check it. */
#define DHCP_UNWRAP_CSUM_PARTIAL 1u

/* Finds the BOOTP message in an Ethernet frame: EtherType IPv4, version 4, IHL >= 5 and
 * within the frame, total length within the frame (Ethernet padding after it is allowed),
 * the header checksum, no fragment, protocol UDP from port 67 to port 68, UDP length equal to
 * the IP payload and the UDP checksum when it is not 0. Returns 0 with *BOOTP pointing into
 * FRAME, or -ENOMSG (not an IPv4 UDP datagram to the DHCP client port: someone else's),
 * -EMSGSIZE (a fragment: DHCP answers fit one frame and embark reassembles nothing) or
 * -EBADMSG (malformed or a wrong checksum). SRC_IP may be NULL. */
int dhcp_unwrap(const void *frame, size_t len, unsigned flags, const void **bootp,
		size_t *bootp_len, uint32_t *src_ip);

/* --- the DHCP client ---------------------------------------------------------------------- */

struct net_lease {
	char ifname[NET_IFNAME_MAX];
	uint8_t mac[6];
	uint32_t addr, netmask, router;       /* router 0: none offered */
	uint32_t dns[NET_DNS_MAX];
	unsigned n_dns;
	char hostname[NET_STR_MAX], domain[NET_STR_MAX];
	unsigned mtu;                          /* 0: not given */
	uint32_t lease_s;
	uint32_t server_id;
	uint32_t siaddr;                       /* next-server: where TFTP goes by default */
	char tftp_server[NET_STR_MAX];         /* option 66, else the sname field */
	char bootfile[NET_STR_MAX];            /* option 67, else the file field */
	char pxeconffile[NET_STR_MAX];         /* option 209 */
	char pathprefix[NET_STR_MAX];          /* option 210 */
};

#define DHCP_BACKOFF_FIRST_S 4     /* RFC 2131 4.1: 4 s, doubled each time ... */
#define DHCP_BACKOFF_MAX_S 64      /* ... up to 64 s, each randomised by +-1 s */
#define DHCP_REQUEST_TRIES_MAX 4   /* REQUESTs sent for one offer before starting again */
#define DHCP_RESTARTS_MAX 8        /* NAKs, unanswered REQUESTs and unusable ACKs before
				    * giving up */

/* Fills a lease from an ACK (yiaddr, options; the netmask defaults to the address's class).
 * -EINVAL when the ACK cannot configure anything: no address, a broadcast, multicast or
 * loopback one, or a netmask that is not contiguous. */
int dhcp_lease_from_ack(const struct dhcp_msg *ack, const char *ifname, const uint8_t mac[6],
			struct net_lease *out);

/* A real exchange on CFG->ifname (which must be up): DISCOVER, OFFER, REQUEST, ACK, with a
 * NAK starting again with a new xid, over an AF_PACKET socket (needs CAP_NET_RAW; the
 * interface needs no address). The first OFFER with an address wins. Returns 0 with the
 * lease, or -errno with ERR saying why (-ETIMEDOUT: no lease within cfg->timeout_ms).
 * Configures nothing. Not done: the ARP probe of the offered address (RFC 2131 4.4.1's
 * SHOULD, and DHCPDECLINE), proxyDHCP offers (no yiaddr; ignored), renewing the lease (a
 * boot loader hands over to the next kernel long before T1), and DHCPRELEASE. */
int net_dhcp(const struct dhcp_config *cfg, struct net_lease *out, char *err, size_t errlen);

/* --- addresses and routes (rtnetlink) ------------------------------------------------------ */

/* Sets the lease's MTU (when given: 576 or more), its address with prefix and broadcast,
 * and a default route via its router (with a link route to the router first when it lies
 * outside the subnet). Every request is acknowledged; returns 0 or the first -errno:
 * -ENODEV (no such interface), -EINVAL (a bad netmask), or what the kernel refused with
 * (-EPERM without CAP_NET_ADMIN, -ENETUNREACH for a router it cannot reach). */
int net_configure(const struct net_lease *l);
/* Removes every IPv4 address of IFNAME (the kernel then drops the routes through it), so the
 * next interface can be tried. 0 or -errno. */
int net_deconfigure(const char *ifname);
#define NET_FLUSH_MAX 64           /* addresses removed from one interface at most */

/* Message builders, exposed for the tests. Each writes one complete request (nlmsghdr,
 * payload, attributes) with NLM_F_REQUEST | NLM_F_ACK and returns its length or -EMSGSIZE.
 * rtnl_msg_addr: RTM_NEWADDR (create/replace) with IFA_LOCAL, IFA_ADDRESS = ADDR and
 * IFA_BROADCAST when BRD is not 0, or with DEL an RTM_DELADDR with no attribute (the kernel
 * then removes the first address of the interface). rtnl_msg_route: RTM_NEWROUTE in the main
 * table, protocol DHCP, to DST/DST_LEN via GW (0: none, a link route) out of IFINDEX.
 * rtnl_msg_mtu: RTM_NEWLINK with IFLA_MTU. */
#define RTNL_MSG_MAX 128
int rtnl_msg_addr(void *buf, size_t cap, uint32_t seq, int del, int ifindex, uint32_t addr,
		  unsigned prefixlen, uint32_t brd);
int rtnl_msg_route(void *buf, size_t cap, uint32_t seq, int ifindex, uint32_t dst,
		   unsigned dst_len, uint32_t gw);
int rtnl_msg_mtu(void *buf, size_t cap, uint32_t seq, int ifindex, unsigned mtu);
/* Looks through a netlink reply for the acknowledgement of SEQ: 0 (success), the -errno the
 * kernel put in nlmsgerr, -EAGAIN (not in this buffer) or -EBADMSG (a malformed message). */
int rtnl_ack_parse(const void *buf, size_t len, uint32_t seq);

/* The prefix length of a contiguous NETMASK, or -EINVAL. */
int net_prefixlen(uint32_t netmask);

/* --- DNS ---------------------------------------------------------------------------------- */

#define DNS_NAME_MAX 255          /* wire length of a name (RFC 1035 2.3.4) */
#define DNS_PTR_HOPS_MAX 16       /* compression pointers followed in one name */
#define DNS_CNAME_MAX 8           /* CNAMEs followed in one answer */
#define DNS_MSG_MAX 512           /* UDP without EDNS0 */
#define NET_RESOLVE_ADDRS_MAX 8

/* A query for the A record of QNAME (dotted, an optional final dot; labels of 1..63 bytes).
 * Returns its length or -EINVAL (a bad name) or -EMSGSIZE. */
int dns_build_query(void *buf, size_t cap, uint16_t id, const char *qname);

/* Reads the answer to dns_build_query(ID, QNAME): the header (ID, QR, opcode 0, RCODE, TC),
 * exactly one question equal to QNAME type A class IN, then the answer records: CNAMEs from
 * QNAME followed within this response (at most DNS_CNAME_MAX), and the A records of the
 * final name stored in ADDRS (at most MAX). Names may use compression pointers: each must
 * point backwards, before the label that holds it, at most DNS_PTR_HOPS_MAX of them.
 * Returns the number of addresses (>= 1), or
 *   -ENOMSG   not the answer to this query (ID, QR, opcode or the question differ);
 *   -ENOENT   NXDOMAIN;           -ENODATA  the name exists but has no A record;
 *   -EAGAIN   SERVFAIL (ask another server);  -ECONNREFUSED  REFUSED;
 *   -EMSGSIZE truncated (TC; embark has no DNS over TCP);
 *   -EPROTO   another error RCODE (FORMERR, NOTIMP, ...);
 *   -ELOOP    more CNAMEs than DNS_CNAME_MAX;  -EBADMSG  anything malformed. */
int dns_parse_a(const void *buf, size_t len, uint16_t id, const char *qname, uint32_t *addrs,
		unsigned max);

/* The address of HOST (the first A record): a dotted quad is converted without a query;
 * otherwise UDP A queries (random id, random source port) to SERVERS[0..N) on port 53 in
 * turn, waiting 1 s for each in the first round, doubling each round up to 4 s, until one
 * answers or TIMEOUT_MS is up. An answer
 * that is not for the query is ignored; SERVFAIL, REFUSED and a truncated answer move on to
 * the next server; NXDOMAIN and "no A record" end the search. Returns 0, -EINVAL (a bad
 * name, or no server), -ETIMEDOUT (no server answered), or dns_parse_a's -errno (of the last
 * server asked). */
#define DNS_TRIES_MAX 8            /* queries sent for one name at most */
int net_resolve(const char *host, const uint32_t *servers, unsigned n, unsigned timeout_ms,
		uint32_t *addr);

/* --- small helpers ------------------------------------------------------------------------ */

/* Fills BUF with random bytes (getrandom, not blocking; a clock-based mix before the kernel's
 * pool is ready: xids and DNS ids need only be unpredictable to other hosts). */
void net_random(void *buf, size_t len);
/* "10.99.0.1" for 0x0a630001, in DST (at least 16 bytes). Returns DST. */
char *net_ntoa(uint32_t addr, char *dst);
/* Strict dotted quad (four decimal parts 0..255) to an address: 0 or -EINVAL. */
int net_aton(const char *s, uint32_t *addr);
/* The machine's SMBIOS UUID from /sys/class/dmi/id/product_uuid, in the order it prints:
 * 0 or -errno (-ENOENT without DMI, as in most VMs without SMBIOS). */
int net_machine_uuid(uint8_t uuid[16]);
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex, either case) to 16 bytes: 0 or -EINVAL. */
int net_uuid_parse(const char *s, uint8_t uuid[16]);

#endif
