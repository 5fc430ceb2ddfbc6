/*
 * The suspend call and its way back. susp_call saves what C needs to go
 * on (ra, sp, gp, tp, s0-s11) and the result pointer, then calls SBI SUSP
 * system_suspend. A failed call simply returns its error. After a
 * suspend the VM resumes at resume_entry with a0 = hart id and a1 =
 * opaque: it notes a0, a1, satp and sstatus as they arrived, restores
 * the saved registers and returns 1 from susp_call.
 *
 * This is not common/sec_entry.S's way in (which the second vCPU takes):
 * a system suspend resumes the VM in the middle of susp_call, with the
 * boot vCPU's own stack and registers, not at a fresh C entry.
 */

	.text
	.balign 4
	.globl susp_call
susp_call:
	la	t0, saved
	sd	ra, 0(t0)
	sd	sp, 8(t0)
	sd	gp, 16(t0)
	sd	tp, 24(t0)
	sd	s0, 32(t0)
	sd	s1, 40(t0)
	sd	s2, 48(t0)
	sd	s3, 56(t0)
	sd	s4, 64(t0)
	sd	s5, 72(t0)
	sd	s6, 80(t0)
	sd	s7, 88(t0)
	sd	s8, 96(t0)
	sd	s9, 104(t0)
	sd	s10, 112(t0)
	sd	s11, 120(t0)
	sd	a3, 128(t0)		/* struct resume_info * */
	li	a7, 0x53555350		/* SBI_EXT_SUSP */
	li	a6, 0			/* system_suspend */
	ecall
	ret				/* a0: the error */

	.balign 4
	.globl resume_entry
resume_entry:
	csrr	t1, satp
	csrr	t2, sstatus
	la	t0, saved
	ld	t3, 128(t0)
	sd	a0, 0(t3)
	sd	a1, 8(t3)
	sd	t1, 16(t3)
	sd	t2, 24(t3)
	ld	ra, 0(t0)
	ld	sp, 8(t0)
	ld	gp, 16(t0)
	ld	tp, 24(t0)
	ld	s0, 32(t0)
	ld	s1, 40(t0)
	ld	s2, 48(t0)
	ld	s3, 56(t0)
	ld	s4, 64(t0)
	ld	s5, 72(t0)
	ld	s6, 80(t0)
	ld	s7, 88(t0)
	ld	s8, 96(t0)
	ld	s9, 104(t0)
	ld	s10, 112(t0)
	ld	s11, 120(t0)
	li	a0, 1
	ret

	.bss
	.balign 8
saved:
	.space	136
