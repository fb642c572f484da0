/* On-disk bytes to the strings blkid prints: UUIDs, GUIDs and labels. */
#include "fsprobe/internal.h"

#include <stdio.h>
#include <string.h>

void fsp_uuid_text(char *dst, size_t cap, const uint8_t *u)
{
	snprintf(dst, cap,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1],
		 u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14],
		 u[15]);
}

void fsp_guid_text(char *dst, size_t cap, const uint8_t *g)
{
	/* EFI_GUID is { UINT32 Data1; UINT16 Data2; UINT16 Data3; UINT8 Data4[8]; } stored
	 * little-endian, so its text form reverses the first three fields' bytes. */
	snprintf(dst, cap, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", fsp_le32(g),
		 fsp_le16(g + 4), fsp_le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14],
		 g[15]);
}

/* Labels end up on a serial console and in log lines, so only printable ASCII is kept; the
 * field stops at its first NUL and loses trailing blanks (FAT and ISO 9660 pad with spaces,
 * and blkid trims them too). */
void fsp_set_label(struct fsprobe_result *out, const uint8_t *src, size_t n)
{
	size_t k = 0, cap = sizeof(out->label);

	out->label_inexact = 0;
	for (size_t i = 0; i < n && src[i]; i++) {
		if (k + 1 >= cap) {
			out->label_inexact = 1;
			break;
		}
		if (src[i] >= 0x20 && src[i] < 0x7f) {
			out->label[k++] = (char)src[i];
		} else {
			out->label[k++] = '_';
			out->label_inexact = 1;
		}
	}
	while (k > 0 && out->label[k - 1] == ' ')
		k--;
	out->label[k] = '\0';
}

void fsp_set_type(struct fsprobe_result *out, const char *type, const char *mount_type)
{
	snprintf(out->type, sizeof(out->type), "%s", type);
	snprintf(out->mount_type, sizeof(out->mount_type), "%s", mount_type);
}
