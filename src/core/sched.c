/*
 * Choosing what a hart runs after an exit. In this version each hart runs
 * one vCPU, so the answer is the same vCPU unless its VM stopped; then the
 * hart has nothing to do and idles (or Keel powers off, see vm.c).
 */
#include "hart.h"
#include "sched.h"
#include "vm.h"

void keel_idle(void) __attribute__((noreturn));

struct vcpu_context *vcpu_schedule(struct vcpu *v)
{
	if (v->vm->state == VM_RUNNING)
		return &v->ctx;
	keel_idle();
}
