/*
 * Putting and parking a hart's vCPU, and the steal time report
 * (vcpu_load.c, docs/smp.md).
 */
#ifndef KEEL_VCPU_LOAD_H
#define KEEL_VCPU_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "hart.h"
#include "sbi_defs.h"
#include "vcpu.h"

struct vm;

/* If v is loaded on this hart, save it and leave the hart with none. */
void vcpu_put(struct vcpu *v);
/* Its VM stopped or restarts: take v off its hart with nothing armed, and acknowledge. */
void vcpu_park(struct vcpu *v);

/* The steal time of a VM's vCPUs that used SBI STA, one line each. */
void steal_time_report(const struct vm *vm);

#endif
