/*
 * Guarded accesses: instructions that may fault on purpose (reading guest
 * memory with HLVX, probing whether a CSR exists). Around each one, stvec
 * points at guard_trap, which records scause and skips the instruction.
 * Every guarded instruction is 4 bytes long.
 *
 * unsigned long guarded_hlvx_hu(unsigned long addr, unsigned long *cause)
 * unsigned long guarded_hlvx_wu(unsigned long addr, unsigned long *cause)
 * unsigned long guarded_hlv_d(unsigned long addr, unsigned long *cause)
 * unsigned long guarded_read_stimecmp(unsigned long *cause)
 * *cause is left alone when no trap happens.
 */
	.text
	.balign	4
guard_trap:
	csrr	t0, sepc
	addi	t0, t0, 4
	csrw	sepc, t0
	csrr	t0, scause
	sd	t0, 0(t2)
	sret

	.globl	guarded_hlvx_hu
guarded_hlvx_hu:
	mv	t2, a1
	la	t1, guard_trap
	csrrw	t1, stvec, t1
	mv	t3, a0
	li	a0, 0
	/* hlvx.hu a0, (t3) */
	.word	0x64304073 | (28 << 15) | (10 << 7)
	csrw	stvec, t1
	ret

	.globl	guarded_hlvx_wu
guarded_hlvx_wu:
	mv	t2, a1
	la	t1, guard_trap
	csrrw	t1, stvec, t1
	mv	t3, a0
	li	a0, 0
	/* hlvx.wu a0, (t3) */
	.word	0x68304073 | (28 << 15) | (10 << 7)
	csrw	stvec, t1
	ret

	.globl	guarded_hlv_d
guarded_hlv_d:
	mv	t2, a1
	la	t1, guard_trap
	csrrw	t1, stvec, t1
	mv	t3, a0
	li	a0, 0
	/* hlv.d a0, (t3) */
	.word	0x6c004073 | (28 << 15) | (10 << 7)
	csrw	stvec, t1
	ret

	.globl	guarded_read_stimecmp
guarded_read_stimecmp:
	mv	t2, a0
	la	t1, guard_trap
	csrrw	t1, stvec, t1
	li	a0, 0
	csrr	a0, 0x14d
	csrw	stvec, t1
	ret
