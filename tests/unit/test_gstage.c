/*
 * Tests for src/mm/gstage.c: real G-stage tables built in host memory
 * (tables from aligned_alloc, "physical" address = host pointer), checked
 * with gstage_translate() and by walking the PTEs by hand.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gstage.h"
#include "riscv.h"
#include "unit.h"

#define KiB 0x400ULL
#define MiB 0x100000ULL
#define GiB 0x40000000ULL

/* ---- a table allocator on the host heap --------------------------------- */

#define MAX_TABLES 4096

struct table_pool {
	void *tables[MAX_TABLES];
	unsigned int nr;
	unsigned int fail_after; /* alloc_table returns 0 once nr reaches it */
};

static uint64_t host_alloc_table(void *ctx)
{
	struct table_pool *tp = ctx;
	void *t;

	if (tp->nr >= tp->fail_after || tp->nr == MAX_TABLES)
		return 0;
	t = aligned_alloc(4096, 4096);
	if (!t)
		return 0;
	memset(t, 0, 4096);
	tp->tables[tp->nr++] = t;
	return (uint64_t)(uintptr_t)t;
}

static void *host_phys_to_ptr(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static struct table_pool tp;
static struct gstage g;
static void *root;

static void setup(unsigned int levels)
{
	for (unsigned int i = 0; i < tp.nr; i++)
		free(tp.tables[i]);
	free(root);
	memset(&tp, 0, sizeof(tp));
	tp.fail_after = MAX_TABLES;
	root = aligned_alloc(GSTAGE_ROOT_SIZE, GSTAGE_ROOT_SIZE);
	memset(root, 0, GSTAGE_ROOT_SIZE);
	memset(&g, 0, sizeof(g));
	g.levels = levels;
	g.root_pa = (uint64_t)(uintptr_t)root;
	g.ops.alloc_table = host_alloc_table;
	g.ops.phys_to_ptr = host_phys_to_ptr;
	g.ops.ctx = &tp;
}

/* The leaf size gstage_map's greedy rule gives at this point of a mapping. */
static uint64_t expected_page(uint64_t gpa, uint64_t hpa, uint64_t left)
{
	if (!((gpa | hpa) & (GiB - 1)) && left >= GiB)
		return GiB;
	if (!((gpa | hpa) & (2 * MiB - 1)) && left >= 2 * MiB)
		return 2 * MiB;
	return 4 * KiB;
}

/*
 * Every 4 KiB page of [gpa, gpa+size) translates to the right hpa with the
 * right prot, and with the leaf size the greedy rule predicts. Also checks
 * an offset inside each page. Returns the number of bad pages.
 */
static unsigned long check_mapping(uint64_t gpa, uint64_t hpa, uint64_t size, unsigned int prot)
{
	unsigned long bad = 0;
	uint64_t leaf = 0, leaf_left = 0;

	for (uint64_t off = 0; off < size; off += 4 * KiB) {
		uint64_t h = 0, ps = 0;
		unsigned int pr = 0;
		int r;

		if (!leaf_left) {
			leaf = expected_page(gpa + off, hpa + off, size - off);
			leaf_left = leaf;
		}
		r = gstage_translate(&g, gpa + off + 0x123, &h, &pr, &ps);
		if (r || h != hpa + off + 0x123 || pr != prot || ps != leaf) {
			if (bad++ < 4)
				printf("\tgpa 0x%llx: r %d hpa 0x%llx prot %u size 0x%llx"
				       " (want hpa 0x%llx prot %u size 0x%llx)\n",
				       (unsigned long long)(gpa + off + 0x123), r,
				       (unsigned long long)h, pr, (unsigned long long)ps,
				       (unsigned long long)(hpa + off + 0x123), prot,
				       (unsigned long long)leaf);
		}
		leaf_left -= 4 * KiB;
	}
	return bad;
}

static bool unmapped(uint64_t gpa)
{
	uint64_t h, ps;
	unsigned int pr;

	return gstage_translate(&g, gpa, &h, &pr, &ps) == -1;
}

/* The PTE for gpa at level `level`, walking by hand (no gstage code). */
static uint64_t pte_at(uint64_t gpa, unsigned int level)
{
	uint64_t *table = root;

	for (unsigned int l = g.levels - 1;; l--) {
		unsigned int bits = l == g.levels - 1 ? 11 : 9;
		uint64_t idx = (gpa >> (12 + 9 * l)) & ((1ULL << bits) - 1);
		uint64_t pte = table[idx];

		if (l == level)
			return pte;
		if (!(pte & PTE_V) || (pte & (PTE_R | PTE_W | PTE_X)))
			return 0;
		table = (uint64_t *)(uintptr_t)((pte >> 10) << 12);
	}
}

/* ---- limits and hgatp ---------------------------------------------------- */

TEST(gpa_limit_sv39x4_is_2_pow_41)
{
	setup(3);
	CHECK_EQ(gstage_gpa_limit(&g), 1ULL << 41);
}

TEST(gpa_limit_sv48x4_is_2_pow_50)
{
	setup(4);
	CHECK_EQ(gstage_gpa_limit(&g), 1ULL << 50);
}

TEST(hgatp_sv39x4_mode_vmid_ppn)
{
	setup(3);
	g.root_pa = 0x80123000ULL & ~(GSTAGE_ROOT_SIZE - 1);	/* 0x80120000 */
	CHECK_EQ(gstage_hgatp(&g, 0), (8ULL << 60) | 0x80120);
	CHECK_EQ(gstage_hgatp(&g, 5), (8ULL << 60) | (5ULL << 44) | 0x80120);
	CHECK_EQ(gstage_hgatp(&g, 0x3fff), (8ULL << 60) | (0x3fffULL << 44) | 0x80120);
	g.root_pa = (uint64_t)(uintptr_t)root;
}

TEST(hgatp_sv48x4_mode_vmid_ppn)
{
	setup(4);
	g.root_pa = 0xfedcba9870000ULL;
	CHECK_EQ(gstage_hgatp(&g, 1), (9ULL << 60) | (1ULL << 44) | 0xfedcba9870ULL);
	g.root_pa = (uint64_t)(uintptr_t)root;
}

TEST(hgatp_vmid_is_cut_to_14_bits_and_ppn_to_44)
{
	uint64_t h;

	setup(4);
	g.root_pa = 0x80000000ULL;
	h = gstage_hgatp(&g, 0x4001);
	CHECK_EQ(h >> 60, 9);
	CHECK_EQ((h >> 44) & 0xffff, 1);	/* no spill into the mode field */
	CHECK_EQ(h & ((1ULL << 44) - 1), 0x80000);
	/* a root above 2^56 cannot be named; its PPN must not spill into VMID */
	g.root_pa = 1ULL << 56;
	h = gstage_hgatp(&g, 0);
	CHECK_EQ(h, 9ULL << 60);
	g.root_pa = (uint64_t)(uintptr_t)root;
}

/* ---- mapping and translating ------------------------------------------- */

TEST(empty_table_translates_nothing)
{
	setup(4);
	CHECK(unmapped(0));
	CHECK(unmapped(0x80000000));
	CHECK(unmapped((1ULL << 50) - 1));
	CHECK(unmapped(1ULL << 50));
	CHECK(unmapped(UINT64_MAX));
	CHECK_EQ(tp.nr, 0);
}

TEST(map_one_4k_page)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x12345000, 4 * KiB, GSTAGE_RWX), 0);
	CHECK_EQ(check_mapping(0x80000000, 0x12345000, 4 * KiB, GSTAGE_RWX), 0);
	CHECK(unmapped(0x80000000 - 1));
	CHECK(unmapped(0x80001000));
	CHECK_EQ(g.nr_4k, 1);
	CHECK_EQ(g.nr_2m, 0);
	CHECK_EQ(g.nr_1g, 0);
	CHECK_EQ(g.nr_tables, 3);	/* levels 2, 1, 0 below the root */
	CHECK_EQ(tp.nr, 3);
}

TEST(map_aligned_ram_uses_1g_pages)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x100000000ULL, 2 * GiB, GSTAGE_RWX), 0);
	CHECK_EQ(g.nr_1g, 2);
	CHECK_EQ(g.nr_2m, 0);
	CHECK_EQ(g.nr_4k, 0);
	CHECK_EQ(g.nr_tables, 1);	/* just the level-2 table */
	CHECK_EQ(check_mapping(0x80000000, 0x100000000ULL, 2 * GiB, GSTAGE_RWX), 0);
	CHECK(unmapped(0x80000000 - 4 * KiB));
	CHECK(unmapped(0x80000000 + 2 * GiB));
}

TEST(map_1g_plus_2m_plus_4k_mixes_page_sizes)
{
	uint64_t size = GiB + 2 * MiB + 3 * 4 * KiB;

	setup(4);
	CHECK_EQ(gstage_map(&g, 0x40000000, 0x200000000ULL, size, GSTAGE_RWX), 0);
	CHECK_EQ(g.nr_1g, 1);
	CHECK_EQ(g.nr_2m, 1);
	CHECK_EQ(g.nr_4k, 3);
	CHECK_EQ(check_mapping(0x40000000, 0x200000000ULL, size, GSTAGE_RWX), 0);
	CHECK(unmapped(0x40000000 + size));
}

TEST(map_unaligned_start_climbs_to_bigger_pages)
{
	/* 4 KiB pages up to the 2 MiB boundary, then 2 MiB, then 4 KiB again */
	uint64_t gpa = 0x80000000 + 4 * KiB, hpa = 0x90000000 + 4 * KiB, size = 4 * MiB;

	setup(4);
	CHECK_EQ(gstage_map(&g, gpa, hpa, size, GSTAGE_R | GSTAGE_W), 0);
	CHECK_EQ(g.nr_4k, 511 + 1);
	CHECK_EQ(g.nr_2m, 1);
	CHECK_EQ(g.nr_1g, 0);
	CHECK_EQ(check_mapping(gpa, hpa, size, GSTAGE_R | GSTAGE_W), 0);
	CHECK(unmapped(gpa - 4 * KiB));
	CHECK(unmapped(gpa + size));
}

TEST(map_misaligned_gpa_and_hpa_use_only_4k_pages)
{
	/* both 4 KiB aligned, but they differ modulo 2 MiB: no big page fits */
	setup(3);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x90001000, 8 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(g.nr_4k, 8 * MiB / (4 * KiB));
	CHECK_EQ(g.nr_2m, 0);
	CHECK_EQ(check_mapping(0x80000000, 0x90001000, 8 * MiB, GSTAGE_RWX), 0);
}

TEST(map_2m_aligned_but_not_1g_uses_2m_pages)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80200000, 2 * GiB, GSTAGE_RWX), 0);
	CHECK_EQ(g.nr_1g, 0);
	CHECK_EQ(g.nr_2m, 1024);
	CHECK_EQ(check_mapping(0x80000000, 0x80200000, 2 * GiB, GSTAGE_RWX), 0);
}

TEST(map_just_under_1g_uses_no_1g_page)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0, 0x40000000, GiB - 4 * KiB, GSTAGE_RWX), 0);
	CHECK_EQ(g.nr_1g, 0);
	CHECK_EQ(g.nr_2m, 511);
	CHECK_EQ(g.nr_4k, 511);
	CHECK_EQ(check_mapping(0, 0x40000000, GiB - 4 * KiB, GSTAGE_RWX), 0);
	CHECK(unmapped(GiB - 4 * KiB));
}

TEST(map_several_regions_side_by_side)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x10000000, 0x7000000000ULL, 4 * KiB, GSTAGE_R | GSTAGE_W), 0);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x100000000ULL, 256 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(gstage_map(&g, 0x80000000 + 256 * MiB, 0x200000000ULL, 4 * MiB, GSTAGE_R), 0);
	CHECK_EQ(check_mapping(0x10000000, 0x7000000000ULL, 4 * KiB, GSTAGE_R | GSTAGE_W), 0);
	CHECK_EQ(check_mapping(0x80000000, 0x100000000ULL, 256 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(check_mapping(0x80000000 + 256 * MiB, 0x200000000ULL, 4 * MiB, GSTAGE_R), 0);
	CHECK(unmapped(0x10001000));
	CHECK(unmapped(0x80000000 + 260 * MiB));
}

TEST(every_allowed_prot_is_kept)
{
	static const unsigned int prots[] = {
		GSTAGE_R, GSTAGE_X, GSTAGE_R | GSTAGE_X, GSTAGE_R | GSTAGE_W, GSTAGE_RWX,
	};

	setup(4);
	for (unsigned int i = 0; i < sizeof(prots) / sizeof(prots[0]); i++) {
		uint64_t gpa = 0x80000000 + i * 2 * MiB;

		CHECK_EQ(gstage_map(&g, gpa, gpa, 2 * MiB, prots[i]), 0);
		CHECK_EQ(check_mapping(gpa, gpa, 2 * MiB, prots[i]), 0);
	}
}

TEST(prot_bits_outside_rwx_are_ignored)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 4 * KiB,
			    GSTAGE_R | PTE_V | PTE_G | PTE_U | 0x300), 0);
	CHECK_EQ(check_mapping(0x80000000, 0x80000000, 4 * KiB, GSTAGE_R), 0);
	CHECK_EQ(pte_at(0x80000000, 0) & 0x3ff, PTE_V | PTE_R | PTE_U | PTE_A | PTE_D);
}

/* ---- the PTEs themselves ------------------------------------------------- */

TEST(leaf_and_table_pte_bits_4k)
{
	uint64_t pte;

	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0xabcde000, 4 * KiB, GSTAGE_R | GSTAGE_X), 0);
	/* pointers to the next level: V only (A, D, U are reserved there) */
	for (unsigned int l = 3; l >= 1; l--) {
		pte = pte_at(0x80000000, l);
		CHECK_EQ(pte & 0x3ff, PTE_V);
		CHECK(pte >> 10);
	}
	pte = pte_at(0x80000000, 0);
	CHECK_EQ(pte & 0x3ff, PTE_V | PTE_U | PTE_A | PTE_D | PTE_R | PTE_X);
	CHECK_EQ(pte >> 10, 0xabcde);
	CHECK_EQ(pte >> 54, 0);	/* reserved, PBMT and N bits clear */
}

TEST(leaf_pte_bits_2m_and_1g)
{
	uint64_t pte;

	setup(4);
	CHECK_EQ(gstage_map(&g, 0xc0000000, 0x1c0000000ULL, GiB, GSTAGE_RWX), 0);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x180200000ULL, 2 * MiB, GSTAGE_R | GSTAGE_W), 0);
	pte = pte_at(0xc0000000, 2);
	CHECK_EQ(pte & 0x3ff, PTE_V | PTE_U | PTE_A | PTE_D | PTE_R | PTE_W | PTE_X);
	CHECK_EQ(pte >> 10, 0x1c0000000ULL >> 12);
	pte = pte_at(0x80000000, 1);
	CHECK_EQ(pte & 0x3ff, PTE_V | PTE_U | PTE_A | PTE_D | PTE_R | PTE_W);
	CHECK_EQ(pte >> 10, 0x180200000ULL >> 12);
}

TEST(sv39x4_root_index_uses_11_bits)
{
	/* GPA bits 40..30 index the 2048-entry root: 2^40 lands at entry 1024 */
	uint64_t *r;

	setup(3);
	CHECK_EQ(gstage_map(&g, 1ULL << 40, 0x80000000, GiB, GSTAGE_RWX), 0);
	r = root;
	CHECK_EQ(r[1024] & 0x3ff, PTE_V | PTE_U | PTE_A | PTE_D | PTE_R | PTE_W | PTE_X);
	CHECK_EQ(r[1024] >> 10, 0x80000);
	CHECK_EQ(g.nr_tables, 0);	/* a 1 GiB leaf right in the root */
	CHECK_EQ(check_mapping(1ULL << 40, 0x80000000, GiB, GSTAGE_RWX), 0);
	CHECK(unmapped(0));
}

TEST(sv48x4_root_index_uses_11_bits)
{
	uint64_t *r;

	setup(4);
	/* GPA bits 49..39 index the root: 2^49 lands at entry 1024 */
	CHECK_EQ(gstage_map(&g, 1ULL << 49, 0x80000000, GiB, GSTAGE_RWX), 0);
	r = root;
	CHECK_EQ(r[1024] & 0x3ff, PTE_V);
	CHECK_EQ(pte_at(1ULL << 49, 2) >> 10, 0x80000);
	CHECK_EQ(check_mapping(1ULL << 49, 0x80000000, GiB, GSTAGE_RWX), 0);
	CHECK(unmapped(0));
}

/* ---- the top of the guest physical space ------------------------------- */

TEST(sv39x4_maps_up_to_the_limit_and_no_further)
{
	uint64_t top = 1ULL << 41;

	setup(3);
	CHECK_EQ(gstage_map(&g, top - 4 * KiB, 0x80000000, 4 * KiB, GSTAGE_RWX), 0);
	CHECK_EQ(check_mapping(top - 4 * KiB, 0x80000000, 4 * KiB, GSTAGE_RWX), 0);
	CHECK_EQ(gstage_map(&g, top, 0x80000000, 4 * KiB, GSTAGE_RWX), -1);
	CHECK_EQ(gstage_map(&g, top - 4 * KiB, 0x80000000, 8 * KiB, GSTAGE_RWX), -1);
	CHECK_EQ(gstage_map(&g, 1ULL << 48, 0x80000000, 4 * KiB, GSTAGE_RWX), -1);
	CHECK(unmapped(top));
	CHECK(unmapped(top + (top - 4 * KiB)));	/* no aliasing past the limit */
}

TEST(sv48x4_maps_beyond_2_pow_41_up_to_2_pow_50)
{
	uint64_t top = 1ULL << 50;

	setup(4);
	CHECK_EQ(gstage_map(&g, 1ULL << 41, 0x80000000, 2 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(check_mapping(1ULL << 41, 0x80000000, 2 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(gstage_map(&g, top - GiB, 0x40000000, GiB, GSTAGE_RWX), 0);
	CHECK_EQ(check_mapping(top - GiB, 0x40000000, GiB, GSTAGE_RWX), 0);
	CHECK_EQ(gstage_map(&g, top, 0x80000000, 4 * KiB, GSTAGE_RWX), -1);
	CHECK_EQ(gstage_map(&g, top - 4 * KiB, 0x80000000, 8 * KiB, GSTAGE_RWX), -1);
	CHECK(unmapped(top));
	CHECK(unmapped(top + (1ULL << 41)));
}

TEST(map_wrapping_around_2_pow_64_is_refused)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0xfffffffffffff000ULL, 0x80000000, 8 * KiB, GSTAGE_RWX), -1);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 0xfffffffffffff000ULL, GSTAGE_RWX), -1);
	CHECK_EQ(tp.nr, 0);
	CHECK(unmapped(0));
}

/* ---- refused arguments --------------------------------------------------- */

TEST(unaligned_arguments_are_refused)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80000800, 0x80000000, 4 * KiB, GSTAGE_RWX), -1);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000001, 4 * KiB, GSTAGE_RWX), -1);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 4 * KiB + 1, GSTAGE_RWX), -1);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 4 * KiB - 1, GSTAGE_RWX), -1);
	CHECK_EQ(tp.nr, 0);
	CHECK(unmapped(0x80000000));
}

TEST(zero_size_is_refused)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 0, GSTAGE_RWX), -1);
	CHECK_EQ(tp.nr, 0);
}

TEST(no_permission_is_refused)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 4 * KiB, 0), -1);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 4 * KiB, PTE_V | PTE_U), -1);
	CHECK(unmapped(0x80000000));
}

TEST(write_without_read_is_refused)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 4 * KiB, GSTAGE_W), -1);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 4 * KiB, GSTAGE_W | GSTAGE_X), -1);
	CHECK_EQ(tp.nr, 0);
	CHECK(unmapped(0x80000000));
}

TEST(overlap_with_the_same_range_is_refused)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 4 * KiB, GSTAGE_RWX), 0);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x90000000, 4 * KiB, GSTAGE_R), -1);
	/* the first mapping is untouched */
	CHECK_EQ(check_mapping(0x80000000, 0x80000000, 4 * KiB, GSTAGE_RWX), 0);
}

TEST(small_page_under_a_big_one_is_refused)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, GiB, GSTAGE_RWX), 0);
	CHECK_EQ(gstage_map(&g, 0x80200000, 0x10000000, 2 * MiB, GSTAGE_R), -1);
	CHECK_EQ(gstage_map(&g, 0xbffff000, 0x10000000, 4 * KiB, GSTAGE_R), -1);
	CHECK_EQ(check_mapping(0x80000000, 0x80000000, GiB, GSTAGE_RWX), 0);
	CHECK_EQ(tp.nr, 1);	/* no table was made under the 1 GiB leaf */
}

TEST(big_page_over_small_ones_is_refused)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80201000, 0x80201000, 4 * KiB, GSTAGE_RWX), 0);
	/* a 2 MiB page at 0x80200000 would hide the 4 KiB table */
	CHECK_EQ(gstage_map(&g, 0x80200000, 0x80200000, 2 * MiB, GSTAGE_RWX), -1);
	/* a 1 GiB page at 0x80000000 would hide the 2 MiB-level table */
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, GiB, GSTAGE_RWX), -1);
	CHECK_EQ(check_mapping(0x80201000, 0x80201000, 4 * KiB, GSTAGE_RWX), 0);
	CHECK(unmapped(0x80200000));
	CHECK(unmapped(0x80000000));
}

TEST(overlap_in_the_middle_is_refused)
{
	setup(4);
	CHECK_EQ(gstage_map(&g, 0x80400000, 0x80400000, 4 * KiB, GSTAGE_RWX), 0);
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 8 * MiB, GSTAGE_RWX), -1);
	/*
	 * gstage_map is not atomic: what came before the overlap stays mapped
	 * (the contract only promises -1). The existing page is untouched.
	 */
	CHECK_EQ(check_mapping(0x80400000, 0x80400000, 4 * KiB, GSTAGE_RWX), 0);
}

TEST(table_allocation_failure_is_reported)
{
	setup(4);
	tp.fail_after = 0;
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 4 * KiB, GSTAGE_RWX), -1);
	CHECK(unmapped(0x80000000));
	CHECK_EQ(g.nr_tables, 0);
	setup(4);
	tp.fail_after = 2;	/* levels 2 and 1 made, level 0 fails */
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 4 * KiB, GSTAGE_RWX), -1);
	CHECK(unmapped(0x80000000));
	CHECK_EQ(g.nr_tables, 2);
	CHECK_EQ(g.nr_4k, 0);
	/* with tables available again, the same mapping succeeds */
	tp.fail_after = MAX_TABLES;
	CHECK_EQ(gstage_map(&g, 0x80000000, 0x80000000, 4 * KiB, GSTAGE_RWX), 0);
	CHECK_EQ(check_mapping(0x80000000, 0x80000000, 4 * KiB, GSTAGE_RWX), 0);
}

TEST(translate_beyond_the_limit_is_unmapped)
{
	setup(3);
	CHECK_EQ(gstage_map(&g, 0, 0x80000000, GiB, GSTAGE_RWX), 0);
	/* 2^41 has the same root index bits as 0: must not alias */
	CHECK(!unmapped(0));
	CHECK(unmapped(1ULL << 41));
	CHECK(unmapped(UINT64_MAX & ~(GiB - 1)));
}

/* ---- prepared tables: map and unmap later without allocating ----------- */

TEST(prepare_makes_tables_and_maps_nothing)
{
	setup(3);
	CHECK_EQ(gstage_prepare(&g, 0x80000000, 0x90000000, 8 * MiB), 0);
	CHECK_EQ(tp.nr, 1); /* one level-1 table holds the 2 MiB leaves */
	CHECK_EQ(g.nr_2m + g.nr_4k + g.nr_1g, 0);
	CHECK(unmapped(0x80000000));
	CHECK(unmapped(0x807ff000));
}

TEST(map_prepared_allocates_nothing_and_maps_2m_blocks)
{
	setup(3);
	CHECK_EQ(gstage_prepare(&g, 0x80000000, 0x90000000, 8 * MiB), 0);
	tp.fail_after = tp.nr; /* any allocation from here on fails */
	CHECK_EQ(gstage_map_prepared(&g, 0x80200000, 0x90200000, 2 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(check_mapping(0x80200000, 0x90200000, 2 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(g.nr_2m, 1);
	CHECK(unmapped(0x80000000));
	CHECK(unmapped(0x80400000));
	/* twice is refused, as gstage_map refuses it */
	CHECK_EQ(gstage_map_prepared(&g, 0x80200000, 0x90200000, 2 * MiB, GSTAGE_RWX), -1);
}

TEST(map_prepared_outside_the_prepared_range_is_refused)
{
	setup(3);
	CHECK_EQ(gstage_prepare(&g, 0x80000000, 0x90000000, 2 * MiB), 0);
	/* the level-1 table exists for the whole GiB, but no 4 KiB table does */
	CHECK_EQ(gstage_map_prepared(&g, 0x80200000, 0x90200000, 4 * KiB, GSTAGE_RWX), -1);
	/* another GiB: no table at all */
	CHECK_EQ(gstage_map_prepared(&g, 0xc0000000, 0x90200000, 2 * MiB, GSTAGE_RWX), -1);
	CHECK_EQ(tp.nr, 1);
	CHECK(unmapped(0xc0000000));
}

TEST(prepared_tail_smaller_than_2m_uses_4k_pages)
{
	setup(3);
	/* 9 MiB: four 2 MiB blocks and a 1 MiB tail in 4 KiB pages */
	CHECK_EQ(gstage_prepare(&g, 0x80000000, 0x90000000, 9 * MiB), 0);
	CHECK_EQ(tp.nr, 2);
	tp.fail_after = tp.nr;
	CHECK_EQ(gstage_map_prepared(&g, 0x80800000, 0x90800000, 1 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(check_mapping(0x80800000, 0x90800000, 1 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(g.nr_4k, 256);
	CHECK(unmapped(0x80900000));
}

TEST(unmap_clears_the_leaves_and_maps_again)
{
	setup(3);
	CHECK_EQ(gstage_prepare(&g, 0x80000000, 0x90000000, 9 * MiB), 0);
	tp.fail_after = tp.nr;
	CHECK_EQ(gstage_map_prepared(&g, 0x80000000, 0x90000000, 2 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(gstage_map_prepared(&g, 0x80800000, 0x90800000, 1 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(gstage_unmap(&g, 0x80000000, 0x90000000, 2 * MiB), 0);
	CHECK_EQ(gstage_unmap(&g, 0x80800000, 0x90800000, 1 * MiB), 0);
	CHECK(unmapped(0x80000000));
	CHECK(unmapped(0x801ff000));
	CHECK(unmapped(0x80800000));
	CHECK(unmapped(0x808ff000));
	CHECK_EQ(g.nr_2m + g.nr_4k, 0);
	CHECK_EQ(pte_at(0x80000000, 1), 0);
	/* the tables stay: mapping again needs no allocation */
	CHECK_EQ(gstage_map_prepared(&g, 0x80000000, 0x90000000, 2 * MiB, GSTAGE_RWX), 0);
	CHECK_EQ(check_mapping(0x80000000, 0x90000000, 2 * MiB, GSTAGE_RWX), 0);
}

TEST(unmap_of_what_is_not_mapped_says_so)
{
	setup(3);
	CHECK_EQ(gstage_prepare(&g, 0x80000000, 0x90000000, 4 * MiB), 0);
	CHECK_EQ(gstage_map_prepared(&g, 0x80200000, 0x90200000, 2 * MiB, GSTAGE_RWX), 0);
	/* the first block was never mapped; the second is cleared all the same */
	CHECK_EQ(gstage_unmap(&g, 0x80000000, 0x90000000, 4 * MiB), -1);
	CHECK(unmapped(0x80200000));
	CHECK_EQ(g.nr_2m, 0);
	/* no table at all there */
	CHECK_EQ(gstage_unmap(&g, 0xc0000000, 0x90000000, 2 * MiB), -1);
}

TEST(prepare_checks_its_arguments_as_map_does)
{
	setup(3);
	CHECK_EQ(gstage_prepare(&g, 0x80000800, 0x90000000, 2 * MiB), -1);
	CHECK_EQ(gstage_prepare(&g, 0x80000000, 0x90000000, 0), -1);
	CHECK_EQ(gstage_prepare(&g, (1ULL << 41) - 2 * MiB, 0x90000000, 4 * MiB), -1);
	CHECK_EQ(tp.nr, 0);
}
