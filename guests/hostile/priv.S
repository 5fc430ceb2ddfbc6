/*
 * Instructions a guest must not be able to use, for priv.c. A machine
 * without the H extension answers each with an illegal instruction; under
 * Keel the hardware raises a virtual-instruction exception (or an illegal
 * instruction, for M-mode ones) and Keel must hand the guest exactly that
 * illegal instruction. Each list is run with s1 = where to go after it;
 * every instruction is 4 bytes (norvc), so priv.c finds instruction i at
 * list + 4 * i. Its names are in priv.c, in the same order.
 */
	.option push
	.option norvc
	.text
	.balign 4

/* Trap from VS-mode and from VU-mode alike: HS, VS and M CSRs, H and M instructions */
	.globl priv_both, priv_both_end
priv_both:
	csrr	t0, 0x600		/* hstatus */
	csrw	0x600, zero
	csrr	t0, 0x680		/* hgatp */
	csrw	0x680, zero
	csrr	t0, 0x602		/* hedeleg */
	csrw	0x602, zero
	csrr	t0, 0x603		/* hideleg */
	csrr	t0, 0x645		/* hvip */
	csrw	0x645, sp
	csrr	t0, 0x200		/* vsstatus */
	csrr	t0, 0x280		/* vsatp */
	csrr	t0, 0x300		/* mstatus */
	csrw	0x300, zero
	csrr	t0, 0xf14		/* mhartid */
	csrr	t0, 0x3a0		/* pmpcfg0 */
	csrw	0x3b0, zero		/* pmpaddr0 */
	.word	0x62000073		/* hfence.gvma zero, zero */
	.word	0x22000073		/* hfence.vvma zero, zero */
	.word	0x6c0142f3		/* hlv.d t0, (sp) */
	.word	0x30200073		/* mret */
priv_both_end:
	jr	s1

/* Fine in VS-mode, privileged from VU-mode: S CSRs and S instructions */
	.globl priv_user, priv_user_end
priv_user:
	csrr	t0, 0x100		/* sstatus */
	csrw	0x100, zero
	csrr	t0, 0x180		/* satp */
	csrw	0x180, zero
	csrr	t0, 0x104		/* sie */
	csrr	t0, 0x105		/* stvec */
	csrw	0x105, zero
	csrr	t0, 0x141		/* sepc */
	sret
	sfence.vma
priv_user_end:
	jr	s1

/*
 * What VU-mode runs (run_user: s2 = an address with nothing behind it):
 * both lists, a load from nothing, then ecall back to VS-mode.
 */
	.globl user_main, user_load
user_main:
	la	s1, 1f
	j	priv_both
1:	la	s1, 2f
	j	priv_user
2:
user_load:
	ld	t0, 0(s2)
	ecall

/* wfi from VU-mode, then back */
	.globl user_wfi
user_wfi:
	wfi
	ecall

/*
 * run_user(fn, user_sp, s2): sret into VU-mode at fn with that stack and
 * s2. fn ends in ecall; priv.c's trap hook turns that into a return to
 * user_return, back in VS-mode, which comes back from run_user.
 */
	.globl run_user, user_return
run_user:
	addi	sp, sp, -112
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
	la	t0, kernel_sp
	sd	sp, 0(t0)
	csrw	sepc, a0
	/*
	 * sstatus.SPP = 0: sret goes to U. SPIE = 0 too: sret copies it to
	 * SIE, and the trap that comes back copies SIE to SPIE, which the
	 * handler's sret would turn into SIE = 1 back in VS-mode.
	 */
	li	t0, 0x120
	csrc	sstatus, t0
	mv	s2, a2
	mv	sp, a1
	sret
user_return:
	csrci	sstatus, 2		/* SIE as the guest keeps it: off */
	la	t0, kernel_sp
	ld	sp, 0(t0)
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	addi	sp, sp, 112
	ret
	.option pop

	.data
	.balign 8
kernel_sp:
	.dword	0
