/*
 * Fuzz target: the virtual PLIC's register model (src/vdev/vplic.c). A
 * guest reads and writes any offset of its PLIC window with any value,
 * while devices raise and lower their lines; the model must stay a PLIC.
 *
 * The input: one byte for the number of vCPUs (0..9: the model clamps to
 * VPLIC_MAX_CONTEXTS contexts), then operations until it runs out: a read,
 * a write or a line change, each an opcode byte and its operands. Offsets
 * are picked by region (priorities, pending words, enable words and
 * context registers of every context, a few past the last, misaligned
 * ones, anything below VPLIC_SIZE or beyond it).
 *
 * A small reference model kept here, written from include/vplic.h and the
 * PLIC specification rather than from vplic.c, follows every operation.
 * After each one:
 *   - every register read gives what the model says, claims included:
 *     0, or the enabled pending source of the highest priority above the
 *     context's threshold (the lowest id among equals);
 *   - a source is never claimed twice without a completion between;
 *   - whether each context wants an interrupt (vplic_context_asserted)
 *     matches a recomputation from scratch, for every context and past;
 *   - the state itself matches the model: no bits for source 0 or for
 *     contexts that do not exist, priorities and thresholds 3 bits wide,
 *     nothing both pending and claimed, nothing pending with its line low.
 */
#include <string.h>

#include "fuzz_check.h"
#include "vplic.h"

/* bitmaps: bit s is source s (kept as bitmaps so each step stays cheap) */
struct model {
	unsigned int nr_contexts;
	unsigned int priority[VPLIC_SOURCES];
	uint64_t level, pending, claimed;
	uint64_t enable[VPLIC_MAX_CONTEXTS];
	unsigned int threshold[VPLIC_MAX_CONTEXTS];
};

#define BIT(s) (1ULL << (s))

static struct vplic plic;
static struct model m;

/* The claim ctx would get now, or 0. */
static unsigned int model_best(unsigned int ctx)
{
	unsigned int best = 0;

	if (ctx >= m.nr_contexts || !(m.pending & m.enable[ctx]))
		return 0;
	for (unsigned int s = 1; s < VPLIC_SOURCES; s++)
		if ((m.pending & m.enable[ctx] & BIT(s)) && m.priority[s] > m.threshold[ctx] &&
		    (!best || m.priority[s] > m.priority[best]))
			best = s;
	return best;
}

static uint32_t model_bits(uint64_t map, unsigned int word)
{
	return (uint32_t)(map >> (32 * word));
}

/*
 * What a register is, for the model: the region, the context and the
 * index (source, word or register) within it; false for no register.
 */
enum region { PRIORITY, PENDING, ENABLE, THRESHOLD, CLAIM };

static bool decode(uint64_t off, enum region *r, unsigned int *ctx, unsigned int *idx)
{
	if (off % 4 || off >= VPLIC_SIZE)
		return false;
	*ctx = 0;
	if (off < PLIC_PENDING_BASE) {
		*r = PRIORITY;
		*idx = (unsigned int)(off / 4);
		return *idx < VPLIC_SOURCES;
	}
	if (off < PLIC_ENABLE_BASE) {
		*r = PENDING;
		*idx = (unsigned int)((off - PLIC_PENDING_BASE) / 4);
		return *idx < 2;
	}
	if (off < PLIC_CONTEXT_BASE) {
		*r = ENABLE;
		*ctx = (unsigned int)((off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE);
		*idx = (unsigned int)((off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4);
		return *ctx < m.nr_contexts && *idx < 2;
	}
	*ctx = (unsigned int)((off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE);
	switch ((off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE) {
	case 0: *r = THRESHOLD; break;
	case 4: *r = CLAIM; break;
	default: return false;
	}
	return *ctx < m.nr_contexts;
}

static uint32_t model_read(uint64_t off)
{
	enum region r;
	unsigned int ctx, idx, s;

	if (!decode(off, &r, &ctx, &idx))
		return 0;
	switch (r) {
	case PRIORITY: return m.priority[idx];
	case PENDING: return model_bits(m.pending, idx);
	case ENABLE: return model_bits(m.enable[ctx], idx);
	case THRESHOLD: return m.threshold[ctx];
	case CLAIM:
		s = model_best(ctx);
		if (s) {
			/* the gateway sends no new request before completion */
			FUZZ_CHECK(!(m.claimed & BIT(s)));
			m.pending &= ~BIT(s);
			m.claimed |= BIT(s);
		}
		return s;
	}
	return 0;
}

static void model_write(uint64_t off, uint32_t v)
{
	enum region r;
	unsigned int ctx, idx;

	if (!decode(off, &r, &ctx, &idx))
		return;
	switch (r) {
	case PRIORITY:
		if (idx) /* source 0 does not exist */
			m.priority[idx] = v & VPLIC_PRIORITY_MASK;
		break;
	case PENDING: /* read-only */
		break;
	case ENABLE:
		m.enable[ctx] &= ~(0xffffffffULL << (32 * idx));
		m.enable[ctx] |= (uint64_t)v << (32 * idx);
		m.enable[ctx] &= ~BIT(0); /* source 0 does not exist */
		break;
	case THRESHOLD:
		m.threshold[ctx] = v & VPLIC_PRIORITY_MASK;
		break;
	case CLAIM: /* completion: of a source this context enables, in service */
		if (v && v < VPLIC_SOURCES && (m.enable[ctx] & m.claimed & BIT(v))) {
			m.claimed &= ~BIT(v);
			m.pending |= m.level & BIT(v);
		}
		break;
	}
}

static void model_set_level(unsigned int src, bool level)
{
	if (!src || src >= VPLIC_SOURCES)
		return;
	m.level = (m.level & ~BIT(src)) | (level ? BIT(src) : 0);
	m.pending = (m.pending & ~BIT(src)) | (level && !(m.claimed & BIT(src)) ? BIT(src) : 0);
}

static void check_state(void)
{
	FUZZ_CHECK(plic.nr_contexts == m.nr_contexts);
	FUZZ_CHECK(plic.level == m.level);
	FUZZ_CHECK(plic.pending == m.pending);
	FUZZ_CHECK(plic.claimed == m.claimed);
	FUZZ_CHECK(!(plic.pending & plic.claimed));
	FUZZ_CHECK(!(plic.pending & ~plic.level));
	FUZZ_CHECK(!((plic.pending | plic.claimed | plic.level) & 1));
	for (unsigned int s = 0; s < VPLIC_SOURCES; s++)
		FUZZ_CHECK(plic.priority[s] == m.priority[s] && m.priority[s] <= VPLIC_PRIORITY_MASK);
	for (unsigned int c = 0; c < VPLIC_MAX_CONTEXTS + 2; c++) {
		FUZZ_CHECK(vplic_context_asserted(&plic, c) == (model_best(c) != 0));
		if (c >= VPLIC_MAX_CONTEXTS)
			continue;
		FUZZ_CHECK(plic.enable[c] == m.enable[c]);
		FUZZ_CHECK(plic.threshold[c] == m.threshold[c]);
	}
}

/* An offset in the PLIC window, chosen by region so most name a register. */
static uint64_t offset(struct fuzz_input *in)
{
	uint8_t k = fuzz_u8(in);
	unsigned int ctx = fuzz_u8(in) % (VPLIC_MAX_CONTEXTS + 2);

	switch (k % 8) {
	case 0: return PLIC_PRIORITY_BASE + 4 * (fuzz_u8(in) % (VPLIC_SOURCES + 4));
	case 1: return PLIC_PENDING_BASE + 4 * (fuzz_u8(in) % 4);
	case 2: return PLIC_ENABLE_BASE + PLIC_ENABLE_STRIDE * ctx + 4 * (fuzz_u8(in) % 4);
	case 3: return PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * ctx;      /* threshold */
	case 4: return PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * ctx + 4;  /* claim */
	case 5: return PLIC_CONTEXT_BASE + PLIC_CONTEXT_STRIDE * ctx + (k >> 3); /* odd ones */
	case 6: return fuzz_u32(in) % (VPLIC_SIZE + 0x1000);
	default: return fuzz_u64(in);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size, 0 };
	unsigned int nr_vcpus = fuzz_u8(&in) % (KEEL_MAX_VCPUS + 2);

	vplic_init(&plic, nr_vcpus);
	memset(&m, 0, sizeof(m));
	m.nr_contexts = 2 * nr_vcpus < VPLIC_MAX_CONTEXTS ? 2 * nr_vcpus : VPLIC_MAX_CONTEXTS;
	check_state();
	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in);

		if (op % 3 == 0) {
			uint64_t off = offset(&in);
			uint32_t want = model_read(off);

#ifdef FUZZ_TRACE
			fprintf(stderr, "read 0x%llx -> 0x%x\n", (unsigned long long)off, want);
#endif
			FUZZ_CHECK(vplic_read(&plic, off) == want);
		} else if (op % 3 == 1) {
			uint64_t off = offset(&in);
			/* small values mostly: sources to complete, priorities */
			uint32_t v = op & 0x80 ? fuzz_u32(&in) : fuzz_u8(&in);

			vplic_write(&plic, off, v);
			model_write(off, v);
		} else {
			unsigned int src = fuzz_u8(&in) % (VPLIC_SOURCES + 2);

			vplic_set_level(&plic, src, op & 0x80);
			model_set_level(src, op & 0x80);
		}
		check_state();
	}
	return 0;
}
