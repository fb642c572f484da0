/* cpio_info — small facts about archives: the `ls -l` form of a mode, and which compressor
 * (if any) produced a buffer, so that a compressed initrd is named rather than called junk. */
#include "initramfs/initramfs.h"

#include <string.h>

void cpio_mode_string(uint32_t mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";
	char type;
	int i;

	switch (mode & CPIO_S_IFMT) {
	case CPIO_S_IFREG: type = '-'; break;
	case CPIO_S_IFDIR: type = 'd'; break;
	case CPIO_S_IFLNK: type = 'l'; break;
	case CPIO_S_IFCHR: type = 'c'; break;
	case CPIO_S_IFBLK: type = 'b'; break;
	case CPIO_S_IFIFO: type = 'p'; break;
	case CPIO_S_IFSOCK: type = 's'; break;
	default: type = '?'; break;
	}
	out[0] = type;
	for (i = 0; i < 9; i++)
		out[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	/* setuid, setgid and sticky show in the execute column: lower case if it is set too. */
	if (mode & 04000)
		out[3] = out[3] == 'x' ? 's' : 'S';
	if (mode & 02000)
		out[6] = out[6] == 'x' ? 's' : 'S';
	if (mode & 01000)
		out[9] = out[9] == 'x' ? 't' : 'T';
	out[10] = '\0';
}

/* The compressors the kernel's initramfs unpacker knows (lib/decompress.c), by magic. */
static const struct {
	const char *name;
	const char *magic;
	size_t magic_len;
} compressors[] = {
	{ "gzip", "\x1f\x8b", 2 },
	{ "gzip", "\x1f\x9e", 2 }, /* old gzip */
	{ "bzip2", "BZh", 3 },
	{ "lzma", "\x5d\x00\x00", 3 },
	{ "xz", "\xfd" "7zXZ\x00", 6 },
	{ "lzo", "\x89LZO", 4 },
	{ "lz4", "\x02\x21\x4c\x18", 4 },
	{ "zstd", "\x28\xb5\x2f\xfd", 4 },
};

const char *cpio_compression_name(const void *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(compressors) / sizeof(compressors[0]); i++)
		if (len >= compressors[i].magic_len &&
		    memcmp(buf, compressors[i].magic, compressors[i].magic_len) == 0)
			return compressors[i].name;
	return NULL;
}
