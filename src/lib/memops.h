/*
 * Bulk zeroing and copying for guest RAM. picolibc's memset and memcpy for
 * rv64imac move one byte per loop; zeroing 256 MiB of guest RAM that way
 * costs about a billion instructions, these do it 64 bytes per loop.
 */
#ifndef KEEL_MEMOPS_H
#define KEEL_MEMOPS_H

#include <stddef.h>

/* Both return dst, so memset and memcpy (mem_libc.c) can end in a tail call. */
void *mem_zero(void *dst, size_t len);
void *mem_copy(void *dst, const void *src, size_t len);

#endif
