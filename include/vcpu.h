/*
 * A virtual hart. Its guest registers live in ctx while Keel runs; its
 * VS-level CSRs live in the hardware while it is loaded on a physical hart
 * (saved in csrs when it is not), so an exit that only needs the GPRs
 * touches no other state.
 */
#ifndef KEEL_VCPU_H
#define KEEL_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "pmu.h"
#include "riscv.h"
#include "vcpu_context.h"

struct vm;
struct hart;
struct sbi_extension;

/* VS-level state that belongs to the vCPU, not the hart */
struct vcpu_csrs {
	unsigned long vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
	unsigned long hvip, hstatus, henvcfg, hcounteren;
	unsigned long vstimecmp;
};

/* The guest's FPU state while it is not on the hart (see src/arch/fp.S). */
struct vcpu_fp {
	uint64_t f[32];
	uint64_t fcsr;
};

struct vcpu_stats {
	unsigned long exceptions[EXC_COUNT];
	unsigned long interrupts[IRQ_COUNT];
	unsigned long mmio_reads, mmio_writes;
	unsigned long redirects;
	unsigned long wfi_exits;
};

struct vcpu {
	struct vcpu_context ctx; /* first: trap.S addresses it directly */
	struct vm *vm;
	struct hart *hart;        /* the physical hart it runs on, if any */
	unsigned int id;          /* the guest's hart id */
	int hsm_state;            /* SBI_HSM_STATE_* */
	uint64_t timer_deadline;  /* guest set_timer value; UINT64_MAX = none */
	struct vcpu_csrs csrs;
	struct vcpu_fp fp;
	struct vcpu_pmu pmu;
	struct vcpu_stats stats;
	bool trace; /* TRACE=1: print every exit (copied from the VM) */
	/* exceptions injected in a row at the guest's own trap vector */
	unsigned int fault_loop;
	/* the SBI extension this vCPU called last: most calls repeat it */
	const struct sbi_extension *sbi_last;
};

/* What one trap looked like, read once from the CSRs at entry. */
struct trap_info {
	unsigned long scause, stval, htval, htinst, hstatus, sstatus;
	unsigned long sepc;         /* the guest pc at the trap */
	struct vcpu_context *regs; /* the registers at the trap */
};

/* Guest pc advance after an emulated instruction of len bytes */
static inline void vcpu_skip_insn(struct vcpu *v, unsigned int len)
{
	v->ctx.sepc += len;
}

/* Reset a vCPU to its power-on state: pc, a0 = hart id, a1 = DT. */
void vcpu_reset(struct vcpu *v, unsigned long entry, unsigned long dtb_gpa);

/*
 * Seed 000's vcpu_redirect(): hand the trap to the guest if it came from
 * one (hstatus.SPV), else report a hypervisor fault and stop this hart.
 */
void vcpu_redirect(struct vcpu *v, const struct trap_info *t);
/*
 * Make the guest take an exception other than the one that trapped (an
 * access fault for an unmapped guest-physical address, say), as if the
 * hardware had raised it at the same pc.
 */
void vcpu_inject_exception(struct vcpu *v, const struct trap_info *t, unsigned long cause,
			   unsigned long tval);

/* Guest timer (SBI set_timer): deadline in host time units. */
void vcpu_set_timer(struct vcpu *v, uint64_t deadline);
/* VS-level interrupt lines Keel drives (hvip) */
void vcpu_set_irq(struct vcpu *v, unsigned int irq);
void vcpu_clear_irq(struct vcpu *v, unsigned int irq);

/* Sleep on behalf of a vCPU in wfi until it has an interrupt to take. */
void vcpu_wait_for_interrupt(struct vcpu *v);

#endif
