/* Fuzzes the control-DTB keyring reader: any bytes, then keyring_free (leak-checked). */
#include "crypto/crypto.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct keyring kr;
	char err[CRYPTO_ERR_MAX];
	int rc;

	keyring_init(&kr);
	err[0] = '\0';
	rc = keyring_add_dtb(&kr, data, size, err, sizeof(err));
	if (rc < 0 && err[0] == '\0')
		abort();
	keyring_free(&kr);
	return 0;
}
