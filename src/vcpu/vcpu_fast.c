/*
 * Which SBI calls trap.S's fast path may answer for a vCPU (ctx.fast,
 * CTX_FAST_* in vcpu_context.h; docs/trap-path.md). Pure logic: the flags
 * follow the vCPU's trace setting, its VM's Sstc and its PMU counters.
 */
#include "vcpu.h"
#include "vm.h"

void vcpu_fast_paths_update(struct vcpu *v)
{
	unsigned long fast = 0;

	/* a traced exit is printed, and only C prints */
	if (!v->trace) {
		fast |= CTX_FAST_BASE;
		/* a started counter counts SET_TIMER events in C */
		if (!pmu_fw_started(&v->pmu, SBI_PMU_FW_SET_TIMER))
			fast |= CTX_FAST_SET_TIMER;
		if (v->vm->guest_sstc)
			fast |= CTX_FAST_SSTC;
	}
	v->ctx.fast = fast;
}
