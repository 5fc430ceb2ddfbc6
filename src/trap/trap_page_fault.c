/*
 * Guest page faults (causes 20, 21, 23): an access to an emulated device
 * (MMIO), the first touch of a 2 MiB block of guest RAM, or nothing there
 * (an access fault for the guest). The UART's common accesses go the fast
 * way, inline here (mmio_fast.h). Read docs/trap-path.md, (b), beside it.
 */
#include <stdint.h>

#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "exit_stats.h"
#include "vdev/mmio_fast.h"
#include "vcpu/trace.h"
#include "trap/trap.h"
#include "vdev/vdev.h"
#include "vm.h"

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

void handle_guest_page_fault(struct vcpu *v, struct trap_info *t)
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
