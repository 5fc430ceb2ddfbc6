/* The lock order as pure logic (lock_order.h): no CSR, no hart. */
#include <stddef.h>

#include "lock_order.h"

const char *lock_rank_name(enum lock_rank rank)
{
	static const char *const names[LOCK_RANKS] = {
		[LOCK_UNRANKED] = "an unranked lock (spinlock_init missing)",
		[LOCK_VM_STATE] = "vm->lock",
		[LOCK_PROFILER] = "prof_lock",
		[LOCK_VM_DEVICES] = "vm->dev_lock",
		[LOCK_HOST_NET] = "host_net.lock",
		[LOCK_NET_SWITCH] = "net_switch.lock",
		[LOCK_HOST_DISK] = "host_blk.lock",
		[LOCK_CONSOLE_INPUT] = "console input_lock",
		[LOCK_VM_CONSOLE] = "vm->console.lock",
		[LOCK_HART_FENCES] = "hart->fence_lock",
		[LOCK_VM_RAM] = "vm->ram_lock",
		[LOCK_CONSOLE_OUT] = "console_lock",
	};

	return (unsigned int)rank < LOCK_RANKS ? names[rank] : "a lock of no known rank";
}

bool lock_order_allows(const struct lock_stack *s, enum lock_rank rank, enum lock_rank *blocker)
{
	if (rank == LOCK_UNRANKED || (unsigned int)rank >= LOCK_RANKS || s->depth >= LOCK_DEPTH) {
		*blocker = rank;
		return false;
	}
	/* ranks only grow up the stack: its top is the highest held */
	if (s->depth && s->held[s->depth - 1] >= rank) {
		*blocker = s->held[s->depth - 1];
		return false;
	}
	return true;
}

void lock_stack_push(struct lock_stack *s, enum lock_rank rank)
{
	if (s->depth < LOCK_DEPTH)
		s->held[s->depth++] = rank;
}

bool lock_stack_pop(struct lock_stack *s, enum lock_rank rank)
{
	/* locks may be released out of order: remove that one, keep the rest */
	for (unsigned int i = s->depth; i-- > 0;) {
		if (s->held[i] != rank)
			continue;
		for (unsigned int k = i; k + 1 < s->depth; k++)
			s->held[k] = s->held[k + 1];
		s->depth--;
		return true;
	}
	return false;
}
