/* mem_zero / mem_copy: every alignment and length near the 64-byte and 1 KiB loop edges. */
#include <stdint.h>
#include <string.h>

#include "lib/memops.h"
#include "unit.h"

#define BUF 4096

static uint8_t a[BUF + 16], b[BUF + 16];

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7 + 1);
}

TEST(zero_clears_exactly_the_range)
{
	static const size_t lens[] = { 0,    1,    7,    8,    9,    63,   64,
					65,   127,  128,  200,  448,  1023, 1024,
					1025, 1087, 1088, 2047, 2048, 2113, 4080 };

	for (size_t off = 0; off < 9; off++)
		for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
			size_t len = lens[l];
			fill(a, sizeof(a), 3);
			memcpy(b, a, sizeof(a));
			memset(b + off, 0, len);
			mem_zero(a + off, len);
			CHECK(!memcmp(a, b, sizeof(a)));
		}
}

TEST(copy_moves_exactly_the_range)
{
	static const size_t lens[] = { 0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 200, 448 };
	static uint8_t src[BUF + 16];

	fill(src, sizeof(src), 11);
	for (size_t doff = 0; doff < 9; doff++)
		for (size_t soff = 0; soff < 9; soff++)
			for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
				size_t len = lens[l];
				fill(a, sizeof(a), 5);
				memcpy(b, a, sizeof(a));
				memcpy(b + doff, src + soff, len);
				mem_copy(a + doff, src + soff, len);
				CHECK(!memcmp(a, b, sizeof(a)));
			}
}
