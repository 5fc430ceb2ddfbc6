/*
 * The trap path (docs/trap-path.md), src/trap/trap*.c. trap.S saves the
 * guest's registers and calls trap_from_guest() and the others (trap.c,
 * trap_page_fault.c, trap_virtual_insn.c); traps in Keel itself go to
 * trap_from_keel() (trap.c) and end in hypervisor_fault() (trap_keel.c);
 * the names of causes are trap_names.c's.
 */
#ifndef KEEL_TRAP_H
#define KEEL_TRAP_H

#include <stdbool.h>

#include "trap_return.h"
#include "vcpu.h"

struct vcpu_context *trap_from_guest(struct vcpu_context *ctx);
/*
 * The slow way of trap_from_guest(): read the whole trap, then the
 * handler for its cause. With all the registers in ctx (trap_profiled) it
 * serves guest page faults and virtual instructions too.
 */
struct vcpu_context *trap_by_cause(struct vcpu_context *ctx);
/*
 * The exception that just trapped was entered at pc, the guest's own trap
 * vector: the fault-loop count goes on (vcpu_fault_loop_hit), then the
 * exit ends as trap_from_guest()'s do (arch_trap_redirect_fast).
 */
struct vcpu_context *trap_redirect_fault_loop(struct vcpu *v, unsigned long cause,
					      unsigned long pc, unsigned long tval);
/*
 * Guest page faults, first with only the caller-saved registers in ctx.
 * Returns the context to run, or ctx | TRAP_RET_NEED_ALL_REGS when the
 * emulation needs all the registers: trap.S then saves the rest and calls
 * trap_from_guest().
 */
struct vcpu_context *trap_guest_page_fault(struct vcpu_context *ctx);
/*
 * Virtual-instruction exits (wfi, counter reads), first with only the
 * caller-saved registers in ctx; TRAP_RET_NEED_ALL_REGS as for guest page faults when an
 * emulated counter read writes one of s0-s11.
 */
struct vcpu_context *trap_virtual_insn(struct vcpu_context *ctx);
/*
 * trap_virtual_insn()'s general path, behind arch_trap_virtual_insn_fast():
 * the whole trap read, the instruction decoded, any case handled.
 */
struct vcpu_context *trap_virtual_insn_full(struct vcpu_context *ctx);
/*
 * Every exit while a profile runs (trap_entry_profiled, with all the
 * registers in ctx): the handler the plain entry would call, then the
 * exit's cost and a sample that fell due during it (prof.h).
 */
struct vcpu_context *trap_profiled(struct vcpu_context *ctx);
void trap_from_keel(struct vcpu_context *frame) __attribute__((noreturn));

/*
 * The handlers trap_by_cause() calls, with every register in ctx, for the
 * exceptions Keel handles itself: guest page faults (trap_page_fault.c)
 * and virtual instructions (trap_virtual_insn.c).
 */
void handle_guest_page_fault(struct vcpu *v, struct trap_info *t);
void handle_virtual_insn(struct vcpu *v, struct trap_info *t);



/*
 * The redirect of KVM's kvm_riscv_vcpu_trap_redirect(): hand the trap to the guest if it came from
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

/*
 * An exception was just entered at pc, the guest's own trap vector: one
 * more in a row there (vcpu->fault_loop), and the third stops the VM with
 * a report. Entering it anywhere else resets the count (fault_loop = 0).
 */
void vcpu_fault_loop_hit(struct vcpu *v, unsigned long cause, unsigned long pc,
			 unsigned long tval);

/* Print a hypervisor fault report and stop this hart (trap_keel.c). */
void hypervisor_fault(const struct trap_info *t, const char *what) __attribute__((noreturn));

#endif
