/*
 * Tests for src/vm/vm_mem.c: vm_gpa_to_hva(), the one check between a
 * guest-supplied address and a host pointer, and the zeroing it asks for
 * before Keel touches a block the guest has not (vm_ram_make_ready, faked
 * here: it records the call and marks the blocks).
 */
#include <string.h>

#include "vm.h"
#include "unit.h"

#define RAM_SIZE 0x10000ULL
#define MiB 0x100000ULL

static struct vm vm;
static uint8_t ram[RAM_SIZE];
static uint64_t bits[64];

static struct {
	unsigned int calls;
	uint64_t off, len; /* the last call's */
} made_ready;

void vm_ram_make_ready(struct vm *v, uint64_t off, uint64_t len)
{
	made_ready.calls++;
	made_ready.off = off;
	made_ready.len = len;
	for (uint64_t i = mem_block_of(off); len && i <= mem_block_of(off + len - 1); i++)
		mem_block_set_ready(&v->ram_blocks, i);
}

/* RAM of size bytes at base; ram[] stands for its first RAM_SIZE bytes */
static void setup_sized(uint64_t base, uint64_t size)
{
	memset(&vm, 0, sizeof(vm));
	memset(bits, 0, sizeof(bits));
	memset(&made_ready, 0, sizeof(made_ready));
	vm.ram_base = base;
	vm.ram_size = size;
	vm.ram = ram;
	mem_blocks_init(&vm.ram_blocks, bits, size);
}

static void setup(uint64_t base)
{
	setup_sized(base, RAM_SIZE);
}

#define B VM_RAM_BASE

TEST(range_inside_ram)
{
	setup(B);
	CHECK(vm_gpa_to_hva(&vm, B, 1) == ram);
	CHECK(vm_gpa_to_hva(&vm, B + 0x1234, 0x100) == ram + 0x1234);
	CHECK(vm_gpa_to_hva(&vm, B, RAM_SIZE) == ram);	/* all of it */
}

TEST(range_ending_at_the_last_byte)
{
	setup(B);
	CHECK(vm_gpa_to_hva(&vm, B + RAM_SIZE - 1, 1) == ram + RAM_SIZE - 1);
	CHECK(vm_gpa_to_hva(&vm, B + RAM_SIZE - 8, 8) == ram + RAM_SIZE - 8);
	CHECK(vm_gpa_to_hva(&vm, B + 1, RAM_SIZE - 1) == ram + 1);
}

TEST(range_one_byte_past_the_end)
{
	setup(B);
	CHECK(vm_gpa_to_hva(&vm, B + RAM_SIZE - 8, 9) == NULL);
	CHECK(vm_gpa_to_hva(&vm, B + RAM_SIZE, 1) == NULL);
	CHECK(vm_gpa_to_hva(&vm, B, RAM_SIZE + 1) == NULL);
	CHECK(vm_gpa_to_hva(&vm, B + 1, RAM_SIZE) == NULL);
}

TEST(zero_length)
{
	setup(B);
	CHECK(vm_gpa_to_hva(&vm, B, 0) == ram);
	CHECK(vm_gpa_to_hva(&vm, B + 0x100, 0) == ram + 0x100);
	/* an empty range right at the end is inside: one-past pointer */
	CHECK(vm_gpa_to_hva(&vm, B + RAM_SIZE, 0) == ram + RAM_SIZE);
	/* but not one byte further */
	CHECK(vm_gpa_to_hva(&vm, B + RAM_SIZE + 1, 0) == NULL);
	CHECK(vm_gpa_to_hva(&vm, B - 1, 0) == NULL);
}

TEST(gpa_below_ram)
{
	setup(B);
	CHECK(vm_gpa_to_hva(&vm, B - 1, 1) == NULL);
	CHECK(vm_gpa_to_hva(&vm, B - 1, 2) == NULL);	/* straddles the base */
	CHECK(vm_gpa_to_hva(&vm, 0, 1) == NULL);
	CHECK(vm_gpa_to_hva(&vm, 0x10000000, 8) == NULL);	/* the UART */
}

TEST(huge_length_does_not_wrap)
{
	setup(B);
	CHECK(vm_gpa_to_hva(&vm, B, UINT64_MAX) == NULL);
	CHECK(vm_gpa_to_hva(&vm, B + 0x10, UINT64_MAX - 0xf) == NULL);	/* end wraps to B */
	CHECK(vm_gpa_to_hva(&vm, B + 0x10, 0ULL - (B + 0x10)) == NULL);	/* end = 2^64 */
}

TEST(gpa_near_the_top_of_the_address_space)
{
	setup(B);
	CHECK(vm_gpa_to_hva(&vm, UINT64_MAX, 1) == NULL);
	CHECK(vm_gpa_to_hva(&vm, UINT64_MAX, 0) == NULL);
	CHECK(vm_gpa_to_hva(&vm, UINT64_MAX - 7, 8) == NULL);
	/* gpa - base wraps to a small offset only if base were above gpa */
	CHECK(vm_gpa_to_hva(&vm, B - RAM_SIZE, RAM_SIZE) == NULL);
}

TEST(ram_at_the_top_of_the_address_space)
{
	/* RAM ending exactly at 2^64: the last byte is reachable, no wrap */
	setup(0ULL - RAM_SIZE);
	CHECK(vm_gpa_to_hva(&vm, UINT64_MAX, 1) == ram + RAM_SIZE - 1);
	CHECK(vm_gpa_to_hva(&vm, UINT64_MAX, 2) == NULL);
	CHECK(vm_gpa_to_hva(&vm, 0, 1) == NULL);
	CHECK(vm_gpa_to_hva(&vm, 0ULL - RAM_SIZE, RAM_SIZE) == ram);
}

TEST(ram_at_address_zero)
{
	setup(0);
	CHECK(vm_gpa_to_hva(&vm, 0, RAM_SIZE) == ram);
	CHECK(vm_gpa_to_hva(&vm, RAM_SIZE, 1) == NULL);
	CHECK(vm_gpa_to_hva(&vm, UINT64_MAX, 1) == NULL);
}

TEST(empty_ram_gives_nothing)
{
	setup(B);
	vm.ram_size = 0;
	CHECK(vm_gpa_to_hva(&vm, B, 1) == NULL);
	CHECK(vm_gpa_to_hva(&vm, B + 1, 0) == NULL);
}

/* ---- zeroing before Keel touches a block -------------------------------- */

TEST(first_touch_asks_for_the_range_to_be_zeroed_once)
{
	setup(B);
	CHECK(vm_gpa_to_hva(&vm, B + 0x100, 8) == ram + 0x100);
	CHECK_EQ(made_ready.calls, 1);
	CHECK_EQ(made_ready.off, 0x100);
	CHECK_EQ(made_ready.len, 8);
	/* the block is ready now: no second call, anywhere in it */
	CHECK(vm_gpa_to_hva(&vm, B + 0x8000, 0x100) == ram + 0x8000);
	CHECK_EQ(made_ready.calls, 1);
}

TEST(a_refused_range_zeroes_nothing)
{
	setup(B);
	CHECK(vm_gpa_to_hva(&vm, B + RAM_SIZE - 8, 9) == NULL);
	CHECK(vm_gpa_to_hva(&vm, B - 1, 1) == NULL);
	CHECK_EQ(made_ready.calls, 0);
	CHECK(!mem_block_ready(&vm.ram_blocks, 0));
}

TEST(an_empty_range_zeroes_nothing)
{
	setup(B);
	CHECK(vm_gpa_to_hva(&vm, B + 0x100, 0) == ram + 0x100);
	CHECK_EQ(made_ready.calls, 0);
}

TEST(in_ram_checks_without_zeroing)
{
	setup_sized(B, 9 * MiB);
	CHECK(vm_gpa_in_ram(&vm, B, 9 * MiB));
	CHECK(vm_gpa_in_ram(&vm, B + 9 * MiB, 0));
	CHECK(!vm_gpa_in_ram(&vm, B + 9 * MiB - 1, 2));
	CHECK(!vm_gpa_in_ram(&vm, B - 1, 1));
	CHECK_EQ(made_ready.calls, 0);
	CHECK_EQ(mem_blocks_count_ready(&vm.ram_blocks), 0);
}

TEST(a_range_across_blocks_is_zeroed_where_it_is_not_yet)
{
	setup_sized(B, 9 * MiB);
	mem_block_set_ready(&vm.ram_blocks, 1);
	/* inside block 1 only: nothing to do */
	CHECK(vm_gpa_to_hva(&vm, B + 2 * MiB, 2 * MiB) != NULL);
	CHECK_EQ(made_ready.calls, 0);
	/* blocks 1 and 2: block 2 is not ready, so the range is asked for */
	CHECK(vm_gpa_to_hva(&vm, B + 4 * MiB - 4, 8) != NULL);
	CHECK_EQ(made_ready.calls, 1);
	CHECK(mem_block_ready(&vm.ram_blocks, 2));
	/* the short last block (8..9 MiB) */
	CHECK(vm_gpa_to_hva(&vm, B + 9 * MiB - 1, 1) != NULL);
	CHECK_EQ(made_ready.calls, 2);
	CHECK(mem_block_ready(&vm.ram_blocks, 4));
	CHECK_EQ(mem_blocks_count_ready(&vm.ram_blocks), 3);
}
