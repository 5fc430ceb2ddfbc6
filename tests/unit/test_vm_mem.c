/*
 * Tests for src/core/vm_mem.c: vm_gpa_to_hva(), the one check between a
 * guest-supplied address and a host pointer.
 */
#include <string.h>

#include "vm.h"
#include "unit.h"

#define RAM_SIZE 0x10000ULL

static struct vm vm;
static uint8_t ram[RAM_SIZE];

static void setup(uint64_t base)
{
	memset(&vm, 0, sizeof(vm));
	vm.ram_base = base;
	vm.ram_size = RAM_SIZE;
	vm.ram = ram;
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
