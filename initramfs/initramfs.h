/* initramfs — reproducible newc cpio archives for the kernel's initramfs.
 *
 * Three pieces, each usable alone:
 *   spec   parses the kernel's usr/gen_init_cpio list format into a sorted, checked list of
 *          entries. Pure: no file I/O, so it can be fuzzed and tested on bytes alone.
 *   write  streams a parsed spec as a newc archive; the only part that reads source files.
 *   walk   a bounds-checked reader over a newc archive held in memory.
 *
 * Functions return 0 (or a count) on success and -errno on failure; none of them prints.
 * Functions that take `char *err, size_t errlen` also write a one-line, human-readable reason
 * there on failure (e.g. "spec.txt:12: mode '0789' is not octal"); err may be NULL.
 *
 * Spec format (one entry per line; blank lines and lines whose first word starts with '#'
 * are ignored; fields are separated by blanks, there is no quoting):
 *   file  <name> <location> <mode> <uid> <gid> [<hard link name>...]
 *   dir   <name> <mode> <uid> <gid>
 *   nod   <name> <mode> <uid> <gid> <b|c> <major> <minor>
 *   slink <name> <target> <mode> <uid> <gid>
 *   pipe  <name> <mode> <uid> <gid>
 *   sock  <name> <mode> <uid> <gid>
 * Stricter than gen_init_cpio on purpose, so that mistakes are reported rather than archived:
 *   - names must be absolute ("/init") and canonical: no "//", no "." or ".." component, no
 *     trailing '/', not "/" itself, not "/TRAILER!!!"; at most CPIO_NAME_MAX bytes. They are
 *     stored without the leading '/'.
 *   - mode is octal, at most 07777 (permission and setuid/setgid/sticky bits only; the type
 *     comes from the keyword). uid, gid, major and minor are decimal.
 *   - no ${VAR} expansion in names or locations.
 *   - hard links are supported: extra names after <gid> share the inode of <name>; the data is
 *     stored once, with the last of the names in archive order (as gen_init_cpio and GNU cpio
 *     do, and as the kernel's unpacker expects).
 *   - a name whose parent is also in the spec but is not a `dir` is refused. A parent that is
 *     not in the spec at all is allowed (the archive may be an overlay for another one).
 *
 * Archives written here are reproducible: entries sorted bytewise by name (so every parent
 * directory precedes its children), inode numbers assigned in archive order from 1, one
 * caller-chosen mtime for every entry, uid/gid/mode from the spec, never from the source file,
 * nlink 2 for directories and 1 otherwise (the link count for hard links), devmajor/devminor 0,
 * a TRAILER!!! entry and zero padding up to a multiple of 512 bytes (as gen_init_cpio). */
#ifndef EMBARK_INITRAMFS_H
#define EMBARK_INITRAMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --- limits ------------------------------------------------------------------------------ */
#define CPIO_NAME_MAX 4095u          /* bytes in a path (name, location, link target), no NUL */
#define CPIO_SPEC_LINE_MAX 65536u    /* bytes in one spec line, newline excluded */
#define CPIO_SPEC_MAX_ENTRIES 1000000u /* entries (archive members) in one spec */
#define CPIO_SPEC_MAX_FIELDS 32u     /* words on one spec line */
#define CPIO_SPEC_MAX_BYTES (64u << 20) /* size of a spec file the CLI will read */
#define CPIO_WALK_MAX_MEMBERS 4000000u /* members cpio_walk visits, across all archives */
#define CPIO_WALK_MAX_ARCHIVES 4096u   /* concatenated archives cpio_walk visits */
#define CPIO_DEV_MAJOR_MAX 4095u      /* Linux dev_t: 12-bit major */
#define CPIO_DEV_MINOR_MAX 1048575u   /* Linux dev_t: 20-bit minor */
#define CPIO_ERR_MAX 256u             /* a sufficient size for the err buffers below */

/* --- newc format ------------------------------------------------------------------------- */
#define CPIO_NEWC_MAGIC "070701"
#define CPIO_CRC_MAGIC "070702" /* newc with a byte-sum of the data in the check field */
#define CPIO_HEADER_SIZE 110u
#define CPIO_TRAILER_NAME "TRAILER!!!"

/* Mode type bits as stored in newc headers (the traditional Unix values). */
#define CPIO_S_IFMT 0170000u
#define CPIO_S_IFSOCK 0140000u
#define CPIO_S_IFLNK 0120000u
#define CPIO_S_IFREG 0100000u
#define CPIO_S_IFBLK 0060000u
#define CPIO_S_IFDIR 0040000u
#define CPIO_S_IFCHR 0020000u
#define CPIO_S_IFIFO 0010000u
#define CPIO_PERM_MASK 07777u

/* --- spec --------------------------------------------------------------------------------- */
enum cpio_entry_type {
	CPIO_ENTRY_FILE,
	CPIO_ENTRY_DIR,
	CPIO_ENTRY_NOD,
	CPIO_ENTRY_SLINK,
	CPIO_ENTRY_PIPE,
	CPIO_ENTRY_SOCK,
};

struct cpio_spec_entry {
	enum cpio_entry_type type;
	char *name;          /* as stored in the archive: "init", "usr/bin" (no leading '/') */
	char *location;      /* FILE: source path; SLINK: link target; otherwise NULL */
	uint32_t mode;       /* type bits | permission bits */
	uint32_t uid, gid;
	uint32_t rdev_major, rdev_minor; /* NOD only */
	unsigned line;       /* spec line, for messages */
	unsigned link_group; /* FILE: 0, or an id shared by the names of one hard-linked file
	                      * (the parser uses the line number) */
	/* Filled in by cpio_spec_parse after sorting: */
	uint32_t ino;        /* inode number written to the archive */
	uint32_t nlink;
	bool carries_data;   /* FILE: this member holds the file's bytes (false for all but the
	                      * last name of a hard-link group, which are stored empty) */
};

struct cpio_spec {
	struct cpio_spec_entry *entries; /* sorted bytewise by name; parents precede children */
	size_t count;
	size_t capacity;
	char *origin; /* the spec's name in messages ("spec.txt") */
};

/* Parses a gen_init_cpio list of LEN bytes at BUF into SPEC (which it initialises), sorts it,
 * refuses duplicate names and assigns inode numbers. ORIGIN names the list in messages.
 * Returns the number of entries, or -EINVAL (bad content; ERR says which line and why),
 * -E2BIG (more than CPIO_SPEC_MAX_ENTRIES), -ENOMEM. SPEC is empty on failure; free it with
 * cpio_spec_free either way. */
int cpio_spec_parse(const void *buf, size_t len, const char *origin, struct cpio_spec *spec,
		    char *err, size_t errlen);
void cpio_spec_free(struct cpio_spec *spec);

/* The second half of cpio_spec_parse, for callers that fill SPEC themselves (every entry
 * field above "Filled in by cpio_spec_parse", with names already checked as the parser does):
 * sorts the entries, refuses duplicate names and names under a non-directory, and fills ino,
 * nlink and carries_data. Returns 0, -EINVAL (ERR says why), -E2BIG or -ENOMEM. */
int cpio_spec_order(struct cpio_spec *spec, char *err, size_t errlen);

/* --- writer ------------------------------------------------------------------------------ */
/* Writes SPEC as a newc archive to FD, every entry with MTIME. Source files of `file` entries
 * are opened by their location (relative to the current directory), must be regular files and
 * are streamed, never loaded whole. All sources are checked before the first byte is written.
 * Returns 0, or -errno: -ENOENT/-EACCES/-EIO... (a source could not be read, or FD could not be
 * written), -EINVAL (a source is not a regular file), -EFBIG (a source is 4 GiB or more, the
 * newc limit). ERR names the spec line and the source. FD holds a partial archive on failure. */
int cpio_write_fd(const struct cpio_spec *spec, int fd, uint32_t mtime, char *err,
		  size_t errlen);

/* Like cpio_write_fd, into a temporary file next to OUT_PATH ("OUT_PATH.tmp-XXXXXX") that is
 * renamed over OUT_PATH only once complete and synced: on failure the temporary file is removed
 * and OUT_PATH is not created, or left unchanged. The file gets mode 0666 & ~umask. Returns
 * what cpio_write_fd returns, or -EEXIST (OUT_PATH exists and is not a regular file),
 * -ENAMETOOLONG, or the -errno of creating, syncing or renaming the file. */
int cpio_write_file(const struct cpio_spec *spec, const char *out_path, uint32_t mtime,
		    char *err, size_t errlen);

/* --- reader ------------------------------------------------------------------------------- */
struct cpio_member {
	const char *name;  /* NUL-terminated, inside the walked buffer */
	size_t name_len;   /* strlen(name) */
	const uint8_t *data; /* SIZE bytes inside the walked buffer (the link target for symlinks,
	                      * not NUL-terminated) */
	size_t size;
	uint32_t ino, mode, uid, gid, nlink, mtime;
	uint32_t dev_major, dev_minor, rdev_major, rdev_minor, check;
	size_t offset;     /* of the member's header in the buffer */
	unsigned archive;  /* 0 for the first archive, 1 for the next concatenated one... */
};

/* Called once per member (trailers are not reported). Return 0 to go on, a negative -errno to
 * stop the walk with that result, a positive value to stop it successfully. */
typedef int (*cpio_walk_fn)(const struct cpio_member *m, void *ctx);

/* Walks the newc archive(s) of LEN bytes at BUF: one archive, or several back to back with
 * zero bytes between them (as the kernel accepts; each header must start at an offset that is
 * a multiple of 4). Every header is checked (magic 070701 or 070702, hex fields, a name of
 * 1..CPIO_NAME_MAX bytes NUL-terminated exactly at namesize, name and data padding and data
 * size inside LEN, the 070702 checksum) before FN sees it; each archive must end with
 * TRAILER!!!. FN may be NULL (validate and count only).
 * Returns the number of members reported, or -EINVAL (malformed: ERR gives the offset and the
 * rule), -ENOTSUP (compressed data: ERR names the compressor and how to decompress), -E2BIG
 * (over CPIO_WALK_MAX_MEMBERS or CPIO_WALK_MAX_ARCHIVES), or FN's negative result. */
int cpio_walk(const void *buf, size_t len, cpio_walk_fn fn, void *ctx, char *err,
	      size_t errlen);

/* Writes the 10-character `ls -l` form of MODE ("drwxr-xr-x") and a NUL to OUT. */
void cpio_mode_string(uint32_t mode, char out[11]);

/* If BUF starts with the magic of a compressor the kernel can unpack, returns its name
 * ("gzip", "xz", "zstd", "bzip2", "lzma", "lzo", "lz4"), else NULL. */
const char *cpio_compression_name(const void *buf, size_t len);

#endif
