/*
 * Taking a vCPU off its hart: vcpu_put() saves the one loaded, vcpu_park()
 * takes one off for good while its VM stops or restarts, and
 * steal_time_report() says what the VM's vCPUs waited. The scheduler
 * (src/sched/sched.c) decides who runs and loads it; these are here, below
 * the VMs, because a hart waiting for a remote fence (vcpu_fence.c) parks
 * its vCPUs too, and a VM that stops reports. Read docs/smp.md beside it.
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

void steal_time_report(const struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].sta_used)
			pr_info("steal %s/vcpu%u %llu ns\n", vm->cfg->name, i,
				(unsigned long long)steal_ticks_to_ns(vm->vcpus[i].steal_ticks,
								      platform.timebase_freq));
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

