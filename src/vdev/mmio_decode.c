/*
 * Decoding the guest load or store that faulted on an emulated MMIO region.
 * See include/mmio_decode.h. Pure logic: no CSRs, builds on the host too.
 *
 * Only the integer loads and stores a driver uses for device registers are
 * accepted. Anything else (FP, AMO, LR/SC, HLV/HSV, Zcb, ...) is refused so
 * the caller injects a fault instead of emulating something half right.
 */
#include "mmio_decode.h"

#define OPCODE_LOAD	0x03
#define OPCODE_STORE	0x23

/* Fields of a 32-bit instruction. */
static inline unsigned int insn_opcode(uint32_t insn)
{
	return insn & 0x7f;
}

static inline unsigned int insn_funct3(uint32_t insn)
{
	return (insn >> 12) & 0x7;
}

static inline unsigned int insn_rd(uint32_t insn)
{
	return (insn >> 7) & 0x1f;
}

static inline unsigned int insn_rs2(uint32_t insn)
{
	return (insn >> 20) & 0x1f;
}

unsigned int insn_length(uint32_t low_bits)
{
	/* 48-bit and longer encodings are not ratified; nothing here uses them. */
	return (low_bits & 0x3) == 0x3 ? 4 : 2;
}

static void set_access(struct mmio_access *out, unsigned int insn_len,
		       unsigned int width, bool is_store, bool sign_extend,
		       unsigned int reg)
{
	out->insn_len = insn_len;
	out->width = width;
	out->is_store = is_store;
	out->sign_extend = sign_extend;
	out->reg = reg;
}

/*
 * Loads: funct3 0..3 are LB LH LW LD (width 1 << funct3, signed; LD has
 * nothing to extend), 4..6 are LBU LHU LWU. funct3 7 is reserved.
 */
static int decode_load_funct3(unsigned int funct3, unsigned int *width,
			      bool *sign_extend)
{
	if (funct3 == 7)
		return -1;
	*width = 1u << (funct3 & 3);
	*sign_extend = funct3 < 3;
	return 0;
}

/*
 * Decode the opcode/funct3/rd/rs2 of a 32-bit basic load or store. The
 * immediate and rs1 fields are not looked at: the faulting address comes
 * from stval/htval, and in a transformed htinst those fields are zero or
 * "Addr. Offset" anyway. insn_len is passed in because a transformed
 * instruction may stand for a 16-bit original.
 */
static int decode_basic_load_store(uint32_t insn, unsigned int insn_len,
				   struct mmio_access *out)
{
	unsigned int funct3 = insn_funct3(insn);
	unsigned int width;
	bool sign_extend;

	switch (insn_opcode(insn)) {
	case OPCODE_LOAD:
		if (decode_load_funct3(funct3, &width, &sign_extend))
			return -1;
		set_access(out, insn_len, width, false, sign_extend,
			   insn_rd(insn));
		return 0;
	case OPCODE_STORE:
		if (funct3 > 3) /* SB SH SW SD only */
			return -1;
		set_access(out, insn_len, 1u << funct3, true, false,
			   insn_rs2(insn));
		return 0;
	default:
		return -1;
	}
}

/* RV64C: quadrant in bits 1:0, funct3 in bits 15:13. */
#define C_Q0		0x0
#define C_Q2		0x2

#define C_LW		0x2
#define C_LD		0x3
#define C_SW		0x6
#define C_SD		0x7

/* C.LW/C.LD/C.SW/C.SD name x8..x15 with a 3-bit field. */
static inline unsigned int c_reg_prime(uint32_t insn, unsigned int shift)
{
	return 8 + ((insn >> shift) & 0x7);
}

static int decode_compressed_q0(unsigned int funct3, uint32_t insn,
				struct mmio_access *out)
{
	/* rd' (loads) and rs2' (stores) share bits 4:2 */
	unsigned int reg = c_reg_prime(insn, 2);

	switch (funct3) {
	case C_LW:
		set_access(out, 2, 4, false, true, reg);
		return 0;
	case C_LD:
		set_access(out, 2, 8, false, false, reg);
		return 0;
	case C_SW:
		set_access(out, 2, 4, true, false, reg);
		return 0;
	case C_SD:
		set_access(out, 2, 8, true, false, reg);
		return 0;
	default:
		/* C.ADDI4SPN, C.FLD, C.FSD, reserved / Zcb */
		return -1;
	}
}

static int decode_compressed_q2(unsigned int funct3, uint32_t insn,
				struct mmio_access *out)
{
	unsigned int rd = (insn >> 7) & 0x1f;
	unsigned int rs2 = (insn >> 2) & 0x1f;

	switch (funct3) {
	case C_LW: /* C.LWSP */
		if (rd == 0) /* reserved */
			return -1;
		set_access(out, 2, 4, false, true, rd);
		return 0;
	case C_LD: /* C.LDSP */
		if (rd == 0) /* reserved */
			return -1;
		set_access(out, 2, 8, false, false, rd);
		return 0;
	case C_SW: /* C.SWSP */
		set_access(out, 2, 4, true, false, rs2);
		return 0;
	case C_SD: /* C.SDSP */
		set_access(out, 2, 8, true, false, rs2);
		return 0;
	default:
		/* C.SLLI, C.FLDSP, C.JR/C.MV/C.ADD..., C.FSDSP */
		return -1;
	}
}

static int decode_compressed(uint32_t insn, struct mmio_access *out)
{
	unsigned int funct3 = (insn >> 13) & 0x7;

	switch (insn & 0x3) {
	case C_Q0:
		return decode_compressed_q0(funct3, insn, out);
	case C_Q2:
		return decode_compressed_q2(funct3, insn, out);
	default:
		/* quadrant 1 holds no loads or stores */
		return -1;
	}
}

int mmio_decode_insn(uint32_t insn, struct mmio_access *out)
{
	/*
	 * A compressed instruction only owns the low 16 bits: the caller may
	 * have fetched 32 bits, the upper half being the next instruction.
	 */
	if (insn_length(insn) == 2)
		return decode_compressed(insn & 0xffff, out);
	return decode_basic_load_store(insn, 4, out);
}

#define HTINST_PSEUDO_READ32	0x00002000
#define HTINST_PSEUDO_READ64	0x00003000
#define HTINST_PSEUDO_WRITE32	0x00002020	/* A/D bit update */
#define HTINST_PSEUDO_WRITE64	0x00003020

bool mmio_htinst_is_pseudo(uint64_t htinst)
{
	switch (htinst) {
	case HTINST_PSEUDO_READ32:
	case HTINST_PSEUDO_READ64:
	case HTINST_PSEUDO_WRITE32:
	case HTINST_PSEUDO_WRITE64:
		return true;
	default:
		return false;
	}
}

/*
 * htinst holds either zero, a transformed standard instruction (bit 0 set),
 * a custom value (bit 0 set, custom opcode), or a pseudoinstruction for an
 * implicit VS-stage page-table access (bits 1:0 == 00). Per the privileged
 * spec, software interpreting it must verify the value fully, including
 * that bits 63:32 are zero, and may treat anything unrecognised as zero.
 *
 * A transformed basic load/store keeps funct3, opcode and rd (loads) or
 * rs2 (stores); the immediate is zeroed and rs1 becomes "Addr. Offset",
 * nonzero only for a misaligned access. Neither is needed here, and the
 * spec says the immediate bits need not be checked (a future version may
 * put hints in them), so they are ignored. A compressed original is
 * expanded to its 32-bit equivalent, transformed, and has bit 1 cleared.
 */
int mmio_decode_htinst(uint64_t htinst, struct mmio_access *out)
{
	uint32_t insn = (uint32_t)htinst;

	if (htinst >> 32)
		return -1;
	/*
	 * Bit 0 clear covers zero and the pseudoinstructions (bits 1:0 == 00):
	 * those describe a guest page-table access, not the guest's own
	 * load/store, so they must never decode as one.
	 */
	if (!(insn & 0x1))
		return -1;
	if (insn & 0x2)
		return decode_basic_load_store(insn, 4, out);
	return decode_basic_load_store(insn | 0x2, 2, out);
}
