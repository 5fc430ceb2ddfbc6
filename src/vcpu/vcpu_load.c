/*
 * Which vCPU a hart has loaded, and the steal time its switches measure.
 * The scheduler (src/sched/sched.c) decides who runs; these carry a
 * decision out: vcpu_load_on() switches a hart to a vCPU, vcpu_put() takes
 * one off, vcpu_park() takes one off for good while its VM stops or
 * restarts. Here, below the VMs, because a hart waiting for a remote fence
 * (vcpu_request.c) parks its vCPUs too. Read docs/smp.md beside it.
 */
#include <stddef.h>

#include "arch/riscv/arch.h"
#include "hart.h"
#include "lib/console.h"
#include "platform/platform.h"
#include "pmu/host_pmu.h"
#include "sbi_defs.h"
#include "fw_events.h"
#include "vcpu/steal_record.h"
#include "vcpu/vcpu_load.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"

void vcpu_put(struct vcpu *v)
{
	if (!vcpu_loaded_here(v))
		return;
	fw_events_sync(v);
	pmu_hw_switch(&v->pmu, &host_pmu);
	arch_vcpu_save(v);
	v->hart->current = NULL;
}

/*
 * Steal time (docs/smp.md, "Steal time"): a vCPU waits from the moment it
 * is runnable but not running, and its wait is added up when it is
 * switched in: one subtraction per switch. A vCPU blocked in wfi or
 * suspended is not waiting, and neither is a stopped one.
 */
void steal_wait_begins(struct vcpu *v, uint64_t now)
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

void steal_time_report(const struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].sta_used)
			pr_info("steal %s/vcpu%u %llu ns\n", vm->cfg->name, i,
				(unsigned long long)steal_ns(&vm->vcpus[i]));
}

/* From a VM reset on, it has waited for nothing and registered no record */
void steal_reset(struct vcpu *v)
{
	v->steal_ticks = 0;
	v->wait_since = 0;
	v->sta_record = NULL;
	v->sta_used = false;
	v->system_suspended = false;
}

void vcpu_load_on(struct hart *h, struct vcpu *v, uint64_t now)
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

/*
 * Its VM stopped or is being reset: take the vCPU off this hart with
 * nothing left armed, then acknowledge. A vCPU parked while BLOCKED would
 * otherwise keep its vstimecmp in hart_timer_update(), and once that time
 * had passed, the host timer would fire at it again and again, and the
 * hart would never run another vCPU.
 */
void vcpu_park(struct vcpu *v)
{
	struct vm *vm = v->vm;

	/*
	 * Parked inside its own exit (a wait that serves requests): that
	 * exit must end in the scheduler, not back in the guest.
	 */
	if (vcpu_loaded_here(v))
		hart_kick(v->hart);
	vcpu_put(v);
	/* stopped or restarting: its host counters go back to this hart's pool */
	pmu_release_host(&v->pmu, &host_pmu);
	vcpu_go_off(v);
	v->wait_since = 0; /* not runnable: not waiting */
	v->system_suspended = false;
	if (v->hart->woken == v)
		v->hart->woken = NULL;
	__atomic_store_n(&v->requests, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&v->quiesce_ack, vm->quiesce_seq, __ATOMIC_RELEASE);
}

