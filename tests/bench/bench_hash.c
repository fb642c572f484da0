/* bench-hash: throughput of embark's digests over one 64 MiB buffer in memory.
 * Prints one line per case, "ALGO BACKEND MB/s" (MB = 10^6 bytes, as openssl speed counts),
 * the best of several runs so that a noisy neighbour does not decide the figure.
 * Built twice by hash/module.mk: against the musl objects of the product, and as an
 * optimised host build; tests/bench/bench-hash.sh runs both and compares with openssl. */
#include "hash/hash.h"
#include "hash/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIZE (64u << 20)
#define RUNS 7

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double best_mbps(enum hash_algo algo, const uint8_t *buf)
{
	uint8_t out[HASH_MAX_DIGEST];
	double best = 0;

	for (int r = 0; r < RUNS; r++) {
		double t = now();

		if (hash_buffer(algo, buf, SIZE, out) != 0) {
			fprintf(stderr, "bench-hash: %s failed\n", hash_algo_name(algo));
			exit(1);
		}
		t = now() - t;
		if (SIZE / t / 1e6 > best)
			best = SIZE / t / 1e6;
	}
	return best;
}

static void report(enum hash_algo algo, const uint8_t *buf)
{
	printf("%s %s %.0f\n", hash_algo_name(algo), hash_backend(algo), best_mbps(algo, buf));
	fflush(stdout);
}

int main(void)
{
	uint8_t *buf = malloc(SIZE);
	uint32_t x = 1;

	if (!buf)
		return 1;
	/* Non-trivial contents, and every page touched before the clock starts. */
	for (size_t i = 0; i < SIZE; i++) {
		x = x * 1664525u + 1013904223u;
		buf[i] = x >> 24;
	}
	if (hash_force_backend(SHA256_IMPL_SHANI) == 0)
		report(HASH_SHA256, buf);
	hash_force_backend(SHA256_IMPL_MBEDTLS);
	report(HASH_SHA256, buf);
	report(HASH_SHA512, buf);
	report(HASH_SHA1, buf);
	report(HASH_CRC32, buf);
	free(buf);
	return 0;
}
