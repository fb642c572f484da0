/* SHA-256 block function with the x86 SHA extensions (SHA-NI), after the method of Intel's
 * "Intel SHA Extensions" paper (2013): the eight working variables live in two registers,
 * ABEF and CDGH; sha256rnds2 performs two rounds, sha256msg1/msg2 the message schedule.
 *
 * This is the only file built with -msha -mssse3 -msse4.1 (see hash/module.mk), so it must
 * hold nothing but code that runs after cpu_x86_sha_ni() said yes: the compiler is free to
 * use those instructions anywhere in it. On other architectures it compiles to nothing. */
#include "hash/internal.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

/* FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes. Aligned for _mm_load_si128. */
static const uint32_t sha256_k[64] __attribute__((aligned(16))) = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* Rounds 4g..4g+3 with message words W. sha256rnds2 does two rounds and takes W+K from the
 * low two dwords of its last operand; its result is the new ABEF, and after two rounds the
 * old ABEF is the new CDGH, so the two registers trade roles twice and end where they began. */
static inline void rounds4(__m128i *abef, __m128i *cdgh, __m128i w, int g)
{
	__m128i wk = _mm_add_epi32(w, _mm_load_si128((const __m128i *)&sha256_k[4 * g]));

	*cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
	*abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0e));
}

/* W[t..t+3] from W[t-16..t-1] held as four vectors W0..W3 (oldest first):
 * W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]. msg1 adds the σ0 terms to W[t-16..],
 * the alignr picks W[t-7..t-4] across W2 and W3, and msg2 adds the σ1 terms, including those
 * of the two words it has just produced. */
static inline __m128i schedule(__m128i w0, __m128i w1, __m128i w2, __m128i w3)
{
	__m128i t = _mm_sha256msg1_epu32(w0, w1);

	t = _mm_add_epi32(t, _mm_alignr_epi8(w3, w2, 4));
	return _mm_sha256msg2_epu32(t, w3);
}

void sha256_x86_blocks(uint32_t state[8], const uint8_t *p, size_t nblocks)
{
	/* Message words are big-endian: swap the bytes of each dword on load. */
	const __m128i bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
	__m128i abcd = _mm_loadu_si128((const __m128i *)&state[0]);
	__m128i efgh = _mm_loadu_si128((const __m128i *)&state[4]);
	/* Listing dwords 3..0 (Intel's order): abcd = D C B A and efgh = H G F E in memory
	 * order; the rounds want abef = A B E F and cdgh = C D G H. */
	__m128i t0 = _mm_shuffle_epi32(abcd, 0xb1); /* C D A B */
	__m128i t1 = _mm_shuffle_epi32(efgh, 0x1b); /* E F G H */
	__m128i abef = _mm_alignr_epi8(t0, t1, 8);  /* A B | E F */
	__m128i cdgh = _mm_blend_epi16(t1, t0, 0xf0); /* C D | G H */

	for (; nblocks; nblocks--, p += 64) {
		__m128i abef0 = abef, cdgh0 = cdgh;
		__m128i w0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 0)), bswap);
		__m128i w1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), bswap);
		__m128i w2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), bswap);
		__m128i w3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), bswap);

		rounds4(&abef, &cdgh, w0, 0);
		rounds4(&abef, &cdgh, w1, 1);
		rounds4(&abef, &cdgh, w2, 2);
		rounds4(&abef, &cdgh, w3, 3);
		for (int g = 4; g < 16; g += 4) {
			w0 = schedule(w0, w1, w2, w3);
			rounds4(&abef, &cdgh, w0, g);
			w1 = schedule(w1, w2, w3, w0);
			rounds4(&abef, &cdgh, w1, g + 1);
			w2 = schedule(w2, w3, w0, w1);
			rounds4(&abef, &cdgh, w2, g + 2);
			w3 = schedule(w3, w0, w1, w2);
			rounds4(&abef, &cdgh, w3, g + 3);
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}

	/* Back to memory order (dwords 3..0 again): D C B A and H G F E. */
	t0 = _mm_shuffle_epi32(abef, 0x1b); /* F E B A */
	t1 = _mm_shuffle_epi32(cdgh, 0xb1); /* D C H G */
	_mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(t0, t1, 0xf0)); /* D C | B A */
	_mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(t1, t0, 8));  /* H G | F E */
}
#endif
