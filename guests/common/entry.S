/*
 * Guest entry: a0 = hart id, a1 = device tree (from OpenSBI or Keel).
 * Set up a stack, zero .bss, install the default trap vector so a stray
 * trap is reported instead of hanging, then main(hartid, dtb). If main
 * returns, test_finish() prints the verdict and powers off.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
#ifdef GUEST_ENTRY_INSTRET
	/*
	 * The bench guest (guests/Makefile): instret at its very first
	 * instruction, kept in t2 until it is stored below (guests/bench/boot.c).
	 */
	csrr	t2, instret
#endif
	/*
	 * Only the first hart to get here runs the guest; any later one goes
	 * to _stray_hart (a0 = its hart id). OpenSBI before v1.3 can send a
	 * hart being started by hart_start to its previous start address
	 * (fixed by OpenSBI commit e8e9ed37), which for a first start is this
	 * entry: it must not zero .bss under the running guest.
	 */
	la	t0, boot_claimed
	li	t1, 1
	amoswap.w t1, t1, (t0)
	bnez	t1, _stray_hart
#ifdef GUEST_ENTRY_INSTRET
	la	t0, guest_entry_instret
	sd	t2, 0(t0)
#endif

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

/* Weak: a guest that starts harts may want to know (guests/smp). */
	.weak _stray_hart
_stray_hart:
	li	a7, 0x48534D		/* SBI_EXT_HSM: hart_stop */
	li	a6, 1
	ecall
4:	wfi
	j	4b

	/* In .data, not .bss: the first hart zeroes .bss after claiming. */
	.data
	.balign 4
boot_claimed:
	.word	0
#ifdef GUEST_ENTRY_INSTRET
	.balign 8
	.globl guest_entry_instret
guest_entry_instret:
	.dword	0
#endif

	.section .bss.stack, "aw", @nobits
	.balign 16
	.space	16384
	.globl __stack_top
__stack_top:
