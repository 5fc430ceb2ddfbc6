/*
 * Tests for src/vdev/mmio_decode.c.
 *
 * Every encoding below was produced by riscv64-unknown-elf-as
 * (-march=rv64gc, ".option norvc" or ".option rvc") and read back with
 * "objdump -d -M no-aliases,numeric"; the assembly is next to the bits.
 * The few the assembler refuses to produce (reserved forms, Zcb) are
 * hand-encoded and say so.
 */
#include <string.h>

#include "mmio_decode.h"
#include "unit.h"

struct decode_case {
	uint32_t insn;
	const char *text;
	unsigned int insn_len;
	unsigned int width;
	bool is_store;
	bool sign_extend;
	unsigned int reg;
};

#define LOAD(insn, text, len, width, sext, rd) \
	{ insn, text, len, width, false, sext, rd }
#define STORE(insn, text, len, width, rs2) \
	{ insn, text, len, width, true, false, rs2 }

static const struct decode_case loads_32[] = {
	LOAD(0x00058503, "lb   a0, 0(a1)",        4, 1, true, 10),
	LOAD(0xffc41283, "lh   t0, -4(s0)",       4, 2, true, 5),
	LOAD(0x7ff12483, "lw   s1, 2047(sp)",     4, 4, true, 9),
	LOAD(0x8007b083, "ld   ra, -2048(a5)",    4, 8, false, 1),
	LOAD(0x001f4f83, "lbu  x31, 1(x30)",      4, 1, false, 31),
	LOAD(0x0106d603, "lhu  a2, 16(a3)",       4, 2, false, 12),
	LOAD(0x0081ef83, "lwu  t6, 8(gp)",        4, 4, false, 31),
	/* a load into x0 still reads the device: decoded, caller drops it */
	LOAD(0x00050003, "lb   zero, 0(a0)",      4, 1, true, 0),
};

static const struct decode_case stores_32[] = {
	STORE(0x00a58023, "sb   a0, 0(a1)",       4, 1, 10),
	STORE(0xfe691f23, "sh   t1, -2(s2)",      4, 2, 6),
	STORE(0x07b22223, "sw   s11, 100(tp)",    4, 4, 27),
	STORE(0xfff13c23, "sd   x31, -8(sp)",     4, 8, 31),
	STORE(0x000501a3, "sb   zero, 3(a0)",     4, 1, 0),
};

static const struct decode_case compressed[] = {
	LOAD(0x4188, "c.lw   a0, 0(a1)",         2, 4, true, 10),
	LOAD(0x5fe0, "c.lw   s0, 124(a5)",       2, 4, true, 8),
	LOAD(0x7c7c, "c.ld   a5, 248(s0)",       2, 8, false, 15),
	LOAD(0x6704, "c.ld   s1, 8(a4)",         2, 8, false, 9),
	STORE(0xc1c8, "c.sw   a0, 4(a1)",        2, 4, 10),
	STORE(0xdc7c, "c.sw   a5, 124(s0)",      2, 4, 15),
	STORE(0xfee4, "c.sd   s1, 248(a3)",      2, 8, 9),
	STORE(0xe210, "c.sd   a2, 0(a2)",        2, 8, 12),
	LOAD(0x4082, "c.lwsp ra, 0(sp)",         2, 4, true, 1),
	LOAD(0x5ffe, "c.lwsp t6, 252(sp)",       2, 4, true, 31),
	LOAD(0x6522, "c.ldsp a0, 8(sp)",         2, 8, false, 10),
	LOAD(0x7dfe, "c.ldsp s11, 504(sp)",      2, 8, false, 27),
	STORE(0xc202, "c.swsp zero, 4(sp)",      2, 4, 0),
	STORE(0xdf86, "c.swsp ra, 252(sp)",      2, 4, 1),
	STORE(0xe02a, "c.sdsp a0, 0(sp)",        2, 8, 10),
	STORE(0xfffe, "c.sdsp t6, 504(sp)",      2, 8, 31),
};

static void check_access(const struct decode_case *c, int ret,
			 const struct mmio_access *a)
{
	unsigned int before = unit_failures();

	CHECK_EQ(ret, 0);
	CHECK_EQ(a->insn_len, c->insn_len);
	CHECK_EQ(a->width, c->width);
	CHECK_EQ(a->is_store, c->is_store);
	CHECK_EQ(a->sign_extend, c->sign_extend);
	CHECK_EQ(a->reg, c->reg);
	if (unit_failures() != before)
		printf("\tin: 0x%08x %s\n", c->insn, c->text);
}

static void check_insn_table(const struct decode_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct mmio_access a;

		memset(&a, 0xa5, sizeof(a));
		check_access(&cases[i], mmio_decode_insn(cases[i].insn, &a), &a);
	}
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A refused instruction must return -1 and leave *out alone, so a caller
 * that forgets the return value at least sees its own poison, not a
 * plausible-looking access.
 */
#define CHECK_REFUSED(decode, value)					\
	do {								\
		struct mmio_access got_, poison_;			\
		memset(&got_, 0xa5, sizeof(got_));			\
		memset(&poison_, 0xa5, sizeof(poison_));		\
		CHECK_EQ(decode(value, &got_), -1);			\
		CHECK(memcmp(&got_, &poison_, sizeof(got_)) == 0);	\
	} while (0)

TEST(insn_length_from_low_bits)
{
	CHECK_EQ(insn_length(0x00058503), 4);	/* lb a0, 0(a1) */
	CHECK_EQ(insn_length(0x8503), 4);	/* its low half is enough */
	CHECK_EQ(insn_length(0x4188), 2);	/* c.lw, quadrant 0 */
	CHECK_EQ(insn_length(0x0505), 2);	/* c.addi, quadrant 1 */
	CHECK_EQ(insn_length(0x6522), 2);	/* c.ldsp, quadrant 2 */
	CHECK_EQ(insn_length(0x0000), 2);	/* the all-zero illegal insn */
	CHECK_EQ(insn_length(0xffffffff), 4);
}

TEST(decodes_32bit_loads)
{
	check_insn_table(loads_32, ARRAY_SIZE(loads_32));
}

TEST(decodes_32bit_stores)
{
	check_insn_table(stores_32, ARRAY_SIZE(stores_32));
}

TEST(decodes_compressed_loads_and_stores)
{
	check_insn_table(compressed, ARRAY_SIZE(compressed));
}

TEST(compressed_ignores_upper_halfword)
{
	/* A 32-bit fetch of a c.lw picks up the next instruction as well. */
	const struct decode_case c_lw = LOAD(0x4188, "c.lw a0, 0(a1)",
					     2, 4, true, 10);
	struct mmio_access a;

	memset(&a, 0xa5, sizeof(a));
	check_access(&c_lw, mmio_decode_insn(0xdeadbeefu << 16 | 0x4188, &a), &a);
	memset(&a, 0xa5, sizeof(a));
	/* upper half = 0x0000 is what a 16-bit-only fetch leaves */
	check_access(&c_lw, mmio_decode_insn(0x00004188, &a), &a);
}

TEST(refuses_reserved_funct3)
{
	/* hand-encoded: lb a0, 0(a1) with funct3 = 7 (reserved) */
	CHECK_REFUSED(mmio_decode_insn, 0x0005f503);
	/* hand-encoded: sb a0, 0(a1) with funct3 = 4..7 (reserved) */
	CHECK_REFUSED(mmio_decode_insn, 0x00a5c023);
	CHECK_REFUSED(mmio_decode_insn, 0x00a5d023);
	CHECK_REFUSED(mmio_decode_insn, 0x00a5e023);
	CHECK_REFUSED(mmio_decode_insn, 0x00a5f023);
}

TEST(refuses_fp_loads_and_stores)
{
	CHECK_REFUSED(mmio_decode_insn, 0x00052507);	/* flw  fa0, 0(a0) */
	CHECK_REFUSED(mmio_decode_insn, 0x0085b587);	/* fld  fa1, 8(a1) */
	CHECK_REFUSED(mmio_decode_insn, 0x00a52027);	/* fsw  fa0, 0(a0) */
	CHECK_REFUSED(mmio_decode_insn, 0x00b5b427);	/* fsd  fa1, 8(a1) */
	CHECK_REFUSED(mmio_decode_insn, 0x2588);	/* c.fld   fa0, 8(a1) */
	CHECK_REFUSED(mmio_decode_insn, 0xa588);	/* c.fsd   fa0, 8(a1) */
	CHECK_REFUSED(mmio_decode_insn, 0x2522);	/* c.fldsp fa0, 8(sp) */
	CHECK_REFUSED(mmio_decode_insn, 0xa42a);	/* c.fsdsp fa0, 8(sp) */
}

TEST(refuses_atomics_and_hypervisor_accesses)
{
	CHECK_REFUSED(mmio_decode_insn, 0x00b6252f);	/* amoadd.w a0, a1, (a2) */
	CHECK_REFUSED(mmio_decode_insn, 0x0e63b2af);	/* amoswap.d.aqrl t0, t1, (t2) */
	CHECK_REFUSED(mmio_decode_insn, 0x1005a52f);	/* lr.w a0, (a1) */
	CHECK_REFUSED(mmio_decode_insn, 0x18c5b52f);	/* sc.d a0, a2, (a1) */
	CHECK_REFUSED(mmio_decode_insn, 0x6805c573);	/* hlv.w a0, (a1) */
	CHECK_REFUSED(mmio_decode_insn, 0x6ea5c073);	/* hsv.d a0, (a1) */
}

TEST(refuses_reserved_and_unsupported_compressed)
{
	/* hand-encoded: c.lwsp x0, 0(sp) and c.ldsp x0, 0(sp) are reserved */
	CHECK_REFUSED(mmio_decode_insn, 0x4002);
	CHECK_REFUSED(mmio_decode_insn, 0x6002);
	/* hand-encoded: quadrant 0 funct3 100, reserved in RV64C */
	CHECK_REFUSED(mmio_decode_insn, 0x8000);
	/*
	 * hand-encoded Zcb c.lbu a0, 1(a1) (binutils 2.40 has no Zcb):
	 * refused by design, only the RV64C forms are emulated
	 */
	CHECK_REFUSED(mmio_decode_insn, 0x81c8);
	/* all zeros: the defined-illegal instruction */
	CHECK_REFUSED(mmio_decode_insn, 0x0000);
}

TEST(refuses_other_instructions)
{
	CHECK_REFUSED(mmio_decode_insn, 0x00158513);	/* addi a0, a1, 1 */
	CHECK_REFUSED(mmio_decode_insn, 0x00c58533);	/* add  a0, a1, a2 */
	CHECK_REFUSED(mmio_decode_insn, 0x10000537);	/* lui  a0, 0x10000 */
	CHECK_REFUSED(mmio_decode_insn, 0x000000ef);	/* jal  ra, . */
	CHECK_REFUSED(mmio_decode_insn, 0x00b50063);	/* beq  a0, a1, . */
	CHECK_REFUSED(mmio_decode_insn, 0x00000073);	/* ecall */
	CHECK_REFUSED(mmio_decode_insn, 0x10002573);	/* csrr a0, sstatus */
	CHECK_REFUSED(mmio_decode_insn, 0x0ff0000f);	/* fence */
	CHECK_REFUSED(mmio_decode_insn, 0xffffffff);
	CHECK_REFUSED(mmio_decode_insn, 0x0505);	/* c.addi a0, 1 */
	CHECK_REFUSED(mmio_decode_insn, 0x852e);	/* c.mv a0, a1 */
	CHECK_REFUSED(mmio_decode_insn, 0x4515);	/* c.li a0, 5 */
	CHECK_REFUSED(mmio_decode_insn, 0x0808);	/* c.addi4spn a0, sp, 16 */
	CHECK_REFUSED(mmio_decode_insn, 0xa001);	/* c.j . */
	CHECK_REFUSED(mmio_decode_insn, 0x0001);	/* c.nop */
	CHECK_REFUSED(mmio_decode_insn, 0x9002);	/* c.ebreak */
}

/*
 * htinst: the transformed instruction keeps funct3, opcode and rd (load) or
 * rs2 (store); the immediate is zeroed and rs1 becomes Addr. Offset.
 */
static const struct decode_case htinst_32[] = {
	/* lb a0, 0(a1) = 0x00058503 -> rs1 cleared */
	LOAD(0x00000503, "lb   a0  (from lb a0, 0(a1))",        4, 1, true, 10),
	/* lh t0, -4(s0) = 0xffc41283 -> imm, rs1 cleared */
	LOAD(0x00001283, "lh   t0  (from lh t0, -4(s0))",       4, 2, true, 5),
	/* lw s1, 2047(sp) = 0x7ff12483 */
	LOAD(0x00002483, "lw   s1  (from lw s1, 2047(sp))",     4, 4, true, 9),
	/* ld ra, -2048(a5) = 0x8007b083 */
	LOAD(0x00003083, "ld   ra  (from ld ra, -2048(a5))",    4, 8, false, 1),
	/* lbu x31, 1(x30) = 0x001f4f83 */
	LOAD(0x00004f83, "lbu  x31 (from lbu x31, 1(x30))",     4, 1, false, 31),
	/* lhu a2, 16(a3) = 0x0106d603 */
	LOAD(0x00005603, "lhu  a2  (from lhu a2, 16(a3))",      4, 2, false, 12),
	/* lwu t6, 8(gp) = 0x0081ef83 */
	LOAD(0x00006f83, "lwu  t6  (from lwu t6, 8(gp))",       4, 4, false, 31),
	/* sb a0, 0(a1) = 0x00a58023 */
	STORE(0x00a00023, "sb   a0  (from sb a0, 0(a1))",       4, 1, 10),
	/* sh t1, -2(s2) = 0xfe691f23 */
	STORE(0x00601023, "sh   t1  (from sh t1, -2(s2))",      4, 2, 6),
	/* sw s11, 100(tp) = 0x07b22223 */
	STORE(0x01b02023, "sw   s11 (from sw s11, 100(tp))",    4, 4, 27),
	/* sd x31, -8(sp) = 0xfff13c23 */
	STORE(0x01f03023, "sd   x31 (from sd x31, -8(sp))",     4, 8, 31),
	/* misaligned lw s1 split by the hart: Addr. Offset (bits 19:15) = 3 */
	LOAD(0x0001a483, "lw   s1, Addr. Offset 3",             4, 4, true, 9),
	/* misaligned sd x31: Addr. Offset = 5 */
	STORE(0x01f2b023, "sd   x31, Addr. Offset 5",           4, 8, 31),
};

/*
 * Compressed originals: expanded to 32 bits (expansions assembled with
 * .option norvc), transformed, then bit 1 cleared.
 */
static const struct decode_case htinst_compressed[] = {
	/* c.lw a0, 0(a1) = lw x10, 0(x11) = 0x0005a503 -> 0x00002503 */
	LOAD(0x00002501, "c.lw   a0  (from c.lw a0, 0(a1))",       2, 4, true, 10),
	/* c.lw s0, 124(a5) = lw x8, 124(x15) = 0x07c7a403 -> 0x00002403 */
	LOAD(0x00002401, "c.lw   s0  (from c.lw s0, 124(a5))",     2, 4, true, 8),
	/* c.ld a5, 248(s0) = ld x15, 248(x8) = 0x0f843783 -> 0x00003783 */
	LOAD(0x00003781, "c.ld   a5  (from c.ld a5, 248(s0))",     2, 8, false, 15),
	/* c.sw a0, 4(a1) = sw x10, 4(x11) = 0x00a5a223 -> 0x00a02023 */
	STORE(0x00a02021, "c.sw   a0  (from c.sw a0, 4(a1))",      2, 4, 10),
	/* c.sd s1, 248(a3) = sd x9, 248(x13) = 0x0e96bc23 -> 0x00903023 */
	STORE(0x00903021, "c.sd   s1  (from c.sd s1, 248(a3))",    2, 8, 9),
	/* c.lwsp ra, 0(sp) = lw x1, 0(x2) = 0x00012083 -> 0x00002083 */
	LOAD(0x00002081, "c.lwsp ra  (from c.lwsp ra, 0(sp))",     2, 4, true, 1),
	/* c.ldsp s11, 504(sp) = ld x27, 504(x2) = 0x1f813d83 -> 0x00003d83 */
	LOAD(0x00003d81, "c.ldsp s11 (from c.ldsp s11, 504(sp))",  2, 8, false, 27),
	/* c.swsp ra, 252(sp) = sw x1, 252(x2) = 0x0e112e23 -> 0x00102023 */
	STORE(0x00102021, "c.swsp ra  (from c.swsp ra, 252(sp))",  2, 4, 1),
	/* c.sdsp t6, 504(sp) = sd x31, 504(x2) = 0x1ff13c23 -> 0x01f03023 */
	STORE(0x01f03021, "c.sdsp t6  (from c.sdsp t6, 504(sp))",  2, 8, 31),
};

static void check_htinst_table(const struct decode_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct mmio_access a;

		memset(&a, 0xa5, sizeof(a));
		check_access(&cases[i], mmio_decode_htinst(cases[i].insn, &a), &a);
	}
}

TEST(htinst_decodes_transformed_32bit)
{
	check_htinst_table(htinst_32, ARRAY_SIZE(htinst_32));
}

TEST(htinst_decodes_transformed_compressed)
{
	check_htinst_table(htinst_compressed, ARRAY_SIZE(htinst_compressed));
}

/* What the hardware writes for a basic load/store with Addr. Offset 0. */
static uint32_t transform(uint32_t insn)
{
	uint32_t keep = 0x7f | 0x7 << 12;	/* opcode, funct3 */

	if ((insn & 0x7f) == 0x03)
		keep |= 0x1f << 7;		/* rd */
	else
		keep |= 0x1f << 20;		/* rs2 */
	return insn & keep;
}

/* Both decoders must agree on every instruction they both understand. */
TEST(htinst_agrees_with_instruction_decode)
{
	const struct decode_case *tables[] = { loads_32, stores_32 };
	const size_t sizes[] = { ARRAY_SIZE(loads_32), ARRAY_SIZE(stores_32) };

	for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
		for (size_t i = 0; i < sizes[t]; i++) {
			const struct decode_case *c = &tables[t][i];
			struct mmio_access a;

			memset(&a, 0xa5, sizeof(a));
			check_access(c, mmio_decode_htinst(transform(c->insn), &a), &a);
		}
	}
}

TEST(htinst_refuses_zero_and_pseudoinstructions)
{
	CHECK_REFUSED(mmio_decode_htinst, 0);
	/* implicit VS-stage page-table accesses, never the guest's own */
	CHECK_REFUSED(mmio_decode_htinst, 0x00002000);	/* 32-bit read (RV32) */
	CHECK_REFUSED(mmio_decode_htinst, 0x00003000);	/* 64-bit read (RV64) */
	CHECK_REFUSED(mmio_decode_htinst, 0x00002020);	/* 32-bit write (RV32) */
	CHECK_REFUSED(mmio_decode_htinst, 0x00003020);	/* 64-bit write (RV64) */
}

TEST(htinst_refuses_values_that_are_not_basic_loads_stores)
{
	/* bits 63:32 must be zero for a standard transformation */
	CHECK_REFUSED(mmio_decode_htinst, 1ull << 32 | 0x00002483);
	CHECK_REFUSED(mmio_decode_htinst, 0xffffffff00002483ull);
	/* bits 1:0 == 10 is excluded by the spec */
	CHECK_REFUSED(mmio_decode_htinst, 0x00002482);
	/* transformed amoadd.w a0, a1, (a2) = 0x00b6252f, rs1 cleared */
	CHECK_REFUSED(mmio_decode_htinst, 0x00b0252f);
	/* transformed lr.w a0, (a1) = 0x1005a52f */
	CHECK_REFUSED(mmio_decode_htinst, 0x1000252f);
	/* transformed flw fa0, 0(a0) = 0x00052507 */
	CHECK_REFUSED(mmio_decode_htinst, 0x00002507);
	/* transformed fsd fa1, 8(a1) = 0x00b5b427 */
	CHECK_REFUSED(mmio_decode_htinst, 0x00b03027);
	/* transformed c.fld fa0, 8(a1) = fld f10, 8(x11) -> bit 1 cleared */
	CHECK_REFUSED(mmio_decode_htinst, 0x00003505);
	/* transformed hlv.w a0, (a1) = 0x6805c573 */
	CHECK_REFUSED(mmio_decode_htinst, 0x68004573);
	/* custom-0 opcode: a custom value, meaning unknown */
	CHECK_REFUSED(mmio_decode_htinst, 0x0000000b);
	/* reserved load funct3 7, store funct3 4 */
	CHECK_REFUSED(mmio_decode_htinst, 0x00007503);
	CHECK_REFUSED(mmio_decode_htinst, 0x00a04023);
}

TEST(htinst_pseudoinstructions_recognised)
{
	CHECK(mmio_htinst_is_pseudo(0x00002000));
	CHECK(mmio_htinst_is_pseudo(0x00003000));
	CHECK(mmio_htinst_is_pseudo(0x00002020));
	CHECK(mmio_htinst_is_pseudo(0x00003020));
	/* zero: "no information", not a page-table walk */
	CHECK(!mmio_htinst_is_pseudo(0));
	/* look-alikes: transformed basic loads/stores, upper bits set */
	CHECK(!mmio_htinst_is_pseudo(0x00003083));	/* ld ra */
	CHECK(!mmio_htinst_is_pseudo(0x00002023));	/* sw zero */
	CHECK(!mmio_htinst_is_pseudo(0x00003001));	/* bits 1:0 = 01 look-alike */
	CHECK(!mmio_htinst_is_pseudo(1ull << 32 | 0x00003000));
	CHECK(!mmio_htinst_is_pseudo(0x00001000));
	CHECK(!mmio_htinst_is_pseudo(0x00003040));
}
