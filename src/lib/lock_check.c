/*
 * The debug build's run-time check of the lock order (spinlock.h,
 * lock_order.h): each hart keeps the ranks it holds; taking a lock out of
 * order, or waiting for other harts while holding one, is reported with
 * both names and stops the machine, as a hypervisor fault does. Compiled
 * to nothing unless KEEL_LOCK_CHECK (make keel-debug).
 */
#ifdef KEEL_LOCK_CHECK
#include "lib/console.h"
#include "hart.h"
#include "lib/power.h"

static void __attribute__((noreturn)) violation(struct hart *h, const char *what,
						 enum lock_rank wanted, enum lock_rank held)
{
	/* the report must get out, whatever this hart holds */
	h->locks_held.depth = 0;
	console_break_lock();
	kprintf("[keel] lock order violated on hart %lu: %s %s while holding %s "
		"(docs/smp.md, 4a)\n",
		h->hartid, what, lock_rank_name(wanted), lock_rank_name(held));
	keel_hart_halt();
}

void lock_check_acquire(const struct spinlock *l)
{
	struct hart *h = this_hart();
	enum lock_rank blocker;

	if (!h) /* before keel_main set tp: one hart, nothing shared yet */
		return;
	if (!lock_order_allows(&h->locks_held, l->rank, &blocker))
		violation(h, "took", l->rank, blocker);
	lock_stack_push(&h->locks_held, l->rank);
}

void lock_check_release(const struct spinlock *l)
{
	struct hart *h = this_hart();

	/* not held: console_break_lock() frees a lock for a fault report */
	if (h)
		lock_stack_pop(&h->locks_held, l->rank);
}

void lock_check_none_held(const char *why)
{
	struct hart *h = this_hart();

	if (h && h->locks_held.depth)
		violation(h, why, h->locks_held.held[0], h->locks_held.held[h->locks_held.depth - 1]);
}
#endif
