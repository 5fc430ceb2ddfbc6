/*
 * IPIs: send_ipi to each hart alone, to several through a base, to every
 * hart (base -1, the sender included) and through the legacy call. Every
 * hart counts the SSIPs it takes by trap (hart.c); each send must add
 * exactly one on the harts named and nothing elsewhere.
 */
#include "console.h"
#include "smp.h"
#include "test.h"

static unsigned long before[MAX_HARTS];

static void snapshot(void)
{
	unsigned long h;

	for (h = 0; h < nr_harts; h++)
		before[h] = harts[h].ssip;
}

/* Harts that took an SSIP since snapshot(); *dup: those that took several. */
static unsigned long moved(unsigned long *dup)
{
	unsigned long h, m = 0;

	*dup = 0;
	for (h = 0; h < nr_harts; h++) {
		unsigned long n = harts[h].ssip - before[h];

		m |= (unsigned long)!!n << h;
		*dup |= (unsigned long)(n > 1) << h;
	}
	return m;
}

/* Wait for the harts in want to take their IPI, then a while for extra ones. */
static void expect(unsigned long want, const char *what)
{
	unsigned long got, dup, t0 = rdtime(), us;

	WAIT_MS(WAIT_LONG, (moved(&dup) & want) == want);
	us = ticks_us(rdtime() - t0);
	WAIT_MS(SETTLE, 0);
	got = moved(&dup);
	CHECK(got == want && !dup, "%s: one SSIP taken by each of harts 0x%lx and none "
	      "elsewhere (took one: 0x%lx, several: 0x%lx; %lu us)", what, want, got, dup, us);
}

/* A mask naming a hart that does not exist: refused, nothing delivered. */
static void test_bad_masks(void)
{
	unsigned long bad = all_harts_mask() | 1UL << nr_harts, got, dup;
	struct sbiret r;

	snapshot();
	CHECK_SBI_ERR(send_ipi(1, nr_harts), SBI_ERR_INVALID_PARAM,
		      "send_ipi(mask 1, base %lu = nr_harts)", nr_harts);
	r = send_ipi(bad, 0);
	WAIT_MS(SETTLE, 0);
	got = moved(&dup);
	if (!under_keel) {
		/* OpenSBI 1.1 drops mask bits of harts it lacks and sends the rest. */
		printf("# not under Keel: send_ipi(mask 0x%lx, base 0) naming hart %lu: "
		       "error %ld (%s), SSIP taken by harts 0x%lx\n", bad, nr_harts,
		       r.error, sbi_err_name(r.error), got);
		test_skip("not under Keel: that mask -> INVALID_PARAM, no IPI delivered");
		return;
	}
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "send_ipi(mask 0x%lx, base 0) naming hart %lu",
		      bad, nr_harts);
	CHECK(!got, "refused masks delivered no IPI (SSIP taken by harts 0x%lx)", got);
}

void test_ipi(void)
{
	static unsigned long legacy_mask;	/* legacy send_ipi reads it from memory */
	unsigned long h, sparse = 5UL & (all_harts_mask() >> 1), legacy[2];
	long err;
	int i;

	for (h = 0; h < nr_harts; h++) {
		snapshot();
		CHECK_SBI_ERR(send_ipi(1, h), SBI_SUCCESS, "send_ipi(mask 1, base %lu)", h);
		expect(1UL << h, "send_ipi to one hart");
	}
	if (nr_harts > 1) {
		/* harts 1 and 3 of 4, hart 1 of 2 or 3: bit i names hart 1 + i */
		snapshot();
		CHECK_SBI_ERR(send_ipi(sparse, 1), SBI_SUCCESS,
			      "send_ipi(mask 0x%lx, base 1)", sparse);
		expect(sparse << 1, "send_ipi with base 1");
	}
	snapshot();
	CHECK_SBI_ERR(send_ipi(all_harts_mask(), 0), SBI_SUCCESS,
		      "send_ipi(mask 0x%lx, base 0)", all_harts_mask());
	expect(all_harts_mask(), "send_ipi to every hart by mask");
	snapshot();
	CHECK_SBI_ERR(send_ipi(0, -1UL), SBI_SUCCESS, "send_ipi(mask 0, base -1)");
	expect(all_harts_mask(), "send_ipi with base -1 (every hart, sender too)");

	legacy[0] = all_harts_mask();
	legacy[1] = 1UL << (nr_harts - 1);
	for (i = 0; i < 2; i++) {
		legacy_mask = legacy[i];
		snapshot();
		err = sbi_legacy_call(SBI_EXT_0_1_SEND_IPI, (unsigned long)&legacy_mask, 0, 0);
		CHECK_EQ(err, 0, "legacy send_ipi(&mask = 0x%lx) returns 0", legacy[i]);
		expect(legacy[i], "legacy send_ipi");
	}
	test_bad_masks();
}
