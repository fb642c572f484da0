/* The keyring PID 1 verifies with: every file in /etc/embark/keys of the initramfs (U-Boot
 * control DTBs made by `mkimage -K`, PEM public keys, X.509 certificates). The initramfs is
 * part of the firmware image, so these keys are as trusted as the firmware itself. */
#include "init/internal.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_FILES_MAX 32

int keys_load(struct keyring *kr, const char *dir)
{
	static char names[KEY_FILES_MAX][256];
	char path[320], err[CRYPTO_ERR_MAX];
	struct dirent *de;
	unsigned n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < KEY_FILES_MAX) {
		if (de->d_name[0] == '.' || str_copy(names[n], sizeof(names[n]), de->d_name) < 0)
			continue;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), strarr_cmp);
	for (unsigned i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%.60s/%.255s", dir, names[i]);
		if (keyring_add_file(kr, path, err, sizeof(err)) < 0)
			elog(LOG_ERR, "keyring %s: %s; this file's keys are not trusted", path, err);
	}
	return (int)kr->n;
}
