/*
 * HSM's way into a started or non-retentively resumed hart (sec_entry.h):
 * a0 = hart id, a1 = opaque, and nothing else set up (no stack, satp 0),
 * so the hart takes the stack its id selects before any C runs.
 */
#include "sec_entry.h"

	.text
	.balign 4
	.globl sec_entry
sec_entry:
	li	a2, 0
	j	1f

	.balign 4
	.globl sec_resume_entry
sec_resume_entry:
	li	a2, 1
1:	li	t0, SEC_MAX_HARTS
	bgeu	a0, t0, sec_stop	/* no stack for it: it cannot run C */
	.option push
	.option norelax
	la	sp, sec_stacks
	.option pop
	addi	t0, a0, 1
	slli	t0, t0, SEC_STACK_SHIFT
	add	sp, sp, t0
	call	sec_main

/* Also where a guest's own _stray_hart ends (guests/smp, guests/plic). */
	.globl sec_stop
sec_stop:
	li	a7, 0x48534D		/* SBI_EXT_HSM */
	li	a6, 1			/* hart_stop */
	ecall
2:	wfi
	j	2b

	.section .bss.sec_stacks, "aw", @nobits
	.balign 16
sec_stacks:
	.space	SEC_MAX_HARTS << SEC_STACK_SHIFT
