/*
 * The trap that arch_firmware_redirects_to_hs() (redirect_probe.c) sends
 * through the firmware: one illegal instruction in VS-mode, and a trap
 * vector that tells where the firmware's redirect really landed.
 *
 * unsigned long arch_redirect_probe_run(void)
 *   returns the scause Keel saw at its vector: EXC_INST_ILLEGAL (2) when
 *   the firmware redirected the guest's trap to HS-mode as it should,
 *   EXC_VIRTUAL_INST_FAULT (22) when it returned to VS-mode instead.
 *
 * Called with the probe's identity G-stage in hgatp, vsatp = 0 and sie = 0;
 * the caller restores stvec's users' state (sstatus, hstatus) afterwards.
 * No register but a0, t0 and t6 changes: the firmware keeps the others
 * across its trap, and the vector runs before anything else could.
 */
#include "riscv.h"

	.text
	.balign	4
	.globl	arch_redirect_probe_run
arch_redirect_probe_run:
	csrr	t6, stvec
	lla	t0, probe_vector
	csrw	stvec, t0
	lla	t0, probe_guest
	csrw	sepc, t0
	li	t0, SSTATUS_SPP
	csrs	sstatus, t0
	li	t0, HSTATUS_SPV | HSTATUS_SPVP
	csrs	0x600, t0		/* hstatus */
	sret				/* into VS-mode, at probe_guest */

	.balign	4
probe_guest:
	.word	0			/* illegal in every encoding: the trap under test */

	.balign	4
probe_vector:
	/*
	 * In HS-mode when the redirect works. When it does not, the hart comes
	 * here still in VS-mode (V=1: the identity G-stage maps this code) and
	 * this read of an HS CSR takes a virtual-instruction exception, which
	 * the hardware sends to HS itself: back here, with scause 22.
	 */
	csrr	t0, 0x600		/* hstatus */
	csrr	a0, scause
	csrw	stvec, t6
	ret
