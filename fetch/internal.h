/* Shared by the files of fetch/ only; other modules see fetch/fetch.h. */
#ifndef EMBARK_FETCH_INTERNAL_H
#define EMBARK_FETCH_INTERNAL_H

#include "fetch/fetch.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>

/* --- fetch.c: options, messages, the memfd the body goes to ------------------------------ */

/* O with every 0 replaced by its default (O may be NULL). */
void fetch_opts_fill(struct fetch_opts *dst, const struct fetch_opts *o);
/* HOST as an IPv4 address (network byte order): a dotted quad directly, else O->resolve. */
int fetch_resolve(const struct fetch_opts *o, const char *host, uint32_t *addr);
uint64_t fetch_now_ms(void);
/* "a.b.c.d:port" into BUF (16 + 6 bytes). */
void fetch_addr_str(uint32_t addr, uint16_t port, char *buf, size_t cap);

/* The body's destination: bytes are written at BASE + offset with pwrite, so a resumed or
 * restarted download never depends on the file position. */
struct fetch_sink {
	int fd;
	off_t base;     /* the memfd's offset when the download started */
	uint64_t max;   /* the most bytes accepted */
	uint64_t total; /* the expected size for progress reports; 0: unknown */
	const struct fetch_opts *o;
};
int sink_open(struct fetch_sink *s, int fd, const struct fetch_opts *o);
/* Writes LEN bytes at body offset OFF; -EFBIG (nothing written) when OFF + LEN > max. */
int sink_write(struct fetch_sink *s, uint64_t off, const void *buf, size_t len);
/* Cuts the body back to SIZE bytes (a server that ignored Range starts over). */
int sink_truncate(struct fetch_sink *s, uint64_t size);

/* --- tftp.c ------------------------------------------------------------------------------ */

/* FILENAME from SERVER:PORT into the sink; SHOWN names the transfer in messages. */
long long tftp_download(uint32_t server, uint16_t port, const char *filename, const char *shown,
			struct fetch_sink *sink, const struct fetch_opts *o, char *err,
			size_t errlen);

/* --- http.c ------------------------------------------------------------------------------ */

long long http_download(const struct fetch_url *url, struct fetch_sink *sink,
			const struct fetch_opts *o, char *err, size_t errlen);

/* --- conn.c: one TCP connection, plain or TLS, every wait bounded by a timeout ----------- */

struct fetch_tls;
struct fetch_conn {
	int fd;
	uint32_t addr;         /* where it connected (TLS may have to connect again) */
	uint16_t port;
	unsigned timeout_ms;
	struct fetch_tls *tls; /* NULL: plain TCP */
	int clean_eof;         /* TLS: the stream ended with close_notify */
};
/* 0 or -errno (-ETIMEDOUT when the connect did not complete within TIMEOUT_MS). */
int conn_connect(struct fetch_conn *c, uint32_t addr, uint16_t port, unsigned timeout_ms);
/* At most LEN bytes: the count, 0 at the end of the stream, -ETIMEDOUT, -errno. */
ssize_t conn_read(struct fetch_conn *c, void *buf, size_t len);
int conn_write(struct fetch_conn *c, const void *buf, size_t len);
void conn_close(struct fetch_conn *c);
/* Socket-level pieces the TLS layer's I/O callbacks use. */
ssize_t conn_sock_read(int fd, void *buf, size_t len, unsigned timeout_ms);
ssize_t conn_sock_write(int fd, const void *buf, size_t len, unsigned timeout_ms);

/* --- tls.c: an mbedTLS client on a connected socket -------------------------------------- */

/* Handshakes with the server HOST on C->fd, verifying its certificate chain against CA_FILE
 * and its name against HOST. 0, or -errno with WHY saying what failed: -ENOKEY (no CA file),
 * -EKEYREJECTED (the certificate was refused), -EPROTO (the handshake failed), ... */
int tls_start(struct fetch_conn *c, const char *host, const char *ca_file, char *why,
	      size_t whylen);
ssize_t tls_read(struct fetch_conn *c, void *buf, size_t len);
int tls_write(struct fetch_conn *c, const void *buf, size_t len);
void tls_end(struct fetch_conn *c);

#endif
