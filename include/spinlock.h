/*
 * A test-and-set spinlock: enough for Keel's few shared structures.
 *
 * Every lock has a rank (lock_order.h). A hart takes locks only in
 * increasing rank, and holds none while it waits for another hart: then
 * no two harts can each wait for what the other holds (docs/smp.md,
 * 4a). The debug build (make keel-debug, which make test boots)
 * checks both at run time; the release build carries the rank and
 * checks nothing.
 */
#ifndef KEEL_SPINLOCK_H
#define KEEL_SPINLOCK_H

#include "lock_order.h"

struct spinlock {
	volatile int locked;
	enum lock_rank rank;
};

#define SPINLOCK_INIT(r) { 0, (r) }

static inline void spinlock_init(struct spinlock *l, enum lock_rank rank)
{
	l->locked = 0;
	l->rank = rank;
}

#ifdef KEEL_LOCK_CHECK
/* src/lib/lock_check.c: report a broken order with both locks' names, and stop */
void lock_check_acquire(const struct spinlock *l);
void lock_check_release(const struct spinlock *l);
void lock_check_none_held(const char *why);
#else
static inline void lock_check_acquire(const struct spinlock *l) { (void)l; }
static inline void lock_check_release(const struct spinlock *l) { (void)l; }
static inline void lock_check_none_held(const char *why) { (void)why; }
#endif

static inline void spin_lock(struct spinlock *l)
{
	lock_check_acquire(l);
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
}

static inline void spin_unlock(struct spinlock *l)
{
	lock_check_release(l);
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

#endif
