/*
 * The bitmap of zeroed 2 MiB blocks of a VM's RAM (mem_blocks.h). Bits
 * are set by one hart at a time (the VM's ram_lock, vm_ram.c) but read
 * without the lock by any hart, hence the atomics.
 */
#include <stddef.h>

#include "mem_blocks.h"

uint64_t mem_blocks_words(uint64_t size)
{
	uint64_t nr = (size + MEM_BLOCK_SIZE - 1) >> MEM_BLOCK_SHIFT;

	return (nr + 63) / 64;
}

void mem_blocks_init(struct mem_blocks *b, uint64_t *words, uint64_t size)
{
	b->ready = words;
	b->size = size;
	b->nr = (size + MEM_BLOCK_SIZE - 1) >> MEM_BLOCK_SHIFT;
}

void mem_block_extent(const struct mem_blocks *b, uint64_t i, uint64_t *off, uint64_t *len)
{
	*off = i << MEM_BLOCK_SHIFT;
	*len = b->size - *off < MEM_BLOCK_SIZE ? b->size - *off : MEM_BLOCK_SIZE;
}

void mem_block_set_ready(struct mem_blocks *b, uint64_t i)
{
	__atomic_fetch_or(&b->ready[i / 64], 1UL << (i % 64), __ATOMIC_RELEASE);
}

void mem_blocks_forget_all(struct mem_blocks *b)
{
	if (!b->ready)
		return;
	for (uint64_t w = 0; w < mem_blocks_words(b->size); w++)
		__atomic_store_n(&b->ready[w], 0, __ATOMIC_RELEASE);
}

uint64_t mem_blocks_count_ready(const struct mem_blocks *b)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < b->nr; i++)
		n += mem_block_ready(b, i);
	return n;
}
