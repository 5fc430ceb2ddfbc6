/*
 * Decoding the guest load or store that faulted on an emulated MMIO region.
 *
 * When a guest touches a device Keel emulates, the G-stage has no mapping
 * there, so the access traps to Keel as a guest page fault (scause 21/23).
 * To emulate it Keel must know the access size, direction, signedness and
 * register. It gets the instruction either from htinst (a "transformed"
 * instruction, when the hardware provides one) or by reading the guest's
 * instruction at sepc with HLVX. Both paths end here: pure logic, no CSRs.
 */
#ifndef KEEL_MMIO_DECODE_H
#define KEEL_MMIO_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "must_check.h"

struct mmio_access {
	unsigned int insn_len; /* 2 or 4: how far to advance sepc */
	unsigned int width;    /* bytes accessed: 1, 2, 4 or 8 */
	bool is_store;
	bool sign_extend;      /* loads only: LB/LH/LW sign-extend, LBU/LHU/LWU/LD do not */
	unsigned int reg;      /* x-register: rd for loads, rs2 for stores (0..31);
				* a load into x0 is still decoded (the device read
				* happens), the caller must discard the value */
};

/* Length in bytes of the instruction whose low 16 bits are given (2 or 4). */
unsigned int insn_length(uint32_t low_bits);

/*
 * Decode a 16- or 32-bit integer load/store instruction (as fetched from the
 * guest: a compressed one in the low 16 bits). Returns 0 on success, -1 for
 * anything that is not a plain integer load or store (FP loads, AMOs, LR/SC
 * and everything else are refused: the caller injects a fault). Of the
 * compressed forms only RV64C's C.LW/C.LD/C.SW/C.SD and their SP-relative
 * variants are accepted (not Zcb). A compressed instruction is taken from
 * the low 16 bits alone, so a 32-bit fetch that ran into the next
 * instruction is fine. On -1, *out is left untouched.
 */
int mmio_decode_insn(uint32_t insn, struct mmio_access *out) MUST_CHECK;

/*
 * Decode htinst as written by the hardware on a guest page fault. Returns 0
 * on success; -1 when htinst is zero or not a transformed load/store (the
 * caller then fetches the instruction itself with HLVX). Refused too: the
 * VS-stage page-table pseudoinstructions (0x2000/0x3000/0x2020/0x3020),
 * values with bits 63:32 set, and transformed non-basic accesses (FP, AMO,
 * LR/SC, HLV/HSV). Bit 1 clear means a compressed original: insn_len 2.
 */
int mmio_decode_htinst(uint64_t htinst, struct mmio_access *out) MUST_CHECK;

/*
 * True when htinst is one of the pseudoinstructions above: the guest page
 * fault came from the hardware walking the guest's own page tables, not
 * from the instruction at sepc, and htval holds a page-table entry's
 * address. Such a fault must not be "emulated" by decoding sepc's
 * instruction against htval. (The spec requires the pseudoinstruction, not
 * zero, whenever htval is nonzero, so htinst == 0 is never such a walk.)
 */
bool mmio_htinst_is_pseudo(uint64_t htinst);

#endif
