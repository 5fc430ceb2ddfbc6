/*
 * Keel's trap entries (stvec, direct mode): trap_entry, and
 * trap_entry_profiled while a profile runs (arch_set_trap_profiled()).
 *
 * While a guest runs, sscratch holds its struct vcpu_context; while Keel
 * itself runs, sscratch is 0. Swapping sp with sscratch therefore tells at
 * once where the trap came from:
 *   - from a guest: sscratch is set to 0 straight away (after one store
 *     into the context), so that a fault anywhere later in Keel is seen as
 *     Keel's own and never taken for the guest's. Then:
 *       - the fast path (SBI calls with constant answers, and set_timer
 *         for an Sstc guest) answers in these few instructions and
 *         returns;
 *       - everything else saves the registers C may clobber, switches to
 *         the hart's Keel stack and calls C: sbi_dispatch(ctx) for an SBI
 *         call, trap_guest_page_fault(ctx) and trap_virtual_insn(ctx) for
 *         those two, trap_from_guest(ctx) for the rest. Each returns the
 *         context to run next, which is loaded before sret.
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
 *   ctx | TRAP_RET_NEED_ALL_REGS  "I did nothing: save s0-s11 and call
 *                                  trap_from_guest(ctx)"
 *   ctx | TRAP_RET_SCHEDULE       "the hart has work (docs/smp.md): save
 *                                  s0-s11 and call sched_after_exit(ctx)",
 *                                  which may pick another vCPU.
 * Either way the context is then complete, and guest_enter loads it all.
 */
#include "boot_config.h"
#include "arch/riscv/csr.h"
#include "riscv.h"
#include "sbi_defs.h"
#include "trap_return.h"
#include "vcpu_context.h"


/*
 * SAVE_CALLER_SAVED: with sp = the guest's context and t0, t1, sp already
 * in it, the rest of the registers C may clobber, and sepc.
 */
.macro SAVE_CALLER_SAVED
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
	csrr	t1, sepc
	sd	t1, CTX_SEPC(sp)
.endm

/* ENTER_KEEL: Keel's gp and tp, a0 = the context, sp = the hart's stack */
.macro ENTER_KEEL
	.option push
	.option norelax
	lla	gp, __global_pointer$
	.option pop
	ld	tp, CTX_HOST_TP(sp)
	mv	a0, sp
	ld	sp, CTX_HOST_SP(a0)
.endm

	.text
	.balign	4
	.globl	trap_entry
trap_entry:
	csrrw	sp, sscratch, sp
	beqz	sp, keel_trap
	/* From a guest: sp = its context, the guest's sp is in sscratch. */
	sd	t0, CTX_REG(5)(sp)
	csrrw	t0, sscratch, zero	/* Keel's from here: a fault is Keel's */
	sd	t0, CTX_REG(2)(sp)
	sd	t1, CTX_REG(6)(sp)
	csrr	t0, scause
	addi	t0, t0, -EXC_ECALL_VS
	bnez	t0, save_caller_saved

	/*
	 * The SBI fast path: calls whose answer needs no C. Each is allowed
	 * per vCPU (ctx->fast, set by vcpu_fast_paths_update() in C: not
	 * while tracing, and set_timer not while a PMU counter counts it);
	 * a profile uses the other entry. Pending work for this hart needs
	 * no check here: whoever gave it also raised this hart's IPI, which
	 * is taken the moment sret returns to the guest.
	 */
	ld	t1, CTX_FAST(sp)
	li	t0, SBI_EXT_BASE
	bne	a7, t0, 1f
	/* BASE: every fid but probe_extension (3) has a constant answer */
	andi	t1, t1, CTX_FAST_BASE
	beqz	t1, sbi_slow
	sltiu	t0, a6, SBI_BASE_FAST_FIDS
	beqz	t0, sbi_slow
	addi	t0, a6, -SBI_EXT_BASE_PROBE_EXT
	beqz	t0, sbi_slow
	lla	t1, sbi_base_answers
	slli	t0, a6, 3
	add	t1, t1, t0
	ld	a1, 0(t1)
	ld	t0, VCPU_EXIT_COUNT_SBI_BASE(sp)
	addi	t0, t0, 1
	sd	t0, VCPU_EXIT_COUNT_SBI_BASE(sp)
	j	2f
1:	/* TIME set_timer(a0), vcpu_set_timer()'s common case */
	li	t0, SBI_EXT_TIME
	bne	a7, t0, sbi_slow
	bnez	a6, sbi_slow
	andi	t0, t1, CTX_FAST_SET_TIMER
	beqz	t0, sbi_slow
	/*
	 * Keel's host timer must fire by the deadline: with Sstc for the
	 * nudge (vcpu_set_timer() says why), without it because it is the
	 * guest's timer. If it is armed for no later already, leave it:
	 * when it fires, hart_timer_expired() re-arms for what is left. An
	 * earlier deadline goes the slow way, to arm it.
	 */
	ld	t0, CTX_HOST_TP(sp)
	ld	t0, HART_TIMER_DEADLINE(t0)
	bltu	a0, t0, sbi_slow
	andi	t1, t1, CTX_FAST_SSTC
	beqz	t1, 3f
	/* Sstc: vstimecmp is the guest's timer, VSTIP follows it */
	csrw	CSR_VSTIMECMP, a0
	sd	a0, VCPU_TIMER_NUDGE(sp)
	j	4f
	/* Keel's timer: a deadline due already raises the tick, in C */
3:	csrr	t0, time
	bgeu	t0, a0, sbi_slow
	li	t0, 1 << IRQ_VS_TIMER
	csrc	CSR_HVIP, t0	/* a new deadline retracts a pending tick */
	sd	a0, VCPU_TIMER_DEADLINE(sp)
4:	li	a1, 0
	ld	t0, VCPU_EXIT_COUNT_SBI_TIME(sp)
	addi	t0, t0, 1
	sd	t0, VCPU_EXIT_COUNT_SBI_TIME(sp)
2:	li	a0, SBI_SUCCESS
	csrr	t0, sepc
	addi	t0, t0, 4
	csrw	sepc, t0
	ld	t0, CTX_REG(5)(sp)
	ld	t1, CTX_REG(6)(sp)
	csrw	sscratch, sp
	ld	sp, CTX_REG(2)(sp)
	sret

	/* SBI calls the fast path does not answer */
sbi_slow:
	SAVE_CALLER_SAVED
	ENTER_KEEL
	call	sbi_dispatch
	j	4f

	/* The slow path: the registers C may clobber, then a handler. */
save_caller_saved:
	SAVE_CALLER_SAVED
	ENTER_KEEL
	csrr	t0, scause
	li	t1, EXC_LOAD_GUEST_PAGE_FAULT
	beq	t0, t1, 2f
	li	t1, EXC_STORE_GUEST_PAGE_FAULT
	beq	t0, t1, 2f
	li	t1, EXC_VIRTUAL_INST_FAULT
	beq	t0, t1, 3f
	/*
	 * Interrupts (scause bit 63) straight to the dispatcher by cause;
	 * redirected traps first try trap_from_guest()'s short way. Neither
	 * touches s0-s11.
	 */
	bltz	t0, 6f
	call	trap_from_guest
	j	4f
6:	call	trap_by_cause
	j	4f

	/*
	 * Guest page faults: MMIO emulation may read or write any register.
	 * Most accesses name a caller-saved one; if not, C returns
	 * ctx | TRAP_RET_NEED_ALL_REGS having done nothing, and the whole
	 * register file goes to the context (s0-s11 still hold the guest's
	 * values) and back.
	 */
2:	call	trap_guest_page_fault
	j	4f
	/* Virtual instructions: an emulated counter read may name s0-s11. */
3:	call	trap_virtual_insn
4:	andi	t0, a0, TRAP_RET_FLAGS
	beqz	t0, guest_return
	andi	a0, a0, ~TRAP_RET_FLAGS
	call	save_callee_saved
	andi	t0, t0, TRAP_RET_NEED_ALL_REGS
	beqz	t0, 5f
	call	trap_from_guest
	/* the full handler may ask for the scheduler too */
	andi	t0, a0, TRAP_RET_SCHEDULE
	andi	a0, a0, ~TRAP_RET_FLAGS
	beqz	t0, guest_enter
5:	call	sched_after_exit
	j	guest_enter

/*
 * While a profile runs: every exit stamps its entry (time, instret,
 * cycle) and saves every register, and trap_profiled(ctx) in C runs the
 * same handlers as above and then measures the exit (prof.h). Slower by
 * design: the plain entry pays nothing for the profiler.
 */
	.balign	4
	.globl	trap_entry_profiled
trap_entry_profiled:
	csrrw	sp, sscratch, sp
	beqz	sp, keel_trap
	sd	t0, CTX_REG(5)(sp)
	csrrw	t0, sscratch, zero
	sd	t0, CTX_REG(2)(sp)
	csrr	t0, time
	sd	t0, CTX_ENTRY_TIME(sp)
	csrr	t0, instret
	sd	t0, CTX_ENTRY_INSTRET(sp)
	csrr	t0, cycle
	sd	t0, CTX_ENTRY_CYCLE(sp)
	sd	t1, CTX_REG(6)(sp)
	SAVE_CALLER_SAVED
	ENTER_KEEL
	call	save_callee_saved
	call	trap_profiled
	andi	t0, a0, TRAP_RET_SCHEDULE
	andi	a0, a0, ~TRAP_RET_FLAGS
	beqz	t0, guest_enter
	call	sched_after_exit
	j	guest_enter

/*
 * save_callee_saved(ctx in a0): s0-s11, which still hold the guest's
 * values, into the context. Touches nothing else (t0 stays as it was),
 * so it is called with ra only.
 */
save_callee_saved:
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
	ret

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
