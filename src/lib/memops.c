/*
 * Word-at-a-time zeroing and copying, falling back to bytes at the edges.
 * Keel's memset and memcpy (mem_libc.c) call these for long runs; the
 * edges here are byte loops of their own, not calls back into those.
 */
#include <stdint.h>
#include <string.h>

#include "lib/memops.h"

/* The byte loops must stay loops: GCC would turn them into memset/memcpy calls. */
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* Spelt out: GCC does not unroll a loop of this many stores by itself */
#define ZERO_4_WORDS(w) ((w)[0] = 0, (w)[1] = 0, (w)[2] = 0, (w)[3] = 0)
#define ZERO_16_WORDS(w) \
	(ZERO_4_WORDS(w), ZERO_4_WORDS((w) + 4), ZERO_4_WORDS((w) + 8), ZERO_4_WORDS((w) + 12))
#define ZERO_64_WORDS(w) \
	(ZERO_16_WORDS(w), ZERO_16_WORDS((w) + 16), ZERO_16_WORDS((w) + 32), \
	 ZERO_16_WORDS((w) + 48))

NO_LIBCALL void *mem_zero(void *dst, size_t len)
{
	uint8_t *d = dst;

	while (len && ((uintptr_t)d & 7)) {
		*d++ = 0;
		len--;
	}
	/*
	 * 1 KiB a loop: 131 instructions, close to the floor of one store
	 * per word (a 2 MiB block of guest RAM: 268 000, against 360 000
	 * 64 bytes a loop).
	 */
	for (uint64_t *w = (uint64_t *)d; len >= 1024; w += 128, len -= 1024) {
		ZERO_64_WORDS(w);
		ZERO_64_WORDS(w + 64);
		d = (uint8_t *)(w + 128);
	}
	for (uint64_t *w = (uint64_t *)d; len >= 64; w += 8, len -= 64) {
		w[0] = 0, w[1] = 0, w[2] = 0, w[3] = 0;
		w[4] = 0, w[5] = 0, w[6] = 0, w[7] = 0;
		d = (uint8_t *)(w + 8);
	}
	while (len--)
		*d++ = 0;
	return dst;
}

NO_LIBCALL void *mem_copy(void *dst, const void *src, size_t len)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	/* words only when both sides can be aligned together */
	if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
		while (len && ((uintptr_t)d & 7)) {
			*d++ = *s++;
			len--;
		}
		while (len >= 64) {
			uint64_t *w = (uint64_t *)d;
			const uint64_t *r = (const uint64_t *)s;
			w[0] = r[0], w[1] = r[1], w[2] = r[2], w[3] = r[3];
			w[4] = r[4], w[5] = r[5], w[6] = r[6], w[7] = r[7];
			d += 64, s += 64, len -= 64;
		}
	}
	while (len--)
		*d++ = *s++;
	return dst;
}
