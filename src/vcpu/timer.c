/*
 * A hart's one host timer serves everything that must happen at a time on
 * that hart: the SBI timers of its vCPUs when the guest has no Sstc, the
 * wake-up of a vCPU blocked in wfi (not loaded) whose own vstimecmp will
 * fire, the end of the running vCPU's time slice, the profiler's next
 * sample, and (on the boot hart) the next look at the console.
 */
#include <stdint.h>

#include "arch/riscv/arch.h"
#include "hart.h"
#include "platform/platform.h"
#include "prof.h"
#include "lib/timebase.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"
#include "vcpu/timer.h"

void hart_timer_update(struct hart *h)
{
	uint64_t next = h->slice_end;
	uint64_t sample = prof_next_due(h);

	if (sample < next)
		next = sample;
	/*
	 * the boot hart reads the console for Keel's keys and the monitor
	 * (console_next stays UINT64_MAX when input comes on an interrupt)
	 */
	if (h->index == 0 && h->console_next < next)
		next = h->console_next;
	for (unsigned int i = 0; i < h->nr_vcpus; i++) {
		const struct vcpu *v = h->vcpus[i];

		if (v->run_state == VCPU_OFF)
			continue;
		if (v->timer_deadline < next)
			next = v->timer_deadline;
		if (v->timer_nudge < next)
			next = v->timer_nudge;
		/* a loaded vCPU's vstimecmp wakes the hart's wfi by itself */
		if (v->run_state == VCPU_BLOCKED && v != h->current && v->vm->guest_sstc &&
		    (v->csrs.vsie & MIP_STIP) && v->csrs.vstimecmp < next)
			next = v->csrs.vstimecmp;
	}
	if (next != h->timer_deadline) {
		h->timer_deadline = next;
		arch_host_timer_set(next);
	}
}

/*
 * The host timer must fire by deadline, which replaces old as one of the
 * times it serves. Cheaper than hart_timer_update()'s scan of every vCPU
 * when nothing earlier moves: a deadline no earlier than what the timer is
 * set to needs nothing (when it fires, hart_timer_expired() re-arms for
 * what is left), unless old was that time, which may now be later.
 */
void hart_timer_moved(struct hart *h, uint64_t old, uint64_t deadline)
{
	if (deadline < h->timer_deadline) {
		h->timer_deadline = deadline;
		arch_host_timer_set(deadline);
	} else if (old == h->timer_deadline && old != deadline) {
		hart_timer_update(h);
	}
}
