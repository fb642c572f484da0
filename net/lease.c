/* From an ACK to the lease embark uses: the address and what the network boot needs next.
 * Where two places may name the boot server or file, the option wins over the fixed field,
 * as iPXE and PXELINUX do: RFC 2132 9.4/9.5 define options 66 and 67 as the substitutes
 * for sname and file, and a server that sets an option means it. */
#include "net/net.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>

/* RFC 1122 3.3.1.2 leaves it to the class when no mask is given (old BOOTP servers) */
static uint32_t class_mask(uint32_t a)
{
	if ((a >> 31) == 0)
		return 0xff000000u;
	if ((a >> 30) == 2)
		return 0xffff0000u;
	return 0xffffff00u;
}

static int usable_unicast(uint32_t a)
{
	uint8_t first = (uint8_t)(a >> 24);

	return a != 0 && a != 0xffffffffu && first != 127 && first < 224 && first != 0;
}

int dhcp_lease_from_ack(const struct dhcp_msg *ack, const char *ifname, const uint8_t mac[6],
			struct net_lease *out)
{
	uint32_t mask;

	memset(out, 0, sizeof(*out));
	if (!usable_unicast(ack->yiaddr))
		return -EINVAL;
	mask = dhcp_msg_has(ack, 1) ? ack->netmask : class_mask(ack->yiaddr);
	if (net_prefixlen(mask) < 0 || mask == 0)
		return -EINVAL;
	/* Not the subnet's network or broadcast address; /31 (RFC 3021) and /32 (clouds that
	 * route everything through a router outside the subnet) have neither. */
	if (mask < 0xfffffffeu &&
	    ((ack->yiaddr & ~mask) == 0 || (ack->yiaddr | mask) == 0xffffffffu))
		return -EINVAL;
	str_copy(out->ifname, sizeof(out->ifname), ifname);
	memcpy(out->mac, mac, 6);
	out->addr = ack->yiaddr;
	out->netmask = mask;
	for (unsigned i = 0; i < ack->n_routers && !out->router; i++)
		if (usable_unicast(ack->routers[i]))
			out->router = ack->routers[i];
	for (unsigned i = 0; i < ack->n_dns; i++)
		if (usable_unicast(ack->dns[i]))
			out->dns[out->n_dns++] = ack->dns[i];
	memcpy(out->hostname, ack->hostname, sizeof(out->hostname));
	memcpy(out->domain, ack->domain, sizeof(out->domain));
	/* RFC 791: every host takes 576-byte datagrams; below that the option is wrong */
	out->mtu = ack->mtu >= 576 ? ack->mtu : 0;
	out->lease_s = ack->lease_s;
	out->server_id = ack->server_id;
	out->siaddr = ack->siaddr;
	memcpy(out->tftp_server, ack->tftp_server[0] ? ack->tftp_server : ack->sname,
	       ack->tftp_server[0] ? sizeof(out->tftp_server) : sizeof(ack->sname));
	memcpy(out->bootfile, ack->bootfile[0] ? ack->bootfile : ack->file,
	       ack->bootfile[0] ? sizeof(out->bootfile) : sizeof(ack->file));
	memcpy(out->pxeconffile, ack->pxeconffile, sizeof(out->pxeconffile));
	memcpy(out->pathprefix, ack->pathprefix, sizeof(out->pathprefix));
	return 0;
}
