/*
 * The virtual PLIC's registers: see include/vplic.h.
 *
 * Followed from the PLIC specification (riscv-plic-spec 1.0.0) and QEMU
 * virt's model: priorities are WARL with 3 bits; the pending array is
 * read-only (a guest cannot raise an interrupt by writing it); enable bit
 * 0 is hardwired to zero; a claim returns the highest-priority source that
 * is pending, enabled in that context and above its threshold, the lowest
 * id among equals, or 0; a completion of a source the context does not
 * enable is ignored. Offsets between the registers read as 0 and ignore
 * writes, as they do on QEMU.
 */
#include "vplic.h"

/* Sources that exist: 1..VPLIC_NDEV */
#define SOURCE_MASK (~0ULL << 1)

void vplic_init(struct vplic *p, unsigned int nr_vcpus)
{
	*p = (struct vplic){ 0 };
	p->nr_contexts = 2 * nr_vcpus;
	if (p->nr_contexts > VPLIC_MAX_CONTEXTS)
		p->nr_contexts = VPLIC_MAX_CONTEXTS;
}

bool vplic_access_ok(uint64_t offset, unsigned int width)
{
	return width == 4 && !(offset & 3) && offset < VPLIC_SIZE;
}

/* What an offset in the context area names, and for which context */
enum context_reg { CTX_THRESHOLD, CTX_CLAIM, CTX_NONE };

static enum context_reg context_reg(const struct vplic *p, uint64_t offset, unsigned int *ctx)
{
	uint64_t rel = offset - PLIC_CONTEXT_BASE;

	*ctx = (unsigned int)(rel / PLIC_CONTEXT_STRIDE);
	if (*ctx >= p->nr_contexts)
		return CTX_NONE;
	switch (rel % PLIC_CONTEXT_STRIDE) {
	case 0:
		return CTX_THRESHOLD;
	case PLIC_CLAIM_OFFSET:
		return CTX_CLAIM;
	default:
		return CTX_NONE;
	}
}

/* The source a claim by ctx would get, or 0. */
static unsigned int best_source(const struct vplic *p, unsigned int ctx)
{
	uint64_t candidates = p->pending & p->enable[ctx];
	unsigned int best = 0, best_prio = p->threshold[ctx];

	while (candidates) {
		unsigned int s = (unsigned int)__builtin_ctzll(candidates);

		candidates &= candidates - 1;
		/* strictly above: the lowest id wins among equals */
		if (p->priority[s] > best_prio) {
			best = s;
			best_prio = p->priority[s];
		}
	}
	return best;
}

bool vplic_context_asserted(const struct vplic *p, unsigned int ctx)
{
	return ctx < p->nr_contexts && best_source(p, ctx) != 0;
}

static uint32_t claim(struct vplic *p, unsigned int ctx)
{
	unsigned int s = best_source(p, ctx);

	if (s) {
		p->pending &= ~(1ULL << s);
		p->claimed |= 1ULL << s;
	}
	return s;
}

static void complete(struct vplic *p, unsigned int ctx, uint32_t src)
{
	uint64_t bit;

	if (src == 0 || src >= VPLIC_SOURCES)
		return;
	bit = 1ULL << src;
	if (!(p->enable[ctx] & bit) || !(p->claimed & bit))
		return;
	p->claimed &= ~bit;
	/* the gateway forwards a line that is still high again */
	if (p->level & bit)
		p->pending |= bit;
}

void vplic_set_level(struct vplic *p, unsigned int src, bool level)
{
	uint64_t bit;

	if (src == 0 || src >= VPLIC_SOURCES)
		return;
	bit = 1ULL << src;
	if (level) {
		p->level |= bit;
		/* one request at a time per source: none while it is claimed */
		if (!(p->claimed & bit))
			p->pending |= bit;
	} else {
		/* a level request that is withdrawn before the claim goes away */
		p->level &= ~bit;
		p->pending &= ~bit;
	}
}

/* 32 bits of a 64-bit source bitmap: word 0 holds sources 0..31 */
static uint32_t bitmap_word(uint64_t map, uint64_t word)
{
	return word < 2 ? (uint32_t)(map >> (32 * word)) : 0;
}

uint32_t vplic_read(struct vplic *p, uint64_t offset)
{
	unsigned int ctx;

	if (!vplic_access_ok(offset, 4))
		return 0;
	if (offset < PLIC_PENDING_BASE) {
		uint64_t s = offset / 4;
		return s < VPLIC_SOURCES ? p->priority[s] : 0;
	}
	if (offset < PLIC_ENABLE_BASE)
		return bitmap_word(p->pending, (offset - PLIC_PENDING_BASE) / 4);
	if (offset < PLIC_CONTEXT_BASE) {
		uint64_t rel = offset - PLIC_ENABLE_BASE;

		ctx = (unsigned int)(rel / PLIC_ENABLE_STRIDE);
		if (ctx >= p->nr_contexts)
			return 0;
		return bitmap_word(p->enable[ctx], (rel % PLIC_ENABLE_STRIDE) / 4);
	}
	switch (context_reg(p, offset, &ctx)) {
	case CTX_THRESHOLD:
		return p->threshold[ctx];
	case CTX_CLAIM:
		return claim(p, ctx);
	default:
		return 0;
	}
}

static void write_enable(struct vplic *p, uint64_t offset, uint32_t value)
{
	uint64_t rel = offset - PLIC_ENABLE_BASE;
	unsigned int ctx = (unsigned int)(rel / PLIC_ENABLE_STRIDE);
	uint64_t word = (rel % PLIC_ENABLE_STRIDE) / 4;
	uint64_t mask;

	if (ctx >= p->nr_contexts || word > 1)
		return;
	mask = 0xffffffffULL << (32 * word);
	p->enable[ctx] = (p->enable[ctx] & ~mask) | (((uint64_t)value << (32 * word)) & mask);
	p->enable[ctx] &= SOURCE_MASK;
}

void vplic_write(struct vplic *p, uint64_t offset, uint32_t value)
{
	unsigned int ctx;

	if (!vplic_access_ok(offset, 4))
		return;
	if (offset < PLIC_PENDING_BASE) {
		uint64_t s = offset / 4;
		if (s > 0 && s < VPLIC_SOURCES)
			p->priority[s] = value & VPLIC_PRIORITY_MASK;
		return;
	}
	if (offset < PLIC_ENABLE_BASE)
		return; /* pending is read-only */
	if (offset < PLIC_CONTEXT_BASE) {
		write_enable(p, offset, value);
		return;
	}
	switch (context_reg(p, offset, &ctx)) {
	case CTX_THRESHOLD:
		p->threshold[ctx] = value & VPLIC_PRIORITY_MASK;
		return;
	case CTX_CLAIM:
		complete(p, ctx, value);
		return;
	default:
		return;
	}
}
