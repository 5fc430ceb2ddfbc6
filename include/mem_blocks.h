/*
 * Which 2 MiB blocks of a VM's RAM have been zeroed since the VM last
 * started (docs/isolation.md, "Guest RAM is zeroed before a guest sees
 * it"). Keel maps a block in the G-stage, and hands out host pointers
 * into it, only once its bit is set; a restart clears every bit. So the
 * bitmap is the whole answer to "may this guest see these bytes?", and
 * it says yes only for bytes zeroed or written by Keel since the start.
 *
 * Pure logic: the bitmap's storage comes from the caller, and
 * tests/unit drives it directly.
 */
#ifndef KEEL_MEM_BLOCKS_H
#define KEEL_MEM_BLOCKS_H

#include <stdbool.h>
#include <stdint.h>

#define MEM_BLOCK_SHIFT 21
#define MEM_BLOCK_SIZE (1UL << MEM_BLOCK_SHIFT)

struct mem_blocks {
	uint64_t *ready; /* bit i: block i is zeroed (and mapped) */
	uint64_t size;   /* bytes of RAM: the last block may be shorter */
	uint64_t nr;     /* blocks */
};

/* 64-bit words of bitmap for size bytes of RAM */
uint64_t mem_blocks_words(uint64_t size);
/* words: mem_blocks_words(size) of them, zeroed: no block is ready */
void mem_blocks_init(struct mem_blocks *b, uint64_t *words, uint64_t size);

/* The block holding byte off (off < size) */
static inline uint64_t mem_block_of(uint64_t off)
{
	return off >> MEM_BLOCK_SHIFT;
}

/* Block i's bytes: [*off, *off + *len), the last one cut at size */
void mem_block_extent(const struct mem_blocks *b, uint64_t i, uint64_t *off, uint64_t *len);

/*
 * Is block i ready? (acquire: its zeroes are seen before the answer.)
 * Inline, as the next: every SBI call that reaches guest memory asks.
 */
static inline bool mem_block_ready(const struct mem_blocks *b, uint64_t i)
{
	/* no bitmap (yet): nothing is known to be zeroed */
	if (!b->ready || i >= b->nr)
		return false;
	return __atomic_load_n(&b->ready[i / 64], __ATOMIC_ACQUIRE) >> (i % 64) & 1;
}

/* Is every block that [off, off+len) touches ready? An empty range is. */
static inline bool mem_blocks_range_ready(const struct mem_blocks *b, uint64_t off, uint64_t len)
{
	if (!len)
		return true;
	for (uint64_t i = mem_block_of(off); i <= mem_block_of(off + len - 1); i++)
		if (!mem_block_ready(b, i))
			return false;
	return true;
}
/* Block i is zeroed (release: the zeroes are seen before the bit). */
void mem_block_set_ready(struct mem_blocks *b, uint64_t i);
/* A restart: no block is ready any more */
void mem_blocks_forget_all(struct mem_blocks *b);
/* How many blocks are ready (for tests and diagnostics) */
uint64_t mem_blocks_count_ready(const struct mem_blocks *b);

#endif
