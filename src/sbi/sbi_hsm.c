/*
 * SBI HSM (EID "HSM"): hart states of the VM's vCPUs. This version runs one
 * vCPU per VM: hart_get_status answers for every vCPU; hart_start of a
 * stopped vCPU and hart_stop fail with SBI_ERR_FAILED and hart_suspend
 * supports no suspend type (SBI_ERR_NOT_SUPPORTED), except where the
 * specification names a more precise error for the arguments given.
 */
#include "sbi.h"
#include "vm.h"

static void hsm_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	struct vm *vm = v->vm;
	unsigned long hartid = call->arg[0];

	res->error = SBI_SUCCESS;
	res->value = 0;
	switch (call->fid) {
	case SBI_EXT_HSM_HART_GET_STATUS:
		if (hartid >= vm->nr_vcpus) {
			res->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		res->value = (unsigned long)vm->vcpus[hartid].hsm_state;
		break;
	case SBI_EXT_HSM_HART_START:
		if (hartid >= vm->nr_vcpus)
			res->error = SBI_ERR_INVALID_PARAM;
		else if (vm->vcpus[hartid].hsm_state != SBI_HSM_STATE_STOPPED)
			res->error = SBI_ERR_ALREADY_AVAILABLE;
		else
			res->error = SBI_ERR_FAILED; /* secondary vCPUs come with SMP */
		break;
	case SBI_EXT_HSM_HART_STOP:
		/* the only error the spec allows; stopping vCPUs comes with SMP */
		res->error = SBI_ERR_FAILED;
		break;
	case SBI_EXT_HSM_HART_SUSPEND: {
		uint32_t type = (uint32_t)call->arg[0];
		bool reserved = (type > SBI_HSM_SUSPEND_RET_DEFAULT &&
				 type < SBI_HSM_SUSPEND_RET_PLATFORM) ||
				(type > SBI_HSM_SUSPEND_NON_RET_DEFAULT &&
				 type < SBI_HSM_SUSPEND_NON_RET_PLATFORM) ||
				call->arg[0] > 0xFFFFFFFFUL;
		/* suspend comes with the SMP scheduler: no state is supported yet */
		res->error = reserved ? SBI_ERR_INVALID_PARAM : SBI_ERR_NOT_SUPPORTED;
		break;
	}
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

const struct sbi_extension sbi_ext_hsm = {
	.eid_start = SBI_EXT_HSM,
	.eid_end = SBI_EXT_HSM,
	.name = "HSM",
	.handle = hsm_handle,
};
