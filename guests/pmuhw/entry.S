/*
 * hart_start address of the pmuhw guest's other vCPUs: a 4 KiB stack each
 * (by hart id), then sec_main(hartid, opaque).
 */
#define MAX_HARTS 4
#define STACK_SHIFT 12

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

	.bss
	.balign 16
sec_stacks:
	.space	MAX_HARTS << STACK_SHIFT
