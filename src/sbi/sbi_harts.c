/*
 * What the SBI calls that name harts share (IPI, RFENCE and their legacy
 * forms): a guest's hart mask read as vCPUs, and the IPIs and fences sent
 * to them, counted in the sender's SBI PMU firmware counters.
 */
#include "sbi/sbi.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"
#include "vcpu/vcpu_fence.h"

long sbi_hart_mask_to_vcpus(unsigned long hart_mask, unsigned long hart_mask_base,
			    unsigned int nr_vcpus, unsigned long *vcpu_bitmap)
{
	unsigned long all = nr_vcpus >= 64 ? ~0UL : (1UL << nr_vcpus) - 1;

	if (hart_mask_base == (unsigned long)-1) {
		*vcpu_bitmap = all; /* base -1: every hart, the mask is ignored */
		return SBI_SUCCESS;
	}
	*vcpu_bitmap = 0;
	for (unsigned int bit = 0; bit < 64; bit++) {
		unsigned long hart;

		if (!(hart_mask & (1UL << bit)))
			continue;
		hart = hart_mask_base + bit;
		if (hart < hart_mask_base || hart >= nr_vcpus)
			return SBI_ERR_INVALID_PARAM;
		*vcpu_bitmap |= 1UL << hart;
	}
	return SBI_SUCCESS;
}

void sbi_send_ipis(struct vcpu *v, unsigned long targets)
{
	struct vm *vm = v->vm;

	pmu_incr_fw(&v->pmu, SBI_PMU_FW_IPI_SENT);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (targets & (1UL << i))
			vcpu_send_ipi(v, &vm->vcpus[i]);
}

void sbi_remote_fences(struct vcpu *v, unsigned long targets, enum fence_kind kind,
		       unsigned long start, unsigned long size, unsigned long asid)
{
	static const enum sbi_pmu_fw_event sent[] = {
		[FENCE_I] = SBI_PMU_FW_FENCE_I_SENT,
		[FENCE_VMA] = SBI_PMU_FW_SFENCE_VMA_SENT,
		[FENCE_VMA_ASID] = SBI_PMU_FW_SFENCE_VMA_ASID_SENT,
	};

	pmu_incr_fw(&v->pmu, sent[kind]);
	if (targets)
		vcpu_remote_fence(v, targets, kind, start, size, asid);
}
