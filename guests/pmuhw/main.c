/*
 * Hardware counters of the SBI PMU, per vCPU (docs/pmu.md): run with two
 * vCPUs pinned to one hart under -icount shift=0 (-c 2 -p 0,0), where
 * instret counts every retired instruction exactly. It checks, strictly:
 *   - instret across a known loop: the loop's instructions, give or take
 *     a few (the reads' own cost measured and taken off);
 *   - an SBI call's instret includes Keel's work for it (the decision in
 *     docs/pmu.md: what Keel does on a vCPU's behalf is the vCPU's);
 *   - while vCPU 0 sleeps in wfi and vCPU 1 spins 20 times as long on the
 *     same hart, vCPU 0's counter does not move by vCPU 1's count, and
 *     vCPU 1's own counter has its spin and not vCPU 0's; both spinning at
 *     once, time-sliced, each counts its own loop only;
 *   - host-backed counters (keel.hpm=N in the bootargs: how many the test
 *     case's stack gives, 0 for none): counter_get_info of each; with N > 0,
 *     a DTLB read-miss counter across reads of fresh pages, frozen while
 *     stopped, started with a value, and the host's counters running out
 *     between the two vCPUs on one hart (NOT_SUPPORTED for vCPU 1 while
 *     vCPU 0 holds them all, success once one is given back); with N = 0,
 *     the event refused with NOT_SUPPORTED and cycle/instret still count.
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "sec_entry.h"
#include "test.h"

#define HW(c) SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_HW, (c))
/* cache event DTLB (3), op READ (0), result MISS (1): QEMU virt counts it */
#define DTLB_READ_MISS SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_CACHE, 3 << 3 | 0 << 1 | 1)
#define FIXED 25      /* Keel's counters before the host-backed ones */
#define K 100000UL    /* vCPU 0's spin: 2 instructions an iteration */
#define OTHER (20 * K) /* vCPU 1's, while vCPU 0 sleeps */
#define BOTH 3000000UL /* each one's, spinning at the same time (beyond a 4 ms slice) */
#define PAGES 256
#define SIE_SSIE (1UL << 1)
#define SIP_SSIP (1UL << 1)

static unsigned long hpm, tlb_guest, num_counters, all_mask, read_cost;
static unsigned char pages[PAGES][4096] __attribute__((aligned(4096)));

/* what vCPU 0 asks of vCPU 1, and what vCPU 1 saw */
enum job { JOB_NONE, JOB_SLEEPER_SPIN, JOB_BOTH_SPIN, JOB_CLAIM, JOB_QUIT };
static volatile unsigned long job, req, ack, both_go, both_done[2], own[2], claim_err, claim_ctr;

static struct sbiret pmu(unsigned long fid, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3)
{
	return sbi_call(SBI_EXT_PMU, fid, a0, a1, a2, a3, 0, 0);
}

static struct sbiret cfg_match(unsigned long base, unsigned long mask, unsigned long flags,
			       unsigned long event)
{
	return pmu(SBI_EXT_PMU_COUNTER_CFG_MATCH, base, mask, flags, event);
}

static void spin(unsigned long n)
{
	__asm__ volatile("1: addi %0, %0, -1\n bnez %0, 1b" : "+r"(n) : : "memory");
}

static unsigned long rdhpm3(void)
{
	unsigned long v;

	__asm__ volatile("csrr %0, hpmcounter3" : "=r"(v) : : "memory");
	return v;
}

static void ipi(unsigned long vcpu)
{
	sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, vcpu, 0, 0, 0, 0);
}

/* Sleep in wfi (SIE off: the IPI only ends the wfi) until *flag == want */
static void sleep_until(volatile unsigned long *flag, unsigned long want)
{
	csr_set(sie, SIE_SSIE);
	while (*flag != want) {
		wfi();
		csr_clear(sip, SIP_SSIP);
	}
}

/* vCPU 0 has vCPU 1 do a job, asleep meanwhile (req, ack: how many asked, done) */
static void ask(enum job j)
{
	unsigned long n = req + 1;

	job = j;
	req = n;
	ipi(1);
	sleep_until(&ack, n);
}

static unsigned long instret_counter(void)
{
	struct sbiret r = cfg_match(0, 1UL << 2, SBI_PMU_CFG_FLAG_CLEAR_VALUE |
				    SBI_PMU_CFG_FLAG_AUTO_START, HW(SBI_PMU_HW_INSTRUCTIONS));

	return r.error ? -1UL : (unsigned long)r.value;
}

/* vCPU 1 */
void sec_main(unsigned long id, unsigned long opaque)
{
	unsigned long a, b;

	(void)opaque;
	(void)id;
	if (instret_counter() != 2)
		own[1] = -1UL;
	for (;;) {
		csr_set(sie, SIE_SSIE);
		while (req == ack) {
			wfi();
			csr_clear(sip, SIP_SSIP);
		}
		switch (job) {
		case JOB_SLEEPER_SPIN:
			a = rdinstret();
			spin(OTHER);
			b = rdinstret();
			own[1] = b - a;
			break;
		case JOB_BOTH_SPIN:
			/* started by vCPU 0, which spins too: both are runnable */
			ack = req;
			ipi(0);
			a = rdinstret();
			spin(BOTH);
			b = rdinstret();
			own[1] = b - a;
			both_done[1] = 1;
			continue;
		case JOB_CLAIM: {
			struct sbiret r = cfg_match(0, all_mask, SBI_PMU_CFG_FLAG_CLEAR_VALUE,
						    DTLB_READ_MISS);
			claim_err = r.error;
			claim_ctr = r.value;
			if (!r.error)
				pmu(SBI_EXT_PMU_COUNTER_STOP, r.value, 1, SBI_PMU_STOP_FLAG_RESET, 0);
			break;
		}
		case JOB_QUIT:
			ack = req;
			ipi(0);
			sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, 0, 0, 0, 0, 0, 0);
			break;
		}
		ack = req;
		ipi(0);
	}
}

static void test_discovery(void)
{
	struct sbiret r = pmu(SBI_EXT_PMU_NUM_COUNTERS, 0, 0, 0, 0);

	num_counters = r.value;
	CHECK_SBI(r, SBI_SUCCESS, (long)(FIXED + hpm), "num_counters: 25 and %lu host-backed", hpm);
	for (unsigned long i = 0; i < hpm; i++)
		CHECK_SBI(pmu(SBI_EXT_PMU_COUNTER_GET_INFO, FIXED + i, 0, 0, 0), SBI_SUCCESS,
			  (long)((0xc03 + i) | 63UL << 12),
			  "counter %lu: hardware, hpmcounter%lu, 64 bits", FIXED + i, 3 + i);
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_COUNTER_GET_INFO, FIXED + hpm, 0, 0, 0),
		      SBI_ERR_INVALID_PARAM, "counter %lu does not exist", FIXED + hpm);
	all_mask = ((1UL << (FIXED + hpm)) - 1) & ~2UL;
}

static void test_instret_exact(void)
{
	unsigned long a, b, loop;

	CHECK_EQ(instret_counter(), 2, "cfg_match(INSTRUCTIONS, CLEAR_VALUE | AUTO_START)");
	a = rdinstret();
	b = rdinstret();
	read_cost = b - a;
	a = rdinstret();
	spin(K);
	b = rdinstret();
	loop = b - a - read_cost;
	printf("# instret: %lu across spin(%lu) less %lu for a read\n", loop, K, read_cost);
	/* the host timer's interrupts while it spins are Keel's work for it: counted */
	CHECK(loop >= 2 * K && loop <= 2 * K + 1000,
	      "instret across spin(%lu): %lu, 2 per iteration (+ Keel's interrupts)", K, loop);
	a = rdinstret();
	sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0, 0);
	b = rdinstret();
	printf("# instret: %lu across one SBI call (Keel's work for it included)\n",
	       b - a - read_cost);
	CHECK(b - a - read_cost > 20 && b - a - read_cost < 5000,
	      "an SBI call counts Keel's instructions for it: %lu", b - a - read_cost);
}

static void test_shared_hart(void)
{
	unsigned long a, b, c;
	struct sbiret r;

	r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, (unsigned long)sec_entry, 0, 0, 0, 0);
	CHECK_SBI(r, SBI_SUCCESS, 0, "hart_start(1): vCPU 1, on vCPU 0's hart");
	/* vCPU 0 spins K, then sleeps while vCPU 1 spins OTHER */
	a = rdinstret();
	spin(K);
	b = rdinstret();
	ask(JOB_SLEEPER_SPIN);
	c = rdinstret();
	printf("# vCPU 0: %lu spinning, %lu across its sleep; vCPU 1: %lu spinning meanwhile\n",
	       b - a - read_cost, c - b, own[1]);
	CHECK(b - a - read_cost >= 2 * K && b - a - read_cost <= 2 * K + 1000,
	      "vCPU 0's spin: %lu", b - a - read_cost);
	CHECK(c - b < 40000, "vCPU 0 asleep while vCPU 1 ran %lu: its counter moved %lu only "
	      "(its wfi, the wake-up, Keel's switches)", 2 * OTHER, c - b);
	CHECK(own[1] >= 2 * OTHER && own[1] < 2 * OTHER + 40000,
	      "vCPU 1's counter: its own spin of %lu, %lu", 2 * OTHER, own[1]);
	/* both spinning, time-sliced: each counts its own only */
	both_done[1] = 0;
	ask(JOB_BOTH_SPIN);
	a = rdinstret();
	spin(BOTH);
	b = rdinstret();
	WAIT_TICKS(1UL << 40, both_done[1]);
	printf("# both spin %lu: vCPU 0 counted %lu, vCPU 1 %lu\n", 2 * BOTH, b - a, own[1]);
	CHECK(b - a >= 2 * BOTH && b - a < 2 * BOTH + 200000,
	      "spinning beside vCPU 1: vCPU 0 counted its own %lu: %lu", 2 * BOTH, b - a);
	CHECK(own[1] >= 2 * BOTH && own[1] < 2 * BOTH + 200000,
	      "spinning beside vCPU 0: vCPU 1 counted its own %lu: %lu", 2 * BOTH, own[1]);
}

/* Read every page once: one DTLB read miss each after the sfence.vma */
static unsigned long touch_pages(void)
{
	unsigned long sum = 0, a, b;

	__asm__ volatile("sfence.vma" : : : "memory");
	a = rdhpm3();
	for (unsigned int i = 0; i < PAGES; i++)
		sum += *(volatile unsigned long *)pages[i];
	b = rdhpm3();
	(void)sum;
	return b - a;
}

static void test_host_counters(void)
{
	unsigned long d, x, y, n;
	struct sbiret r;

	if (!hpm) {
		CHECK_SBI(cfg_match(0, all_mask, 0, DTLB_READ_MISS), SBI_ERR_NOT_SUPPORTED, 0,
			  "no host counters: DTLB read miss refused");
		CHECK_SBI(cfg_match(0, all_mask, 0, HW(5) /* branch instructions */),
			  SBI_ERR_NOT_SUPPORTED, 0, "no host counters: branches refused");
		return;
	}
	for (unsigned int i = 0; i < PAGES; i++)
		pages[i][8] = (unsigned char)i; /* Keel zeroes RAM on first touch: not now */
	r = cfg_match(0, all_mask, SBI_PMU_CFG_FLAG_CLEAR_VALUE, DTLB_READ_MISS);
	CHECK_SBI(r, SBI_SUCCESS, FIXED, "cfg_match(DTLB read miss): counter 25, a host counter");
	CHECK_EQ(rdhpm3(), 0, "configured with CLEAR_VALUE, not started: hpmcounter3 reads 0");
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_COUNTER_START, FIXED, 1, 0, 0), SBI_SUCCESS, "start it");
	d = touch_pages();
	printf("# DTLB read misses across %d fresh pages: %lu\n", PAGES, d);
	if (tlb_guest)
		CHECK(d >= PAGES && d <= PAGES + 64,
		      "DTLB read misses across %d fresh pages: %lu (theirs and Keel's)", PAGES, d);
	else
		CHECK(d >= 1 && d <= 64, "DTLB read misses: %lu, Keel's own for the reads (this QEMU "
		      "counts no two-stage fill)", d);
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_COUNTER_STOP, FIXED, 1, 0, 0), SBI_SUCCESS, "stop it");
	x = rdhpm3();
	touch_pages();
	y = rdhpm3();
	CHECK(x == y && x >= d, "stopped: frozen (%lu, %lu)", x, y);
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_COUNTER_START, FIXED, 1, SBI_PMU_START_FLAG_SET_INIT_VALUE,
			  1000000), SBI_SUCCESS, "start at 1000000");
	touch_pages();
	x = rdhpm3();
	CHECK(x >= 1000000 + (tlb_guest ? PAGES : 1) && x <= 1000000 + 2 * PAGES + 128,
	      "counting on from 1000000: %lu", x);
	/* every host counter of the hart to vCPU 0 ... */
	for (n = 1; n < hpm; n++) {
		r = cfg_match(0, all_mask, SBI_PMU_CFG_FLAG_CLEAR_VALUE, DTLB_READ_MISS);
		if (r.error || r.value != (long)(FIXED + n))
			break;
	}
	CHECK_EQ(n, hpm, "vCPU 0 holds all %lu host-backed counters", hpm);
	CHECK_SBI(cfg_match(0, all_mask, 0, DTLB_READ_MISS), SBI_ERR_NOT_SUPPORTED, 0,
		  "vCPU 0 has no host-backed counter left");
	/* ... so vCPU 1, on the same hart, gets none, though its own are free */
	ask(JOB_CLAIM);
	CHECK_EQ(claim_err, (unsigned long)SBI_ERR_NOT_SUPPORTED,
		 "vCPU 1 on the same hart: the host's counters ran out (NOT_SUPPORTED)");
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_COUNTER_STOP, FIXED + 3, 1, SBI_PMU_STOP_FLAG_RESET, 0),
		      SBI_ERR_ALREADY_STOPPED, "vCPU 0 gives counter 28 back");
	ask(JOB_CLAIM);
	CHECK_EQ(claim_err, 0, "then vCPU 1 gets one");
	CHECK_EQ(claim_ctr, FIXED, "its own first host-backed counter, 25");
	for (n = 0; n < hpm; n++)
		if (n != 3)
			pmu(SBI_EXT_PMU_COUNTER_STOP, FIXED + n, 1, SBI_PMU_STOP_FLAG_RESET, 0);
	/* cycle and instret count on beside the host-backed counters */
	x = rdinstret();
	spin(1000);
	y = rdinstret();
	CHECK(y - x - read_cost >= 2000 && y - x - read_cost <= 2008, "instret still exact: %lu",
	      y - x - read_cost);
}

int main(unsigned long hartid, const void *dtb)
{
	int len;
	const char *args = fdt_prop(dtb, "chosen", "bootargs", &len);

	hpm = bootarg_num(args, "keel.hpm", 0);
	/*
	 * keel.tlb-guest=1: QEMU counts the guest's own (two-stage) TLB
	 * fills, as QEMU 10 does; 0: only single-stage ones (Keel's), as
	 * QEMU 7.2 does. The test case knows its stack.
	 */
	tlb_guest = bootarg_num(args, "keel.tlb-guest", 1);
	printf("# pmuhw guest: hart %lu, %lu host-backed counters expected\n", hartid, hpm);
	if (!CHECK_EQ(sbi_probe(SBI_EXT_PMU), 1, "probe_extension(PMU)"))
		test_finish();
	test_discovery();
	test_instret_exact();
	test_shared_hart();
	test_host_counters();
	ask(JOB_QUIT);
	test_finish();
}
