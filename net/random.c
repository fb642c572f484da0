/* Random bytes for DHCP xids, DNS ids and the backoff jitter. They must be unpredictable to
 * other hosts, not secret: before the kernel's pool is ready (early boot on old kernels)
 * getrandom would block, so a mix of the clocks and the address of the stack stands in. */
#include "net/net.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#define RANDOM_TRIES_MAX 4

/* splitmix64: a well-mixed stream from any seed */
static uint64_t mix(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void fallback(uint8_t *p, size_t len)
{
	static uint64_t state;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	clock_gettime(CLOCK_REALTIME, &b);
	state ^= (uint64_t)a.tv_nsec ^ ((uint64_t)a.tv_sec << 32) ^ (uint64_t)b.tv_nsec * 31 ^
		 (uint64_t)b.tv_sec ^ (uint64_t)(uintptr_t)&a;
	while (len > 0) {
		uint64_t v = mix(&state);
		size_t n = len < sizeof(v) ? len : sizeof(v);

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

void net_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (int tries = 0; tries < RANDOM_TRIES_MAX && len > 0; tries++) {
		ssize_t n = getrandom(p, len, GRND_NONBLOCK);

		if (n < 0 && errno != EINTR)
			break;
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		}
	}
	if (len > 0)
		fallback(p, len);
}
