/*
 * Running a piece of code in U-mode (VU-mode under a hypervisor) and
 * coming back: for guests that check what user code may do.
 *
 * run_user(fn, user_sp, s2) srets into U-mode at fn with that stack and
 * s2 set; fn ends in ecall. The guest's trap hook must answer that ecall
 * (scause ECALL_FROM_U) with user_return():
 *
 *	tf->sepc = (unsigned long)user_return;
 *	csr_set(sstatus, SSTATUS_SPP);
 *
 * and run_user() then returns, back in S-mode with the caller's registers.
 * Any other trap from fn is the hook's to handle (usually: record, skip).
 */
#ifndef GUEST_USER_H
#define GUEST_USER_H

#define ECALL_FROM_U 8
#define SSTATUS_SPP (1UL << 8)

void run_user(void *fn, void *user_sp, unsigned long s2);
extern char user_return[];

#endif
