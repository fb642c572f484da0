/* The only entropy source of embark's mbedTLS (crypto/mbedtls_config.h:
 * MBEDTLS_ENTROPY_HARDWARE_ALT with MBEDTLS_NO_PLATFORM_ENTROPY): getrandom(2) without
 * flags, which blocks until the kernel's pool is initialised once after boot and never
 * returns predictable bytes — a TLS key share from an unseeded pool would be guessable.
 * mbedTLS's own source would fall back to /dev/urandom, which early in boot does not wait. */
#define MBEDTLS_CONFIG_FILE "crypto/mbedtls_config.h"

#include <mbedtls/entropy.h>

#include <errno.h>
#include <sys/random.h>

#ifndef EMBARK_MBEDTLS_CONFIG_H
#error "mbedTLS headers were included with another configuration than crypto/mbedtls_config.h"
#endif

/* Declared in mbedTLS's private library/entropy_poll.h, which is not installed. */
int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
	size_t done = 0;

	*olen = 0;
	/* getrandom returns at most 32 MiB a call and may be interrupted: loop to LEN (the
	 * entropy module asks for at most MBEDTLS_ENTROPY_MAX_GATHER bytes). */
	while (done < len) {
		ssize_t n = getrandom(output + done, len - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return MBEDTLS_ERR_ENTROPY_SOURCE_FAILED;
		done += (size_t)n;
	}
	*olen = done;
	return 0;
}
