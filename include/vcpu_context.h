/*
 * The part of a vCPU that the assembly trap entry reads and writes.
 *
 * Most exits (SBI calls, interrupts, redirected traps) save and restore
 * only the registers C code may clobber: Keel's C code keeps s0-s11 intact
 * by the calling convention, so the guest's values stay in the registers.
 * When an exit needs the whole register file in the context (an MMIO
 * access or an emulated counter read naming s0-s11, or a pass through the
 * scheduler, which may run another vCPU or rewrite this one), the C
 * handler says so in the low bits of the context it returns and trap.S
 * saves s0-s11 too (see trap.S). So x[8], x[9], x[18..27] are only
 * current during such an exit, and whenever the vCPU is not on a hart. The
 * offsets are spelled out so trap.S can use them; vcpu.c checks them with
 * static assertions against the C struct.
 */
#ifndef KEEL_VCPU_CONTEXT_H
#define KEEL_VCPU_CONTEXT_H

#define CTX_REG(n) ((n) * 8) /* x1..x31; slot 0 is unused */
#define CTX_SEPC 256
#define CTX_HOST_SP 264 /* Keel stack top of the hart running this vCPU */
#define CTX_HOST_TP 272 /* Keel's tp on that hart: its struct hart */
/*
 * instret, cycle and time when trap.S entered: stamped only while a
 * profile runs (trap_entry_profiled), for what each exit cost and whether
 * a sample fell due before the exit or during it (prof.h)
 */
#define CTX_ENTRY_INSTRET 280
#define CTX_ENTRY_CYCLE 288
#define CTX_ENTRY_TIME 296
/* CTX_FAST_*: the SBI calls trap.S may answer itself (vcpu_fast_paths_update) */
#define CTX_FAST 304
#define CTX_SIZE 312

#define CTX_FAST_BASE (1 << 0)      /* BASE's constant answers */
#define CTX_FAST_SET_TIMER (1 << 1) /* TIME set_timer: nothing counts it */
#define CTX_FAST_SSTC (1 << 2)      /* ... and the guest's timer is vstimecmp */

/*
 * Fields of struct vcpu and struct hart beyond the context that trap.S's
 * fast path reaches (checked against the C structs in vcpu.c)
 */
#define VCPU_EXIT_COUNT 312   /* uint64_t exit_count[EXIT_SLOTS] (prof.h) */
/* its slots for SBI BASE and TIME: EXIT_SLOT_SBI(SBI_STAT_BASE, _TIME) */
#define VCPU_EXIT_COUNT_SBI_BASE (VCPU_EXIT_COUNT + 8 * 40)
#define VCPU_EXIT_COUNT_SBI_TIME (VCPU_EXIT_COUNT + 8 * 42)
#define VCPU_TIMER_DEADLINE 744 /* uint64_t timer_deadline */
#define VCPU_TIMER_NUDGE 752  /* uint64_t timer_nudge */
#define HART_TIMER_DEADLINE 40 /* uint64_t timer_deadline */

#ifndef __ASSEMBLER__
struct vcpu_context {
	unsigned long x[32];
	unsigned long sepc;
	unsigned long host_sp;
	unsigned long host_tp;
	unsigned long entry_instret;
	unsigned long entry_cycle;
	unsigned long entry_time;
	unsigned long fast;
};

/* x8, x9, x18-x27 (s0-s11): in ctx only when trap.S was asked to save them */
static inline int ctx_reg_is_callee_saved(unsigned int reg)
{
	return reg == 8 || reg == 9 || (reg >= 18 && reg <= 27);
}
#endif

#endif
