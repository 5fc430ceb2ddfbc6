/*
 * Recognising and placing guest images. Every size and address in the
 * image is untrusted: it is checked against the image's own length and
 * against guest RAM before anything is copied.
 */
#include <stdio.h>
#include <string.h>

#include "vm/image.h"

/* Linux Image header (Documentation/riscv/boot-image-header.rst) */
#define LINUX_MAGIC2_OFFSET 0x38
#define LINUX_HEADER_SIZE 0x40

/* ELF64 */
#define EI_NIDENT 16
#define EM_RISCV 243
#define PT_LOAD 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1

struct elf64_ehdr {
	uint8_t ident[EI_NIDENT];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

const char *image_kind_name(enum image_kind kind)
{
	switch (kind) {
	case IMAGE_RAW:
		return "raw binary";
	case IMAGE_LINUX:
		return "Linux Image";
	case IMAGE_ELF:
		return "ELF";
	}
	return "?";
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static int check_in_ram(const struct image_segment *s, uint64_t ram_base, uint64_t ram_size,
			char *err, unsigned long errlen)
{
	uint64_t end = s->gpa + s->mem_size;

	if (end < s->gpa || s->gpa < ram_base || end > ram_base + ram_size) {
		snprintf(err, errlen,
			 "image segment 0x%llx-0x%llx does not fit in guest RAM 0x%llx-0x%llx",
			 (unsigned long long)s->gpa, (unsigned long long)end,
			 (unsigned long long)ram_base, (unsigned long long)(ram_base + ram_size));
		return -1;
	}
	return 0;
}

static int plan_elf(const uint8_t *d, uint64_t size, struct image_plan *plan, char *err,
		    unsigned long errlen)
{
	struct elf64_ehdr eh;

	if (size < sizeof(eh)) {
		snprintf(err, errlen, "ELF image is truncated (%llu bytes)", (unsigned long long)size);
		return -1;
	}
	memcpy(&eh, d, sizeof(eh));
	if (eh.ident[4] != ELFCLASS64 || eh.ident[5] != ELFDATA2LSB || eh.machine != EM_RISCV) {
		snprintf(err, errlen, "ELF image is not 64-bit little-endian RISC-V");
		return -1;
	}
	if (eh.phentsize != sizeof(struct elf64_phdr) || eh.phoff > size ||
	    (uint64_t)eh.phnum * sizeof(struct elf64_phdr) > size - eh.phoff) {
		snprintf(err, errlen, "ELF program headers lie outside the file");
		return -1;
	}
	for (unsigned int i = 0; i < eh.phnum; i++) {
		struct elf64_phdr ph;
		struct image_segment *s;

		memcpy(&ph, d + eh.phoff + i * sizeof(ph), sizeof(ph));
		if (ph.type != PT_LOAD || !ph.memsz)
			continue;
		if (ph.filesz > ph.memsz || ph.offset > size || ph.filesz > size - ph.offset) {
			snprintf(err, errlen, "ELF segment %u lies outside the file", i);
			return -1;
		}
		if (plan->nr_seg == IMAGE_MAX_SEGMENTS) {
			snprintf(err, errlen, "ELF has more than %d loadable segments", IMAGE_MAX_SEGMENTS);
			return -1;
		}
		s = &plan->seg[plan->nr_seg++];
		s->gpa = ph.paddr;
		s->file_offset = ph.offset;
		s->file_size = ph.filesz;
		s->mem_size = ph.memsz;
	}
	if (!plan->nr_seg) {
		snprintf(err, errlen, "ELF image has no loadable segment");
		return -1;
	}
	plan->kind = IMAGE_ELF;
	plan->entry = eh.entry;
	return 0;
}

int image_plan(const void *data, uint64_t size, uint64_t ram_base, uint64_t ram_size,
	       struct image_plan *plan, char *err, unsigned long errlen)
{
	const uint8_t *d = data;

	memset(plan, 0, sizeof(*plan));
	if (!size) {
		snprintf(err, errlen, "guest image is empty");
		return -1;
	}
	if (size >= 4 && !memcmp(d, "\177ELF", 4)) {
		if (plan_elf(d, size, plan, err, errlen))
			return -1;
	} else if (size >= LINUX_HEADER_SIZE && !memcmp(d + LINUX_MAGIC2_OFFSET, "RSC\x05", 4)) {
		/* The Image asks to be loaded text_offset above 2 MiB-aligned RAM. */
		uint64_t text_offset = le64(d + 8), image_size = le64(d + 16);
		plan->kind = IMAGE_LINUX;
		plan->seg[0].gpa = ram_base + text_offset;
		plan->seg[0].file_size = size;
		/* image_size covers bss too: leave room for it */
		plan->seg[0].mem_size = image_size > size ? image_size : size;
		plan->nr_seg = 1;
		plan->entry = plan->seg[0].gpa;
	} else {
		plan->kind = IMAGE_RAW;
		plan->seg[0].gpa = ram_base + IMAGE_DEFAULT_OFFSET;
		plan->seg[0].file_size = size;
		plan->seg[0].mem_size = size;
		plan->nr_seg = 1;
		plan->entry = plan->seg[0].gpa;
	}
	for (unsigned int i = 0; i < plan->nr_seg; i++) {
		uint64_t end = plan->seg[i].gpa + plan->seg[i].mem_size;
		if (check_in_ram(&plan->seg[i], ram_base, ram_size, err, errlen))
			return -1;
		if (end > plan->end)
			plan->end = end;
	}
	if (plan->entry < ram_base || plan->entry >= ram_base + ram_size) {
		snprintf(err, errlen, "image entry point 0x%llx is outside guest RAM",
			 (unsigned long long)plan->entry);
		return -1;
	}
	return 0;
}
