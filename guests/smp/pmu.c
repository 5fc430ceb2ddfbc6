/*
 * An SBI PMU counter across an HSM stop and start: a secondary hart
 * configures instret (counter 2), starts it at a known value and stops
 * it, so its rdinstret reads that frozen count; it then stops itself and
 * is started again. The counter is still configured (the counters are the
 * SBI implementation's, not the hart's registers: Keel keeps them, see
 * vcpu_start_state), so rdinstret must still read the frozen count, not
 * the hart's raw instret. Keel-only: OpenSBI resets its PMU state on a
 * hart's warm start.
 */
#include "smp.h"
#include "test.h"

#define INSTRET 2
#define INITIAL 1000
#define EVENT_INSTRUCTIONS SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_HW, SBI_PMU_HW_INSTRUCTIONS)

static struct sbiret pmu(unsigned long fid, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3)
{
	return sbi_call(SBI_EXT_PMU, fid, a0, a1, a2, a3, 0, 0);
}

/* On the secondary: CMD_PMU arg[0] = PMU_SETUP, PMU_READ or PMU_RELEASE */
void hart_pmu(volatile struct hart *h)
{
	struct sbiret r = { 0, 0 };

	switch (h->arg[0]) {
	case PMU_SETUP:
		r = pmu(SBI_EXT_PMU_COUNTER_CFG_MATCH, INSTRET, 1, SBI_PMU_CFG_FLAG_CLEAR_VALUE,
			EVENT_INSTRUCTIONS);
		if (!r.error)
			r = pmu(SBI_EXT_PMU_COUNTER_START, INSTRET, 1,
				SBI_PMU_START_FLAG_SET_INIT_VALUE, INITIAL);
		if (!r.error)
			r = pmu(SBI_EXT_PMU_COUNTER_STOP, INSTRET, 1, 0, 0);
		break;
	case PMU_RELEASE:
		/* stopped already: ALREADY_STOPPED, and the counter is free again */
		r = pmu(SBI_EXT_PMU_COUNTER_STOP, INSTRET, 1, SBI_PMU_STOP_FLAG_RESET, 0);
		if (r.error == SBI_ERR_ALREADY_STOPPED)
			r.error = 0;
		break;
	}
	h->ret = r.error;
	h->val = rdinstret();
}

void test_pmu_stop_start(unsigned long s, void (*restart)(unsigned long s))
{
	volatile struct hart *h = &harts[s];
	unsigned long frozen;

	if (!under_keel) {
		test_skip("not under Keel: a PMU counter across hart_stop/start");
		return;
	}
	if (!CHECK(run_cmd(s, CMD_PMU, PMU_SETUP) && !h->ret,
		   "hart %lu: instret configured, started at %d and stopped (error %ld)", s,
		   INITIAL, h->ret))
		return;
	/* the counter counted from INITIAL to the stop (host ticks without -icount) */
	frozen = h->val;
	CHECK(run_cmd(s, CMD_PMU, PMU_READ) && frozen >= INITIAL && h->val == frozen,
	      "hart %lu: rdinstret reads its stopped counter, twice the same: %lu, %lu (started "
	      "at %d)", s, frozen, h->val, INITIAL);
	restart(s);
	CHECK(run_cmd(s, CMD_PMU, PMU_READ) && h->val == frozen,
	      "hart %lu after hart_stop and hart_start: rdinstret still reads the stopped "
	      "counter, %lu (before: %lu)", s, h->val, frozen);
	CHECK(run_cmd(s, CMD_PMU, PMU_RELEASE) && !h->ret,
	      "hart %lu: counter_stop(RESET) frees instret (error %ld)", s, h->ret);
}
