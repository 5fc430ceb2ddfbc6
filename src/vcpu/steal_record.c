/*
 * SBI STA's steal-time record, written with the spec's sequence protocol
 * (steal_record.h). Pure logic, so that tests/unit runs it; vcpu_load.c
 * writes it at each switch, sbi_sta.c checks where the guest puts it.
 */
#include "vcpu/steal_record.h"

void steal_record_write(struct sbi_sta_record *r, uint64_t steal_ns, bool preempted)
{
	uint32_t seq = __atomic_load_n(&r->sequence, __ATOMIC_RELAXED);
	/* odd now even if the guest scribbled an odd value there itself */
	uint32_t odd = (seq + 1) | 1;

	__atomic_store_n(&r->sequence, odd, __ATOMIC_RELAXED);
	/* the odd sequence is visible before any field changes */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&r->steal, steal_ns, __ATOMIC_RELAXED);
	__atomic_store_n(&r->preempted, preempted, __ATOMIC_RELAXED);
	/* and the fields before the even one */
	__atomic_store_n(&r->sequence, odd + 1, __ATOMIC_RELEASE);
}

uint64_t steal_ticks_to_ns(uint64_t ticks, uint64_t freq)
{
	/* in two parts: ticks * 1e9 alone overflows after 30 minutes at 10 MHz */
	return ticks / freq * 1000000000ULL + ticks % freq * 1000000000ULL / freq;
}
