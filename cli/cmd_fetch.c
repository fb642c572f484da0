/* embark fetch URL --out FILE [--ca FILE] [--blksize N] [--timeout S] [--max BYTES]
 *              [--resolve HOST:ADDR]...
 * Downloads URL (tftp://, http://, https://) the way PID 1 does — into a sealed memfd — then
 * writes FILE (only after the whole download succeeded; a failed write removes it). A
 * progress line goes to stderr when stderr is a terminal. Host names resolve through
 * --resolve entries first (like curl's), then getaddrinfo (this machine's resolver).
 * --max takes a K, M or G suffix (KiB, MiB, GiB).
 * Exit: 0 downloaded; 1 refused: the server answered with an error (HTTP status, TFTP
 * ERROR), the certificate was refused or no CA file was given for https, the file is larger
 * than --max, or a redirect was not followed; 2 usage, network or I/O error. */
#include "cli/cli.h"
#include "fetch/fetch.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define USAGE                                                                             \
	"usage: embark fetch URL --out FILE [--ca FILE] [--blksize N] [--timeout S] "      \
	"[--max BYTES] [--resolve HOST:ADDR]..."
#define RESOLVE_MAX 8

struct resolve_entry {
	char host[FETCH_HOST_MAX];
	uint32_t addr;
};
struct fetch_args {
	const char *url, *out, *ca;
	struct fetch_opts opts;
	struct resolve_entry resolve[RESOLVE_MAX];
	unsigned n_resolve;
};
struct progress_state {
	const char *what;
	struct timespec start;
	int shown;
};

static int cli_resolve(void *ctx, const char *host, uint32_t *addr)
{
	const struct fetch_args *a = ctx;
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	int ret;

	for (unsigned i = 0; i < a->n_resolve; i++) {
		if (strcasecmp(a->resolve[i].host, host) == 0) {
			*addr = a->resolve[i].addr;
			return 0;
		}
	}
	ret = getaddrinfo(host, NULL, &hints, &res);
	if (ret == EAI_NONAME || ret == EAI_NODATA)
		return -ENXIO;
	if (ret == EAI_AGAIN)
		return -EAGAIN;
	if (ret != 0)
		return -EIO;
	*addr = ((const struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return 0;
}

static void cli_progress(void *ctx, uint64_t got, uint64_t total)
{
	struct progress_state *p = ctx;
	struct timespec now;
	uint64_t ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (uint64_t)(now.tv_sec - p->start.tv_sec) * 1000 +
	     (uint64_t)(now.tv_nsec / 1000000) - (uint64_t)(p->start.tv_nsec / 1000000);
	fetch_progress_bar(STDERR_FILENO, p->what, got, total, ms);
	p->shown = 1;
}

/* Decimal N with an optional K/M/G (binary) suffix, at least MIN, at most MAX. */
static int parse_size(const char *s, unsigned long long min, unsigned long long max,
		      unsigned long long *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -ERANGE;
	if (*end == 'K' || *end == 'k')
		shift = 10, end++;
	else if (*end == 'M' || *end == 'm')
		shift = 20, end++;
	else if (*end == 'G' || *end == 'g')
		shift = 30, end++;
	if (*end || (shift && v > (max >> shift)))
		return -EINVAL;
	v <<= shift;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int add_resolve(struct fetch_args *a, const char *spec)
{
	const char *colon = strrchr(spec, ':');
	struct in_addr in;
	size_t n = colon ? (size_t)(colon - spec) : 0;

	if (!colon || n == 0 || n >= FETCH_HOST_MAX || a->n_resolve == RESOLVE_MAX ||
	    inet_pton(AF_INET, colon + 1, &in) != 1)
		return -EINVAL;
	memcpy(a->resolve[a->n_resolve].host, spec, n);
	a->resolve[a->n_resolve].host[n] = '\0';
	a->resolve[a->n_resolve++].addr = in.s_addr;
	return 0;
}

static int parse_args(int argc, char **argv, struct fetch_args *a)
{
	unsigned long long v;

	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (opt[0] != '-') {
			if (a->url)
				return cli_usage("fetch", "one URL only ('%s')\n" USAGE, opt);
			a->url = opt;
			continue;
		}
		if (!val)
			return cli_usage("fetch", "'%s' needs a value, or is unknown\n" USAGE, opt);
		i++;
		if (strcmp(opt, "--out") == 0) {
			a->out = val;
		} else if (strcmp(opt, "--ca") == 0) {
			a->ca = val;
		} else if (strcmp(opt, "--blksize") == 0) {
			if (parse_size(val, TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX, &v) < 0)
				return cli_usage("fetch", "--blksize takes %u to %u (RFC 2348), not '%s'",
						 TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX, val);
			a->opts.tftp_blksize = (unsigned)v;
		} else if (strcmp(opt, "--timeout") == 0) {
			if (parse_size(val, 1, 3600, &v) < 0)
				return cli_usage("fetch", "--timeout takes seconds, 1 to 3600, not '%s'",
						 val);
			a->opts.timeout_ms = (unsigned)v * 1000;
		} else if (strcmp(opt, "--max") == 0) {
			if (parse_size(val, 1, SIZE_MAX >> 1, &v) < 0)
				return cli_usage("fetch", "--max takes a byte count (K, M, G suffixes), "
						 "not '%s'", val);
			a->opts.max_bytes = (size_t)v;
		} else if (strcmp(opt, "--resolve") == 0) {
			if (add_resolve(a, val) < 0)
				return cli_usage("fetch", "--resolve takes HOST:IPV4ADDRESS (at most %d), "
						 "not '%s'", RESOLVE_MAX, val);
		} else {
			return cli_usage("fetch", "unknown option '%s'\n" USAGE, opt);
		}
	}
	if (!a->url || !a->out)
		return cli_usage("fetch", "a URL and --out FILE are needed\n" USAGE);
	a->opts.ca_file = a->ca;
	a->opts.resolve = cli_resolve;
	a->opts.resolve_ctx = a;
	return 0;
}

/* Copies the sealed memfd to OUT; a partial file is removed. */
static int write_out(int mfd, const char *out)
{
	static char buf[128 << 10];
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), ret = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(mfd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : 0;
			break;
		}
		ret = write_all(fd, buf, (size_t)n);
		if (ret < 0)
			break;
	}
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret < 0)
		unlink(out);
	return ret;
}

static int refused(long long ret)
{
	return ret == -ENOENT || ret == -EACCES || ret == -EKEYREJECTED || ret == -ENOKEY ||
	       ret == -EFBIG || ret == -EPERM;
}

int cmd_fetch(int argc, char **argv)
{
	static struct fetch_args args;
	struct progress_state prog = { 0 };
	char err[1024];
	long long got;
	int mfd, ret, rc = 2;

	ret = parse_args(argc, argv, &args);
	if (ret != 0)
		return ret;
	if (isatty(STDERR_FILENO)) {
		const char *slash = strrchr(args.out, '/');

		prog.what = slash ? slash + 1 : args.out;
		clock_gettime(CLOCK_MONOTONIC, &prog.start);
		args.opts.progress = cli_progress;
		args.opts.progress_ctx = &prog;
	}
	mfd = memfd_new("embark-fetch");
	if (mfd < 0) {
		fprintf(stderr, "embark fetch: memfd_create: %s\n", strerror(-mfd));
		return 2;
	}
	got = fetch_url(args.url, mfd, &args.opts, err, sizeof(err));
	if (prog.shown) {
		if (got >= 0)
			cli_progress(&prog, (uint64_t)got, (uint64_t)got);
		fputc('\n', stderr);
	}
	if (got < 0) {
		fprintf(stderr, "embark fetch: %s\n", err);
		rc = refused(got) ? 1 : 2;
		goto out;
	}
	ret = memfd_seal(mfd);
	if (ret == 0)
		ret = write_out(mfd, args.out);
	if (ret < 0) {
		fprintf(stderr, "embark fetch: writing %s: %s (%s)\n", args.out, errno_name(ret),
			strerror(-ret));
		goto out;
	}
	fprintf(stderr, "embark fetch: %lld bytes from %s written to %s\n", got, args.url,
		args.out);
	rc = 0;
out:
	close(mfd);
	return rc;
}
