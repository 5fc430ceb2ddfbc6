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
 * unsigned long guarded_read_hstateen0(unsigned long *cause)
 * unsigned long guarded_read_vsiselect(unsigned long *cause)
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
	j	guard_return

	/*
	 * The same for the inline guarded HLVX.WU a0 of trap_vinsn.c, which
	 * keeps its caller a leaf: the fault leaves a0 all ones, which no
	 * zero-extended 32-bit read returns, instead of storing scause.
	 */
	.balign	4
	.globl	guard_trap_a0_ones
guard_trap_a0_ones:
	csrr	t0, sepc
	addi	t0, t0, 4
	csrw	sepc, t0
	li	a0, -1
guard_return:
	/*
	 * Return to Keel itself, in HS with interrupts off, whatever the trap
	 * left behind. An access fault reaches here through OpenSBI 1.1,
	 * which redirects it with a stale hstatus.SPV = 1 (see vcpu_redirect):
	 * sret would then "return" into VS-mode at a Keel address. And SPIE
	 * may be 1, which sret would turn into sstatus.SIE = 1. The callers
	 * put back the hstatus and sstatus of the exit afterwards.
	 */
	li	t0, 0x80	/* hstatus.SPV */
	csrc	0x600, t0	/* hstatus */
	li	t0, 0x20	/* sstatus.SPIE */
	csrc	sstatus, t0
	sret

	.globl	guarded_hlvx_hu
guarded_hlvx_hu:
	mv	t2, a1
	lla	t1, guard_trap
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
	lla	t1, guard_trap
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
	lla	t1, guard_trap
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
	lla	t1, guard_trap
	csrrw	t1, stvec, t1
	li	a0, 0
	csrr	a0, 0x14d
	csrw	stvec, t1
	ret

	.globl	guarded_read_hstateen0
guarded_read_hstateen0:
	mv	t2, a0
	lla	t1, guard_trap
	csrrw	t1, stvec, t1
	li	a0, 0
	csrr	a0, 0x60c
	csrw	stvec, t1
	ret

	.globl	guarded_read_vsiselect
guarded_read_vsiselect:
	mv	t2, a0
	lla	t1, guard_trap
	csrrw	t1, stvec, t1
	li	a0, 0
	csrr	a0, 0x250
	csrw	stvec, t1
	ret
