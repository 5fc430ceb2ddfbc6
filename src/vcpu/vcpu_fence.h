/*
 * Remote fences between harts (vcpu_fence.c): queued on the target
 * hart, carried out when it next looks at its work.
 */
#ifndef KEEL_VCPU_FENCE_H
#define KEEL_VCPU_FENCE_H

#include "hart.h"
#include "vcpu.h"

/* Carry out the fences queued for this hart. */
void hart_drain_fences(struct hart *h);
/*
 * What every Keel busy-wait for other harts calls on each turn: the
 * fences queued for this hart, and the parking of its vCPUs whose VM left
 * RUNNING (vcpu_park). Two harts that wait for each other so both go on:
 * each answers what the other waits for. Call it holding no lock.
 */
void hart_serve_while_waiting(struct hart *h);

/*
 * SBI RFENCE: the fence on every vCPU in the bitmap, done by the time this
 * returns. A vCPU that is running on another hart is fenced there; one
 * that is not on a hart needs nothing, since loading a vCPU flushes its
 * VM's guest translations on that hart (arch_vcpu_load).
 */
void vcpu_remote_fence(struct vcpu *from, unsigned long targets, enum fence_kind kind,
		       unsigned long start, unsigned long size, unsigned long asid);

#endif
