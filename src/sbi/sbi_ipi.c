/* SBI IPI (EID "sPI"): software interrupts between the vCPUs of a VM. */
#include "sbi.h"
#include "vcpu_request.h"
#include "vm.h"

static void ipi_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	struct vm *vm = v->vm;
	unsigned long targets;

	if (call->fid != SBI_EXT_IPI_SEND_IPI) {
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	res->error = sbi_hart_mask_to_vcpus(call->arg[0], call->arg[1], vm->nr_vcpus, &targets);
	if (res->error)
		return;
	pmu_incr_fw(&v->pmu, SBI_PMU_FW_IPI_SENT);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (targets & (1UL << i))
			vcpu_send_ipi(v, &vm->vcpus[i]);
}

const struct sbi_extension sbi_ext_ipi = {
	.eid_start = SBI_EXT_IPI,
	.eid_end = SBI_EXT_IPI,
	.name = "IPI",
	.handle = ipi_handle,
};
