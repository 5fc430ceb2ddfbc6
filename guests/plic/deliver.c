/*
 * Delivery to the boot vCPU alone: the UART's THRE interrupt through its
 * S-mode context as a supervisor external interrupt, masked by the
 * threshold and by priority 0; then the gateway's level semantics with a
 * receive interrupt the handler leaves unserviced once. The handler is
 * one-shot (it clears sie.SEIE), so every interrupt below is armed, and
 * counted, one at a time.
 */
#include "console.h"
#include "plic.h"
#include "test.h"

#define SCAUSE_SEI (SCAUSE_IRQ | 9)

static volatile struct cpu *me(void)
{
	return &cpus[boot_hart];
}

static unsigned int pending10(void)
{
	return !!(rd32(PLIC_PENDING(0)) & UART_BIT);
}

/* THRE again: ETBEI 0 -> 1 arms it (THR is always empty here). */
static void raise_thre(void)
{
	wr8(IER, 0);
	wr8(IER, IER_ETBEI);
}

/* Only source 10, priority prio, enabled for the boot vCPU's S context. */
static void setup(unsigned int prio, unsigned long action)
{
	unsigned long h;

	irqs_off();
	uart_quiet();
	for (h = 0; h < nr_harts && h < MAX_HARTS; h++) {
		wr32(PLIC_ENABLE(s_ctx(h), 0), h == boot_hart ? UART_BIT : 0);
		wr32(PLIC_THRESHOLD(s_ctx(h)), 0);
	}
	wr32(PLIC_PRIORITY(UART_IRQ), prio);
	cpu_reset_counts(me());
	me()->action = action;
	me()->oneshot = 1;
}

/* Wait for the n-th interrupt; the count when it came or the time ran out. */
static unsigned long wait_irqs(unsigned long n)
{
	WAIT_MS(WAIT_LONG, ld_acq(&me()->irqs) >= n);
	return ld_acq(&me()->irqs);
}

void test_delivery(void)
{
	unsigned long ctx = s_ctx(boot_hart), n1, n2, n3, n4, n_at_once, n_masked, n_prio0;
	unsigned long n_sie, scause, claim, iir, after, settled;
	unsigned int pend_raised, pend_settled, pend_masked, pend_prio0, claim_prio0;

	/* 1. ETBEI: pending, VSEIP up, taken once SEIE and SIE are set */
	setup(1, ACT_IIR);
	wr8(IER, IER_ETBEI);
	pend_raised = pending10();
	irqs_on(SIP_SEIP);
	n_sie = me()->irqs;
	n1 = wait_irqs(1);
	scause = me()->last_scause;
	claim = me()->last_claim;
	iir = me()->last_iir;
	after = me()->pending_after;
	/* 2. after the IIR read and complete: nothing pending, nothing more */
	irqs_on(SIP_SEIP);
	delay_ms(SETTLE);
	settled = me()->irqs;
	pend_settled = pending10();

	/* 3. threshold 1 = priority: masked until it drops to 0 */
	irqs_off();
	wr32(PLIC_THRESHOLD(ctx), 1);
	raise_thre();
	irqs_on(SIP_SEIP);
	delay_ms(SETTLE);
	n_masked = me()->irqs;
	pend_masked = pending10();
	wr32(PLIC_THRESHOLD(ctx), 0);
	n_at_once = me()->irqs;
	n2 = wait_irqs(2);

	/* 4. priority 0 never interrupts, and cannot be claimed */
	irqs_off();
	wr32(PLIC_PRIORITY(UART_IRQ), 0);
	raise_thre();
	irqs_on(SIP_SEIP);
	delay_ms(SETTLE);
	n_prio0 = me()->irqs;
	pend_prio0 = pending10();
	irqs_off();
	claim_prio0 = rd32(PLIC_CLAIM(ctx));
	wr32(PLIC_PRIORITY(UART_IRQ), 1);
	irqs_on(SIP_SEIP);
	n3 = wait_irqs(3);
	irqs_on(SIP_SEIP);
	delay_ms(SETTLE);
	n4 = me()->irqs;
	irqs_off();
	uart_quiet();

	CHECK_EQ(pend_raised, 1, "IER.ETBEI: source 10 pending");
	CHECK_EQ(n1, 1, "context %lu enables it at priority 1 > threshold 0: with SEIE and "
		 "SIE set, one interrupt taken", ctx);
	if (under_keel)
		CHECK_EQ(n_sie, 1, "... at once: VSEIP was up before SIE was set");
	CHECK_EQ(scause, SCAUSE_SEI, "scause = supervisor external interrupt");
	CHECK_EQ(claim, UART_IRQ, "claim returns 10");
	CHECK(iir == (IIR_FIFO | IIR_THRI), "IIR reads THRE, FIFOs on (0x%lx, want 0x%x)",
	      iir, IIR_FIFO | IIR_THRI);
	CHECK(!(after & UART_BIT), "after the IIR read and complete: 10 not pending "
	      "(pending 0x%lx)", after);
	CHECK(settled == 1 && !pend_settled,
	      "SEIE on again for %d ms: no second interrupt (%lu), pending %u", SETTLE,
	      settled, pend_settled);
	CHECK(n_masked == 1 && pend_masked,
	      "threshold 1 = priority 1: pending %u, but no interrupt in %d ms (%lu)",
	      pend_masked, SETTLE, n_masked - 1);
	CHECK_EQ(n2, 2, "threshold 0: the masked interrupt comes");
	if (under_keel)
		CHECK_EQ(n_at_once, 2, "... at once, before the instruction after the "
			 "threshold store");
	CHECK(n_prio0 == 2 && pend_prio0,
	      "priority 0: pending %u, but no interrupt in %d ms (%lu)", pend_prio0, SETTLE,
	      n_prio0 - 2);
	CHECK_EQ(claim_prio0, 0, "priority 0: claim returns 0");
	CHECK_EQ(n3, 3, "priority 1 again: the interrupt comes");
	CHECK(n4 == 3 && me()->claimed10 == 3 && me()->claimed0 == 0 &&
	      me()->claimed_other == 0,
	      "exactly 3 interrupts, each claiming 10 (%lu; claims of 10: %lu, of 0: %lu, "
	      "other: %lu)", n4, me()->claimed10, me()->claimed0, me()->claimed_other);
}

static void check_rx(unsigned int lsr, unsigned int pend, unsigned long n1,
		     unsigned int claim, unsigned long iir)
{
	CHECK(pend && (lsr & LSR_DR),
	      "loopback THR byte: LSR.DR (LSR 0x%x), source 10 pending %u", lsr, pend);
	CHECK(n1 == 1 && claim == UART_IRQ && iir == IIR_RDI,
	      "RX-data interrupt: claim %u (want 10), IIR 0x%lx (want 0x%x)", claim, iir,
	      IIR_RDI);
}

/*
 * MCR loopback: a THR byte is received, RX-data raises the line, and it
 * stays high until RBR is read. Completing without reading it must make
 * the gateway forward the source again.
 */
void test_level(void)
{
	unsigned long n1, n2, n3, after1, after2, iir1, rbr;
	unsigned int pend, lsr_rx, lsr_end, claim1;

	setup(1, ACT_IIR);
	wr8(FCR, 0);		/* FIFOs off this time: IIR without 0xc0 */
	wr8(MCR, MCR_LOOP);
	wr8(IER, IER_ERBFI);
	wr8(THR, 'K');
	lsr_rx = rd8(LSR);
	pend = pending10();
	irqs_on(SIP_SEIP);
	n1 = wait_irqs(1);
	claim1 = me()->last_claim;
	iir1 = me()->last_iir;
	after1 = me()->pending_after;
	if (!under_keel) {
		irqs_off();
		uart_quiet();
		check_rx(lsr_rx, pend, n1, claim1, iir1);
		keel_only("complete leaves a source whose line is still high unpending");
		return;
	}
	me()->action = ACT_READ_RX;
	irqs_on(SIP_SEIP);
	n2 = wait_irqs(2);
	rbr = me()->last_rbr;
	after2 = me()->pending_after;
	irqs_on(SIP_SEIP);
	delay_ms(SETTLE);
	n3 = me()->irqs;
	lsr_end = rd8(LSR);
	irqs_off();
	uart_quiet();

	check_rx(lsr_rx, pend, n1, claim1, iir1);
	CHECK(after1 & UART_BIT, "completed without reading RBR: pending again "
	      "(pending 0x%lx)", after1);
	CHECK_EQ(n2, 2, "SEIE on again: the line still high, it interrupts again");
	CHECK_EQ(rbr, 'K', "RBR is the byte sent through loopback");
	CHECK(!(after2 & UART_BIT), "RBR read, then complete: not pending (0x%lx)", after2);
	CHECK(n3 == 2 && !(lsr_end & LSR_DR),
	      "SEIE on again for %d ms: no more (%lu interrupts in all, want 2), LSR 0x%x",
	      SETTLE, n3, lsr_end);
}

/*
 * The completion rules, polled with SIE off and the RX line held high
 * (loopback byte unread): a completion the context does not enable, or
 * of a source not claimed, or of no source, changes nothing; a claim from
 * a context that does not enable the source gets 0.
 */
void test_complete_rules(void)
{
	unsigned long ctx = s_ctx(boot_hart), other = s_ctx(other_hart);
	unsigned int claim, other_claim, stray, ignored, reclaim, again, fallen;

	if (!keel_only("a completion is taken whatever the context enables"))
		return;
	setup(1, ACT_IIR);
	irqs_off();
	wr8(MCR, MCR_LOOP);
	wr8(IER, IER_ERBFI);
	wr8(THR, 'C');
	other_claim = nr_harts > 1 ? rd32(PLIC_CLAIM(other)) : 0;
	wr32(PLIC_CLAIM(ctx), UART_IRQ);	/* not claimed: nothing to end */
	wr32(PLIC_CLAIM(ctx), 0);
	wr32(PLIC_CLAIM(ctx), PLIC_NDEV + 1);
	stray = pending10();
	claim = rd32(PLIC_CLAIM(ctx));
	wr32(PLIC_ENABLE(ctx, 0), 0);
	wr32(PLIC_CLAIM(ctx), claim);		/* ignored: ctx does not enable 10 */
	wr32(PLIC_ENABLE(ctx, 0), UART_BIT);
	ignored = pending10();
	reclaim = rd32(PLIC_CLAIM(ctx));
	wr32(PLIC_CLAIM(ctx), claim);		/* taken: the line is still high */
	again = pending10();
	(void)rd8(RBR);
	fallen = pending10();
	uart_quiet();

	CHECK_EQ(other_claim, 0, "claim from context %lu, which does not enable 10: 0", other);
	CHECK_EQ(stray, 1, "completing 10 unclaimed, 0 and %d: 10 still pending", PLIC_NDEV + 1);
	CHECK_EQ(claim, UART_IRQ, "claim from context %lu: 10", ctx);
	CHECK(!ignored && !reclaim, "complete while context %lu does not enable 10: ignored, "
	      "10 stays claimed (pending %u, a second claim got %u)", ctx, ignored, reclaim);
	CHECK_EQ(again, 1, "complete once enabled again: the line is high, pending again");
	CHECK_EQ(fallen, 0, "RBR read: the line falls, 10 no longer pending");
}

