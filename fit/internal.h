/* Shared by the files of fit/ only. */
#ifndef EMBARK_FIT_INTERNAL_H
#define EMBARK_FIT_INTERNAL_H

#include <stddef.h>

/* Formats ERR and returns CODE, for `return fit_fail(err, errlen, -EINVAL, "...")`. */
int fit_fail(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int fit_prop_str(const void *fdt, int node, const char *name, const char **out);
int fit_prop_strlist(const void *fdt, int node, const char *name, unsigned max,
		     int (*each)(const char *s, void *ctx), void *ctx);

#endif
