/*
 * The secondary vCPU's entry (the hart_start address) and its trap vector.
 * hart_start gives a0 = hart id and no stack, so the entry picks the
 * hart's own stack before any C runs.
 */
#include "caller_saved.h"
#include "plic.h"

	.text
	.balign 4
	.globl sec_entry
sec_entry:
	li	t0, MAX_HARTS
	bgeu	a0, t0, 2f
	.option push
	.option norelax
	la	sp, sec_stacks
	.option pop
	addi	t0, a0, 1
	slli	t0, t0, STACK_SHIFT
	add	sp, sp, t0
	call	sec_main
2:	li	a7, 0x48534D		/* SBI_EXT_HSM: hart_stop */
	li	a6, 1
	ecall
3:	wfi
	j	3b

/*
 * A hart that arrived at _start while the guest runs (common/entry.S):
 * OpenSBI before v1.3 can send a first hart_start there. Noted for
 * start_other(), which tries again; the hart stops.
 */
	.globl _stray_hart
_stray_hart:
	li	t0, 1
	la	t1, stray_start
	amoswap.d zero, t0, (t1)
	j	2b

/*
 * Direct-mode vector of the secondary: the caller-saved registers around
 * sec_trap(scause, sepc, stval), which handles an interrupt or stops the
 * vCPU. tp points at the vCPU's struct cpu (sec_main).
 */
	.balign 4
	.globl sec_vector
sec_vector:
	SAVE_CALLER_SAVED
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	call	sec_trap
	RESTORE_CALLER_SAVED
	sret

	.section .bss.sec_stacks, "aw", @nobits
	.balign 16
sec_stacks:
	.space	MAX_HARTS << STACK_SHIFT
