/*
 * Things one vCPU asks of others in its VM: a software interrupt, a fence.
 * In this version every vCPU that runs is on the caller's hart, so a
 * request to the running vCPU is carried out at once and one to a vCPU
 * that is not running is carried out when it is next loaded (which
 * flushes its guest TLB anyway). Cross-hart delivery comes with SMP.
 */
#ifndef KEEL_VCPU_REQUEST_H
#define KEEL_VCPU_REQUEST_H

#include "vcpu.h"

enum vcpu_fence {
	VCPU_FENCE_I,
	VCPU_FENCE_VMA,      /* addr/size, all ASIDs */
	VCPU_FENCE_VMA_ASID, /* addr/size, one ASID */
};

void vcpu_send_ipi(struct vcpu *from, struct vcpu *to);
void vcpu_remote_fence(struct vcpu *from, struct vcpu *to, enum vcpu_fence kind,
		       unsigned long start, unsigned long size, unsigned long asid);

#endif
