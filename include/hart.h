/*
 * A physical hart as Keel sees it. Keel's tp register points at it.
 *
 * Each vCPU has a home hart and is only ever run, reset or changed there
 * (docs/smp.md); other harts ask through its request word and the hart's
 * fence queue, then raise the hart's `work` flag and send it an IPI.
 */
#ifndef KEEL_HART_H
#define KEEL_HART_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_config.h"
#include "fw_events.h"
#include "must_check.h"
#include "prof.h"
#include "spinlock.h"

struct vcpu;
struct vm;

/* vCPUs one hart can be home to: every vCPU of every VM, at most */
#define HART_MAX_VCPUS (KEEL_MAX_VMS * KEEL_MAX_VCPUS)
/*
 * A remote fence waits for its targets, so a queue holds at most one
 * entry per sending hart: this is room for all of them with margin.
 */
#define HART_FENCE_QUEUE_LEN (2 * KEEL_MAX_HARTS)

enum fence_kind {
	FENCE_I,
	FENCE_VMA,      /* addr/size, all ASIDs */
	FENCE_VMA_ASID, /* addr/size, one ASID */
};

/* A fence one hart asks of another, for some vCPUs of one VM. */
struct fence_request {
	enum fence_kind kind;
	struct vm *vm;
	unsigned long vcpus; /* bitmap of vCPU ids whose home is the target hart */
	unsigned long start, size, asid;
	unsigned int *pending; /* the sender waits for this to reach 0 */
};

struct hart {
	unsigned int index;      /* 0..nr_harts-1, also its stack slot */
	unsigned long hartid;    /* the platform's hart id */
	unsigned long stack_top;
	bool online;             /* running Keel's scheduler */
	bool refused;            /* its set-up failed: it said why and stopped (smp.c) */
	struct vcpu *current;    /* the vCPU loaded on this hart, or NULL */
	uint64_t timer_deadline; /* what the host timer is set to */
	uint64_t slice_end;      /* when current's time slice ends */
	struct vcpu *woken;      /* woken by an interrupt: runs next (sched.c) */
	uint64_t console_next;   /* boot hart: when to read the console next */

	/* The vCPUs whose home this is, scanned round robin. */
	struct vcpu *vcpus[HART_MAX_VCPUS];
	unsigned int nr_vcpus;

	/*
	 * Nonzero: something for this hart to look at before it enters a
	 * guest again (a request, a vCPU that blocked, a slice that ended).
	 * Set by any hart, cleared only by this one.
	 */
	unsigned int work;

	struct prof_buffer prof; /* this hart's profile samples (prof.h) */

	/* the firmware's SBI PMU counters Keel reads, or -1 (fw_events.h) */
	long fw_ctr[FW_EVENTS_TRACKED];

	struct spinlock fence_lock;
	struct lock_stack locks_held; /* debug build: the ranks it holds (spinlock.h) */
	struct fence_request fences[HART_FENCE_QUEUE_LEN];
	unsigned int fence_head, fence_tail;
};

extern struct hart harts[KEEL_MAX_HARTS];
extern unsigned int nr_harts; /* harts Keel runs on (online or starting) */

/* The profiler's switch (prof.c): each hart follows it on its next scheduler pass */
extern unsigned int prof_on;

/*
 * When h's next profile sample is due, or UINT64_MAX: the profiler keeps
 * it (prof.c), the hart's timer reads it (timer.c). Inline here so that
 * the timer, below the profiler, calls nothing of it.
 */
static inline uint64_t prof_next_due(const struct hart *h)
{
	return h->prof.stamping && __atomic_load_n(&prof_on, __ATOMIC_RELAXED) ? h->prof.next
									      : UINT64_MAX;
}

#ifndef KEEL_HOST_BUILD
static inline struct hart *this_hart(void)
{
	struct hart *h;
	__asm__("mv %0, tp" : "=r"(h));
	return h;
}
#else
/* built for the host (tests/unit): the test says which hart this is */
struct hart *this_hart(void);
#endif

#endif
