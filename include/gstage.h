/*
 * G-stage (second-stage) page tables: guest physical -> host physical.
 * Sv39x4 (3 levels) or Sv48x4 (4 levels); the root table is 16 KiB because
 * the "x4" modes widen the guest address by two bits at the root.
 *
 * Pure logic: tables come from an allocator callback and physical
 * addresses are turned into pointers by another, so tests/unit builds real
 * tables in host memory and walks them.
 */
#ifndef KEEL_GSTAGE_H
#define KEEL_GSTAGE_H

#include <stdint.h>

#include "must_check.h"

#define GSTAGE_ROOT_SIZE 16384
#define GSTAGE_PAGE_4K (1UL << 12)
#define GSTAGE_PAGE_2M (1UL << 21)
#define GSTAGE_PAGE_1G (1UL << 30)

/* what the guest may do with a mapping (PTE_R/W/X) */
#define GSTAGE_R 0x2
#define GSTAGE_W 0x4
#define GSTAGE_X 0x8
#define GSTAGE_RWX (GSTAGE_R | GSTAGE_W | GSTAGE_X)

struct gstage_ops {
	/* a zeroed, 4 KiB-aligned 4 KiB table; returns its physical address or 0 */
	uint64_t (*alloc_table)(void *ctx);
	void *(*phys_to_ptr)(void *ctx, uint64_t pa);
	void *ctx;
};

struct gstage {
	unsigned int levels; /* 3 = Sv39x4, 4 = Sv48x4 */
	uint64_t root_pa;    /* 16 KiB aligned, zeroed by the caller */
	struct gstage_ops ops;
	/* statistics: how many leaves of each size were made */
	unsigned long nr_1g, nr_2m, nr_4k, nr_tables;
};

/* Highest guest physical address + 1 the table format can translate. */
uint64_t gstage_gpa_limit(const struct gstage *g);

/*
 * Map [gpa, gpa+size) to [hpa, hpa+size) with the largest pages alignment
 * allows (1 GiB, 2 MiB, 4 KiB). All of gpa, hpa, size must be 4 KiB
 * aligned. Returns 0, or -1 on bad arguments, overlap with an existing
 * mapping, or when a table cannot be allocated.
 */
int gstage_map(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size, unsigned int prot) MUST_CHECK;

/*
 * Mapping later, on a hart that must not allocate (guest RAM mapped a
 * 2 MiB block at a time as it is zeroed, vm_mem.c). gstage_prepare makes
 * every table gstage_map(gpa, hpa, size) would need and maps nothing;
 * gstage_map_prepared then maps as gstage_map does, but only into tables
 * that exist (-1 otherwise: it never allocates). gstage_unmap clears the
 * leaves gstage_map made for the same range (the caller fences); -1 if
 * any was not there, after clearing the others. Same arguments and
 * checks as gstage_map.
 */
int gstage_prepare(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size) MUST_CHECK;
int gstage_map_prepared(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size,
			unsigned int prot) MUST_CHECK;
int gstage_unmap(struct gstage *g, uint64_t gpa, uint64_t hpa, uint64_t size) MUST_CHECK;

/*
 * Translate one guest physical address. Returns 0 and fills hpa, prot and
 * the leaf's page size, or -1 when unmapped.
 */
int gstage_translate(const struct gstage *g, uint64_t gpa, uint64_t *hpa,
		     unsigned int *prot, uint64_t *page_size) MUST_CHECK;

/* hgatp value for this table: mode, VMID, root PPN. */
uint64_t gstage_hgatp(const struct gstage *g, unsigned int vmid);

#endif
