#include "trap_count.h"

volatile unsigned long traps_by_cause[TRAP_COUNT_CAUSES];

void trap_count_and_skip(struct trap_frame *tf)
{
	if (tf->scause < TRAP_COUNT_CAUSES)
		traps_by_cause[tf->scause]++;
	trap_record_skip(tf);
}

void trap_count_clear(void)
{
	for (int i = 0; i < TRAP_COUNT_CAUSES; i++)
		traps_by_cause[i] = 0;
}
