/*
 * The supervisor external interrupt handler both vCPUs run: claim from the
 * vCPU's own S-mode context, quiet the UART as the action says, complete,
 * and record what was seen for the boot vCPU to check.
 */
#include "plic.h"

void ext_irq(volatile struct cpu *c)
{
	unsigned long ctx = s_ctx(c->hart);
	unsigned int id;

	if (c->action == ACT_PEEK) {
		csr_clear(sie, SIP_SEIP);
		__atomic_add_fetch(&c->peeks, 1, __ATOMIC_RELEASE);
		return;
	}
	id = rd32(PLIC_CLAIM(ctx));
	c->last_claim = id;
	if (id == UART_IRQ) {
		/* Reading IIR acknowledges THRE; a receive interrupt needs RBR read. */
		c->last_iir = rd8(IIR);
		if (c->action == ACT_READ_RX)
			c->last_rbr = rd8(RBR);
		wr32(PLIC_CLAIM(ctx), id);
		/* read after the completion: is the gateway forwarding it again? */
		c->pending_after = rd32(PLIC_PENDING(0));
		c->claimed10++;
	} else if (id == 0) {
		/* another context claimed it first, or the line fell meanwhile */
		c->claimed0++;
	} else {
		wr32(PLIC_CLAIM(ctx), id);
		c->claimed_other++;
	}
	/* counted last: the boot vCPU waits on it, then reads the rest */
	__atomic_add_fetch(&c->irqs, 1, __ATOMIC_RELEASE);
	/* One interrupt per arming: a line that never falls cannot loop here. */
	if (c->oneshot)
		csr_clear(sie, SIP_SEIP);
}

void cpu_reset_counts(volatile struct cpu *c)
{
	c->irqs = c->claimed10 = c->claimed0 = c->claimed_other = c->peeks = 0;
	c->last_claim = c->last_iir = c->last_rbr = c->pending_after = ~0UL;
	c->last_scause = 0;
}

void uart_quiet(void)
{
	wr8(IER, 0);
	wr8(MCR, 0);
	wr8(FCR, FCR_ENABLE | FCR_CLEAR);
	/* FIFOs off leave one byte in RBR on a real 16550: drain it too */
	while (rd8(LSR) & LSR_DR)
		(void)rd8(RBR);
}
