/* A directory's names, filtered and sorted: boot entries, configs and keys are taken in an
 * order that does not depend on the filesystem's readdir order. */
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int dir_names(const char *dir, const struct dir_names_opts *o, char (*names)[DIR_NAME_MAX],
	      unsigned cap, bool *more)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;

	if (more)
		*more = false;
	if (!d)
		return -errno;
	/* SCAN_MAX bounds the loop whatever the directory holds. */
	for (unsigned seen = 0; seen < o->scan_max && (de = readdir(d)); seen++) {
		if (de->d_name[0] == '.' || (o->keep && !o->keep(de->d_name)))
			continue;
		if (n == cap) {
			if (more)
				*more = true;
			break;
		}
		if (str_copy(names[n], DIR_NAME_MAX, de->d_name) == 0)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), o->cmp ? o->cmp : strarr_cmp);
	return (int)n;
}
