/* fsprobe_match: does a "UUID=…"-style spec name this filesystem or partition? These are the
 * names fstab, boot entries and the kernel's root= use; udev makes the /dev/disk/by-* links
 * from the same blkid values, so the comparison follows them: UUIDs case-insensitively (the
 * kernel's PARTUUID= lookup ignores case, and a vfat UUID is uppercase where people type it
 * lowercase), labels byte for byte. */
#include "fsprobe/internal.h"

#include <errno.h>
#include <string.h>

enum spec_kind { SPEC_UUID, SPEC_LABEL, SPEC_PARTUUID, SPEC_PARTLABEL };

static const struct {
	const char *prefix;
	enum spec_kind kind;
} spec_prefixes[] = {
	{ "UUID=", SPEC_UUID },
	{ "LABEL=", SPEC_LABEL },
	{ "PARTUUID=", SPEC_PARTUUID },
	{ "PARTLABEL=", SPEC_PARTLABEL },
};

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* 1 when HAVE equals the WANT_LEN bytes at WANT (case-folded for ASCII when FOLD). */
static int text_equal(const char *have, const char *want, size_t want_len, int fold)
{
	if (strlen(have) != want_len)
		return 0;
	for (size_t i = 0; i < want_len; i++) {
		int a = (unsigned char)have[i], b = (unsigned char)want[i];

		if (fold ? ascii_lower(a) != ascii_lower(b) : a != b)
			return 0;
	}
	return 1;
}

int fsprobe_match(const struct fsprobe_result *fs, const struct fsprobe_part *part,
		  const char *spec)
{
	const char *value = NULL;
	enum spec_kind kind = SPEC_UUID;
	size_t value_len;

	for (size_t i = 0; i < sizeof(spec_prefixes) / sizeof(spec_prefixes[0]); i++) {
		size_t n = strlen(spec_prefixes[i].prefix);

		if (strncmp(spec, spec_prefixes[i].prefix, n) == 0) {
			value = spec + n;
			kind = spec_prefixes[i].kind;
			break;
		}
	}
	if (!value)
		return -EINVAL;
	value_len = strlen(value);
	/* fstab and blkid's own output quote values: UUID="…". */
	if (value_len >= 2 && value[0] == '"' && value[value_len - 1] == '"') {
		value++;
		value_len -= 2;
	}
	if (value_len == 0)
		return 0;
	switch (kind) {
	case SPEC_UUID:
		return fs && text_equal(fs->uuid, value, value_len, 1);
	case SPEC_LABEL:
		return fs && !fs->label_inexact && text_equal(fs->label, value, value_len, 0);
	case SPEC_PARTUUID:
		return part && text_equal(part->partuuid, value, value_len, 1);
	case SPEC_PARTLABEL:
		return part && text_equal(part->partlabel, value, value_len, 0);
	}
	return 0;
}
