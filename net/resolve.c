/* The stub resolver: A queries over UDP to the lease's name servers. Each query goes from a
 * fresh socket connected to the server (a new random source port, and the kernel drops
 * datagrams from anyone else), with a new random id. */
#include "net/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DNS_PORT 53
#define DNS_REPLIES_MAX 16        /* datagrams read for one query */
#define DNS_WAIT_FIRST_MS 1000    /* the first round waits this long on each server ... */
#define DNS_WAIT_MAX_MS 4000      /* ... doubling each round up to this */
#define DNS_SERVERS_MAX 32

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One query to SERVER, waiting until WAIT_UNTIL. Returns 0 with *ADDR, -ETIMEDOUT, or the
 * server's answer as -errno. */
static int ask(uint32_t server, const char *host, uint64_t wait_until, uint32_t *addr)
{
	struct sockaddr_in sa = { 0 };
	uint8_t query[DNS_MSG_MAX], reply[DNS_MSG_MAX];
	uint32_t addrs[NET_RESOLVE_ADDRS_MAX];
	uint16_t id;
	int fd, qlen, r = -ETIMEDOUT;

	net_random(&id, sizeof(id));
	qlen = dns_build_query(query, sizeof(query), id, host);
	if (qlen < 0)
		return qlen;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	sa.sin_family = AF_INET;
	sa.sin_port = htons(DNS_PORT);
	sa.sin_addr.s_addr = htonl(server);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    send(fd, query, (size_t)qlen, 0) < 0) {
		r = -errno;
		goto out;
	}
	for (unsigned i = 0; i < DNS_REPLIES_MAX; i++) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		uint64_t now = now_ms();
		ssize_t n;
		int p;

		if (now >= wait_until)
			break;
		p = poll(&pfd, 1, (int)(wait_until - now));
		if (p < 0 && errno != EINTR) {
			r = -errno;
			goto out;
		}
		if (p <= 0)
			continue;
		n = recv(fd, reply, sizeof(reply), 0);
		if (n < 0) {
			/* ECONNREFUSED: an ICMP port unreachable, no name server there */
			if (errno == EINTR || errno == EAGAIN)
				continue;
			r = -errno;
			goto out;
		}
		r = dns_parse_a(reply, (size_t)n, id, host, addrs, NET_RESOLVE_ADDRS_MAX);
		if (r == -ENOMSG || r == -EBADMSG) {
			r = -ETIMEDOUT; /* not the answer: a late or forged datagram; keep waiting */
			continue;
		}
		if (r > 0) {
			*addr = addrs[0];
			r = 0;
		}
		goto out;
	}
out:
	close(fd);
	return r;
}

int net_resolve(const char *host, const uint32_t *servers, unsigned n, unsigned timeout_ms,
		uint32_t *addr)
{
	uint8_t probe[DNS_MSG_MAX];
	uint64_t deadline = now_ms() + timeout_ms;
	uint32_t done = 0; /* bit I: server I answered with an error; not asked again */
	int last = -ETIMEDOUT;

	if (!host || !addr)
		return -EINVAL;
	if (net_aton(host, addr) == 0)
		return 0;
	if (!servers || n == 0 || dns_build_query(probe, sizeof(probe), 0, host) < 0)
		return -EINVAL;
	if (n > DNS_SERVERS_MAX)
		n = DNS_SERVERS_MAX;
	for (unsigned k = 0; k < DNS_TRIES_MAX; k++) {
		unsigned i = k % n, round = k / n;
		uint64_t now = now_ms(), wait = DNS_WAIT_FIRST_MS << (round < 3 ? round : 3);
		int r;

		if (now >= deadline || done == (n == 32 ? 0xffffffffu : (1u << n) - 1))
			break;
		if (done & (1u << i))
			continue;
		if (wait > DNS_WAIT_MAX_MS)
			wait = DNS_WAIT_MAX_MS;
		r = ask(servers[i], host, now + wait < deadline ? now + wait : deadline, addr);
		if (r == 0 || r == -ENOENT || r == -ENODATA || r == -ELOOP || r == -EINVAL)
			return r; /* an answer about the name itself: other servers will agree */
		if (r != -ETIMEDOUT) {
			done |= 1u << i;
			last = r;
		}
	}
	return last;
}
