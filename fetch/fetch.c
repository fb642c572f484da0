/* fetch_url() and fetch_tftp(): the URL picks the protocol; this file also holds what the
 * protocols share: the options with their defaults, the memfd sink, names to addresses. */
#include "fetch/internal.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void fetch_opts_fill(struct fetch_opts *dst, const struct fetch_opts *o)
{
	static const struct fetch_opts none;

	*dst = o ? *o : none;
	if (!dst->timeout_ms)
		dst->timeout_ms = FETCH_DEFAULT_TIMEOUT_MS;
	if (!dst->max_bytes)
		dst->max_bytes = FETCH_DEFAULT_MAX_BYTES;
	if (!dst->tftp_blksize)
		dst->tftp_blksize = FETCH_DEFAULT_BLKSIZE;
	if (!dst->max_redirects)
		dst->max_redirects = FETCH_DEFAULT_REDIRECTS;
	if (dst->max_redirects > FETCH_MAX_REDIRECTS)
		dst->max_redirects = FETCH_MAX_REDIRECTS;
}

uint64_t fetch_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void fetch_addr_str(uint32_t addr, uint16_t port, char *buf, size_t cap)
{
	const uint8_t *b = (const uint8_t *)&addr;

	snprintf(buf, cap, "%u.%u.%u.%u:%u", b[0], b[1], b[2], b[3], port);
}

int fetch_resolve(const struct fetch_opts *o, const char *host, uint32_t *addr)
{
	struct in_addr in;

	if (inet_pton(AF_INET, host, &in) == 1) {
		*addr = in.s_addr;
		return 0;
	}
	if (!o->resolve)
		return -EHOSTUNREACH;
	return o->resolve(o->resolve_ctx, host, addr);
}

int sink_open(struct fetch_sink *s, int fd, const struct fetch_opts *o)
{
	off_t base = lseek(fd, 0, SEEK_CUR);

	if (base < 0)
		return -errno;
	s->fd = fd;
	s->base = base;
	s->max = o->max_bytes;
	s->total = 0;
	s->o = o;
	return 0;
}

int sink_write(struct fetch_sink *s, uint64_t off, const void *buf, size_t len)
{
	int rc;

	if (off > s->max || len > s->max - off)
		return -EFBIG;
	rc = pwrite_all(s->fd, buf, len, s->base + (off_t)off);
	if (rc < 0)
		return rc;
	if (s->o->progress)
		s->o->progress(s->o->progress_ctx, off + len, s->total);
	return 0;
}

int sink_truncate(struct fetch_sink *s, uint64_t size)
{
	return ftruncate(s->fd, s->base + (off_t)size) < 0 ? -errno : 0;
}

static const char *url_rule(int ret)
{
	switch (ret) {
	case -ENOTSUP:
		return "only tftp://, http:// and https:// URLs with a host name or IPv4 address "
		       "are supported";
	case -ENAMETOOLONG:
		return "the host name or path is longer than embark takes";
	default:
		return "expected SCHEME://HOST[:PORT]/PATH without user:password@, with spaces, "
		       "control characters and non-ASCII bytes %-escaped";
	}
}

long long fetch_url(const char *url, int memfd, const struct fetch_opts *o, char *err,
		    size_t errlen)
{
	static struct fetch_url parsed; /* 2 KiB off the stack; fetch is not reentrant */
	struct fetch_opts opts;
	struct fetch_sink sink;
	uint32_t addr;
	long long ret;

	fetch_opts_fill(&opts, o);
	ret = fetch_url_parse(url, strlen(url), &parsed);
	if (ret < 0)
		return err_fail(err, errlen, (int)ret, "URL '%.*s' is malformed: %s", 300, url,
				url_rule((int)ret));
	ret = sink_open(&sink, memfd, &opts);
	if (ret < 0)
		return err_fail(err, errlen, (int)ret, "%s: the memfd to download into: %s",
				url, strerror((int)-ret));
	if (parsed.scheme != FETCH_TFTP)
		return http_download(&parsed, &sink, &opts, err, errlen);
	ret = fetch_resolve(&opts, parsed.host, &addr);
	if (ret < 0)
		return err_fail(err, errlen, (int)ret,
				"%s: cannot resolve host '%s': %s (%s); check the name and the "
				"DNS servers, or use an IPv4 address", url, parsed.host,
				errno_name((int)ret), strerror((int)-ret));
	return tftp_download(addr, parsed.port, parsed.path, url, &sink, &opts, err, errlen);
}

long long fetch_tftp(uint32_t server, uint16_t port, const char *path, int memfd,
		     const struct fetch_opts *o, char *err, size_t errlen)
{
	struct fetch_opts opts;
	struct fetch_sink sink;
	char shown[FETCH_URL_MAX], addr[32];
	int ret;

	fetch_opts_fill(&opts, o);
	if (port == 0)
		port = 69;
	fetch_addr_str(server, port, addr, sizeof(addr));
	snprintf(shown, sizeof(shown), "tftp://%s/%s", addr, path);
	ret = sink_open(&sink, memfd, &opts);
	if (ret < 0)
		return err_fail(err, errlen, ret, "%s: the memfd to download into: %s", shown,
				strerror(-ret));
	return tftp_download(server, port, path, shown, &sink, &opts, err, errlen);
}
