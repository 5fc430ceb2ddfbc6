/*
 * The second vCPU's entry (HSM hart_start): a0 = hart id, no stack yet.
 * vCPU 1 gets the one stack here; any other hart id stops itself.
 */
	.text
	.balign 4
	.globl sleeper_sec_entry
sleeper_sec_entry:
	li	t0, 1
	bne	a0, t0, 1f
	.option push
	.option norelax
	la	sp, sleeper_stack_top
	.option pop
	call	sleeper_sec_main
1:	li	a7, 0x48534D		/* SBI_EXT_HSM */
	li	a6, 1			/* hart_stop */
	ecall
2:	wfi
	j	2b

	.section .bss.sleeper_stack, "aw", @nobits
	.balign 16
	.space	8192
	.globl sleeper_stack_top
sleeper_stack_top:
