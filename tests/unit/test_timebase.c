/*
 * Tests for src/lib/timebase.c: exact tick conversions at the timebases
 * boards use. The old "freq / 1000000 * us" gave 0 at 32768 Hz and lost
 * the fraction at 24.576 MHz; these must not.
 */
#include <stdint.h>

#include "lib/timebase.h"
#include "unit.h"

/* the reference: exact with 128-bit arithmetic (fine on the host) */
static uint64_t ref(uint64_t freq, uint64_t t, uint64_t per_second)
{
	unsigned __int128 v = (unsigned __int128)freq * t / per_second;
	return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

static const uint64_t freqs[] = { 32768, 1000000, 3000000, 10000000, 24000000,
				  24576000, 1000000000, 1000000007ULL };

TEST(keels_intervals_at_each_timebase)
{
	/* 50 us console poll, 4 ms slice, 20 ms and 50 ms console, 1 s start */
	CHECK_EQ(ticks_from_us(32768, 50), 1);
	CHECK_EQ(ticks_from_us(32768, 4000), 131);
	CHECK_EQ(ticks_from_ms(32768, 20), 655);
	CHECK_EQ(ticks_from_ms(32768, 50), 1638);
	CHECK_EQ(ticks_from_us(32768, 1000000), 32768);

	CHECK_EQ(ticks_from_us(1000000, 50), 50);
	CHECK_EQ(ticks_from_us(1000000, 4000), 4000);
	CHECK_EQ(ticks_from_ms(1000000, 20), 20000);

	CHECK_EQ(ticks_from_us(10000000, 50), 500);
	CHECK_EQ(ticks_from_us(10000000, 4000), 40000);
	CHECK_EQ(ticks_from_ms(10000000, 20), 200000);
	CHECK_EQ(ticks_from_us(10000000, 1000000), 10000000);

	CHECK_EQ(ticks_from_us(24000000, 50), 1200);
	CHECK_EQ(ticks_from_us(24000000, 4000), 96000);
	CHECK_EQ(ticks_from_ms(24000000, 20), 480000);

	CHECK_EQ(ticks_from_us(1000000000, 50), 50000);
	CHECK_EQ(ticks_from_us(1000000000, 4000), 4000000);
	CHECK_EQ(ticks_from_ms(1000000000, 20), 20000000);
	CHECK_EQ(ticks_from_us(1000000000, 1000000), 1000000000);
}

TEST(the_fraction_is_not_lost)
{
	/* 24.576 MHz: 24576000 * 3 / 1e6 = 73.728 */
	CHECK_EQ(ticks_from_us(24576000, 3), 73);
	CHECK_EQ(ticks_from_us(24576000, 1000), 24576);
	/* 32768 Hz * 1 us is less than a tick */
	CHECK_EQ(ticks_from_us(32768, 1), 0);
	CHECK_EQ(ticks_from_us(32768, 31), 1); /* 1.015808 */
	CHECK_EQ(ticks_from_us(32768, 30), 0); /* 0.98304 */
	CHECK_EQ(ticks_from_ms(32768, 1), 32);
	CHECK_EQ(ticks_from_us(0, 1000), 0);
	CHECK_EQ(ticks_from_us(1000000, 0), 0);
}

TEST(large_values_are_exact_or_saturate)
{
	/* a day at 1 GHz: 8.64e13 ticks, far past 2^32 */
	CHECK_EQ(ticks_from_us(1000000000, 86400000000ULL), 86400000000000ULL);
	CHECK_EQ(ticks_from_ms(1000000007ULL, 86400000ULL), 86400000604800ULL);
	/* freq * us overflows 64 bits, the result does not */
	CHECK_EQ(ticks_from_us(UINT64_MAX, 1000000), UINT64_MAX);
	CHECK_EQ(ticks_from_us(UINT64_MAX, 999999), ref(UINT64_MAX, 999999, 1000000));
	CHECK_EQ(ticks_from_us(1ULL << 40, 1ULL << 40), ref(1ULL << 40, 1ULL << 40, 1000000));
	/* the result does not fit: saturated, never wrapped */
	CHECK_EQ(ticks_from_us(UINT64_MAX, UINT64_MAX), UINT64_MAX);
	CHECK_EQ(ticks_from_ms(1ULL << 40, 1ULL << 40), UINT64_MAX);
}

TEST(agrees_with_128_bit_arithmetic)
{
	static const uint64_t times[] = { 0, 1, 7, 50, 999, 1000, 4000, 999999, 1000000,
					  1000001, 123456789, 1ULL << 32, 1ULL << 40 };

	for (unsigned int f = 0; f < sizeof(freqs) / sizeof(freqs[0]); f++)
		for (unsigned int t = 0; t < sizeof(times) / sizeof(times[0]); t++) {
			unsigned int before = unit_failures();
			CHECK_EQ(ticks_from_us(freqs[f], times[t]), ref(freqs[f], times[t], 1000000));
			CHECK_EQ(ticks_from_ms(freqs[f], times[t]), ref(freqs[f], times[t], 1000));
			if (unit_failures() != before)
				printf("\t(freq %llu, time %llu)\n", (unsigned long long)freqs[f],
				       (unsigned long long)times[t]);
		}
}
