/*
 * The free-range allocator behind all of Keel's memory: page tables, guest
 * RAM, vCPU state. Ranges are kept sorted and non-overlapping, so freeing
 * can merge neighbours and fragmentation stays visible in nr_free.
 */
#include <string.h>

#include "mm/mem.h"
#include "lib/memops.h"

struct mem_pool keel_mem;

/* Keel runs with physical addresses (no paging in HS): a range is a pointer */
void *page_alloc(uint64_t size, uint64_t align)
{
	uint64_t pa = mem_pool_alloc(&keel_mem, size, align);

	if (!pa)
		return NULL;
	mem_zero((void *)(uintptr_t)pa, size);
	return (void *)(uintptr_t)pa;
}

void mem_pool_init(struct mem_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
}

static int insert_at(struct mem_pool *pool, unsigned int i, uint64_t base, uint64_t size)
{
	if (pool->nr_free == MEM_POOL_MAX_RANGES)
		return -1;
	memmove(&pool->free[i + 1], &pool->free[i], (pool->nr_free - i) * sizeof(pool->free[0]));
	pool->free[i].base = base;
	pool->free[i].size = size;
	pool->nr_free++;
	return 0;
}

static void remove_at(struct mem_pool *pool, unsigned int i)
{
	memmove(&pool->free[i], &pool->free[i + 1], (pool->nr_free - i - 1) * sizeof(pool->free[0]));
	pool->nr_free--;
}

/* Merge range i with its successor when they touch. */
static void merge_next(struct mem_pool *pool, unsigned int i)
{
	if (i + 1 < pool->nr_free && pool->free[i].base + pool->free[i].size == pool->free[i + 1].base) {
		pool->free[i].size += pool->free[i + 1].size;
		remove_at(pool, i + 1);
	}
}

int mem_pool_free(struct mem_pool *pool, uint64_t base, uint64_t size)
{
	unsigned int i;

	if (!size || base + size < base)
		return -1;
	for (i = 0; i < pool->nr_free && pool->free[i].base < base; i++)
		;
	/* Refuse to free something that overlaps a free range: a double free. */
	if (i < pool->nr_free && base + size > pool->free[i].base)
		return -1;
	if (i > 0 && pool->free[i - 1].base + pool->free[i - 1].size > base)
		return -1;
	/* Merging needs no new slot, so it works even when the pool is full. */
	if (i > 0 && pool->free[i - 1].base + pool->free[i - 1].size == base) {
		pool->free[i - 1].size += size;
		merge_next(pool, i - 1);
		return 0;
	}
	if (i < pool->nr_free && base + size == pool->free[i].base) {
		pool->free[i].base = base;
		pool->free[i].size += size;
		return 0;
	}
	return insert_at(pool, i, base, size);
}

int mem_pool_add(struct mem_pool *pool, uint64_t base, uint64_t size)
{
	return mem_pool_free(pool, base, size);
}

int mem_pool_reserve(struct mem_pool *pool, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	if (!size)
		return 0;
	if (end < base)
		end = UINT64_MAX;
	for (unsigned int i = 0; i < pool->nr_free;) {
		uint64_t fb = pool->free[i].base, fe = fb + pool->free[i].size;

		if (fe <= base || fb >= end) {
			i++;
			continue;
		}
		/*
		 * Overlap: keep what lies below and above the reserved range.
		 * Only a split needs a new slot; check for it before changing
		 * anything, so a failure loses no free memory.
		 */
		if (fb < base && fe > end) {
			if (insert_at(pool, i + 1, end, fe - end))
				return -1;
			pool->free[i].size = base - fb;
			i += 2;
		} else if (fb < base) {
			pool->free[i].size = base - fb;
			i++;
		} else if (fe > end) {
			pool->free[i].base = end;
			pool->free[i].size = fe - end;
			i++;
		} else {
			remove_at(pool, i);
		}
	}
	return 0;
}

uint64_t mem_pool_alloc(struct mem_pool *pool, uint64_t size, uint64_t align)
{
	if (!size || !align || (align & (align - 1)))
		return 0;
	for (unsigned int i = 0; i < pool->nr_free; i++) {
		uint64_t fb = pool->free[i].base, fe = fb + pool->free[i].size;
		uint64_t start = (fb + align - 1) & ~(align - 1);

		/* 0 means "nothing fits", so address 0 is never handed out */
		if (!start)
			start = align;
		if (start < fb || start >= fe || fe - start < size)
			continue;
		if (mem_pool_reserve(pool, start, size))
			return 0;
		return start;
	}
	return 0;
}

uint64_t mem_pool_free_bytes(const struct mem_pool *pool)
{
	uint64_t total = 0;
	for (unsigned int i = 0; i < pool->nr_free; i++)
		total += pool->free[i].size;
	return total;
}
