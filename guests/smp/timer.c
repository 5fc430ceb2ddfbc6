/*
 * Timer interrupts on every hart at once: each hart takes TIMER_TICKS of
 * them about 1 ms apart, re-arming from its handler; first through SBI
 * set_timer, then, on harts whose riscv,isa lists Sstc, by writing
 * stimecmp itself. None may come before its deadline, none after the last.
 */
#include "smp.h"
#include "test.h"

#define CSR_STIMECMP 0x14d

static void arm(volatile struct hart *h, unsigned long when)
{
	if (h->use_sstc)
		csr_write(CSR_STIMECMP, when);
	else
		sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, when, 0, 0, 0, 0, 0);
}

void timer_irq(volatile struct hart *h)
{
	unsigned long now = rdtime();

	if (now < h->deadline)
		h->early++;
	else if (now - h->deadline > h->max_late)
		h->max_late = now - h->deadline;
	if (++h->stip < h->goal) {
		h->deadline = now + ms_ticks(1);
		arm(h, h->deadline);
		return;
	}
	arm(h, -1UL);
	/* One too many is a failure already; do not let a stuck STIP livelock us. */
	if (h->stip > h->goal)
		csr_clear(sie, SIP_STIP);
}

/* One round on this hart; arg[0]: use stimecmp. h->val: time to the last tick. */
void timer_round(volatile struct hart *h)
{
	unsigned long t0 = rdtime();

	h->use_sstc = h->arg[0];
	h->stip = h->early = h->max_late = 0;
	h->goal = TIMER_TICKS;
	h->deadline = t0 + ms_ticks(1);
	arm(h, h->deadline);
	csr_set(sie, SIP_STIP);
	WAIT_MS(WAIT_LONG, h->stip >= h->goal);
	h->val = rdtime() - t0;
	WAIT_MS(SETTLE, 0);	/* STIE still on: an extra tick would count */
	csr_clear(sie, SIP_STIP);
	arm(h, -1UL);
}

void test_timers(void)
{
	unsigned long sstc, h, seq[MAX_HARTS];

	for (sstc = 0; sstc < 2; sstc++) {
		const char *how = sstc ? "stimecmp" : "SBI set_timer";

		for (h = 0; h < nr_harts; h++)
			if (h != boot_hart && (!sstc || harts[h].has_sstc))
				seq[h] = post(h, CMD_TIMER, sstc, 0, 0);
		if (!sstc || harts[boot_hart].has_sstc) {
			harts[boot_hart].arg[0] = sstc;
			timer_round(&harts[boot_hart]);
		}
		for (h = 0; h < nr_harts; h++) {
			volatile struct hart *x = &harts[h];
			int done;

			if (sstc && !x->has_sstc) {
				test_skip("hart %lu: no Sstc in riscv,isa: no stimecmp round", h);
				continue;
			}
			/* done first: CHECK's arguments are read in any order */
			done = h == boot_hart || wait_done(h, seq[h], WAIT_LONG);
			CHECK(done && x->stip == TIMER_TICKS && !x->early,
			      "hart %lu, %s: %lu timer interrupts (want %d), %lu early; "
			      "%lu us for all, the latest %lu us late", h, how, x->stip,
			      TIMER_TICKS, x->early, ticks_us(x->val), ticks_us(x->max_late));
		}
	}
}
