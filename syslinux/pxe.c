/* The configuration file names PXELINUX asks its TFTP server for (doc/pxelinux.txt):
 * the hardware type and address, the IP address in hex losing one digit at a time, and
 * "default". Network boot fetches them in this order; the first that exists is used. */
#include "syslinux/syslinux.h"

#include <stdio.h>

int syslinux_pxe_candidates(const uint8_t mac[6], uint32_t ipv4,
			    char out[][SYSLINUX_PXE_NAME_MAX], size_t max)
{
	size_t n = 0;

	if (!out)
		return 0;
	/* ARP hardware type 1 (Ethernet), then the address in lower case */
	if (mac && n < max)
		snprintf(out[n++], SYSLINUX_PXE_NAME_MAX, "01-%02x-%02x-%02x-%02x-%02x-%02x", mac[0],
			 mac[1], mac[2], mac[3], mac[4], mac[5]);
	if (ipv4) {
		char hex[9];

		snprintf(hex, sizeof(hex), "%08X", (unsigned)ipv4);
		for (int digits = 8; digits >= 1 && n < max; digits--)
			snprintf(out[n++], SYSLINUX_PXE_NAME_MAX, "%.*s", digits, hex);
	}
	if (n < max)
		snprintf(out[n++], SYSLINUX_PXE_NAME_MAX, "default");
	return (int)n;
}
