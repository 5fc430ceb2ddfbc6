/*
 * Tests for src/vdev/vplic.c, the virtual PLIC's registers.
 */
#include "unit.h"
#include "vplic.h"

#define PRIO(s)		(PLIC_PRIORITY_BASE + 4 * (s))
#define PENDING(w)	(PLIC_PENDING_BASE + 4 * (w))
#define ENABLE(c, w)	(PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * (c) + 4 * (w))
#define THRESHOLD(c)	(PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * (c))
#define CLAIM(c)	(THRESHOLD(c) + 4)

#define UART 10

static struct vplic p;

/* Two vCPUs: contexts 0/1 (vCPU 0's M and S), 2/3 (vCPU 1's) */
static void setup(void)
{
	vplic_init(&p, 2);
}

/* Source s at priority prio, enabled for context ctx */
static void route(unsigned int s, unsigned int prio, unsigned int ctx)
{
	vplic_write(&p, PRIO(s), prio);
	vplic_write(&p, ENABLE(ctx, s / 32), vplic_read(&p, ENABLE(ctx, s / 32)) | 1u << (s % 32));
}

TEST(contexts_pair_per_vcpu)
{
	setup();
	CHECK_EQ(p.nr_contexts, 4);
	CHECK_EQ(vplic_s_context(0), 1);
	CHECK_EQ(vplic_s_context(1), 3);
	vplic_init(&p, 100); /* clamped, never past the arrays */
	CHECK_EQ(p.nr_contexts, VPLIC_MAX_CONTEXTS);
}

TEST(only_aligned_32bit_accesses_reach_registers)
{
	CHECK(vplic_access_ok(0, 4));
	CHECK(vplic_access_ok(VPLIC_SIZE - 4, 4));
	CHECK(!vplic_access_ok(VPLIC_SIZE, 4));
	CHECK(!vplic_access_ok(2, 4));
	CHECK(!vplic_access_ok(0, 8));
	CHECK(!vplic_access_ok(0, 1));
}

TEST(priority_is_warl_three_bits_and_source0_is_hardwired)
{
	setup();
	vplic_write(&p, PRIO(UART), 0xffffffff);
	CHECK_EQ(vplic_read(&p, PRIO(UART)), 7);
	vplic_write(&p, PRIO(0), 5);
	CHECK_EQ(vplic_read(&p, PRIO(0)), 0);
	vplic_write(&p, PRIO(VPLIC_NDEV + 1), 5); /* past the last source */
	CHECK_EQ(vplic_read(&p, PRIO(VPLIC_NDEV + 1)), 0);
}

TEST(level_makes_pending_and_pending_is_read_only)
{
	setup();
	vplic_set_level(&p, UART, true);
	CHECK_EQ(vplic_read(&p, PENDING(0)), 1u << UART);
	vplic_write(&p, PENDING(0), 0);
	CHECK_EQ(vplic_read(&p, PENDING(0)), 1u << UART);
	vplic_write(&p, PENDING(1), 0xffffffff);
	CHECK_EQ(vplic_read(&p, PENDING(1)), 0);
	vplic_set_level(&p, 40, true);
	CHECK_EQ(vplic_read(&p, PENDING(1)), 1u << (40 - 32));
	/* a withdrawn level request is no longer pending */
	vplic_set_level(&p, UART, false);
	CHECK_EQ(vplic_read(&p, PENDING(0)), 0);
	/* out-of-range sources are ignored */
	vplic_set_level(&p, 0, true);
	vplic_set_level(&p, VPLIC_SOURCES, true);
	CHECK_EQ(vplic_read(&p, PENDING(0)), 0);
}

TEST(enable_bit0_and_unknown_contexts)
{
	setup();
	vplic_write(&p, ENABLE(1, 0), 0xffffffff);
	CHECK_EQ(vplic_read(&p, ENABLE(1, 0)), 0xfffffffe);
	vplic_write(&p, ENABLE(1, 1), 0xffffffff);
	CHECK_EQ(vplic_read(&p, ENABLE(1, 1)), 0xffffffff);
	vplic_write(&p, ENABLE(1, 2), 0xffffffff); /* sources 64+ do not exist */
	CHECK_EQ(vplic_read(&p, ENABLE(1, 2)), 0);
	vplic_write(&p, ENABLE(4, 0), 0xffffffff); /* no context 4 with 2 vCPUs */
	CHECK_EQ(vplic_read(&p, ENABLE(4, 0)), 0);
	vplic_write(&p, THRESHOLD(4), 3);
	CHECK_EQ(vplic_read(&p, THRESHOLD(4)), 0);
	CHECK_EQ(vplic_read(&p, CLAIM(4)), 0);
	CHECK(!vplic_context_asserted(&p, 4));
}

TEST(claim_complete_cycle_of_a_level_source)
{
	setup();
	route(UART, 1, 1);
	CHECK(!vplic_context_asserted(&p, 1));
	vplic_set_level(&p, UART, true);
	CHECK(vplic_context_asserted(&p, 1));
	CHECK(!vplic_context_asserted(&p, 3)); /* not enabled there */
	CHECK_EQ(vplic_read(&p, CLAIM(1)), UART);
	CHECK(!vplic_context_asserted(&p, 1));
	CHECK_EQ(vplic_read(&p, CLAIM(1)), 0); /* nothing left */
	/* still high while claimed: not pending again until completed */
	vplic_set_level(&p, UART, true);
	CHECK(!vplic_context_asserted(&p, 1));
	vplic_write(&p, CLAIM(1), UART);
	CHECK(vplic_context_asserted(&p, 1)); /* the gateway forwards it again */
	CHECK_EQ(vplic_read(&p, CLAIM(1)), UART);
	vplic_set_level(&p, UART, false);
	vplic_write(&p, CLAIM(1), UART);
	CHECK(!vplic_context_asserted(&p, 1));
	CHECK_EQ(vplic_read(&p, PENDING(0)), 0);
}

TEST(complete_needs_the_source_enabled_in_that_context)
{
	setup();
	route(UART, 1, 1);
	vplic_set_level(&p, UART, true);
	CHECK_EQ(vplic_read(&p, CLAIM(1)), UART);
	vplic_write(&p, CLAIM(3), UART); /* context 3 does not enable it: ignored */
	CHECK(p.claimed & 1ULL << UART);
	vplic_write(&p, CLAIM(1), 0);    /* source 0 and nonsense ids: ignored */
	vplic_write(&p, CLAIM(1), 1000);
	CHECK(p.claimed & 1ULL << UART);
	vplic_write(&p, CLAIM(1), UART);
	CHECK(!(p.claimed & 1ULL << UART));
}

TEST(threshold_and_priority_zero_mask)
{
	setup();
	route(UART, 0, 1);
	vplic_set_level(&p, UART, true);
	CHECK(!vplic_context_asserted(&p, 1)); /* priority 0: never */
	vplic_write(&p, PRIO(UART), 3);
	CHECK(vplic_context_asserted(&p, 1));
	vplic_write(&p, THRESHOLD(1), 3); /* must be strictly above */
	CHECK_EQ(vplic_read(&p, THRESHOLD(1)), 3);
	CHECK(!vplic_context_asserted(&p, 1));
	CHECK_EQ(vplic_read(&p, CLAIM(1)), 0);
	vplic_write(&p, THRESHOLD(1), 2);
	CHECK(vplic_context_asserted(&p, 1));
	vplic_write(&p, THRESHOLD(1), 0xff);
	CHECK_EQ(vplic_read(&p, THRESHOLD(1)), 7);
}

TEST(claim_picks_highest_priority_then_lowest_id)
{
	setup();
	route(3, 2, 1);
	route(5, 6, 1);
	route(7, 6, 1);
	route(40, 4, 1);
	vplic_set_level(&p, 3, true);
	vplic_set_level(&p, 5, true);
	vplic_set_level(&p, 7, true);
	vplic_set_level(&p, 40, true);
	CHECK_EQ(vplic_read(&p, CLAIM(1)), 5);
	CHECK_EQ(vplic_read(&p, CLAIM(1)), 7);
	CHECK_EQ(vplic_read(&p, CLAIM(1)), 40);
	CHECK_EQ(vplic_read(&p, CLAIM(1)), 3);
	CHECK_EQ(vplic_read(&p, CLAIM(1)), 0);
}

TEST(one_source_two_contexts_is_claimed_once)
{
	setup();
	route(UART, 1, 1);
	route(UART, 1, 3);
	vplic_set_level(&p, UART, true);
	CHECK(vplic_context_asserted(&p, 1));
	CHECK(vplic_context_asserted(&p, 3));
	CHECK_EQ(vplic_read(&p, CLAIM(3)), UART);
	CHECK(!vplic_context_asserted(&p, 1)); /* the other hart lost the race */
	CHECK_EQ(vplic_read(&p, CLAIM(1)), 0);
}

TEST(holes_read_zero_and_ignore_writes)
{
	setup();
	vplic_write(&p, THRESHOLD(1) + 8, 0xffffffff);
	CHECK_EQ(vplic_read(&p, THRESHOLD(1) + 8), 0);
	CHECK_EQ(vplic_read(&p, ENABLE(1, 5)), 0);
	CHECK_EQ(vplic_read(&p, 0x1f0000), 0);
	CHECK_EQ(vplic_read(&p, VPLIC_SIZE - 4), 0);
	CHECK_EQ(vplic_read(&p, 3), 0); /* unaligned: no register */
}
