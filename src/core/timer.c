/*
 * Guest timers without Sstc for the guest: a guest's SBI set_timer becomes
 * a deadline on its vCPU; the hart's one host timer is set to the earliest
 * deadline of the vCPUs it runs, and when it fires the vCPU gets VSTIP.
 */
#include <stdint.h>

#include "arch.h"
#include "hart.h"
#include "vcpu.h"

void hart_timer_update(struct hart *h)
{
	uint64_t next = UINT64_MAX;

	if (h->current)
		next = h->current->timer_deadline;
	if (next != h->timer_deadline) {
		h->timer_deadline = next;
		arch_host_timer_set(next);
	}
}

void hart_timer_expired(struct hart *h)
{
	struct vcpu *v = h->current;
	uint64_t now = arch_time_now();

	if (v && v->timer_deadline <= now) {
		v->timer_deadline = UINT64_MAX;
		vcpu_set_irq(v, IRQ_VS_TIMER);
	}
	/* Always re-arm: this also clears STIP when nothing is due. */
	h->timer_deadline = 0;
	hart_timer_update(h);
}
