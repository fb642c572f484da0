/* cpio_read — a bounds-checked walk over newc archives in memory. Every size read from a
 * header is checked against what is left of the buffer by subtraction (never by adding to an
 * offset first), so no value in a header can make the walk read outside BUF[0..LEN). */
#include "initramfs/initramfs.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The 13 eight-digit hex fields after the magic, in header order. */
enum newc_field {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
	NEWC_FIELDS
};

#define MAGIC_LEN 6u
#define TRAILER_SIZE (sizeof(CPIO_TRAILER_NAME)) /* with its NUL */

/* Eight hex digits, no sign, no blanks (stricter than strtoul, on purpose). */
static int parse_hex8(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		uint8_t c = p[i];
		uint32_t d;

		if (c >= '0' && c <= '9')
			d = (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (uint32_t)(c - 'A' + 10);
		else
			return -EINVAL;
		v = (v << 4) | d;
	}
	*out = v;
	return 0;
}

/* Zero bytes to the next multiple of 4 after OFF. */
static size_t pad4(size_t off)
{
	return (4 - off % 4) % 4;
}

/* The command that undoes a compressor named by cpio_compression_name. */
static const char *decompress_hint(const char *name)
{
	if (strcmp(name, "lzo") == 0)
		return "lzop -d";
	if (strcmp(name, "lzma") == 0)
		return "xz -d";
	if (strcmp(name, "gzip") == 0)
		return "gzip -d";
	if (strcmp(name, "bzip2") == 0)
		return "bzip2 -d";
	if (strcmp(name, "lz4") == 0)
		return "lz4 -d";
	if (strcmp(name, "zstd") == 0)
		return "zstd -d";
	return "xz -d";
}

/* Parses and checks the member whose header is at OFF; on success fills M and sets *NEXT to
 * the offset after its padded data. */
static int parse_member(const uint8_t *b, size_t len, size_t off, struct cpio_member *m,
			size_t *next, char *err, size_t errlen)
{
	uint32_t f[NEWC_FIELDS];
	size_t name_off, namesize, data_off, end;
	bool crc;
	int i, rc = 0;

	if (len - off < CPIO_HEADER_SIZE) {
		err_fail(err, errlen, 0, "offset %zu: truncated header (%zu of %u bytes)", off,
			 len - off, CPIO_HEADER_SIZE);
		rc = -EINVAL;
		goto out;
	}
	crc = memcmp(b + off, CPIO_CRC_MAGIC, MAGIC_LEN) == 0;
	if (!crc && memcmp(b + off, CPIO_NEWC_MAGIC, MAGIC_LEN) != 0) {
		err_fail(err, errlen, 0, "offset %zu: bad magic (%s)", off,
			 memcmp(b + off, "070707", MAGIC_LEN) == 0
			 ? "old portable cpio format; only newc 070701/070702 is read"
			 : "not a newc cpio header");
		rc = -EINVAL;
		goto out;
	}
	for (i = 0; i < NEWC_FIELDS; i++) {
		if (parse_hex8(b + off + MAGIC_LEN + 8 * (size_t)i, &f[i]) != 0) {
			err_fail(err, errlen, 0, "offset %zu: header field %d is not 8 hex digits",
				 off, i + 1);
			rc = -EINVAL;
			goto out;
		}
	}
	namesize = f[F_NAMESIZE];
	if (namesize == 0 || namesize > CPIO_NAME_MAX + 1) {
		err_fail(err, errlen, 0, "offset %zu: name size %zu out of range (1..%u)", off,
			 namesize, CPIO_NAME_MAX + 1);
		rc = -EINVAL;
		goto out;
	}
	name_off = off + CPIO_HEADER_SIZE; /* <= len: checked above */
	if (len - name_off < namesize || len - name_off - namesize < pad4(name_off + namesize)) {
		err_fail(err, errlen, 0, "offset %zu: name (%zu bytes and padding) runs past the "
			 "end of the archive", off, namesize);
		rc = -EINVAL;
		goto out;
	}
	if (b[name_off + namesize - 1] != '\0' || memchr(b + name_off, '\0', namesize - 1)) {
		err_fail(err, errlen, 0, "offset %zu: name is not NUL-terminated at its size (%zu)",
			 off, namesize);
		rc = -EINVAL;
		goto out;
	}
	data_off = name_off + namesize + pad4(name_off + namesize); /* <= len: checked above */
	if (len - data_off < f[F_FILESIZE] ||
	    len - data_off - f[F_FILESIZE] < pad4(data_off + f[F_FILESIZE])) {
		err_fail(err, errlen, 0, "offset %zu: data (%u bytes and padding) runs past the end "
			 "of the archive", off, (unsigned)f[F_FILESIZE]);
		rc = -EINVAL;
		goto out;
	}
	end = data_off + f[F_FILESIZE] + pad4(data_off + f[F_FILESIZE]);
	if (crc && (f[F_MODE] & CPIO_S_IFMT) == CPIO_S_IFREG) {
		uint32_t sum = 0;
		size_t k;

		for (k = 0; k < f[F_FILESIZE]; k++)
			sum += b[data_off + k];
		if (sum != f[F_CHECK]) {
			err_fail(err, errlen, 0, "offset %zu: checksum %08x does not match the data "
				 "(%08x)", off, (unsigned)f[F_CHECK], (unsigned)sum);
			rc = -EINVAL;
			goto out;
		}
	}
	*m = (struct cpio_member){
		.name = (const char *)b + name_off,
		.name_len = namesize - 1,
		.data = b + data_off,
		.size = f[F_FILESIZE],
		.ino = f[F_INO], .mode = f[F_MODE], .uid = f[F_UID], .gid = f[F_GID],
		.nlink = f[F_NLINK], .mtime = f[F_MTIME],
		.dev_major = f[F_DEVMAJOR], .dev_minor = f[F_DEVMINOR],
		.rdev_major = f[F_RDEVMAJOR], .rdev_minor = f[F_RDEVMINOR], .check = f[F_CHECK],
		.offset = off,
	};
	*next = end;
out:
	return rc;
}

int cpio_walk(const void *buf, size_t len, cpio_walk_fn fn, void *ctx, char *err,
	      size_t errlen)
{
	const uint8_t *b = buf;
	size_t off = 0, members = 0;
	unsigned archives = 0;
	bool in_archive = false;
	int rc = 0;

	if (err && errlen)
		err[0] = '\0';
	/* Each pass consumes a whole member (>= CPIO_HEADER_SIZE bytes), or the zeros between
	 * archives, or ends the walk: the loop is bounded by LEN, and by the two caps. */
	while (off < len || in_archive) {
		struct cpio_member m;
		size_t next;

		if (!in_archive) {
			const char *comp;

			/* Between archives the kernel skips zero bytes; so do we. */
			while (off < len && b[off] == 0)
				off++;
			if (off == len)
				break;
			comp = cpio_compression_name(b + off, len - off);
			if (comp) {
				err_fail(err, errlen, 0, "offset %zu: compressed archive (%s): "
					 "decompress first (%s)", off, comp,
					 decompress_hint(comp));
				rc = -ENOTSUP;
				goto out;
			}
			if (off % 4) {
				err_fail(err, errlen, 0,
					 "offset %zu: junk after the archive (a header must "
					 "start at a multiple of 4)", off);
				rc = -EINVAL;
				goto out;
			}
			if (archives == CPIO_WALK_MAX_ARCHIVES) {
				err_fail(err, errlen, 0, "offset %zu: more than %u concatenated "
					 "archives", off, CPIO_WALK_MAX_ARCHIVES);
				rc = -E2BIG;
				goto out;
			}
			archives++;
			in_archive = true;
		}
		if (off == len) {
			err_fail(err, errlen, 0, "offset %zu: archive ends without %s", off,
				 CPIO_TRAILER_NAME);
			rc = -EINVAL;
			goto out;
		}
		rc = parse_member(b, len, off, &m, &next, err, errlen);
		if (rc)
			goto out;
		off = next;
		if (m.name_len + 1 == TRAILER_SIZE && memcmp(m.name, CPIO_TRAILER_NAME,
							     TRAILER_SIZE) == 0) {
			in_archive = false;
			continue;
		}
		if (members == CPIO_WALK_MAX_MEMBERS) {
			err_fail(err, errlen, 0, "offset %zu: more than %u members", m.offset,
				 CPIO_WALK_MAX_MEMBERS);
			rc = -E2BIG;
			goto out;
		}
		members++;
		m.archive = archives - 1;
		if (fn) {
			rc = fn(&m, ctx);
			if (rc < 0)
				goto out;
			if (rc > 0)
				break;
		}
	}
	if (archives == 0) {
		err_fail(err, errlen, 0, "no archive: the input is empty or all zeros");
		rc = -EINVAL;
		goto out;
	}
	rc = 0;
out:
	return rc < 0 ? rc : (int)members;
}
