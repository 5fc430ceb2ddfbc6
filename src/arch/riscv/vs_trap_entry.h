/*
 * What the hardware writes when a guest takes a trap in VS-mode, as pure
 * logic (no CSR access), so that it runs on the host in tests/unit and
 * inline on the redirect's fast path (vs_trap.h, trap_redirect.c).
 */
#ifndef KEEL_ARCH_VS_TRAP_ENTRY_H
#define KEEL_ARCH_VS_TRAP_ENTRY_H

#include <stdbool.h>

#include "riscv.h"

/*
 * vsstatus after the guest takes a trap, as hardware would write it:
 * SPP = the mode the trap came from, SPIE = SIE, SIE = 0. Pure logic,
 * inline: it is on the redirect's fast path (arch_trap_redirect_fast).
 */
static inline unsigned long vsstatus_after_trap(unsigned long vsstatus, bool from_vs)
{
	_Static_assert(SSTATUS_SPIE == SSTATUS_SIE << 4, "SPIE is SIE moved up by 4");
	vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE);
	vsstatus |= (from_vs ? SSTATUS_SPP : 0) | (vsstatus & SSTATUS_SIE) << 4;
	return vsstatus & ~SSTATUS_SIE;
}

/*
 * What a trap into the guest's own handler writes, as hardware would had
 * the trap been delegated: vsepc = the pc that trapped, vscause, vstval,
 * vsstatus as above, and the guest goes on at the base of vstvec (even
 * in vectored mode: exceptions always go to the base). Pure logic, inline:
 * src/arch/ reads and writes the CSRs around it.
 */
struct vs_trap_entry {
	unsigned long vsstatus, vsepc, vscause, vstval;
	unsigned long pc; /* where the guest goes on */
};

static inline struct vs_trap_entry vs_trap_entry(unsigned long vsstatus, unsigned long vstvec,
						 unsigned long pc, unsigned long cause,
						 unsigned long tval, bool from_vs)
{
	return (struct vs_trap_entry){
		.vsstatus = vsstatus_after_trap(vsstatus, from_vs),
		.vsepc = pc,
		.vscause = cause,
		.vstval = tval,
		.pc = vstvec & ~3UL,
	};
}

#endif
