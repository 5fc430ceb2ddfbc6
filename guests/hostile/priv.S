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

	.option pop

