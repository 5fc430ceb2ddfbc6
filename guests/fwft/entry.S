/*
 * vCPU 1's way in: the hart_start address and the non-retentive
 * hart_suspend resume address alike. Both arrive with a0 = hart id, a1 =
 * opaque (the phase, main.c) and no stack; sec_main() never returns (it
 * suspends or stops the hart).
 */
#define SEC_STACK_SIZE 4096

	.text
	.balign 4
	.globl sec_entry
sec_entry:
	.option push
	.option norelax
	la	sp, sec_stack_top
	.option pop
	call	sec_main
1:	wfi
	j	1b

	.bss
	.balign 16
	.space	SEC_STACK_SIZE
sec_stack_top:
