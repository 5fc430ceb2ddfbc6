/*
 * The one trap entry of Keel (stvec, direct mode).
 *
 * While a guest runs, sscratch holds its struct vcpu_context; while Keel
 * itself runs, sscratch is 0. Swapping sp with sscratch therefore tells at
 * once where the trap came from:
 *   - from a guest: save the guest's registers into the context, switch to
 *     the hart's Keel stack and call C: sbi_dispatch(ctx) for an SBI
 *     call, trap_from_guest(ctx) for everything else. Both return the
 *     context to run next, which is loaded before sret.
 *   - from Keel itself: build a frame on the current stack and call
 *     trap_from_keel(frame), which reports the fault and stops the hart.
 * hstatus.SPV, read in C, says the same thing for exceptions; the sscratch
 * test is what lets this assembly pick the right stack before any C runs.
 *
 * Only guest page faults (MMIO emulation) and virtual instructions that
 * read a counter into s0-s11 save and restore s0-s11 too: every other
 * handler leaves them alone, and C code keeps them intact by
 * the calling convention (see vcpu_context.h).
 *
 * A handler's return value is a context with two flag bits:
 *   ctx | 1  "I did nothing: save s0-s11 and call trap_from_guest(ctx)"
 *   ctx | 2  "the hart has work (docs/smp.md): save s0-s11 and call
 *            sched_after_exit(ctx)", which may pick another vCPU.
 * Either way the context is then complete, and guest_enter loads it all.
 */
#include "boot_config.h"
#include "vcpu_context.h"

#define EXC_ECALL_VS 10
#define EXC_LOAD_GUEST_PAGE_FAULT 21
#define EXC_VIRTUAL_INST_FAULT 22
#define EXC_STORE_GUEST_PAGE_FAULT 23

	.text
	.balign	4
	.globl	trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	beqz	sp, keel_trap

	/*
	 * From a guest: sp = its context; guest sp is in sscratch. Free two
	 * registers and stamp the entry first: what the exit costs starts
	 * here (exit statistics, exit_stats.h), and the time says whether a
	 * profiler sample fell due before the exit or during it.
	 */
	sd	x5, CTX_REG(5)(sp)
	sd	x6, CTX_REG(6)(sp)
	csrr	t0, time
	sd	t0, CTX_ENTRY_TIME(sp)
	csrr	t0, instret
	sd	t0, CTX_ENTRY_INSTRET(sp)
	csrr	t1, cycle
	sd	t1, CTX_ENTRY_CYCLE(sp)
	sd	x1, CTX_REG(1)(sp)
	sd	x3, CTX_REG(3)(sp)
	sd	x4, CTX_REG(4)(sp)
	sd	x7, CTX_REG(7)(sp)
	sd	x10, CTX_REG(10)(sp)
	sd	x11, CTX_REG(11)(sp)
	sd	x12, CTX_REG(12)(sp)
	sd	x13, CTX_REG(13)(sp)
	sd	x14, CTX_REG(14)(sp)
	sd	x15, CTX_REG(15)(sp)
	sd	x16, CTX_REG(16)(sp)
	sd	x17, CTX_REG(17)(sp)
	sd	x28, CTX_REG(28)(sp)
	sd	x29, CTX_REG(29)(sp)
	sd	x30, CTX_REG(30)(sp)
	sd	x31, CTX_REG(31)(sp)
	csrr	t0, sscratch
	sd	t0, CTX_REG(2)(sp)
	csrr	t1, sepc
	sd	t1, CTX_SEPC(sp)
	/* the guest's frame pointer, for the profiler's call chains */
	sd	x8, CTX_REG(8)(sp)
	/* Now in Keel: sscratch = 0 so a fault in Keel is seen as one. */
	csrw	sscratch, zero
	.option push
	.option norelax
	lla	gp, __global_pointer$
	.option pop
	ld	tp, CTX_HOST_TP(sp)
	mv	a0, sp
	ld	sp, CTX_HOST_SP(a0)
	csrr	t0, scause
	li	t1, EXC_ECALL_VS
	beq	t0, t1, 1f
	li	t1, EXC_LOAD_GUEST_PAGE_FAULT
	beq	t0, t1, 2f
	li	t1, EXC_STORE_GUEST_PAGE_FAULT
	beq	t0, t1, 2f
	li	t1, EXC_VIRTUAL_INST_FAULT
	beq	t0, t1, 3f
	/* Interrupts and redirected traps: no handler touches s0-s11. */
	call	trap_from_guest
	j	4f

	/*
	 * Guest page faults: MMIO emulation may read or write any register.
	 * Most accesses name a caller-saved one; if not, C returns ctx | 1
	 * having done nothing, and the whole register file goes to the
	 * context (s0-s11 still hold the guest's values) and back.
	 */
2:	call	trap_guest_page_fault
	j	4f
	/* Virtual instructions: an emulated counter read may name s0-s11. */
3:	call	trap_virtual_insn
	j	4f
	/* SBI calls, the most frequent exit, fall straight through. */
1:	call	sbi_dispatch
4:	andi	t0, a0, 3
	beqz	t0, guest_return
	andi	a0, a0, -4
	sd	x8, CTX_REG(8)(a0)
	sd	x9, CTX_REG(9)(a0)
	sd	x18, CTX_REG(18)(a0)
	sd	x19, CTX_REG(19)(a0)
	sd	x20, CTX_REG(20)(a0)
	sd	x21, CTX_REG(21)(a0)
	sd	x22, CTX_REG(22)(a0)
	sd	x23, CTX_REG(23)(a0)
	sd	x24, CTX_REG(24)(a0)
	sd	x25, CTX_REG(25)(a0)
	sd	x26, CTX_REG(26)(a0)
	sd	x27, CTX_REG(27)(a0)
	andi	t0, t0, 1
	beqz	t0, 5f
	call	trap_from_guest
	/* the full handler may ask for the scheduler too */
	andi	t0, a0, 2
	andi	a0, a0, -4
	beqz	t0, guest_enter
5:	call	sched_after_exit
	j	guest_enter

/*
 * guest_return(ctx): back into the guest after a short-path exit: s0-s11
 * still hold the guest's values and only the registers trap_entry saved
 * are loaded.
 *
 * guest_enter(ctx): load all of a guest's registers and sret into it. The
 * vCPU's CSRs are loaded on this hart (arch_vcpu_load: hstatus.SPV = 1,
 * sstatus.SPP its privilege) and ctx->host_sp/tp are this hart's. It loads
 * s0-s11 and then shares guest_return's tail.
 */
	.globl	guest_enter
guest_enter:
	ld	x8, CTX_REG(8)(a0)
	ld	x9, CTX_REG(9)(a0)
	ld	x18, CTX_REG(18)(a0)
	ld	x19, CTX_REG(19)(a0)
	ld	x20, CTX_REG(20)(a0)
	ld	x21, CTX_REG(21)(a0)
	ld	x22, CTX_REG(22)(a0)
	ld	x23, CTX_REG(23)(a0)
	ld	x24, CTX_REG(24)(a0)
	ld	x25, CTX_REG(25)(a0)
	ld	x26, CTX_REG(26)(a0)
	ld	x27, CTX_REG(27)(a0)
guest_return:
	csrw	sscratch, a0
	ld	t0, CTX_SEPC(a0)
	csrw	sepc, t0
	ld	x1, CTX_REG(1)(a0)
	ld	x2, CTX_REG(2)(a0)
	ld	x3, CTX_REG(3)(a0)
	ld	x4, CTX_REG(4)(a0)
	ld	x5, CTX_REG(5)(a0)
	ld	x6, CTX_REG(6)(a0)
	ld	x7, CTX_REG(7)(a0)
	ld	x11, CTX_REG(11)(a0)
	ld	x12, CTX_REG(12)(a0)
	ld	x13, CTX_REG(13)(a0)
	ld	x14, CTX_REG(14)(a0)
	ld	x15, CTX_REG(15)(a0)
	ld	x16, CTX_REG(16)(a0)
	ld	x17, CTX_REG(17)(a0)
	ld	x28, CTX_REG(28)(a0)
	ld	x29, CTX_REG(29)(a0)
	ld	x30, CTX_REG(30)(a0)
	ld	x31, CTX_REG(31)(a0)
	ld	x10, CTX_REG(10)(a0)
	sret

/*
 * A trap taken while Keel itself runs. Keel runs with sstatus.SIE = 0, so
 * this is an exception in Keel: a bug. Save a frame like a guest context so
 * the report can print every register, then let C report it.
 */
keel_trap:
	csrrw	sp, sscratch, sp	/* sp back, sscratch = 0 again */
	/*
	 * A fault with sp outside Keel's stacks (a corrupted sp, a stack
	 * overflow) would fault again on the first store below, forever and
	 * silently. Report it from the emergency stack instead.
	 */
	csrw	sscratch, t0
	lla	t0, hart_stacks + KEEL_STACK_SIZE * KEEL_MAX_HARTS
	bgtu	sp, t0, 2f
	lla	t0, hart_stacks + CTX_SIZE
	bltu	sp, t0, 2f
	j	3f
2:	lla	sp, emergency_stack_top
3:	csrrw	t0, sscratch, zero
	addi	sp, sp, -CTX_SIZE
	sd	x1, CTX_REG(1)(sp)
	sd	x3, CTX_REG(3)(sp)
	sd	x4, CTX_REG(4)(sp)
	sd	x5, CTX_REG(5)(sp)
	sd	x6, CTX_REG(6)(sp)
	sd	x7, CTX_REG(7)(sp)
	sd	x8, CTX_REG(8)(sp)
	sd	x9, CTX_REG(9)(sp)
	sd	x10, CTX_REG(10)(sp)
	sd	x11, CTX_REG(11)(sp)
	sd	x12, CTX_REG(12)(sp)
	sd	x13, CTX_REG(13)(sp)
	sd	x14, CTX_REG(14)(sp)
	sd	x15, CTX_REG(15)(sp)
	sd	x16, CTX_REG(16)(sp)
	sd	x17, CTX_REG(17)(sp)
	sd	x18, CTX_REG(18)(sp)
	sd	x19, CTX_REG(19)(sp)
	sd	x20, CTX_REG(20)(sp)
	sd	x21, CTX_REG(21)(sp)
	sd	x22, CTX_REG(22)(sp)
	sd	x23, CTX_REG(23)(sp)
	sd	x24, CTX_REG(24)(sp)
	sd	x25, CTX_REG(25)(sp)
	sd	x26, CTX_REG(26)(sp)
	sd	x27, CTX_REG(27)(sp)
	sd	x28, CTX_REG(28)(sp)
	sd	x29, CTX_REG(29)(sp)
	sd	x30, CTX_REG(30)(sp)
	sd	x31, CTX_REG(31)(sp)
	addi	t0, sp, CTX_SIZE
	sd	t0, CTX_REG(2)(sp)
	csrr	t1, sepc
	sd	t1, CTX_SEPC(sp)
	mv	a0, sp
	call	trap_from_keel
	/* trap_from_keel does not return. */
1:	wfi
	j	1b

	.bss
	.balign	16
emergency_stack:
	.space	4096
emergency_stack_top:
