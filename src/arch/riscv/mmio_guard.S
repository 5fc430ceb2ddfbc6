/*
 * The guard of the MMIO fast path's instruction fetch (mmio_arch_fetch()
 * in src/arch/riscv/mmio_arch.h): stvec points here for its one HLVX.WU, which
 * reads into t0. A fault of that read lands here, in HS-mode from
 * HS-mode: skip the HLVX, make its result -1 (a 32-bit read never gives
 * that) and return to Keel. Only t0 is touched, which the HLVX was going
 * to write anyway.
 */
	.text
	.balign	4
	.globl	mmio_fetch_guard
mmio_fetch_guard:
	csrr	t0, sepc
	addi	t0, t0, 4
	csrw	sepc, t0
	/*
	 * Back to Keel in HS with interrupts off, whatever the trap left
	 * (guard.S's guard_trap says why: a stale hstatus.SPV = 1 from
	 * OpenSBI's redirect of an access fault, SPIE). The caller puts back
	 * the guest's hstatus and sstatus.
	 */
	li	t0, 0x80	/* hstatus.SPV */
	csrc	0x600, t0
	li	t0, 0x20	/* sstatus.SPIE */
	csrc	sstatus, t0
	li	t0, -1
	sret
