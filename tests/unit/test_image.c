/*
 * Tests for src/vm/image.c: raw binaries, Linux Image headers and ELF64
 * files, all built here byte by byte, against a guest whose RAM is
 * [RAM_BASE, RAM_BASE + RAM_SIZE).
 */
#include <string.h>

#include "vm/image.h"
#include "unit.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x4000000ULL /* 64 MiB */
#define RAM_END (RAM_BASE + RAM_SIZE)

static uint8_t file[8192] __attribute__((aligned(8)));
static struct image_plan plan;
static char err[256];

static int plan_of(uint64_t size)
{
	memset(&plan, 0xa5, sizeof(plan));
	strcpy(err, "(no message)");
	return image_plan(file, size, RAM_BASE, RAM_SIZE, &plan, err, sizeof(err));
}

/* The call failed with a message containing `what`. */
#define CHECK_FAILS(size, what)                                         \
	do {                                                            \
		CHECK_EQ(plan_of(size), -1);                            \
		if (!strstr(err, (what))) {                             \
			CHECK(strstr(err, (what)));                     \
			printf("\tmessage: \"%s\"\n", err);            \
		}                                                       \
	} while (0)

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* ---- ELF64 built by hand ------------------------------------------------ */

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define PHOFF 64

/* An ELF header for RISC-V, phnum headers at PHOFF, entry as given. */
static void elf_header(uint64_t entry, uint16_t phnum)
{
	memset(file, 0, sizeof(file));
	memcpy(file, "\177ELF", 4);
	file[4] = 2;	/* ELFCLASS64 */
	file[5] = 1;	/* ELFDATA2LSB */
	file[6] = 1;	/* EV_CURRENT */
	put16(file + 16, 2);	/* ET_EXEC */
	put16(file + 18, 243);	/* EM_RISCV */
	put32(file + 20, 1);
	put64(file + 24, entry);
	put64(file + 32, PHOFF);
	put64(file + 40, 0);	/* no section headers */
	put16(file + 52, EHDR_SIZE);
	put16(file + 54, PHDR_SIZE);
	put16(file + 56, phnum);
	put16(file + 58, 64);
}

static void elf_phdr(unsigned int i, uint32_t type, uint64_t offset, uint64_t paddr,
		     uint64_t filesz, uint64_t memsz)
{
	uint8_t *p = file + PHOFF + i * PHDR_SIZE;

	put32(p + 0, type);
	put32(p + 4, 7);	/* RWX */
	put64(p + 8, offset);
	put64(p + 16, paddr + 0x1000000000ULL);	/* vaddr differs: paddr counts */
	put64(p + 24, paddr);
	put64(p + 32, filesz);
	put64(p + 40, memsz);
	put64(p + 48, 0x1000);
}

#define PT_LOAD 1
#define PT_NOTE 4
#define PT_GNU_STACK 0x6474e551

/* A good two-segment ELF: text, then data with a bss. 4096 bytes long. */
static void good_elf(void)
{
	elf_header(RAM_BASE + 0x200000, 3);
	elf_phdr(0, PT_LOAD, 0x1000, RAM_BASE + 0x200000, 0x800, 0x800);
	elf_phdr(1, PT_NOTE, 0x200, 0, 0x20, 0x20);
	elf_phdr(2, PT_LOAD, 0x1800, RAM_BASE + 0x201000, 0x100, 0x5000);
}

TEST(elf_two_load_segments_and_bss)
{
	good_elf();
	CHECK_EQ(plan_of(0x2000), 0);
	CHECK_EQ(plan.kind, IMAGE_ELF);
	CHECK_EQ(plan.nr_seg, 2);	/* the PT_NOTE is not loaded */
	CHECK_EQ(plan.seg[0].gpa, RAM_BASE + 0x200000);
	CHECK_EQ(plan.seg[0].file_offset, 0x1000);
	CHECK_EQ(plan.seg[0].file_size, 0x800);
	CHECK_EQ(plan.seg[0].mem_size, 0x800);
	CHECK_EQ(plan.seg[1].gpa, RAM_BASE + 0x201000);
	CHECK_EQ(plan.seg[1].file_offset, 0x1800);
	CHECK_EQ(plan.seg[1].file_size, 0x100);
	CHECK_EQ(plan.seg[1].mem_size, 0x5000);
	CHECK_EQ(plan.entry, RAM_BASE + 0x200000);
	CHECK_EQ(plan.end, RAM_BASE + 0x206000);
}

TEST(elf_end_is_the_highest_segment_whatever_the_order)
{
	elf_header(RAM_BASE + 0x1000, 2);
	elf_phdr(0, PT_LOAD, 0x1000, RAM_BASE + 0x300000, 0x10, 0x10);
	elf_phdr(1, PT_LOAD, 0x1000, RAM_BASE + 0x1000, 0x10, 0x10);
	CHECK_EQ(plan_of(0x2000), 0);
	CHECK_EQ(plan.end, RAM_BASE + 0x300010);
	CHECK_EQ(plan.entry, RAM_BASE + 0x1000);
}

TEST(elf_bss_only_segment_and_empty_segments)
{
	elf_header(RAM_BASE, 3);
	elf_phdr(0, PT_LOAD, 0x1000, RAM_BASE, 0x10, 0x10);
	elf_phdr(1, PT_LOAD, 0, RAM_BASE + 0x10000, 0, 0x2000);	/* bss only */
	elf_phdr(2, PT_LOAD, 0x7fffff, 0xdead0000, 0, 0);	/* empty: skipped */
	CHECK_EQ(plan_of(0x2000), 0);
	CHECK_EQ(plan.nr_seg, 2);
	CHECK_EQ(plan.seg[1].file_size, 0);
	CHECK_EQ(plan.seg[1].mem_size, 0x2000);
}

TEST(elf_segment_filling_ram_exactly_is_accepted)
{
	elf_header(RAM_BASE, 1);
	elf_phdr(0, PT_LOAD, 0x1000, RAM_BASE, 0x100, RAM_SIZE);
	CHECK_EQ(plan_of(0x2000), 0);
	CHECK_EQ(plan.end, RAM_END);
}

TEST(elf_with_the_max_number_of_segments)
{
	elf_header(RAM_BASE, IMAGE_MAX_SEGMENTS);
	for (unsigned int i = 0; i < IMAGE_MAX_SEGMENTS; i++)
		elf_phdr(i, PT_LOAD, 0x1000, RAM_BASE + i * 0x1000, 0x10, 0x1000);
	CHECK_EQ(plan_of(0x2000), 0);
	CHECK_EQ(plan.nr_seg, IMAGE_MAX_SEGMENTS);
}

TEST(elf_with_too_many_segments_is_refused)
{
	elf_header(RAM_BASE, IMAGE_MAX_SEGMENTS + 1);
	for (unsigned int i = 0; i < IMAGE_MAX_SEGMENTS + 1; i++)
		elf_phdr(i, PT_LOAD, 0x1000, RAM_BASE + i * 0x1000, 0x10, 0x1000);
	CHECK_FAILS(0x2000, "more than 8 loadable segments");
}

TEST(elf_truncated_header_is_refused)
{
	good_elf();
	CHECK_FAILS(4, "ELF image is truncated (4 bytes)");
	CHECK_FAILS(EHDR_SIZE - 1, "ELF image is truncated (63 bytes)");
}

TEST(elf_wrong_class_data_or_machine_is_refused)
{
	good_elf();
	file[4] = 1;	/* ELFCLASS32 */
	CHECK_FAILS(0x2000, "not 64-bit little-endian RISC-V");
	good_elf();
	file[5] = 2;	/* big-endian */
	CHECK_FAILS(0x2000, "not 64-bit little-endian RISC-V");
	good_elf();
	put16(file + 18, 62);	/* x86-64 */
	CHECK_FAILS(0x2000, "not 64-bit little-endian RISC-V");
}

TEST(elf_program_headers_outside_the_file_are_refused)
{
	good_elf();
	put64(file + 32, 0x3000);	/* phoff past the end */
	CHECK_FAILS(0x2000, "program headers lie outside the file");
	good_elf();
	/* the last header ends one byte past the end of the file */
	CHECK_FAILS(PHOFF + 3 * PHDR_SIZE - 1, "program headers lie outside the file");
	good_elf();
	put64(file + 32, UINT64_MAX - 8);	/* phoff + size would wrap */
	CHECK_FAILS(0x2000, "program headers lie outside the file");
	good_elf();
	put16(file + 56, 0xffff);	/* phnum * 56 far beyond the file */
	CHECK_FAILS(0x2000, "program headers lie outside the file");
	good_elf();
	put16(file + 54, 32);	/* an ELF32-sized phentsize */
	CHECK_FAILS(0x2000, "program headers lie outside the file");
}

TEST(elf_program_headers_ending_at_the_end_of_file_are_fine)
{
	elf_header(RAM_BASE, 1);
	elf_phdr(0, PT_LOAD, 0, RAM_BASE, PHOFF + PHDR_SIZE, 0x1000);
	CHECK_EQ(plan_of(PHOFF + PHDR_SIZE), 0);
	CHECK_EQ(plan.seg[0].file_size, PHOFF + PHDR_SIZE);
}

TEST(elf_segment_outside_the_file_is_refused)
{
	good_elf();
	elf_phdr(2, PT_LOAD, 0x1800, RAM_BASE + 0x201000, 0x801, 0x5000);
	CHECK_FAILS(0x2000, "ELF segment 2 lies outside the file");	/* 1 byte over */
	good_elf();
	elf_phdr(0, PT_LOAD, 0x2001, RAM_BASE + 0x200000, 0, 0x10);
	CHECK_FAILS(0x2000, "ELF segment 0 lies outside the file");	/* offset past EOF */
	good_elf();
	elf_phdr(0, PT_LOAD, UINT64_MAX - 0xf, RAM_BASE + 0x200000, 0x20, 0x20);
	CHECK_FAILS(0x2000, "ELF segment 0 lies outside the file");	/* offset + size wraps */
	good_elf();
	elf_phdr(0, PT_LOAD, 0x1000, RAM_BASE + 0x200000, 0x800, 0x7ff);
	CHECK_FAILS(0x2000, "ELF segment 0 lies outside the file");	/* filesz > memsz */
}

TEST(elf_segment_ending_at_the_end_of_file_is_fine)
{
	good_elf();
	elf_phdr(2, PT_LOAD, 0x1800, RAM_BASE + 0x201000, 0x800, 0x5000);
	CHECK_EQ(plan_of(0x2000), 0);
	elf_phdr(2, PT_LOAD, 0x2000, RAM_BASE + 0x201000, 0, 0x5000);	/* offset == size */
	CHECK_EQ(plan_of(0x2000), 0);
}

TEST(elf_segment_outside_guest_ram_is_refused)
{
	good_elf();
	elf_phdr(2, PT_LOAD, 0x1800, RAM_END - 0x1000, 0x100, 0x1001);	/* 1 byte over */
	CHECK_FAILS(0x2000, "does not fit in guest RAM");
	good_elf();
	elf_phdr(2, PT_LOAD, 0x1800, RAM_BASE - 0x1000, 0x100, 0x2000);	/* below */
	CHECK_FAILS(0x2000, "does not fit in guest RAM");
	good_elf();
	elf_phdr(2, PT_LOAD, 0x1800, 0x10000000, 0x100, 0x100);	/* a device */
	CHECK_FAILS(0x2000, "image segment 0x10000000-0x10000100 does not fit in guest RAM "
			    "0x80000000-0x84000000");
}

TEST(elf_segment_wrapping_around_is_refused)
{
	good_elf();
	elf_phdr(2, PT_LOAD, 0x1800, 0xfffffffffffff000ULL, 0x100, 0x2000);
	CHECK_FAILS(0x2000, "does not fit in guest RAM");
	good_elf();
	/* wraps to exactly RAM_BASE + 0x1000: still refused */
	elf_phdr(2, PT_LOAD, 0x1800, RAM_BASE + 0x2000, 0x100, 0ULL - 0x1000);
	CHECK_FAILS(0x2000, "does not fit in guest RAM");
}

TEST(elf_without_loadable_segment_is_refused)
{
	elf_header(RAM_BASE, 2);
	elf_phdr(0, PT_NOTE, 0x100, 0, 0x10, 0x10);
	elf_phdr(1, PT_GNU_STACK, 0, 0, 0, 0);
	CHECK_FAILS(0x2000, "ELF image has no loadable segment");
	elf_header(RAM_BASE, 1);
	elf_phdr(0, PT_LOAD, 0x100, RAM_BASE, 0, 0);	/* a PT_LOAD of size 0 */
	CHECK_FAILS(0x2000, "ELF image has no loadable segment");
	elf_header(RAM_BASE, 0);
	CHECK_FAILS(0x2000, "ELF image has no loadable segment");
}

TEST(elf_entry_outside_ram_is_refused)
{
	good_elf();
	put64(file + 24, RAM_END);	/* one past the end */
	CHECK_FAILS(0x2000, "image entry point 0x84000000 is outside guest RAM");
	good_elf();
	put64(file + 24, RAM_BASE - 2);
	CHECK_FAILS(0x2000, "image entry point 0x7ffffffe is outside guest RAM");
	good_elf();
	put64(file + 24, RAM_END - 4);	/* last instruction of RAM: fine */
	CHECK_EQ(plan_of(0x2000), 0);
	CHECK_EQ(plan.entry, RAM_END - 4);
}

TEST(elf_non_load_headers_are_not_checked)
{
	/* a PT_NOTE pointing far outside the file and RAM is simply skipped */
	good_elf();
	elf_phdr(1, PT_NOTE, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX);
	CHECK_EQ(plan_of(0x2000), 0);
	CHECK_EQ(plan.nr_seg, 2);
}

/* ---- Linux Image --------------------------------------------------------- */

/* A RISC-V Linux Image header (Documentation/riscv/boot-image-header.rst). */
static void linux_header(uint64_t text_offset, uint64_t image_size)
{
	memset(file, 0, sizeof(file));
	put32(file + 0, 0x0000006f);	/* code0: j +0 (placeholder) */
	put64(file + 8, text_offset);
	put64(file + 16, image_size);
	put64(file + 24, 0);	/* flags */
	put32(file + 32, 2);	/* version 0.2 */
	memcpy(file + 48, "RISCV\0\0\0", 8);	/* magic (deprecated) */
	memcpy(file + 0x38, "RSC\x05", 4);	/* magic2 */
}

TEST(linux_image_at_text_offset)
{
	linux_header(0x200000, 0x3000);
	CHECK_EQ(plan_of(0x2000), 0);
	CHECK_EQ(plan.kind, IMAGE_LINUX);
	CHECK_EQ(plan.nr_seg, 1);
	CHECK_EQ(plan.seg[0].gpa, RAM_BASE + 0x200000);
	CHECK_EQ(plan.seg[0].file_offset, 0);
	CHECK_EQ(plan.seg[0].file_size, 0x2000);
	CHECK_EQ(plan.seg[0].mem_size, 0x3000);	/* image_size covers the bss */
	CHECK_EQ(plan.entry, RAM_BASE + 0x200000);
	CHECK_EQ(plan.end, RAM_BASE + 0x203000);
}

TEST(linux_image_size_smaller_than_file_uses_file_size)
{
	linux_header(0x400000, 0x100);
	CHECK_EQ(plan_of(0x2000), 0);
	CHECK_EQ(plan.seg[0].gpa, RAM_BASE + 0x400000);
	CHECK_EQ(plan.seg[0].mem_size, 0x2000);
	CHECK_EQ(plan.end, RAM_BASE + 0x402000);
}

TEST(linux_image_text_offset_zero)
{
	linux_header(0, 0);
	CHECK_EQ(plan_of(0x40), 0);	/* just the header */
	CHECK_EQ(plan.kind, IMAGE_LINUX);
	CHECK_EQ(plan.seg[0].gpa, RAM_BASE);
	CHECK_EQ(plan.entry, RAM_BASE);
}

TEST(linux_image_too_big_for_ram_is_refused)
{
	linux_header(0x200000, RAM_SIZE - 0x200000 + 1);
	CHECK_FAILS(0x2000, "does not fit in guest RAM");
	linux_header(0x200000, RAM_SIZE - 0x200000);	/* exactly fits */
	CHECK_EQ(plan_of(0x2000), 0);
	CHECK_EQ(plan.end, RAM_END);
}

TEST(linux_image_text_offset_outside_ram_is_refused)
{
	linux_header(RAM_SIZE, 0);
	CHECK_FAILS(0x2000, "does not fit in guest RAM");
	/* ram_base + text_offset wraps to below RAM */
	linux_header(0ULL - RAM_BASE + 0x1000, 0);
	CHECK_FAILS(0x2000, "does not fit in guest RAM");
	/* ... or to the top of the address space, where the segment wraps */
	linux_header(0xfffffffffffff000ULL - RAM_BASE, 0);
	CHECK_FAILS(0x2000, "does not fit in guest RAM");
}

TEST(linux_image_huge_image_size_is_refused)
{
	linux_header(0x200000, UINT64_MAX);
	CHECK_FAILS(0x2000, "does not fit in guest RAM");
}

TEST(linux_magic_needs_the_whole_header)
{
	/* magic2 present but the file is shorter than the 64-byte header: raw */
	linux_header(0, 0);
	CHECK_EQ(plan_of(0x3f), 0);
	CHECK_EQ(plan.kind, IMAGE_RAW);
}

TEST(linux_wrong_magic2_is_a_raw_binary)
{
	linux_header(0, 0);
	file[0x3b] = 0x06;	/* "RSC\x06" */
	CHECK_EQ(plan_of(0x2000), 0);
	CHECK_EQ(plan.kind, IMAGE_RAW);
	CHECK_EQ(plan.seg[0].gpa, RAM_BASE + IMAGE_DEFAULT_OFFSET);
}

/* ---- raw binaries -------------------------------------------------------- */

TEST(raw_binary_at_ram_base_plus_2m)
{
	memset(file, 0x13, sizeof(file));	/* nops, no magic anywhere */
	CHECK_EQ(plan_of(0x1234), 0);
	CHECK_EQ(plan.kind, IMAGE_RAW);
	CHECK_EQ(plan.nr_seg, 1);
	CHECK_EQ(plan.seg[0].gpa, RAM_BASE + 0x200000);
	CHECK_EQ(plan.seg[0].file_offset, 0);
	CHECK_EQ(plan.seg[0].file_size, 0x1234);
	CHECK_EQ(plan.seg[0].mem_size, 0x1234);
	CHECK_EQ(plan.entry, RAM_BASE + 0x200000);
	CHECK_EQ(plan.end, RAM_BASE + 0x200000 + 0x1234);
}

TEST(raw_binary_of_one_byte)
{
	file[0] = 0x7f;	/* the start of "\177ELF" is not enough */
	CHECK_EQ(plan_of(1), 0);
	CHECK_EQ(plan.kind, IMAGE_RAW);
	memcpy(file, "\177EL", 3);
	CHECK_EQ(plan_of(3), 0);
	CHECK_EQ(plan.kind, IMAGE_RAW);
}

TEST(raw_binary_too_big_for_ram_is_refused)
{
	static const uint64_t ram_size = 0x200000 + 0x1000;

	memset(file, 0x13, sizeof(file));
	CHECK_EQ(image_plan(file, 0x1000, RAM_BASE, ram_size, &plan, err, sizeof(err)), 0);
	CHECK_EQ(image_plan(file, 0x1001, RAM_BASE, ram_size, &plan, err, sizeof(err)), -1);
	CHECK(strstr(err, "does not fit in guest RAM"));
	/* RAM smaller than the 2 MiB offset: nothing fits */
	CHECK_EQ(image_plan(file, 1, RAM_BASE, 0x100000, &plan, err, sizeof(err)), -1);
	CHECK(strstr(err, "does not fit in guest RAM"));
}

TEST(empty_image_is_refused)
{
	CHECK_FAILS(0, "guest image is empty");
}

TEST(error_message_is_truncated_to_errlen)
{
	char small[8];

	memset(small, 'x', sizeof(small));
	CHECK_EQ(image_plan(file, 0, RAM_BASE, RAM_SIZE, &plan, small, sizeof(small)), -1);
	CHECK(!memcmp(small, "guest i", 8));	/* NUL-terminated within 8 */
}

TEST(plan_is_reset_on_every_call)
{
	good_elf();
	CHECK_EQ(plan_of(0x2000), 0);
	memset(file, 0x13, sizeof(file));
	CHECK_EQ(image_plan(file, 0x100, RAM_BASE, RAM_SIZE, &plan, err, sizeof(err)), 0);
	CHECK_EQ(plan.nr_seg, 1);
	CHECK_EQ(plan.seg[1].gpa, 0);
	CHECK_EQ(plan.seg[1].mem_size, 0);
}

TEST(kind_names)
{
	CHECK(!strcmp(image_kind_name(IMAGE_RAW), "raw binary"));
	CHECK(!strcmp(image_kind_name(IMAGE_LINUX), "Linux Image"));
	CHECK(!strcmp(image_kind_name(IMAGE_ELF), "ELF"));
	CHECK(!strcmp(image_kind_name((enum image_kind)42), "?"));
}
