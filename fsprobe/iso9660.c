/* ISO 9660 / ECMA-119: the primary volume descriptor is sector 16 of 2048 bytes. */
#include "fsprobe/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ISO_SECTOR 2048
#define ISO_PVD_OFFSET (16 * ISO_SECTOR)
#define ISO_VD_PRIMARY 1
#define ISO_VD_VERSION 1
#define ISO_VOLUME_ID_LEN 32
#define ISO_CREATION_DIGITS 16 /* "YYYYMMDDHHMMSScc"; a 17th byte is the zone offset */

int fsp_probe_iso9660(const uint8_t *b, size_t len, struct fsprobe_result *out)
{
	const uint8_t *pvd, *d;

	if (!fsp_have(len, ISO_PVD_OFFSET, ISO_SECTOR))
		return -ENODATA;
	pvd = b + ISO_PVD_OFFSET;
	if (pvd[0] != ISO_VD_PRIMARY || memcmp(pvd + 1, "CD001", 5) != 0 ||
	    pvd[6] != ISO_VD_VERSION)
		return -ENODATA;
	fsp_set_type(out, "iso9660", "iso9660");
	fsp_set_label(out, pvd + 40, ISO_VOLUME_ID_LEN);
	/* blkid's UUID for ISO 9660 is the volume creation time, "YYYY-MM-DD-HH-MM-SS-cc". */
	d = pvd + 813;
	out->uuid[0] = '\0';
	for (int i = 0; i < ISO_CREATION_DIGITS; i++)
		if (d[i] < '0' || d[i] > '9')
			return 0;
	snprintf(out->uuid, sizeof(out->uuid), "%.4s-%.2s-%.2s-%.2s-%.2s-%.2s-%.2s", d, d + 4,
		 d + 6, d + 8, d + 10, d + 12, d + 14);
	if (strcmp(out->uuid, "0000-00-00-00-00-00-00") == 0)
		out->uuid[0] = '\0';
	return 0;
}
