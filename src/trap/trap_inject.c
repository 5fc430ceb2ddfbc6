/*
 * A trap handed to the guest (docs/trap-path.md, "A counted redirect"):
 * vcpu_redirect() checks the trap came from the guest, the one place
 * Keel tells a guest's fault from its own (hstatus.SPV); the exception is
 * entered as the hardware would have had it delegated; a guest whose trap
 * handler faults on itself is stopped. The fast path of a counted
 * redirect does the same in one leaf (arch/riscv/trap_redirect.c).
 */
#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "lib/trap_names.h"
#include "trap/trap.h"
#include "vcpu/trace.h"
#include "vm.h"

/*
 * A guest whose trap handler faults on its first instruction (no stvec set,
 * or stvec pointing nowhere) would be sent back to that handler forever.
 * Real hardware would spin silently; Keel stops the VM and says why.
 */
#define FAULT_LOOP_LIMIT 3

void vcpu_fault_loop_hit(struct vcpu *v, unsigned long cause, unsigned long pc,
			 unsigned long tval)
{
	if (++v->fault_loop < FAULT_LOOP_LIMIT)
		return;
	pr_err("VM '%s' vCPU %u: %s at 0x%lx (tval 0x%lx), which is its own trap "
	       "vector (stvec): it faults there again and again\n",
	       v->vm->cfg->name, v->id, trap_cause_name(cause), pc, tval);
	vm_stop(v->vm, VM_STOP_FAILURE, "its trap handler cannot run (fault loop)");
}

void vcpu_inject_exception(struct vcpu *v, const struct trap_info *t, unsigned long cause,
			   unsigned long tval)
{
	unsigned long pc = v->ctx.sepc;

	arch_vcpu_enter_vs_trap(v, cause, tval, t->sstatus & SSTATUS_SPP);
	if (pc != v->ctx.sepc)
		v->fault_loop = 0;
	else
		vcpu_fault_loop_hit(v, cause, pc, tval);
}

void vcpu_redirect(struct vcpu *v, const struct trap_info *t)
{
	/*
	 * Two witnesses must agree that a guest caused the trap: it arrived
	 * through the guest entry of trap.S (v is set: sscratch held a vCPU)
	 * and the hardware says the hart was virtualised (hstatus.SPV). SPV
	 * alone is not enough: OpenSBI 1.1 redirects illegal-instruction,
	 * misaligned and access faults from HS-mode without clearing a stale
	 * SPV = 1 left by the last guest exit.
	 */
	if (v && (t->hstatus & HSTATUS_SPV)) {
		trace_exit(v, t, "redirected to the guest's handler");
		vcpu_inject_exception(v, t, t->scause, t->stval);
		return;
	}
	hypervisor_fault(t, v ? "hypervisor fault (hstatus.SPV = 0 on a guest exit)"
			      : "hypervisor fault (a trap in Keel itself)");
}
