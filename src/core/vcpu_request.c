/* Carrying out IPIs and remote fences between the vCPUs of a VM. */
#include "arch.h"
#include "hart.h"
#include "vcpu_request.h"

/* Past this many pages one full flush is cheaper than page by page. */
#define FENCE_PAGE_LIMIT 64

static bool is_loaded_here(struct vcpu *v)
{
	return v->hart && v->hart == this_hart() && v->hart->current == v;
}

void vcpu_send_ipi(struct vcpu *from, struct vcpu *to)
{
	(void)from;
	pmu_incr_fw(&to->pmu, SBI_PMU_FW_IPI_RCVD);
	if (is_loaded_here(to))
		vcpu_set_irq(to, IRQ_VS_SOFT);
	else
		to->csrs.hvip |= MIP_VSSIP;
}

static void fence_vma_local(unsigned long start, unsigned long size, bool use_asid,
			    unsigned long asid)
{
	if ((start == 0 && size == 0) || size == (unsigned long)-1 ||
	    size / PAGE_SIZE > FENCE_PAGE_LIMIT || use_asid) {
		/*
		 * hfence.vvma with both an address and an ASID exists, but a
		 * full flush of the ASID keeps this short; it is always correct.
		 */
		if (use_asid)
			arch_hfence_vvma_asid(asid);
		else
			arch_hfence_vvma_all();
		return;
	}
	for (unsigned long a = start & ~(PAGE_SIZE - 1); a < start + size; a += PAGE_SIZE)
		arch_hfence_vvma_addr(a);
}

void vcpu_remote_fence(struct vcpu *from, struct vcpu *to, enum vcpu_fence kind,
		       unsigned long start, unsigned long size, unsigned long asid)
{
	(void)from;
	switch (kind) {
	case VCPU_FENCE_I:
		pmu_incr_fw(&to->pmu, SBI_PMU_FW_FENCE_I_RCVD);
		break;
	case VCPU_FENCE_VMA:
		pmu_incr_fw(&to->pmu, SBI_PMU_FW_SFENCE_VMA_RCVD);
		break;
	case VCPU_FENCE_VMA_ASID:
		pmu_incr_fw(&to->pmu, SBI_PMU_FW_SFENCE_VMA_ASID_RCVD);
		break;
	}
	/* A vCPU that is not running flushes everything when next loaded. */
	if (!is_loaded_here(to))
		return;
	if (kind == VCPU_FENCE_I)
		arch_fence_i();
	else
		fence_vma_local(start, size, kind == VCPU_FENCE_VMA_ASID, asid);
}
