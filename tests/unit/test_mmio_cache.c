/*
 * Tests for src/vdev/mmio_cache.c, the MMIO fast path's decode cache: an
 * entry is what mmio_decode_insn() / mmio_decode_htinst() say about its
 * word, and a lookup finds only that word.
 */
#include <string.h>

#include "mmio_cache.h"
#include "vcpu_context.h"
#include "unit.h"

/* Fill a fresh table with word's decode and look it up: the info, or 0 */
static uint32_t learn_and_find(uint64_t *table, uint32_t word)
{
	unsigned long pc = 0x80200000UL + (word & 0x1e);
	struct mmio_access a;

	if (mmio_decode_insn(word, &a))
		return 0;
	mmio_cache_fill(table, pc, word, &a);
	return mmio_cache_lookup(table, pc, word);
}

/* The entry says what the decoder says, for any access the fast path serves */
static void check_entry(uint32_t info, const struct mmio_access *a)
{
	unsigned long x[32];

	CHECK_EQ(mmio_cache_len(info), a->insn_len);
	CHECK_EQ(mmio_cache_is_store(info), a->is_store);
	CHECK_EQ(mmio_cache_reg(info), a->reg);
	CHECK(mmio_cache_reg_in(info, x) == &x[a->reg]);
	/* a byte register's value, as the slow path's extend() gives it */
	for (unsigned long byte = 0; byte < 256; byte += 0x41) {
		unsigned long want = byte;

		if (!a->is_store && a->sign_extend && a->width == 1 && (byte & 0x80))
			want |= ~0xffUL;
		CHECK_EQ(mmio_cache_extend_byte(info, byte), want);
	}
}

TEST(every_32bit_load_and_store_is_cached_as_decoded)
{
	static const uint32_t opcodes[] = {0x03, 0x23};

	for (unsigned int o = 0; o < 2; o++)
		for (uint32_t funct3 = 0; funct3 < 8; funct3++)
			for (uint32_t reg = 0; reg < 32; reg++) {
				/* rd for a load, rs2 for a store; rs1 and the offset vary */
				uint32_t word = opcodes[o] | funct3 << 12 | reg << 7 | reg << 20 |
						(reg * 7 % 32) << 15;
				uint64_t table[MMIO_CACHE_SLOTS] = {0};
				struct mmio_access a;
				uint32_t info = learn_and_find(table, word);

				if (mmio_decode_insn(word, &a) || !mmio_cache_info(&a)) {
					CHECK_EQ(info, 0);
					continue;
				}
				CHECK(info != 0);
				check_entry(info, &a);
			}
}

TEST(every_compressed_load_and_store_is_cached_with_its_next_halfword)
{
	for (uint32_t half = 0; half < 0x10000; half++) {
		/* the fast path reads 4 bytes: the next instruction is the upper half */
		uint32_t word = half | (0x4501u + half * 3) << 16;
		uint64_t table[MMIO_CACHE_SLOTS] = {0};
		struct mmio_access a;
		uint32_t info;

		if ((half & 3) == 3)
			continue;
		info = learn_and_find(table, word);
		if (mmio_decode_insn(word, &a) || !mmio_cache_info(&a)) {
			CHECK_EQ(info, 0);
			continue;
		}
		CHECK(info != 0);
		check_entry(info, &a);
	}
}

TEST(x0_and_s_registers_are_never_cached)
{
	for (unsigned int reg = 0; reg < 32; reg++) {
		struct mmio_access a = {.insn_len = 4, .width = 1, .reg = reg};
		bool served = reg != 0 && !ctx_reg_is_callee_saved(reg);

		CHECK_EQ(mmio_cache_info(&a) != 0, served);
		a.is_store = true;
		CHECK_EQ(mmio_cache_info(&a) != 0, served);
	}
}

TEST(a_lookup_finds_only_its_own_word)
{
	uint64_t table[MMIO_CACHE_SLOTS] = {0};
	uint32_t lbu = 0x00574783; /* lbu a5, 5(a4) */
	uint32_t sb = 0x00f70023;  /* sb a5, 0(a4) */
	unsigned long pc = 0x80201000UL;
	struct mmio_access a;

	/* an empty table: no word hits, the word 0 neither (info 0) */
	CHECK_EQ(mmio_cache_lookup(table, pc, 0), 0);
	CHECK_EQ(mmio_cache_lookup(table, pc, lbu), 0);
	CHECK_EQ(mmio_decode_insn(lbu, &a), 0);
	mmio_cache_fill(table, pc, lbu, &a);
	CHECK(mmio_cache_lookup(table, pc, lbu) != 0);
	CHECK(!mmio_cache_is_store(mmio_cache_lookup(table, pc, lbu)));
	/* the same word at a pc of the same slot: it decodes the same, a hit */
	CHECK_EQ(mmio_cache_entry(table, pc + 16), mmio_cache_entry(table, pc));
	CHECK(mmio_cache_lookup(table, pc + 16, lbu) != 0);
	/* another word there (the guest rewrote its code): a miss */
	CHECK_EQ(mmio_cache_lookup(table, pc, lbu ^ 0x100000), 0);
	/* an htinst with bits 63:32 set never matches, whatever its low half */
	CHECK_EQ(mmio_cache_lookup(table, pc, (1UL << 32) | lbu), 0);
	/* the next instructions have slots of their own */
	CHECK(mmio_cache_entry(table, pc + 4) != mmio_cache_entry(table, pc));
	CHECK_EQ(mmio_decode_insn(sb, &a), 0);
	mmio_cache_fill(table, pc + 4, sb, &a);
	CHECK(mmio_cache_is_store(mmio_cache_lookup(table, pc + 4, sb)));
	CHECK(mmio_cache_lookup(table, pc, lbu) != 0);
	/* a fill at the same slot replaces the entry */
	mmio_cache_fill(table, pc + 16, sb, &a);
	CHECK_EQ(mmio_cache_lookup(table, pc, lbu), 0);
}

TEST(transformed_htinst_entries_say_what_the_htinst_decoder_says)
{
	/* lw a0, 0(x0) transformed from a c.lw: bit 1 clear, length 2 */
	uint64_t table[MMIO_CACHE_SLOTS] = {0};
	uint32_t htinst = 0x00002501;
	struct mmio_access a;
	uint32_t info;

	CHECK_EQ(mmio_decode_htinst(htinst, &a), 0);
	mmio_cache_fill(table, 0x80200002UL, htinst, &a);
	info = mmio_cache_lookup(table, 0x80200002UL, htinst);
	CHECK_EQ(mmio_cache_len(info), 2);
	CHECK_EQ(mmio_cache_reg(info), 10);
	CHECK(!mmio_cache_is_store(info));
}
