/*
 * The decode cache of the MMIO fast path: what an instruction word does,
 * remembered from the last time mmio_decode_insn() or
 * mmio_decode_htinst() decoded it.
 *
 * The key is the instruction word itself, never the guest pc: decoding is
 * a pure function of the word, so an entry is right wherever and whenever
 * the same word faults again, and a guest that rewrites its code (or maps
 * another page at the same address) simply misses. The fast path still
 * reads the word each time (one HLVX.WU, or htinst); what the cache saves
 * is the decoding. Raw words and htinst values live in separate tables:
 * the same 32 bits mean a compressed instruction in one and a transformed
 * one in the other.
 *
 * Each entry is one 64-bit word, written and read whole, so vCPUs of one
 * VM on several harts can share the table without a lock: a racing fill
 * replaces one correct entry by another. Only accesses the fast path may
 * serve are entered: a register in the short context (not x0, not
 * s0-s11). Pure logic: no CSRs, tested in tests/unit/test_mmio_cache.c.
 */
#ifndef KEEL_MMIO_CACHE_H
#define KEEL_MMIO_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "mmio_decode.h"

#define MMIO_CACHE_SLOTS 8 /* per table; a power of two */

/*
 * Entry: bits 63:32 the word; bits 31:0 what it does, laid out so that
 * the fast path gets each field with one or two instructions:
 *   bits 2:0    the instruction's length, 2 or 4 (never 0)
 *   bits 7:3    the x-register (bits 7:3 alone are its offset in the context)
 *   bit 8       a store
 *   bits 31:26  a load's sign extension: shift left, then arithmetic right
 */
#define MMIO_CACHE_LEN_MASK	   7U
#define MMIO_CACHE_REG_OFFSET_MASK 0xf8U
#define MMIO_CACHE_STORE	   (1U << 8)
#define MMIO_CACHE_EXTEND_SHIFT	   26

struct mmio_cache {
	uint64_t insn[MMIO_CACHE_SLOTS];   /* words read from the guest at sepc */
	uint64_t htinst[MMIO_CACHE_SLOTS]; /* transformed instructions from htinst */
};

/*
 * The slot for the instruction at guest pc: bits 3:1 of the pc pick it
 * (one shift, one mask), so the few device accesses of a driver's loop
 * (an LSR poll, a THR store a few instructions on) fall into different
 * slots. The pc only spreads the entries: what an entry says comes from
 * its word alone, which a lookup compares.
 */
static inline uint64_t *mmio_cache_entry(uint64_t *table, unsigned long pc)
{
	return (uint64_t *)((char *)table + ((pc << 2) & ((MMIO_CACHE_SLOTS - 1) * 8)));
}

/*
 * What a decoded access becomes in an entry, or 0 when the fast path must
 * not serve it (x0: the context has no slot that reads as zero for a
 * store; s0-s11: not in the short context).
 */
uint32_t mmio_cache_info(const struct mmio_access *a);

/*
 * Remember that word, the instruction at guest pc, decodes to a (nothing
 * if mmio_cache_info() says 0).
 */
void mmio_cache_fill(uint64_t *table, unsigned long pc, uint32_t word, const struct mmio_access *a);

/*
 * What word, the instruction at guest pc, does, from its entry in table,
 * or 0. The word is 32 bits; any
 * bit above them set (an htinst the decoder refuses) never matches. The
 * info of an entry is never 0 (its length is 2 or 4): 0 only says "miss",
 * even for the word 0 against an empty slot.
 */
static inline uint32_t mmio_cache_lookup(uint64_t *table, unsigned long pc, unsigned long word)
{
	uint64_t e = __atomic_load_n(mmio_cache_entry(table, pc), __ATOMIC_RELAXED);

	return e >> 32 == word ? (uint32_t)e : 0;
}

static inline bool mmio_cache_is_store(uint32_t info)
{
	return info & MMIO_CACHE_STORE;
}

static inline unsigned int mmio_cache_reg(uint32_t info)
{
	return (info & MMIO_CACHE_REG_OFFSET_MASK) / 8;
}

/* The register in the context: x[reg] is at reg * 8 */
static inline unsigned long *mmio_cache_reg_in(uint32_t info, unsigned long *x)
{
	return (unsigned long *)((char *)x + (info & MMIO_CACHE_REG_OFFSET_MASK));
}

/* 2 or 4; 0 only for a missing entry */
static inline unsigned int mmio_cache_len(uint32_t info)
{
	return info & MMIO_CACHE_LEN_MASK;
}

/*
 * A load's register value from a device register of at most 8 bits
 * (zero-extended): only LB has a sign to extend, and LH/LW of a byte are
 * the byte. The shift is 56 for LB, else 0.
 */
static inline unsigned long mmio_cache_extend_byte(uint32_t info, unsigned long byte)
{
	unsigned int shift = info >> MMIO_CACHE_EXTEND_SHIFT;

	return (unsigned long)((long)(byte << shift) >> shift);
}

#endif
