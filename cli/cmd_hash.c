/* embark hash [--algo sha256|sha384|sha512|sha1|crc32] [--backend] [--] FILE...
 * Prints "HEX  FILE" for each FILE byte for byte as sha256sum does (no FILE, or "-", reads
 * stdin), so its output can be checked with `sha256sum -c`. --backend says on stderr which
 * implementation ran. Exit: 0, or 2 on a usage error or when a file could not be read (the
 * other files are still hashed, as sha256sum does). */
#include "cli/cli.h"
#include "hash/hash.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define USAGE "usage: embark hash [--algo sha256|sha384|sha512|sha1|crc32] [--backend] FILE..."

/* Files are read in chunks through one static buffer: memory stays constant for files of
 * any size, and 1 MiB is off the stack. */
static unsigned char chunk[1 << 20];

static int hash_fd(int fd, enum hash_algo algo, uint8_t *out)
{
	struct hash_ctx ctx;
	int ret = hash_init(&ctx, algo);

	if (ret < 0)
		return ret;
	/* A hint only: readahead suits one pass over the file. */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		hash_update(&ctx, chunk, (size_t)n);
	}
	hash_final(&ctx, out);
	return 0;
}

/* sha256sum's format: a name holding a backslash, newline or carriage return is written
 * escaped, and the line then starts with a backslash. */
static void print_line(const uint8_t *digest, size_t size, const char *name)
{
	int escape = strpbrk(name, "\\\n\r") != NULL;

	if (escape)
		putchar('\\');
	for (size_t i = 0; i < size; i++)
		printf("%02x", digest[i]);
	fputs("  ", stdout);
	for (const char *p = name; *p; p++) {
		if (escape && *p == '\\')
			fputs("\\\\", stdout);
		else if (escape && *p == '\n')
			fputs("\\n", stdout);
		else if (escape && *p == '\r')
			fputs("\\r", stdout);
		else
			putchar(*p);
	}
	putchar('\n');
}

static int hash_one(const char *name, enum hash_algo algo)
{
	uint8_t digest[HASH_MAX_DIGEST];
	int stdin_ = strcmp(name, "-") == 0;
	int fd = stdin_ ? STDIN_FILENO : open(name, O_RDONLY | O_CLOEXEC);
	int ret;

	if (fd < 0) {
		ret = -errno;
	} else {
		ret = hash_fd(fd, algo, digest);
		if (!stdin_)
			close(fd);
	}
	if (ret < 0) {
		fprintf(stderr, "embark hash: %s: %s (%s)\n", name, errno_name(-ret),
			strerror(-ret));
		return ret;
	}
	print_line(digest, hash_digest_size(algo), name);
	return 0;
}

int cmd_hash(int argc, char **argv)
{
	enum hash_algo algo = HASH_SHA256;
	int backend = 0, status = 0, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *name = NULL;

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || strcmp(a, "-") == 0)
			break;
		if (strcmp(a, "--backend") == 0) {
			backend = 1;
			continue;
		}
		if (strcmp(a, "--algo") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strncmp(a, "--algo=", 7) == 0)
			name = a + 7;
		else
			return cli_usage("hash", "unexpected argument '%s'; " USAGE, a);
		if (hash_algo_from_name(name, &algo) < 0)
			return cli_usage("hash", "unknown algorithm '%s'; " USAGE, name);
	}
	if (backend)
		fprintf(stderr, "embark hash: %s backend: %s\n", hash_algo_name(algo),
			hash_backend(algo));
	if (i == argc) {
		if (hash_one("-", algo) < 0)
			status = 2;
	}
	for (; i < argc; i++)
		if (hash_one(argv[i], algo) < 0)
			status = 2;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "embark hash: writing the output: %s (%s)\n", errno_name(errno),
			strerror(errno));
		status = 2;
	}
	return status;
}
