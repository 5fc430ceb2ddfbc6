/*
 * SBI RFENCE (EID "RFNC"): remote fence.i and sfence.vma for the vCPUs of a
 * VM. The HFENCE functions are for harts with the H extension; Keel's
 * guests have none, so those answer SBI_ERR_NOT_SUPPORTED as the spec says.
 */
#include "sbi/sbi.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"

static void rfence_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	struct vm *vm = v->vm;
	unsigned long targets;
	enum fence_kind kind;

	switch (call->fid) {
	case SBI_EXT_RFENCE_REMOTE_FENCE_I:
		kind = FENCE_I;
		break;
	case SBI_EXT_RFENCE_REMOTE_SFENCE_VMA:
		kind = FENCE_VMA;
		break;
	case SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID:
		kind = FENCE_VMA_ASID;
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	res->error = sbi_hart_mask_to_vcpus(call->arg[0], call->arg[1], vm->nr_vcpus, &targets);
	if (res->error)
		return;
	sbi_remote_fences(v, targets, kind, call->arg[2], call->arg[3], call->arg[4]);
}

const struct sbi_extension sbi_ext_rfence = {
	.eid_start = SBI_EXT_RFENCE,
	.eid_end = SBI_EXT_RFENCE,
	.name = "RFENCE",
	.stat_slot = SBI_STAT_RFENCE,
	.handle = rfence_handle,
};
