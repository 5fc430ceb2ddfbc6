/*
 * The C half of the trap path: one dispatcher keyed by scause, one small
 * handler per cause. trap.S has saved the guest's registers in its vCPU.
 * Here: the dispatch, the redirected exceptions and interrupts, the
 * profiled exit, and traps in Keel itself. Guest page faults are
 * trap_page_fault.c's, virtual instructions trap_virtual_insn.c's, the
 * report of a fault that is Keel's trap_keel.c's.
 *
 * Read this file with docs/trap-path.md beside it.
 */
#include <stdint.h>

#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "hart.h"
#include "platform/hw_irq.h"
#include "exit_stats.h"
#include "sbi/sbi.h"
#include "vcpu/trace.h"
#include "trap/trap.h"
#include "vm.h"
#include "vcpu/timer.h"
#include "lib/trap_names.h"

typedef void (*exception_handler)(struct vcpu *v, struct trap_info *t);

/* ---- exceptions that go through vcpu_redirect(), counted first ---- */

/*
 * As in KVM's illegal-instruction and misaligned handlers: each of these
 * is counted in the vCPU's SBI PMU firmware counter for the event, then
 * redirected. Instruction access faults have no firmware event of their
 * own (as in KVM) and are only redirected.
 */
static void handle_illegal_insn(struct vcpu *v, struct trap_info *t)
{
	pmu_incr_fw(v ? &v->pmu : 0, SBI_PMU_FW_ILLEGAL_INSN);
	vcpu_redirect(v, t);
}

static void handle_load_misaligned(struct vcpu *v, struct trap_info *t)
{
	pmu_incr_fw(v ? &v->pmu : 0, SBI_PMU_FW_MISALIGNED_LOAD);
	vcpu_redirect(v, t);
}

static void handle_store_misaligned(struct vcpu *v, struct trap_info *t)
{
	pmu_incr_fw(v ? &v->pmu : 0, SBI_PMU_FW_MISALIGNED_STORE);
	vcpu_redirect(v, t);
}

static void handle_load_access(struct vcpu *v, struct trap_info *t)
{
	pmu_incr_fw(v ? &v->pmu : 0, SBI_PMU_FW_ACCESS_LOAD);
	vcpu_redirect(v, t);
}

static void handle_store_access(struct vcpu *v, struct trap_info *t)
{
	pmu_incr_fw(v ? &v->pmu : 0, SBI_PMU_FW_ACCESS_STORE);
	vcpu_redirect(v, t);
}

static void handle_inst_access(struct vcpu *v, struct trap_info *t)
{
	vcpu_redirect(v, t);
}

/*
 * One handler per exception a guest may raise: the redirects above, guest
 * page faults (trap_page_fault.c) and virtual instructions
 * (trap_virtual_insn.c), which are Keel's to handle.
 */
static const exception_handler exception_handlers[EXC_COUNT] = {
	[EXC_INST_ACCESS] = handle_inst_access,
	[EXC_INST_ILLEGAL] = handle_illegal_insn,
	[EXC_LOAD_MISALIGNED] = handle_load_misaligned,
	[EXC_LOAD_ACCESS] = handle_load_access,
	[EXC_STORE_MISALIGNED] = handle_store_misaligned,
	[EXC_STORE_ACCESS] = handle_store_access,
	[EXC_INST_GUEST_PAGE_FAULT] = handle_guest_page_fault,
	[EXC_LOAD_GUEST_PAGE_FAULT] = handle_guest_page_fault,
	[EXC_VIRTUAL_INST_FAULT] = handle_virtual_insn,
	[EXC_STORE_GUEST_PAGE_FAULT] = handle_guest_page_fault,
};

/* ---- interrupts that arrive while a guest runs ---- */

static void handle_interrupt(struct vcpu *v, struct trap_info *t)
{
	unsigned long irq = t->scause & ~CAUSE_IRQ_FLAG;

	switch (irq) {
	case IRQ_S_TIMER:
		/* a sample due now found this guest running (prof.h) */
		prof_tick_guest(v->hart, v, t->hstatus);
		hart_timer_expired(v->hart);
		break;
	case IRQ_S_SOFT:
		/*
		 * Another hart kicked this one (vcpu_request.h): its work flag
		 * is up, so vcpu_schedule() sends this exit to the scheduler.
		 */
		arch_clear_host_ipi();
		break;
	case IRQ_S_EXT:
		/* the machine's lines Keel serves (hw_irq.h: the console, a
		 * machine disk, the uplink's card): only the boot hart enables them */
		hw_irq_handle();
		break;
	default:
		/* not enabled in sie: should not happen, so say so */
		pr_err("vCPU %s/%u: unexpected %s, ignored\n", v->vm->cfg->name, v->id,
		       trap_cause_name(t->scause));
		break;
	}
}

/* What part of Keel an exception's handler is, for the profiler */
static enum prof_part exception_part(unsigned long scause)
{
	switch (scause) {
	case EXC_INST_GUEST_PAGE_FAULT:
	case EXC_LOAD_GUEST_PAGE_FAULT:
	case EXC_STORE_GUEST_PAGE_FAULT:
		return PROF_MMIO;
	case EXC_VIRTUAL_INST_FAULT:
		return PROF_VINSN;
	default:
		return PROF_FAULT;
	}
}

struct vcpu_context *trap_by_cause(struct vcpu_context *ctx)
{
	struct vcpu *v = (struct vcpu *)ctx;
	struct trap_info t;

	arch_trap_read(&t, ctx);
	if (t.scause & CAUSE_IRQ_FLAG) {
		unsigned long irq = t.scause & ~CAUSE_IRQ_FLAG;

		handle_interrupt(v, &t);
		exit_count(v, EXIT_SLOT_IRQ(irq < IRQ_COUNT ? irq : 0));
	} else {
		unsigned long cause = t.scause < EXC_COUNT ? t.scause : 0;
		exception_handler h = exception_handlers[cause];

		if (h && t.scause < EXC_COUNT) {
			h(v, &t);
		} else {
			/* delegated causes never reach here; anything else stops the VM */
			trace_exit(v, &t, "unexpected exception");
			vm_stop(v->vm, VM_STOP_FAILURE, "unexpected exception from the guest");
		}
		exit_count(v, EXIT_SLOT_EXC(cause));
	}
	return vcpu_schedule(v);
}

struct vcpu_context *trap_redirect_fault_loop(struct vcpu *v, unsigned long cause,
					      unsigned long pc, unsigned long tval)
{
	vcpu_fault_loop_hit(v, cause, pc, tval);
	exit_count(v, EXIT_SLOT_EXC(cause));
	return vcpu_schedule(v);
}

struct vcpu_context *trap_virtual_insn(struct vcpu_context *ctx)
{
	/* wfi that ends at once and emulated counter reads the short way */
	return arch_trap_virtual_insn_fast((struct vcpu *)ctx);
}

struct vcpu_context *trap_from_guest(struct vcpu_context *ctx)
{
	/*
	 * A redirect (illegal instruction, misaligned, access fault) goes
	 * back into the guest at once when nothing unusual holds it up
	 * (arch_trap_redirect_fast(), docs/trap-path.md); everything else,
	 * and those when unusual, by cause.
	 */
	return arch_trap_redirect_fast((struct vcpu *)ctx);
}

/*
 * What an exit is, for the profiler: its statistics slot, the part of
 * Keel that handles it and that handler's address (where a sample that
 * falls due inside the exit is charged). Read before the handler runs: an
 * SBI reboot rewrites the registers that name the extension.
 */
struct exit_kind {
	unsigned int slot;
	enum prof_part part;
	uintptr_t pc;
};

static struct exit_kind exit_kind_of(struct vcpu *v, unsigned long scause)
{
	if (scause & CAUSE_IRQ_FLAG) {
		unsigned long irq = scause & ~CAUSE_IRQ_FLAG;

		return (struct exit_kind){ EXIT_SLOT_IRQ(irq < IRQ_COUNT ? irq : 0), PROF_IRQ,
					   (uintptr_t)handle_interrupt };
	}
	if (scause == EXC_ECALL_VS) {
		const struct sbi_extension *ext = sbi_extension_of(v, v->ctx.x[17]);

		return (struct exit_kind){
			EXIT_SLOT_SBI(ext ? ext->stat_slot : SBI_STAT_UNKNOWN), PROF_SBI,
			ext ? (uintptr_t)ext->handle : (uintptr_t)sbi_dispatch
		};
	}
	if (scause < EXC_COUNT && exception_handlers[scause])
		return (struct exit_kind){ EXIT_SLOT_EXC(scause), exception_part(scause),
					   (uintptr_t)exception_handlers[scause] };
	return (struct exit_kind){ EXIT_SLOT_EXC(0), PROF_FAULT, (uintptr_t)trap_from_guest };
}

struct vcpu_context *trap_profiled(struct vcpu_context *ctx)
{
	struct vcpu *v = (struct vcpu *)ctx;
	unsigned long scause = arch_trap_cause();
	struct exit_kind kind = exit_kind_of(v, scause);
	struct vcpu_context *next;

	/*
	 * The handlers trap.S's slow path calls, so that what is measured is
	 * what unprofiled exits cost in C (only the SBI fast path of trap.S
	 * itself is left out); every register is in ctx already, so an
	 * emulation that needs them all goes on by cause at once.
	 */
	switch (scause) {
	case EXC_ECALL_VS:
		next = sbi_dispatch(ctx);
		break;
	case EXC_LOAD_GUEST_PAGE_FAULT:
	case EXC_STORE_GUEST_PAGE_FAULT:
		next = trap_guest_page_fault(ctx);
		break;
	case EXC_VIRTUAL_INST_FAULT:
		next = trap_virtual_insn(ctx);
		break;
	default:
		next = scause & CAUSE_IRQ_FLAG ? trap_by_cause(ctx) : trap_from_guest(ctx);
		break;
	}
	if ((uintptr_t)next & TRAP_RET_NEED_ALL_REGS)
		next = trap_by_cause(ctx);
	prof_exit_measured(v, kind.slot, kind.part, kind.pc);
	return next;
}

static bool is_redirect_cause(unsigned long scause)
{
	return scause == EXC_INST_ACCESS || scause == EXC_INST_ILLEGAL ||
	       scause == EXC_LOAD_MISALIGNED || scause == EXC_LOAD_ACCESS ||
	       scause == EXC_STORE_MISALIGNED || scause == EXC_STORE_ACCESS;
}

void trap_from_keel(struct vcpu_context *frame)
{
	struct trap_info t;

	arch_trap_read(&t, frame);
	/*
	 * The redirect causes take the same path as from a guest, with no vCPU
	 * to count against: vcpu_redirect() sees hstatus.SPV = 0 and reports a
	 * hypervisor fault. Anything else in Keel is a fault just the same.
	 */
	if (!(t.scause & CAUSE_IRQ_FLAG) && is_redirect_cause(t.scause))
		exception_handlers[t.scause](0, &t);
	hypervisor_fault(&t, "unexpected trap in Keel");
}
