/* fetch — download a boot file over the network into a memfd: TFTP (RFC 1350 with the option
 * extension, blksize, timeout and tsize of RFCs 2347-2349), HTTP/1.1 (RFC 9112) and HTTPS
 * (mbedTLS, TLS 1.2 and 1.3, the server certificate always verified).
 *
 * The body goes into a memfd the caller created; the caller seals it afterwards, so the bytes
 * verified and booted are the bytes received (README: "Signed FIT images"). Nothing here
 * knows about network links or DNS: host names go through the caller's resolver callback.
 * Functions return a count or 0, or -errno; on failure ERR says which URL and server, the
 * rule that was broken and what to do. Only fetch_progress_bar() prints.
 *
 * The second half of this header is the protocol layer below fetch_url(): the packet, head
 * and URL parsers. They take (buf, len), never read past LEN, never allocate, and are what
 * the unit tests and the fuzzers (tests/fuzz/fuzz_tftp.c, fuzz_http.c) exercise. */
#ifndef EMBARK_FETCH_H
#define EMBARK_FETCH_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- downloading ------------------------------------------------------------------------ */

#define FETCH_DEFAULT_TIMEOUT_MS 10000u
#define FETCH_DEFAULT_MAX_BYTES ((size_t)2 << 30) /* 2 GiB: the memfd lives in RAM */
#define FETCH_DEFAULT_BLKSIZE 1468u /* 1500-byte Ethernet MTU less IP, UDP, TFTP headers */
#define FETCH_DEFAULT_REDIRECTS 5u
#define FETCH_MAX_REDIRECTS 20u
#define FETCH_DEFAULT_CA_FILE "/etc/embark/ca.pem"

/* Every field may be 0 (or NULL) for its default. */
struct fetch_opts {
	/* How long one wait may last: a TCP connect, every read, every TFTP reply (TFTP
	 * retransmits every second within it). 0: FETCH_DEFAULT_TIMEOUT_MS. */
	unsigned timeout_ms;
	/* Largest body accepted; larger (announced or received) fails with -EFBIG before the
	 * excess is written. 0: FETCH_DEFAULT_MAX_BYTES. */
	size_t max_bytes;
	/* TFTP block size asked for (8..65464); the server may answer smaller. 0: 1468. */
	unsigned tftp_blksize;
	/* HTTP redirects followed (at most FETCH_MAX_REDIRECTS). 0: FETCH_DEFAULT_REDIRECTS. */
	unsigned max_redirects;
	/* PEM file of the certificate authorities an https server must chain to. NULL: https
	 * is refused (never unverified); PID 1 passes FETCH_DEFAULT_CA_FILE when it exists. */
	const char *ca_file;
	/* Host name to IPv4 address (network byte order); 0 or -errno. NULL: only literal
	 * addresses (dotted quads) work. Literal addresses never reach the callback. */
	int (*resolve)(void *ctx, const char *host, uint32_t *addr);
	void *resolve_ctx;
	/* Called after every write into the memfd: bytes so far and the total (0: unknown).
	 * A resumed HTTP download continues from where it stopped. */
	void (*progress)(void *ctx, uint64_t got, uint64_t total);
	void *progress_ctx;
};

/* Downloads URL — tftp://host[:port]/path, http://host[:port]/path or https://... — into
 * MEMFD, from its current file offset on (a memfd from memfd_new() is empty at offset 0).
 * Returns the body's size, or -errno with ERR filled. O may be NULL (all defaults).
 * One download at a time: the buffers (about 100 KiB) are static, off PID 1's stack. */
long long fetch_url(const char *url, int memfd, const struct fetch_opts *o, char *err,
		    size_t errlen);

/* TFTP download of PATH (sent as is, no URL decoding) from SERVER (IPv4, network byte order)
 * and PORT (0: 69) — the DHCP next-server/boot-file case. Same result as fetch_url(). */
long long fetch_tftp(uint32_t server, uint16_t port, const char *path, int memfd,
		     const struct fetch_opts *o, char *err, size_t errlen);

/* A console progress line: "\r" WHAT, bytes, percent (when TOTAL is known) and MB/s over
 * ELAPSED_MS, padded to overwrite the previous line. Prints at most every
 * FETCH_PROGRESS_INTERVAL_MS, and always when GOT == TOTAL (pass TOTAL = GOT once at the end
 * for an unknown size); the caller ends the line with "\n". Meant for FETCH_OPTS.progress. */
#define FETCH_PROGRESS_INTERVAL_MS 250u
void fetch_progress_bar(int fd, const char *what, uint64_t got, uint64_t total,
			uint64_t elapsed_ms);

/* ---- URLs (url.c) -------------------------------------------------------------------------- */

enum fetch_scheme { FETCH_TFTP = 1, FETCH_HTTP, FETCH_HTTPS };
#define FETCH_HOST_MAX 256  /* a DNS name is at most 253 characters */
#define FETCH_PATH_MAX 2048 /* path and query, as sent (TFTP: decoded file name) */
#define FETCH_URL_MAX (16 + FETCH_HOST_MAX + 8 + FETCH_PATH_MAX)

struct fetch_url {
	enum fetch_scheme scheme;
	char host[FETCH_HOST_MAX]; /* lowercase DNS name or dotted quad */
	uint16_t port;             /* the scheme's default when the URL names none */
	/* HTTP: "/" path ["?" query], percent escapes kept as sent. TFTP: the file name after
	 * the first "/", percent escapes decoded. The fragment is dropped. */
	char path[FETCH_PATH_MAX];
};

/* Parses an absolute URL of LEN bytes. -EINVAL (malformed: characters that must be escaped,
 * a bad port, user:password@), -ENOTSUP (another scheme, an IPv6 literal), -ENAMETOOLONG. */
int fetch_url_parse(const char *url, size_t len, struct fetch_url *out);
/* Resolves the reference REF of LEN bytes (an HTTP Location: absolute, "//host/...",
 * "/path", "relative/path", "?query") against BASE as RFC 3986 section 5 does, dot segments
 * removed. A redirect from https to http, or to tftp, is refused with -EPERM. */
int fetch_url_resolve(const struct fetch_url *base, const char *ref, size_t len,
		      struct fetch_url *out);
/* Writes URL as text ("scheme://host[:port]/path") into BUF; -ENAMETOOLONG when cut. */
int fetch_url_format(const struct fetch_url *url, char *buf, size_t cap);

/* ---- TFTP packets (tftp_pkt.c) ----------------------------------------------------------- */

enum tftp_opcode {
	TFTP_RRQ = 1,
	TFTP_WRQ = 2,
	TFTP_DATA = 3,
	TFTP_ACK = 4,
	TFTP_ERROR = 5,
	TFTP_OACK = 6,
};
enum tftp_error_code {
	TFTP_ENOTDEFINED = 0,
	TFTP_ENOTFOUND = 1,
	TFTP_EACCESS = 2,
	TFTP_ENOSPACE = 3,
	TFTP_EBADOP = 4,
	TFTP_EBADTID = 5,
	TFTP_EEXISTS = 6,
	TFTP_ENOUSER = 7,
	TFTP_EOPTNEG = 8, /* RFC 2347: option negotiation refused */
};
#define TFTP_BLKSIZE_MIN 8u
#define TFTP_BLKSIZE_MAX 65464u /* RFC 2348 */
#define TFTP_DEFAULT_BLKSIZE 512u
#define TFTP_REQUEST_MAX 512u  /* RFC 2347: a request with options fits 512 bytes */
#define TFTP_OPTIONS_MAX 8u    /* option pairs kept from a request or an OACK */
#define TFTP_PACKET_MAX (4u + TFTP_BLKSIZE_MAX)

struct tftp_option {
	const char *name, *value; /* NUL-terminated inside the packet */
};
struct tftp_pkt {
	enum tftp_opcode opcode;
	unsigned block;           /* DATA, ACK */
	const uint8_t *data;      /* DATA: the payload inside the packet */
	size_t data_len;
	unsigned error_code;      /* ERROR */
	const char *error_msg;    /* ERROR: NUL-terminated inside the packet */
	const char *filename;     /* RRQ, WRQ */
	const char *mode;         /* RRQ, WRQ */
	unsigned n_options;       /* RRQ, WRQ, OACK */
	struct tftp_option options[TFTP_OPTIONS_MAX];
};

/* Parses one datagram. Every string must end with a NUL inside LEN, options come in
 * name/value pairs (at most TFTP_OPTIONS_MAX, no empty name), a DATA payload is at most
 * TFTP_BLKSIZE_MAX bytes. 0, or -EBADMSG (malformed) / -ENOTSUP (unknown opcode). */
int tftp_parse(const void *buf, size_t len, struct tftp_pkt *out);
/* The value of option NAME (case-insensitive) in PKT, or NULL. */
const char *tftp_option_get(const struct tftp_pkt *pkt, const char *name);
/* A decimal option value in MIN..MAX (digits only, no sign or spaces); 0 or -EINVAL/-ERANGE. */
int tftp_option_number(const char *value, uint64_t min, uint64_t max, uint64_t *out);
/* Packet builders: the length written into BUF of CAP bytes, or -ENAMETOOLONG/-EMSGSIZE.
 * An RRQ for mode "octet" asks for BLKSIZE, TIMEOUT_S and tsize 0 when WITH_OPTIONS. */
int tftp_build_rrq(void *buf, size_t cap, const char *filename, unsigned blksize,
		   unsigned timeout_s, int with_options);
int tftp_build_ack(void *buf, size_t cap, unsigned block);
int tftp_build_error(void *buf, size_t cap, unsigned code, const char *msg);

/* ---- HTTP/1.1 responses (http_head.c, http_chunked.c) ------------------------------------ */

#define HTTP_HEAD_MAX 16384u  /* the status line and all header lines together */
#define HTTP_HEADERS_MAX 100u /* header lines in one head, and trailer lines */
#define HTTP_LINE_MAX 8192u   /* one chunk-size line or trailer line */
#define HTTP_ETAG_MAX 128u
#define HTTP_REASON_MAX 64u

struct http_head {
	unsigned status;               /* 100..599 */
	unsigned minor;                /* HTTP/1.MINOR */
	char reason[HTTP_REASON_MAX];  /* printable, cut to fit */
	int has_length;                /* Content-Length */
	uint64_t length;
	int chunked;                   /* Transfer-Encoding: chunked */
	int accept_ranges;             /* Accept-Ranges lists "bytes" */
	int has_range;                 /* Content-Range: bytes FIRST-LAST/TOTAL */
	uint64_t range_first, range_last, range_total; /* range_total 0: "*" (unknown) */
	char location[FETCH_URL_MAX];  /* "" when none */
	char etag[HTTP_ETAG_MAX];      /* a strong ETag (If-Range needs one), else "" */
	const char *bad;               /* when -EBADMSG: the rule broken (static text) */
};

/* Parses a response head from the start of BUF. Returns the head's length (up to and with
 * the empty line) once it is complete, 0 when more bytes are needed, -EMSGSIZE when no
 * head ends within HTTP_HEAD_MAX bytes, -EBADMSG for a malformed head (OUT->bad says which
 * rule): a status line other than "HTTP/1.x NNN reason", a bare CR, a folded line, a field
 * name with spaces or without ":", more than HTTP_HEADERS_MAX lines, Content-Length that is
 * not one decimal number below 2^63 (a second Content-Length, even equal, is refused),
 * Transfer-Encoding other than "chunked" or together with Content-Length, a Location longer
 * than FETCH_URL_MAX, an inconsistent Content-Range. Lines may end in CRLF or LF. */
int http_parse_head(const void *buf, size_t len, struct http_head *out);

/* Incremental decoder of a chunked body (RFC 9112 section 7.1): hex chunk sizes (overflow
 * checked), chunk extensions skipped, trailer lines skipped (HTTP_HEADERS_MAX of at most
 * HTTP_LINE_MAX bytes), data bytes at most MAX_BODY in total (-EFBIG past it: an endless
 * body stops there), framing bytes at most the data bytes plus HTTP_CHUNK_SLACK. */
#define HTTP_CHUNK_SLACK 65536u
struct http_chunked {
	unsigned state;
	uint64_t chunk_left;  /* data bytes left in the current chunk */
	unsigned digits;      /* hex digits of the current size */
	unsigned line_len;    /* bytes of the current size or trailer line */
	unsigned trailers;    /* trailer lines so far */
	uint64_t data_total;  /* data bytes decoded */
	uint64_t framing;     /* non-data bytes consumed */
	uint64_t max_body;
	int done;             /* the last chunk and the trailer section ended */
	const char *bad;      /* the rule broken on -EBADMSG/-EFBIG (static text) */
};
void http_chunked_init(struct http_chunked *c, uint64_t max_body);
/* Decodes IN[0..LEN): the data bytes are written to OUT (capacity LEN; OUT == IN is
 * allowed: data only moves towards the start). Returns the data byte count, or -EBADMSG /
 * -EFBIG. Once C->done, the bytes after the body are left unconsumed: *USED tells how many
 * of IN were consumed. */
long http_chunked_feed(struct http_chunked *c, const void *in, size_t len, void *out,
		       size_t *used);

#endif
