/* DHCP over arbitrary bytes: the BOOTP parser and the option lookup on the whole input, the
 * frame unwrapper on it as an Ethernet frame (with and without the partial-checksum flag),
 * and the parser again on whatever the unwrapper found. What a success promises is checked:
 * strings terminated, counts within their arrays, the BOOTP message inside the frame. */
#include "net/net.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_msg(const struct dhcp_msg *m)
{
	const char *strs[] = { m->sname, m->file, m->hostname, m->domain, m->vendor_class,
			       m->tftp_server, m->bootfile, m->pxeconffile, m->pathprefix };

	if (m->n_routers > DHCP_ROUTERS_MAX || m->n_dns > NET_DNS_MAX || m->overload > 3 ||
	    m->hlen > 16)
		__builtin_trap();
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		if (strlen(strs[i]) >= NET_STR_MAX)
			__builtin_trap();
	if (m->sname[0] && (m->overload & 2))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcp_msg m;
	static struct net_lease lease;
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	uint8_t val[DHCP_OPTION_CONCAT_MAX];
	const void *bootp;
	size_t blen;
	int r, ok;

	ok = dhcp_parse(data, size, &m) == 0;
	if (ok) {
		check_msg(&m);
		if (dhcp_lease_from_ack(&m, "eth0", mac, &lease) == 0 &&
		    (net_prefixlen(lease.netmask) < 0 || lease.n_dns > NET_DNS_MAX))
			__builtin_trap();
	}
	r = dhcp_option_find(data, size, size ? data[0] | 1 : 1, val, sizeof(val));
	/* a message the parser takes is one whose options the lookup can walk */
	if (ok && r == -EBADMSG)
		__builtin_trap();
	if (r > (int)sizeof(val))
		__builtin_trap();
	for (unsigned flags = 0; flags <= DHCP_UNWRAP_CSUM_PARTIAL; flags++) {
		if (dhcp_unwrap(data, size, flags, &bootp, &blen, NULL) != 0)
			continue;
		if ((const uint8_t *)bootp < data || blen > size ||
		    (const uint8_t *)bootp + blen > data + size)
			__builtin_trap();
		if (dhcp_parse(bootp, blen, &m) == 0)
			check_msg(&m);
	}
	return 0;
}
