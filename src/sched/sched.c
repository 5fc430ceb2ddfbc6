/*
 * The scheduler of one hart. Every vCPU has a home hart (smp.c) and runs
 * only there, so a hart's run list is just the vCPUs homed on it; this
 * file decides which of them is loaded, and what the hart does when none
 * can run. Read docs/smp.md beside it.
 *
 * Everything here runs on the hart it is about, with interrupts off (Keel
 * never takes an interrupt in HS-mode: it polls sip when it waits).
 */
#include <stddef.h>

#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "fw_events.h"
#include "hart.h"
#include "pmu/host_pmu.h"
#include "platform/hw_irq.h"
#include "platform/platform.h"
#include "prof.h"
#include "sbi/sbi.h"
#include "sched/sched.h"
#include "lib/timebase.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"
#include "vcpu/timer.h"
#include "sched/power.h"
#include "vcpu/vcpu_load.h"
#include "vdev/vdev.h"
#include "vcpu/vcpu_fence.h"
#include "vcpu/steal_record.h"

void (*sched_boot_hart_service)(void);

static uint64_t slice_ticks(void)
{
	return ticks_from_us(platform.timebase_freq, SCHED_SLICE_US);
}

/*
 * Steal time (docs/smp.md, "Steal time"): a vCPU waits from the moment it
 * is runnable but not running, and its wait is added up when it is
 * switched in: one subtraction per switch. A vCPU blocked in wfi or
 * suspended is not waiting, and neither is a stopped one.
 */
static void steal_wait_begins(struct vcpu *v, uint64_t now)
{
	if (!v->wait_since)
		v->wait_since = now;
}

static uint64_t steal_ns(const struct vcpu *v)
{
	return steal_ticks_to_ns(v->steal_ticks, platform.timebase_freq);
}

static void steal_switch_in(struct vcpu *v, uint64_t now)
{
	if (v->wait_since) {
		v->steal_ticks += now - v->wait_since;
		v->wait_since = 0;
	}
	if (v->sta_record)
		steal_record_write(v->sta_record, steal_ns(v), false);
}

/* Switched out while it could still run: it waits, and its record says so */
static void steal_switch_out(struct vcpu *v, uint64_t now)
{
	if (v->run_state != VCPU_RUNNABLE)
		return;
	steal_wait_begins(v, now);
	if (v->sta_record)
		steal_record_write(v->sta_record, steal_ns(v), true);
}

/* From a VM reset on, it has waited for nothing and registered no record */
static void steal_reset(struct vcpu *v)
{
	v->steal_ticks = 0;
	v->wait_since = 0;
	v->sta_record = NULL;
	v->sta_used = false;
	v->system_suspended = false;
}

static void load(struct hart *h, struct vcpu *v, uint64_t now)
{
	if (h->current == v)
		return;
	if (h->current) {
		steal_switch_out(h->current, now);
		vcpu_put(h->current);
	}
	h->current = v;
	arch_vcpu_load(v, v->vm->hgatp);
	pmu_hw_switch(&v->pmu, &host_pmu);
	fw_events_begin(v);
	steal_switch_in(v, now);
}

/* On v's home hart: carry out the requests posted to v (vcpu_request.h). */
void vcpu_take_requests(struct vcpu *v)
{
	unsigned long r = __atomic_exchange_n(&v->requests, 0, __ATOMIC_ACQUIRE);

	if (r & VCPU_REQ_START &&
	    __atomic_load_n(&v->hsm_state, __ATOMIC_ACQUIRE) == SBI_HSM_STATE_START_PENDING) {
		vcpu_put(v);
		vcpu_start_state(v, v->resume_addr, v->resume_opaque);
		v->run_state = VCPU_RUNNABLE;
	}
	if (r & VCPU_REQ_DEVICES)
		vdev_service(v);
	if (r & VCPU_REQ_EXT_IRQ)
		vdev_sync_ext_irq(v);
	if (r & VCPU_REQ_IPI) {
		pmu_incr_fw(&v->pmu, SBI_PMU_FW_IPI_RCVD);
		vcpu_set_irq(v, IRQ_VS_SOFT);
	}
}

/*
 * A vCPU whose VM was reset since it last ran starts again from the reset
 * state (vm_reboot() has reloaded RAM and set every vCPU's HSM state).
 */
static void catch_up_with_reset(struct vcpu *v, unsigned long generation)
{
	struct vm *vm = v->vm;

	vcpu_put(v);
	vcpu_reset(v, vm->entry, vm->dtb_gpa);
	steal_reset(v);
	v->generation = generation;
	v->run_state = v->id == 0 ? VCPU_RUNNABLE : VCPU_OFF;
}

/* A blocked vCPU with an interrupt to take runs again. */
static void wake_if_interrupted(struct vcpu *v)
{
	if (v->run_state != VCPU_BLOCKED || !vcpu_irq_pending(v))
		return;
	v->run_state = VCPU_RUNNABLE;
	/*
	 * It waited for this interrupt: run it now rather than at the end of
	 * the running vCPU's slice (up to 4 ms later on a shared hart).
	 */
	if (v != v->hart->current)
		v->hart->woken = v;
	if (__atomic_load_n(&v->hsm_state, __ATOMIC_RELAXED) != SBI_HSM_STATE_SUSPENDED)
		return;
	if (v->resume_fresh) {
		/* non-retentive suspend: back at resume_addr, satp and SIE off */
		vcpu_put(v);
		vcpu_resume_state(v, v->resume_addr, v->resume_opaque);
	}
	__atomic_store_n(&v->hsm_state, SBI_HSM_STATE_STARTED, __ATOMIC_RELEASE);
	if (v->system_suspended) {
		v->system_suspended = false;
		pr_info("VM '%s' resumes from suspend (SBI SUSP): vCPU %u at 0x%lx\n",
			v->vm->cfg->name, v->id, v->ctx.sepc);
	}
}

/* Look at every vCPU of this hart: resets, requests, wake-ups. */
static unsigned int update_vcpus(struct hart *h)
{
	unsigned int runnable = 0;

	for (unsigned int i = 0; i < h->nr_vcpus; i++) {
		struct vcpu *v = h->vcpus[i];
		struct vm *vm = v->vm;
		enum vcpu_run_state was;

		if (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_RUNNING) {
			/*
			 * Once per stop or restart. A second park could read a
			 * state that is already stale: the restart done, the VM
			 * RUNNING again, and an HSM start just posted, which
			 * parking would throw away.
			 */
			if (__atomic_load_n(&v->quiesce_ack, __ATOMIC_RELAXED) !=
			    __atomic_load_n(&vm->quiesce_seq, __ATOMIC_ACQUIRE))
				vcpu_park(v);
			continue;
		}
		was = v->run_state;
		if (v->generation != vm->generation) {
			catch_up_with_reset(v, vm->generation);
			was = VCPU_OFF;
		}
		vcpu_take_requests(v);
		wake_if_interrupted(v);
		/* started or woken, and another holds the hart: it waits from now */
		if (v->run_state == VCPU_RUNNABLE && was != VCPU_RUNNABLE && v != h->current)
			steal_wait_begins(v, arch_time_now());
		runnable += v->run_state == VCPU_RUNNABLE;
	}
	return runnable;
}

static bool can_run(struct vcpu *v)
{
	return v->run_state == VCPU_RUNNABLE &&
	       __atomic_load_n(&v->vm->state, __ATOMIC_RELAXED) == VM_RUNNING;
}

/* A vCPU just woken first; else the current one keeps its slice; else round robin after it. */
static struct vcpu *pick(struct hart *h, uint64_t now)
{
	struct vcpu *cur = h->current, *woken = h->woken;
	unsigned int start = 0;

	if (woken && can_run(woken))
		return woken;
	if (cur && can_run(cur) && now < h->slice_end)
		return cur;
	if (cur)
		start = cur->sched_index + 1;
	for (unsigned int k = 0; k < h->nr_vcpus; k++) {
		struct vcpu *v = h->vcpus[(start + k) % h->nr_vcpus];
		if (can_run(v))
			return v;
	}
	return NULL;
}

static void run(struct hart *h, struct vcpu *next, unsigned int runnable, uint64_t now)
{
	bool switched = h->current != next;

	h->woken = NULL; /* the preference is spent, whoever runs */
	load(h, next, now);
	if (switched || now >= h->slice_end || (h->slice_end == UINT64_MAX && runnable > 1))
		h->slice_end = runnable > 1 ? now + slice_ticks() : UINT64_MAX;
	if (__atomic_load_n(&next->hsm_state, __ATOMIC_RELAXED) == SBI_HSM_STATE_START_PENDING)
		__atomic_store_n(&next->hsm_state, SBI_HSM_STATE_STARTED, __ATOMIC_RELEASE);
	hart_timer_update(h);
}

/*
 * Everything this hart was asked to do since its last pass, in one go: the
 * kick itself, Keel's console work, remote fences, the profiler's trap
 * entry, each vCPU's requests and wake-ups, a step of a VM restart it
 * carries out, and the power-off once every VM has stopped. Returns how
 * many of its vCPUs can run; *resetting: a restart has steps left.
 */
static unsigned int serve_requests(struct hart *h, bool *resetting)
{
	unsigned int runnable;

	/* the IPI first, then the flag: a later kick raises both again */
	arch_clear_host_ipi();
	__atomic_exchange_n(&h->work, 0, __ATOMIC_ACQ_REL);
	/*
	 * Keel's own console work, outside every exit and lock
	 * (vm_console.h); after the flag, so that what is queued later
	 * kicks this loop round again.
	 */
	if (h->index == 0 && sched_boot_hart_service)
		sched_boot_hart_service();
	hart_drain_fences(h);
	prof_hart_sync(h);
	runnable = update_vcpus(h);
	/* a VM restart this hart carries out: one step a pass (vm.h) */
	*resetting = vm_reset_work(h);
	keel_power_off_if_done();
	return runnable;
}

/*
 * The host interrupts pending while no guest runs (Keel never takes one in
 * HS-mode): the host timer (guest timers, slices, samples) and the
 * machine's console UART on the PLIC.
 */
static void serve_host_interrupts(struct hart *h, unsigned long pending)
{
	if (pending & MIP_STIP)
		hart_timer_expired(h);
	if (pending & MIP_SEIP)
		hw_irq_handle();
}

/*
 * Nothing to run: wait for an interrupt. A blocked vCPU stays loaded (the
 * common case of one vCPU per hart costs no reload when it wakes), and its
 * own interrupts, enabled in hie, end the wfi.
 */
static void idle(struct hart *h)
{
	unsigned long pending;

	if (h->current && (h->current->run_state != VCPU_BLOCKED))
		vcpu_put(h->current);
	h->slice_end = UINT64_MAX;
	hart_timer_update(h);
	if (h->current && vcpu_irq_pending(h->current))
		return;
	arch_wait_for_interrupt();
	pending = arch_host_pending();
	/* a sample that fell due while the hart slept is charged to the idle wait */
	if (pending & MIP_STIP)
		prof_tick_host(h, PROF_IDLE, (uintptr_t)arch_wait_for_interrupt);
	serve_host_interrupts(h, pending);
}

/* Until a vCPU of this hart can run: do what is asked, sleep otherwise. */
static struct vcpu *find_work(struct hart *h)
{
	for (;;) {
		bool resetting;
		unsigned int runnable = serve_requests(h, &resetting);
		uint64_t now = arch_time_now();
		struct vcpu *next = pick(h, now);

		if (__atomic_load_n(&h->work, __ATOMIC_ACQUIRE))
			continue; /* asked for more meanwhile */
		if (next) {
			/* a restart still to do shares the hart like one more vCPU */
			run(h, next, runnable + resetting, now);
			prof_tick_host(h, PROF_SCHED, (uintptr_t)find_work);
			return next;
		}
		/*
		 * Nothing else to run but a restart: it goes on at once, and
		 * what the host timer or a device raised meanwhile is taken
		 * between its steps, as in the idle wait.
		 */
		if (resetting)
			serve_host_interrupts(h, arch_host_pending());
		else
			idle(h);
	}
}

struct vcpu_context *sched_after_exit(struct vcpu_context *ctx)
{
	(void)ctx; /* saved whole by trap.S: it may be switched out or rewritten */
	return &find_work(this_hart())->ctx;
}

void sched_start(struct hart *h)
{
	guest_enter(&find_work(h)->ctx);
}
