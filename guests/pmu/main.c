/*
 * The SBI PMU extension as a guest sees it (docs/pmu.md): discovery, every
 * firmware event counted exactly, start/stop/reset semantics, initial
 * values, the snapshot area, the cycle/instret counters, and every error
 * code. Under anything but Keel only the checks that hold for any SBI
 * implementation are made.
 *
 * The firmware events are triggered here with known numbers: illegal
 * instructions, misaligned LR/SC/AMOs, loads and stores where nothing is,
 * set_timer, IPIs and remote fences to this hart. Misaligned AMOs raise
 * load-misaligned on serial QEMU TCG and store-misaligned on parallel TCG
 * (guests/README.md), so each misaligned event is expected as often as the
 * guest's own handler saw its cause.
 *
 * Before powering off, ILLEGAL_INSN is left started with 4 counted, for the
 * console dump Keel prints when the VM stops (tests/system/cases.sh).
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "test.h"
#include "trap.h"
#include "trap_count.h"

#define NO_HART 1000UL
#define KEEL_COUNTERS 25
#define FW_BASE 3
#define ALL_FW ((1UL << SBI_PMU_FW_MAX) - 1)	/* with base FW_BASE */
#define FW(e) SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_FW, (e))
#define HW(c) SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_HW, (c))
#define SPIN 1000000UL

static unsigned long hartid, ram_base, ram_end, all_mask, num_counters;
/*
 * Keel's host-backed counters (25 and up): how many the host gives is the
 * pmuhw guest's to check (its test case knows the stack); here they only
 * move the end of the counter indices.
 */
static unsigned long keel_counters = KEEL_COUNTERS;
static int under_keel;

static struct sbiret pmu(unsigned long fid, unsigned long a0, unsigned long a1,
			 unsigned long a2, unsigned long a3, unsigned long a4)
{
	return sbi_call(SBI_EXT_PMU, fid, a0, a1, a2, a3, a4, 0);
}

static struct sbiret cfg_match(unsigned long base, unsigned long mask, unsigned long flags,
			       unsigned long event)
{
	return pmu(SBI_EXT_PMU_COUNTER_CFG_MATCH, base, mask, flags, event, 0);
}

static struct sbiret start(unsigned long base, unsigned long mask, unsigned long flags,
			   unsigned long init)
{
	return pmu(SBI_EXT_PMU_COUNTER_START, base, mask, flags, init, 0);
}

static struct sbiret stop(unsigned long base, unsigned long mask, unsigned long flags)
{
	return pmu(SBI_EXT_PMU_COUNTER_STOP, base, mask, flags, 0, 0);
}

static struct sbiret fw_read(unsigned long counter)
{
	return pmu(SBI_EXT_PMU_COUNTER_FW_READ, counter, 0, 0, 0, 0);
}

static unsigned long fw_value(unsigned int event)
{
	struct sbiret r = fw_read(FW_BASE + event);

	CHECK_SBI_ERR(r, SBI_SUCCESS, "fw_read(counter %u)", FW_BASE + event);
	return r.value;
}

static const char *const names[SBI_PMU_FW_MAX] = SBI_PMU_FW_EVENT_NAMES;

/* ---- triggering the events ---------------------------------------------- */

static void illegal(unsigned int n)
{
	trap_set_hook(trap_count_and_skip);
	while (n--)
		__asm__ volatile(".word 0x0000006b" ::: "memory");	/* reserved opcode */
	trap_set_hook(0);
}

static unsigned long misaligned_buf[4];

static void misaligned(unsigned int lr, unsigned int amo)
{
	unsigned long a4 = (unsigned long)misaligned_buf + 4, a1 = (unsigned long)misaligned_buf + 1;
	unsigned long rd;

	trap_set_hook(trap_count_and_skip);
	while (lr--)
		__asm__ volatile("lr.d t0, (%0)" : : "r"(a4) : "t0", "memory");
	while (amo--) {
		__asm__ volatile("amoadd.w t0, zero, (%0)" : : "r"(a1) : "t0", "memory");
		__asm__ volatile("amoswap.d t0, zero, (%0)" : : "r"(a4) : "t0", "memory");
	}
	/* QEMU 7.2 fails a misaligned sc.d (rd = 1) without trapping */
	__asm__ volatile("sc.d %0, zero, (%1)" : "=r"(rd) : "r"(a1) : "memory");
	trap_set_hook(0);
}

static void access_faults(unsigned int loads, unsigned int stores)
{
	unsigned long hole = ram_end + 0x1000;

	trap_set_hook(trap_count_and_skip);
	for (unsigned int i = 0; i < loads; i++) {
		if (i & 1)
			__asm__ volatile("lbu t0, 0(%0)" : : "r"(hole) : "t0", "memory");
		else
			__asm__ volatile("ld t0, 0(%0)" : : "r"(hole) : "t0", "memory");
	}
	for (unsigned int i = 0; i < stores; i++) {
		if (i & 1)
			__asm__ volatile("sw zero, 0(%0)" : : "r"(hole) : "memory");
		else
			__asm__ volatile("sd zero, 0(%0)" : : "r"(hole) : "memory");
	}
	trap_set_hook(0);
}

static void set_timers(unsigned int time_ext, unsigned int legacy)
{
	while (time_ext--)
		sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL, 0, 0, 0, 0, 0);
	while (legacy--)
		sbi_legacy_call(SBI_EXT_0_1_SET_TIMER, -1UL, 0, 0);
}

static void ipis(unsigned int n, unsigned int legacy)
{
	unsigned long mask = 1UL << hartid;

	csr_clear(sie, SIP_SSIP);
	while (n--)
		sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, hartid, 0, 0, 0, 0);
	while (legacy--)
		sbi_legacy_call(SBI_EXT_0_1_SEND_IPI, (unsigned long)&mask, 0, 0);
	/* refused (no such hart): not counted */
	sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, NO_HART, 0, 0, 0, 0);
	csr_clear(sip, SIP_SSIP);
}

static void fences(unsigned int fence_i, unsigned int vma, unsigned int asid, unsigned int legacy)
{
	unsigned long mask = 1UL << hartid;

	while (fence_i--)
		sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I, 1, hartid, 0, 0, 0, 0);
	while (vma--)
		sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, 1, hartid, 0, -1UL, 0, 0);
	while (asid--)
		sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID, 1, hartid, 0, -1UL,
			 0, 0);
	while (legacy--) {
		sbi_legacy_call(SBI_EXT_0_1_REMOTE_FENCE_I, (unsigned long)&mask, 0, 0);
		sbi_legacy_call(SBI_EXT_0_1_REMOTE_SFENCE_VMA, (unsigned long)&mask, 0, -1UL);
		sbi_call(SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID, 0, (unsigned long)&mask, 0, -1UL, 0, 0,
			 0);
	}
	/* the HFENCE calls are for guests with the H extension: refused, not counted */
	for (unsigned long fid = SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA_VMID;
	     fid <= SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA; fid++)
		sbi_call(SBI_EXT_RFENCE, fid, 1, hartid, 0, -1UL, 0, 0);
	/* refused (no such hart): not counted */
	sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I, 1, NO_HART, 0, 0, 0, 0);
}

/* ---- discovery and errors ------------------------------------------------ */

static void test_discovery(void)
{
	struct sbiret r;

	r = pmu(SBI_EXT_PMU_NUM_COUNTERS, 0, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "num_counters (%ld)", r.value);
	num_counters = r.value;
	for (unsigned long i = 0; i < num_counters && i < 64; i++) {
		r = pmu(SBI_EXT_PMU_COUNTER_GET_INFO, i, 0, 0, 0, 0);
		if (!r.error)
			all_mask |= 1UL << i;
	}
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_COUNTER_GET_INFO, 1, 0, 0, 0, 0), SBI_ERR_INVALID_PARAM,
		      "counter_get_info(1): time is never a PMU counter");
	if (!under_keel)
		return;
	CHECK(num_counters >= KEEL_COUNTERS && num_counters <= KEEL_COUNTERS + 29,
	      "Keel: 3 hardware + 22 firmware counter indices, and up to 29 host-backed ones: %lu",
	      num_counters);
	keel_counters = num_counters;
	for (unsigned long i = KEEL_COUNTERS; i < keel_counters; i++) {
		r = pmu(SBI_EXT_PMU_COUNTER_GET_INFO, i, 0, 0, 0, 0);
		CHECK(!r.error && (r.value & 0xfff) == (long)(0xc03 + i - KEEL_COUNTERS) &&
		      r.value >> 63 == 0, "counter %lu: hardware, hpmcounter%lu (0x%lx)", i,
		      3 + i - KEEL_COUNTERS, r.value);
	}
	CHECK_SBI(pmu(SBI_EXT_PMU_COUNTER_GET_INFO, 0, 0, 0, 0, 0), SBI_SUCCESS,
		  0xc00 | 63L << 12, "counter 0: cycle CSR, 64 bits");
	CHECK_SBI(pmu(SBI_EXT_PMU_COUNTER_GET_INFO, 2, 0, 0, 0, 0), SBI_SUCCESS,
		  0xc02 | 63L << 12, "counter 2: instret CSR, 64 bits");
	for (unsigned long i = FW_BASE; i < KEEL_COUNTERS; i++) {
		r = pmu(SBI_EXT_PMU_COUNTER_GET_INFO, i, 0, 0, 0, 0);
		if (r.error || r.value != (long)(1UL << 63 | 63UL << 12))
			CHECK_SBI(r, SBI_SUCCESS, (long)(1UL << 63 | 63UL << 12),
				  "counter %lu is a firmware counter", i);
	}
	CHECK(1, "counters 3..24 are firmware counters");
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_COUNTER_GET_INFO, keel_counters, 0, 0, 0, 0),
		      SBI_ERR_INVALID_PARAM, "counter_get_info(%lu)", keel_counters);
	CHECK_EQ(all_mask, ((1UL << keel_counters) - 1) & ~2UL, "counters 0, 2..%lu exist",
		 keel_counters - 1);
}

static void test_errors(void)
{
	static const unsigned long unknown[] = {
		FW(SBI_PMU_FW_MAX), FW(255), FW(256), FW(65535), HW(0), HW(3), HW(10),
		SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_CACHE, 0),
		SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_RAW, 0),
	};
	struct sbiret r;

	CHECK_SBI_ERR(cfg_match(0, 0, 0, FW(4)), SBI_ERR_INVALID_PARAM, "cfg_match: empty mask");
	CHECK_SBI_ERR(cfg_match(0, 0x7, 0, FW(4)), SBI_ERR_INVALID_PARAM,
		      "cfg_match: mask names time");
	CHECK_SBI_ERR(cfg_match(keel_counters, 1, 0, FW(4)), SBI_ERR_INVALID_PARAM,
		      "cfg_match: base past the counters");
	CHECK_SBI_ERR(cfg_match(0, 1UL << keel_counters, 0, FW(4)), SBI_ERR_INVALID_PARAM,
		      "cfg_match: mask past the counters");
	CHECK_SBI_ERR(cfg_match(0, all_mask, 1UL << 8, FW(4)), SBI_ERR_INVALID_PARAM,
		      "cfg_match: reserved flag bit 8");
	for (unsigned int i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++)
		CHECK_SBI_ERR(cfg_match(0, all_mask, 0, unknown[i]), SBI_ERR_NOT_SUPPORTED,
			      "cfg_match: event 0x%lx not supported", unknown[i]);
	CHECK_SBI_ERR(cfg_match(FW_BASE, 0xf, 0, FW(SBI_PMU_FW_ILLEGAL_INSN)), SBI_ERR_NOT_SUPPORTED,
		      "cfg_match: ILLEGAL_INSN's counter not in the set");
	CHECK_SBI_ERR(start(FW_BASE + 4, 1, 0, 0), SBI_ERR_INVALID_PARAM,
		      "start: a counter nobody configured");
	CHECK_SBI_ERR(stop(FW_BASE + 4, 1, 0), SBI_ERR_INVALID_PARAM,
		      "stop: a counter nobody configured");
	CHECK_SBI_ERR(start(0, 0, 0, 0), SBI_ERR_INVALID_PARAM, "start: empty mask");
	CHECK_SBI_ERR(stop(1, 1, 0), SBI_ERR_INVALID_PARAM, "stop: time");
	CHECK_SBI_ERR(fw_read(0), SBI_ERR_INVALID_PARAM, "fw_read(0): a hardware counter");
	CHECK_SBI_ERR(fw_read(1), SBI_ERR_INVALID_PARAM, "fw_read(1)");
	CHECK_SBI_ERR(fw_read(FW_BASE + 4), SBI_ERR_INVALID_PARAM, "fw_read: not configured");
	CHECK_SBI_ERR(fw_read(KEEL_COUNTERS), SBI_ERR_INVALID_PARAM, "fw_read(25)");
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_COUNTER_FW_READ_HI, 0, 0, 0, 0, 0), SBI_ERR_INVALID_PARAM,
		      "fw_read_hi(0)");
	r = pmu(9, 0, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_ERR_NOT_SUPPORTED, "PMU fid 9");
}

/* ---- every firmware event, counted exactly ------------------------------- */

static void test_fw_events(void)
{
	unsigned long expect[SBI_PMU_FW_MAX] = { 0 }, got[SBI_PMU_FW_MAX];
	struct sbiret r;
	unsigned int e;

	for (e = 0; e < SBI_PMU_FW_MAX; e++) {
		r = cfg_match(0, all_mask, SBI_PMU_CFG_FLAG_CLEAR_VALUE, FW(e));
		if (r.error || r.value != FW_BASE + e)
			CHECK_SBI(r, SBI_SUCCESS, FW_BASE + e, "cfg_match(%s)", names[e]);
	}
	CHECK(1, "cfg_match: firmware event e on counter 3 + e, for all 22");
	CHECK_SBI_ERR(cfg_match(0, all_mask, 0, FW(SBI_PMU_FW_SET_TIMER)), SBI_ERR_NOT_SUPPORTED,
		      "cfg_match(SET_TIMER) again: its counter is in use");
	/* configured but not started: nothing counts */
	illegal(2);
	set_timers(1, 0);
	CHECK_EQ(fw_value(SBI_PMU_FW_ILLEGAL_INSN) + fw_value(SBI_PMU_FW_SET_TIMER), 0,
		 "configured, not started: no counts");

	CHECK_SBI_ERR(start(FW_BASE, ALL_FW, 0, 0), SBI_SUCCESS, "start all 22 at once");
	trap_count_clear();
	illegal(7);
	/* hpmcounter3 is not offered: an illegal instruction, through Keel */
	trap_set_hook(trap_count_and_skip);
	__asm__ volatile("csrr t0, hpmcounter3" ::: "t0", "memory");
	trap_set_hook(0);
	misaligned(3, 2);
	access_faults(4, 5);
	set_timers(6, 2);
	ipis(3, 1);
	fences(2, 5, 4, 1);
	CHECK_SBI_ERR(stop(FW_BASE, ALL_FW, 0), SBI_SUCCESS, "stop all 22 at once");

	printf("# traps seen: illegal %lu, misaligned load %lu store %lu, access load %lu "
	       "store %lu\n", traps_by_cause[EXC_ILLEGAL_INSN],
	       traps_by_cause[EXC_LOAD_MISALIGNED], traps_by_cause[EXC_STORE_MISALIGNED],
	       traps_by_cause[EXC_LOAD_ACCESS], traps_by_cause[EXC_STORE_ACCESS]);
	CHECK_EQ(traps_by_cause[EXC_ILLEGAL_INSN], 8, "8 illegal instructions taken");
	CHECK_EQ(traps_by_cause[EXC_LOAD_MISALIGNED] + traps_by_cause[EXC_STORE_MISALIGNED] >= 7, 1,
		 "3 LR and 4 AMOs took misaligned traps (sc.d may not)");
	CHECK_EQ(traps_by_cause[EXC_LOAD_ACCESS], 4, "4 load access faults taken");
	CHECK_EQ(traps_by_cause[EXC_STORE_ACCESS], 5, "5 store access faults taken");

	expect[SBI_PMU_FW_ILLEGAL_INSN] = 8;
	expect[SBI_PMU_FW_MISALIGNED_LOAD] = traps_by_cause[EXC_LOAD_MISALIGNED];
	expect[SBI_PMU_FW_MISALIGNED_STORE] = traps_by_cause[EXC_STORE_MISALIGNED];
	expect[SBI_PMU_FW_ACCESS_LOAD] = 4;
	expect[SBI_PMU_FW_ACCESS_STORE] = 5;
	expect[SBI_PMU_FW_SET_TIMER] = 8;
	expect[SBI_PMU_FW_IPI_SENT] = expect[SBI_PMU_FW_IPI_RCVD] = 4;
	expect[SBI_PMU_FW_FENCE_I_SENT] = expect[SBI_PMU_FW_FENCE_I_RCVD] = 3;
	expect[SBI_PMU_FW_SFENCE_VMA_SENT] = expect[SBI_PMU_FW_SFENCE_VMA_RCVD] = 6;
	expect[SBI_PMU_FW_SFENCE_VMA_ASID_SENT] = expect[SBI_PMU_FW_SFENCE_VMA_ASID_RCVD] = 5;
	for (e = 0; e < SBI_PMU_FW_MAX; e++) {
		got[e] = fw_value(e);
		CHECK_EQ(got[e], expect[e], "%s counted %lu", names[e], got[e]);
	}
	CHECK_SBI(pmu(SBI_EXT_PMU_COUNTER_FW_READ_HI, FW_BASE + 4, 0, 0, 0, 0), SBI_SUCCESS, 0,
		  "fw_read_hi: 0 on RV64");

	/* stopped: nothing more counts */
	illegal(3);
	set_timers(2, 0);
	CHECK_EQ(fw_value(SBI_PMU_FW_ILLEGAL_INSN), 8, "stopped: ILLEGAL_INSN stays at 8");
	CHECK_EQ(fw_value(SBI_PMU_FW_SET_TIMER), 8, "stopped: SET_TIMER stays at 8");
	CHECK_SBI_ERR(stop(FW_BASE, ALL_FW, 0), SBI_ERR_ALREADY_STOPPED, "stop again: already");
	/* release them all for what follows */
	CHECK_SBI_ERR(stop(FW_BASE, ALL_FW, SBI_PMU_STOP_FLAG_RESET), SBI_ERR_ALREADY_STOPPED,
		      "stop with RESET of stopped counters: already stopped, and released");
	CHECK_SBI_ERR(fw_read(FW_BASE + 4), SBI_ERR_INVALID_PARAM, "released: fw_read refused");
}

/* ---- start/stop/reset, initial values, AUTO_START, CLEAR_VALUE -------------- */

static void test_semantics(void)
{
	unsigned long c = FW_BASE + SBI_PMU_FW_ILLEGAL_INSN;
	struct sbiret r;

	r = cfg_match(0, all_mask, 0, FW(SBI_PMU_FW_ILLEGAL_INSN));
	CHECK_SBI(r, SBI_SUCCESS, c, "cfg_match(ILLEGAL_INSN) again after RESET");
	CHECK_EQ(fw_value(SBI_PMU_FW_ILLEGAL_INSN), 8, "no CLEAR_VALUE: the count is kept");
	CHECK_SBI_ERR(start(c, 1, SBI_PMU_START_FLAG_SET_INIT_VALUE, 1000), SBI_SUCCESS,
		      "start with SET_INIT_VALUE 1000");
	CHECK_SBI_ERR(start(c, 1, 0, 0), SBI_ERR_ALREADY_STARTED, "start again: already started");
	illegal(3);
	CHECK_EQ(fw_value(SBI_PMU_FW_ILLEGAL_INSN), 1003, "1000 + 3 illegal instructions");
	CHECK_SBI_ERR(stop(c, 1, 0), SBI_SUCCESS, "stop");
	CHECK_SBI_ERR(start(c, 1, 0, 5), SBI_SUCCESS, "start without SET_INIT_VALUE");
	illegal(1);
	CHECK_EQ(fw_value(SBI_PMU_FW_ILLEGAL_INSN), 1004, "counts on from 1003");
	CHECK_SBI_ERR(stop(c, 1, 0), SBI_SUCCESS, "stop");
	CHECK_SBI_ERR(start(c, 1, SBI_PMU_START_FLAG_SET_INIT_VALUE |
			    SBI_PMU_START_FLAG_INIT_SNAPSHOT, 0), SBI_ERR_INVALID_PARAM,
		      "start: SET_INIT_VALUE and INIT_SNAPSHOT together");
	CHECK_SBI_ERR(start(c, 1, 1UL << 2, 0), SBI_ERR_INVALID_PARAM, "start: reserved flag");
	CHECK_SBI_ERR(stop(c, 1, 1UL << 2), SBI_ERR_INVALID_PARAM, "stop: reserved flag");

	r = cfg_match(c, 1, SBI_PMU_CFG_FLAG_SKIP_MATCH | SBI_PMU_CFG_FLAG_CLEAR_VALUE,
		      FW(SBI_PMU_FW_ILLEGAL_INSN));
	CHECK_SBI(r, SBI_SUCCESS, c, "cfg_match SKIP_MATCH | CLEAR_VALUE on its own counter");
	CHECK_EQ(fw_value(SBI_PMU_FW_ILLEGAL_INSN), 0, "CLEAR_VALUE zeroed the count");
	CHECK_SBI_ERR(cfg_match(c, 1, SBI_PMU_CFG_FLAG_SKIP_MATCH, FW(SBI_PMU_FW_SET_TIMER)),
		      SBI_ERR_NOT_SUPPORTED, "SKIP_MATCH: that counter cannot count SET_TIMER");
	CHECK_SBI_ERR(stop(c, 1, SBI_PMU_STOP_FLAG_RESET), SBI_ERR_ALREADY_STOPPED,
		      "stop with RESET");

	r = cfg_match(0, all_mask, SBI_PMU_CFG_FLAG_AUTO_START | SBI_PMU_CFG_FLAG_SET_SINH |
		      SBI_PMU_CFG_FLAG_SET_UINH | SBI_PMU_CFG_FLAG_SET_VSINH |
		      SBI_PMU_CFG_FLAG_SET_VUINH | SBI_PMU_CFG_FLAG_SET_MINH,
		      FW(SBI_PMU_FW_ILLEGAL_INSN));
	CHECK_SBI(r, SBI_SUCCESS, c, "cfg_match AUTO_START with every privilege filter");
	illegal(2);
	CHECK_EQ(fw_value(SBI_PMU_FW_ILLEGAL_INSN), 2, "AUTO_START counts at once; filters ignored");
	CHECK_SBI_ERR(stop(c, 1, SBI_PMU_STOP_FLAG_RESET), SBI_SUCCESS, "stop with RESET");
}

/* ---- the snapshot area --------------------------------------------------- */

static unsigned long shm[512] __attribute__((aligned(4096)));

static void test_snapshot(void)
{
	unsigned long base = FW_BASE + SBI_PMU_FW_ILLEGAL_INSN;	/* + SET_TIMER next to it */
	unsigned long area = (unsigned long)shm;
	struct sbiret r;

	CHECK_SBI_ERR(cfg_match(0, all_mask, SBI_PMU_CFG_FLAG_CLEAR_VALUE,
				FW(SBI_PMU_FW_ILLEGAL_INSN)), SBI_SUCCESS, "cfg_match(ILLEGAL_INSN)");
	CHECK_SBI_ERR(cfg_match(0, all_mask, SBI_PMU_CFG_FLAG_CLEAR_VALUE, FW(SBI_PMU_FW_SET_TIMER)),
		      SBI_SUCCESS, "cfg_match(SET_TIMER)");
	CHECK_SBI_ERR(start(base, 3, SBI_PMU_START_FLAG_INIT_SNAPSHOT, 0), SBI_ERR_NO_SHMEM,
		      "INIT_SNAPSHOT with no snapshot area");
	CHECK_SBI_ERR(stop(base, 3, SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT), SBI_ERR_NO_SHMEM,
		      "TAKE_SNAPSHOT with no snapshot area");

#define SET_SHMEM(lo, hi, flags) pmu(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, (lo), (hi), (flags), 0, 0)
	CHECK_SBI_ERR(SET_SHMEM(area, 0, 1), SBI_ERR_INVALID_PARAM, "set_shmem: flags 1");
	CHECK_SBI_ERR(SET_SHMEM(area + 8, 0, 0), SBI_ERR_INVALID_PARAM, "set_shmem: not 4K aligned");
	CHECK_SBI_ERR(SET_SHMEM(area, 1, 0), SBI_ERR_INVALID_ADDRESS, "set_shmem: high half 1");
	CHECK_SBI_ERR(SET_SHMEM(ram_end, 0, 0), SBI_ERR_INVALID_ADDRESS,
		      "set_shmem: just past RAM (0x%lx)", ram_end);
	CHECK_SBI_ERR(SET_SHMEM(ram_base - 0x1000, 0, 0), SBI_ERR_INVALID_ADDRESS,
		      "set_shmem: just below RAM");
	CHECK_SBI_ERR(SET_SHMEM(0x10000000, 0, 0), SBI_ERR_INVALID_ADDRESS, "set_shmem: the UART");
	CHECK_SBI_ERR(SET_SHMEM(area, 0, 0), SBI_SUCCESS, "set_shmem(0x%lx)", area);

	for (int i = 0; i < 512; i++)
		shm[i] = 0x5a5a5a5a5a5a5a5aUL;
	CHECK_SBI_ERR(start(base, 3, 0, 0), SBI_SUCCESS, "start ILLEGAL_INSN and SET_TIMER");
	illegal(2);
	set_timers(3, 0);
	CHECK_SBI_ERR(stop(base, 3, SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT), SBI_SUCCESS,
		      "stop with TAKE_SNAPSHOT");
	CHECK_EQ(shm[0], 0, "snapshot: overflow bitmap is 0 (no Sscofpmf)");
	CHECK_EQ(shm[1], 2, "snapshot: counter_values[0] = ILLEGAL_INSN (base + 0)");
	CHECK_EQ(shm[2], 3, "snapshot: counter_values[1] = SET_TIMER (base + 1)");
	CHECK_EQ(shm[3], 0x5a5a5a5a5a5a5a5aUL, "snapshot: counter_values[2] untouched");
	CHECK_EQ(shm[511], 0x5a5a5a5a5a5a5a5aUL, "snapshot: reserved part untouched");

	shm[1] = 100;
	shm[2] = 200;
	CHECK_SBI_ERR(start(base, 3, SBI_PMU_START_FLAG_INIT_SNAPSHOT, 0), SBI_SUCCESS,
		      "start with INIT_SNAPSHOT");
	illegal(1);
	CHECK_EQ(fw_value(SBI_PMU_FW_ILLEGAL_INSN), 101, "started from the snapshot's 100");
	CHECK_EQ(fw_value(SBI_PMU_FW_SET_TIMER), 200, "started from the snapshot's 200");

	r = SET_SHMEM(-1UL, -1UL, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "set_shmem(-1, -1): disabled");
	CHECK_SBI_ERR(stop(base, 3, SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT | SBI_PMU_STOP_FLAG_RESET),
		      SBI_ERR_NO_SHMEM, "TAKE_SNAPSHOT after disabling it");
	CHECK_SBI_ERR(stop(base, 3, SBI_PMU_STOP_FLAG_RESET), SBI_SUCCESS, "stop with RESET");
#undef SET_SHMEM
}

/* ---- event_get_info (SBI v3.0; Keel serves it) ------------------------------ */

static struct {
	unsigned int event_idx, output;
	unsigned long event_data;
} info[4] __attribute__((aligned(16))), many[257] __attribute__((aligned(16)));

static void test_event_info(void)
{
	info[0].event_idx = FW(SBI_PMU_FW_SFENCE_VMA_RCVD);
	info[1].event_idx = FW(SBI_PMU_FW_MAX);
	info[2].event_idx = HW(SBI_PMU_HW_CPU_CYCLES);
	info[3].event_idx = HW(SBI_PMU_HW_REF_CPU_CYCLES);
	for (int i = 0; i < 4; i++)
		info[i].output = 0x77;
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_EVENT_GET_INFO, (unsigned long)info, 0, 4, 0, 0), SBI_SUCCESS,
		      "event_get_info for 4 events");
	CHECK(info[0].output == 1 && info[1].output == 0 && info[2].output == 1 &&
	      info[3].output == 0, "event_get_info outputs %u %u %u %u, want 1 0 1 0",
	      info[0].output, info[1].output, info[2].output, info[3].output);
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_EVENT_GET_INFO, (unsigned long)info + 8, 0, 1, 0, 0),
		      SBI_ERR_INVALID_PARAM, "event_get_info: not 16-byte aligned");
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_EVENT_GET_INFO, ram_end - 16, 0, 2, 0, 0),
		      SBI_ERR_INVALID_ADDRESS, "event_get_info: entries past RAM");
	/* Keel walks at most 256 entries a call (docs/pmu.md) */
	many[256].output = 0x77;
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_EVENT_GET_INFO, (unsigned long)many, 0, 256, 0, 0),
		      SBI_SUCCESS, "event_get_info for 256 events");
	CHECK_SBI_ERR(pmu(SBI_EXT_PMU_EVENT_GET_INFO, (unsigned long)many, 0, 257, 0, 0),
		      SBI_ERR_FAILED, "event_get_info: 257 events are past Keel's limit");
	CHECK(many[0].output == 0 && many[256].output == 0x77,
	      "event 0 (no event) unsupported; the 257th entry untouched (%u, 0x%x)",
	      many[0].output, many[256].output);
}

/* ---- cycle and instret as PMU counters ----------------------------------- */

static inline unsigned long rdcycle(void)
{
	unsigned long v;

	__asm__ volatile("csrr %0, cycle" : "=r"(v) : : "memory");
	return v;
}

/* A read into s2 (callee-saved: Keel's slow path), s3 must survive it. */
static unsigned long rdinstret_s2(unsigned long *s3)
{
	unsigned long v, keep;

	__asm__ volatile("li s3, 0x13579bdf\n"
			 "csrr s2, instret\n"
			 "mv %0, s2\n"
			 "mv %1, s3\n"
			 : "=r"(v), "=r"(keep) : : "s2", "s3", "memory");
	*s3 = keep;
	return v;
}

static void spin(unsigned long n)
{
	/* 2 instructions per iteration */
	__asm__ volatile("1: addi %0, %0, -1\n bnez %0, 1b" : "+r"(n) : : "memory");
}

/*
 * delta: the counter across the spin, less what the same reads cost back
 * to back (read_cost): what is left is the loop alone, on any stack, however
 * many instructions its firmware and Keel spend on an emulated read.
 */
static void per_iteration(const char *what, unsigned long delta, unsigned long read_cost)
{
	unsigned long loop = delta - read_cost;
	unsigned long milli = loop % SPIN * 1000 / SPIN;

	printf("# %s: %lu over %lu spin iterations = %lu.%03lu per iteration (%lu, less %lu for "
	       "the reads)\n", what, loop, SPIN, loop / SPIN, milli, delta, read_cost);
}

static void test_hw_counters(void)
{
	unsigned long c0, c1, c2, i0, i1, i2, s3, a, b, c_cost, i_cost;
	struct sbiret r;

	r = cfg_match(0, all_mask, SBI_PMU_CFG_FLAG_CLEAR_VALUE, HW(SBI_PMU_HW_CPU_CYCLES));
	CHECK_SBI(r, SBI_SUCCESS, 0, "cfg_match(CPU_CYCLES): counter 0");
	r = cfg_match(0, all_mask, SBI_PMU_CFG_FLAG_CLEAR_VALUE, HW(SBI_PMU_HW_INSTRUCTIONS));
	CHECK_SBI(r, SBI_SUCCESS, 2, "cfg_match(INSTRUCTIONS): counter 2");
	CHECK_SBI_ERR(cfg_match(0, all_mask, 0, HW(SBI_PMU_HW_CPU_CYCLES)), SBI_ERR_NOT_SUPPORTED,
		      "a second CPU_CYCLES: counter 0 is in use");
	c0 = rdcycle();
	i0 = rdinstret();
	CHECK(c0 == 0 && i0 == 0, "configured with CLEAR_VALUE, not started: cycle %lu instret %lu",
	      c0, i0);

	CHECK_SBI_ERR(start(0, 0x5, SBI_PMU_START_FLAG_SET_INIT_VALUE, 1000), SBI_SUCCESS,
		      "start cycle and instret at 1000");
	c0 = rdcycle();
	i0 = rdinstret();
	c1 = rdcycle();
	i1 = rdinstret();
	c_cost = c1 - c0;
	i_cost = i1 - i0;
	printf("# back-to-back emulated reads: cycle +%lu, instret +%lu\n", c_cost, i_cost);
	CHECK(c0 >= 1000 && c1 >= c0 && i0 >= 1000 && i1 > i0,
	      "started at 1000 and counting: cycle %lu %lu, instret %lu %lu", c0, c1, i0, i1);
	c0 = rdcycle();
	i0 = rdinstret();
	spin(SPIN);
	c1 = rdcycle();
	i1 = rdinstret();
	per_iteration("cycle", c1 - c0, c_cost);
	per_iteration("instret", i1 - i0, i_cost);
	CHECK(c1 > c0 && i1 > i0, "the spin loop is counted");
	CHECK(i1 - i0 < 1000 * SPIN && c1 - c0 < 1000 * SPIN,
	      "plausible: under 1000 per 2-instruction iteration");
	i2 = rdinstret_s2(&s3);
	CHECK(i2 >= i1, "instret into s2 (%lu) after %lu", i2, i1);
	CHECK_EQ(s3, 0x13579bdf, "s3 kept across the emulated read into s2");

	CHECK_SBI_ERR(stop(0, 0x5, 0), SBI_SUCCESS, "stop cycle and instret");
	c1 = rdcycle();
	i1 = rdinstret();
	spin(10000);
	c2 = rdcycle();
	i2 = rdinstret();
	CHECK(c1 == c2 && i1 == i2, "stopped: frozen (cycle %lu %lu, instret %lu %lu)", c1, c2, i1,
	      i2);
	CHECK_SBI_ERR(start(0, 0x5, 0, 0), SBI_SUCCESS, "start again without an initial value");
	spin(1000);
	c2 = rdcycle();
	i2 = rdinstret();
	CHECK(c2 > c1 && i2 > i1, "counting on from the frozen values (cycle %lu, instret %lu)",
	      c2, i2);
	CHECK_SBI_ERR(fw_read(0), SBI_ERR_INVALID_PARAM, "fw_read of counter 0: hardware");
	CHECK_SBI_ERR(stop(0, 0x5, SBI_PMU_STOP_FLAG_RESET), SBI_SUCCESS, "stop with RESET");
	/* released: the raw CSRs again, read without Keel */
	a = rdcycle();
	b = rdcycle();
	CHECK(b >= a, "released: raw cycle reads (%lu, %lu)", a, b);
	a = rdtime();
	b = rdtime();
	CHECK(b >= a, "time was never a PMU counter (%lu, %lu)", a, b);
}

int main(unsigned long a0, const void *dtb)
{
	unsigned long ram_size;
	struct sbiret r;

	hartid = a0;
	fdt_ram(dtb, &ram_base, &ram_size);
	ram_end = ram_base + ram_size;
	printf("# pmu guest: hart %lu, RAM 0x%lx-0x%lx\n", hartid, ram_base, ram_end);
	r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0, 0, 0, 0);
	under_keel = !r.error && r.value == (long)SBI_IMPL_ID_KEEL;
	if (!sbi_probe(SBI_EXT_PMU)) {
		CHECK(!under_keel, "probe_extension(PMU) present under Keel");
		test_skip("no SBI PMU here");
		test_finish();
	}
	CHECK(1, "probe_extension(PMU) present");
	test_discovery();
	if (!under_keel) {
		test_skip("not under Keel: its counter map and firmware counting");
		test_finish();
	}
	test_errors();
	test_fw_events();
	test_semantics();
	test_snapshot();
	test_event_info();
	test_hw_counters();

	/* for Keel's console dump when the VM stops: ILLEGAL_INSN 4 (started) */
	CHECK_SBI(cfg_match(0, all_mask, SBI_PMU_CFG_FLAG_CLEAR_VALUE | SBI_PMU_CFG_FLAG_AUTO_START,
			    FW(SBI_PMU_FW_ILLEGAL_INSN)), SBI_SUCCESS, FW_BASE + 4,
		  "ILLEGAL_INSN started for the dump");
	illegal(4);
	test_finish();
}
