/* IPv4 addresses as text and netmasks as prefix lengths. Addresses are host byte order
 * uint32_t everywhere in net/ (see net.h). */
#include "net/net.h"

#include <errno.h>
#include <stdio.h>

char *net_ntoa(uint32_t addr, char *dst)
{
	snprintf(dst, 16, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff, (addr >> 8) & 0xff,
		 addr & 0xff);
	return dst;
}

/* Strict on purpose: inet_aton takes "10.1" and octal "010.0.0.1", which a boot
 * configuration almost never means. */
int net_aton(const char *s, uint32_t *addr)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, digits = 0;

		for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
			v = v * 10 + (unsigned)(*s - '0');
		if (digits == 0 || digits > 3 || v > 255)
			return -EINVAL;
		a = a << 8 | v;
		if (part < 3 && *s++ != '.')
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	*addr = a;
	return 0;
}

int net_prefixlen(uint32_t netmask)
{
	uint32_t inv = ~netmask;

	/* contiguous: the inverted mask is 2^k - 1 */
	if (inv & (inv + 1))
		return -EINVAL;
	return __builtin_popcount(netmask);
}
