/* SBI TIME (EID "TIME"): the guest's one-shot timer. */
#include "sbi/sbi.h"

static void time_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	if (call->fid != SBI_EXT_TIME_SET_TIMER) {
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	pmu_incr_fw(&v->pmu, SBI_PMU_FW_SET_TIMER);
	vcpu_set_timer(v, call->arg[0]);
	res->error = SBI_SUCCESS;
	res->value = 0;
}

const struct sbi_extension sbi_ext_time = {
	.eid_start = SBI_EXT_TIME,
	.eid_end = SBI_EXT_TIME,
	.name = "TIME",
	.stat_slot = SBI_STAT_TIME,
	.handle = time_handle,
};
