/*
 * Tests for src/mm/mem.c: the mem_pool_* free-range allocator and
 * page_alloc() over Keel's own pool (src/mm/mem.h).
 */
#include <string.h>

#include "mm/mem.h"
#include "unit.h"

#define KiB 0x400ULL
#define MiB 0x100000ULL
#define GiB 0x40000000ULL

static struct mem_pool pool;

/* The pool holds exactly the ranges listed (base, size pairs), in order. */
#define CHECK_RANGES(...)                                               \
	do {                                                            \
		const uint64_t want_[] = { __VA_ARGS__ };               \
		check_ranges(__LINE__, want_, sizeof(want_) / sizeof(want_[0]) / 2); \
	} while (0)

static void check_ranges(int line, const uint64_t *want, unsigned int n)
{
	unsigned int before = unit_failures();

	CHECK_EQ(pool.nr_free, n);
	for (unsigned int i = 0; i < n && i < pool.nr_free; i++) {
		CHECK_EQ(pool.free[i].base, want[2 * i]);
		CHECK_EQ(pool.free[i].size, want[2 * i + 1]);
	}
	if (unit_failures() != before) {
		printf("\t(ranges checked at line %d; pool has:", line);
		for (unsigned int i = 0; i < pool.nr_free; i++)
			printf(" [0x%llx+0x%llx]", (unsigned long long)pool.free[i].base,
			       (unsigned long long)pool.free[i].size);
		printf(")\n");
	}
}

/* Fill the pool with MEM_POOL_MAX_RANGES separate 4 KiB ranges, 16 KiB apart. */
static void fill_pool(uint64_t base)
{
	mem_pool_init(&pool);
	for (unsigned int i = 0; i < MEM_POOL_MAX_RANGES; i++)
		CHECK_EQ(mem_pool_add(&pool, base + i * 16 * KiB, 4 * KiB), 0);
	CHECK_EQ(pool.nr_free, MEM_POOL_MAX_RANGES);
}

/* ---- init / add ---------------------------------------------------------- */

TEST(init_empties_the_pool)
{
	memset(&pool, 0xa5, sizeof(pool));
	mem_pool_init(&pool);
	CHECK_EQ(pool.nr_free, 0);
	CHECK_EQ(mem_pool_free_bytes(&pool), 0);
	CHECK_EQ(mem_pool_alloc(&pool, 4 * KiB, 4 * KiB), 0);
}

TEST(add_one_range)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x80000000, 1 * GiB), 0);
	CHECK_RANGES(0x80000000, 1 * GiB);
	CHECK_EQ(mem_pool_free_bytes(&pool), 1 * GiB);
}

TEST(add_keeps_ranges_sorted)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x5000, 0x1000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x1000, 0x1000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x9000, 0x1000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x3000, 0x1000), 0);
	CHECK_RANGES(0x1000, 0x1000, 0x3000, 0x1000, 0x5000, 0x1000, 0x9000, 0x1000);
	CHECK_EQ(mem_pool_free_bytes(&pool), 0x4000);
}

TEST(add_merges_with_the_range_below)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x1000, 0x1000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x2000, 0x3000), 0);
	CHECK_RANGES(0x1000, 0x4000);
}

TEST(add_merges_with_the_range_above)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x2000, 0x3000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x1000, 0x1000), 0);
	CHECK_RANGES(0x1000, 0x4000);
}

TEST(add_filling_a_hole_merges_both_sides)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x1000, 0x1000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x3000, 0x1000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x8000, 0x1000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x2000, 0x1000), 0);
	CHECK_RANGES(0x1000, 0x3000, 0x8000, 0x1000);
}

TEST(add_zero_size_is_refused)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x1000, 0), -1);
	CHECK_EQ(pool.nr_free, 0);
}

TEST(add_wrapping_past_the_top_is_refused)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, UINT64_MAX - 0xfff, 0x2000), -1);
	/* ending exactly at 2^64 wraps to 0 as well */
	CHECK_EQ(mem_pool_add(&pool, UINT64_MAX - 0xfff, 0x1000), -1);
	CHECK_EQ(pool.nr_free, 0);
	/* one byte short of the top is fine */
	CHECK_EQ(mem_pool_add(&pool, UINT64_MAX - 0x1000, 0x1000), 0);
	CHECK_RANGES(UINT64_MAX - 0x1000, 0x1000);
}

TEST(add_overlapping_is_refused)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x10000, 0x10000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x10000, 0x10000), -1);	/* same */
	CHECK_EQ(mem_pool_add(&pool, 0x8000, 0x9000), -1);	/* tail in */
	CHECK_EQ(mem_pool_add(&pool, 0x1f000, 0x2000), -1);	/* head in */
	CHECK_EQ(mem_pool_add(&pool, 0x14000, 0x1000), -1);	/* inside */
	CHECK_EQ(mem_pool_add(&pool, 0x0, 0x100000), -1);	/* around */
	CHECK_RANGES(0x10000, 0x10000);
}

TEST(add_up_to_max_ranges_then_refused)
{
	fill_pool(0x100000);
	CHECK_EQ(mem_pool_free_bytes(&pool), MEM_POOL_MAX_RANGES * 4 * KiB);
	/* a 65th separate range has no slot */
	CHECK_EQ(mem_pool_add(&pool, 0x10000000, 4 * KiB), -1);
	CHECK_EQ(pool.nr_free, MEM_POOL_MAX_RANGES);
	CHECK_EQ(mem_pool_free_bytes(&pool), MEM_POOL_MAX_RANGES * 4 * KiB);
}

TEST(add_merging_into_a_full_pool_needs_no_slot)
{
	const uint64_t base = 0x100000;

	fill_pool(base);
	/* touches range 0 from above: merges, no new slot needed */
	CHECK_EQ(mem_pool_add(&pool, base + 4 * KiB, 4 * KiB), 0);
	CHECK_EQ(pool.nr_free, MEM_POOL_MAX_RANGES);
	CHECK_EQ(pool.free[0].base, base);
	CHECK_EQ(pool.free[0].size, 8 * KiB);
	/* touches the last range from below */
	CHECK_EQ(mem_pool_add(&pool, base + 63 * 16 * KiB - 4 * KiB, 4 * KiB), 0);
	CHECK_EQ(pool.nr_free, MEM_POOL_MAX_RANGES);
	CHECK_EQ(pool.free[63].base, base + 63 * 16 * KiB - 4 * KiB);
	CHECK_EQ(pool.free[63].size, 8 * KiB);
	/* fills the gap between ranges 2 and 3 exactly: one slot fewer */
	CHECK_EQ(mem_pool_add(&pool, base + 2 * 16 * KiB + 4 * KiB, 12 * KiB), 0);
	CHECK_EQ(pool.nr_free, MEM_POOL_MAX_RANGES - 1);
	CHECK_EQ(pool.free[2].base, base + 2 * 16 * KiB);
	CHECK_EQ(pool.free[2].size, 20 * KiB);
	CHECK_EQ(mem_pool_free_bytes(&pool), (MEM_POOL_MAX_RANGES + 5) * 4 * KiB);
}

/* ---- reserve ------------------------------------------------------------- */

TEST(reserve_splits_a_range)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x80000000, 1 * GiB), 0);
	CHECK_EQ(mem_pool_reserve(&pool, 0x80200000, 2 * MiB), 0);
	CHECK_RANGES(0x80000000, 2 * MiB, 0x80400000, 1 * GiB - 4 * MiB);
	CHECK_EQ(mem_pool_free_bytes(&pool), 1 * GiB - 2 * MiB);
}

TEST(reserve_at_the_start_or_end_trims)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x80000000, 16 * MiB), 0);
	CHECK_EQ(mem_pool_reserve(&pool, 0x80000000, 1 * MiB), 0);
	CHECK_RANGES(0x80100000, 15 * MiB);
	CHECK_EQ(mem_pool_reserve(&pool, 0x80f00000, 1 * MiB), 0);
	CHECK_RANGES(0x80100000, 14 * MiB);
}

TEST(reserve_overlapping_an_edge_trims)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x10000, 0x10000), 0);
	CHECK_EQ(mem_pool_reserve(&pool, 0x8000, 0x9000), 0);	/* low edge */
	CHECK_RANGES(0x11000, 0xf000);
	CHECK_EQ(mem_pool_reserve(&pool, 0x1f000, 0x10000), 0);	/* high edge */
	CHECK_RANGES(0x11000, 0xe000);
}

TEST(reserve_whole_range_removes_it)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x1000, 0x1000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x3000, 0x1000), 0);
	CHECK_EQ(mem_pool_reserve(&pool, 0x1000, 0x1000), 0);
	CHECK_RANGES(0x3000, 0x1000);
	CHECK_EQ(mem_pool_reserve(&pool, 0x0, 0x100000), 0);	/* and around */
	CHECK_EQ(pool.nr_free, 0);
	CHECK_EQ(mem_pool_free_bytes(&pool), 0);
}

TEST(reserve_across_several_ranges)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x10000, 0x10000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x30000, 0x10000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x50000, 0x10000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x70000, 0x10000), 0);
	/* cuts the tail of the 1st, all of the 2nd and 3rd, the head of the 4th */
	CHECK_EQ(mem_pool_reserve(&pool, 0x18000, 0x60000), 0);
	CHECK_RANGES(0x10000, 0x8000, 0x78000, 0x8000);
}

TEST(reserve_outside_every_range_changes_nothing)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x10000, 0x10000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x30000, 0x10000), 0);
	CHECK_EQ(mem_pool_reserve(&pool, 0x0, 0x10000), 0);	/* ends at base */
	CHECK_EQ(mem_pool_reserve(&pool, 0x20000, 0x10000), 0);	/* the gap */
	CHECK_EQ(mem_pool_reserve(&pool, 0x40000, 0x10000), 0);	/* starts at end */
	CHECK_RANGES(0x10000, 0x10000, 0x30000, 0x10000);
}

TEST(reserve_zero_size_changes_nothing)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x10000, 0x10000), 0);
	CHECK_EQ(mem_pool_reserve(&pool, 0x18000, 0), 0);
	/* the range stays whole: an empty reserve must not split it */
	CHECK_RANGES(0x10000, 0x10000);
}

TEST(reserve_wrapping_size_reserves_to_the_top)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x10000, 0x10000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x80000000, 0x10000), 0);
	CHECK_EQ(mem_pool_reserve(&pool, 0x18000, UINT64_MAX), 0);
	CHECK_RANGES(0x10000, 0x8000);
}

TEST(reserve_split_in_a_full_pool_fails_and_keeps_the_range)
{
	fill_pool(0x100000);
	/* a split needs one more slot than a full pool has */
	CHECK_EQ(mem_pool_reserve(&pool, 0x100400, 0x400), -1);
	/* and nothing was lost on the way */
	CHECK_EQ(pool.nr_free, MEM_POOL_MAX_RANGES);
	CHECK_EQ(pool.free[0].base, 0x100000);
	CHECK_EQ(pool.free[0].size, 4 * KiB);
	CHECK_EQ(mem_pool_free_bytes(&pool), MEM_POOL_MAX_RANGES * 4 * KiB);
	/* trimming an edge needs no slot and works in a full pool */
	CHECK_EQ(mem_pool_reserve(&pool, 0x100000, 0x400), 0);
	CHECK_EQ(mem_pool_reserve(&pool, 0x100c00, 0x400), 0);
	CHECK_EQ(pool.free[0].base, 0x100400);
	CHECK_EQ(pool.free[0].size, 0x800);
}

/* ---- alloc --------------------------------------------------------------- */

TEST(alloc_first_fit_from_the_lowest_range)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x80000000, 1 * MiB), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x90000000, 1 * MiB), 0);
	CHECK_EQ(mem_pool_alloc(&pool, 4 * KiB, 4 * KiB), 0x80000000);
	CHECK_EQ(mem_pool_alloc(&pool, 4 * KiB, 4 * KiB), 0x80001000);
	CHECK_RANGES(0x80002000, 1 * MiB - 8 * KiB, 0x90000000, 1 * MiB);
	/* too big for the (now smaller) first range: taken from the second */
	CHECK_EQ(mem_pool_alloc(&pool, 1 * MiB, 4 * KiB), 0x90000000);
	CHECK_RANGES(0x80002000, 1 * MiB - 8 * KiB);
}

TEST(alloc_aligns_and_keeps_the_skipped_head)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x80001000, 8 * MiB), 0);
	CHECK_EQ(mem_pool_alloc(&pool, 2 * MiB, 2 * MiB), 0x80200000);
	CHECK_RANGES(0x80001000, 0x1ff000, 0x80400000, 4 * MiB + 0x1000);
	/* the skipped head is still usable for a smaller alignment */
	CHECK_EQ(mem_pool_alloc(&pool, 16 * KiB, 16 * KiB), 0x80004000);
	CHECK_RANGES(0x80001000, 0x3000, 0x80008000, 0x1f8000, 0x80400000, 4 * MiB + 0x1000);
}

TEST(alloc_alignment_one_and_odd_sizes)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x1001, 0x100), 0);
	CHECK_EQ(mem_pool_alloc(&pool, 3, 1), 0x1001);
	CHECK_EQ(mem_pool_alloc(&pool, 1, 8), 0x1008);
	CHECK_RANGES(0x1004, 4, 0x1009, 0xf8);
}

TEST(alloc_skips_a_range_too_small_after_alignment)
{
	mem_pool_init(&pool);
	/* 0x1000..0x3000 has 8 KiB, but no 8 KiB-aligned 8 KiB block */
	CHECK_EQ(mem_pool_add(&pool, 0x1000, 0x2000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x10000, 0x2000), 0);
	CHECK_EQ(mem_pool_alloc(&pool, 0x2000, 0x2000), 0x10000);
	CHECK_RANGES(0x1000, 0x2000);
	/* the alignment lands past the end of the range: nothing fits */
	CHECK_EQ(mem_pool_alloc(&pool, 0x1000, 0x4000), 0);
	CHECK_RANGES(0x1000, 0x2000);
}

TEST(alloc_exact_fit_removes_the_range)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x4000, 0x4000), 0);
	CHECK_EQ(mem_pool_alloc(&pool, 0x4000, 0x4000), 0x4000);
	CHECK_EQ(pool.nr_free, 0);
}

TEST(alloc_one_byte_too_big_fails)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x4000, 0x4000), 0);
	CHECK_EQ(mem_pool_alloc(&pool, 0x4001, 1), 0);
	CHECK_RANGES(0x4000, 0x4000);
}

TEST(alloc_until_exhausted)
{
	unsigned int n = 0;
	uint64_t a, last = 0;

	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x80000000, 1 * MiB), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x90000000, 64 * KiB), 0);
	while ((a = mem_pool_alloc(&pool, 4 * KiB, 4 * KiB)) != 0) {
		CHECK(a > last);	/* first fit hands pages out in order */
		CHECK_EQ(a & 0xfff, 0);
		last = a;
		if (++n > 1000)
			break;
	}
	CHECK_EQ(n, (1 * MiB + 64 * KiB) / (4 * KiB));
	CHECK_EQ(last, 0x90000000 + 60 * KiB);
	CHECK_EQ(pool.nr_free, 0);
	CHECK_EQ(mem_pool_free_bytes(&pool), 0);
}

TEST(alloc_bad_arguments_return_0)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x80000000, 1 * MiB), 0);
	CHECK_EQ(mem_pool_alloc(&pool, 0, 4 * KiB), 0);		/* size 0 */
	CHECK_EQ(mem_pool_alloc(&pool, 4 * KiB, 0), 0);		/* align 0 */
	CHECK_EQ(mem_pool_alloc(&pool, 4 * KiB, 3 * KiB), 0);	/* not 2^n */
	CHECK_EQ(mem_pool_alloc(&pool, 4 * KiB, 0x3000), 0);
	CHECK_RANGES(0x80000000, 1 * MiB);
}

TEST(alloc_alignment_overflow_is_skipped)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0xfffffffffff00000ULL, 0x10000), 0);
	/* rounding the base up to 2^63 alignment wraps: must not match */
	CHECK_EQ(mem_pool_alloc(&pool, 0x1000, 1ULL << 63), 0);
	CHECK_RANGES(0xfffffffffff00000ULL, 0x10000);
	CHECK_EQ(mem_pool_alloc(&pool, 0x1000, 0x1000), 0xfffffffffff00000ULL);
}

TEST(alloc_in_a_full_pool_that_needs_a_split_fails_cleanly)
{
	uint64_t before;

	mem_pool_init(&pool);
	/* 63 small ranges, then one whose aligned middle would be taken */
	for (unsigned int i = 0; i < MEM_POOL_MAX_RANGES - 1; i++)
		CHECK_EQ(mem_pool_add(&pool, 0x100000 + i * 8 * KiB, 4 * KiB), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x80001000, 8 * MiB), 0);
	CHECK_EQ(pool.nr_free, MEM_POOL_MAX_RANGES);
	before = mem_pool_free_bytes(&pool);
	CHECK_EQ(mem_pool_alloc(&pool, 2 * MiB, 2 * MiB), 0);
	/* refused without losing the head or the tail of the big range */
	CHECK_EQ(mem_pool_free_bytes(&pool), before);
	CHECK_EQ(pool.free[MEM_POOL_MAX_RANGES - 1].base, 0x80001000);
	CHECK_EQ(pool.free[MEM_POOL_MAX_RANGES - 1].size, 8 * MiB);
	/* an allocation at the start of a range needs no split: it works */
	CHECK_EQ(mem_pool_alloc(&pool, 4 * KiB, 4 * KiB), 0x100000);
}

/* ---- free ---------------------------------------------------------------- */

TEST(free_returns_memory_and_merges)
{
	uint64_t a, b, c;

	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x80000000, 64 * KiB), 0);
	a = mem_pool_alloc(&pool, 4 * KiB, 4 * KiB);
	b = mem_pool_alloc(&pool, 4 * KiB, 4 * KiB);
	c = mem_pool_alloc(&pool, 4 * KiB, 4 * KiB);
	CHECK_EQ(mem_pool_free_bytes(&pool), 52 * KiB);
	CHECK_EQ(mem_pool_free(&pool, b, 4 * KiB), 0);
	CHECK_RANGES(b, 4 * KiB, c + 4 * KiB, 52 * KiB);
	CHECK_EQ(mem_pool_free(&pool, a, 4 * KiB), 0);	/* merges with b */
	CHECK_RANGES(a, 8 * KiB, c + 4 * KiB, 52 * KiB);
	CHECK_EQ(mem_pool_free(&pool, c, 4 * KiB), 0);	/* closes the gap */
	CHECK_RANGES(0x80000000, 64 * KiB);
	CHECK_EQ(mem_pool_free_bytes(&pool), 64 * KiB);
}

TEST(free_twice_is_refused)
{
	uint64_t a;

	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x80000000, 64 * KiB), 0);
	a = mem_pool_alloc(&pool, 8 * KiB, 4 * KiB);
	CHECK_EQ(mem_pool_free(&pool, a, 8 * KiB), 0);
	CHECK_EQ(mem_pool_free(&pool, a, 8 * KiB), -1);
	CHECK_EQ(mem_pool_free(&pool, a + 4 * KiB, 4 * KiB), -1);	/* half of it */
	CHECK_EQ(mem_pool_free(&pool, a - 4 * KiB, 8 * KiB), -1);	/* straddles below */
	CHECK_RANGES(0x80000000, 64 * KiB);
}

TEST(free_overlapping_the_next_range_is_refused)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x1000, 0x1000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x4000, 0x1000), 0);
	/* starts in the gap, ends one byte into the next range */
	CHECK_EQ(mem_pool_free(&pool, 0x2000, 0x2001), -1);
	/* ends exactly where it begins: fine, and merged */
	CHECK_EQ(mem_pool_free(&pool, 0x2000, 0x2000), 0);
	CHECK_RANGES(0x1000, 0x4000);
}

TEST(free_overlapping_the_previous_range_is_refused)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x1000, 0x1000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x4000, 0x1000), 0);
	CHECK_EQ(mem_pool_free(&pool, 0x1fff, 0x1000), -1);	/* one byte back */
	CHECK_EQ(mem_pool_free(&pool, 0x2000, 0x1000), 0);
	CHECK_RANGES(0x1000, 0x2000, 0x4000, 0x1000);
}

TEST(free_zero_or_wrapping_is_refused)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_free(&pool, 0x1000, 0), -1);
	CHECK_EQ(mem_pool_free(&pool, UINT64_MAX, 2), -1);
	CHECK_EQ(pool.nr_free, 0);
}

TEST(free_bytes_sums_every_range)
{
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0x1000, 0x1000), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x100000000ULL, 0x300000000ULL), 0);
	CHECK_EQ(mem_pool_add(&pool, 0x10000, 0x123), 0);
	CHECK_EQ(mem_pool_free_bytes(&pool), 0x1000 + 0x300000000ULL + 0x123);
}

/* keel_mem is the pool keel_main sets up; mem.c defines it, zeroed. */
TEST(keel_mem_starts_empty)
{
	CHECK_EQ(keel_mem.nr_free, 0);
	CHECK_EQ(mem_pool_free_bytes(&keel_mem), 0);
}

TEST(alloc_never_returns_address_0_as_a_block)
{
	uint64_t a;

	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0, 64 * KiB), 0);
	/* 0 means "nothing fits": a block at address 0 cannot be handed out */
	a = mem_pool_alloc(&pool, 4 * KiB, 4 * KiB);
	CHECK_EQ(a, 4 * KiB);
	CHECK_EQ(mem_pool_free_bytes(&pool), 60 * KiB);
	/* when only address 0 would fit, the answer is "nothing fits", and
	 * the pool is unchanged */
	mem_pool_init(&pool);
	CHECK_EQ(mem_pool_add(&pool, 0, 4 * KiB), 0);
	CHECK_EQ(mem_pool_alloc(&pool, 4 * KiB, 4 * KiB), 0);
	CHECK_RANGES(0, 4 * KiB);
}

/* page_alloc: keel_mem's pages, aligned and zeroed, NULL once it is spent */
TEST(page_alloc_gives_zeroed_aligned_pages_of_keel_mem)
{
	static uint8_t ram[64 * KiB] __attribute__((aligned(4096)));
	uint64_t base = (uint64_t)(uintptr_t)ram;
	uint8_t *p, *q;

	memset(ram, 0xa5, sizeof(ram));
	mem_pool_init(&keel_mem);
	CHECK_EQ(mem_pool_add(&keel_mem, base, sizeof(ram)), 0);
	p = page_alloc(8 * KiB, 4 * KiB);
	CHECK(p != NULL);
	CHECK_EQ((uintptr_t)p % (4 * KiB), 0);
	for (unsigned int i = 0; i < 8 * KiB; i++)
		if (p[i]) {
			CHECK_EQ(p[i], 0);
			break;
		}
	q = page_alloc(56 * KiB, 4 * KiB);
	CHECK(q != NULL && q != p);
	CHECK(page_alloc(4 * KiB, 4 * KiB) == NULL);
}
