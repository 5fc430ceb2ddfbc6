/*
 * memset and memcpy for the whole of Keel, libfdt included, in place of
 * picolibc's: for rv64imac those move one byte per loop, and Keel's boot
 * spent more than 400 000 instructions in them (libfdt's fdt_create clears
 * its whole 64 KiB buffer with memset; vm_create clears a struct vm of
 * 29 KiB). Large runs go to mem_zero and mem_copy (memops.c), a word at a
 * time; what is left over, or cannot be aligned, goes a byte at a time.
 *
 * Only in Keel's image: the host unit tests keep their C library's.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lib/memops.h"

/* The byte loops must stay loops: GCC would turn them back into calls. */
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

NO_LIBCALL void *memset(void *dst, int c, size_t len)
{
	uint8_t *d = dst;

	if (!c && len >= 64)
		return mem_zero(dst, len);
	while (len--)
		*d++ = (uint8_t)c;
	return dst;
}

NO_LIBCALL void *memcpy(void *restrict dst, const void *restrict src, size_t len)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	/* words only when both sides can be aligned together (as mem_copy) */
	if (len >= 64 && (((uintptr_t)d ^ (uintptr_t)s) & 7) == 0)
		return mem_copy(dst, src, len);
	while (len--)
		*d++ = *s++;
	return dst;
}
