/*
 * The guest entering its own trap handler, as the hardware would have it
 * had the trap been delegated: shared by arch_vcpu_enter_vs_trap() and the
 * redirect fast path (trap_redirect.c), inline in both.
 */
#ifndef KEEL_ARCH_VS_TRAP_H
#define KEEL_ARCH_VS_TRAP_H

#include "arch/riscv/csr.h"
#include "arch/riscv/vs_trap_entry.h"
#include "vcpu.h"



static inline __attribute__((always_inline)) void vcpu_enter_vs_trap(struct vcpu *v,
								      unsigned long cause,
								      unsigned long tval,
								      bool from_vs)
{
	struct vs_trap_entry e = vs_trap_entry(csr_read(CSR_VSSTATUS), csr_read(CSR_VSTVEC),
					       v->ctx.sepc, cause, tval, from_vs);

	csr_write(CSR_VSSTATUS, e.vsstatus);
	csr_write(CSR_VSEPC, e.vsepc);
	csr_write(CSR_VSCAUSE, e.vscause);
	csr_write(CSR_VSTVAL, e.vstval);
	v->ctx.sepc = e.pc;
	/* the guest's handler runs in VS-mode whatever mode trapped */
	csr_set(CSR_SSTATUS, SSTATUS_SPP);
	csr_set(CSR_HSTATUS, HSTATUS_SPVP);
}

#endif
