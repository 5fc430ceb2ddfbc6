/* The decode cache of the MMIO fast path (include/mmio_cache.h). Pure logic. */
#include "mmio_cache.h"
#include "vcpu_context.h"

uint32_t mmio_cache_info(const struct mmio_access *a)
{
	/* LB: the only load whose byte value has a sign to extend */
	unsigned int shift = !a->is_store && a->sign_extend && a->width == 1 ? 56 : 0;

	if (a->reg == 0 || ctx_reg_is_callee_saved(a->reg))
		return 0;
	return a->insn_len | a->reg * 8 | (a->is_store ? MMIO_CACHE_STORE : 0) |
	       shift << MMIO_CACHE_EXTEND_SHIFT;
}

void mmio_cache_fill(uint64_t *table, unsigned long pc, uint32_t word, const struct mmio_access *a)
{
	uint32_t info = mmio_cache_info(a);

	if (info)
		__atomic_store_n(mmio_cache_entry(table, pc), (uint64_t)word << 32 | info,
				 __ATOMIC_RELAXED);
}
