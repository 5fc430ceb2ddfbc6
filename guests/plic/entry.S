/*
 * What the PLIC guest adds to common/sec_entry.S (the secondary vCPU's
 * hart_start address): a _stray_hart that tells start_other() a hart came
 * to _start instead, and the secondary's own trap vector.
 */
#include "caller_saved.h"

	.text
	.balign 4

/*
 * A hart that arrived at _start while the guest runs (common/entry.S):
 * OpenSBI before v1.3 can send a first hart_start there. Noted for
 * start_other(), which tries again; the hart stops.
 */
	.globl _stray_hart
_stray_hart:
	li	t0, 1
	la	t1, stray_start
	amoswap.d zero, t0, (t1)
	j	sec_stop

/*
 * Direct-mode vector of the secondary: the caller-saved registers around
 * sec_trap(scause, sepc, stval), which handles an interrupt or stops the
 * vCPU. tp points at the vCPU's struct cpu (sec_main).
 */
	.balign 4
	.globl sec_vector
sec_vector:
	SAVE_CALLER_SAVED
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	call	sec_trap
	RESTORE_CALLER_SAVED
	sret
