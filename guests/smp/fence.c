/*
 * Remote fences, checked through a translation the target hart has really
 * cached: a secondary turns on Sv39 (identity gigapages plus TEST_VA ->
 * page A) and reads TEST_VA; the boot hart points the PTE at page B and
 * sends remote_sfence_vma(_asid) to that hart alone, which must then read
 * B. QEMU keeps translations in its software TLB until a fence, so without
 * the remote fence the hart would go on reading A; a "#" line says
 * whether it did before the fence, i.e. whether the check can tell.
 */
#include "console.h"
#include "smp.h"
#include "test.h"

#define TEST_VA 0x100000000UL	/* 4 GiB: past the identity-mapped 0-4 GiB */
#define PTE_V 0x01UL
#define PTE_RWX 0x0eUL
#define PTE_AD 0xc0UL		/* set, so no hardware A/D update is needed */
#define SATP_SV39 (8UL << 60)
#define SATP_ASID_SHIFT 44
#define MAGIC_A 0xaaaa0000aaaa0000UL
#define MAGIC_B 0xbbbb0000bbbb0000UL
#define TEST_ASID 5UL

#define PAGE __attribute__((aligned(4096)))
static unsigned long root[512] PAGE, l1[512] PAGE, l0[512] PAGE;
static unsigned long page_a[512] PAGE, page_b[512] PAGE;

static unsigned long pte(unsigned long pa, unsigned long flags)
{
	return pa >> 12 << 10 | flags;
}

static void map_test_va(const unsigned long *page)
{
	l0[0] = pte((unsigned long)page, PTE_V | PTE_RWX | PTE_AD);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* On the secondary: paging on (ASID arg[0]) or off, and reads of TEST_VA. */
void hart_paging(volatile struct hart *h, unsigned long cmd)
{
	if (cmd == CMD_PAGING_OFF) {
		csr_write(satp, 0);
		__asm__ volatile("sfence.vma" : : : "memory");
		return;
	}
	if (cmd == CMD_PAGING_ON) {
		h->val = 0;
		csr_write(satp, SATP_SV39 | h->arg[0] << SATP_ASID_SHIFT |
				(unsigned long)root >> 12);
		__asm__ volatile("sfence.vma" : : : "memory");
		h->ret = csr_read(satp);	/* the mode and ASID that stuck */
		if ((unsigned long)h->ret >> 60 != 8)
			return;
	}
	h->val = *(volatile unsigned long *)TEST_VA;
}

static struct sbiret rfence(unsigned long fid, unsigned long mask, unsigned long base,
			    unsigned long start, unsigned long size, unsigned long asid)
{
	return sbi_call(SBI_EXT_RFENCE, fid, mask, base, start, size, asid, 0);
}

static void fence_round(unsigned long s, unsigned long fid, const char *name)
{
	volatile struct hart *h = &harts[s];
	unsigned long asid = 0;
	int ok;

	map_test_va(page_a);
	ok = run_cmd(s, CMD_PAGING_ON, fid == SBI_EXT_RFENCE_REMOTE_SFENCE_VMA ? 0 : TEST_ASID);
	if (!CHECK(ok && h->val == MAGIC_A, "%s: hart %lu (satp 0x%lx) reads page A at "
		   "VA 0x%lx (0x%lx)", name, s, h->ret, TEST_VA, h->val))
		goto off;
	asid = (unsigned long)h->ret >> SATP_ASID_SHIFT & 0xffff;	/* 0 if it has no ASID bits */
	map_test_va(page_b);
	if (run_cmd(s, CMD_READ_VA, 0))
		printf("# %s: PTE now -> page B; before the fence hart %lu reads page %s\n",
		       name, s, h->val == MAGIC_A ? "A (cached translation)" :
		       h->val == MAGIC_B ? "B (nothing cached: the check below proves less)" :
		       "neither?");
	CHECK_SBI_ERR(rfence(fid, 1, s, TEST_VA, 4096, asid), SBI_SUCCESS,
		      "%s(mask 1, base %lu, VA 0x%lx, 4 KiB, asid %lu)", name, s, TEST_VA, asid);
	ok = run_cmd(s, CMD_READ_VA, 0);
	CHECK(ok && h->val == MAGIC_B, "%s: then hart %lu reads page B (0x%lx)",
	      name, s, h->val);
off:
	run_cmd(s, CMD_PAGING_OFF, 0);
}

static void test_fence_errors(void)
{
	static const char *const hfence[] = { "remote_hfence_gvma_vmid",
		"remote_hfence_gvma", "remote_hfence_vvma_asid", "remote_hfence_vvma" };
	unsigned long bad = all_harts_mask() | 1UL << nr_harts, one = nr_harts - 1, fid;
	struct sbiret r;

	CHECK_SBI_ERR(rfence(SBI_EXT_RFENCE_REMOTE_FENCE_I, 1, one, 0, 0, 0), SBI_SUCCESS,
		      "remote_fence_i(mask 1, base %lu)", one);
	CHECK_SBI_ERR(rfence(SBI_EXT_RFENCE_REMOTE_FENCE_I, 0, -1UL, 0, 0, 0), SBI_SUCCESS,
		      "remote_fence_i(every hart: base -1)");
	CHECK_SBI_ERR(rfence(SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, all_harts_mask(), 0, 0, 0, 0),
		      SBI_SUCCESS, "remote_sfence_vma(mask 0x%lx, base 0, everything)",
		      all_harts_mask());
	for (fid = SBI_EXT_RFENCE_REMOTE_FENCE_I;
	     fid <= SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID; fid++)
		CHECK_SBI_ERR(rfence(fid, 1, nr_harts, 0, 0, 0), SBI_ERR_INVALID_PARAM,
			      "RFENCE fid %lu(mask 1, base %lu = nr_harts)", fid, nr_harts);
	r = rfence(SBI_EXT_RFENCE_REMOTE_FENCE_I, bad, 0, 0, 0, 0);
	if (under_keel)
		CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "remote_fence_i(mask 0x%lx, base 0) "
			      "naming hart %lu", bad, nr_harts);
	else	/* OpenSBI 1.1 drops the bits of harts it lacks */
		printf("# not under Keel: remote_fence_i(mask 0x%lx, base 0): error %ld (%s)\n",
		       bad, r.error, sbi_err_name(r.error));

	/* A guest without the H extension: the spec's answer is NOT_SUPPORTED. */
	for (fid = SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA_VMID;
	     fid <= SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA; fid++) {
		const char *name = hfence[fid - SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA_VMID];

		r = rfence(fid, 0, -1UL, 0, 0, 0);
		if (under_keel)
			CHECK_SBI_ERR(r, SBI_ERR_NOT_SUPPORTED, "%s under Keel", name);
		else
			printf("# not under Keel: %s(every hart): error %ld (%s)\n", name,
			       r.error, sbi_err_name(r.error));
	}
}

void test_fence(void)
{
	unsigned long i, s = nr_harts - 1 == boot_hart ? nr_harts - 2 : nr_harts - 1;

	test_fence_errors();
	if (nr_harts < 2)
		return;
	for (i = 0; i < 4; i++)
		root[i] = pte(i << 30, PTE_V | PTE_RWX | PTE_AD);	/* identity, 1 GiB */
	root[TEST_VA >> 30] = pte((unsigned long)l1, PTE_V);
	l1[0] = pte((unsigned long)l0, PTE_V);
	page_a[0] = MAGIC_A;
	page_b[0] = MAGIC_B;
	fence_round(s, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, "remote_sfence_vma");
	fence_round(s, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID, "remote_sfence_vma_asid");
}
