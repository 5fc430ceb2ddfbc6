/*
 * The end of every exit: one more in the vCPU's count for its reason
 * (vcpu->exit_count, always on). What exits cost is measured only while a
 * profile runs, by the profiled trap entry (trap_profiled, prof.h), so a
 * plain exit pays this one add and nothing else for statistics.
 */
#ifndef KEEL_EXIT_STATS_H
#define KEEL_EXIT_STATS_H

#include "prof.h"
#include "vcpu.h"

/* Count this exit in slot (EXIT_SLOT_*) */
static inline void exit_count(struct vcpu *v, unsigned long slot)
{
	v->exit_count[slot]++;
}

#endif
