/* Which vCPU a hart runs next. One vCPU per hart in this version. */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H
#include "vcpu.h"
struct vcpu_context *vcpu_schedule(struct vcpu *v);
#endif
