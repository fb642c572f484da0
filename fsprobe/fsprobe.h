/* fsprobe — which filesystem starts at the beginning of a block device, with its UUID and
 * label, from the device's first FSPROBE_BYTES bytes. Parsers only: no I/O, no allocation;
 * every field is bounds-checked against the length given, which may be short (a truncated
 * device or image) — a probe that needs bytes past LEN just does not match. */
#ifndef EMBARK_FSPROBE_H
#define EMBARK_FSPROBE_H

#include <stddef.h>

/* The probes look no further than this: iso9660's volume descriptor ends at 34 KiB. */
#define FSPROBE_BYTES 65536

struct fsprobe_result {
	char type[16];       /* "ext4", "ext3", "ext2", "vfat", "iso9660" */
	char mount_type[16]; /* what to pass to mount(2): the ext4 driver mounts all ext* */
	char uuid[40];       /* as blkid prints it; "" when the filesystem has none */
	char label[64];      /* printable ASCII only; "" when none */
};

/* Returns 0 and fills OUT when a filesystem is recognised, -ENODATA when none is. */
int fsprobe_identify(const void *buf, size_t len, struct fsprobe_result *out);

#endif
