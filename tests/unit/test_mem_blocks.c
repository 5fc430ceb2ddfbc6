/*
 * Tests for src/mm/mem_blocks.c: the bitmap that says which 2 MiB blocks
 * of a VM's RAM were zeroed since it started, and so may be mapped.
 */
#include <string.h>

#include "mem_blocks.h"
#include "unit.h"

#define MiB 0x100000ULL

static uint64_t bits[512]; /* 64 GiB of RAM, Keel's largest VM */
static struct mem_blocks b;

static void setup(uint64_t size)
{
	memset(bits, 0xa5, sizeof(bits)); /* init must not trust what is there... */
	memset(bits, 0, mem_blocks_words(size) * 8); /* ...but it is handed zeroes */
	mem_blocks_init(&b, bits, size);
}

TEST(words_and_blocks_for_each_size)
{
	CHECK_EQ(mem_blocks_words(2 * MiB), 1);
	CHECK_EQ(mem_blocks_words(128 * MiB), 1);	/* 64 blocks */
	CHECK_EQ(mem_blocks_words(130 * MiB), 2);
	CHECK_EQ(mem_blocks_words(64 * 1024 * MiB), 512);
	setup(9 * MiB);
	CHECK_EQ(b.nr, 5);	/* four whole blocks and a 1 MiB one */
	setup(256 * MiB);
	CHECK_EQ(b.nr, 128);
}

TEST(nothing_is_ready_at_first)
{
	setup(256 * MiB);
	for (uint64_t i = 0; i < b.nr; i++)
		CHECK(!mem_block_ready(&b, i));
	CHECK_EQ(mem_blocks_count_ready(&b), 0);
	CHECK(!mem_blocks_range_ready(&b, 0, 1));
}

TEST(extent_of_each_block_and_of_a_short_last_one)
{
	uint64_t off, len;

	setup(9 * MiB);
	mem_block_extent(&b, 0, &off, &len);
	CHECK_EQ(off, 0);
	CHECK_EQ(len, 2 * MiB);
	mem_block_extent(&b, 3, &off, &len);
	CHECK_EQ(off, 6 * MiB);
	CHECK_EQ(len, 2 * MiB);
	mem_block_extent(&b, 4, &off, &len);
	CHECK_EQ(off, 8 * MiB);
	CHECK_EQ(len, 1 * MiB);
}

TEST(block_of_an_offset)
{
	CHECK_EQ(mem_block_of(0), 0);
	CHECK_EQ(mem_block_of(2 * MiB - 1), 0);
	CHECK_EQ(mem_block_of(2 * MiB), 1);
	CHECK_EQ(mem_block_of(64 * 1024 * MiB - 1), 32767);
}

TEST(set_ready_marks_that_block_only)
{
	setup(256 * MiB);
	mem_block_set_ready(&b, 0);
	mem_block_set_ready(&b, 63);
	mem_block_set_ready(&b, 64);	/* the second word */
	mem_block_set_ready(&b, 127);
	CHECK(mem_block_ready(&b, 0));
	CHECK(!mem_block_ready(&b, 1));
	CHECK(!mem_block_ready(&b, 62));
	CHECK(mem_block_ready(&b, 63));
	CHECK(mem_block_ready(&b, 64));
	CHECK(!mem_block_ready(&b, 65));
	CHECK(mem_block_ready(&b, 127));
	CHECK_EQ(mem_blocks_count_ready(&b), 4);
	mem_block_set_ready(&b, 63);	/* twice: still one */
	CHECK_EQ(mem_blocks_count_ready(&b), 4);
}

TEST(a_range_is_ready_only_when_every_block_it_touches_is)
{
	setup(16 * MiB);
	mem_block_set_ready(&b, 1);
	mem_block_set_ready(&b, 2);
	CHECK(mem_blocks_range_ready(&b, 2 * MiB, 4 * MiB));	/* blocks 1, 2 */
	CHECK(mem_blocks_range_ready(&b, 4 * MiB - 1, 2));	/* across 1 | 2 */
	CHECK(!mem_blocks_range_ready(&b, 2 * MiB - 1, 2));	/* 0 | 1 */
	CHECK(!mem_blocks_range_ready(&b, 6 * MiB - 1, 2));	/* 2 | 3 */
	CHECK(!mem_blocks_range_ready(&b, 2 * MiB, 4 * MiB + 1));
	CHECK(mem_blocks_range_ready(&b, 0, 0));	/* empty: nothing to zero */
	CHECK(mem_blocks_range_ready(&b, 16 * MiB, 0));
}

TEST(forget_all_after_a_restart)
{
	setup(64 * 1024 * MiB);
	for (uint64_t i = 0; i < b.nr; i += 7)
		mem_block_set_ready(&b, i);
	mem_block_set_ready(&b, b.nr - 1);
	CHECK(mem_blocks_count_ready(&b) > 4000);
	mem_blocks_forget_all(&b);
	CHECK_EQ(mem_blocks_count_ready(&b), 0);
	CHECK(!mem_block_ready(&b, b.nr - 1));
}

TEST(beyond_the_last_block_and_without_a_bitmap_nothing_is_ready)
{
	struct mem_blocks none = { 0 };

	setup(9 * MiB);
	memset(bits, 0xff, 8);	/* bits past nr set: still not a block */
	CHECK(!mem_block_ready(&b, 5));
	CHECK(!mem_block_ready(&b, 63));
	CHECK(!mem_block_ready(&none, 0));
	CHECK(!mem_blocks_range_ready(&none, 0, 1));
	mem_blocks_forget_all(&none);	/* harmless */
	CHECK_EQ(mem_blocks_count_ready(&none), 0);
}

TEST(largest_vm_uses_the_whole_bitmap)
{
	setup(64 * 1024 * MiB);
	CHECK_EQ(b.nr, 32768);
	mem_block_set_ready(&b, 32767);
	CHECK_EQ(bits[511], 1ULL << 63);
	CHECK(mem_blocks_range_ready(&b, 64 * 1024 * MiB - 1, 1));
}
