/* HTTPS: an mbedTLS 3.6 client (TLS 1.2 and 1.3) on a connected socket.
 *
 * The server's certificate is always verified (MBEDTLS_SSL_VERIFY_REQUIRED): its chain
 * against the CA file, its name against the host of the URL, its dates against the clock.
 * Without a CA file there is no https at all — never a silently unverified download. The
 * socket I/O goes through conn.c's bounded waits, so a stalled server times out here too. */
#define MBEDTLS_CONFIG_FILE "crypto/mbedtls_config.h"

#include "fetch/internal.h"
#include "util/util.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <psa/crypto.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef EMBARK_MBEDTLS_CONFIG_H
#error "mbedTLS headers were included with another configuration than crypto/mbedtls_config.h"
#endif

#define TLS_CA_FILE_MAX (1u << 20)   /* a CA bundle (Debian's is about 220 KiB) */

/* The signature algorithms offered, RSA PKCS#1 v1.5 before RSA-PSS. TLS 1.3 needs PSS for
 * RSA servers (PKCS#1 v1.5 is only for certificates there). mbedTLS 3.6.6 offers PSS in the
 * same ClientHello but refuses it when the server then picks TLS 1.2 (Mbed-TLS/mbedtls
 * issue 10668): with PKCS#1 first, a server that follows the client's order picks PKCS#1
 * in TLS 1.2; one that follows its own gets the retry below. */
static const uint16_t sig_algs[] = {
	MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256, MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
	MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,       MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
	MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,       MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,
	MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,
	MBEDTLS_TLS1_3_SIG_NONE,
};
/* The retry after a server chose TLS 1.2 and an RSA-PSS signature: TLS 1.2 only (what that
 * server negotiated anyway, so nothing is given up), without PSS. */
static const uint16_t sig_algs_tls12[] = {
	MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256, MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
	MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,       MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,
	MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,       MBEDTLS_TLS1_3_SIG_NONE,
};
#define TLS_HANDSHAKE_WAITS 3u       /* the handshake may take 3 timeouts in total */
#define TLS_RETRIES_MAX 64u          /* WANT_READ/WRITE repeats of one call */

struct fetch_tls {
	mbedtls_ssl_context ssl;
	mbedtls_ssl_config conf;
	mbedtls_x509_crt ca;
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	int fd;
	unsigned timeout_ms;
	uint64_t deadline; /* during the handshake: when it must be done; else 0 */
	int io_err;        /* the last socket error the callbacks met (-errno), else 0 */
	int last_ret;      /* the handshake's mbedTLS result */
};

/* The socket waits of one callback: the read timeout, or what is left of the handshake's. */
static unsigned wait_ms(struct fetch_tls *t)
{
	uint64_t now = fetch_now_ms();

	if (!t->deadline)
		return t->timeout_ms;
	if (now >= t->deadline)
		return 0;
	return t->deadline - now < t->timeout_ms ? (unsigned)(t->deadline - now) : t->timeout_ms;
}

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct fetch_tls *t = ctx;
	ssize_t n = conn_sock_write(t->fd, buf, len, wait_ms(t));

	if (n >= 0)
		return (int)n;
	t->io_err = (int)n;
	return n == -ETIMEDOUT ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct fetch_tls *t = ctx;
	ssize_t n = conn_sock_read(t->fd, buf, len, wait_ms(t));

	if (n >= 0)
		return (int)n; /* 0: the peer closed the TCP stream (mbedTLS: CONN_EOF) */
	t->io_err = (int)n;
	return n == -ETIMEDOUT ? MBEDTLS_ERR_SSL_TIMEOUT : MBEDTLS_ERR_NET_RECV_FAILED;
}

/* What a failed handshake means, for people. */
static const char *handshake_rule(int ret)
{
	switch (ret) {
	case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
		return "the server ended the handshake with a fatal alert (it may require a "
		       "client certificate or refuse every cipher suite and group embark offers)";
	case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
		return "no cipher suite, group or signature algorithm in common (embark offers "
		       "ECDHE with AES-GCM or ChaCha20-Poly1305, P-256/P-384, RSA and ECDSA)";
	case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
		return "the server speaks neither TLS 1.2 nor TLS 1.3";
	case MBEDTLS_ERR_SSL_CONN_EOF:
		return "the server closed the connection during the handshake";
	case MBEDTLS_ERR_SSL_INVALID_RECORD:
	case MBEDTLS_ERR_SSL_DECODE_ERROR:
	case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
		return "the server's answer is not TLS (is this an http:// port?)";
	default:
		return "the TLS handshake failed";
	}
}

static int load_ca(struct fetch_tls *t, const char *ca_file, char *why, size_t whylen)
{
	char *pem = malloc(TLS_CA_FILE_MAX + 1);
	ssize_t n;
	int ret;

	if (!pem)
		return err_fail(why, whylen, -ENOMEM, "no memory for the CA file");
	n = read_file_bounded(ca_file, pem, TLS_CA_FILE_MAX);
	if (n < 0) {
		ret = err_fail(why, whylen, (int)n,
			       "cannot read the CA file %s: %s (%s)%s", ca_file, errno_name((int)n),
			       strerror((int)-n), n == -EFBIG ? ": larger than 1 MiB" : "");
		goto out;
	}
	/* PEM parsing wants the terminating NUL counted; read_file_bounded wrote it. */
	ret = mbedtls_x509_crt_parse(&t->ca, (const unsigned char *)pem, (size_t)n + 1);
	if (ret > 0)
		ret = err_fail(why, whylen, -EBADMSG,
			       "CA file %s: %d of its certificates could not be parsed (embark "
			       "takes PEM certificates with RSA or ECDSA P-256/P-384 keys); remove "
			       "them", ca_file, ret);
	else if (ret < 0)
		ret = err_fail(why, whylen, -EBADMSG,
			       "CA file %s holds no PEM certificate mbedTLS can parse (-0x%04x)",
			       ca_file, (unsigned)-ret);
out:
	free(pem);
	return ret;
}

/* Everything before the handshake: randomness, configuration, the CA chain, the host name. */
static int tls_setup(struct fetch_tls *t, const char *host, const char *ca_file, int tls12,
		     char *why, size_t whylen)
{
	static const char personal[] = "embark fetch";
	int ret = load_ca(t, ca_file, why, whylen);

	if (ret < 0)
		return ret;
	/* TLS 1.3's key schedule runs on PSA crypto (see crypto/mbedtls_config.h). */
	if (psa_crypto_init() != PSA_SUCCESS)
		return err_fail(why, whylen, -EIO, "PSA crypto did not initialise (no entropy?)");
	ret = mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy,
				    (const unsigned char *)personal, sizeof(personal) - 1);
	if (ret != 0)
		return err_fail(why, whylen, -EIO,
				"seeding the random generator from getrandom failed (-0x%04x)",
				(unsigned)-ret);
	ret = mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT,
					  MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret != 0)
		return err_fail(why, whylen, -EIO, "TLS configuration failed (-0x%04x)",
				(unsigned)-ret);
	mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
	mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
	mbedtls_ssl_conf_min_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_2);
	if (tls12)
		mbedtls_ssl_conf_max_tls_version(&t->conf, MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_sig_algs(&t->conf, tls12 ? sig_algs_tls12 : sig_algs);
	ret = mbedtls_ssl_setup(&t->ssl, &t->conf);
	if (ret != 0)
		return err_fail(why, whylen, ret == MBEDTLS_ERR_SSL_ALLOC_FAILED ? -ENOMEM : -EIO,
				"TLS setup failed (-0x%04x)", (unsigned)-ret);
	/* The name the certificate must carry (and the SNI the server picks it by). */
	ret = mbedtls_ssl_set_hostname(&t->ssl, host);
	if (ret != 0)
		return err_fail(why, whylen, -EINVAL, "host name '%s' refused by mbedTLS (-0x%04x)",
				host, (unsigned)-ret);
	mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
	return 0;
}

static int handshake(struct fetch_tls *t, const char *host, const char *ca_file, char *why,
		     size_t whylen)
{
	char info[256];
	uint32_t flags;
	unsigned tries = 0;
	int ret;

	t->deadline = fetch_now_ms() + (uint64_t)t->timeout_ms * TLS_HANDSHAKE_WAITS;
	do
		ret = mbedtls_ssl_handshake(&t->ssl);
	while ((ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE) &&
	       ++tries < TLS_RETRIES_MAX);
	t->deadline = 0;
	t->last_ret = ret;
	if (ret == 0)
		return 0;
	if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
		flags = mbedtls_ssl_get_verify_result(&t->ssl);
		if (mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags) < 0)
			snprintf(info, sizeof(info), "verification flags 0x%x", flags);
		/* One line: the info has a line per reason. */
		for (char *p = info; *p; p++)
			if (*p == '\n')
				*p = p[1] ? ';' : '\0';
		return err_fail(why, whylen, -EKEYREJECTED,
				"the server's certificate was refused for '%s': %s; embark trusts "
				"only the CAs in %s, checks the name and the dates (is the clock "
				"right?)", host, info, ca_file);
	}
	if (t->io_err)
		return err_fail(why, whylen, t->io_err, "during the TLS handshake: %s (%s)",
				errno_name(t->io_err), strerror(-t->io_err));
	return err_fail(why, whylen, -EPROTO, "%s (mbedTLS -0x%04x)", handshake_rule(ret),
			(unsigned)-ret);
}

/* One connection's TLS: a fresh context on C->fd. 0, -EAGAIN when the server chose TLS 1.2
 * with an RSA-PSS signature (see sig_algs), or -errno with WHY. */
static int tls_attempt(struct fetch_conn *c, const char *host, const char *ca_file, int tls12,
		       char *why, size_t whylen)
{
	struct fetch_tls *t = calloc(1, sizeof(*t));
	int ret;

	if (!t)
		return err_fail(why, whylen, -ENOMEM, "no memory for a TLS connection");
	mbedtls_ssl_init(&t->ssl);
	mbedtls_ssl_config_init(&t->conf);
	mbedtls_x509_crt_init(&t->ca);
	mbedtls_entropy_init(&t->entropy);
	mbedtls_ctr_drbg_init(&t->drbg);
	t->fd = c->fd;
	t->timeout_ms = c->timeout_ms;
	c->tls = t;
	ret = tls_setup(t, host, ca_file, tls12, why, whylen);
	if (ret == 0)
		ret = handshake(t, host, ca_file, why, whylen);
	if (ret == -EPROTO && !tls12 && t->last_ret == MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER &&
	    mbedtls_ssl_get_version_number(&t->ssl) == MBEDTLS_SSL_VERSION_TLS1_2)
		ret = -EAGAIN;
	if (ret < 0)
		tls_end(c);
	return ret;
}

int tls_start(struct fetch_conn *c, const char *host, const char *ca_file, char *why,
	      size_t whylen)
{
	int ret;

	if (!ca_file || !ca_file[0])
		return err_fail(why, whylen, -ENOKEY,
				"https needs a CA file to verify the server and none was given; "
				"pass --ca FILE (PID 1: put the CA certificates in %s); embark "
				"never downloads over unverified TLS", FETCH_DEFAULT_CA_FILE);
	ret = tls_attempt(c, host, ca_file, 0, why, whylen);
	if (ret != -EAGAIN)
		return ret;
	/* Once: a new connection, offering what that server chose (TLS 1.2) without PSS. */
	close(c->fd);
	c->fd = -1;
	ret = conn_connect(c, c->addr, c->port, c->timeout_ms);
	if (ret < 0)
		return err_fail(why, whylen, ret, "connecting again for TLS 1.2: %s (%s)",
				errno_name(ret), strerror(-ret));
	return tls_attempt(c, host, ca_file, 1, why, whylen);
}

ssize_t tls_read(struct fetch_conn *c, void *buf, size_t len)
{
	struct fetch_tls *t = c->tls;
	unsigned tries = 0;
	int ret;

	/* WANT_READ comes after a record that held no application data (a TLS 1.3 session
	 * ticket, which embark ignores): read again, a bounded number of times. */
	do
		ret = mbedtls_ssl_read(&t->ssl, buf, len);
	while ((ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE ||
		ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) &&
	       ++tries < TLS_RETRIES_MAX);
	if (ret > 0)
		return ret;
	if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY) {
		c->clean_eof = 1;
		return 0;
	}
	if (ret == MBEDTLS_ERR_SSL_CONN_EOF)
		return 0; /* TCP closed without close_notify: clean_eof stays 0 */
	return t->io_err ? t->io_err : -EPROTO;
}

int tls_write(struct fetch_conn *c, const void *buf, size_t len)
{
	struct fetch_tls *t = c->tls;
	size_t done = 0;
	unsigned tries = 0;

	while (done < len) {
		int ret = mbedtls_ssl_write(&t->ssl, (const unsigned char *)buf + done, len - done);

		if (ret > 0) {
			done += (size_t)ret;
			continue;
		}
		if ((ret != MBEDTLS_ERR_SSL_WANT_READ && ret != MBEDTLS_ERR_SSL_WANT_WRITE) ||
		    ++tries >= TLS_RETRIES_MAX)
			return t->io_err ? t->io_err : -EPROTO;
	}
	return 0;
}

void tls_end(struct fetch_conn *c)
{
	struct fetch_tls *t = c->tls;

	if (!t)
		return;
	mbedtls_ssl_free(&t->ssl);
	mbedtls_ssl_config_free(&t->conf);
	mbedtls_x509_crt_free(&t->ca);
	mbedtls_ctr_drbg_free(&t->drbg);
	mbedtls_entropy_free(&t->entropy);
	free(t);
	c->tls = NULL;
}
