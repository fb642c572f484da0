/* SHA-256 message handling (FIPS 180-4 §5.1.1, §5.3.3): the initial value, the 64-byte
 * block buffer and the final padding, around any block function. It is separate from the
 * block function so that the SHA-NI file holds nothing but code compiled for SHA-NI. */
#include "hash/internal.h"

#include <string.h>

static const uint32_t sha256_iv[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void sha256_md_init(struct sha256_md *s)
{
	memcpy(s->h, sha256_iv, sizeof(s->h));
	s->len = 0;
}

void sha256_md_update(struct sha256_md *s, const uint8_t *p, size_t len, sha256_blocks_fn *fn)
{
	size_t have = s->len % 64;

	/* An empty update may come with a NULL pointer, which memcpy must never see. */
	if (len == 0)
		return;
	s->len += len;
	if (have) {
		size_t take = 64 - have < len ? 64 - have : len;

		memcpy(s->buf + have, p, take);
		p += take;
		len -= take;
		if (have + take < 64)
			return;
		fn(s->h, s->buf, 1);
	}
	/* Whole blocks go straight from the caller's buffer: no copy on the fast path. */
	if (len >= 64) {
		fn(s->h, p, len / 64);
		p += len & ~(size_t)63;
		len &= 63;
	}
	if (len)
		memcpy(s->buf, p, len);
}

void sha256_md_final(struct sha256_md *s, uint8_t out[32], sha256_blocks_fn *fn)
{
	size_t have = s->len % 64;
	uint64_t bits = s->len * 8;

	/* 0x80, zeros up to 56 mod 64, then the message length in bits, big-endian. */
	s->buf[have++] = 0x80;
	if (have > 56) {
		memset(s->buf + have, 0, 64 - have);
		fn(s->h, s->buf, 1);
		have = 0;
	}
	memset(s->buf + have, 0, 56 - have);
	put_be32(s->buf + 56, (uint32_t)(bits >> 32));
	put_be32(s->buf + 60, (uint32_t)bits);
	fn(s->h, s->buf, 1);
	for (int i = 0; i < 8; i++)
		put_be32(out + 4 * i, s->h[i]);
}
