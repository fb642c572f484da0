/* Fuzzes the newc reader: any bytes, walked in full; the callback touches every name and data
 * byte it is given so that ASan sees any pointer that strays outside the input. */
#include "initramfs/initramfs.h"

#include <stdlib.h>
#include <string.h>

static int touch_member(const struct cpio_member *m, void *ctx)
{
	unsigned *sum = ctx;
	size_t i;

	/* The name is NUL-terminated at name_len, inside the buffer. */
	if (strlen(m->name) != m->name_len)
		abort();
	for (i = 0; i < m->size; i++)
		*sum += m->data[i];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[CPIO_ERR_MAX];
	unsigned sum = 0;
	int rc;

	rc = cpio_walk(data, size, touch_member, &sum, err, sizeof(err));
	/* Every failure explains itself. */
	if (rc < 0 && err[0] == '\0')
		abort();
	return 0;
}
