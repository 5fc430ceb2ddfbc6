/*
 * run_user() and user_return (user.h): into U-mode and back. Every
 * instruction is 4 bytes (norvc), like the user code guests give it.
 */
	.option push
	.option norvc
	.text
	.balign 4

/*
 * run_user(fn, user_sp, s2): sret into U-mode at fn with that stack and
 * s2. fn ends in ecall; the guest's trap hook (user.h) turns that into a
 * return to user_return, back in S-mode, which comes back from run_user.
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
