/*
 * SBI PMU (EID "PMU", 0x504D55): the guest's performance counters, as the
 * SBI specification v2.0 defines them, on any host (no Sscofpmf needed).
 * The state machine is src/pmu/pmu*.c; this file reads the call's
 * arguments, finds guest memory, and keeps hcounteren in step: a guest's
 * read of cycle/instret traps to Keel (src/trap/trap_virtual_insn.c)
 * while that counter is configured, so the guest reads its own
 * started/stopped value.
 * docs/pmu.md describes the whole of it.
 */
#include "arch/riscv/arch.h"
#include "fw_events.h"
#include "pmu/host_pmu.h"
#include "riscv.h"
#include "sbi/sbi.h"
#include "vm.h"

/* The snapshot area, when set: checked to lie in RAM when it was set. */
static void *snapshot_area(struct vcpu *v)
{
	if (!v->pmu.snapshot_set)
		return 0;
	return vm_gpa_to_hva(v->vm, v->pmu.snapshot_gpa, SBI_PMU_SNAPSHOT_SIZE);
}

/*
 * Configured hardware counters are read through a trap (hcounteren bit
 * clear); the others straight from the CSR, as before the PMU was used.
 */
static void sync_counteren(struct vcpu *v)
{
	unsigned long want = pmu_hcounteren(&v->pmu);

	if (want != v->csrs.hcounteren) {
		v->csrs.hcounteren = want;
		arch_set_hcounteren(want);
	}
}

static void set_shmem(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	uint64_t gpa;
	bool disable;

	res->error = pmu_snapshot_args(call->arg[0], call->arg[1], call->arg[2], &gpa, &disable);
	if (res->error)
		return;
	if (disable) {
		v->pmu.snapshot_set = false;
		v->pmu.snapshot_gpa = 0;
		return;
	}
	if (!vm_gpa_to_hva(v->vm, gpa, SBI_PMU_SNAPSHOT_SIZE)) {
		res->error = SBI_ERR_INVALID_ADDRESS;
		return;
	}
	/* Keel touches it only in counter_start/stop, as the spec asks */
	v->pmu.snapshot_set = true;
	v->pmu.snapshot_gpa = gpa;
}

static void event_get_info(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	uint64_t gpa, len;
	void *entries;

	res->error = pmu_event_info_args(call->arg[0], call->arg[1], call->arg[2], call->arg[3],
					 &gpa, &len);
	if (res->error)
		return;
	entries = vm_gpa_to_hva(v->vm, gpa, len);
	if (!entries) {
		res->error = SBI_ERR_INVALID_ADDRESS;
		return;
	}
	res->error = pmu_event_info(&host_pmu, entries, call->arg[2]);
}

static void pmu_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	struct vcpu_pmu *pmu = &v->pmu;
	const unsigned long *a = call->arg;

	res->error = SBI_SUCCESS;
	res->value = 0;
	/* the firmware's counts first, where it delivers these traps (fw_events.h) */
	fw_events_sync(v);
	switch (call->fid) {
	case SBI_EXT_PMU_NUM_COUNTERS:
		res->value = pmu_num_counters(&host_pmu);
		break;
	case SBI_EXT_PMU_COUNTER_GET_INFO:
		res->error = pmu_counter_info(&host_pmu, a[0], &res->value);
		break;
	case SBI_EXT_PMU_COUNTER_CFG_MATCH:
		res->error = pmu_cfg_match(pmu, a[0], a[1], a[2], a[3], a[4], &host_pmu,
					   &res->value);
		sync_counteren(v);
		break;
	case SBI_EXT_PMU_COUNTER_START:
		res->error = pmu_start(pmu, a[0], a[1], a[2], a[3], snapshot_area(v),
				       &host_pmu);
		break;
	case SBI_EXT_PMU_COUNTER_STOP:
		res->error = pmu_stop(pmu, a[0], a[1], a[2], snapshot_area(v), &host_pmu);
		sync_counteren(v);
		break;
	case SBI_EXT_PMU_COUNTER_FW_READ:
		res->error = pmu_fw_read(pmu, a[0], &res->value);
		break;
	case SBI_EXT_PMU_COUNTER_FW_READ_HI:
		res->error = pmu_fw_read_hi(pmu, a[0], &res->value);
		break;
	case SBI_EXT_PMU_SNAPSHOT_SET_SHMEM:
		set_shmem(v, call, res);
		break;
	case SBI_EXT_PMU_EVENT_GET_INFO:
		event_get_info(v, call, res);
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
	/* an error returns no value */
	if (res->error)
		res->value = 0;
	/* a started SET_TIMER counter counts in C: trap.S's set_timer steps aside */
	vcpu_fast_paths_update(v);
	/*
	 * and a started ILLEGAL_INSN (misaligned, access) counter takes its
	 * trap back from the guest (hedeleg), from the next instruction on
	 */
	vcpu_delegation_update(v);
}

const struct sbi_extension sbi_ext_pmu = {
	.eid_start = SBI_EXT_PMU,
	.eid_end = SBI_EXT_PMU,
	.name = "PMU",
	.stat_slot = SBI_STAT_PMU,
	.handle = pmu_handle,
};
