/* BLS over arbitrary bytes: the entry parser and the loader.conf parser on the whole input;
 * the file-name splitter, the default glob and the version order on NUL-split pieces of it. */
#include "bootcfg/bootcfg.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Pieces are copied out so every string is terminated; longer ones are cut. */
static char piece_a[512], piece_b[512];

static void split(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t la = nul ? (size_t)(nul - data) : size, lb = nul ? size - la - 1 : 0;

	if (la >= sizeof(piece_a))
		la = sizeof(piece_a) - 1;
	if (lb >= sizeof(piece_b))
		lb = sizeof(piece_b) - 1;
	memcpy(piece_a, data, la);
	piece_a[la] = '\0';
	if (nul)
		memcpy(piece_b, nul + 1, lb);
	piece_b[lb] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_entry e;
	static struct bls_loader_conf conf;
	char err[160], id[BOOT_ID_MAX];
	int left, done, ab, ba;

	if (bls_parse((const char *)data, size, "fuzz", &e, err, sizeof(err)) == 0) {
		if (!memchr(e.cmdline, 0, sizeof(e.cmdline)) || !e.kernel[0] ||
		    e.n_initrds > BOOT_MAX_INITRDS || e.n_overlays > BOOT_MAX_INITRDS)
			__builtin_trap();
	}
	if (bls_loader_conf_parse((const char *)data, size, &conf, err, sizeof(err)) == 0) {
		if (!memchr(conf.default_pattern, 0, sizeof(conf.default_pattern)) ||
		    conf.timeout_s < BOOT_TIMEOUT_WAIT)
			__builtin_trap();
	}

	split(data, size);
	if (bls_entry_name(piece_a, id, sizeof(id), &left, &done) == 1 &&
	    (left < 0 || done < 0 || strlen(id) >= strlen(piece_a)))
		__builtin_trap();
	(void)bls_id_matches(piece_a, piece_b);
	/* The version order is antisymmetric and reflexive. */
	ab = bootcfg_vercmp(piece_a, piece_b);
	ba = bootcfg_vercmp(piece_b, piece_a);
	if (ab != -ba || ab < -1 || ab > 1 || bootcfg_vercmp(piece_a, piece_a) != 0)
		__builtin_trap();
	ab = bootcfg_vercmp_boot(piece_a, piece_b);
	if (ab != -bootcfg_vercmp_boot(piece_b, piece_a))
		__builtin_trap();
	return 0;
}
