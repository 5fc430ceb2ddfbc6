/*
 * vCPU life: reset, redirecting traps into the guest (the redirect of
 * KVM's kvm_riscv_vcpu_trap_redirect), injected exceptions, timer and interrupt lines, and
 * idling in wfi.
 */
#include <stddef.h>
#include <string.h>

#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "hart.h"
#include "pmu/host_pmu.h"
#include "vcpu/trace.h"
#include "vm.h"
#include "vcpu/vcpu_request.h"
#include "vcpu/timer.h"
#include "lib/trap_names.h"
#include "lib/timebase.h"
#include "platform/platform.h"

_Static_assert(offsetof(struct vcpu, ctx) == 0, "trap.S expects ctx first");
_Static_assert(offsetof(struct vcpu_context, sepc) == CTX_SEPC, "CTX_SEPC");
_Static_assert(offsetof(struct vcpu_context, host_sp) == CTX_HOST_SP, "CTX_HOST_SP");
_Static_assert(offsetof(struct vcpu_context, host_tp) == CTX_HOST_TP, "CTX_HOST_TP");
_Static_assert(offsetof(struct vcpu_context, entry_instret) == CTX_ENTRY_INSTRET, "CTX_ENTRY_INSTRET");
_Static_assert(offsetof(struct vcpu_context, entry_cycle) == CTX_ENTRY_CYCLE, "CTX_ENTRY_CYCLE");
_Static_assert(offsetof(struct vcpu_context, entry_time) == CTX_ENTRY_TIME, "CTX_ENTRY_TIME");
_Static_assert(offsetof(struct vcpu_context, fast) == CTX_FAST, "CTX_FAST");
_Static_assert(sizeof(struct vcpu_context) == CTX_SIZE, "CTX_SIZE");
_Static_assert(offsetof(struct vcpu, exit_count) == VCPU_EXIT_COUNT, "VCPU_EXIT_COUNT");
_Static_assert(offsetof(struct vcpu, timer_deadline) == VCPU_TIMER_DEADLINE, "VCPU_TIMER_DEADLINE");
_Static_assert(offsetof(struct vcpu, timer_nudge) == VCPU_TIMER_NUDGE, "VCPU_TIMER_NUDGE");
_Static_assert(offsetof(struct hart, timer_deadline) == HART_TIMER_DEADLINE, "HART_TIMER_DEADLINE");
/* trap.S reaches them with a load's 12-bit signed offset */
_Static_assert(VCPU_TIMER_NUDGE < 2048 && VCPU_EXIT_COUNT_SBI_TIME < 2048, "short offsets");

/*
 * The registers and CSRs a hart has when it starts at pc with a0/a1: S-mode
 * (sret enters VS with SPVP), 64-bit, satp = 0, interrupts off, wfi trapping
 * to Keel (VTW) so an idle vCPU gives its hart back, no timer set.
 */
static void vcpu_entry_state(struct vcpu *v, unsigned long pc, unsigned long a0,
			     unsigned long a1)
{
	struct vcpu_csrs *c = &v->csrs;

	memset(v->ctx.x, 0, sizeof(v->ctx.x));
	memset(c, 0, sizeof(*c));
	/* the virtual PLIC's line outlives a hart stop and start, as a real one */
	if (v->ext_line)
		c->hvip |= MIP_VSEIP;
	memset(&v->fp, 0, sizeof(v->fp)); /* a fresh start sees a clean FPU */
	v->ctx.sepc = pc;
	v->ctx.x[10] = a0;
	v->ctx.x[11] = a1;
	c->hstatus = HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VTW | HSTATUS_VSXL_64;
	c->vsstatus = SSTATUS_UXL_64;
	/* a counter configured before an HSM stop is still configured: it traps */
	c->hcounteren = pmu_hcounteren(&v->pmu);
	/* senvcfg is 0, as after reset; scounteren as the firmware leaves it */
	c->scounteren = SCOUNTEREN_AT_START;
	c->henvcfg = v->vm->guest_sstc ? ENVCFG_STCE : 0;
	c->vstimecmp = UINT64_MAX;
	v->timer_deadline = UINT64_MAX;
	v->timer_nudge = UINT64_MAX;
	v->fault_loop = 0;
	v->resume_fresh = false;
	/*
	 * SBI FWFT: a hart reset drops local features' values and locks (so
	 * henvcfg.ADUE is clear above). A non-retentive suspend keeps them:
	 * vcpu_resume_state() does not come here.
	 */
	memset(&v->fwft, 0, sizeof(v->fwft));
	vcpu_fast_paths_update(v);
	vcpu_delegation_update(v);
}

void vcpu_delegation_update(struct vcpu *v)
{
	/*
	 * Counted events come to Keel, which counts them (handle_*() in
	 * trap.c); so does everything while tracing, since a traced exit is
	 * printed, but the misaligned causes the guest asked for with SBI
	 * FWFT (vcpu_delegation_of). The rest goes to the guest's handler through the
	 * firmware's redirect alone: no exit, and no fault-loop watch
	 * (docs/trap-path.md, "Delegated while nobody counts").
	 */
	v->csrs.delegated = vcpu_delegation_of(v);
	if (vcpu_loaded_here(v))
		arch_set_guest_delegation(v->csrs.delegated);
}

void vcpu_henvcfg_update(struct vcpu *v)
{
	if (vcpu_loaded_here(v))
		arch_set_henvcfg(v->csrs.henvcfg);
}

void vcpu_reset(struct vcpu *v, unsigned long entry, unsigned long dtb_gpa)
{
	/*
	 * The PMU first: the entry state's hcounteren follows it. Host
	 * counters it still holds go back (on its own hart: vm_create's
	 * vCPUs hold none, sched.c resets a vCPU on its hart).
	 */
	pmu_release_host(&v->pmu, &host_pmu);
	memset(&v->pmu, 0, sizeof(v->pmu));
	vcpu_entry_state(v, entry, v->id, dtb_gpa);
	memset(v->exit_count, 0, sizeof(v->exit_count));
	memset(v->exit_cost, 0, sizeof(v->exit_cost));
	v->sbi_last = NULL;
}

void vcpu_start_state(struct vcpu *v, unsigned long pc, unsigned long opaque)
{
	/*
	 * hart_start: the SBI says a0, a1, satp and sstatus.SIE; the rest is
	 * whatever a freshly powered hart has. The hart's SBI PMU counters
	 * are the SBI implementation's, so they outlive a stop and start.
	 */
	vcpu_entry_state(v, pc, v->id, opaque);
}

void vcpu_resume_state(struct vcpu *v, unsigned long pc, unsigned long opaque)
{
	struct vcpu_csrs *c = &v->csrs;

	v->ctx.sepc = pc;
	v->ctx.x[10] = v->id;
	v->ctx.x[11] = opaque;
	c->vsatp = 0;
	c->vsstatus &= ~SSTATUS_SIE;
	c->hstatus |= HSTATUS_SPVP;
	v->resume_fresh = false;
}

void vcpu_set_irq(struct vcpu *v, unsigned int irq)
{
	if (vcpu_loaded_here(v))
		arch_set_hvip(1UL << irq);
	else
		v->csrs.hvip |= 1UL << irq;
}

void vcpu_clear_irq(struct vcpu *v, unsigned int irq)
{
	if (vcpu_loaded_here(v))
		arch_clear_hvip(1UL << irq);
	else
		v->csrs.hvip &= ~(1UL << irq);
}

bool vcpu_irq_pending(struct vcpu *v)
{
	if (vcpu_loaded_here(v))
		return arch_vs_pending_enabled() != 0;
	return vcpu_saved_irq_pending(&v->csrs, v->vm->guest_sstc, arch_time_now());
}

void vcpu_set_timer(struct vcpu *v, uint64_t deadline)
{
	uint64_t old;

	if (v->vm->guest_sstc) {
		/* the hardware compares and raises (or drops) VSTIP itself */
		arch_set_vstimecmp(deadline);
		/*
		 * QEMU 7.2 can lose that interrupt: riscv_cpu_update_mip() reads
		 * vstime_irq before it takes the lock, so a concurrent update
		 * can reset the CPU's interrupt request the timer callback just
		 * raised. An exit at the deadline re-evaluates it: arm the host
		 * timer too (one extra exit per SBI tick; guests that write
		 * stimecmp themselves, as Linux does, never come here).
		 */
		old = v->timer_nudge;
		v->timer_nudge = deadline;
		hart_timer_moved(v->hart, old, deadline);
		return;
	}
	/*
	 * A new deadline replaces the old one and retracts a pending tick.
	 * The guest called from this hart: its vCPU is the one loaded here.
	 */
	arch_clear_hvip(MIP_VSTIP);
	old = v->timer_deadline;
	if (deadline <= arch_time_now()) {
		v->timer_deadline = UINT64_MAX;
		arch_set_hvip(MIP_VSTIP);
	} else {
		v->timer_deadline = deadline;
	}
	hart_timer_moved(v->hart, old, v->timer_deadline);
}

void vcpu_go_off(struct vcpu *v)
{
	v->run_state = VCPU_OFF;
	v->timer_deadline = UINT64_MAX;
	v->timer_nudge = UINT64_MAX;
	/* its saved vstimecmp stays: hart_timer_update() looks only at BLOCKED ones */
}

void vcpu_block(struct vcpu *v)
{
	/*
	 * wfi with an interrupt already pending and enabled is a no-op on
	 * real hardware too. Otherwise the scheduler runs another vCPU, or
	 * idles with this one still loaded, until one arrives.
	 */
	if (vcpu_irq_pending(v))
		return;
	v->run_state = VCPU_BLOCKED;
	hart_kick(v->hart);
}

/*
 * The host timer fired (timer.h): every vCPU of this hart whose timer is
 * due gets its timer interrupt, the boot hart reads the console when a
 * poll is due, and the scheduler looks again if anyone woke or the slice ended.
 */
void hart_timer_expired(struct hart *h)
{
	uint64_t now = arch_time_now();
	bool look_again = now >= h->slice_end;

	for (unsigned int i = 0; i < h->nr_vcpus; i++) {
		struct vcpu *v = h->vcpus[i];

		/* an OFF vCPU has nothing armed (vcpu_go_off) and nothing to wake */
		if (v->run_state == VCPU_OFF)
			continue;
		if (v->timer_deadline <= now) {
			v->timer_deadline = UINT64_MAX;
			vcpu_set_irq(v, IRQ_VS_TIMER);
			look_again |= v != h->current || v->run_state == VCPU_BLOCKED;
		}
		/* the exit itself was the point (vcpu_set_timer) */
		if (v->timer_nudge <= now)
			v->timer_nudge = UINT64_MAX;
		look_again |= v->run_state == VCPU_BLOCKED;
	}
	if (h->index == 0 && now >= h->console_next) {
		h->console_next = now + ticks_from_ms(platform.timebase_freq, VM_CONSOLE_POLL_MS);
		console_poll_input();
	}
	/* the scheduler wakes who is due and ends the slice */
	if (look_again)
		hart_kick(h);
	/* Always re-arm: this also clears STIP when nothing is due. */
	h->timer_deadline = 0;
	hart_timer_update(h);
}
