/*
 * Guest entry: a0 = hart id, a1 = device tree (from OpenSBI or Keel).
 * Set up a stack, zero .bss, install the default trap vector so a stray
 * trap is reported instead of hanging, then main(hartid, dtb). If main
 * returns, test_finish() prints the verdict and powers off.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	la	sp, __stack_top
	.option pop

	/* Keep a0/a1 for main; the loop only uses t0/t1. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:
	csrw	sie, zero
	csrci	sstatus, 2		/* SIE off: tests poll sip instead */
	la	t0, trap_vector
	csrw	stvec, t0

	call	main
	call	test_finish
3:	wfi
	j	3b

	.section .bss.stack, "aw", @nobits
	.balign 16
	.space	16384
	.globl __stack_top
__stack_top:
