/*
 * What the SMP guest adds to common/sec_entry.S (its secondary harts'
 * sec_entry and sec_resume_entry): a _stray_hart that notes which harts
 * came to _start instead, and the trap vector every hart uses.
 */
#include "caller_saved.h"
#include "smp.h"

	.text
	.balign 4

/*
 * A hart that arrived at _start while the guest runs (common/entry.S): the
 * OpenSBI < 1.3 hart_start race. Noted in stray_harts for main.c, stopped.
 */
	.globl _stray_hart
_stray_hart:
	li	t0, MAX_HARTS
	bgeu	a0, t0, 2f
	li	t0, 1
	sll	t0, t0, a0
	la	t1, stray_harts
	amoor.d	zero, t0, (t1)
2:	j	sec_stop

/*
 * Direct-mode vector: tp points at this hart's struct hart (set by
 * sec_main, or by main on the boot hart). Only the caller-saved registers
 * need saving around a C call; smp_trap(scause, sepc, stval, frame) either
 * handles an interrupt or never returns. It must not trap itself, so sepc
 * and sstatus.SPP/SPIE survive to the sret.
 */
	.balign 4
smp_vector:
	.globl smp_vector
	SAVE_CALLER_SAVED
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	mv	a3, sp
	call	smp_trap
	RESTORE_CALLER_SAVED
	sret
