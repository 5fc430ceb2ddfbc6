/*
 * Each hart's host timer (timer.c): one deadline serves every time the
 * hart waits for, its vCPUs' timers, its time slice, its profile sample
 * and the console poll, so the timer is armed for the earliest.
 */
#ifndef KEEL_TIMER_H
#define KEEL_TIMER_H

#include <stdint.h>

#include "hart.h"

/* Recompute and program the host timer for the vCPUs this hart runs. */
void hart_timer_update(struct hart *h);
/*
 * One of the times the host timer serves moved from old to deadline: arm
 * it earlier if need be, rescan only if old was the time it is set to.
 */
void hart_timer_moved(struct hart *h, uint64_t old, uint64_t deadline);
/* Handle the host timer interrupt: guest timers, time slice. */
void hart_timer_expired(struct hart *h);

#endif
