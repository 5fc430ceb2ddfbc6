/*
 * Tests for src/lib/lock_order.c: the ranks a hart may take locks in
 * (include/lock_order.h, docs/smp.md, 4a). The chains Keel
 * really takes must pass; each way of breaking the order must be caught
 * and name the lock that forbids it.
 */
#include "lock_order.h"
#include "unit.h"

static struct lock_stack take(const enum lock_rank *ranks, unsigned int n)
{
	struct lock_stack s = { .depth = 0 };
	enum lock_rank blocker;

	for (unsigned int i = 0; i < n; i++) {
		CHECK(lock_order_allows(&s, ranks[i], &blocker));
		lock_stack_push(&s, ranks[i]);
	}
	return s;
}

TEST(the_uart_exit_chain_is_in_order)
{
	/* mmio_emulate: devices, console input, the VM's line, the UART out */
	static const enum lock_rank chain[] = { LOCK_VM_DEVICES, LOCK_CONSOLE_INPUT,
						LOCK_VM_CONSOLE, LOCK_CONSOLE_OUT };
	struct lock_stack s = take(chain, 4);

	CHECK_EQ(s.depth, 4);
	for (int i = 3; i >= 0; i--)
		CHECK(lock_stack_pop(&s, chain[i]));
	CHECK_EQ(s.depth, 0);
}

TEST(the_same_lock_twice_is_refused)
{
	/* vm reset inside a UART exit took dev_lock again (issue 12, finding 2) */
	static const enum lock_rank chain[] = { LOCK_VM_DEVICES };
	struct lock_stack s = take(chain, 1);
	enum lock_rank blocker = LOCK_UNRANKED;

	CHECK(!lock_order_allows(&s, LOCK_VM_DEVICES, &blocker));
	CHECK_EQ(blocker, LOCK_VM_DEVICES);
}

TEST(a_lower_rank_under_a_higher_is_refused)
{
	static const enum lock_rank chain[] = { LOCK_VM_STATE, LOCK_VM_CONSOLE };
	struct lock_stack s = take(chain, 2);
	enum lock_rank blocker = LOCK_UNRANKED;

	CHECK(!lock_order_allows(&s, LOCK_VM_DEVICES, &blocker));
	CHECK_EQ(blocker, LOCK_VM_CONSOLE);
	CHECK(!lock_order_allows(&s, LOCK_VM_STATE, &blocker));
	CHECK_EQ(blocker, LOCK_VM_CONSOLE);
	CHECK(lock_order_allows(&s, LOCK_CONSOLE_OUT, &blocker));
}

TEST(an_unranked_lock_is_refused_even_alone)
{
	struct lock_stack s = { .depth = 0 };
	enum lock_rank blocker = LOCK_VM_STATE;

	CHECK(!lock_order_allows(&s, LOCK_UNRANKED, &blocker));
	CHECK_EQ(blocker, LOCK_UNRANKED);
	CHECK(!lock_order_allows(&s, LOCK_RANKS, &blocker));
	CHECK(!lock_order_allows(&s, (enum lock_rank)-1, &blocker));
}

TEST(release_out_of_order_keeps_the_rest)
{
	static const enum lock_rank chain[] = { LOCK_VM_STATE, LOCK_VM_DEVICES,
						LOCK_CONSOLE_OUT };
	struct lock_stack s = take(chain, 3);
	enum lock_rank blocker;

	CHECK(lock_stack_pop(&s, LOCK_VM_DEVICES));
	CHECK_EQ(s.depth, 2);
	CHECK_EQ(s.held[0], LOCK_VM_STATE);
	CHECK_EQ(s.held[1], LOCK_CONSOLE_OUT);
	/* still holding the console: nothing below it */
	CHECK(!lock_order_allows(&s, LOCK_VM_CONSOLE, &blocker));
	CHECK_EQ(blocker, LOCK_CONSOLE_OUT);
	/* a lock not held is not released (console_break_lock's case) */
	CHECK(!lock_stack_pop(&s, LOCK_HART_FENCES));
	CHECK_EQ(s.depth, 2);
}

TEST(a_full_stack_is_refused)
{
	struct lock_stack s = { .depth = LOCK_DEPTH };
	enum lock_rank blocker;

	CHECK(!lock_order_allows(&s, LOCK_CONSOLE_OUT, &blocker));
}

TEST(every_rank_has_a_name)
{
	for (int r = 0; r < LOCK_RANKS; r++)
		CHECK(lock_rank_name((enum lock_rank)r) != 0);
	CHECK_STR(lock_rank_name(LOCK_VM_DEVICES), "vm->dev_lock");
	CHECK_STR(lock_rank_name(LOCK_RANKS), "a lock of no known rank");
}
