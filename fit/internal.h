/* Shared by the files of fit/ only. */
#ifndef EMBARK_FIT_INTERNAL_H
#define EMBARK_FIT_INTERNAL_H

#include "util/util.h"

#include <stddef.h>

int fit_prop_str(const void *fdt, int node, const char *name, const char **out);
int fit_prop_strlist(const void *fdt, int node, const char *name, unsigned max,
		     int (*each)(const char *s, void *ctx), void *ctx);

#endif
