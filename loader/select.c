/* Choosing the load path. kexec_file_load first: the running kernel parses the image, and
 * under lockdown or KEXEC_SIG_FORCE it checks the signature. embark's own kexec_load path
 * follows only where kexec_file_load could not do the job (no such syscall, or an image the
 * kernel's probe did not take), never where the kernel said "not allowed": that refusal is
 * the point, and kexec_load must not become a way around it. */
#include "loader/loader.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const mode_names[] = {
	[LOADER_AUTO] = "auto",
	[LOADER_FILE] = "file",
	[LOADER_SEGMENTS] = "segments",
};

const char *loader_mode_name(enum loader_mode mode)
{
	return (unsigned)mode < ARRAY_SIZE(mode_names) ? mode_names[mode] : "?";
}

int loader_mode_parse(const char *s, size_t n, enum loader_mode *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(mode_names); i++) {
		if (strlen(mode_names[i]) == n && memcmp(s, mode_names[i], n) == 0) {
			*out = (enum loader_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool loader_should_fall_back(int err)
{
	switch (err < 0 ? -err : err) {
	case ENOSYS:  /* no CONFIG_KEXEC_FILE */
	case ENOEXEC: /* the kernel's bzImage probe refused the image */
	case EINVAL:  /* the kernel's loader refused the arguments or the image */
		return true;
	}
	return false;
}

int loader_load(int kernel_fd, int initrd_fd, const char *cmdline, enum loader_mode mode,
		char *msg, size_t msglen)
{
	char first[384];
	int r, r2;

	if (mode == LOADER_SEGMENTS)
		return loader_load_segments(kernel_fd, initrd_fd, cmdline, msg, msglen);
	r = loader_kexec_file(kernel_fd, initrd_fd, cmdline);
	if (r == 0) {
		snprintf(msg, msglen, "kexec_file_load: the running kernel placed the image");
		return 0;
	}
	snprintf(first, sizeof(first), "kexec_file_load failed: %s (%s): %s", errno_name(r),
		 strerror(-r), loader_explain(r));
	if (mode == LOADER_FILE || !loader_should_fall_back(r)) {
		snprintf(msg, msglen, "%s", first);
		return r;
	}
	r2 = loader_load_segments(kernel_fd, initrd_fd, cmdline, msg, msglen);
	if (r2 == 0) {
		char loaded[768];

		snprintf(loaded, sizeof(loaded), "%s (after kexec_file_load: %s)", msg,
			 errno_name(r));
		snprintf(msg, msglen, "%s", loaded);
		return 0;
	}
	{
		char second[768];

		snprintf(second, sizeof(second), "%s", msg);
		snprintf(msg, msglen, "%s; then %s", first, second);
	}
	/* The first refusal is the one to act on when both paths agree the image is bad. */
	return r2 == -ENOEXEC ? r : r2;
}
