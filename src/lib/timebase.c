/*
 * Exact tick conversions (src/lib/timebase.h). No 128-bit division: that
 * needs libgcc's __udivti3, and splitting both operands at the divisor
 * keeps every product below 2^64:
 *
 *   f = qf * D + rf,  t = qt * D + rt   (rf, rt < D)
 *   f * t / D = qf * t + rf * qt + (rf * rt) / D,  with rf * rt < D * D
 *
 * The first two terms are whole numbers, so the floor of the sum is the
 * floor of the last term plus them: exact, not approximate.
 */
#include "lib/timebase.h"

static uint64_t mul_div(uint64_t f, uint64_t t, uint64_t d)
{
	uint64_t qf = f / d, rf = f % d, qt = t / d, rt = t % d;
	uint64_t a, b, sum;

	if (__builtin_mul_overflow(qf, t, &a) || __builtin_mul_overflow(rf, qt, &b) ||
	    __builtin_add_overflow(a, b, &sum) || __builtin_add_overflow(sum, rf * rt / d, &sum))
		return UINT64_MAX;
	return sum;
}

uint64_t ticks_from_us(uint64_t freq, uint64_t us)
{
	return mul_div(freq, us, 1000000);
}

uint64_t ticks_from_ms(uint64_t freq, uint64_t ms)
{
	return mul_div(freq, ms, 1000);
}
