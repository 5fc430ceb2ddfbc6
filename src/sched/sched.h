/*
 * Which vCPU a hart runs: each hart round-robins the vCPUs whose home it
 * is, with time slices when more than one is runnable, and idles in wfi
 * when none is (docs/smp.md).
 */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H

#include "hart.h"
#include "trap_return.h"
#include "vcpu.h"

/* Time slice of a vCPU that shares its hart, in microseconds */
#define SCHED_SLICE_US 4000

/*
 * The end of every exit handler: the vCPU that trapped goes on unless its
 * hart has work, and then trap.S saves the rest of its registers and calls
 * sched_after_exit (TRAP_RET_SCHEDULE, trap_return.h).
 */
static inline struct vcpu_context *vcpu_schedule(struct vcpu *v)
{
	if (__builtin_expect(!__atomic_load_n(&v->hart->work, __ATOMIC_RELAXED), 1))
		return &v->ctx;
	return (struct vcpu_context *)((unsigned long)&v->ctx | TRAP_RET_SCHEDULE);
}

/* Is v the vCPU loaded on this hart (its CSRs in the hardware, not in v)? */
static inline bool vcpu_loaded_here(const struct vcpu *v)
{
	return v->hart == this_hart() && v->hart->current == v;
}

/*
 * Work the boot hart does in its scheduler loop, outside any guest's exit
 * and with no lock held (set by keel_main: the console's
 * vm_console_service). A hook, so the scheduler needs no console code.
 */
extern void (*sched_boot_hart_service)(void);
/* Called by trap.S with the whole of ctx saved: the context to enter. */
struct vcpu_context *sched_after_exit(struct vcpu_context *ctx);
/* A hart's first entry into a guest (boot and secondary harts). */
void sched_start(struct hart *h) __attribute__((noreturn));
/* Take v off this hart if it is loaded here, saving its CSRs into it. */
void sched_put_if_current(struct vcpu *v);
/*
 * On v's home hart, once its VM has left RUNNING: off the hart, OFF, its
 * timers and requests dropped, and the VM's quiesce_seq acknowledged.
 */
void sched_park(struct vcpu *v);
/*
 * At VM stop: each vCPU's steal time in ns, for every vCPU that set an STA
 * record since the VM started ("[keel] steal VM/vcpuN S ns"). A vCPU still
 * waiting for its hart has its current wait added when it is next switched
 * in, so that wait is not in the figure.
 */
void sched_steal_report(const struct vm *vm);

#endif
