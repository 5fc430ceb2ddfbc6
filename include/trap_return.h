/*
 * The flag bits a trap handler sets in the context it returns to trap.S
 * (contexts are 8-byte aligned, so the low bits are free). Plain numbers:
 * trap.S includes this too.
 */
#ifndef KEEL_TRAP_RETURN_H
#define KEEL_TRAP_RETURN_H

/*
 * "I did nothing: the emulation names a register trap.S did not save
 * (s0-s11). Save them all and call trap_from_guest(ctx)."
 */
#define TRAP_RET_NEED_ALL_REGS 1
/*
 * "The hart has work (docs/smp.md): save s0-s11 and call
 * sched_after_exit(ctx)", which may pick another vCPU.
 */
#define TRAP_RET_SCHEDULE 2
#define TRAP_RET_FLAGS (TRAP_RET_NEED_ALL_REGS | TRAP_RET_SCHEDULE)

#endif
