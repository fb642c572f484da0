/* The machine's UUID for DHCP option 97 (RFC 4578 2.3: type 0 and 16 bytes). Sent in the
 * order /sys/class/dmi/id/product_uuid prints it (RFC 4122 byte order): the kernel already
 * turned SMBIOS's little-endian first three fields around, and a server administrator
 * matching on the UUID copies what the machine's label or `dmidecode` shows. */
#include "net/net.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>

#define UUID_TEXT_LEN 36

int net_uuid_parse(const char *s, uint8_t uuid[16])
{
	unsigned n = 0;

	for (unsigned i = 0; i < UUID_TEXT_LEN; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return -EINVAL;
			continue;
		}
		hi = hex_value(s[i]);
		lo = hi < 0 ? -1 : hex_value(s[i + 1]);
		if (lo < 0)
			return -EINVAL;
		uuid[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	return s[UUID_TEXT_LEN] == '\0' || s[UUID_TEXT_LEN] == '\n' ? 0 : -EINVAL;
}

int net_machine_uuid(uint8_t uuid[16])
{
	char text[64];
	ssize_t n = read_file_bounded("/sys/class/dmi/id/product_uuid", text, sizeof(text) - 1);

	if (n < 0)
		return (int)n;
	return net_uuid_parse(text, uuid);
}
