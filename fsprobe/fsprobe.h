/* fsprobe — which filesystem starts at the beginning of a block device, with its UUID and
 * label, and which partitions a disk's partition table (MBR or GPT) lists, from the device's
 * first FSPROBE_BYTES bytes. Parsers only: no I/O, no allocation; every field is
 * bounds-checked against the length given, which may be short (a truncated device or image) —
 * a probe that needs bytes past LEN just does not match. */
#ifndef EMBARK_FSPROBE_H
#define EMBARK_FSPROBE_H

#include <stddef.h>
#include <stdint.h>

/* The probes look no further than this: btrfs's superblock is the 4 KiB at 64 KiB, the
 * furthest in of any (iso9660's volume descriptor ends at 34 KiB, xfs's superblock sector at
 * 32 KiB at most). A GPT with 128 entries ends at 16 KiB + 2 sectors, within it too. */
#define FSPROBE_BYTES (64 * 1024 + 4 * 1024)

struct fsprobe_result {
	char type[16];       /* "ext4", "ext3", "ext2", "xfs", "vfat", "iso9660", "btrfs" */
	char mount_type[16]; /* what to pass to mount(2): the ext4 driver mounts all ext* */
	char uuid[40];       /* as blkid prints it; "" when the filesystem has none */
	char label[64];      /* printable ASCII only; "" when none */
	/* 1 when the on-disk label did not survive as is: longer than LABEL holds, or with bytes
	 * outside printable ASCII (shown as '_'). A LABEL= spec never matches such a label. */
	unsigned char label_inexact;
};

/* Returns 0 and fills OUT when a filesystem is recognised, -ENODATA when none is. */
int fsprobe_identify(const void *buf, size_t len, struct fsprobe_result *out);

/* --- partition tables --------------------------------------------------------------------- */

/* GPT entry arrays longer than this are refused: the UEFI spec reserves room for 128, tools
 * make 128, and the kernel maps at most 256 partitions of a disk anyway. */
#define FSPROBE_GPT_ENTRIES_MAX 1024
/* Largest GPT entry size accepted (the spec allows 128 × 2^n; every tool writes 128). */
#define FSPROBE_GPT_ENTRY_SIZE_MAX 4096
/* Extended boot records followed in one MBR chain before giving up (a loop, or garbage). */
#define FSPROBE_EBR_MAX 128

struct fsprobe_part {
	unsigned number;    /* as the kernel numbers it: sda<number>; 5 and up are MBR logical */
	char partuuid[40];  /* GPT: the unique partition GUID, lowercase; MBR: "xxxxxxxx-NN",
			     * disk signature and number in hex, as the kernel and blkid print */
	char partlabel[72]; /* GPT partition name as UTF-8 (control characters shown as '_'; cut
			     * at a whole character if longer); "" for MBR */
	char type[40];      /* GPT: partition type GUID, lowercase; MBR: "0x83" (blkid's form) */
	uint64_t first_lba, last_lba; /* inclusive, in units of the sector size given */
};

/* The partitions of the disk whose first LEN bytes are BUF, with logical sector size
 * SECTOR_SIZE (512, 1024, 2048 or 4096). A protective or hybrid MBR (any entry of type 0xEE)
 * means GPT: its header at LBA 1 and the entry array must lie within LEN and pass their
 * CRC32s; only the primary GPT is read (a broken primary is refused, the backup at the end of
 * the disk is not looked for). Otherwise the MBR's primary entries are listed, extended
 * partitions included as entries; their logical partitions need fsprobe_ebr_start/next.
 * Stores up to MAX entries in OUT, in table order. Returns how many partitions the table has
 * (0: a table with none), or
 *   -ENODATA  no partition table in BUF (no 55 AA signature, or a boot sector that is not an
 *             MBR: the kernel's own test, a boot indicator other than 0x00 or 0x80);
 *   -EINVAL   a broken table: bad GPT signature, CRC, header size, entry size or count, an
 *             entry array overlapping the header; or SECTOR_SIZE unsupported;
 *   -ERANGE   a GPT whose header or entry array lies partly past LEN: read more and retry;
 *   -ENOSPC   more partitions than MAX.
 * On every error OUT[0..MAX) is zeroed. */
int fsprobe_partitions(const void *buf, size_t len, unsigned sector_size, struct fsprobe_part *out,
		       size_t max);

/* MBR logical partitions live in a chain of extended boot records (EBRs), sectors anywhere
 * inside the extended partition, so they cannot all be in the first bytes of the disk. The
 * caller walks the chain, reading one sector at a time:
 *
 *	struct fsprobe_ebr_walk w;
 *	if (fsprobe_ebr_start(first_bytes, n, &w) == 1)
 *		while (w.next_lba) {
 *			read sector_size bytes at w.next_lba * sector_size into sec;
 *			k = fsprobe_ebr_next(sec, got, &w, parts, max);   // k < 0: stop
 *		}
 */
struct fsprobe_ebr_walk {
	uint32_t disk_signature; /* from the MBR, for the logical partitions' PARTUUIDs */
	uint64_t extended_lba;   /* the extended partition's first sector: links count from it */
	uint64_t extended_last;  /* its last sector */
	uint64_t next_lba;       /* the EBR to read next; 0 when the chain has ended */
	unsigned next_number;    /* what the next logical partition is numbered: 5, 6, ... */
	unsigned visited;        /* EBRs parsed so far, at most FSPROBE_EBR_MAX */
};

/* From the disk's first bytes: 1 with W ready when its MBR has an extended partition, 0 when
 * it has none, -ENODATA when BUF holds no MBR (or a GPT's protective MBR: GPT has no EBRs). */
int fsprobe_ebr_start(const void *buf, size_t len, struct fsprobe_ebr_walk *w);
/* SECTOR holds the LEN (≥ 512) bytes read at W->next_lba. Stores the logical partitions this
 * EBR defines (one in practice) in OUT, at most MAX, and moves W to the next EBR. Returns how
 * many it stored, 0 once the chain has ended, -EINVAL for a sector that is no EBR, a link
 * outside the extended partition or past FSPROBE_EBR_MAX EBRs, -ENOSPC when MAX is too small;
 * after an error W->next_lba is 0. */
int fsprobe_ebr_next(const void *sector, size_t len, struct fsprobe_ebr_walk *w,
		     struct fsprobe_part *out, size_t max);

/* --- naming ------------------------------------------------------------------------------ */

/* Whether SPEC — "UUID=…", "LABEL=…", "PARTUUID=…" or "PARTLABEL=…", the value optionally in
 * double quotes as in fstab — names the filesystem FS (NULL when none was recognised) on the
 * partition PART (NULL when the device is no partition, or its table is unknown). UUIDs
 * compare case-insensitively, as the kernel and udev do; labels exactly. An empty value never
 * matches. Returns 1 or 0; -EINVAL for a SPEC of any other form. */
int fsprobe_match(const struct fsprobe_result *fs, const struct fsprobe_part *part,
		  const char *spec);

#endif
