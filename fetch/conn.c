/* One TCP connection with every wait bounded: the connect, each read and each write poll
 * for at most the caller's timeout, so a server that stops answering ends the download with
 * ETIMEDOUT instead of hanging PID 1. TLS connections go through tls.c, which uses the
 * socket helpers below for its own I/O. */
#include "fetch/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

/* Polls FD for EVENTS for at most TIMEOUT_MS: 0 ready, -ETIMEDOUT, -errno. */
static int wait_fd(int fd, short events, unsigned timeout_ms)
{
	uint64_t end = fetch_now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		uint64_t now = fetch_now_ms();
		int r;

		if (now >= end)
			return -ETIMEDOUT;
		r = poll(&pfd, 1, (int)(end - now));
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

int conn_connect(struct fetch_conn *c, uint32_t addr, uint16_t port, unsigned timeout_ms)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, ret = 0, soerr = 0;
	socklen_t len = sizeof(soerr);

	c->fd = -1;
	c->addr = addr;
	c->port = port;
	c->tls = NULL;
	c->clean_eof = 0;
	c->timeout_ms = timeout_ms;
	to.sin_addr.s_addr = addr;
	/* Non-blocking for good: every read and write polls first. */
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		if (errno != EINPROGRESS) {
			ret = -errno;
			goto out;
		}
		ret = wait_fd(fd, POLLOUT, timeout_ms);
		if (ret < 0)
			goto out;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0)
			ret = -errno;
		else if (soerr)
			ret = -soerr;
	}
out:
	if (ret < 0)
		close(fd);
	else
		c->fd = fd;
	return ret;
}

/* One recv (WRITE false) or send on a non-blocking socket, waiting up to TIMEOUT_MS each time
 * it is not ready. Each wait gets the full timeout: it bounds a stall, not the download. */
static ssize_t sock_io(int fd, void *buf, size_t len, unsigned timeout_ms, bool write)
{
	for (;;) {
		/* MSG_NOSIGNAL: a server that hung up is an error to report, not SIGPIPE. */
		ssize_t n = write ? send(fd, buf, len, MSG_NOSIGNAL) : recv(fd, buf, len, 0);
		int ret;

		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -errno;
		ret = wait_fd(fd, write ? POLLOUT : POLLIN, timeout_ms);
		if (ret < 0)
			return ret;
	}
}

ssize_t conn_sock_read(int fd, void *buf, size_t len, unsigned timeout_ms)
{
	return sock_io(fd, buf, len, timeout_ms, false);
}

ssize_t conn_sock_write(int fd, const void *buf, size_t len, unsigned timeout_ms)
{
	/* send() does not write to BUF; the cast only lets one loop serve both directions. */
	return sock_io(fd, (void *)buf, len, timeout_ms, true);
}

ssize_t conn_read(struct fetch_conn *c, void *buf, size_t len)
{
	if (c->tls)
		return tls_read(c, buf, len);
	return conn_sock_read(c->fd, buf, len, c->timeout_ms);
}

int conn_write(struct fetch_conn *c, const void *buf, size_t len)
{
	size_t done = 0;

	if (c->tls)
		return tls_write(c, buf, len);
	while (done < len) {
		ssize_t n = conn_sock_write(c->fd, (const char *)buf + done, len - done,
					    c->timeout_ms);

		if (n < 0)
			return (int)n;
		done += (size_t)n;
	}
	return 0;
}

void conn_close(struct fetch_conn *c)
{
	if (c->tls)
		tls_end(c);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
