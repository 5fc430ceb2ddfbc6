/*
 * Fuzz target: the MMIO load/store decoder (src/vdev/mmio_decode.c).
 *
 * A guest chooses the instruction that faults on an emulated device, and on
 * hardware that fills htinst the hardware chooses the transformed value: the
 * decoder must give a sane answer, or refuse, for every 32-bit pattern and
 * every 64-bit htinst. Each 12 input bytes are one instruction (4 bytes) and
 * one htinst (8 bytes); the htinst's bits also serve as noise for the fields
 * the decoder must ignore.
 *
 * Beyond "no crash, no UB", every accepted decode must be one a device model
 * can act on (width 1/2/4/8, a register x0..x31, sepc stepping by 2 or 4,
 * stores never sign-extending), and the three ways the same access can reach
 * Keel must agree: the instruction itself, the same instruction with other
 * immediates/rs1/next-halfword, and the htinst the hardware would write for
 * it. The expected answers come from a table here written from the ISA
 * manual, not from the decoder's own code.
 */
#include <string.h>

#include "fuzz_check.h"
#include "mmio_decode.h"

#define OP_LOAD 0x03
#define OP_STORE 0x23

/* What an integer load/store is, from the unprivileged ISA's tables. */
struct expect {
	int valid;
	unsigned int width;
	int sign_extend;
};

/* LB LH LW LD LBU LHU LWU, funct3 7 reserved */
static const struct expect load_by_funct3[8] = {
	{ 1, 1, 1 }, { 1, 2, 1 }, { 1, 4, 1 }, { 1, 8, 0 },
	{ 1, 1, 0 }, { 1, 2, 0 }, { 1, 4, 0 }, { 0, 0, 0 },
};
/* SB SH SW SD, funct3 4..7 are not integer stores */
static const struct expect store_by_funct3[8] = {
	{ 1, 1, 0 }, { 1, 2, 0 }, { 1, 4, 0 }, { 1, 8, 0 },
};

static int same_access(const struct mmio_access *a, const struct mmio_access *b)
{
	return a->insn_len == b->insn_len && a->width == b->width &&
	       a->is_store == b->is_store && a->sign_extend == b->sign_extend && a->reg == b->reg;
}

/* What holds for any access a device model is asked to carry out. */
static void check_sane(const struct mmio_access *a)
{
	FUZZ_CHECK(a->width == 1 || a->width == 2 || a->width == 4 || a->width == 8);
	FUZZ_CHECK(a->reg < 32);
	FUZZ_CHECK(a->insn_len == 2 || a->insn_len == 4);
	FUZZ_CHECK(!(a->is_store && a->sign_extend));
	/* nothing to extend into on RV64 */
	FUZZ_CHECK(!(a->sign_extend && a->width == 8));
}

/* Decode, checking the result code and that a refusal wrote nothing. */
static int decode_insn(uint32_t insn, struct mmio_access *a)
{
	struct mmio_access before;
	int r;

	memset(a, 0xa5, sizeof(*a));
	before = *a;
	r = mmio_decode_insn(insn, a);
	FUZZ_CHECK(r == 0 || r == -1);
	if (r)
		FUZZ_CHECK(!memcmp(a, &before, sizeof(*a)));
	else
		check_sane(a);
	return r;
}

static int decode_htinst(uint64_t htinst, struct mmio_access *a)
{
	struct mmio_access before;
	int r;

	memset(a, 0x5a, sizeof(*a));
	before = *a;
	r = mmio_decode_htinst(htinst, a);
	FUZZ_CHECK(r == 0 || r == -1);
	if (r)
		FUZZ_CHECK(!memcmp(a, &before, sizeof(*a)));
	else
		check_sane(a);
	return r;
}

/*
 * The 32-bit equivalent of an RV64C load/store (the ISA's expansion), or
 * 0 when c is not one. Immediates are left zero: a transformed htinst has
 * them zero anyway.
 */
static uint32_t expand_compressed(uint16_t c)
{
	unsigned int funct3 = c >> 13, quadrant = c & 3;
	unsigned int rp = 8 + ((c >> 2) & 7);           /* rd' / rs2' */
	unsigned int rd = (c >> 7) & 31, rs2 = (c >> 2) & 31; /* the SP forms */

	if (quadrant == 0) {
		switch (funct3) {
		case 2: return OP_LOAD | rp << 7 | 2 << 12;    /* c.lw -> lw */
		case 3: return OP_LOAD | rp << 7 | 3 << 12;    /* c.ld -> ld */
		case 6: return OP_STORE | 2 << 12 | rp << 20;  /* c.sw -> sw */
		case 7: return OP_STORE | 3 << 12 | rp << 20;  /* c.sd -> sd */
		}
	} else if (quadrant == 2) {
		switch (funct3) {
		case 2: return rd ? (uint32_t)(OP_LOAD | rd << 7 | 2 << 12) : 0; /* c.lwsp */
		case 3: return rd ? (uint32_t)(OP_LOAD | rd << 7 | 3 << 12) : 0; /* c.ldsp */
		case 6: return OP_STORE | 2 << 12 | rs2 << 20;  /* c.swsp */
		case 7: return OP_STORE | 3 << 12 | rs2 << 20;  /* c.sdsp */
		}
	}
	return 0;
}

/*
 * The htinst a hart writes for a 32-bit load/store: opcode, funct3 and
 * rd/rs2 kept, the immediate zero, rs1 the "address offset" (anything, for
 * a misaligned access). noise fills the fields the decoder must ignore.
 */
static uint32_t transform(uint32_t insn, uint32_t noise)
{
	uint32_t keep = (insn & 0x7f) == OP_STORE ? 0x01f0707fU  /* rs2, funct3, opcode */
						  : 0x00007fffU; /* rd, funct3, opcode */

	return (insn & keep) | (noise & ~keep);
}

static void check_insn(uint32_t insn, uint64_t noise64)
{
	uint32_t noise = (uint32_t)(noise64 >> 16) ^ (uint32_t)noise64;
	struct mmio_access a, b;
	int r = decode_insn(insn, &a);
	unsigned int len = insn_length(insn);

	FUZZ_CHECK(len == ((insn & 3) == 3 ? 4u : 2u));
	if (len == 2) {
		uint32_t full = expand_compressed((uint16_t)insn);

		/* accepted exactly when the ISA has it as an integer load/store */
		FUZZ_CHECK((r == 0) == (full != 0));
		/* the next halfword is another instruction: never looked at */
		FUZZ_CHECK(decode_insn((insn & 0xffff) | noise << 16, &b) == r);
		if (r)
			return;
		FUZZ_CHECK(same_access(&a, &b));
		FUZZ_CHECK(a.insn_len == 2);
		FUZZ_CHECK(a.width == 4 || a.width == 8); /* RV64C has no other */
		/* the expansion names the same access, only 4 bytes long */
		FUZZ_CHECK(decode_insn(full, &b) == 0);
		b.insn_len = 2;
		FUZZ_CHECK(same_access(&a, &b));
		/* and the hart's htinst for it: expanded, transformed, bit 1 clear */
		FUZZ_CHECK(decode_htinst(transform(full, noise) & ~2U, &b) == 0);
		FUZZ_CHECK(same_access(&a, &b));
		return;
	}

	{
		unsigned int opcode = insn & 0x7f, funct3 = (insn >> 12) & 7;
		const struct expect *e = opcode == OP_LOAD ? &load_by_funct3[funct3] :
					 opcode == OP_STORE ? &store_by_funct3[funct3] : NULL;

		FUZZ_CHECK((r == 0) == (e && e->valid));
		if (r)
			return;
		FUZZ_CHECK(a.insn_len == 4);
		FUZZ_CHECK(a.width == e->width);
		FUZZ_CHECK(a.sign_extend == e->sign_extend);
		FUZZ_CHECK(a.is_store == (opcode == OP_STORE));
		FUZZ_CHECK(a.reg == (opcode == OP_STORE ? (insn >> 20) & 31 : (insn >> 7) & 31));
	}
	/* immediate and rs1 do not matter: the address comes from stval/htval */
	FUZZ_CHECK(decode_insn(transform(insn, noise), &b) == 0);
	FUZZ_CHECK(same_access(&a, &b));
	/* the htinst for it decodes to the same access */
	FUZZ_CHECK(decode_htinst(transform(insn, noise), &b) == 0);
	FUZZ_CHECK(same_access(&a, &b));
}

static int is_pseudo(uint64_t htinst)
{
	return htinst == 0x2000 || htinst == 0x3000 || htinst == 0x2020 || htinst == 0x3020;
}

static void check_htinst(uint64_t htinst)
{
	struct mmio_access a, b;
	int r = decode_htinst(htinst, &a);

	FUZZ_CHECK(mmio_htinst_is_pseudo(htinst) == (bool)is_pseudo(htinst));
	if (r)
		return;
	/* never zero, a page-table walk, or a value with the upper half set */
	FUZZ_CHECK(htinst >> 32 == 0);
	FUZZ_CHECK(htinst & 1);
	FUZZ_CHECK(!is_pseudo(htinst));
	FUZZ_CHECK(a.insn_len == ((htinst & 2) ? 4u : 2u));
	/* a transformed instruction is itself the 32-bit load/store it names */
	FUZZ_CHECK(decode_insn((uint32_t)htinst | 2, &b) == 0);
	b.insn_len = a.insn_len;
	FUZZ_CHECK(same_access(&a, &b));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size, 0 };

	do {
		uint32_t insn = fuzz_u32(&in);
		uint64_t htinst = fuzz_u64(&in);

		check_insn(insn, htinst);
		check_htinst(htinst);
		/* the low word as an htinst too: the common case on real harts */
		check_htinst(insn);
	} while (fuzz_more(&in));
	return 0;
}
