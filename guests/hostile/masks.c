/*
 * Hart masks that name harts this VM does not have (its 2 vCPUs are harts
 * 0 and 1; the victim's vCPUs are not its harts, whatever their number),
 * then floods of IPIs and fences. A mask naming a hart that does not
 * exist is SBI_ERR_INVALID_PARAM (SBI v2.0, 3.1 "hart list"), and Keel
 * then sends nothing at all (docs/sbi.md). Hart 1 counts the software
 * interrupts it sees; hart 0 polls its own sip.SSIP.
 */
#include "console.h"
#include "hostile.h"
#include "test.h"
#include "trap.h"

#define WAIT_MS 2000	/* anything that must happen; QEMU TCG can be slow */
#define SETTLE_MS 50	/* to see that nothing more happens */
#define FLOOD 20000

extern char trap_vector[];
static volatile unsigned long hart1_up, hart1_ipis;
static unsigned char hart1_stack[4096] __attribute__((aligned(16)));

/* hart 1: a0 = hart id, a1 = opaque = its stack top */
void hart1_entry(void);
__asm__(".globl hart1_entry\nhart1_entry:\n\tmv sp, a1\n\tcall hart1_main\n1:\twfi\n\tj 1b\n");

/* Count each SSIP: wfi wakes for it (sie.SSIE) though sstatus.SIE = 0 */
void hart1_main(void);
void hart1_main(void)
{
	csr_write(stvec, (unsigned long)trap_vector);
	csr_write(sie, SIP_SSIP);
	__atomic_store_n(&hart1_up, 1, __ATOMIC_RELEASE);
	for (;;) {
		wfi();
		if (csr_read(sip) & SIP_SSIP) {
			csr_clear(sip, SIP_SSIP);
			__atomic_add_fetch(&hart1_ipis, 1, __ATOMIC_RELEASE);
		}
	}
}

#define WAIT(ms, cond) WAIT_TICKS(ms_ticks(ms), cond)

static struct sbiret send_ipi(unsigned long mask, unsigned long base)
{
	return sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, mask, base, 0, 0, 0, 0);
}

static struct sbiret rfence(unsigned long fid, unsigned long mask, unsigned long base)
{
	return sbi_call(SBI_EXT_RFENCE, fid, mask, base, 0, 0, 0, 0);
}

/* Hart 0's own SSIP: taken (and cleared) or not */
static int own_ssip(void)
{
	int pending = !!(csr_read(sip) & SIP_SSIP);

	csr_clear(sip, SIP_SSIP);
	return pending;
}

/* One good IPI to both harts arrives: the checks above it could fail */
static void ipi_arrives(const char *when)
{
	unsigned long before = hart1_ipis;

	CHECK_SBI_ERR(send_ipi(3, 0), SBI_SUCCESS, "%s: send_ipi(mask 3, base 0)", when);
	CHECK(WAIT(WAIT_MS, hart1_ipis == before + 1) && WAIT(WAIT_MS, own_ssip()),
	      "%s: hart 1 and hart 0 each take the IPI (hart 1: %lu)", when, hart1_ipis - before);
}

static void start_hart1(void)
{
	CHECK_SBI_ERR(sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, (unsigned long)hart1_entry,
			       (unsigned long)hart1_stack + sizeof(hart1_stack), 0, 0, 0),
		      SBI_SUCCESS, "HSM hart_start(1)");
	CHECK(WAIT(WAIT_MS, hart1_up), "hart 1 runs");
	own_ssip();
}

void test_hart_masks(void)
{
	static const struct {
		unsigned long mask, base;
	} bad[] = {
		{ 1UL << 2, 0 },	/* hart 2: the first id past this VM's */
		{ 3UL | 1UL << 2, 0 },	/* its own harts and one more */
		{ 1UL << 63, 0 },
		{ -1UL, 0 },
		{ 1, 2 },
		{ 1, 63 },
		{ 1, 64 },
		{ 1, -2UL },		/* -1 means all; -2 is a hart id */
		{ 3, 1 },		/* harts 1 and 2 */
		{ 1UL << 63, 1 },	/* hart 64 */
	};
	static const struct {
		unsigned long fid;
		const char *name;
	} fences[] = {
		{ SBI_EXT_RFENCE_REMOTE_FENCE_I, "remote_fence_i" },
		{ SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, "remote_sfence_vma" },
		{ SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID, "remote_sfence_vma_asid" },
	};
	unsigned long before;

	start_hart1();
	ipi_arrives("before the bad masks");
	before = hart1_ipis;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_SBI_ERR(send_ipi(bad[i].mask, bad[i].base), SBI_ERR_INVALID_PARAM,
			      "send_ipi(mask 0x%lx, base %ld)", bad[i].mask, (long)bad[i].base);
		for (unsigned int f = 0; f < sizeof(fences) / sizeof(fences[0]); f++)
			CHECK_SBI_ERR(rfence(fences[f].fid, bad[i].mask, bad[i].base),
				      SBI_ERR_INVALID_PARAM, "%s(mask 0x%lx, base %ld)",
				      fences[f].name, bad[i].mask, (long)bad[i].base);
	}
	/* the hypervisor fences are not the guest's: it has no H extension */
	for (unsigned long fid = SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA_VMID;
	     fid <= SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA; fid++)
		CHECK_SBI_ERR(rfence(fid, 3, 0), SBI_ERR_NOT_SUPPORTED,
			      "RFENCE fid %lu (an hfence) to its own harts", fid);
	WAIT(SETTLE_MS, 0);
	CHECK(hart1_ipis == before && !own_ssip(),
	      "the refused masks delivered nothing (hart 1 took %lu)", hart1_ipis - before);
	ipi_arrives("after the bad masks");
}

/* n calls of one kind; returns how many did not answer SUCCESS */
static unsigned long flood(const char *name, unsigned long fid_or_ipi, unsigned long n)
{
	unsigned long t0 = rdtime(), errors = 0;

	for (unsigned long i = 0; i < n; i++) {
		struct sbiret r = fid_or_ipi == ~0UL ? send_ipi(3, 0) : rfence(fid_or_ipi, 3, 0);

		errors += r.error != SBI_SUCCESS;
	}
	printf("# flood: %lu %s to harts 0 and 1 in %lu ms\n", n, name, ticks_ms(rdtime() - t0));
	return errors;
}

void test_floods(void)
{
	unsigned long before = hart1_ipis, t0 = rdtime(), errors = 0;

	CHECK_EQ(flood("send_ipi", ~0UL, FLOOD), 0, "%d send_ipi: every one SUCCESS", FLOOD);
	own_ssip();
	CHECK(WAIT(WAIT_MS, hart1_ipis > before) && hart1_ipis - before <= FLOOD,
	      "hart 1 took between 1 and %d of them (%lu: pending IPIs merge)", FLOOD,
	      hart1_ipis - before);
	CHECK_EQ(flood("remote_sfence_vma", SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, FLOOD), 0,
		 "%d remote_sfence_vma: every one SUCCESS", FLOOD);
	CHECK_EQ(flood("remote_fence_i", SBI_EXT_RFENCE_REMOTE_FENCE_I, FLOOD), 0,
		 "%d remote_fence_i: every one SUCCESS", FLOOD);
	for (unsigned long i = 0; i < FLOOD; i++)
		errors += send_ipi(1, 2).error != SBI_ERR_INVALID_PARAM;
	CHECK_EQ(errors, 0, "%d send_ipi to hart 2: every one INVALID_PARAM", FLOOD);
	printf("# floods: %lu ms in all\n", ticks_ms(rdtime() - t0));
	ipi_arrives("after the floods");
}
