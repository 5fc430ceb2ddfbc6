/*
 * SBI RFENCE (EID "RFNC"): remote fence.i and sfence.vma for the vCPUs of a
 * VM. The HFENCE functions are for harts with the H extension; Keel's
 * guests have none, so those answer SBI_ERR_NOT_SUPPORTED as the spec says.
 */
#include "sbi.h"
#include "vcpu_request.h"
#include "vm.h"

static void rfence_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	struct vm *vm = v->vm;
	unsigned long targets;
	enum vcpu_fence kind;
	enum sbi_pmu_fw_event sent;

	switch (call->fid) {
	case SBI_EXT_RFENCE_REMOTE_FENCE_I:
		kind = VCPU_FENCE_I;
		sent = SBI_PMU_FW_FENCE_I_SENT;
		break;
	case SBI_EXT_RFENCE_REMOTE_SFENCE_VMA:
		kind = VCPU_FENCE_VMA;
		sent = SBI_PMU_FW_SFENCE_VMA_SENT;
		break;
	case SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID:
		kind = VCPU_FENCE_VMA_ASID;
		sent = SBI_PMU_FW_SFENCE_VMA_ASID_SENT;
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	res->error = sbi_hart_mask_to_vcpus(call->arg[0], call->arg[1], vm->nr_vcpus, &targets);
	if (res->error)
		return;
	pmu_incr_fw(&v->pmu, sent);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (targets & (1UL << i))
			vcpu_remote_fence(v, &vm->vcpus[i], kind, call->arg[2], call->arg[3],
					  call->arg[4]);
}

const struct sbi_extension sbi_ext_rfence = {
	.eid_start = SBI_EXT_RFENCE,
	.eid_end = SBI_EXT_RFENCE,
	.name = "RFENCE",
	.handle = rfence_handle,
};
