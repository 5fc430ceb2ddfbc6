/*
 * Exceptions counted by cause and skipped, for guests that cause them on
 * purpose and compare the counts with what the SBI says it counted (pmu,
 * fwft; guests/Makefile links trap_count.c into those). Install
 * trap_count_and_skip with trap_set_hook().
 */
#ifndef GUEST_TRAP_COUNT_H
#define GUEST_TRAP_COUNT_H

#include "trap.h"

#define TRAP_COUNT_CAUSES 16	/* exception causes 0..15 are counted */

extern volatile unsigned long traps_by_cause[TRAP_COUNT_CAUSES];

/* Count the trap under its scause, then skip it (trap_record_skip). */
void trap_count_and_skip(struct trap_frame *tf);

/* All counts back to 0. */
void trap_count_clear(void);

#endif
