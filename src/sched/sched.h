/*
 * Which vCPU a hart runs: each hart round-robins the vCPUs whose home it
 * is, with time slices when more than one is runnable, and idles in wfi
 * when none is (docs/smp.md).
 */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H

#include "hart.h"
#include "vcpu.h"

/* Time slice of a vCPU that shares its hart, in microseconds */
#define SCHED_SLICE_US 4000

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
/* On v's home hart: carry out the requests posted to v (vcpu_request.h). */
void vcpu_take_requests(struct vcpu *v);

#endif
