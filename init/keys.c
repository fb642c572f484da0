/* The keyring PID 1 verifies with: every file in /etc/embark/keys of the initramfs (U-Boot
 * control DTBs made by `mkimage -K`, PEM public keys, X.509 certificates). The initramfs is
 * part of the firmware image, so these keys are as trusted as the firmware itself. */
#include "init/internal.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_FILES_MAX 32

int keys_load(struct keyring *kr, const char *dir)
{
	static const struct dir_names_opts all = { .scan_max = KEY_FILES_MAX * 4 };
	static char names[KEY_FILES_MAX][DIR_NAME_MAX];
	char path[320], err[CRYPTO_ERR_MAX];
	bool more;
	int n = dir_names(dir, &all, names, KEY_FILES_MAX, &more);

	if (more)
		elog(LOG_ERR, "keyring %s: more than %d files; only the first %d (by name) are read",
		     dir, KEY_FILES_MAX, KEY_FILES_MAX);
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%.60s/%.255s", dir, names[i]);
		if (keyring_add_file(kr, path, err, sizeof(err)) < 0)
			elog(LOG_ERR, "keyring %s: %s; this file's keys are not trusted", path, err);
	}
	return (int)kr->n;
}
