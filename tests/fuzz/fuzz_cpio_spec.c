/* Fuzzes the gen_init_cpio list parser (parse, sort, duplicate and parent checks; no file
 * I/O). Every accepted spec must satisfy what the writer relies on. */
#include "initramfs/initramfs.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_spec spec;
	char err[CPIO_ERR_MAX];
	size_t i;
	int rc;

	rc = cpio_spec_parse(data, size, "fuzz", &spec, err, sizeof(err));
	if (rc < 0) {
		if (err[0] == '\0' || spec.count != 0)
			abort();
		goto out;
	}
	if ((size_t)rc != spec.count)
		abort();
	for (i = 0; i < spec.count; i++) {
		const struct cpio_spec_entry *e = &spec.entries[i];

		/* Sorted, unique, bounded names without a leading '/'; inodes in order. */
		if (e->name[0] == '/' || e->name[0] == '\0' || strlen(e->name) >= CPIO_NAME_MAX)
			abort();
		if (i > 0 && strcmp(spec.entries[i - 1].name, e->name) >= 0)
			abort();
		if (e->ino == 0 || e->ino > i + 1 || e->nlink == 0)
			abort();
		if ((e->type == CPIO_ENTRY_FILE || e->type == CPIO_ENTRY_SLINK) !=
		    (e->location != NULL))
			abort();
		if ((e->mode & ~(CPIO_S_IFMT | CPIO_PERM_MASK)) != 0)
			abort();
	}
out:
	cpio_spec_free(&spec);
	return 0;
}
