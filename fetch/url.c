/* URLs: the three schemes fetch_url() takes, and the resolution of an HTTP Location against
 * the URL that answered (RFC 3986 sections 3 and 5). Strict on purpose: a URL that a person
 * typed wrong or a server sent broken is refused with the rule, not guessed at. */
#include "fetch/fetch.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	enum fetch_scheme scheme;
	uint16_t port;
} schemes[] = {
	{ "tftp", FETCH_TFTP, 69 },
	{ "http", FETCH_HTTP, 80 },
	{ "https", FETCH_HTTPS, 443 },
};

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The length of "scheme:" at the start of S (without the colon), or 0 when S has none: a
 * scheme is a letter then letters, digits, "+", "-", "." (RFC 3986 3.1). */
static size_t scheme_len(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !is_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == ':')
			return i;
		if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.')
			return 0;
	}
	return 0;
}

/* Path and query characters as sent on the wire: visible ASCII, well-formed %HH escapes. A
 * space, a control character, a byte above 0x7e or a backslash must have been escaped. */
static int check_path_chars(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '#')
			return -EINVAL;
		if (c == '%' && (len - i < 3 || hex_value((unsigned char)s[i + 1]) < 0 ||
				 hex_value((unsigned char)s[i + 2]) < 0))
			return -EINVAL;
	}
	return 0;
}

/* host [":" port] of LEN bytes into OUT (host lowercased, port defaulted). */
static int parse_authority(const char *s, size_t len, struct fetch_url *out, uint16_t defport)
{
	size_t host_len = len;
	const char *colon;

	if (memchr(s, '@', len))
		return -EINVAL; /* user:password@ would go to the server in the clear */
	if (len > 0 && s[0] == '[')
		return -ENOTSUP; /* IPv6 literal: the resolver gives IPv4 addresses only */
	colon = memchr(s, ':', len);
	out->port = defport;
	if (colon) {
		unsigned long port = 0;
		size_t digits = len - (size_t)(colon - s) - 1;

		host_len = (size_t)(colon - s);
		if (digits > 5)
			return -EINVAL;
		for (size_t i = 0; i < digits; i++) {
			if (!is_digit((unsigned char)colon[1 + i]))
				return -EINVAL;
			port = port * 10 + (unsigned long)(colon[1 + i] - '0');
		}
		if (digits > 0 && (port == 0 || port > 65535))
			return -EINVAL;
		if (digits > 0)
			out->port = (uint16_t)port;
	}
	if (host_len == 0)
		return -EINVAL;
	if (host_len >= sizeof(out->host))
		return -ENAMETOOLONG;
	for (size_t i = 0; i < host_len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!is_alpha(c) && !is_digit(c) && c != '.' && c != '-' && c != '_')
			return -EINVAL;
		out->host[i] = (char)lower(c);
	}
	out->host[host_len] = '\0';
	return 0;
}

/* TFTP file name: the path after the first "/", %HH decoded (RFC 3617). */
static int set_tftp_path(struct fetch_url *out, const char *s, size_t len)
{
	size_t n = 0;

	if (len == 0)
		return -EINVAL;
	if (memchr(s, '?', len))
		return -EINVAL; /* TFTP has no query; a "?" in a file name is written %3F */
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			c = hex_value((unsigned char)s[i + 1]) * 16 + hex_value((unsigned char)s[i + 2]);
			i += 2;
			if (c == 0)
				return -EINVAL; /* a NUL would end the name inside the RRQ */
		}
		if (n + 1 >= sizeof(out->path))
			return -ENAMETOOLONG;
		out->path[n++] = (char)c;
	}
	out->path[n] = '\0';
	return 0;
}

static int set_http_path(struct fetch_url *out, const char *s, size_t len)
{
	if (len == 0) {
		strcpy(out->path, "/");
		return 0;
	}
	if (len >= sizeof(out->path))
		return -ENAMETOOLONG;
	memcpy(out->path, s, len);
	out->path[len] = '\0';
	return 0;
}

/* RFC 3986 5.2.4 on the path IN of LEN bytes (starting with "/"), one segment at a time: "."
 * is dropped, ".." drops the segment before it, a final "." or ".." leaves a trailing "/".
 * No recursion; each pass of the loop consumes one segment. */
static int remove_dot_segments(const char *in, size_t len, char *out, size_t cap)
{
	size_t n = 0, i = 1;

	if (len == 0 || in[0] != '/' || cap < 2)
		return -EINVAL;
	while (i <= len) {
		const char *seg = in + i;
		const char *slash = memchr(seg, '/', len - i);
		size_t seg_len = slash ? (size_t)(slash - seg) : len - i;
		int last = slash == NULL;

		if (seg_len == 1 && seg[0] == '.') {
			if (last)
				out[n++] = '/';
		} else if (seg_len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the "/" before the dropped segment */
			if (last)
				out[n++] = '/';
		} else {
			if (n + 1 + seg_len >= cap)
				return -ENAMETOOLONG;
			out[n++] = '/';
			memcpy(out + n, seg, seg_len);
			n += seg_len;
		}
		i += seg_len + 1;
	}
	if (n == 0)
		out[n++] = '/';
	out[n] = '\0';
	return 0;
}

/* An http(s) path without its dot segments (RFC 3986 6.2.2.3); the query is left alone. */
static int normalize_http_path(struct fetch_url *u)
{
	char tmp[FETCH_PATH_MAX];
	size_t plen = strcspn(u->path, "?"), qlen = strlen(u->path) - plen;
	int ret = remove_dot_segments(u->path, plen, tmp, sizeof(tmp));

	if (ret < 0)
		return ret;
	if (strlen(tmp) + qlen >= sizeof(u->path))
		return -ENAMETOOLONG;
	memmove(u->path + strlen(tmp), u->path + plen, qlen + 1);
	memcpy(u->path, tmp, strlen(tmp));
	return 0;
}

int fetch_url_parse(const char *url, size_t len, struct fetch_url *out)
{
	size_t slen = scheme_len(url, len), i, auth_end, path_end;
	const char *hash;
	int ret = -ENOTSUP;

	memset(out, 0, sizeof(*out));
	if (slen == 0)
		return -EINVAL;
	if (len - slen < 3 || memcmp(url + slen, "://", 3) != 0)
		return -EINVAL;
	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (strlen(schemes[i].name) == slen &&
		    strncasecmp(url, schemes[i].name, slen) == 0) {
			out->scheme = schemes[i].scheme;
			ret = 0;
			break;
		}
	}
	if (ret < 0)
		return ret;
	hash = memchr(url, '#', len);
	path_end = hash ? (size_t)(hash - url) : len;
	auth_end = slen + 3;
	while (auth_end < path_end && url[auth_end] != '/' && url[auth_end] != '?')
		auth_end++;
	ret = parse_authority(url + slen + 3, auth_end - slen - 3, out, schemes[i].port);
	if (ret < 0)
		return ret;
	ret = check_path_chars(url + auth_end, path_end - auth_end);
	if (ret < 0)
		return ret;
	if (out->scheme == FETCH_TFTP) {
		if (auth_end == path_end || url[auth_end] != '/')
			return -EINVAL;
		return set_tftp_path(out, url + auth_end + 1, path_end - auth_end - 1);
	}
	if (auth_end < path_end && url[auth_end] == '?') {
		/* "http://host?q" means "/?q" */
		if (path_end - auth_end + 1 >= sizeof(out->path))
			return -ENAMETOOLONG;
		out->path[0] = '/';
		memcpy(out->path + 1, url + auth_end, path_end - auth_end);
		out->path[path_end - auth_end + 1] = '\0';
		return 0;
	}
	ret = set_http_path(out, url + auth_end, path_end - auth_end);
	return ret < 0 ? ret : normalize_http_path(out);
}

int fetch_url_resolve(const struct fetch_url *base, const char *ref, size_t len,
		      struct fetch_url *out)
{
	char merged[FETCH_PATH_MAX], tmp[FETCH_URL_MAX];
	const char *hash = memchr(ref, '#', len), *query;
	size_t mlen = 0, qlen, plen, blen;
	int ret;

	if (hash)
		len = (size_t)(hash - ref);
	if (scheme_len(ref, len) > 0 || (len >= 2 && ref[0] == '/' && ref[1] == '/')) {
		if (ref[0] == '/') {
			/* "//host/path": the base's scheme */
			const char *name = base->scheme == FETCH_HTTPS ? "https:" : "http:";

			if (strlen(name) + len >= sizeof(tmp))
				return -ENAMETOOLONG;
			snprintf(tmp, sizeof(tmp), "%s%.*s", name, (int)len, ref);
			ret = fetch_url_parse(tmp, strlen(tmp), out);
		} else {
			ret = fetch_url_parse(ref, len, out);
		}
		if (ret < 0)
			return ret;
		/* Never from TLS to plain text, and never to tftp from an http server. */
		if (out->scheme == FETCH_TFTP ||
		    (base->scheme == FETCH_HTTPS && out->scheme != FETCH_HTTPS))
			return -EPERM;
		return 0;
	}
	ret = check_path_chars(ref, len);
	if (ret < 0)
		return ret;
	*out = *base;
	query = memchr(ref, '?', len);
	plen = query ? (size_t)(query - ref) : len;
	qlen = len - plen;
	/* The base path without its query. */
	blen = strcspn(base->path, "?");
	if (plen == 0) {
		/* "" or "?query": the base path, with the new query if there is one */
		if (qlen == 0) {
			query = base->path + blen;
			qlen = strlen(query);
		}
		if (blen >= sizeof(merged))
			return -ENAMETOOLONG;
		memcpy(merged, base->path, blen);
		mlen = blen;
	} else if (ref[0] == '/') {
		if (plen >= sizeof(merged))
			return -ENAMETOOLONG;
		memcpy(merged, ref, plen);
		mlen = plen;
	} else {
		/* relative: the base path up to its last "/", then the reference */
		size_t dir = blen;

		while (dir > 0 && base->path[dir - 1] != '/')
			dir--;
		if (dir == 0)
			merged[mlen++] = '/';
		if (mlen + dir + plen >= sizeof(merged))
			return -ENAMETOOLONG;
		memcpy(merged + mlen, base->path, dir);
		mlen += dir;
		memcpy(merged + mlen, ref, plen);
		mlen += plen;
	}
	ret = remove_dot_segments(merged, mlen, out->path, sizeof(out->path));
	if (ret < 0)
		return ret;
	plen = strlen(out->path);
	if (plen + qlen >= sizeof(out->path))
		return -ENAMETOOLONG;
	if (qlen > 0)
		memcpy(out->path + plen, query, qlen);
	out->path[plen + qlen] = '\0';
	return 0;
}

int fetch_url_format(const struct fetch_url *url, char *buf, size_t cap)
{
	const char *name = url->scheme == FETCH_TFTP ? "tftp" :
			   url->scheme == FETCH_HTTPS ? "https" : "http";
	uint16_t defport = url->scheme == FETCH_TFTP ? 69 : url->scheme == FETCH_HTTPS ? 443 : 80;
	char port[8] = "";
	int n;

	if (url->port != defport)
		snprintf(port, sizeof(port), ":%u", url->port);
	n = snprintf(buf, cap, "%s://%s%s%s%s", name, url->host, port,
		     url->scheme == FETCH_TFTP ? "/" : "", url->path);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}
