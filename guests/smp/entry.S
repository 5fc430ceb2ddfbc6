/*
 * Secondary-hart entry points and the trap vector every hart uses.
 *
 * sec_entry is the hart_start address, resume_entry the non-retentive
 * hart_suspend resume address; both get a0 = hart id, a1 = opaque and
 * nothing else (no stack, satp = 0), so each sets up its hart's own stack
 * and calls sec_main(hartid, opaque, resumed). A hart id we have no stack
 * for stops itself: it cannot run C safely.
 */
#include "caller_saved.h"
#include "smp.h"

	.text
	.balign 4
	.globl sec_entry
sec_entry:
	li	a2, 0
	j	1f

	.balign 4
	.globl resume_entry
resume_entry:
	li	a2, 1
1:	li	t0, MAX_HARTS
	bgeu	a0, t0, 2f
	.option push
	.option norelax
	la	sp, smp_stacks
	.option pop
	addi	t0, a0, 1
	slli	t0, t0, STACK_SHIFT
	add	sp, sp, t0
	call	sec_main
	j	2f

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
2:	li	a7, 0x48534D		/* SBI_EXT_HSM */
	li	a6, 1			/* hart_stop */
	ecall
3:	wfi
	j	3b

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

	.section .bss.smp_stacks, "aw", @nobits
	.balign 16
smp_stacks:
	.space	MAX_HARTS << STACK_SHIFT
