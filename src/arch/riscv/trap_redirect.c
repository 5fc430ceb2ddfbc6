/*
 * The redirect fast path: an illegal instruction, misaligned or access
 * fault the guest takes in its own handler, counted on the way if the
 * guest counts it (SBI PMU), at the floor of what it costs. While nobody
 * counts them these never reach Keel (hedeleg, vcpu_delegation_update());
 * this is the path for the counted ones.
 *
 * It does what trap_by_cause() -> handle_illegal_insn() -> vcpu_redirect()
 * -> vcpu_inject_exception() do, in one leaf function with no frame: on
 * this path a call, a struct trap_info and the six trap CSRs
 * arch_trap_read() reads would cost more than the work. Read it beside
 * those (docs/trap-path.md, "A counted redirect").
 */
#include "arch/riscv/arch.h"
#include "arch/riscv/csr.h"
#include "exit_stats.h"
#include "arch/riscv/vs_trap.h"
#include "trap/trap.h"

/*
 * The causes vcpu_redirect() hands on as they are (trap.c's handle_*()),
 * by scause, each with the firmware counter it counts in (pmu_trap_event()):
 * where it sits in struct vcpu, so that one load both decides and finds it.
 * NOT_HERE (0) for a cause that is not a redirect; an instruction access
 * fault, which has no event, gets the PMU's never-started no_event.
 */
#include <stddef.h>

#define NOT_HERE 0
#define COUNTER(ev) offsetof(struct vcpu, pmu.fw[ev])
#define NO_EVENT offsetof(struct vcpu, pmu.no_event)
_Static_assert(NO_EVENT <= UINT16_MAX, "counter offsets fit 16 bits");
_Static_assert(COUNTER(SBI_PMU_FW_MAX - 1) < NO_EVENT, "counter offsets fit 16 bits");

static const uint16_t redirect_counter[EXC_STORE_ACCESS + 1] = {
	[EXC_INST_ACCESS] = NO_EVENT,
	[EXC_INST_ILLEGAL] = COUNTER(SBI_PMU_FW_ILLEGAL_INSN),
	/* 0 and 3 (breakpoint: the guest's own, hedeleg) are NOT_HERE */
	[EXC_LOAD_MISALIGNED] = COUNTER(SBI_PMU_FW_MISALIGNED_LOAD),
	[EXC_LOAD_ACCESS] = COUNTER(SBI_PMU_FW_ACCESS_LOAD),
	[EXC_STORE_MISALIGNED] = COUNTER(SBI_PMU_FW_MISALIGNED_STORE),
	[EXC_STORE_ACCESS] = COUNTER(SBI_PMU_FW_ACCESS_STORE),
};

struct vcpu_context *arch_trap_redirect_fast(struct vcpu *v)
{
	unsigned long cause = csr_read(CSR_SCAUSE), hstatus, pc, counter;
	struct vs_trap_entry e;

	/*
	 * Interrupts (bit 63) and other causes go the slow way, and so does
	 * a traced exit: C prints it. A profiled exit comes here too
	 * (trap_profiled() calls what trap.S calls), and is measured after.
	 */
	if (cause > EXC_STORE_ACCESS || (counter = redirect_counter[cause]) == NOT_HERE || v->trace)
		return trap_by_cause(&v->ctx);
	/*
	 * Two witnesses that the guest trapped (vcpu_redirect()): trap.S's
	 * guest entry named v, and hstatus.SPV. Without SPV the slow path
	 * reports a hypervisor fault.
	 */
	hstatus = csr_read(CSR_HSTATUS);
	if (!(hstatus & HSTATUS_SPV))
		return trap_by_cause(&v->ctx);
	/* pmu_incr_fw(), its counter found by the table */
	{
		struct pmu_fw_event *f = (struct pmu_fw_event *)((char *)v + counter);

		if (__builtin_expect(f->started, 1))
			f->value++;
	}
	pc = v->ctx.sepc;
	/*
	 * vcpu_enter_vs_trap(), with what is at hand: hstatus.SPVP is the
	 * mode the guest trapped from (sstatus.SPP says the same), and the
	 * new pc stays in a register for the fault-loop test.
	 */
	e = vs_trap_entry(csr_read(CSR_VSSTATUS), csr_read(CSR_VSTVEC), pc, cause, csr_read(CSR_STVAL),
			  hstatus & HSTATUS_SPVP);
	csr_write(CSR_VSSTATUS, e.vsstatus);
	csr_write(CSR_VSEPC, e.vsepc);
	csr_write(CSR_VSCAUSE, e.vscause);
	csr_write(CSR_VSTVAL, e.vstval);
	v->ctx.sepc = e.pc;
	/* the handler runs in VS-mode: from VS, SPP and SPVP say so already */
	if (!(hstatus & HSTATUS_SPVP)) {
		csr_set(CSR_SSTATUS, SSTATUS_SPP);
		csr_set(CSR_HSTATUS, HSTATUS_SPVP);
	}
	/* vcpu_inject_exception()'s fault-loop watch, its rare half out of line */
	if (__builtin_expect(e.pc == pc, 0))
		return trap_redirect_fault_loop(v, cause, pc, e.vstval);
	v->fault_loop = 0;
	exit_count(v, EXIT_SLOT_EXC(cause));
	return vcpu_schedule(v);
}
