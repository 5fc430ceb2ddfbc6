/*
 * The guest entering its own trap handler, as the hardware would have it
 * had the trap been delegated: shared by arch_vcpu_enter_vs_trap() and the
 * redirect fast path (trap_redirect.c), inline in both.
 */
#ifndef KEEL_ARCH_VS_TRAP_H
#define KEEL_ARCH_VS_TRAP_H

#include "csr.h"
#include "trap.h"

static inline __attribute__((always_inline)) void vcpu_enter_vs_trap(struct vcpu *v,
								      unsigned long cause,
								      unsigned long tval,
								      bool from_vs)
{
	unsigned long vsstatus = csr_read(CSR_VSSTATUS);

	csr_write(CSR_VSSTATUS, vsstatus_after_trap(vsstatus, from_vs));
	csr_write(CSR_VSEPC, v->ctx.sepc);
	csr_write(CSR_VSCAUSE, cause);
	csr_write(CSR_VSTVAL, tval);
	/* exceptions always go to the base of vstvec, even in vectored mode */
	v->ctx.sepc = csr_read(CSR_VSTVEC) & ~3UL;
	/* the guest's handler runs in VS-mode whatever mode trapped */
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	csr_set(CSR_HSTATUS, HSTATUS_SPVP);
}

#endif
