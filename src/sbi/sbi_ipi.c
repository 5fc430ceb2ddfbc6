/* SBI IPI (EID "sPI"): software interrupts between the vCPUs of a VM. */
#include "sbi/sbi.h"
#include "vcpu/vcpu_request.h"
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
	sbi_send_ipis(v, targets);
}

const struct sbi_extension sbi_ext_ipi = {
	.eid_start = SBI_EXT_IPI,
	.eid_end = SBI_EXT_IPI,
	.name = "IPI",
	.stat_slot = SBI_STAT_IPI,
	.handle = ipi_handle,
};
