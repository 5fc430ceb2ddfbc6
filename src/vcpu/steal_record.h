/* The SBI STA steal-time record (steal_record.c). */
#ifndef KEEL_STEAL_RECORD_H
#define KEEL_STEAL_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "sbi_defs.h"

/*
 * Write steal and preempted into r with the spec's sequence protocol: the
 * sequence goes to an odd value, then the fields, then to the next even
 * value, each store ordered before the next for a reader on another hart.
 * Pure logic: a guest that wrote the sequence itself still sees odd, then
 * even.
 */
void steal_record_write(struct sbi_sta_record *r, uint64_t steal_ns, bool preempted);
/* Timebase ticks in ns, exactly (floor), for any tick count a VM can reach */
uint64_t steal_ticks_to_ns(uint64_t ticks, uint64_t freq);

#endif
