/*
 * The order Keel's locks are taken in, and the pure check of it
 * (src/lib/lock_order.c, tested in tests/unit/test_lock_order.c).
 *
 * A hart may take a lock only if every lock it holds has a lower rank.
 * The ranks follow what nests in what: a guest's UART exit holds its VM's
 * devices, reads the console's input, queues into the VM's console line
 * and prints; anything may print last.
 */
#ifndef KEEL_LOCK_ORDER_H
#define KEEL_LOCK_ORDER_H

#include <stdbool.h>

enum lock_rank {
	LOCK_UNRANKED,      /* never initialised: always a violation */
	LOCK_VM_STATE,      /* vm->lock: RUNNING / RESETTING / STOPPED */
	LOCK_PROFILER,      /* prof_lock: start, stop, dump */
	LOCK_VM_DEVICES,    /* vm->dev_lock: the emulated UART and PLIC */
	LOCK_HOST_NET,      /* host_net.lock: the uplink's transmit queue, filled from its inbox */
	LOCK_NET_SWITCH,    /* net_switch.lock: the VMs' switch, its inboxes and table */
	LOCK_HOST_DISK,     /* host_blk.lock: one request at a time to a disk of the machine */
	LOCK_CONSOLE_INPUT, /* input_lock: Keel's keys, the monitor's queue */
	LOCK_VM_CONSOLE,    /* vm->console.lock: a VM's line and input queue */
	LOCK_HART_FENCES,   /* hart->fence_lock: its queue of remote fences */
	LOCK_VM_RAM,        /* vm->ram_lock: zeroing and mapping a block of guest RAM */
	LOCK_CONSOLE_OUT,   /* console_lock: the physical UART's output */
	LOCK_RANKS,
};

/* Locks one hart can hold at once: the chain above is 5 deep at most. */
#define LOCK_DEPTH 8

struct lock_stack {
	enum lock_rank held[LOCK_DEPTH];
	unsigned int depth;
};

const char *lock_rank_name(enum lock_rank rank);
/*
 * May a hart holding s take a lock of this rank? If not, *blocker is the
 * held rank that forbids it (the rank itself when it is unranked or the
 * stack is full).
 */
bool lock_order_allows(const struct lock_stack *s, enum lock_rank rank, enum lock_rank *blocker);
void lock_stack_push(struct lock_stack *s, enum lock_rank rank);
/* Release: false if the hart does not hold a lock of that rank. */
bool lock_stack_pop(struct lock_stack *s, enum lock_rank rank);

#endif
