/*
 * Remote fences (SBI RFENCE): each target hart's queue, drained when it
 * next looks at its work, and the sender's wait, which serves its own
 * queue meanwhile so that two harts fencing each other both go on
 * (vcpu_fence.h, docs/smp.md).
 */
#include "arch/riscv/arch.h"
#include "hart.h"
#include "sbi_defs.h"
#include "vcpu/vcpu_fence.h"
#include "vcpu/vcpu_load.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"

/* Past this many pages one full flush is cheaper than page by page. */
#define FENCE_PAGE_LIMIT 64

static void fence_vma_local(unsigned long start, unsigned long size, bool use_asid,
			    unsigned long asid)
{
	unsigned long first, pages;

	/* start = size = 0 or size = -1: everything (SBI); else an empty range is nothing */
	if (size == 0 && start != 0)
		return;
	/*
	 * A range that wraps past the top of the address space is flushed
	 * whole, and pages are counted rather than addresses compared, so no
	 * range can make the loop below run on (found by guests/fuzz).
	 */
	if ((start == 0 && size == 0) || size == (unsigned long)-1 || start + size < start ||
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
	first = start & ~(PAGE_SIZE - 1);
	pages = ((start + size - 1) >> PAGE_SHIFT) - (start >> PAGE_SHIFT) + 1;
	for (unsigned long i = 0; i < pages; i++)
		arch_hfence_vvma_addr(first + i * PAGE_SIZE);
}

/* Do a fence on this hart for the vCPUs it names, which all live here. */
static void fence_here(struct hart *h, const struct fence_request *r)
{
	static const enum sbi_pmu_fw_event rcvd[] = {
		[FENCE_I] = SBI_PMU_FW_FENCE_I_RCVD,
		[FENCE_VMA] = SBI_PMU_FW_SFENCE_VMA_RCVD,
		[FENCE_VMA_ASID] = SBI_PMU_FW_SFENCE_VMA_ASID_RCVD,
	};
	struct vcpu *cur = h->current;

	for (unsigned int i = 0; i < r->vm->nr_vcpus; i++)
		if (r->vcpus >> i & 1)
			pmu_incr_fw(&r->vm->vcpus[i].pmu, rcvd[r->kind]);
	if (r->kind == FENCE_I) {
		/* the instruction cache is the hart's, whoever runs next */
		arch_fence_i();
		return;
	}
	/*
	 * hfence.vvma acts on the VMID in hgatp, which is the loaded vCPU's.
	 * A named vCPU that is not loaded needs nothing: loading it flushes.
	 */
	if (cur && cur->vm == r->vm && (r->vcpus >> cur->id & 1))
		fence_vma_local(r->start, r->size, r->kind == FENCE_VMA_ASID, r->asid);
}

static bool fence_enqueue(struct hart *h, const struct fence_request *r)
{
	bool ok = false;

	spin_lock(&h->fence_lock);
	if (h->fence_tail - h->fence_head < HART_FENCE_QUEUE_LEN) {
		h->fences[h->fence_tail % HART_FENCE_QUEUE_LEN] = *r;
		h->fence_tail++;
		ok = true;
	}
	spin_unlock(&h->fence_lock);
	return ok;
}

void hart_drain_fences(struct hart *h)
{
	for (;;) {
		struct fence_request r;

		spin_lock(&h->fence_lock);
		if (h->fence_head == h->fence_tail) {
			spin_unlock(&h->fence_lock);
			return;
		}
		r = h->fences[h->fence_head % HART_FENCE_QUEUE_LEN];
		h->fence_head++;
		spin_unlock(&h->fence_lock);
		fence_here(h, &r);
		__atomic_fetch_sub(r.pending, 1, __ATOMIC_RELEASE);
	}
}

void hart_serve_while_waiting(struct hart *h)
{
	lock_check_none_held("waited for other harts");
	hart_drain_fences(h);
	for (unsigned int i = 0; i < h->nr_vcpus; i++) {
		struct vcpu *v = h->vcpus[i];
		struct vm *vm = v->vm;

		if (__atomic_load_n(&vm->state, __ATOMIC_ACQUIRE) != VM_RUNNING &&
		    __atomic_load_n(&v->quiesce_ack, __ATOMIC_RELAXED) !=
			    __atomic_load_n(&vm->quiesce_seq, __ATOMIC_RELAXED))
			vcpu_park(v);
	}
}

void vcpu_remote_fence(struct vcpu *from, unsigned long targets, enum fence_kind kind,
		       unsigned long start, unsigned long size, unsigned long asid)
{
	struct hart *self = this_hart();
	struct vm *vm = from->vm;
	unsigned long per_hart[KEEL_MAX_HARTS] = { 0 };
	unsigned int pending = 0;
	struct fence_request r = { kind, vm, 0, start, size, asid, &pending };

	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (targets >> i & 1)
			per_hart[vm->vcpus[i].hart->index] |= 1UL << i;
	/* the other harts first, so they work while this one does its part */
	for (unsigned int hi = 0; hi < nr_harts; hi++) {
		if (!per_hart[hi] || hi == self->index)
			continue;
		r.vcpus = per_hart[hi];
		__atomic_fetch_add(&pending, 1, __ATOMIC_RELAXED);
		/* a full queue empties as its hart works; meanwhile serve ours */
		while (!fence_enqueue(&harts[hi], &r))
			hart_serve_while_waiting(self);
		hart_kick(&harts[hi]);
	}
	if (per_hart[self->index]) {
		r.vcpus = per_hart[self->index];
		fence_here(self, &r);
	}
	/*
	 * The guest may free the memory behind the old mappings once the call
	 * returns, so wait for every hart. Two harts fencing each other at
	 * once each serve their own queue while they wait, and this hart's
	 * vCPUs of a VM being restarted are parked meanwhile.
	 */
	while (__atomic_load_n(&pending, __ATOMIC_ACQUIRE))
		hart_serve_while_waiting(self);
}
