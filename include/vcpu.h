/*
 * A virtual hart. Its guest registers live in ctx while Keel runs; its
 * VS-level CSRs live in the hardware while it is loaded on a physical hart
 * (saved in csrs when it is not), so an exit that only needs the GPRs
 * touches no other state.
 */
#ifndef KEEL_VCPU_H
#define KEEL_VCPU_H

#include <stdbool.h>
#include <stdint.h>

#include "pmu.h"
#include "prof.h"
#include "riscv.h"
#include "sbi_fwft.h"
#include "hart.h"
#include "trap_return.h"
#include "vcpu_context.h"

struct vm;
struct hart;
struct sbi_extension;
struct sbi_sta_record;

/* VS-level state that belongs to the vCPU, not the hart */
struct vcpu_csrs {
	unsigned long vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp;
	unsigned long hvip, hstatus, henvcfg, hcounteren;
	/*
	 * Redirected exceptions its guest takes straight from the firmware,
	 * with no exit: 1 << cause, hedeleg's share (vcpu_delegation_update)
	 */
	unsigned long delegated;
	unsigned long vstimecmp;
	/*
	 * S CSRs the H extension has no VS copy of: a guest in VS-mode reads
	 * and writes the hart's own, so every vCPU's must be switched in and
	 * out with it (docs/isolation.md, "Per-hart CSRs").
	 */
	unsigned long scounteren, senvcfg;
	/* the AIA's siselect, where a guest reaches it (host.vsiselect) */
	unsigned long vsiselect;
};

/* The guest's FPU state while it is not on the hart (see src/arch/riscv/fp.S). */
struct vcpu_fp {
	uint64_t f[32];
	uint64_t fcsr;
};


/* Whether the home hart may run a vCPU; only the home hart changes it. */
enum vcpu_run_state {
	VCPU_OFF,      /* HSM STOPPED (or its VM is not running) */
	VCPU_RUNNABLE, /* on its hart's run list */
	VCPU_BLOCKED,  /* in wfi or HSM suspend until an interrupt for it */
};

struct vcpu {
	struct vcpu_context ctx; /* first: trap.S addresses it directly */
	/*
	 * How often the guest left for each reason (EXIT_SLOT_*, prof.h): one
	 * add per exit, always on. trap.S's fast path counts here too, so
	 * these and the timer fields after them sit at fixed offsets
	 * (VCPU_EXIT_COUNT, VCPU_TIMER_NUDGE in vcpu_context.h).
	 */
	uint64_t exit_count[EXIT_SLOTS];
	uint64_t timer_deadline;  /* guest set_timer value; UINT64_MAX = none */
	uint64_t timer_nudge;     /* Sstc guest's SBI deadline: an exit then (vcpu.c) */
	/* what every exit reads, near ctx: short offsets, one cache line */
	struct vm *vm;
	/* the SBI extension this vCPU called last: most calls repeat it */
	const struct sbi_extension *sbi_last;
	bool trace; /* TRACE=1: print every exit (copied from the VM) */
	/* exceptions injected in a row at the guest's own trap vector */
	unsigned int fault_loop;
	struct hart *hart;        /* its home hart: the only one that runs it */
	unsigned int sched_index; /* its slot in hart->vcpus */
	unsigned int id;          /* the guest's hart id */
	int pin;                  /* the hart id it must live on, or -1 */
	/* guest-visible SBI_HSM_STATE_*; other vCPUs read it, and hart_start CASes it */
	int hsm_state;
	enum vcpu_run_state run_state;
	/* the VM's reset generation this vCPU was last reset for (vm.h) */
	unsigned long generation;
	/* the VM's quiesce_seq its hart has seen and acted on (vm_reboot) */
	unsigned long quiesce_ack;
	/* VCPU_REQ_* bits other harts set for the home hart (vcpu_request.h) */
	unsigned long requests;
	/*
	 * Its virtual PLIC S-mode context wants an interrupt taken (written
	 * under the VM's dev_lock); the home hart makes hvip.VSEIP follow it.
	 */
	bool ext_line;
	/* HSM hart_start / non-retentive suspend: where and with what to resume */
	unsigned long resume_addr, resume_opaque;
	bool resume_fresh; /* resume at resume_addr (non-retentive) */
	struct vcpu_csrs csrs;
	struct vcpu_fp fp;
	/*
	 * Steal time (docs/smp.md, "Steal time"): timebase ticks this vCPU
	 * was runnable but another ran on its hart, since its VM (re)started.
	 * wait_since is when its current wait began, 0 while it is not
	 * waiting; sched.c adds the wait up when it is switched in.
	 */
	uint64_t steal_ticks;
	uint64_t wait_since;
	/* SBI STA: its steal-time record in guest RAM (host address), or NULL */
	struct sbi_sta_record *sta_record;
	bool sta_used; /* a record was set since the last reset: say so at VM stop */
	/* suspended by SBI SUSP (the whole VM sleeps), not by HSM */
	bool system_suspended;
	/* SBI FWFT: each feature's value and lock (sbi_fwft.h), reset with the vCPU */
	struct vcpu_fwft fwft;
	/*
	 * Its host-backed counters (hpm[], at its end) make the PMU large:
	 * after the fields an exit reads, so their offsets stay within a
	 * load's 12 bits, and before what only the profiler reads.
	 */
	struct vcpu_pmu pmu;
	/* what the exits cost, measured only while a profile runs (prof.h) */
	struct exit_cost exit_cost[EXIT_SLOTS];
};

/* What one trap looked like, read once from the CSRs at entry. */
struct trap_info {
	unsigned long scause, stval, htval, htinst, hstatus, sstatus;
	unsigned long sepc;         /* the guest pc at the trap */
	struct vcpu_context *regs; /* the registers at the trap */
};

/* Guest pc advance after an emulated instruction of len bytes */
static inline void vcpu_skip_insn(struct vcpu *v, unsigned int len)
{
	v->ctx.sepc += len;
}

/* Reset a vCPU to its power-on state: pc, a0 = hart id, a1 = DT. */
void vcpu_reset(struct vcpu *v, unsigned long entry, unsigned long dtb_gpa);
/*
 * The state HSM hart_start (and a non-retentive resume) gives: pc, a0 =
 * hart id, a1 = opaque, satp = 0, sstatus.SIE = 0, S-mode. The vCPU must
 * not be loaded on a hart. Its PMU counters are kept.
 */
void vcpu_start_state(struct vcpu *v, unsigned long pc, unsigned long opaque);
/*
 * Resume from a non-retentive HSM suspend: pc, a0 = hart id, a1 = opaque,
 * satp = 0, sstatus.SIE = 0, S-mode; pending interrupts stay pending. The
 * vCPU must not be loaded on a hart.
 */
void vcpu_resume_state(struct vcpu *v, unsigned long pc, unsigned long opaque);


/*
 * Which SBI calls trap.S may answer for v without C (ctx.fast,
 * CTX_FAST_*): again whenever what decides it changes (its trace, its PMU
 * counters, a reset).
 */
void vcpu_fast_paths_update(struct vcpu *v);
/* The misaligned causes SBI FWFT MISALIGNED_EXC_DELEG = 1 hands the guest */
#define FWFT_MISALIGNED_CAUSES ((1UL << EXC_LOAD_MISALIGNED) | (1UL << EXC_STORE_MISALIGNED))

/*
 * Which redirected exceptions v's guest takes without an exit: those
 * nobody counts (pmu_uncounted_traps), none while tracing (a traced exit
 * is printed), except the misaligned ones while the guest asked for them
 * (FWFT MISALIGNED_EXC_DELEG = 1): those are its own even while tracing,
 * as long as nobody counts them. A counted one always comes to Keel,
 * which counts it and redirects it (docs/sbi.md, "FWFT").
 */
static inline unsigned long vcpu_delegation_of(const struct vcpu *v)
{
	unsigned long uncounted = pmu_uncounted_traps(&v->pmu);
	unsigned long causes = v->trace ? 0 : uncounted;

	if (v->fwft.f[FWFT_SLOT_MISALIGNED_EXC_DELEG].value)
		causes |= uncounted & FWFT_MISALIGNED_CAUSES;
	return causes;
}
/*
 * csrs.delegated = vcpu_delegation_of(v), written to hedeleg while v is
 * loaded. Again whenever its trace, PMU counters or FWFT values change.
 */
void vcpu_delegation_update(struct vcpu *v);
/* v's csrs.henvcfg changed (FWFT PTE_AD_HW_UPDATING): the hart's too, if v is loaded here */
void vcpu_henvcfg_update(struct vcpu *v);
/* Guest timer (SBI set_timer), in v's own exit: deadline in host time units. */
void vcpu_set_timer(struct vcpu *v, uint64_t deadline);
/* VS-level interrupt lines Keel drives (hvip); on the vCPU's home hart only */
void vcpu_set_irq(struct vcpu *v, unsigned int irq);
void vcpu_clear_irq(struct vcpu *v, unsigned int irq);
/* Does the vCPU have a VS interrupt pending and enabled (what ends a wfi)? */
bool vcpu_irq_pending(struct vcpu *v);
/*
 * The same from saved state, for a vCPU not on a hart: hvip, vsie, and with
 * Sstc its vstimecmp against now. hvip holds the VS bits (2, 6, 10), vsie
 * the guest's own S bits (1, 5, 9).
 */
static inline bool vcpu_saved_irq_pending(const struct vcpu_csrs *c, bool sstc, uint64_t now)
{
	unsigned long pending = (c->hvip & VS_INTERRUPTS) >> 1;

	if (sstc && now >= c->vstimecmp)
		pending |= MIP_STIP;
	return pending & c->vsie & (MIP_SSIP | MIP_STIP | MIP_SEIP);
}

/*
 * OFF (HSM stopped, or its VM not running): its timers are disarmed, so
 * nothing of it can set a host timer (hart_timer_update) or wake it.
 */
void vcpu_go_off(struct vcpu *v);
/* wfi: give the hart up until an interrupt for this vCPU arrives. */
void vcpu_block(struct vcpu *v);

/*
 * The end of every exit handler: the vCPU that trapped goes on unless its
 * hart has work, and then trap.S saves the rest of its registers and calls
 * sched_after_exit (TRAP_RET_SCHEDULE, trap_return.h).
 */
static inline struct vcpu_context *vcpu_schedule(struct vcpu *v)
{
	if (__builtin_expect(!__atomic_load_n(&v->hart->work, __ATOMIC_RELAXED), 1))
		return &v->ctx;
	return (struct vcpu_context *)((unsigned long)&v->ctx | TRAP_RET_SCHEDULE);
}

/* Is v the vCPU loaded on this hart (its CSRs in the hardware, not in v)? */
static inline bool vcpu_loaded_here(const struct vcpu *v)
{
	return v->hart == this_hart() && v->hart->current == v;
}

#endif
