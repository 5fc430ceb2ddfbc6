/*
 * What runs on every hart: the secondary harts' entry and command loop, the
 * trap handler (counting IPIs and timer interrupts per hart), and the
 * spinning barrier all harts take part in.
 */
#include "smp.h"
#include "test.h"
#include "trap.h"

volatile struct hart harts[MAX_HARTS];

struct sbiret hsm_status(unsigned long hart)
{
	return sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, hart, 0, 0, 0, 0, 0);
}

struct sbiret send_ipi(unsigned long mask, unsigned long base)
{
	return sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, mask, base, 0, 0, 0, 0);
}

static volatile struct hart *this_hart(void)
{
	volatile struct hart *h;

	__asm__ volatile("mv %0, tp" : "=r"(h));
	return h;
}

/* An unexpected trap: the boot hart reports it; a secondary records it and stops. */
static void __attribute__((noreturn))
fault(volatile struct hart *h, unsigned long cause, unsigned long epc,
      unsigned long tval, const unsigned long *frame)
{
	if (h == &harts[boot_hart]) {
		struct trap_frame tf = { .scause = cause, .sepc = epc, .stval = tval };

		tf.regs[1] = frame[0];	/* ra, saved first by smp_vector */
		test_abort(&tf, "unexpected trap on the boot hart");
	}
	h->fault_cause = cause;
	h->fault_epc = epc;
	h->fault_tval = tval;
	__atomic_store_n(&h->fault, 1, __ATOMIC_RELEASE);
	sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, 0, 0, 0, 0, 0, 0);
	for (;;)
		wfi();
}

void smp_trap(unsigned long cause, unsigned long epc, unsigned long tval,
	      const unsigned long *frame)
{
	volatile struct hart *h = this_hart();

	if (cause == SCAUSE_SSI) {
		/* Cleared before counting: a second IPI is then a second count. */
		csr_clear(sip, SIP_SSIP);
		h->ssip++;
	} else if (cause == SCAUSE_STI) {
		timer_irq(h);
	} else {
		fault(h, cause, epc, tval, frame);
	}
}

static unsigned long barrier_count;

/*
 * BARRIER_ROUNDS rounds of "add one, spin until every hart has": a vCPU
 * spinning here only lets the others in if the hypervisor preempts it.
 * A round that takes over WAIT_LONG ends the run: the rounds done so far
 * are the result.
 */
unsigned long barrier_run(void)
{
	unsigned long r;

	for (r = 0; r < BARRIER_ROUNDS; r++) {
		unsigned long target = (r + 1) * nr_harts;

		__atomic_add_fetch(&barrier_count, 1, __ATOMIC_ACQ_REL);
		if (!WAIT_MS(WAIT_LONG, __atomic_load_n(&barrier_count,
							__ATOMIC_ACQUIRE) >= target))
			break;
	}
	return r;
}

void barrier_reset(void)
{
	__atomic_store_n(&barrier_count, 0, __ATOMIC_RELEASE);
}

static void do_cmd(volatile struct hart *h)
{
	struct sbiret r;

	switch (h->cmd) {
	case CMD_STOP:
		r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, 0, 0, 0, 0, 0, 0);
		h->ret = r.error;	/* only reached if hart_stop failed */
		break;
	case CMD_SUSPEND:
		/*
		 * SSIP may wake us (sie.SSIE) but is not taken until we say so
		 * (SIE = 0): a retentive suspend returns here with it pending.
		 */
		csr_clear(sstatus, SSTATUS_SIE);
		csr_write(sie, SIP_SSIP);
		r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, h->arg[0],
			     h->arg[1], h->arg[2], 0, 0, 0);
		h->val = !!(csr_read(sip) & SIP_SSIP);
		h->ret = r.error;
		csr_set(sstatus, SSTATUS_SIE);
		break;
	case CMD_PAGING_ON:
	case CMD_READ_VA:
	case CMD_PAGING_OFF:
		hart_paging(h, h->cmd);
		break;
	case CMD_TIMER:
		timer_round(h);
		break;
	case CMD_BARRIER:
		h->val = barrier_run();
		break;
	case CMD_PMU:
		hart_pmu(h);
		break;
	}
}

/*
 * A secondary hart's C entry, from sec_entry (hart_start) or
 * sec_resume_entry (non-retentive resume), both in common/sec_entry.S.
 * satp and sstatus are read first, as the SBI left them. A pending
 * command is finished by the entry itself: after a non-retentive resume
 * that is the CMD_SUSPEND that got us here.
 */
void sec_main(unsigned long hartid, unsigned long opaque, unsigned long resumed)
{
	unsigned long satp = csr_read(satp), sstatus = csr_read(sstatus);
	volatile struct hart *h = &harts[hartid];
	unsigned long seen;

	set_this_hart(h);
	csr_write(sie, 0);
	csr_write(stvec, (unsigned long)smp_vector);
	h->entry_a0 = hartid;
	h->entry_a1 = opaque;
	h->entry_satp = satp;
	h->entry_sie = !!(sstatus & SSTATUS_SIE);
	h->entry_resumed = resumed;
	h->ret = 0;
	seen = __atomic_load_n(&h->req, __ATOMIC_ACQUIRE);
	__atomic_store_n(&h->done, seen, __ATOMIC_RELEASE);
	__atomic_add_fetch(&h->entries, 1, __ATOMIC_RELEASE);

	/* IPIs are taken and counted from here on. */
	csr_write(sie, SIP_SSIP);
	csr_set(sstatus, SSTATUS_SIE);
	for (;;) {
		unsigned long req;

		while ((req = __atomic_load_n(&h->req, __ATOMIC_ACQUIRE)) == seen)
			;
		seen = req;
		do_cmd(h);
		__atomic_store_n(&h->done, seen, __ATOMIC_RELEASE);
	}
}
