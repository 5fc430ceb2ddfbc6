/*
 * The other vCPUs' entry (HSM hart_start): a0 = hart id, no stack yet.
 * vCPUs 1..3 get a stack each; any other hart id stops itself.
 */
	.text
	.balign 4
	.globl shapes_sec_entry
shapes_sec_entry:
	beqz	a0, 1f
	li	t0, 4
	bgeu	a0, t0, 1f
	.option push
	.option norelax
	la	sp, shapes_stacks
	.option pop
	slli	t0, a0, 13
	add	sp, sp, t0
	call	shapes_sec_main
1:	li	a7, 0x48534D		/* SBI_EXT_HSM */
	li	a6, 1			/* hart_stop */
	ecall
2:	wfi
	j	2b

	.section .bss.shapes_stacks, "aw", @nobits
	.balign 16
shapes_stacks:				/* vCPU n's stack ends at n * 8 KiB */
	.space	4 * 8192
