/*
 * Physical memory for Keel: a list of free ranges built from the RAM the
 * device tree reports, minus everything reserved (OpenSBI's region, Keel's
 * own image, the device tree, the bundle of guest images). Allocation is
 * first-fit with alignment, and whole ranges can be given back. Keel runs
 * with the MMU off, so a physical address is also its pointer.
 *
 * Pure logic: the allocator works on any struct mem_pool, so tests/unit
 * drives it on made-up maps.
 */
#ifndef KEEL_MEM_H
#define KEEL_MEM_H

#include <stdint.h>

#include "must_check.h"

#define MEM_POOL_MAX_RANGES 64

struct mem_pool {
	struct {
		uint64_t base, size;
	} free[MEM_POOL_MAX_RANGES];
	unsigned int nr_free;
};

void mem_pool_init(struct mem_pool *pool);
/*
 * Add RAM. Returns -1 if the pool has no room for another range, or the
 * range is empty, wraps past the top of the address space, or overlaps RAM
 * already added.
 */
int mem_pool_add(struct mem_pool *pool, uint64_t base, uint64_t size) MUST_CHECK;
/* Remove [base, base+size) from the free ranges, wherever it overlaps. */
int mem_pool_reserve(struct mem_pool *pool, uint64_t base, uint64_t size) MUST_CHECK;
/* First fit; align must be a power of two. Returns 0 when nothing fits. */
uint64_t mem_pool_alloc(struct mem_pool *pool, uint64_t size, uint64_t align) MUST_CHECK;
/* Give a range back (it is merged with its neighbours). */
int mem_pool_free(struct mem_pool *pool, uint64_t base, uint64_t size) MUST_CHECK;
uint64_t mem_pool_free_bytes(const struct mem_pool *pool);

/* Keel's own pool, over the machine's RAM (set up in keel_main). */
extern struct mem_pool keel_mem;
/* Zeroed pages from keel_mem, or NULL. */
void *page_alloc(uint64_t size, uint64_t align) MUST_CHECK;

#endif
