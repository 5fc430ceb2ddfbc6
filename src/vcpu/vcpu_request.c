/*
 * Requests between vCPUs, and between the harts they live on: IPIs and
 * HSM starts, and the kick that makes a hart look (remote fences are
 * vcpu_fence.c's). See vcpu_request.h for the protocol and docs/smp.md
 * for a walk through one IPI.
 */
#include "arch/riscv/arch.h"
#include "hart.h"
#include "sbi_defs.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"

void hart_kick(struct hart *h)
{
	if (h == this_hart()) {
		__atomic_store_n(&h->work, 1, __ATOMIC_RELAXED);
		return;
	}
	/*
	 * Already raised: the hart has not looked yet, and will see what was
	 * posted before this exchange (the exchange orders it). No second IPI.
	 */
	if (__atomic_exchange_n(&h->work, 1, __ATOMIC_ACQ_REL))
		return;
	/* the request must be visible before the IPI can be */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	fw_send_ipi(h->hartid);
}

void vcpu_post_request(struct vcpu *v, unsigned long bits)
{
	__atomic_fetch_or(&v->requests, bits, __ATOMIC_RELEASE);
	hart_kick(v->hart);
}

void vcpu_send_ipi(struct vcpu *from, struct vcpu *to)
{
	(void)from;
	vcpu_post_request(to, VCPU_REQ_IPI);
}
