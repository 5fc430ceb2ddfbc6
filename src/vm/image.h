/*
 * Guest images: a RISC-V Linux Image, an ELF, or a raw binary. This turns
 * an image into a load plan (segments with guest physical addresses and an
 * entry point) and checks it against the guest's RAM. Pure logic.
 */
#ifndef KEEL_IMAGE_H
#define KEEL_IMAGE_H

#include <stdint.h>

#include "must_check.h"

#define IMAGE_MAX_SEGMENTS 8
/* Where QEMU virt + OpenSBI put an S-mode payload: RAM base + 2 MiB. */
#define IMAGE_DEFAULT_OFFSET 0x200000UL

enum image_kind { IMAGE_RAW, IMAGE_LINUX, IMAGE_ELF };

struct image_segment {
	uint64_t gpa;
	uint64_t file_offset, file_size; /* bytes copied from the image */
	uint64_t mem_size;               /* >= file_size; the rest is zeroed */
};

struct image_plan {
	enum image_kind kind;
	struct image_segment seg[IMAGE_MAX_SEGMENTS];
	unsigned int nr_seg;
	uint64_t entry;
	uint64_t end; /* highest gpa used + 1 */
};

const char *image_kind_name(enum image_kind kind);

/*
 * Build the load plan for image data of `size` bytes for a guest whose RAM
 * is [ram_base, ram_base + ram_size). Returns 0, or -1 with a message in err.
 */
int image_plan(const void *data, uint64_t size, uint64_t ram_base, uint64_t ram_size,
	       struct image_plan *plan, char *err, unsigned long errlen) MUST_CHECK;

#endif
