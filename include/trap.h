/*
 * The trap path (docs/trap-path.md). trap.S saves the guest's registers and
 * calls trap_from_guest(); traps in Keel itself go to trap_from_keel().
 */
#ifndef KEEL_TRAP_H
#define KEEL_TRAP_H

#include <stdbool.h>

#include "trap_return.h"
#include "vcpu.h"

struct vcpu_context *trap_from_guest(struct vcpu_context *ctx);
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
 * Every exit while a profile runs (trap_entry_profiled, with all the
 * registers in ctx): the handler the plain entry would call, then the
 * exit's cost and a sample that fell due during it (prof.h).
 */
struct vcpu_context *trap_profiled(struct vcpu_context *ctx);
void trap_from_keel(struct vcpu_context *frame) __attribute__((noreturn));

/* Names for the trace and for reports ("illegal instruction", ...). */
const char *trap_cause_name(unsigned long scause);
/* The same as one word ("illegal_instruction", "supervisor_timer"). */
const char *trap_short_name(unsigned long scause);

/*
 * vsstatus after the guest takes a trap, as hardware would write it:
 * SPP = the mode the trap came from, SPIE = SIE, SIE = 0. Pure logic.
 */
unsigned long vsstatus_after_trap(unsigned long vsstatus, bool from_vs);

/* Print a hypervisor fault report and stop this hart. */
void hypervisor_fault(const struct trap_info *t, const char *what) __attribute__((noreturn));

#endif
