/* An HTTP/1.1 GET (RFC 9112), over TCP or TLS, one request a connection:
 *
 *   - redirects 301, 302, 303, 307 and 308 are followed through their Location, at most
 *     max_redirects times, never from https to http;
 *   - the body is framed by chunked coding, Content-Length, or the end of the connection;
 *   - when the connection breaks in the middle of the body and the server offers ranges
 *     (Accept-Ranges: bytes, or it already answered 206), the download goes on with
 *     "Range: bytes=N-" (and If-Range with the ETag, when there was one) at most
 *     HTTP_RESUMES_MAX times; a 206 must continue exactly at N and agree on the total, a
 *     200 (the file changed, or ranges were ignored) starts over from byte 0.
 *
 * Every exchange is bounded: the head by HTTP_HEAD_MAX, each wait by the timeout, the body
 * by max_bytes, and the number of exchanges by the redirect and resume limits. */
#include "fetch/internal.h"
#include "util/util.h"
#include "version.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define HTTP_RESUMES_MAX 3u       /* Range requests after a broken body */
#define HTTP_INFORMATIONAL_MAX 8u /* 1xx heads skipped before the real one */
#define HTTP_BODY_BUF 32768u

enum { EX_DONE, EX_REDIRECT, EX_BROKEN };

struct http_job {
	struct fetch_url url;        /* after the redirects so far */
	char shown[FETCH_URL_MAX];   /* URL as text, for messages */
	char srv[32];                /* the server's address:port */
	struct fetch_sink *sink;
	const struct fetch_opts *o;
	struct fetch_conn conn;
	uint64_t got;                /* body bytes in the memfd */
	int has_full;                /* the whole body's size is known */
	uint64_t full;
	int resumable;               /* the server offered byte ranges */
	char etag[HTTP_ETAG_MAX];    /* strong validator for If-Range */
	unsigned redirects, resumes;
	struct http_head head;
	char buf[HTTP_HEAD_MAX];     /* the head, then body bytes */
	size_t fill;
	uint8_t body[HTTP_BODY_BUF];
};

static int status_errno(unsigned status)
{
	switch (status) {
	case 404:
	case 410:
		return -ENOENT;
	case 401:
	case 403:
	case 407:
		return -EACCES;
	default:
		return status >= 500 ? -EIO : -EPROTO;
	}
}

static const char *status_hint(unsigned status)
{
	switch (status) {
	case 404:
	case 410:
		return "check the path on the server";
	case 401:
	case 403:
	case 407:
		return "embark sends no credentials: make the file readable without them";
	default:
		return status >= 500 ? "the server failed: see its log" : "check the URL";
	}
}

static int send_request(struct http_job *j)
{
	char req[FETCH_PATH_MAX + FETCH_HOST_MAX + 512], port[8] = "", range[64 + HTTP_ETAG_MAX] = "";
	uint16_t defport = j->url.scheme == FETCH_HTTPS ? 443 : 80;
	int n;

	if (j->url.port != defport)
		snprintf(port, sizeof(port), ":%u", j->url.port);
	if (j->got > 0)
		snprintf(range, sizeof(range), "Range: bytes=%llu-\r\n%s%s%s",
			 (unsigned long long)j->got, j->etag[0] ? "If-Range: " : "", j->etag,
			 j->etag[0] ? "\r\n" : "");
	/* Accept-Encoding: identity, or a server may send a gzipped kernel as the body. */
	n = snprintf(req, sizeof(req),
		     "GET %s HTTP/1.1\r\nHost: %s%s\r\nUser-Agent: embark/%s\r\nAccept: */*\r\n"
		     "Accept-Encoding: identity\r\n%sConnection: close\r\n\r\n",
		     j->url.path, j->url.host, port, EMBARK_VERSION, range);
	if (n < 0 || (size_t)n >= sizeof(req))
		return -ENAMETOOLONG;
	return conn_write(&j->conn, req, (size_t)n);
}

/* The stream broke (N == 0 at the end, or -errno): EX_BROKEN when it can be resumed, else the
 * error. WHERE says what was being read. */
static int broken(struct http_job *j, long n, const char *where, char *err, size_t errlen)
{
	char full[32] = "?";

	if (j->resumable && j->resumes < HTTP_RESUMES_MAX)
		return EX_BROKEN;
	if (j->has_full)
		snprintf(full, sizeof(full), "%llu", (unsigned long long)j->full);
	return err_fail(err, errlen, n < 0 ? (int)n : -EPIPE,
			"%s: server %s %s %s after %llu of %s bytes: %s (%s); %s", j->shown,
			j->srv, n < 0 ? "failed" : "closed the connection", where,
			(unsigned long long)j->got, full, errno_name(n < 0 ? (int)n : -EPIPE),
			strerror(n < 0 ? (int)-n : EPIPE),
			j->resumable ? "it broke off too often: check the network and the server" :
			"the server offers no byte ranges to resume; try again");
}

/* Reads until a complete head other than 1xx is in j->head; the bytes after it stay in
 * j->buf from the head's length to j->fill. Returns the head's length, 0 when the connection
 * broke but a resume may try again, or -errno. */
static int read_head(struct http_job *j, char *err, size_t errlen)
{
	unsigned informational = 0;
	int len;

	j->fill = 0;
	for (;;) {
		len = http_parse_head(j->buf, j->fill, &j->head);
		if (len > 0 && j->head.status >= 100 && j->head.status < 200 &&
		    j->head.status != 101) {
			/* 1xx: informational, the real head follows (RFC 9110 15.2) */
			if (++informational > HTTP_INFORMATIONAL_MAX)
				return err_fail(err, errlen, -EPROTO,
						"%s: server %s sent more than %u informational "
						"(1xx) heads", j->shown, j->srv, HTTP_INFORMATIONAL_MAX);
			memmove(j->buf, j->buf + len, j->fill - (size_t)len);
			j->fill -= (size_t)len;
			continue;
		}
		if (len > 0)
			return len;
		if (len == -EMSGSIZE)
			return err_fail(err, errlen, -EMSGSIZE,
					"%s: server %s sent a response head longer than %u bytes",
					j->shown, j->srv, HTTP_HEAD_MAX);
		if (len < 0)
			return err_fail(err, errlen, len,
					"%s: server %s sent a malformed response head: %s (RFC 9112); "
					"fix the server or a proxy in between", j->shown, j->srv,
					j->head.bad ? j->head.bad : "?");
		/* Incomplete: len == 0 and fill < HTTP_HEAD_MAX, so there is room. */
		{
			ssize_t n = conn_read(&j->conn, j->buf + j->fill, sizeof(j->buf) - j->fill);

			if (n <= 0 && j->resumable && j->resumes < HTTP_RESUMES_MAX)
				return 0; /* a resume attempt broke too: try once more */
			if (n <= 0)
				return err_fail(err, errlen, n < 0 ? (int)n : -EPROTO,
						"%s: server %s %s before a complete response head: "
						"%s; check that it is an HTTP server%s", j->shown, j->srv,
						n < 0 ? "failed" : "closed the connection",
						errno_name(n < 0 ? (int)n : -EPROTO),
						n == -ETIMEDOUT ? " and that it answers" : "");
			j->fill += (size_t)n;
		}
	}
}

static int follow_redirect(struct http_job *j, char *err, size_t errlen)
{
	struct fetch_url next;
	int ret;

	if (!j->head.location[0])
		return err_fail(err, errlen, -EPROTO,
				"%s: server %s answered %u (a redirect) without a Location", j->shown,
				j->srv, j->head.status);
	if (++j->redirects > j->o->max_redirects)
		return err_fail(err, errlen, -ELOOP,
				"%s: server %s redirects more than %u times (a loop?); the last "
				"Location was '%.200s'", j->shown, j->srv, j->o->max_redirects,
				j->head.location);
	ret = fetch_url_resolve(&j->url, j->head.location, strlen(j->head.location), &next);
	if (ret == -EPERM)
		return err_fail(err, errlen, ret,
				"%s: server %s redirects to '%.200s': embark follows https only to "
				"https and http only to http(s); use the final URL directly",
				j->shown, j->srv, j->head.location);
	if (ret < 0)
		return err_fail(err, errlen, ret,
				"%s: server %s redirects to a malformed Location '%.200s' (RFC 3986)",
				j->shown, j->srv, j->head.location);
	j->url = next;
	return EX_REDIRECT;
}

/* Checks a successful head against what is in the memfd already; sets the body's length
 * (*LEN, -1 for chunked or up to the end of the connection). 0 or -errno. */
static int accept_head(struct http_job *j, long long *len, char *err, size_t errlen)
{
	const struct http_head *h = &j->head;
	int ret;

	*len = h->chunked || !h->has_length ? -1 : (long long)h->length;
	if (h->status == 206) {
		if (j->got == 0 || !h->has_range || h->range_first != j->got ||
		    (j->has_full && h->range_total && h->range_total != j->full) ||
		    (h->has_length && h->length != h->range_last - h->range_first + 1))
			return err_fail(err, errlen, -EPROTO,
					"%s: server %s answered 206 with Content-Range bytes "
					"%llu-%llu/%llu, which does not continue at byte %llu of %llu "
					"as asked (RFC 9110 14.4); try again", j->shown, j->srv,
					(unsigned long long)h->range_first,
					(unsigned long long)h->range_last,
					(unsigned long long)h->range_total, (unsigned long long)j->got,
					(unsigned long long)j->full);
		*len = (long long)(h->range_last - h->range_first + 1);
		j->resumable = 1;
		if (h->range_total) {
			j->has_full = 1;
			j->full = h->range_total;
		}
	} else {
		if (j->got > 0) {
			/* A 200 to a Range request: the whole file again (changed, or ranges
			 * ignored). Start over. */
			ret = sink_truncate(j->sink, 0);
			if (ret < 0)
				return err_fail(err, errlen, ret, "%s: truncating the memfd: %s",
						j->shown, strerror(-ret));
			j->got = 0;
		}
		j->resumable = h->accept_ranges;
		j->has_full = *len >= 0;
		j->full = *len >= 0 ? (uint64_t)*len : 0;
		memcpy(j->etag, h->etag, sizeof(j->etag));
	}
	j->sink->total = j->has_full ? j->full : 0;
	if (j->has_full && j->full > j->sink->max)
		return err_fail(err, errlen, -EFBIG,
				"%s: server %s announces %llu bytes, more than the limit of %llu: "
				"EFBIG; raise the limit (--max) or check the URL", j->shown, j->srv,
				(unsigned long long)j->full, (unsigned long long)j->sink->max);
	return 0;
}

static int write_body(struct http_job *j, const void *data, size_t n, char *err,
		      size_t errlen)
{
	int ret = sink_write(j->sink, j->got, data, n);

	if (ret == -EFBIG)
		return err_fail(err, errlen, ret,
				"%s: the body from server %s goes past the limit of %llu bytes: "
				"EFBIG; raise the limit (--max) or check the URL", j->shown, j->srv,
				(unsigned long long)j->sink->max);
	if (ret < 0)
		return err_fail(err, errlen, ret, "%s: writing to the memfd: %s (%s)", j->shown,
				errno_name(ret), strerror(-ret));
	j->got += n;
	return 0;
}

/* The body after the head: bytes already in j->buf first, then from the connection. LEN is
 * the body's length, or -1 for chunked coding or a body up to the end of the connection.
 * Ends at the end of the body, at max_bytes, or at the first stall or break. */
static int read_body(struct http_job *j, size_t head_len, long long len, char *err,
		     size_t errlen)
{
	static struct http_chunked chunked;
	uint64_t left = len >= 0 ? (uint64_t)len : 0;
	uint8_t *data = (uint8_t *)j->buf + head_len;
	size_t n = j->fill - head_len;
	int ret;

	http_chunked_init(&chunked, j->sink->max - j->got);
	for (;;) {
		if (j->head.chunked) {
			size_t used;
			long out = http_chunked_feed(&chunked, data, n, data, &used);

			if (out == -EFBIG)
				return err_fail(err, errlen, -EFBIG,
						"%s: the chunked body from server %s goes past the "
						"limit of %llu bytes: EFBIG; raise the limit (--max) or "
						"check the URL", j->shown, j->srv,
						(unsigned long long)j->sink->max);
			if (out < 0)
				return err_fail(err, errlen, (int)out,
						"%s: server %s sent a malformed chunked body: %s "
						"(RFC 9112 7.1)", j->shown, j->srv, chunked.bad);
			n = (size_t)out;
		} else if (len >= 0 && n > left) {
			n = (size_t)left; /* bytes past Content-Length are not the file's */
		}
		if (n > 0) {
			ret = write_body(j, data, n, err, errlen);
			if (ret < 0)
				return ret;
			left -= len >= 0 ? n : 0;
		}
		if ((j->head.chunked && chunked.done) || (len >= 0 && left == 0))
			return EX_DONE;
		data = j->body;
		{
			ssize_t r = conn_read(&j->conn, j->body, sizeof(j->body));

			if (r < 0 || (r == 0 && (j->head.chunked || len >= 0)))
				return broken(j, (long)r, "in the middle of the body", err, errlen);
			if (r == 0 && j->conn.tls && !j->conn.clean_eof)
				return err_fail(err, errlen, -EPROTO,
						"%s: server %s ended a body of unknown length without "
						"TLS close_notify after %llu bytes: it may be cut off "
						"(RFC 8446 6.1); send Content-Length", j->shown, j->srv,
						(unsigned long long)j->got);
			if (r == 0)
				return EX_DONE;
			n = (size_t)r;
		}
	}
}

/* One request and its response on a new connection: EX_DONE, EX_REDIRECT, EX_BROKEN or
 * -errno. */
static int exchange(struct http_job *j, char *err, size_t errlen)
{
	char why[512];
	uint32_t addr;
	long long len;
	int ret;

	(void)fetch_url_format(&j->url, j->shown, sizeof(j->shown));
	if (j->url.scheme == FETCH_HTTPS && (!j->o->ca_file || !j->o->ca_file[0]))
		return err_fail(err, errlen, -ENOKEY,
				"%s: https needs a CA file to verify the server and none was given; "
				"pass --ca FILE (PID 1: put the CA certificates in %s); embark never "
				"downloads over unverified TLS", j->shown, FETCH_DEFAULT_CA_FILE);
	ret = fetch_resolve(j->o, j->url.host, &addr);
	if (ret < 0)
		return err_fail(err, errlen, ret,
				"%s: cannot resolve host '%s': %s (%s); check the name and the DNS "
				"servers, or use an IPv4 address", j->shown, j->url.host,
				errno_name(ret), strerror(-ret));
	fetch_addr_str(addr, j->url.port, j->srv, sizeof(j->srv));
	ret = conn_connect(&j->conn, addr, j->url.port, j->o->timeout_ms);
	if (ret < 0)
		return err_fail(err, errlen, ret,
				"%s: cannot connect to %s: %s (%s); check that the server runs, the "
				"port, and the route to it", j->shown, j->srv, errno_name(ret),
				strerror(-ret));
	if (j->url.scheme == FETCH_HTTPS) {
		ret = tls_start(&j->conn, j->url.host, j->o->ca_file, why, sizeof(why));
		if (ret < 0) {
			ret = err_fail(err, errlen, ret, "%s: server %s: %s", j->shown, j->srv, why);
			goto out;
		}
	}
	ret = send_request(j);
	if (ret < 0) {
		ret = err_fail(err, errlen, ret, "%s: sending the request to %s: %s (%s)",
			       j->shown, j->srv, errno_name(ret), strerror(-ret));
		goto out;
	}
	ret = read_head(j, err, errlen);
	if (ret <= 0) {
		ret = ret == 0 ? EX_BROKEN : ret;
		goto out;
	}
	switch (j->head.status) {
	case 301:
	case 302:
	case 303:
	case 307:
	case 308:
		ret = follow_redirect(j, err, errlen);
		goto out;
	case 200:
	case 203:
	case 206:
		break;
	default:
		ret = err_fail(err, errlen, status_errno(j->head.status),
			       "%s: server %s answered %u %s; %s", j->shown, j->srv,
			       j->head.status, j->head.reason, status_hint(j->head.status));
		goto out;
	}
	{
		size_t head_len = (size_t)ret;

		ret = accept_head(j, &len, err, errlen);
		if (ret == 0)
			ret = read_body(j, head_len, len, err, errlen);
	}
out:
	conn_close(&j->conn);
	return ret;
}

long long http_download(const struct fetch_url *url, struct fetch_sink *sink,
			const struct fetch_opts *o, char *err, size_t errlen)
{
	static struct http_job j;
	unsigned exchanges = 0;
	int ret;

	memset(&j, 0, sizeof(j));
	j.url = *url;
	j.sink = sink;
	j.o = o;
	j.conn.fd = -1;
	/* Each pass is one exchange; the redirect and resume counters end the loop (checked
	 * in follow_redirect and broken), the pass limit is their sum. */
	do {
		ret = exchange(&j, err, errlen);
		if (ret == EX_BROKEN)
			j.resumes++;
	} while ((ret == EX_REDIRECT || ret == EX_BROKEN) &&
		 ++exchanges <= o->max_redirects + HTTP_RESUMES_MAX);
	if (ret < 0)
		return ret;
	if (ret != EX_DONE)
		return err_fail(err, errlen, -ELOOP, "%s: more than %u requests for one download",
				j.shown, exchanges);
	return (long long)j.got;
}
