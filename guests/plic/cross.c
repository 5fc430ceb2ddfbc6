/*
 * Delivery across vCPUs: the boot vCPU raises the UART's line, the other
 * vCPU's context takes it. Under Keel the other vCPU's VSEIP then changes
 * through a cross-hart request (or, on a shared hart, on its next load),
 * which is what this file is about. The other vCPU's handler is not
 * one-shot: it services THRE (IIR read) and completes.
 */
#include "console.h"
#include "plic.h"
#include "test.h"

#define ROUNDS 8

/* Source 10 at priority 1 for the contexts in mask (bit h = hart h's S context). */
static void route(unsigned long mask)
{
	unsigned long h;

	for (h = 0; h < nr_harts && h < MAX_HARTS; h++)
		wr32(PLIC_ENABLE(s_ctx(h), 0), mask >> h & 1 ? UART_BIT : 0);
}

static void setup(unsigned long mask)
{
	unsigned long h;

	irqs_off();
	uart_quiet();
	route(0);
	for (h = 0; h < nr_harts && h < MAX_HARTS; h++)
		wr32(PLIC_THRESHOLD(s_ctx(h)), 0);
	wr32(PLIC_PRIORITY(UART_IRQ), 1);
	for (h = 0; h < 2; h++) {
		volatile struct cpu *c = &cpus[h ? other_hart : boot_hart];

		cpu_reset_counts(c);
		c->action = ACT_IIR;
		c->oneshot = 0;
	}
	route(mask);
}

static void raise_thre(void)
{
	wr8(IER, 0);
	wr8(IER, IER_ETBEI);
}

/* The other vCPU in wfi with SEIE on: back once it says it is there. */
static unsigned long idle_other(void)
{
	unsigned long seq = post(CMD_IDLE, 0);

	if (!WAIT_MS(WAIT_LONG, ld_acq(&cpus[other_hart].idling)))
		return seq;
	delay_ms(2);	/* time to reach its wfi */
	return seq;
}

/* Only the other vCPU's context enables 10: it takes it, we do not. */
static void only_other(void)
{
	volatile struct cpu *b = &cpus[boot_hart], *o = &cpus[other_hart];
	unsigned long seq, got, o_irqs, o_iir, o_after, b_irqs, ended;

	setup(1UL << other_hart);
	seq = idle_other();
	irqs_on(SIP_SEIP);
	raise_thre();
	got = WAIT_MS(WAIT_LONG, ld_acq(&o->claimed10) >= 1);
	delay_ms(SETTLE);
	o_irqs = ld_acq(&o->irqs);
	o_iir = o->last_iir;
	o_after = o->pending_after;
	b_irqs = ld_acq(&b->irqs);
	irqs_off();
	wr8(IER, 0);
	ended = end_idle(seq);

	CHECK(got && o->last_scause == (SCAUSE_IRQ | 9),
	      "only context %lu enables 10: vCPU %lu, in wfi, takes a supervisor external "
	      "interrupt and claims 10", s_ctx(other_hart), other_hart);
	CHECK(o_irqs == 1 && o->claimed0 == 0 && o_iir == (IIR_FIFO | IIR_THRI) &&
	      !(o_after & UART_BIT),
	      "... exactly once (%lu, %lu claiming 0, last claim %lu from context %lu), IIR "
	      "0x%lx there, nothing pending after its complete (0x%lx)", o_irqs, o->claimed0,
	      o->last_claim, s_ctx(o->hart), o_iir, o_after);
	CHECK_EQ(b_irqs, 0, "vCPU %lu (context %lu does not enable 10) takes nothing",
		 boot_hart, s_ctx(boot_hart));
	CHECK(ended, "vCPU %lu leaves its wfi loop on an IPI", other_hart);
}

/*
 * Both contexts enable 10: each assertion is claimed exactly once, by one
 * of the two; the other claims 0 or is never interrupted. In odd rounds
 * our SIE stays off until the other vCPU has claimed: it must, alone.
 */
static void both(void)
{
	volatile struct cpu *b = &cpus[boot_hart], *o = &cpus[other_hart];
	unsigned long seq, r, total, ended, odd_won = 0;

	setup(1UL << boot_hart | 1UL << other_hart);
	seq = idle_other();
	for (r = 0; r < ROUNDS; r++) {
		if (r & 1) {
			unsigned long before = ld_acq(&o->claimed10);

			irqs_off();
			raise_thre();
			odd_won += WAIT_MS(WAIT_LONG, ld_acq(&o->claimed10) != before);
			irqs_on(SIP_SEIP);
		} else {
			irqs_on(SIP_SEIP);
			raise_thre();
		}
		if (!WAIT_MS(WAIT_LONG, ld_acq(&b->claimed10) + ld_acq(&o->claimed10) > r))
			break;
		delay_ms(2);	/* a second claim of 10 would come here */
	}
	delay_ms(SETTLE);
	irqs_off();
	wr8(IER, 0);
	ended = end_idle(seq);
	total = b->claimed10 + o->claimed10;

	printf("# both contexts, %d assertions: vCPU %lu claimed 10 %lu times (0: %lu), "
	       "vCPU %lu %lu times (0: %lu)\n", ROUNDS, boot_hart, b->claimed10, b->claimed0,
	       other_hart, o->claimed10, o->claimed0);
	CHECK(r == ROUNDS && total == ROUNDS && !b->claimed_other && !o->claimed_other,
	      "both contexts enable 10: each of %d assertions claimed exactly once "
	      "(%lu rounds, %lu claims of 10)", ROUNDS, r, total);
	CHECK_EQ(odd_won, ROUNDS / 2, "vCPU %lu claimed each of the %d assertions vCPU %lu "
		 "left to it", other_hart, ROUNDS / 2, boot_hart);
	CHECK(ended, "vCPU %lu leaves its wfi loop on an IPI", other_hart);
}

/*
 * Pending for the other vCPU's context while it has SEIE off; the enable
 * moves to ours: its line must fall (a peek with SEIE on sees nothing)
 * and ours rise. Before the move its peek must see the line up.
 */
static void move_enable(void)
{
	volatile struct cpu *b = &cpus[boot_hart], *o = &cpus[other_hart];
	unsigned long seq, up = 0, down = ~0UL, b_before, n_at_once, got;
	unsigned int pend;

	setup(1UL << other_hart);
	irqs_on(SIP_SEIP);
	raise_thre();
	seq = post(CMD_PEEK, WAIT_LONG);
	if (wait_done(seq, 2 * WAIT_LONG))
		up = o->val;
	b_before = ld_acq(&b->irqs);
	wr32(PLIC_ENABLE(s_ctx(other_hart), 0), 0);
	seq = post(CMD_PEEK, SETTLE);
	if (wait_done(seq, 2 * WAIT_LONG))
		down = o->val;
	pend = !!(rd32(PLIC_PENDING(0)) & UART_BIT);
	wr32(PLIC_ENABLE(s_ctx(boot_hart), 0), UART_BIT);
	n_at_once = ld_acq(&b->irqs);
	got = WAIT_MS(WAIT_LONG, ld_acq(&b->claimed10) >= 1);
	delay_ms(SETTLE);
	irqs_off();
	wr8(IER, 0);

	CHECK_EQ(up, 1, "enabled for context %lu only, vCPU %lu's line is up: with SEIE on "
		 "it takes one interrupt (left unclaimed)", s_ctx(other_hart), other_hart);
	CHECK_EQ(b_before, 0, "vCPU %lu takes nothing meanwhile", boot_hart);
	CHECK(down == 0 && pend, "enable moved off context %lu: vCPU %lu's line falls "
	      "(%ld interrupts in %d ms with SEIE on), 10 still pending (%u)",
	      s_ctx(other_hart), other_hart, (long)down, SETTLE, pend);
	CHECK(got && b->irqs == 1 && b->last_claim == UART_IRQ && o->irqs == 0,
	      "enable moved to context %lu: vCPU %lu takes it and claims 10 (%lu interrupts, "
	      "last claim %lu; vCPU %lu claimed %lu times)", s_ctx(boot_hart), boot_hart,
	      b->irqs, b->last_claim, other_hart, o->irqs);
	if (under_keel)
		CHECK_EQ(n_at_once, 1, "... at once, before the instruction after the enable "
			 "store");
}

void test_cross(void)
{
	only_other();
	both();
	if (keel_only("an enable write does not re-evaluate the contexts' lines"))
		move_enable();
}

/*
 * We wait in wfi with only SEIE enabled (no timer: STIE off); the other
 * vCPU raises the line after 5 ms. If we never wake, it reports that and
 * powers off (cpu.c: rescue), so a lost wake-up cannot hang the run.
 */
void test_wfi_wake(void)
{
	volatile struct cpu *b = &cpus[boot_hart], *o = &cpus[other_hart];
	unsigned long seq, wfis = 0, t_woke, ok;

	setup(1UL << boot_hart);
	seq = post(CMD_TRIGGER, 5);
	irqs_on(SIP_SEIP);
	while (!ld_acq(&b->irqs)) {
		wfi();
		wfis++;
	}
	t_woke = rdtime();
	irqs_off();
	ok = wait_done(seq, WAIT_LONG);
	wr8(IER, 0);

	printf("# wfi: woken %lu us after vCPU %lu raised the line (%lu wfi)\n",
	       (t_woke - o->val) * 1000000 / timebase, other_hart, wfis);
	CHECK(ok && b->irqs == 1 && b->claimed10 == 1 && o->irqs == 0,
	      "vCPU %lu in wfi (only SEIE on) woken by the interrupt vCPU %lu raised: "
	      "%lu interrupts, %lu claims of 10; vCPU %lu: %lu", boot_hart, other_hart,
	      b->irqs, b->claimed10, other_hart, o->irqs);
}
