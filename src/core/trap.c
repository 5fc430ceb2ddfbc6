/*
 * The C half of the trap path: one dispatcher keyed by scause, one small
 * handler per cause. trap.S has saved the guest's registers in its vCPU.
 *
 * Read this file with docs/trap-path.md beside it.
 */
#include <stdint.h>

#include "arch.h"
#include "console.h"
#include "hart.h"
#include "hw_irq.h"
#include "mmio_fast.h"
#include "exit_stats.h"
#include "sbi.h"
#include "sched.h"
#include "trace.h"
#include "trap.h"
#include "vdev.h"
#include "vm.h"

typedef void (*exception_handler)(struct vcpu *v, struct trap_info *t);

/* ---- exceptions that go through vcpu_redirect(), counted first ---- */

/*
 * As in KVM's illegal-instruction and misaligned handlers: each of these is counted in the vCPU's SBI PMU firmware
 * counter for the event, then redirected. Instruction access faults have
 * no firmware event of their own (as in KVM) and are only redirected.
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

/* ---- exceptions that are Keel's to handle ---- */

/*
 * A guest page fault: an emulated device, or nothing (an access fault for
 * the guest). Returns MMIO_NEED_ALL_REGS, having done nothing, when the
 * access names a register trap.S did not save.
 */
static inline __attribute__((always_inline)) enum mmio_result
guest_page_fault(struct vcpu *v, struct trap_info *t, bool all_regs)
{
	/* htval holds the guest physical address shifted right by 2 */
	uint64_t gpa = (t->htval << 2) | (t->stval & 3);

	if (t->scause != EXC_INST_GUEST_PAGE_FAULT) {
		enum mmio_result r = mmio_emulate(v, t, gpa, all_regs);
		if (r != MMIO_NO_DEVICE)
			return r;
	}
	/*
	 * Guest RAM not touched since the VM started: zeroed and mapped now
	 * (vm_ram.c), and the access runs again.
	 */
	if (vm_ram_fault(v->vm, gpa)) {
		trace_exit(v, t, "RAM at gpa 0x%llx: its 2 MiB block zeroed and mapped",
			   (unsigned long long)gpa);
		return MMIO_DONE;
	}
	/*
	 * Nothing is there: on a real machine this is an access fault. It is
	 * injected, and counted like one the hardware raised.
	 */
	switch (t->scause) {
	case EXC_LOAD_GUEST_PAGE_FAULT:
		pmu_incr_fw(&v->pmu, SBI_PMU_FW_ACCESS_LOAD);
		vcpu_inject_exception(v, t, EXC_LOAD_ACCESS, t->stval);
		break;
	case EXC_STORE_GUEST_PAGE_FAULT:
		pmu_incr_fw(&v->pmu, SBI_PMU_FW_ACCESS_STORE);
		vcpu_inject_exception(v, t, EXC_STORE_ACCESS, t->stval);
		break;
	default:
		vcpu_inject_exception(v, t, EXC_INST_ACCESS, t->stval);
		break;
	}
	trace_exit(v, t, "no device at gpa 0x%llx: access fault injected", (unsigned long long)gpa);
	return MMIO_DONE;
}

static void handle_guest_page_fault(struct vcpu *v, struct trap_info *t)
{
	guest_page_fault(v, t, true);
}

/* Whatever the fast path leaves: the whole emulation, from the trap CSRs */
static __attribute__((noinline)) struct vcpu_context *
trap_guest_page_fault_slow(struct vcpu_context *ctx)
{
	struct vcpu *v = (struct vcpu *)ctx;
	struct trap_info t;

	arch_trap_read(&t, ctx);
	if (guest_page_fault(v, &t, false) == MMIO_NEED_ALL_REGS)
		return (struct vcpu_context *)((uintptr_t)ctx | TRAP_RET_NEED_ALL_REGS);
	exit_count(v, EXIT_SLOT_EXC(t.scause));
	return vcpu_schedule(v);
}

/* A THR write the fast path found that needs a lock or a buffer: or the slow way */
static __attribute__((noinline)) struct vcpu_context *
trap_guest_thr_write_locked(struct vcpu_context *ctx, uint32_t info)
{
	struct vcpu *v = (struct vcpu *)ctx;

	if (!mmio_fast_thr(v, info))
		return trap_guest_page_fault_slow(ctx);
	exit_count(v, EXIT_SLOT_EXC(EXC_STORE_GUEST_PAGE_FAULT));
	return vcpu_schedule(v);
}

/* A THR write the fast path found: the common case inline, with no call */
static __attribute__((noinline)) struct vcpu_context *
trap_guest_thr_write(struct vcpu_context *ctx, uint32_t info)
{
	struct vcpu *v = (struct vcpu *)ctx;
	char byte;

	if (!mmio_fast_thr_direct(v, info, &byte))
		return trap_guest_thr_write_locked(ctx, info);
	console_put_plain(byte);
	exit_count(v, EXIT_SLOT_EXC(EXC_STORE_GUEST_PAGE_FAULT));
	return vcpu_schedule(v);
}

/*
 * The UART's common accesses first, in a few dozen instructions
 * (mmio_fast.h); everything else, and anything the fast path is unsure
 * of, the slow way. Both of those are tail calls: a served load touches
 * no stack.
 */
struct vcpu_context *trap_guest_page_fault(struct vcpu_context *ctx)
{
	struct vcpu *v = (struct vcpu *)ctx;
	uint32_t thr;

	switch (mmio_fast(v, &thr)) {
	case MMIO_FAST_LOAD_DONE:
		exit_count(v, EXIT_SLOT_EXC(EXC_LOAD_GUEST_PAGE_FAULT));
		return vcpu_schedule(v);
	case MMIO_FAST_THR:
		return trap_guest_thr_write(ctx, thr);
	default:
		return trap_guest_page_fault_slow(ctx);
	}
}

/*
 * A read of cycle or instret while the guest has that SBI PMU counter
 * configured: Keel cleared its hcounteren bit (src/sbi/sbi_pmu.c) so the
 * read traps here, and the guest gets its own count, which starts from the
 * value it chose and stands still while stopped (docs/pmu.md).
 */
static bool emulate_counter_read(struct vcpu *v, const struct trap_info *t, uint32_t insn)
{
	unsigned int csr, rd;
	int counter;

	if (pmu_decode_counter_csr(insn, &csr, &rd) != PMU_CSR_READ ||
	    !pmu_emulates_read(&v->pmu, csr))
		return false;
	/* from VU-mode the guest kernel's scounteren must allow it as well */
	if (!(t->hstatus & HSTATUS_SPVP) && !(arch_guest_scounteren() >> csr & 1))
		return false;
	counter = pmu_csr_counter(csr);
	if (rd)
		v->ctx.x[rd] = pmu_counter_value(&v->pmu, (unsigned int)counter, &host_pmu);
	vcpu_skip_insn(v, 4);
	trace_exit(v, t, "csr 0x%x read: PMU counter %d emulated", PMU_CSR_COUNTER_BASE + csr,
		   counter);
	return true;
}

/*
 * The instruction behind a virtual-instruction exception, read from guest
 * memory. stval is not trusted: QEMU 7.2 leaves it stale for a guest's
 * hlv/hsv (it still holds the previous trap's instruction, which made an
 * hlv.d after a wfi look like a wfi: found by guests/hostile). These
 * exits are rare (wfi, emulated counter reads), so the read costs little.
 */
static bool read_virtual_insn(struct vcpu *v, const struct trap_info *t, uint32_t *insn)
{
	unsigned long cause;

	return !arch_guest_read_insn(t, v->ctx.sepc, insn, &cause);
}

/* What the instruction read (ok) at the trapped pc gets */
static void virtual_insn(struct vcpu *v, struct trap_info *t, bool ok, uint32_t insn)
{
	if (!ok) {
		vcpu_inject_exception(v, t, EXC_INST_ILLEGAL, 0);
		return;
	}
	/*
	 * wfi from VS waits for an interrupt; from VU (hstatus.SPVP = 0) a
	 * machine with S-mode calls it illegal, so that is what it gets.
	 */
	if (insn == INSN_WFI && (t->hstatus & HSTATUS_SPVP)) {
		vcpu_skip_insn(v, 4);
		trace_exit(v, t, "wfi: vCPU idles until an interrupt");
		vcpu_block(v);
		return;
	}
	if (emulate_counter_read(v, t, insn))
		return;
	/*
	 * Anything else (an HS CSR from VS, hfence from VS, ...) is what a
	 * machine without the H extension would call an illegal instruction.
	 */
	pmu_incr_fw(&v->pmu, SBI_PMU_FW_ILLEGAL_INSN);
	vcpu_inject_exception(v, t, EXC_INST_ILLEGAL, insn);
	trace_exit(v, t, "insn 0x%08x: illegal instruction injected", insn);
}

/* With every register in ctx (trap_from_guest): read, then the same */
static void handle_virtual_insn(struct vcpu *v, struct trap_info *t)
{
	uint32_t insn = 0;
	bool ok = read_virtual_insn(v, t, &insn);

	virtual_insn(v, t, ok, insn);
}

struct vcpu_context *trap_virtual_insn(struct vcpu_context *ctx)
{
	/* wfi that ends at once and emulated counter reads the short way */
	return arch_trap_virtual_insn_fast((struct vcpu *)ctx);
}

struct vcpu_context *trap_virtual_insn_full(struct vcpu_context *ctx)
{
	struct vcpu *v = (struct vcpu *)ctx;
	struct trap_info t;
	uint32_t insn = 0;
	unsigned int counter, rd;
	bool ok;

	arch_trap_read(&t, ctx);
	ok = read_virtual_insn(v, &t, &insn);
	/* a counter read into s0-s11: first all the registers, then the read */
	if (ok && pmu_decode_counter_csr(insn, &counter, &rd) == PMU_CSR_READ &&
	    ctx_reg_is_callee_saved(rd))
		return (struct vcpu_context *)((uintptr_t)ctx | TRAP_RET_NEED_ALL_REGS);
	virtual_insn(v, &t, ok, insn);
	exit_count(v, EXIT_SLOT_EXC(t.scause));
	return vcpu_schedule(v);
}

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
		/* console input (hw_irq.h): only the boot hart enables it */
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
