/*
 * Keel's harts (include/hart.h): harts[0] is the boot hart, the others
 * are numbered as smp.c starts them. Here, beside the vCPUs they run,
 * rather than in boot, because the layers below boot use them.
 */
#include "arch/riscv/arch.h"
#include "hart.h"

struct hart harts[KEEL_MAX_HARTS];
unsigned int nr_harts; /* harts Keel runs on (online or starting) */

/* The profiler's switch (include/hart.h): set by prof.c, read by each hart's timer */
unsigned int prof_on;

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
