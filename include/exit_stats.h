/*
 * The end of every exit: its count and cost in the vCPU's exit statistics,
 * and the profiler's check for a sample that fell due inside Keel. Inline,
 * as it runs on every exit; trap.S stamped instret and cycle at the entry.
 */
#ifndef KEEL_EXIT_STATS_H
#define KEEL_EXIT_STATS_H

#include "hart.h"
#include "prof.h"
#include "vcpu.h"

/* Set while a profile is being taken (src/prof/prof.c) */
extern unsigned int prof_on;

/* A counter CSR of this hart: instret, cycle, time */
#ifdef __riscv
#define exit_read_csr(csr)                                              \
	({                                                              \
		unsigned long x_;                                       \
		__asm__ __volatile__("csrr %0, " #csr : "=r"(x_));      \
		x_;                                                     \
	})
#else
/* host unit tests: no counters, the counts still add up */
#define exit_read_csr(csr) 0UL
#endif

/*
 * Count this exit in slot (EXIT_SLOT_*), with what it cost since trap.S
 * entered; if a sample fell due during the exit, charge it to Keel's part
 * at address pc (one that fell due before is the guest's: prof_tick_exit).
 */
static inline void prof_exit(struct vcpu *v, unsigned int slot, enum prof_part part, uintptr_t pc)
{
	struct exit_stat *e = &v->exits[slot];

	e->count++;
	e->instret += exit_read_csr(instret) - v->ctx.entry_instret;
	e->cycles += exit_read_csr(cycle) - v->ctx.entry_cycle;
	/* profiling costs an exit only the time check until a sample is due */
	if (__builtin_expect(__atomic_load_n(&prof_on, __ATOMIC_RELAXED), 0) &&
	    exit_read_csr(time) >= v->hart->prof.next)
		prof_tick_exit(v, part, pc);
}

#endif
