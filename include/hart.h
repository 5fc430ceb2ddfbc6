/* A physical hart as Keel sees it. Keel's tp register points at it. */
#ifndef KEEL_HART_H
#define KEEL_HART_H

#include <stdint.h>

#include "boot_config.h"

struct vcpu;

struct hart {
	unsigned int index;     /* 0..nr_harts-1, also its stack slot */
	unsigned long hartid;   /* the platform's hart id */
	unsigned long stack_top;
	struct vcpu *current;   /* the vCPU loaded on this hart */
	uint64_t timer_deadline; /* what the host timer is set to */
};

extern struct hart harts[KEEL_MAX_HARTS];

static inline struct hart *this_hart(void)
{
	struct hart *h;
	__asm__("mv %0, tp" : "=r"(h));
	return h;
}

/* Recompute and program the host timer for this hart's vCPU. */
void hart_timer_update(struct hart *h);
/* Handle the host timer interrupt: expire guest timers. */
void hart_timer_expired(struct hart *h);
/* Stop this hart for good (after a fault report). */
void keel_hart_halt(void) __attribute__((noreturn));

#endif
