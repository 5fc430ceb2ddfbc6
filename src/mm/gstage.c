/*
 * Building G-stage tables. Leaves carry U=1 because the H extension treats
 * every G-stage access as a user access, and A=D=1 so the hardware never
 * needs to update them (QEMU without Svadu faults on A/D = 0 instead).
 */
#include <stdbool.h>

#include "gstage.h"
#include "riscv.h"

#define LEAF_FLAGS (PTE_V | PTE_U | PTE_A | PTE_D)

static unsigned int level_shift(unsigned int level)
{
	return PAGE_SHIFT + 9 * level; /* level 0 = 4 KiB leaves */
}

/* The root level indexes two more bits than the others (the "x4"). */
static uint64_t index_at(const struct gstage *g, uint64_t gpa, unsigned int level)
{
	uint64_t bits = (level == g->levels - 1) ? 11 : 9;
	return (gpa >> level_shift(level)) & ((1UL << bits) - 1);
}

uint64_t gstage_gpa_limit(const struct gstage *g)
{
	return 1UL << (level_shift(g->levels - 1) + 11);
}

static uint64_t *table_ptr(const struct gstage *g, uint64_t pa)
{
	return g->ops.phys_to_ptr(g->ops.ctx, pa);
}

static uint64_t pte_pa(uint64_t pte)
{
	return (pte >> PTE_PPN_SHIFT) << PAGE_SHIFT;
}

static bool pte_is_leaf(uint64_t pte)
{
	return pte & (PTE_R | PTE_W | PTE_X);
}

/*
 * Walk down to the table at `level` for gpa, creating tables on the way
 * when create is set; 0 when one is missing (and not created) or cannot
 * be allocated, or a bigger page already maps the range.
 */
static uint64_t *walk(struct gstage *g, uint64_t gpa, unsigned int level, bool create)
{
	uint64_t *table = table_ptr(g, g->root_pa);

	for (unsigned int l = g->levels - 1; l > level; l--) {
		uint64_t *pte = &table[index_at(g, gpa, l)];
		if (!(*pte & PTE_V)) {
			uint64_t pa;

			if (!create)
				return 0;
			pa = g->ops.alloc_table(g->ops.ctx);
			if (!pa)
				return 0;
			g->nr_tables++;
			*pte = ((pa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V;
		} else if (pte_is_leaf(*pte)) {
			return 0; /* a bigger page already maps this range */
		}
		table = table_ptr(g, pte_pa(*pte));
	}
	return table;
}

static unsigned long *leaf_count(struct gstage *g, unsigned int level)
{
	return level == 2 ? &g->nr_1g : level == 1 ? &g->nr_2m : &g->nr_4k;
}

static int map_one(struct gstage *g, uint64_t gpa, uint64_t hpa, unsigned int level,
		   unsigned int prot, bool create)
{
	uint64_t *table = walk(g, gpa, level, create);
	uint64_t *pte;

	if (!table)
		return -1;
	pte = &table[index_at(g, gpa, level)];
	if (*pte & PTE_V)
		return -1; /* already mapped: refuse rather than silently remap */
	/*
	 * Release: whatever was written to the page before (a lazily zeroed
	 * block, vm_mem.c) is visible before the leaf that lets a guest in.
	 */
	__atomic_store_n(pte,
			 ((hpa >> PAGE_SHIFT) << PTE_PPN_SHIFT) | (prot & GSTAGE_RWX) | LEAF_FLAGS,
			 __ATOMIC_RELEASE);
	(*leaf_count(g, level))++;
	return 0;
}

static int check_range(const struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	if ((gpa | hpa | size) & (GSTAGE_PAGE_4K - 1) || !size)
		return -1;
	if (gpa + size < gpa || gpa + size > gstage_gpa_limit(g))
		return -1;
	return 0;
}

/* The biggest page that is aligned on both sides and fits: its level. */
static unsigned int page_level(uint64_t gpa, uint64_t hpa, uint64_t size)
{
	for (unsigned int l = 2; l > 0; l--) {
		uint64_t ps = 1UL << level_shift(l);
		if (!((gpa | hpa) & (ps - 1)) && size >= ps)
			return l;
	}
	return 0;
}

/* map_one for each page of the range; create: tables may be allocated */
static int map_range(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size,
		     unsigned int prot, bool create)
{
	if (check_range(g, gpa, hpa, size) || !(prot & GSTAGE_RWX))
		return -1;
	if ((prot & GSTAGE_W) && !(prot & GSTAGE_R))
		return -1; /* W without R is a reserved encoding */
	while (size) {
		unsigned int level = page_level(gpa, hpa, size);

		if (map_one(g, gpa, hpa, level, prot, create))
			return -1;
		gpa += 1UL << level_shift(level);
		hpa += 1UL << level_shift(level);
		size -= 1UL << level_shift(level);
	}
	return 0;
}

int gstage_map(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size, unsigned int prot)
{
	return map_range(g, gpa, hpa, size, prot, true);
}

int gstage_prepare(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	if (check_range(g, gpa, hpa, size))
		return -1;
	while (size) {
		unsigned int level = page_level(gpa, hpa, size);

		if (!walk(g, gpa, level, true))
			return -1;
		gpa += 1UL << level_shift(level);
		hpa += 1UL << level_shift(level);
		size -= 1UL << level_shift(level);
	}
	return 0;
}

int gstage_map_prepared(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size,
			unsigned int prot)
{
	return map_range(g, gpa, hpa, size, prot, false);
}

int gstage_unmap(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size)
{
	int r = 0;

	if (check_range(g, gpa, hpa, size))
		return -1;
	while (size) {
		unsigned int level = page_level(gpa, hpa, size);
		uint64_t *table = walk(g, gpa, level, false);
		uint64_t *pte = table ? &table[index_at(g, gpa, level)] : 0;

		if (pte && (*pte & PTE_V) && pte_is_leaf(*pte)) {
			__atomic_store_n(pte, 0, __ATOMIC_RELAXED);
			(*leaf_count(g, level))--;
		} else {
			r = -1; /* not mapped as gstage_map would have: leave it */
		}
		gpa += 1UL << level_shift(level);
		hpa += 1UL << level_shift(level);
		size -= 1UL << level_shift(level);
	}
	return r;
}

int gstage_translate(const struct gstage *g, uint64_t gpa, uint64_t *hpa,
		     unsigned int *prot, uint64_t *page_size)
{
	uint64_t *table = table_ptr(g, g->root_pa);

	if (gpa >= gstage_gpa_limit(g))
		return -1;
	for (int l = (int)g->levels - 1; l >= 0; l--) {
		uint64_t pte = table[index_at(g, gpa, (unsigned int)l)];
		if (!(pte & PTE_V))
			return -1;
		if (pte_is_leaf(pte)) {
			uint64_t ps = 1UL << level_shift((unsigned int)l);
			*hpa = pte_pa(pte) + (gpa & (ps - 1));
			*prot = (unsigned int)(pte & GSTAGE_RWX);
			*page_size = ps;
			return 0;
		}
		table = table_ptr(g, pte_pa(pte));
	}
	return -1;
}

uint64_t gstage_hgatp(const struct gstage *g, unsigned int vmid)
{
	uint64_t mode = g->levels == 4 ? HGATP_MODE_SV48X4 : HGATP_MODE_SV39X4;
	return (mode << HGATP_MODE_SHIFT) | (((uint64_t)vmid & HGATP_VMID_MASK) << HGATP_VMID_SHIFT) |
	       ((g->root_pa >> PAGE_SHIFT) & HGATP_PPN_MASK);
}
