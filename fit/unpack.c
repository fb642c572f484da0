/* Image data as the loader wants it: "none" is the data itself, "gzip" is inflated with zlib
 * (built from Debian's source for both builds). The output size is bounded by the caller's
 * buffer: a gzip stream is an easy way to ask for unbounded memory. */
#include "fit/fit.h"
#include "fit/internal.h"

#include <errno.h>
#include <string.h>
#include <zlib.h>

size_t fit_image_unpacked_hint(const struct fit_image *img)
{
	const uint8_t *t;

	if (strcmp(img->compression, "none") == 0)
		return img->size;
	if (strcmp(img->compression, "gzip") == 0 && img->size >= 18) {
		t = img->data + img->size - 4; /* ISIZE: the input size mod 2^32 */
		return (size_t)t[0] | (size_t)t[1] << 8 | (size_t)t[2] << 16 | (size_t)t[3] << 24;
	}
	return 0;
}

static long gunzip(const struct fit_image *img, uint8_t *out, size_t cap, char *err,
		   size_t errlen)
{
	z_stream zs;
	long r;
	int z;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return err_fail(err, errlen, -ENOMEM, "/images/%s: zlib init failed", img->name);
	zs.next_in = (Bytef *)(uintptr_t)img->data;
	zs.next_out = out;
	/* zlib counts in uInt; the loop feeds at most 1 GiB at a time. */
	do {
		size_t in_left = img->size - (size_t)((const uint8_t *)zs.next_in - img->data);
		size_t out_left = cap - (size_t)(zs.next_out - out);

		zs.avail_in = (uInt)(in_left > (1u << 30) ? (1u << 30) : in_left);
		zs.avail_out = (uInt)(out_left > (1u << 30) ? (1u << 30) : out_left);
		if (zs.avail_out == 0) {
			z = Z_BUF_ERROR;
			break;
		}
		z = inflate(&zs, Z_NO_FLUSH);
	} while (z == Z_OK);
	if (z == Z_STREAM_END) {
		r = (long)(zs.next_out - out);
	} else if (z == Z_BUF_ERROR && (size_t)(zs.next_out - out) == cap) {
		r = err_fail(err, errlen, -EFBIG, "/images/%s: inflates to more than %zu bytes",
			     img->name, cap);
	} else {
		r = err_fail(err, errlen, -EBADMSG, "/images/%s: corrupt gzip data (%s)",
			     img->name, zs.msg ? zs.msg : "truncated");
	}
	inflateEnd(&zs);
	return r;
}

long fit_image_unpack(const struct fit_image *img, uint8_t *out, size_t cap, char *err,
		      size_t errlen)
{
	if (strcmp(img->compression, "none") == 0) {
		if (img->size > cap)
			return err_fail(err, errlen, -EFBIG, "/images/%s: %zu bytes do not fit in %zu",
					img->name, img->size, cap);
		memcpy(out, img->data, img->size);
		return (long)img->size;
	}
	if (strcmp(img->compression, "gzip") == 0)
		return gunzip(img, out, cap, err, errlen);
	return err_fail(err, errlen, -ENOTSUP,
			"unsupported compression '%s' in image '%s' (embark reads none and gzip)",
			img->compression, img->name);
}
