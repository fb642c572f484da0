/* A reading TFTP client: RRQ in octet mode with blksize, tsize and timeout (RFCs 2347-2349),
 * then lock-step DATA/ACK (RFC 1350).
 *
 * The server answers from a new port, its transfer ID; that port is locked with the first
 * reply and anything from elsewhere gets ERROR 5 and is otherwise ignored. Block numbers are
 * 16 bits and wrap from 65535 to 0 (as tftp-hpa and dnsmasq send them; a server wrapping to
 * 1 is followed too), so the offset in the file is counted separately in 64 bits. A repeated block is acknowledged again, never
 * written again. When nothing useful arrives for TFTP_RETRANSMIT_MS, the last packet is sent
 * again, TFTP_RETRIES times at most: strays and repeats never extend that deadline, so the
 * loop ends on progress or on time. */
#include "fetch/internal.h"
#include "util/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define TFTP_RETRANSMIT_MS 1000u
#define TFTP_ERRMSG_SHOWN 120 /* characters of a server's error message in ours */

enum { WAIT_FIRST, WAIT_DATA };

struct tftp_xfer {
	int sock;
	uint32_t server;
	uint16_t req_port;   /* where requests go (69) */
	uint16_t tid;        /* the server's transfer ID, once locked */
	int tid_locked;
	int phase;
	int with_options;    /* the RRQ asks for options (dropped after an ERROR 8) */
	unsigned asked_blksize, blksize, timeout_s, retries, interval_ms;
	int has_tsize;
	uint64_t tsize;
	uint64_t got;        /* bytes written: the offset of the next block */
	unsigned expected;   /* the next block number */
	int acked;           /* an ACK was sent: the last packet is one to repeat */
	uint8_t last[TFTP_REQUEST_MAX]; /* the last packet sent, for retransmission */
	size_t last_len;
	unsigned tries;
	uint64_t deadline;
	const char *filename, *shown;
	char srv[32];
	struct fetch_sink *sink;
};

static int send_to(struct tftp_xfer *x, uint16_t port, uint32_t addr, const void *p, size_t n)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };

	to.sin_addr.s_addr = addr;
	if (sendto(x->sock, p, n, MSG_NOSIGNAL, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

/* Sends the last packet again. The deadline stays: a repeat answers a repeat, it is no
 * progress, so a server that only ever repeats itself still runs out of time. */
static int send_last(struct tftp_xfer *x)
{
	return send_to(x, x->tid_locked ? x->tid : x->req_port, x->server, x->last, x->last_len);
}

/* Sends a new packet (an RRQ or an ACK) and keeps it for retransmission: progress, so the
 * retransmission count and the deadline start again. */
static int send_new(struct tftp_xfer *x, int len)
{
	if (len < 0)
		return len;
	x->last_len = (size_t)len;
	x->tries = 0;
	x->deadline = fetch_now_ms() + x->interval_ms;
	return send_last(x);
}

static int send_ack(struct tftp_xfer *x, unsigned block)
{
	x->acked = 1;
	return send_new(x, tftp_build_ack(x->last, sizeof(x->last), block));
}

static int send_rrq(struct tftp_xfer *x)
{
	int n = tftp_build_rrq(x->last, sizeof(x->last), x->filename, x->asked_blksize,
			       x->timeout_s, x->with_options);

	return send_new(x, n < 0 ? -ENAMETOOLONG : n);
}

/* Tells the server why the transfer ends (best effort: the server times out otherwise). */
static void send_error(struct tftp_xfer *x, unsigned code, const char *msg)
{
	uint8_t pkt[128];
	int n = tftp_build_error(pkt, sizeof(pkt), code, msg);

	if (n > 0 && x->tid_locked)
		(void)send_to(x, x->tid, x->server, pkt, (size_t)n);
}

static int code_errno(unsigned code)
{
	switch (code) {
	case TFTP_ENOTFOUND:
		return -ENOENT;
	case TFTP_EACCESS:
		return -EACCES;
	case TFTP_ENOSPACE:
		return -EFBIG;
	case TFTP_ENOTDEFINED:
		return -EIO;
	default:
		return -EPROTO;
	}
}

static const char *code_name(unsigned code)
{
	static const char *const names[] = {
		"not defined", "file not found", "access violation", "disk full or allocation exceeded",
		"illegal TFTP operation", "unknown transfer ID", "file already exists",
		"no such user", "option negotiation refused",
	};

	return code < ARRAY_SIZE(names) ? names[code] : "unknown error code";
}

static const char *code_hint(unsigned code)
{
	switch (code) {
	case TFTP_ENOTFOUND:
		return "check the file name: it is relative to the server's TFTP root";
	case TFTP_EACCESS:
		return "check that the server may read the file (permissions, its TFTP root)";
	case TFTP_ENOSPACE:
		return "the server refuses a file this large";
	default:
		return "see the server's log";
	}
}

static int server_error(struct tftp_xfer *x, const struct tftp_pkt *pkt, char *err,
			size_t errlen)
{
	char msg[TFTP_ERRMSG_SHOWN + 1];
	size_t n = 0;

	/* The message is for people: printable ASCII only, cut to a line's worth. */
	for (const char *s = pkt->error_msg; *s && n < TFTP_ERRMSG_SHOWN; s++)
		msg[n++] = *s >= 0x20 && *s < 0x7f ? *s : '?';
	msg[n] = '\0';
	return err_fail(err, errlen, code_errno(pkt->error_code),
			"%s: TFTP server %s sent ERROR %u (%s) \"%s\"; %s", x->shown, x->srv,
			pkt->error_code, code_name(pkt->error_code), msg, code_hint(pkt->error_code));
}

/* RFC 2347: the OACK may only confirm what was asked, each option once: blksize no larger
 * (RFC 2348), the timeout unchanged (RFC 2349), tsize the file's size, checked against the
 * limit now, before a single block. */
static int handle_oack(struct tftp_xfer *x, const struct tftp_pkt *pkt, char *err,
		       size_t errlen)
{
	const struct tftp_option *bad = NULL;

	x->blksize = TFTP_DEFAULT_BLKSIZE; /* an option left out of the OACK was not agreed */
	for (unsigned i = 0; i < pkt->n_options && !bad; i++) {
		const struct tftp_option *opt = &pkt->options[i];
		uint64_t v = 0;
		int ret;

		if (tftp_option_get(pkt, opt->name) != opt->value) {
			ret = -EINVAL; /* the same option twice */
		} else if (strcasecmp(opt->name, "blksize") == 0) {
			ret = tftp_option_number(opt->value, TFTP_BLKSIZE_MIN, x->asked_blksize, &v);
			if (ret == 0)
				x->blksize = (unsigned)v;
		} else if (strcasecmp(opt->name, "timeout") == 0) {
			ret = tftp_option_number(opt->value, x->timeout_s, x->timeout_s, &v);
		} else if (strcasecmp(opt->name, "tsize") == 0) {
			ret = tftp_option_number(opt->value, 0, INT64_MAX, &x->tsize);
			x->has_tsize = ret == 0;
		} else {
			ret = -EINVAL;
		}
		if (ret < 0)
			bad = opt;
	}
	if (bad) {
		send_error(x, TFTP_EOPTNEG, "option refused");
		return err_fail(err, errlen, -EPROTO,
				"%s: TFTP server %s answered option %.20s=%.20s, which it may not "
				"(asked: blksize %u, timeout %u, tsize 0; RFCs 2347-2349 allow each "
				"once, blksize 8 to the size asked, the same timeout); fix or replace "
				"the server", x->shown, x->srv, bad->name, bad->value, x->asked_blksize,
				x->timeout_s);
	}
	if (x->has_tsize && x->tsize > x->sink->max) {
		send_error(x, TFTP_ENOSPACE, "file larger than the client's limit");
		return err_fail(err, errlen, -EFBIG,
				"%s: the file is %llu bytes (TFTP tsize from %s), larger than the "
				"limit of %llu bytes: EFBIG; raise the limit (--max) or check the file",
				x->shown, (unsigned long long)x->tsize, x->srv,
				(unsigned long long)x->sink->max);
	}
	x->sink->total = x->has_tsize ? x->tsize : 0;
	return 0;
}

/* One DATA packet: the expected block is written and acknowledged, the previous one only
 * acknowledged again. Returns 1 when the transfer is complete, 0 to go on, or -errno. */
static int handle_data(struct tftp_xfer *x, const struct tftp_pkt *pkt, char *err,
		       size_t errlen)
{
	int ret;

	if (x->phase == WAIT_FIRST) {
		/* DATA straight after the RRQ: the server ignored the options (RFC 1350 rules). */
		x->blksize = TFTP_DEFAULT_BLKSIZE;
		x->phase = WAIT_DATA;
	}
	/* After block 65535 comes 0; a server that wraps to 1 instead is followed too. */
	if (pkt->block != x->expected && !(x->expected == 0 && pkt->block == 1 && x->got > 0)) {
		if (x->acked && pkt->block == ((x->expected - 1) & 0xffff))
			return send_last(x) < 0 ? -EIO : 0; /* our ACK was lost: repeat it */
		return 0; /* an old block still in flight */
	}
	if (pkt->data_len > x->blksize) {
		send_error(x, TFTP_EBADOP, "block larger than blksize");
		return err_fail(err, errlen, -EPROTO,
				"%s: TFTP server %s sent block %u of %zu bytes, more than the "
				"negotiated blksize %u (RFC 2348); fix or replace the server",
				x->shown, x->srv, pkt->block, pkt->data_len, x->blksize);
	}
	ret = sink_write(x->sink, x->got, pkt->data, pkt->data_len);
	if (ret == -EFBIG) {
		send_error(x, TFTP_ENOSPACE, "file larger than the client's limit");
		return err_fail(err, errlen, ret,
				"%s: the file from TFTP server %s is larger than the limit of %llu "
				"bytes: EFBIG; raise the limit (--max) or check the file",
				x->shown, x->srv, (unsigned long long)x->sink->max);
	}
	if (ret < 0) {
		send_error(x, TFTP_ENOTDEFINED, "client write error");
		return err_fail(err, errlen, ret, "%s: writing block %u to memory: %s (%s)",
				x->shown, pkt->block, errno_name(ret), strerror(-ret));
	}
	x->got += pkt->data_len;
	x->expected = (pkt->block + 1) & 0xffff;
	ret = send_ack(x, pkt->block);
	if (ret < 0)
		return err_fail(err, errlen, ret, "%s: sending ACK %u to %s: %s (%s)", x->shown,
				pkt->block, x->srv, errno_name(ret), strerror(-ret));
	return pkt->data_len < x->blksize ? 1 : 0;
}

/* One datagram from the server's transfer ID. 1: complete, 0: go on, -errno. */
static int handle_packet(struct tftp_xfer *x, const uint8_t *buf, size_t n, char *err,
			 size_t errlen)
{
	struct tftp_pkt pkt;
	int ret = tftp_parse(buf, n, &pkt);

	if (ret < 0) {
		send_error(x, TFTP_EBADOP, "malformed packet");
		return err_fail(err, errlen, -EPROTO,
				"%s: TFTP server %s sent a malformed packet of %zu bytes (opcode "
				"%u; RFC 1350/2347 packet formats); fix or replace the server",
				x->shown, x->srv, n, n >= 2 ? (unsigned)buf[0] << 8 | buf[1] : 0u);
	}
	switch (pkt.opcode) {
	case TFTP_ERROR:
		if (pkt.error_code == TFTP_EOPTNEG && x->phase == WAIT_FIRST && x->with_options) {
			/* A server that refuses options gets a plain RFC 1350 request, once. */
			x->with_options = 0;
			x->tid_locked = 0;
			return send_rrq(x);
		}
		return server_error(x, &pkt, err, errlen);
	case TFTP_OACK:
		if (x->phase == WAIT_DATA && x->got == 0 && x->expected == 1)
			return send_last(x) < 0 ? -EIO : 0; /* our ACK 0 was lost */
		if (x->phase != WAIT_FIRST || !x->with_options)
			break;
		ret = handle_oack(x, &pkt, err, errlen);
		if (ret < 0)
			return ret;
		x->phase = WAIT_DATA;
		return send_ack(x, 0);
	case TFTP_DATA:
		return handle_data(x, &pkt, err, errlen);
	default:
		break;
	}
	send_error(x, TFTP_EBADOP, "unexpected packet");
	return err_fail(err, errlen, -EPROTO,
			"%s: TFTP server %s sent an unexpected opcode %u while a read was in "
			"progress (RFC 1350); fix or replace the server",
			x->shown, x->srv, pkt.opcode);
}

/* Waits for and handles one datagram, or retransmits when the deadline passed.
 * 1: complete, 0: go on, -errno. */
static int step(struct tftp_xfer *x, uint8_t *buf, size_t cap, char *err, size_t errlen)
{
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	struct pollfd pfd = { .fd = x->sock, .events = POLLIN };
	uint64_t now = fetch_now_ms();
	ssize_t n;
	int ret;

	if (now >= x->deadline) {
		if (++x->tries > x->retries)
			return err_fail(err, errlen, -ETIMEDOUT,
					"%s: no answer from TFTP server %s for %u s (%s after %llu "
					"bytes): ETIMEDOUT; check the address, that a TFTP server "
					"runs there and that UDP to port %u and its replies pass",
					x->shown, x->srv, x->retries * x->interval_ms / 1000,
					x->phase == WAIT_FIRST ? "no reply to the request" :
					"the transfer stalled",
					(unsigned long long)x->got, x->req_port);
		x->deadline = now + x->interval_ms;
		ret = send_last(x);
		return ret < 0 ? err_fail(err, errlen, ret, "%s: sending to %s: %s (%s)",
					  x->shown, x->srv, errno_name(ret), strerror(-ret)) : 0;
	}
	ret = poll(&pfd, 1, (int)(x->deadline - now));
	if (ret < 0 && errno == EINTR)
		return 0;
	if (ret < 0)
		return err_fail(err, errlen, -errno, "%s: poll: %s", x->shown, strerror(errno));
	if (ret == 0)
		return 0;
	n = recvfrom(x->sock, buf, cap, MSG_TRUNC, (struct sockaddr *)&from, &flen);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 :
		       err_fail(err, errlen, -errno, "%s: receiving from %s: %s (%s)", x->shown,
				x->srv, errno_name(-errno), strerror(errno));
	if (from.sin_addr.s_addr != x->server ||
	    (x->tid_locked && ntohs(from.sin_port) != x->tid)) {
		/* RFC 1350 section 4: a stranger gets ERROR 5; the transfer goes on. */
		uint8_t pkt[64];
		int len = tftp_build_error(pkt, sizeof(pkt), TFTP_EBADTID, "Unknown transfer ID");

		(void)send_to(x, ntohs(from.sin_port), from.sin_addr.s_addr, pkt, (size_t)len);
		return 0;
	}
	if (!x->tid_locked) {
		x->tid = ntohs(from.sin_port);
		x->tid_locked = 1;
	}
	if ((size_t)n > cap)
		n = (ssize_t)cap; /* truncated: longer than any block; handle_data refuses it */
	return handle_packet(x, buf, (size_t)n, err, errlen);
}

long long tftp_download(uint32_t server, uint16_t port, const char *filename, const char *shown,
			struct fetch_sink *sink, const struct fetch_opts *o, char *err,
			size_t errlen)
{
	static uint8_t buf[TFTP_PACKET_MAX + 1]; /* 64 KiB off the stack */
	static struct tftp_xfer x;
	int ret;

	memset(&x, 0, sizeof(x));
	x.server = server;
	x.req_port = port;
	x.filename = filename;
	x.shown = shown;
	x.sink = sink;
	x.with_options = 1;
	x.asked_blksize = o->tftp_blksize;
	x.expected = 1;
	x.interval_ms = o->timeout_ms < TFTP_RETRANSMIT_MS ? o->timeout_ms : TFTP_RETRANSMIT_MS;
	x.retries = o->timeout_ms / x.interval_ms;
	x.timeout_s = (x.interval_ms + 999) / 1000;
	fetch_addr_str(server, port, x.srv, sizeof(x.srv));
	if (x.asked_blksize < TFTP_BLKSIZE_MIN || x.asked_blksize > TFTP_BLKSIZE_MAX)
		return err_fail(err, errlen, -EINVAL, "%s: TFTP blksize %u is outside %u-%u "
				"(RFC 2348)", shown, x.asked_blksize, TFTP_BLKSIZE_MIN,
				TFTP_BLKSIZE_MAX);
	if (!filename[0] || strlen(filename) > TFTP_REQUEST_MAX - 64)
		return err_fail(err, errlen, -ENAMETOOLONG,
				"%s: the TFTP file name must be 1 to %u bytes (a request with its "
				"options fits %u bytes, RFC 2347)", shown, TFTP_REQUEST_MAX - 64,
				TFTP_REQUEST_MAX);
	x.sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (x.sock < 0)
		return err_fail(err, errlen, -errno, "%s: socket: %s", shown, strerror(errno));
	ret = send_rrq(&x);
	if (ret < 0) {
		ret = err_fail(err, errlen, ret, "%s: sending the request to %s: %s (%s); check "
			       "the network link and route", shown, x.srv, errno_name(ret),
			       strerror(-ret));
		goto out;
	}
	/* Ends on completion, an error, or TFTP_RETRIES deadlines without progress (step). */
	do
		ret = step(&x, buf, sizeof(buf) - 1, err, errlen);
	while (ret == 0);
	if (ret < 0)
		goto out;
	if (x.has_tsize && x.got != x.tsize) {
		ret = err_fail(err, errlen, -EIO,
			       "%s: TFTP server %s announced %llu bytes (tsize) but sent %llu; the "
			       "file changed during the transfer, try again", shown, x.srv,
			       (unsigned long long)x.tsize, (unsigned long long)x.got);
		goto out;
	}
	ret = 0;
out:
	close(x.sock);
	return ret < 0 ? ret : (long long)x.got;
}
