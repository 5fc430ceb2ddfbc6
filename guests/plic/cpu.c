/*
 * The secondary vCPU: its entry, trap handler and command loop, and the
 * boot vCPU's side of the commands. Between commands the secondary waits
 * in wfi with only SSIE enabled, so on a shared hart it leaves the boot
 * vCPU the whole hart; post() sends the IPI that wakes it.
 */
#include "console.h"
#include "plic.h"
#include "test.h"

volatile struct cpu cpus[MAX_HARTS];
unsigned long stray_start;	/* entry.S: a hart arrived at _start instead */

#define SCAUSE_SSI (SCAUSE_IRQ | 1)
#define SCAUSE_SEI (SCAUSE_IRQ | 9)

static volatile struct cpu *this_cpu(void)
{
	volatile struct cpu *c;

	__asm__ volatile("mv %0, tp" : "=r"(c));
	return c;
}

void sec_trap(unsigned long cause, unsigned long epc, unsigned long tval)
{
	volatile struct cpu *c = this_cpu();

	if (cause == SCAUSE_SEI) {
		c->last_scause = cause;
		ext_irq(c);
	} else if (cause == SCAUSE_SSI) {
		csr_clear(sip, SIP_SSIP);
		c->ssips++;
	} else {
		c->fault_cause = cause;
		c->fault_epc = epc;
		c->fault_tval = tval;
		st_rel(&c->fault, 1);
		sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, 0, 0, 0, 0, 0, 0);
		for (;;)
			wfi();
	}
}

/*
 * The boot vCPU did not wake from wfi: nothing else can end the run, so
 * this vCPU reports it and powers off.
 */
static void __attribute__((noreturn)) rescue(unsigned long boot_irqs)
{
	CHECK(0, "vCPU %lu woke from wfi by the interrupt vCPU %lu raised "
	      "(still %lu interrupts after %d ms)", boot_hart, other_hart, boot_irqs,
	      WAIT_LONG);
	test_finish();
}

static void do_cmd(volatile struct cpu *c)
{
	unsigned long boot_irqs;

	switch (c->cmd) {
	case CMD_IDLE:
		irqs_on(SIP_SEIP | SIP_SSIP);
		st_rel(&c->idling, 1);
		while (!ld_acq(&c->stop))
			wfi();
		st_rel(&c->idling, 0);
		irqs_on(SIP_SSIP);
		break;
	case CMD_PEEK:
		c->action = ACT_PEEK;
		c->peeks = 0;
		irqs_on(SIP_SEIP | SIP_SSIP);
		WAIT_MS(c->arg, ld_acq(&c->peeks));
		irqs_on(SIP_SSIP);
		c->val = c->peeks;
		c->action = ACT_IIR;
		break;
	case CMD_TRIGGER:
		delay_ms(c->arg);
		boot_irqs = ld_acq(&cpus[boot_hart].irqs);
		c->val = rdtime();
		wr8(IER, 0);
		wr8(IER, IER_ETBEI);
		if (!WAIT_MS(WAIT_LONG, ld_acq(&cpus[boot_hart].irqs) != boot_irqs))
			rescue(boot_irqs);
		break;
	}
}

void sec_main(unsigned long hartid)
{
	volatile struct cpu *c = &cpus[hartid];
	unsigned long seen;

	__asm__ volatile("mv tp, %0" : : "r"(c) : "memory");
	csr_write(sie, 0);
	csr_write(stvec, (unsigned long)sec_vector);
	seen = ld_acq(&c->req);
	st_rel(&c->done, seen);
	__atomic_add_fetch(&c->entries, 1, __ATOMIC_RELEASE);
	irqs_on(SIP_SSIP);
	for (;;) {
		unsigned long req;

		/* post() stores req before its IPI: no wake-up is lost */
		while ((req = ld_acq(&c->req)) == seen)
			wfi();
		seen = req;
		do_cmd(c);
		st_rel(&c->done, seen);
	}
}

/* ---- the boot vCPU's side ----------------------------------------------- */

static struct sbiret send_ipi(unsigned long hart)
{
	return sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, hart, 0, 0, 0, 0);
}

unsigned long post(unsigned long cmd, unsigned long arg)
{
	volatile struct cpu *c = &cpus[other_hart];
	unsigned long seq = c->req + 1;

	c->cmd = cmd;
	c->arg = arg;
	c->val = 0;
	c->stop = 0;
	st_rel(&c->req, seq);
	send_ipi(other_hart);
	return seq;
}

/* 1 once the other vCPU finished command seq; 0 after ms or if it faulted. */
int wait_done(unsigned long seq, unsigned long ms)
{
	volatile struct cpu *c = &cpus[other_hart];

	return WAIT_MS(ms, ld_acq(&c->done) == seq || c->fault) && !c->fault;
}

/*
 * hart_start the other vCPU at sec_entry. Natively, OpenSBI before v1.3
 * may send it to _start instead (see entry.S): tried again there.
 */
int start_other(void)
{
	volatile struct cpu *c = &cpus[other_hart];
	struct sbiret r;
	int tries = 0;

	for (;;) {
		unsigned long before = c->entries;

		__atomic_store_n(&stray_start, 0, __ATOMIC_RELEASE);
		r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, other_hart,
			     (unsigned long)sec_entry, 0, 0, 0, 0);
		if (r.error)
			break;
		if (WAIT_MS(WAIT_LONG, ld_acq(&c->entries) != before))
			return 1;
		if (under_keel || !ld_acq(&stray_start) || ++tries == 3)
			break;
		printf("# hart %lu entered _start, not sec_entry: OpenSBI's hart_start race\n",
		       other_hart);
		WAIT_MS(WAIT_LONG, (r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS,
						 other_hart, 0, 0, 0, 0, 0),
				    !r.error && r.value == SBI_HSM_STATE_STOPPED));
	}
	CHECK(0, "vCPU %lu starts at sec_entry (hart_start error %ld)", other_hart, r.error);
	return 0;
}

/* End a CMD_IDLE: stop, and the IPI that wakes its wfi. */
int end_idle(unsigned long seq)
{
	st_rel(&cpus[other_hart].stop, 1);
	send_ipi(other_hart);
	return wait_done(seq, WAIT_LONG);
}
