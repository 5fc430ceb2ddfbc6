/*
 * Tests for the guests' SBI PMU: the state machine in src/pmu/pmu*.c called
 * directly, then the extension in src/sbi/sbi_pmu.c through sbi_dispatch()
 * as a guest's ecall reaches it. The raw cycle/instret CSRs are plain
 * numbers the tests set (fake_pmu_arch.c); guest RAM is a host array.
 */
#include <string.h>

#include "arch/riscv/arch.h"
#include "fake_core.h"
#include "fake_pmu_arch.h"
#include "pmu/host_pmu.h"
#include "riscv.h"
#include "sbi/sbi.h"
#include "unit.h"

#define FW(e) SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_FW, (e))
#define HW(code) SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_HW, (code))
#define ALL_FW_MASK ((1UL << SBI_PMU_FW_MAX) - 1) /* with base PMU_FW_BASE */
#define ALL_MASK 0x1fffffdUL                       /* 0, 2..24 with base 0 */

/* ---- the state machine, called directly ------------------------------------ */

static uint64_t raw_now[3];
static unsigned int raw_calls;

static uint64_t raw(unsigned int csr)
{
	raw_calls++;
	return csr < 3 ? raw_now[csr] : 0;
}

/* The machine of the direct tests: cycle and instret, no host counters */
static const struct pmu_host hw_host = { .read = raw };

static struct vcpu_pmu pmu;
static uint8_t snap[SBI_PMU_SNAPSHOT_SIZE] __attribute__((aligned(4096)));

static void fresh(void)
{
	memset(&pmu, 0, sizeof(pmu));
	memset(raw_now, 0, sizeof(raw_now));
	memset(snap, 0, sizeof(snap));
	raw_calls = 0;
}

static uint64_t snap_value(unsigned int i)
{
	uint64_t v;

	memcpy(&v, snap + SBI_PMU_SNAPSHOT_VALUES_OFFSET + 8 * i, sizeof(v));
	return v;
}

static void set_snap_value(unsigned int i, uint64_t v)
{
	memcpy(snap + SBI_PMU_SNAPSHOT_VALUES_OFFSET + 8 * i, &v, sizeof(v));
}

static uint64_t snap_overflow(void)
{
	uint64_t v;

	memcpy(&v, snap + SBI_PMU_SNAPSHOT_OVERFLOW_OFFSET, sizeof(v));
	return v;
}

/* Match firmware event e; returns the counter (or ~0 on error, checked). */
static unsigned long match_fw(unsigned int e, unsigned long flags)
{
	unsigned long ctr = ~0UL;

	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, flags, FW(e), 0, &hw_host, &ctr), SBI_SUCCESS);
	return ctr;
}

static uint64_t fw_value(unsigned long ctr)
{
	unsigned long v = 0xdead;

	CHECK_EQ(pmu_fw_read(&pmu, ctr, &v), SBI_SUCCESS);
	return v;
}

TEST(counter_map_is_hardware_then_one_firmware_counter_per_event)
{
	CHECK_EQ(PMU_NUM_COUNTERS, 25);
	CHECK_EQ(PMU_FW_BASE, 3);
	for (unsigned int e = 0; e < SBI_PMU_FW_MAX; e++)
		CHECK_EQ(pmu_event_counter(FW(e), 0), PMU_FW_BASE + e);
	CHECK_EQ(pmu_event_counter(HW(SBI_PMU_HW_CPU_CYCLES), 0), PMU_CTR_CYCLE);
	CHECK_EQ(pmu_event_counter(HW(SBI_PMU_HW_INSTRUCTIONS), 0), PMU_CTR_INSTRET);
}

TEST(counter_info_encodes_csr_width_and_type)
{
	unsigned long info = 0xdead;

	CHECK_EQ(pmu_counter_info(&hw_host, 0, &info), SBI_SUCCESS);
	CHECK_EQ(info, 0xc00UL | 63UL << 12);	/* cycle, 64 bits wide */
	CHECK_EQ(pmu_counter_info(&hw_host, 2, &info), SBI_SUCCESS);
	CHECK_EQ(info, 0xc02UL | 63UL << 12);	/* instret */
	for (unsigned long c = PMU_FW_BASE; c < PMU_NUM_COUNTERS; c++) {
		CHECK_EQ(pmu_counter_info(&hw_host, c, &info), SBI_SUCCESS);
		/* type bit 63; width 63 so Linux 6.1 does not mask counts to 1 bit */
		CHECK_EQ(info, 1UL << 63 | 63UL << 12);
	}
}

TEST(counter_info_of_time_and_missing_counters_is_invalid)
{
	static const unsigned long bad[] = { 1, 25, 26, 31, 64, 1UL << 32, -1UL };
	unsigned long info;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		info = 0xdead;
		CHECK_EQ(pmu_counter_info(&hw_host, bad[i], &info), SBI_ERR_INVALID_PARAM);
		CHECK_EQ(info, 0);
	}
}

TEST(events_keel_cannot_count)
{
	static const unsigned long events[] = {
		HW(SBI_PMU_HW_NO_EVENT),
		SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_RAW, 1),	/* a raw event's code must be 0 */
		SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_RAW_V2, 0),	/* SBI v3.0 */
		SBI_PMU_EVENT_IDX(4, 1), SBI_PMU_EVENT_IDX(14, 4),
		FW(SBI_PMU_FW_MAX), FW(255), FW(256), FW(65534), FW(65535),
		FW(4) | 1UL << 20,	/* event_idx is 20 bits */
		HW(3) | 1UL << 20,
		1UL << 63 | 4,		/* Linux's perf config, not an event_idx */
	};

	for (unsigned int i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		CHECK_EQ(pmu_event_counter(events[i], 0), -1);
	/* event_data is reserved for these events: nonzero is not something Keel knows */
	CHECK_EQ(pmu_event_counter(FW(4), 1), -1);
	CHECK_EQ(pmu_event_counter(HW(3), 1), -1);
	CHECK_EQ(pmu_event_counter(SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_CACHE, 0x19), 1), -1);
	/* a raw event's value is 48 bits (SBI v2.0) */
	CHECK_EQ(pmu_event_counter(SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_RAW, 0), 1ULL << 48), -1);
	CHECK_EQ(pmu_event_counter(HW(SBI_PMU_HW_CPU_CYCLES), 1UL << 40), -1);
}

TEST(events_only_the_host_can_count)
{
	static const unsigned long events[] = {
		HW(3), HW(4), HW(7), HW(SBI_PMU_HW_REF_CPU_CYCLES), HW(11), HW(0xffff),
		SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_CACHE, 0),	/* L1D read access */
		SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_CACHE, 0x19),	/* DTLB read miss */
		SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_RAW, 0),
	};

	for (unsigned int i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		CHECK_EQ(pmu_event_counter(events[i], 0), PMU_EVENT_HOST);
	CHECK_EQ(pmu_event_counter(SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_RAW, 0), 0xffffffffffffULL),
		 PMU_EVENT_HOST);
	/* without host counters (hw_host), cfg_match refuses them as before */
	fresh();
	unsigned long ctr;
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, HW(3), 0, &hw_host, &ctr), SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(pmu.in_use, 0);
}

TEST(cfg_match_every_firmware_event_gets_its_own_counter)
{
	fresh();
	for (unsigned int e = 0; e < SBI_PMU_FW_MAX; e++) {
		CHECK_EQ(match_fw(e, 0), PMU_FW_BASE + e);
		CHECK(!pmu.fw[e].started);	/* configured, not started */
	}
	CHECK_EQ(pmu.in_use, ALL_FW_MASK << PMU_FW_BASE);
	CHECK_EQ(raw_calls, 0);	/* firmware counters never read the CSRs */
}

TEST(cfg_match_with_the_set_given_from_another_base)
{
	unsigned long ctr;

	fresh();
	/* base 7, bit 0 = counter 7 = event 4 */
	CHECK_EQ(pmu_cfg_match(&pmu, 7, 0x1, 0, FW(SBI_PMU_FW_ILLEGAL_INSN), 0, &hw_host, &ctr), 0);
	CHECK_EQ(ctr, 7);
	/* base 20, bit 4 = counter 24 = event 21 */
	CHECK_EQ(pmu_cfg_match(&pmu, 20, 0x10, 0, FW(21), 0, &hw_host, &ctr), 0);
	CHECK_EQ(ctr, 24);
	CHECK_EQ(pmu.in_use, 1U << 7 | 1U << 24);
}

TEST(cfg_match_bad_counter_sets_are_invalid)
{
	static const unsigned long sets[][2] = {
		{ 0, 0 },                       /* empty */
		{ 0, 0x2 },                     /* time */
		{ 0, 0x7 },                     /* cycle, time, instret */
		{ 0, ALL_MASK | 0x2 },
		{ 0, 1UL << 25 },               /* past the last counter */
		{ 0, ALL_MASK | 1UL << 63 },
		{ 24, 0x2 },                    /* 25 */
		{ 25, 0x1 },
		{ 1, 0x1 },                     /* time again */
		{ -1UL, 0x1 },
		{ -1UL, 0x2 },                  /* wraps to 0: still invalid */
		{ 1UL << 40, 0x1 },
	};
	unsigned long ctr;

	fresh();
	for (unsigned int i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		unsigned int before = unit_failures();

		ctr = 0xdead;
		CHECK_EQ(pmu_cfg_match(&pmu, sets[i][0], sets[i][1], 0, FW(4), 0, &hw_host, &ctr),
			 SBI_ERR_INVALID_PARAM);
		/* an invalid set outranks an unknown event */
		CHECK_EQ(pmu_cfg_match(&pmu, sets[i][0], sets[i][1], 0, FW(99), 0, &hw_host, &ctr),
			 SBI_ERR_INVALID_PARAM);
		CHECK_EQ(ctr, 0);
		if (unit_failures() != before)
			printf("\t(base 0x%lx mask 0x%lx)\n", sets[i][0], sets[i][1]);
	}
	CHECK_EQ(pmu.in_use, 0);
}

TEST(cfg_match_reserved_flags_are_invalid)
{
	unsigned long ctr;

	fresh();
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 1UL << 8, FW(4), 0, &hw_host, &ctr),
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 1UL << 63, FW(4), 0, &hw_host, &ctr),
		 SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu.in_use, 0);
}

TEST(cfg_match_unknown_event_is_not_supported)
{
	unsigned long ctr = 0xdead;

	fresh();
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, FW(22), 0, &hw_host, &ctr), SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(ctr, 0);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, HW(3), 0, &hw_host, &ctr), SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0,
			       SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_RAW, 0), 0x12, &hw_host, &ctr),
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, FW(4), 7, &hw_host, &ctr), SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(pmu.in_use, 0);
}

TEST(cfg_match_when_the_events_counter_is_not_in_the_set)
{
	unsigned long ctr;

	fresh();
	/* counters 3..6, but ILLEGAL_INSN lives in counter 7 */
	CHECK_EQ(pmu_cfg_match(&pmu, 3, 0xf, 0, FW(SBI_PMU_FW_ILLEGAL_INSN), 0, &hw_host, &ctr),
		 SBI_ERR_NOT_SUPPORTED);
	/* base past the counter */
	CHECK_EQ(pmu_cfg_match(&pmu, 8, 0x1, 0, FW(SBI_PMU_FW_ILLEGAL_INSN), 0, &hw_host, &ctr),
		 SBI_ERR_NOT_SUPPORTED);
	/* cycles only on counter 0 */
	CHECK_EQ(pmu_cfg_match(&pmu, 2, 0x1, 0, HW(SBI_PMU_HW_CPU_CYCLES), 0, &hw_host, &ctr),
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, 0x1, 0, HW(SBI_PMU_HW_INSTRUCTIONS), 0, &hw_host, &ctr),
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(pmu.in_use, 0);
}

TEST(cfg_match_a_counter_in_use_is_not_matched_again)
{
	unsigned long ctr;

	fresh();
	match_fw(SBI_PMU_FW_SET_TIMER, 0);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, FW(SBI_PMU_FW_SET_TIMER), 0, &hw_host, &ctr),
		 SBI_ERR_NOT_SUPPORTED);
	/* released with RESET, it can be matched again */
	CHECK_EQ(pmu_stop(&pmu, PMU_FW_BASE + SBI_PMU_FW_SET_TIMER, 1, SBI_PMU_STOP_FLAG_RESET,
			  NULL, &hw_host), SBI_ERR_ALREADY_STOPPED);
	CHECK_EQ(match_fw(SBI_PMU_FW_SET_TIMER, 0), PMU_FW_BASE + SBI_PMU_FW_SET_TIMER);
}

TEST(cfg_match_skip_match_takes_the_first_counter_of_the_set)
{
	unsigned long ctr = 0;
	unsigned int c = PMU_FW_BASE + SBI_PMU_FW_IPI_SENT;

	fresh();
	/* not in use yet: SKIP_MATCH configures it anyway */
	CHECK_EQ(pmu_cfg_match(&pmu, c, 0x5, SBI_PMU_CFG_FLAG_SKIP_MATCH, FW(SBI_PMU_FW_IPI_SENT), 0,
			       &hw_host, &ctr), SBI_SUCCESS);
	CHECK_EQ(ctr, c);
	CHECK_EQ(pmu.in_use, 1U << c);
	/* in use: still selected (the caller knows it is its own) */
	pmu.fw[SBI_PMU_FW_IPI_SENT].value = 9;
	CHECK_EQ(pmu_cfg_match(&pmu, c - 2, 0x4, SBI_PMU_CFG_FLAG_SKIP_MATCH,
			       FW(SBI_PMU_FW_IPI_SENT), 0, &hw_host, &ctr), SBI_SUCCESS);
	CHECK_EQ(ctr, c);
	CHECK_EQ(fw_value(c), 9);	/* no CLEAR_VALUE: kept */
	/* the first counter of the set counts another event: not supported */
	CHECK_EQ(pmu_cfg_match(&pmu, c, 0x3, SBI_PMU_CFG_FLAG_SKIP_MATCH,
			       FW(SBI_PMU_FW_IPI_RCVD), 0, &hw_host, &ctr), SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, SBI_PMU_CFG_FLAG_SKIP_MATCH,
			       FW(SBI_PMU_FW_IPI_SENT), 0, &hw_host, &ctr), SBI_ERR_NOT_SUPPORTED);
	/* with CLEAR_VALUE and AUTO_START */
	CHECK_EQ(pmu_cfg_match(&pmu, c, 1, SBI_PMU_CFG_FLAG_SKIP_MATCH | SBI_PMU_CFG_FLAG_CLEAR_VALUE |
			       SBI_PMU_CFG_FLAG_AUTO_START, FW(SBI_PMU_FW_IPI_SENT), 0, &hw_host, &ctr),
		 SBI_SUCCESS);
	CHECK_EQ(fw_value(c), 0);
	CHECK(pmu.fw[SBI_PMU_FW_IPI_SENT].started);
	/* AUTO_START on a started counter: it stays started, no error */
	CHECK_EQ(pmu_cfg_match(&pmu, c, 1, SBI_PMU_CFG_FLAG_SKIP_MATCH | SBI_PMU_CFG_FLAG_AUTO_START,
			       FW(SBI_PMU_FW_IPI_SENT), 0, &hw_host, &ctr), SBI_SUCCESS);
	CHECK(pmu.fw[SBI_PMU_FW_IPI_SENT].started);
}

TEST(cfg_match_clear_value_zeroes_a_firmware_count)
{
	unsigned long c;

	fresh();
	pmu.fw[SBI_PMU_FW_ACCESS_LOAD].value = 41;	/* left from an earlier use */
	c = match_fw(SBI_PMU_FW_ACCESS_LOAD, 0);
	CHECK_EQ(fw_value(c), 41);	/* without CLEAR_VALUE the count is kept */
	CHECK_EQ(pmu_stop(&pmu, c, 1, SBI_PMU_STOP_FLAG_RESET, NULL, &hw_host), SBI_ERR_ALREADY_STOPPED);
	c = match_fw(SBI_PMU_FW_ACCESS_LOAD, SBI_PMU_CFG_FLAG_CLEAR_VALUE);
	CHECK_EQ(fw_value(c), 0);
}

TEST(cfg_match_auto_start_counts_at_once)
{
	unsigned long c;

	fresh();
	c = match_fw(SBI_PMU_FW_ILLEGAL_INSN, SBI_PMU_CFG_FLAG_AUTO_START);
	CHECK(pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started);
	pmu_incr_fw(&pmu, SBI_PMU_FW_ILLEGAL_INSN);
	pmu_incr_fw(&pmu, SBI_PMU_FW_ILLEGAL_INSN);
	CHECK_EQ(fw_value(c), 2);
	/* AUTO_START has no effect on the value (spec note) */
	CHECK_EQ(pmu_start(&pmu, c, 1, 0, 0, NULL, &hw_host), SBI_ERR_ALREADY_STARTED);
	CHECK_EQ(fw_value(c), 2);
}

TEST(cfg_match_privilege_filters_are_accepted_and_ignored)
{
	static const unsigned long filters[] = {
		SBI_PMU_CFG_FLAG_SET_VUINH, SBI_PMU_CFG_FLAG_SET_VSINH, SBI_PMU_CFG_FLAG_SET_UINH,
		SBI_PMU_CFG_FLAG_SET_SINH, SBI_PMU_CFG_FLAG_SET_MINH, 0xf8,
	};

	for (unsigned int i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		unsigned long c;

		fresh();
		c = match_fw(SBI_PMU_FW_MISALIGNED_LOAD, filters[i] | SBI_PMU_CFG_FLAG_AUTO_START);
		CHECK_EQ(c, PMU_FW_BASE + SBI_PMU_FW_MISALIGNED_LOAD);
		pmu_incr_fw(&pmu, SBI_PMU_FW_MISALIGNED_LOAD);	/* counted in every mode */
		CHECK_EQ(fw_value(c), 1);
	}
}

TEST(incr_fw_counts_only_while_started)
{
	unsigned long c;

	fresh();
	c = match_fw(SBI_PMU_FW_SET_TIMER, SBI_PMU_CFG_FLAG_CLEAR_VALUE);
	pmu_incr_fw(&pmu, SBI_PMU_FW_SET_TIMER);	/* configured, not started */
	CHECK_EQ(fw_value(c), 0);
	CHECK_EQ(pmu_start(&pmu, c, 1, 0, 0, NULL, &hw_host), SBI_SUCCESS);
	for (int i = 0; i < 5; i++)
		pmu_incr_fw(&pmu, SBI_PMU_FW_SET_TIMER);
	CHECK_EQ(pmu_stop(&pmu, c, 1, 0, NULL, &hw_host), SBI_SUCCESS);
	pmu_incr_fw(&pmu, SBI_PMU_FW_SET_TIMER);	/* stopped: frozen */
	CHECK_EQ(fw_value(c), 5);
	/* started again without SET_INIT_VALUE: counts on from 5 */
	CHECK_EQ(pmu_start(&pmu, c, 1, 0, 1000, NULL, &hw_host), SBI_SUCCESS);
	pmu_incr_fw(&pmu, SBI_PMU_FW_SET_TIMER);
	CHECK_EQ(fw_value(c), 6);
	/* counted follows the events, whatever start value the guest chose */
	CHECK_EQ(pmu_fw_counted(&pmu.fw[SBI_PMU_FW_SET_TIMER]), 6);
	CHECK_EQ(pmu_stop(&pmu, c, 1, 0, NULL, &hw_host), SBI_SUCCESS);
	CHECK_EQ(pmu_start(&pmu, c, 1, SBI_PMU_START_FLAG_SET_INIT_VALUE, 1UL << 63, NULL, &hw_host),
		 SBI_SUCCESS);
	pmu_incr_fw(&pmu, SBI_PMU_FW_SET_TIMER);
	CHECK_EQ(fw_value(c), (1UL << 63) + 1);
	CHECK_EQ(pmu_fw_counted(&pmu.fw[SBI_PMU_FW_SET_TIMER]), 7);
	/* the others never moved */
	for (unsigned int e = 0; e < SBI_PMU_FW_MAX; e++)
		if (e != SBI_PMU_FW_SET_TIMER)
			CHECK_EQ(pmu.fw[e].value, 0);
}

/*
 * The redirected exceptions a guest may take without an exit (hedeleg) are
 * exactly those whose firmware counter is not started: configured is not
 * enough, stopped gives the cause back, and other events change nothing.
 */
#define COUNTED_CAUSES ((1UL << EXC_INST_ILLEGAL) | (1UL << EXC_LOAD_MISALIGNED) |    \
			(1UL << EXC_STORE_MISALIGNED) | (1UL << EXC_LOAD_ACCESS) | \
			(1UL << EXC_STORE_ACCESS))

TEST(uncounted_traps_follow_the_started_counters)
{
	static const struct {
		unsigned int event, cause;
	} pairs[] = {
		{ SBI_PMU_FW_ILLEGAL_INSN, EXC_INST_ILLEGAL },
		{ SBI_PMU_FW_MISALIGNED_LOAD, EXC_LOAD_MISALIGNED },
		{ SBI_PMU_FW_MISALIGNED_STORE, EXC_STORE_MISALIGNED },
		{ SBI_PMU_FW_ACCESS_LOAD, EXC_LOAD_ACCESS },
		{ SBI_PMU_FW_ACCESS_STORE, EXC_STORE_ACCESS },
	};
	unsigned long c;

	fresh();
	CHECK_EQ(pmu_uncounted_traps(&pmu), COUNTED_CAUSES);
	/* an instruction access fault has no event: never in the mask */
	CHECK(!(pmu_uncounted_traps(&pmu) & (1UL << EXC_INST_ACCESS)));
	for (unsigned int i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		fresh();
		c = match_fw(pairs[i].event, 0);
		CHECK_EQ(pmu_uncounted_traps(&pmu), COUNTED_CAUSES);	/* configured only */
		CHECK_EQ(pmu_start(&pmu, c, 1, 0, 0, NULL, &hw_host), SBI_SUCCESS);
		CHECK_EQ(pmu_uncounted_traps(&pmu), COUNTED_CAUSES & ~(1UL << pairs[i].cause));
		CHECK_EQ(pmu_stop(&pmu, c, 1, 0, NULL, &hw_host), SBI_SUCCESS);
		CHECK_EQ(pmu_uncounted_traps(&pmu), COUNTED_CAUSES);
	}
	/* every other firmware event started: still all delegable */
	fresh();
	for (unsigned int e = 0; e < SBI_PMU_FW_MAX; e++)
		pmu.fw[e].started = true;
	for (unsigned int i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		pmu.fw[pairs[i].event].started = false;
	CHECK_EQ(pmu_uncounted_traps(&pmu), COUNTED_CAUSES);
}

TEST(incr_fw_ignores_null_and_out_of_range)
{
	fresh();
	pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started = true;
	pmu_incr_fw(NULL, SBI_PMU_FW_ILLEGAL_INSN);
	pmu_incr_fw(&pmu, SBI_PMU_FW_MAX);
	pmu_incr_fw(&pmu, (enum sbi_pmu_fw_event)-1);
	pmu_incr_fw(&pmu, SBI_PMU_FW_ILLEGAL_INSN);
	CHECK_EQ(pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].value, 1);
}

TEST(start_with_set_init_value)
{
	unsigned long c;

	fresh();
	c = match_fw(SBI_PMU_FW_IPI_RCVD, 0);
	CHECK_EQ(pmu_start(&pmu, c, 1, SBI_PMU_START_FLAG_SET_INIT_VALUE, 0xC000000000000001UL, NULL,
			   &hw_host), SBI_SUCCESS);
	pmu_incr_fw(&pmu, SBI_PMU_FW_IPI_RCVD);
	CHECK_EQ(fw_value(c), 0xC000000000000002UL);
	/* the count wraps at 64 bits */
	CHECK_EQ(pmu_stop(&pmu, c, 1, 0, NULL, &hw_host), SBI_SUCCESS);
	CHECK_EQ(pmu_start(&pmu, c, 1, SBI_PMU_START_FLAG_SET_INIT_VALUE, ~0UL, NULL, &hw_host), 0);
	pmu_incr_fw(&pmu, SBI_PMU_FW_IPI_RCVD);
	CHECK_EQ(fw_value(c), 0);
}

TEST(start_many_with_one_initial_value)
{
	fresh();
	match_fw(SBI_PMU_FW_FENCE_I_SENT, 0);
	match_fw(SBI_PMU_FW_FENCE_I_RCVD, 0);
	CHECK_EQ(pmu_start(&pmu, PMU_FW_BASE + SBI_PMU_FW_FENCE_I_SENT, 0x3,
			   SBI_PMU_START_FLAG_SET_INIT_VALUE, 100, NULL, &hw_host), SBI_SUCCESS);
	CHECK_EQ(pmu.fw[SBI_PMU_FW_FENCE_I_SENT].value, 100);
	CHECK_EQ(pmu.fw[SBI_PMU_FW_FENCE_I_RCVD].value, 100);
	CHECK(pmu.fw[SBI_PMU_FW_FENCE_I_SENT].started && pmu.fw[SBI_PMU_FW_FENCE_I_RCVD].started);
}

TEST(start_errors)
{
	unsigned long c;

	fresh();
	c = match_fw(SBI_PMU_FW_ILLEGAL_INSN, 0);
	/* a counter nobody configured, an invalid set, reserved flags */
	CHECK_EQ(pmu_start(&pmu, c + 1, 1, 0, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_start(&pmu, c, 3, 0, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);
	CHECK(!pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started);	/* all or nothing */
	CHECK_EQ(pmu_start(&pmu, 0, 0, 0, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_start(&pmu, 1, 1, 0, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_start(&pmu, 25, 1, 0, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_start(&pmu, c, 1, 1UL << 2, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_start(&pmu, c, 1, 1UL << 63, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);
	/* SET_INIT_VALUE and INIT_SNAPSHOT exclude each other */
	CHECK_EQ(pmu_start(&pmu, c, 1, SBI_PMU_START_FLAG_SET_INIT_VALUE |
			   SBI_PMU_START_FLAG_INIT_SNAPSHOT, 0, snap, &hw_host), SBI_ERR_INVALID_PARAM);
	/* INIT_SNAPSHOT with no snapshot area */
	CHECK_EQ(pmu_start(&pmu, c, 1, SBI_PMU_START_FLAG_INIT_SNAPSHOT, 0, NULL, &hw_host),
		 SBI_ERR_NO_SHMEM);
	CHECK(!pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started);
	CHECK_EQ(pmu_start(&pmu, c, 1, 0, 0, NULL, &hw_host), SBI_SUCCESS);
	CHECK_EQ(pmu_start(&pmu, c, 1, 0, 0, NULL, &hw_host), SBI_ERR_ALREADY_STARTED);
}

TEST(start_a_set_with_one_already_started_starts_the_rest)
{
	unsigned int base = PMU_FW_BASE + SBI_PMU_FW_SFENCE_VMA_SENT;

	fresh();
	match_fw(SBI_PMU_FW_SFENCE_VMA_SENT, 0);
	match_fw(SBI_PMU_FW_SFENCE_VMA_RCVD, 0);
	CHECK_EQ(pmu_start(&pmu, base, 1, SBI_PMU_START_FLAG_SET_INIT_VALUE, 5, NULL, &hw_host), 0);
	CHECK_EQ(pmu_start(&pmu, base, 3, SBI_PMU_START_FLAG_SET_INIT_VALUE, 7, NULL, &hw_host),
		 SBI_ERR_ALREADY_STARTED);
	CHECK(pmu.fw[SBI_PMU_FW_SFENCE_VMA_RCVD].started);
	CHECK_EQ(pmu.fw[SBI_PMU_FW_SFENCE_VMA_RCVD].value, 7);
	CHECK_EQ(pmu.fw[SBI_PMU_FW_SFENCE_VMA_SENT].value, 5);	/* untouched */
}

TEST(start_init_snapshot_reads_values_relative_to_the_base)
{
	unsigned int base = PMU_FW_BASE + SBI_PMU_FW_IPI_SENT;

	fresh();
	match_fw(SBI_PMU_FW_IPI_SENT, 0);
	match_fw(SBI_PMU_FW_FENCE_I_SENT, 0);	/* base + 2 */
	set_snap_value(0, 1111);
	set_snap_value(1, 2222);
	set_snap_value(2, 3333);
	CHECK_EQ(pmu_start(&pmu, base, 0x5, SBI_PMU_START_FLAG_INIT_SNAPSHOT, 0, snap, &hw_host), 0);
	CHECK_EQ(pmu.fw[SBI_PMU_FW_IPI_SENT].value, 1111);
	CHECK_EQ(pmu.fw[SBI_PMU_FW_FENCE_I_SENT].value, 3333);
	CHECK_EQ(pmu.fw[SBI_PMU_FW_IPI_RCVD].value, 0);
}

TEST(stop_errors)
{
	unsigned long c;

	fresh();
	c = match_fw(SBI_PMU_FW_ACCESS_STORE, SBI_PMU_CFG_FLAG_AUTO_START);
	CHECK_EQ(pmu_stop(&pmu, c + 1, 1, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);	/* unconfigured */
	CHECK_EQ(pmu_stop(&pmu, c, 3, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_stop(&pmu, 0, 0, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_stop(&pmu, 0, 2, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);	/* time */
	CHECK_EQ(pmu_stop(&pmu, c, 1, 1UL << 2, NULL, &hw_host), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_stop(&pmu, c, 1, SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT, NULL, &hw_host), SBI_ERR_NO_SHMEM);
	CHECK(pmu.fw[SBI_PMU_FW_ACCESS_STORE].started);	/* none of those stopped it */
	CHECK_EQ(pmu_stop(&pmu, c, 1, 0, NULL, &hw_host), SBI_SUCCESS);
	CHECK(!pmu.fw[SBI_PMU_FW_ACCESS_STORE].started);
	CHECK_EQ(pmu_stop(&pmu, c, 1, 0, NULL, &hw_host), SBI_ERR_ALREADY_STOPPED);
	CHECK_EQ(pmu.in_use, 1U << c);	/* stopped, still configured */
}

TEST(stop_reset_releases_even_an_already_stopped_counter)
{
	unsigned long c, v;

	fresh();
	c = match_fw(SBI_PMU_FW_ILLEGAL_INSN, SBI_PMU_CFG_FLAG_AUTO_START);
	pmu_incr_fw(&pmu, SBI_PMU_FW_ILLEGAL_INSN);
	CHECK_EQ(pmu_stop(&pmu, c, 1, 0, NULL, &hw_host), SBI_SUCCESS);
	/* Linux stops, reads, then stops again with RESET (riscv_pmu_del) */
	CHECK_EQ(pmu_stop(&pmu, c, 1, SBI_PMU_STOP_FLAG_RESET, NULL, &hw_host), SBI_ERR_ALREADY_STOPPED);
	CHECK_EQ(pmu.in_use, 0);
	CHECK_EQ(pmu_fw_read(&pmu, c, &v), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_start(&pmu, c, 1, 0, 0, NULL, &hw_host), SBI_ERR_INVALID_PARAM);
	/* and a started one is stopped and released at once */
	c = match_fw(SBI_PMU_FW_ILLEGAL_INSN, SBI_PMU_CFG_FLAG_AUTO_START);
	CHECK_EQ(pmu_stop(&pmu, c, 1, SBI_PMU_STOP_FLAG_RESET, NULL, &hw_host), SBI_SUCCESS);
	CHECK(!pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started);
	CHECK_EQ(pmu.in_use, 0);
	pmu_incr_fw(&pmu, SBI_PMU_FW_ILLEGAL_INSN);
	CHECK_EQ(pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].value, 1);
}

TEST(stop_a_set_with_one_already_stopped_stops_the_rest)
{
	unsigned int base = PMU_FW_BASE + SBI_PMU_FW_MISALIGNED_LOAD;

	fresh();
	match_fw(SBI_PMU_FW_MISALIGNED_LOAD, 0);
	match_fw(SBI_PMU_FW_MISALIGNED_STORE, SBI_PMU_CFG_FLAG_AUTO_START);
	CHECK_EQ(pmu_stop(&pmu, base, 3, 0, NULL, &hw_host), SBI_ERR_ALREADY_STOPPED);
	CHECK(!pmu.fw[SBI_PMU_FW_MISALIGNED_STORE].started);
}

TEST(stop_take_snapshot_writes_the_values_relative_to_the_base)
{
	unsigned int base = PMU_FW_BASE + SBI_PMU_FW_IPI_SENT;

	fresh();
	memset(snap, 0xa5, sizeof(snap));
	match_fw(SBI_PMU_FW_IPI_SENT, SBI_PMU_CFG_FLAG_AUTO_START | SBI_PMU_CFG_FLAG_CLEAR_VALUE);
	match_fw(SBI_PMU_FW_FENCE_I_SENT, SBI_PMU_CFG_FLAG_AUTO_START | SBI_PMU_CFG_FLAG_CLEAR_VALUE);
	for (int i = 0; i < 3; i++)
		pmu_incr_fw(&pmu, SBI_PMU_FW_IPI_SENT);
	pmu_incr_fw(&pmu, SBI_PMU_FW_FENCE_I_SENT);
	CHECK_EQ(pmu_stop(&pmu, base, 0x5, SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT, snap, &hw_host), 0);
	CHECK_EQ(snap_overflow(), 0);	/* no Sscofpmf: never an overflow */
	CHECK_EQ(snap_value(0), 3);	/* counter base + 0 */
	CHECK_EQ(snap_value(2), 1);	/* counter base + 2 */
	CHECK_EQ(snap_value(1), 0xa5a5a5a5a5a5a5a5UL);	/* not in the set: untouched */
	CHECK_EQ(snap_value(3), 0xa5a5a5a5a5a5a5a5UL);
	CHECK_EQ(snap_value(63), 0xa5a5a5a5a5a5a5a5UL);
	CHECK_EQ(snap[SBI_PMU_SNAPSHOT_VALUES_OFFSET + 512], 0xa5);	/* reserved: untouched */
	CHECK_EQ(snap[SBI_PMU_SNAPSHOT_SIZE - 1], 0xa5);
	/* already stopped: still written, and the error says so */
	pmu.fw[SBI_PMU_FW_IPI_SENT].value = 77;
	CHECK_EQ(pmu_stop(&pmu, base, 1, SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT | SBI_PMU_STOP_FLAG_RESET,
			  snap, &hw_host), SBI_ERR_ALREADY_STOPPED);
	CHECK_EQ(snap_value(0), 77);
	CHECK_EQ(pmu.in_use, 1U << (base + 2));
}

TEST(snapshot_index_is_relative_to_base_0)
{
	fresh();
	/* base 0, counters up to 24: values[24] is the last that can be written */
	match_fw(21, SBI_PMU_CFG_FLAG_AUTO_START);
	pmu.fw[21].value = 5;
	CHECK_EQ(pmu_stop(&pmu, 0, 1UL << 24, SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT, snap, &hw_host), 0);
	CHECK_EQ(snap_value(24), 5);
}

TEST(fw_read_errors_and_read_hi)
{
	unsigned long c, v;

	fresh();
	c = match_fw(SBI_PMU_FW_HFENCE_VVMA_ASID_RCVD, SBI_PMU_CFG_FLAG_AUTO_START);
	CHECK_EQ(c, 24);
	pmu.fw[SBI_PMU_FW_HFENCE_VVMA_ASID_RCVD].value = 0x123456789aUL;
	CHECK_EQ(fw_value(c), 0x123456789aUL);
	v = 0xdead;
	CHECK_EQ(pmu_fw_read_hi(&pmu, c, &v), SBI_SUCCESS);
	CHECK_EQ(v, 0);	/* RV64 */
	/* hardware counters, time, missing counters, unconfigured firmware ones */
	static const unsigned long bad[] = { 0, 1, 2, 3, 23, 25, 64, -1UL };
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 0xdead;
		CHECK_EQ(pmu_fw_read(&pmu, bad[i], &v), SBI_ERR_INVALID_PARAM);
		CHECK_EQ(v, 0);
		v = 0xdead;
		CHECK_EQ(pmu_fw_read_hi(&pmu, bad[i], &v), SBI_ERR_INVALID_PARAM);
		CHECK_EQ(v, 0);
	}
	/* cycle configured: still not a firmware counter */
	CHECK_EQ(pmu_cfg_match(&pmu, 0, 1, 0, HW(SBI_PMU_HW_CPU_CYCLES), 0, &hw_host, &c), 0);
	CHECK_EQ(pmu_fw_read(&pmu, 0, &v), SBI_ERR_INVALID_PARAM);
}

/* ---- hardware counters (cycle, instret) -------------------------------------- */

TEST(hw_counters_match_only_their_fixed_event)
{
	unsigned long c = 9;

	fresh();
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, HW(SBI_PMU_HW_CPU_CYCLES), 0, &hw_host, &c), 0);
	CHECK_EQ(c, PMU_CTR_CYCLE);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, HW(SBI_PMU_HW_INSTRUCTIONS), 0, &hw_host, &c), 0);
	CHECK_EQ(c, PMU_CTR_INSTRET);
	/* a second cycles event finds counter 0 busy */
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, HW(SBI_PMU_HW_CPU_CYCLES), 0, &hw_host, &c),
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(pmu.in_use, 0x5);
}

TEST(hw_counter_configured_is_frozen_at_the_raw_value_until_started)
{
	unsigned long c;

	fresh();
	raw_now[0] = 1000;
	CHECK_EQ(pmu_cfg_match(&pmu, 0, 1, 0, HW(SBI_PMU_HW_CPU_CYCLES), 0, &hw_host, &c), 0);
	raw_now[0] = 1500;
	CHECK_EQ(pmu_counter_value(&pmu, 0, &hw_host), 1000);
	CHECK_EQ(pmu_start(&pmu, 0, 1, 0, 0, NULL, &hw_host), 0);
	raw_now[0] = 1600;
	CHECK_EQ(pmu_counter_value(&pmu, 0, &hw_host), 1100);	/* counted 100 since start */
	CHECK_EQ(pmu_stop(&pmu, 0, 1, 0, NULL, &hw_host), 0);
	raw_now[0] = 5000;
	CHECK_EQ(pmu_counter_value(&pmu, 0, &hw_host), 1100);	/* frozen */
	CHECK_EQ(pmu_start(&pmu, 0, 1, 0, 0, NULL, &hw_host), 0);
	raw_now[0] = 5010;
	CHECK_EQ(pmu_counter_value(&pmu, 0, &hw_host), 1110);	/* resumed */
}

TEST(hw_counter_with_clear_value_auto_start_and_init_value)
{
	unsigned long c;

	fresh();
	raw_now[2] = 777;
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, SBI_PMU_CFG_FLAG_CLEAR_VALUE |
			       SBI_PMU_CFG_FLAG_AUTO_START, HW(SBI_PMU_HW_INSTRUCTIONS), 0, &hw_host, &c), 0);
	CHECK_EQ(pmu_counter_value(&pmu, 2, &hw_host), 0);
	raw_now[2] = 800;
	CHECK_EQ(pmu_counter_value(&pmu, 2, &hw_host), 23);
	/* CLEAR_VALUE on the started counter (SKIP_MATCH): counts from 0 again */
	CHECK_EQ(pmu_cfg_match(&pmu, 2, 1, SBI_PMU_CFG_FLAG_SKIP_MATCH | SBI_PMU_CFG_FLAG_CLEAR_VALUE,
			       HW(SBI_PMU_HW_INSTRUCTIONS), 0, &hw_host, &c), 0);
	raw_now[2] = 810;
	CHECK_EQ(pmu_counter_value(&pmu, 2, &hw_host), 10);
	CHECK_EQ(pmu_stop(&pmu, 2, 1, 0, NULL, &hw_host), 0);
	/* Linux starts with SET_INIT_VALUE = -(2^62 - 1), half the 64-bit range */
	CHECK_EQ(pmu_start(&pmu, 2, 1, SBI_PMU_START_FLAG_SET_INIT_VALUE, 0xC000000000000001UL,
			   NULL, &hw_host), 0);
	raw_now[2] = 1810;
	CHECK_EQ(pmu_counter_value(&pmu, 2, &hw_host), 0xC000000000000001UL + 1000);
}

TEST(hw_counter_wraps_like_the_raw_csr)
{
	unsigned long c;

	fresh();
	raw_now[0] = ~0UL - 5;
	CHECK_EQ(pmu_cfg_match(&pmu, 0, 1, SBI_PMU_CFG_FLAG_CLEAR_VALUE | SBI_PMU_CFG_FLAG_AUTO_START,
			       HW(SBI_PMU_HW_CPU_CYCLES), 0, &hw_host, &c), 0);
	raw_now[0] = 10;	/* the raw counter wrapped */
	CHECK_EQ(pmu_counter_value(&pmu, 0, &hw_host), 16);
}

TEST(hw_counter_snapshot_and_reset)
{
	unsigned long c;

	fresh();
	raw_now[0] = 100;
	raw_now[2] = 50;
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, SBI_PMU_CFG_FLAG_CLEAR_VALUE |
			       SBI_PMU_CFG_FLAG_AUTO_START, HW(SBI_PMU_HW_CPU_CYCLES), 0, &hw_host, &c), 0);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, SBI_PMU_CFG_FLAG_CLEAR_VALUE |
			       SBI_PMU_CFG_FLAG_AUTO_START, HW(SBI_PMU_HW_INSTRUCTIONS), 0, &hw_host, &c), 0);
	raw_now[0] = 130;
	raw_now[2] = 60;
	CHECK_EQ(pmu_stop(&pmu, 0, 0x5, SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT | SBI_PMU_STOP_FLAG_RESET,
			  snap, &hw_host), 0);
	CHECK_EQ(snap_value(0), 30);
	CHECK_EQ(snap_value(2), 10);
	CHECK_EQ(pmu.in_use, 0);
	CHECK_EQ(pmu_counteren_trapped(&pmu), 0);
}

TEST(counteren_traps_configured_hw_counters_only)
{
	unsigned long c;

	fresh();
	CHECK_EQ(pmu_counteren_trapped(&pmu), 0);
	match_fw(SBI_PMU_FW_ILLEGAL_INSN, SBI_PMU_CFG_FLAG_AUTO_START);
	CHECK_EQ(pmu_counteren_trapped(&pmu), 0);
	CHECK(!pmu_emulates_read(&pmu, 0));
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, HW(SBI_PMU_HW_CPU_CYCLES), 0, &hw_host, &c), 0);
	CHECK_EQ(pmu_counteren_trapped(&pmu), COUNTEREN_CY);
	CHECK(pmu_emulates_read(&pmu, 0));
	CHECK(!pmu_emulates_read(&pmu, 2));
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, HW(SBI_PMU_HW_INSTRUCTIONS), 0, &hw_host, &c), 0);
	CHECK_EQ(pmu_counteren_trapped(&pmu), COUNTEREN_CY | COUNTEREN_IR);
	CHECK(pmu_emulates_read(&pmu, 2));
	/* never time, never hpmcounters, never a firmware counter */
	CHECK(!pmu_emulates_read(&pmu, 1));
	CHECK(!pmu_emulates_read(&pmu, 3));
	CHECK(!pmu_emulates_read(&pmu, 7));
	CHECK_EQ(pmu_stop(&pmu, 0, 1, SBI_PMU_STOP_FLAG_RESET, NULL, &hw_host), SBI_ERR_ALREADY_STOPPED);
	CHECK_EQ(pmu_counteren_trapped(&pmu), COUNTEREN_IR);
}

TEST(hcounteren_follows_the_configured_counters)
{
	unsigned long c;

	/* what a vCPU's (re)start and every PMU call set hcounteren to */
	fresh();
	CHECK_EQ(pmu_hcounteren(&pmu), COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, HW(SBI_PMU_HW_INSTRUCTIONS), 0, &hw_host, &c), 0);
	CHECK_EQ(pmu_hcounteren(&pmu), COUNTEREN_CY | COUNTEREN_TM);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, HW(SBI_PMU_HW_CPU_CYCLES), 0, &hw_host, &c), 0);
	CHECK_EQ(pmu_hcounteren(&pmu), COUNTEREN_TM);
	/* stopped is still configured: still trapped */
	CHECK_EQ(pmu_start(&pmu, 2, 1, 0, 0, NULL, &hw_host), 0);
	CHECK_EQ(pmu_stop(&pmu, 2, 1, 0, NULL, &hw_host), 0);
	CHECK_EQ(pmu_hcounteren(&pmu), COUNTEREN_TM);
	CHECK_EQ(pmu_stop(&pmu, 0, 0x5, SBI_PMU_STOP_FLAG_RESET, NULL, &hw_host), SBI_ERR_ALREADY_STOPPED);
	CHECK_EQ(pmu_hcounteren(&pmu), COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
}

/* ---- decoding the counter CSR reads the guest traps with -------------------- */

TEST(decode_counter_csr_instructions)
{
	static const struct {
		uint32_t insn;
		enum pmu_csr_op op;
		unsigned int counter, rd;
	} cases[] = {
		{ 0xc0002573, PMU_CSR_READ, 0, 10 },	/* csrr a0, cycle */
		{ 0xc0202473, PMU_CSR_READ, 2, 8 },	/* csrr s0, instret */
		{ 0xc02025f3, PMU_CSR_READ, 2, 11 },	/* csrr a1, instret */
		{ 0xc0102573, PMU_CSR_READ, 1, 10 },	/* rdtime a0 */
		{ 0xc0003573, PMU_CSR_READ, 0, 10 },	/* csrrc a0, cycle, zero */
		{ 0xc0006573, PMU_CSR_READ, 0, 10 },	/* csrrsi a0, cycle, 0 */
		{ 0xc0007573, PMU_CSR_READ, 0, 10 },	/* csrrci a0, cycle, 0 */
		{ 0xc1f02d73, PMU_CSR_READ, 31, 26 },	/* csrr s10, hpmcounter31 */
		{ 0xc0302073, PMU_CSR_READ, 3, 0 },	/* csrr zero, hpmcounter3 */
		{ 0xc005a573, PMU_CSR_WRITE, 0, 10 },	/* csrrs a0, cycle, a1 */
		{ 0xc0001073, PMU_CSR_WRITE, 0, 0 },	/* csrw cycle, zero (unimp) */
		{ 0xc0201573, PMU_CSR_WRITE, 2, 10 },	/* csrrw a0, instret, zero */
		{ 0xc000d573, PMU_CSR_WRITE, 0, 10 },	/* csrrwi a0, cycle, 1 */
		{ 0xc000f573, PMU_CSR_WRITE, 0, 10 },	/* csrrci a0, cycle, 1 */
		{ 0xc8002573, PMU_CSR_NONE, 0, 0 },	/* cycleh (RV32 only) */
		{ 0xb0002573, PMU_CSR_NONE, 0, 0 },	/* mcycle */
		{ 0x10002573, PMU_CSR_NONE, 0, 0 },	/* csrr a0, sstatus */
		{ 0xbff02573, PMU_CSR_NONE, 0, 0 },	/* 0xbff */
		{ 0xc2002573, PMU_CSR_NONE, 0, 0 },	/* 0xc20 */
		{ INSN_WFI, PMU_CSR_NONE, 0, 0 },
		{ 0x00000073, PMU_CSR_NONE, 0, 0 },	/* ecall */
		{ 0xc0004573, PMU_CSR_NONE, 0, 0 },	/* funct3 4: hlv/hsv space */
		{ 0xc0002577, PMU_CSR_NONE, 0, 0 },	/* not SYSTEM */
		{ 0, PMU_CSR_NONE, 0, 0 },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int before = unit_failures(), counter = 99, rd = 99;

		CHECK_EQ(pmu_decode_counter_csr(cases[i].insn, &counter, &rd), cases[i].op);
		if (cases[i].op != PMU_CSR_NONE) {
			CHECK_EQ(counter, cases[i].counter);
			CHECK_EQ(rd, cases[i].rd);
		}
		if (unit_failures() != before)
			printf("\t(insn 0x%08x)\n", cases[i].insn);
	}
}

/* ---- snapshot_set_shmem and event_get_info argument checks ------------------- */

TEST(snapshot_args)
{
	uint64_t gpa;
	bool disable;

	CHECK_EQ(pmu_snapshot_args(0x80001000, 0, 0, &gpa, &disable), SBI_SUCCESS);
	CHECK_EQ(gpa, 0x80001000);
	CHECK(!disable);
	CHECK_EQ(pmu_snapshot_args(-1UL, -1UL, 0, &gpa, &disable), SBI_SUCCESS);
	CHECK(disable);
	CHECK_EQ(pmu_snapshot_args(-1UL, -1UL, 1, &gpa, &disable), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_snapshot_args(0x80001000, 0, 1, &gpa, &disable), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_snapshot_args(0x80001008, 0, 0, &gpa, &disable), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_snapshot_args(0x80000800, 0, 0, &gpa, &disable), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_snapshot_args(0x80001000, 1, 0, &gpa, &disable), SBI_ERR_INVALID_ADDRESS);
	/* only -1/-1 disables: -1/0 is a misaligned address */
	CHECK_EQ(pmu_snapshot_args(-1UL, 0, 0, &gpa, &disable), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_snapshot_args(0xfffffffffffff000UL, -1UL, 0, &gpa, &disable),
		 SBI_ERR_INVALID_ADDRESS);
}

TEST(event_info_args)
{
	uint64_t gpa, len;

	CHECK_EQ(pmu_event_info_args(0x80000010, 0, 3, 0, &gpa, &len), SBI_SUCCESS);
	CHECK_EQ(gpa, 0x80000010);
	CHECK_EQ(len, 48);
	CHECK_EQ(pmu_event_info_args(0x80000018, 0, 3, 0, &gpa, &len), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_event_info_args(0x80000010, 0, 3, 1, &gpa, &len), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_event_info_args(0x80000010, 1, 3, 0, &gpa, &len), SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(pmu_event_info_args(0x80000010, 0, 0, 0, &gpa, &len), SBI_SUCCESS);
	CHECK_EQ(len, 0);
}

/* More entries than Keel walks in one exit: its own limit, SBI_ERR_FAILED, first */
TEST(event_info_args_cap_the_entries)
{
	uint64_t gpa, len;

	CHECK_EQ(pmu_event_info_args(0x80000010, 0, PMU_EVENT_INFO_MAX, 0, &gpa, &len),
		 SBI_SUCCESS);
	CHECK_EQ(len, PMU_EVENT_INFO_MAX * 16);
	CHECK_EQ(pmu_event_info_args(0x80000010, 0, PMU_EVENT_INFO_MAX + 1, 0, &gpa, &len),
		 SBI_ERR_FAILED);
	CHECK_EQ(len, 0);
	CHECK_EQ(pmu_event_info_args(0x80000010, 0, 1UL << 60, 0, &gpa, &len), SBI_ERR_FAILED);
	CHECK_EQ(pmu_event_info_args(0x80000010, 0, -1UL, 0, &gpa, &len), SBI_ERR_FAILED);
	/* before the address, after flags and alignment */
	CHECK_EQ(pmu_event_info_args(0x80000010, 1, -1UL, 0, &gpa, &len), SBI_ERR_FAILED);
	CHECK_EQ(pmu_event_info_args(0x80000018, 0, -1UL, 0, &gpa, &len), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_event_info_args(0x80000010, 0, -1UL, 1, &gpa, &len), SBI_ERR_INVALID_PARAM);
}

struct event_info_entry {
	uint32_t event_idx, output;
	uint64_t event_data;
};

TEST(event_info_says_which_events_keel_counts)
{
	struct event_info_entry e[] = {
		{ FW(SBI_PMU_FW_ILLEGAL_INSN), 0xffffffff, 0 },
		{ FW(21), 0xffffffff, 0 },
		{ FW(22), 0xffffffff, 0 },
		{ FW(4), 0xffffffff, 1 },	/* event_data reserved: not known */
		{ HW(SBI_PMU_HW_CPU_CYCLES), 0xffffffff, 0x1234 },	/* data ignored */
		{ HW(SBI_PMU_HW_INSTRUCTIONS), 0, 0 },
		{ HW(4)	/* cache misses */, 0xffffffff, 0 },
		{ SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_RAW, 0), 0xffffffff, 0x12 },
	};

	CHECK_EQ(pmu_event_info(&hw_host, e, sizeof(e) / sizeof(e[0])), SBI_SUCCESS);
	CHECK_EQ(e[0].output, 1);
	CHECK_EQ(e[1].output, 1);
	CHECK_EQ(e[2].output, 0);
	CHECK_EQ(e[3].output, 0);
	CHECK_EQ(e[4].output, 1);
	CHECK_EQ(e[5].output, 1);
	CHECK_EQ(e[6].output, 0);
	CHECK_EQ(e[7].output, 0);
	CHECK_EQ(e[4].event_data, 0x1234);	/* read-only fields left alone */
	CHECK_EQ(e[0].event_idx, FW(SBI_PMU_FW_ILLEGAL_INSN));
}

TEST(event_info_reserved_event_idx_bits_change_nothing)
{
	struct event_info_entry e[] = {
		{ FW(4), 0x77, 0 },
		{ FW(4) | 1U << 20, 0x77, 0 },
	};

	CHECK_EQ(pmu_event_info(&hw_host, e, 2), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(e[0].output, 0x77);
	CHECK_EQ(e[1].output, 0x77);
	CHECK_EQ(pmu_event_info(&hw_host, e, 0), SBI_SUCCESS);
}

/* ---- names and the console dump ------------------------------------------- */

TEST(fw_event_names)
{
	CHECK(!strcmp(pmu_fw_event_name(SBI_PMU_FW_MISALIGNED_LOAD), "MISALIGNED_LOAD"));
	CHECK(!strcmp(pmu_fw_event_name(SBI_PMU_FW_ILLEGAL_INSN), "ILLEGAL_INSN"));
	CHECK(!strcmp(pmu_fw_event_name(SBI_PMU_FW_IPI_RCVD), "IPI_RCVD"));
	CHECK(!strcmp(pmu_fw_event_name(SBI_PMU_FW_SFENCE_VMA_ASID_SENT), "SFENCE_VMA_ASID_SENT"));
	CHECK(!strcmp(pmu_fw_event_name(SBI_PMU_FW_HFENCE_VVMA_ASID_RCVD), "HFENCE_VVMA_ASID_RCVD"));
	CHECK(!strcmp(pmu_fw_event_name(SBI_PMU_FW_MAX), "?"));
	for (unsigned int e = 0; e < SBI_PMU_FW_MAX; e++)
		CHECK(strcmp(pmu_fw_event_name(e), "?") && *pmu_fw_event_name(e));
}

static char dump_lines[8][96];
static unsigned int dump_count;

static void dump_line(const char *text)
{
	if (dump_count < 8)
		snprintf(dump_lines[dump_count], sizeof(dump_lines[0]), "%s", text);
	dump_count++;
}

TEST(dump_lists_counters_that_counted_or_are_started)
{
	fresh();
	dump_count = 0;
	CHECK_EQ(pmu_dump(&pmu, "demo", 0, dump_line), 0);	/* nothing used: silent */
	pmu.fw[SBI_PMU_FW_ILLEGAL_INSN] = (struct pmu_fw_event){ .value = 4, .offset = 0,
								   .started = true };
	pmu.fw[SBI_PMU_FW_SET_TIMER] = (struct pmu_fw_event){ .started = true };
	pmu.fw[SBI_PMU_FW_IPI_RCVD] = (struct pmu_fw_event){ .value = 0xffffffffffffffffUL,
							      .offset = 0xffffffffffffffffUL };
	pmu.fw[SBI_PMU_FW_IPI_SENT] = (struct pmu_fw_event){ .value = (1UL << 63) + 1,
							      .offset = (1UL << 63) + 1 - 7 };
	CHECK_EQ(pmu_dump(&pmu, "demo", 3, dump_line), 4);
	CHECK_EQ(dump_count, 4);
	CHECK(!strcmp(dump_lines[0], "pmu demo/vcpu3 ILLEGAL_INSN 4 (value 4, started)"));
	CHECK(!strcmp(dump_lines[1], "pmu demo/vcpu3 SET_TIMER 0 (value 0, started)"));
	CHECK(!strcmp(dump_lines[2], "pmu demo/vcpu3 IPI_SENT 7 (value 9223372036854775809)"));
	CHECK(!strcmp(dump_lines[3], "pmu demo/vcpu3 IPI_RCVD 0 (value 18446744073709551615)"));
}

/* ---- the extension, through the dispatcher ---------------------------------- */

#define RAM_BASE VM_RAM_BASE
#define RAM_SIZE 0x10000UL
#define PC 0x80200000UL
#define DEFAULT_COUNTEREN (COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR)

static struct vm vm;
static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static struct vcpu *v;

static void setup(void)
{
	memset(&vm, 0, sizeof(vm));
	memset(ram, 0, sizeof(ram));
	fake_reset();
	fake_pmu_reset();
	vm.ram_base = RAM_BASE;
	vm.ram_size = RAM_SIZE;
	vm.ram = ram;
	vm.nr_vcpus = 2;
	vm.state = VM_RUNNING;
	for (unsigned int i = 0; i < 2; i++) {
		vm.vcpus[i].vm = &vm;
		vm.vcpus[i].id = i;
		vm.vcpus[i].hart = &fake_hart; /* vcpu_schedule() reads its work flag */
		vm.vcpus[i].csrs.hcounteren = DEFAULT_COUNTEREN;
	}
	v = &vm.vcpus[0];
	fake_guest_vm = &vm;
}

struct ret {
	long error;
	unsigned long value;
};

static struct ret ecall(unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2,
			unsigned long a3, unsigned long a4)
{
	const unsigned long args[6] = { a0, a1, a2, a3, a4, 0x5a5a };
	struct vcpu_context *next = fake_ecall(v, PC, SBI_EXT_PMU, fid, args);

	CHECK(next == &v->ctx);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	return (struct ret){ (long)v->ctx.x[10], v->ctx.x[11] };
}

#define CHECK_RET(r, err, val)                 \
	do {                                   \
		struct ret r_ = (r);           \
		CHECK_EQ(r_.error, (err));     \
		CHECK_EQ(r_.value, (val));     \
	} while (0)

TEST(sbi_pmu_is_probed_present)
{
	setup();
	v->ctx.x[17] = SBI_EXT_BASE;
	v->ctx.x[16] = SBI_EXT_BASE_PROBE_EXT;
	v->ctx.x[10] = SBI_EXT_PMU;
	sbi_dispatch(&v->ctx);
	CHECK_EQ(v->ctx.x[10], 0);
	CHECK_EQ(v->ctx.x[11], 1);
}

TEST(sbi_num_counters_and_get_info)
{
	setup();
	CHECK_RET(ecall(SBI_EXT_PMU_NUM_COUNTERS, 0, 0, 0, 0, 0), 0, 25);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_GET_INFO, 0, 0, 0, 0, 0), 0, 0xc00UL | 63UL << 12);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_GET_INFO, 1, 0, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_GET_INFO, 2, 0, 0, 0, 0), 0, 0xc02UL | 63UL << 12);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_GET_INFO, 3, 0, 0, 0, 0), 0, 1UL << 63 | 63UL << 12);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_GET_INFO, 24, 0, 0, 0, 0), 0, 1UL << 63 | 63UL << 12);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_GET_INFO, 25, 0, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
}

TEST(sbi_unknown_fid_is_not_supported)
{
	setup();
	CHECK_RET(ecall(9, 0, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
	CHECK_RET(ecall(-1UL, 0, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
}

TEST(sbi_firmware_counter_life_cycle_as_linux_drives_it)
{
	unsigned long c;

	setup();
	/* perf_event_open(PERF_TYPE_RAW, config 1 << 63 | 4) */
	struct ret r = ecall(SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, ALL_MASK, 0, FW(4), 0);
	CHECK_RET(r, 0, PMU_FW_BASE + 4);
	c = r.value;
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_START, c, 1, SBI_PMU_START_FLAG_SET_INIT_VALUE,
			0xC000000000000001UL, 0), 0, 0);
	pmu_incr_fw(&v->pmu, SBI_PMU_FW_ILLEGAL_INSN);	/* what trap.c does */
	pmu_incr_fw(&v->pmu, SBI_PMU_FW_ILLEGAL_INSN);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_FW_READ, c, 0, 0, 0, 0), 0, 0xC000000000000003UL);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_FW_READ_HI, c, 0, 0, 0, 0), 0, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_STOP, c, 1, 0, 0, 0), 0, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_STOP, c, 1, SBI_PMU_STOP_FLAG_RESET, 0, 0),
		  SBI_ERR_ALREADY_STOPPED, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_FW_READ, c, 0, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
	/* firmware counters leave hcounteren alone */
	CHECK_EQ(fake_pmu.hcounteren_writes, 0);
	CHECK_EQ(v->csrs.hcounteren, DEFAULT_COUNTEREN);
	/* the other vCPU's PMU is its own */
	CHECK_EQ(vm.vcpus[1].pmu.in_use, 0);
}

TEST(sbi_set_timer_counted_once_the_guest_starts_the_counter)
{
	setup();
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, ALL_MASK,
			SBI_PMU_CFG_FLAG_CLEAR_VALUE | SBI_PMU_CFG_FLAG_AUTO_START,
			FW(SBI_PMU_FW_SET_TIMER), 0), 0, PMU_FW_BASE + SBI_PMU_FW_SET_TIMER);
	v->ctx.x[17] = SBI_EXT_TIME;
	v->ctx.x[16] = SBI_EXT_TIME_SET_TIMER;
	v->ctx.x[10] = 1234;
	sbi_dispatch(&v->ctx);
	v->ctx.x[17] = SBI_EXT_0_1_SET_TIMER;
	v->ctx.x[10] = 1234;
	sbi_dispatch(&v->ctx);
	CHECK_EQ(fake.set_timer_calls, 2);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_FW_READ, PMU_FW_BASE + SBI_PMU_FW_SET_TIMER, 0, 0, 0, 0),
		  0, 2);
}

/*
 * Every PMU call hands the vCPU's delegation on (vcpu_delegation_update):
 * AUTO_START takes ILLEGAL_INSN's trap back at once, stop returns it.
 */
TEST(sbi_started_counter_takes_its_trap_back)
{
	unsigned long ctr;

	setup();
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_CFG_MATCH, PMU_FW_BASE, ALL_FW_MASK,
			SBI_PMU_CFG_FLAG_AUTO_START, FW(SBI_PMU_FW_ILLEGAL_INSN), 0),
		  0, PMU_FW_BASE + SBI_PMU_FW_ILLEGAL_INSN);
	ctr = PMU_FW_BASE + SBI_PMU_FW_ILLEGAL_INSN;
	CHECK_EQ(fake.delegation_updates, 1);
	CHECK_EQ(fake.delegated, COUNTED_CAUSES & ~(1UL << EXC_INST_ILLEGAL));
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_STOP, ctr, 1, 0, 0, 0), 0, 0);
	CHECK_EQ(fake.delegation_updates, 2);
	CHECK_EQ(fake.delegated, COUNTED_CAUSES);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_START, ctr, 1, 0, 0, 0), 0, 0);
	CHECK_EQ(fake.delegated, COUNTED_CAUSES & ~(1UL << EXC_INST_ILLEGAL));
	/* a refused call changes nothing, and says so again all the same */
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_START, ctr, 1, 0, 0, 0), SBI_ERR_ALREADY_STARTED, 0);
	CHECK_EQ(fake.delegated, COUNTED_CAUSES & ~(1UL << EXC_INST_ILLEGAL));
}

TEST(sbi_hw_counter_clears_and_restores_hcounteren)
{
	setup();
	fake_pmu.raw[0] = 1000;
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, ALL_MASK, SBI_PMU_CFG_FLAG_CLEAR_VALUE,
			HW(SBI_PMU_HW_CPU_CYCLES), 0), 0, 0);
	CHECK_EQ(v->csrs.hcounteren, COUNTEREN_TM | COUNTEREN_IR);	/* cycle reads trap */
	CHECK_EQ(fake_pmu.hcounteren, COUNTEREN_TM | COUNTEREN_IR);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, ALL_MASK, SBI_PMU_CFG_FLAG_CLEAR_VALUE,
			HW(SBI_PMU_HW_INSTRUCTIONS), 0), 0, 2);
	CHECK_EQ(v->csrs.hcounteren, COUNTEREN_TM);
	CHECK_EQ(fake_pmu.hcounteren_writes, 2);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_START, 0, 0x5, 0, 0, 0), 0, 0);
	CHECK_EQ(fake_pmu.hcounteren_writes, 2);	/* start changes nothing there */
	fake_pmu.raw[0] = 1300;
	CHECK_EQ(pmu_counter_value(&v->pmu, 0, &host_pmu), 300);
	/* stop without RESET: still configured, reads still trap (frozen) */
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_STOP, 0, 0x5, 0, 0, 0), 0, 0);
	CHECK_EQ(v->csrs.hcounteren, COUNTEREN_TM);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_STOP, 0, 0x1, SBI_PMU_STOP_FLAG_RESET, 0, 0),
		  SBI_ERR_ALREADY_STOPPED, 0);
	CHECK_EQ(v->csrs.hcounteren, COUNTEREN_TM | COUNTEREN_CY);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_STOP, 2, 0x1, SBI_PMU_STOP_FLAG_RESET, 0, 0),
		  SBI_ERR_ALREADY_STOPPED, 0);
	CHECK_EQ(v->csrs.hcounteren, DEFAULT_COUNTEREN);
	CHECK_EQ(fake_pmu.hcounteren, DEFAULT_COUNTEREN);
	CHECK_EQ(fake_pmu.hcounteren_writes, 4);
}

TEST(sbi_failed_calls_return_no_value)
{
	setup();
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, 0x2, 0, FW(4), 0), SBI_ERR_INVALID_PARAM, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, ALL_MASK, 0, FW(30), 0),
		  SBI_ERR_NOT_SUPPORTED, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_START, 3, 1, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_STOP, 3, 1, 0, 0, 0), SBI_ERR_INVALID_PARAM, 0);
	CHECK_EQ(fake_pmu.hcounteren_writes, 0);
}

TEST(sbi_snapshot_set_shmem_checks_the_area)
{
	setup();
	memset(ram, 0x3c, sizeof(ram));
	CHECK_RET(ecall(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, RAM_BASE + 0x1000, 0, 1, 0, 0),
		  SBI_ERR_INVALID_PARAM, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, RAM_BASE + 0x1008, 0, 0, 0, 0),
		  SBI_ERR_INVALID_PARAM, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, RAM_BASE + 0x1000, 1, 0, 0, 0),
		  SBI_ERR_INVALID_ADDRESS, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, RAM_BASE + RAM_SIZE, 0, 0, 0, 0),
		  SBI_ERR_INVALID_ADDRESS, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, RAM_BASE - 0x1000, 0, 0, 0, 0),
		  SBI_ERR_INVALID_ADDRESS, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, 0x10000000, 0, 0, 0, 0),
		  SBI_ERR_INVALID_ADDRESS, 0);
	CHECK(!v->pmu.snapshot_set);
	/* the last page of RAM is fine */
	CHECK_RET(ecall(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, RAM_BASE + RAM_SIZE - 0x1000, 0, 0, 0, 0),
		  0, 0);
	CHECK(v->pmu.snapshot_set);
	CHECK_EQ(v->pmu.snapshot_gpa, RAM_BASE + RAM_SIZE - 0x1000);
	/* setting it touches no guest memory */
	for (unsigned long i = 0; i < RAM_SIZE; i++)
		if (ram[i] != 0x3c) {
			CHECK(!"guest memory written by snapshot_set_shmem");
			break;
		}
	/* a failed call leaves the area that was set */
	CHECK_RET(ecall(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, RAM_BASE + RAM_SIZE, 0, 0, 0, 0),
		  SBI_ERR_INVALID_ADDRESS, 0);
	CHECK(v->pmu.snapshot_set);
	CHECK_RET(ecall(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, -1UL, -1UL, 0, 0, 0), 0, 0);
	CHECK(!v->pmu.snapshot_set);
}

TEST(sbi_snapshot_written_on_stop_read_on_start)
{
	unsigned long area = RAM_BASE + 0x2000, c = PMU_FW_BASE + SBI_PMU_FW_ACCESS_LOAD;
	uint64_t val;

	setup();
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, ALL_MASK, SBI_PMU_CFG_FLAG_AUTO_START,
			FW(SBI_PMU_FW_ACCESS_LOAD), 0), 0, c);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_STOP, c, 1, SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT, 0, 0),
		  SBI_ERR_NO_SHMEM, 0);
	CHECK(v->pmu.fw[SBI_PMU_FW_ACCESS_LOAD].started);
	CHECK_RET(ecall(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, area, 0, 0, 0, 0), 0, 0);
	pmu_incr_fw(&v->pmu, SBI_PMU_FW_ACCESS_LOAD);
	memset(ram + 0x2000, 0xff, 16);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_STOP, c, 1, SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT, 0, 0), 0, 0);
	memcpy(&val, ram + 0x2000, 8);
	CHECK_EQ(val, 0);	/* overflow bitmap */
	memcpy(&val, ram + 0x2008, 8);
	CHECK_EQ(val, 1);	/* counter_values[0]: counter c relative to base c */
	val = 500;
	memcpy(ram + 0x2008, &val, 8);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_START, c, 1, SBI_PMU_START_FLAG_INIT_SNAPSHOT, 0, 0),
		  0, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_FW_READ, c, 0, 0, 0, 0), 0, 500);
	CHECK_RET(ecall(SBI_EXT_PMU_SNAPSHOT_SET_SHMEM, -1UL, -1UL, 0, 0, 0), 0, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_STOP, c, 1, SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT, 0, 0),
		  SBI_ERR_NO_SHMEM, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_START, c, 1, SBI_PMU_START_FLAG_INIT_SNAPSHOT, 0, 0),
		  SBI_ERR_NO_SHMEM, 0);
}

TEST(sbi_event_get_info_in_guest_memory)
{
	struct event_info_entry e[3] = {
		{ FW(SBI_PMU_FW_SET_TIMER), 0x99, 0 },
		{ FW(100), 0x99, 0 },
		{ HW(SBI_PMU_HW_INSTRUCTIONS), 0x99, 0 },
	};

	setup();
	memcpy(ram + 0x3000, e, sizeof(e));
	CHECK_RET(ecall(SBI_EXT_PMU_EVENT_GET_INFO, RAM_BASE + 0x3000, 0, 3, 0, 0), 0, 0);
	memcpy(e, ram + 0x3000, sizeof(e));
	CHECK_EQ(e[0].output, 1);
	CHECK_EQ(e[1].output, 0);
	CHECK_EQ(e[2].output, 1);
	/* the entries must lie wholly in RAM */
	CHECK_RET(ecall(SBI_EXT_PMU_EVENT_GET_INFO, RAM_BASE + RAM_SIZE - 32, 0, 3, 0, 0),
		  SBI_ERR_INVALID_ADDRESS, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_EVENT_GET_INFO, RAM_BASE + 0x3000, 0, 1UL << 60, 0, 0),
		  SBI_ERR_FAILED, 0);
	/* the cap in RAM: 256 entries fit in the unit tests' 64 KiB, 257 are refused */
	CHECK_RET(ecall(SBI_EXT_PMU_EVENT_GET_INFO, RAM_BASE, 0, PMU_EVENT_INFO_MAX, 0, 0), 0, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_EVENT_GET_INFO, RAM_BASE, 0, PMU_EVENT_INFO_MAX + 1, 0, 0),
		  SBI_ERR_FAILED, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_EVENT_GET_INFO, RAM_BASE + 0x3004, 0, 3, 0, 0),
		  SBI_ERR_INVALID_PARAM, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_EVENT_GET_INFO, RAM_BASE + 0x3000, 0, 3, 1, 0),
		  SBI_ERR_INVALID_PARAM, 0);
}

/* ---- counting only while the vCPU is on its hart ---------------------------- */

/*
 * pmu_hw_switch() at switch-out and switch-in (sched.c): what the raw
 * counters move while the vCPU is off the hart (another vCPU, another VM,
 * the idle loop) is not the vCPU's.
 */
TEST(hw_counter_stands_still_while_switched_out)
{
	unsigned long ctr;

	fresh();
	raw_now[2] = 5000;
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, SBI_PMU_CFG_FLAG_CLEAR_VALUE |
			       SBI_PMU_CFG_FLAG_AUTO_START, HW(SBI_PMU_HW_INSTRUCTIONS), 0,
			       &hw_host, &ctr), SBI_SUCCESS);
	CHECK_EQ(ctr, PMU_CTR_INSTRET);
	raw_now[2] = 5100;			/* 100 of its own */
	CHECK_EQ(pmu_counter_value(&pmu, 2, &hw_host), 100);
	pmu_hw_switch(&pmu, &hw_host);		/* out */
	raw_now[2] = 905100;			/* another vCPU runs 900000 */
	CHECK_EQ(pmu_counter_value(&pmu, 2, &hw_host) == 100, false); /* only meaningful loaded */
	pmu_hw_switch(&pmu, &hw_host);		/* in */
	CHECK_EQ(pmu_counter_value(&pmu, 2, &hw_host), 100);
	raw_now[2] = 905130;
	CHECK_EQ(pmu_counter_value(&pmu, 2, &hw_host), 130);
	/* stopped while loaded, then switched: frozen, no raw read */
	CHECK_EQ(pmu_stop(&pmu, 2, 1, 0, NULL, &hw_host), SBI_SUCCESS);
	raw_calls = 0;
	pmu_hw_switch(&pmu, &hw_host);
	pmu_hw_switch(&pmu, &hw_host);
	CHECK_EQ(raw_calls, 0);
	raw_now[2] = 999999999;
	CHECK_EQ(pmu_counter_value(&pmu, 2, &hw_host), 130);
}

TEST(switch_with_nothing_started_reads_nothing)
{
	unsigned long ctr;

	fresh();
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, 0, HW(SBI_PMU_HW_CPU_CYCLES), 0, &hw_host, &ctr),
		 SBI_SUCCESS);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_MASK, SBI_PMU_CFG_FLAG_AUTO_START,
			       FW(SBI_PMU_FW_ILLEGAL_INSN), 0, &hw_host, &ctr), SBI_SUCCESS);
	CHECK_EQ(pmu.hw_started, 0);
	raw_calls = 0;
	pmu_hw_switch(&pmu, &hw_host);
	CHECK_EQ(raw_calls, 0);
}

/* ---- host-backed counters (the fake host of fake_pmu_arch.c) ---------------- */

#define CACHE(code) SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_CACHE, (code))
#define HPM(i) (PMU_HPM_BASE + (i))
/* counters 0, 2 .. 24 and n host-backed ones, with base 0 */
#define ALL_WITH_HPM(n) (((1UL << (PMU_HPM_BASE + (n))) - 1) & ~2UL)

/* n host counters that count events with codes below 0x20, 64 bits wide */
static void host_with(unsigned int n, unsigned int width)
{
	fresh();
	fake_pmu_reset();
	host_pmu.nr_hpm = n;
	host_pmu.hpm_width = width;
	fake_pmu.hpm_free = n;
	fake_pmu.hpm_events = 0x20;
	fake_pmu.hpm_width = width;
}

TEST(hpm_counters_are_described_after_the_firmware_ones)
{
	unsigned long info;

	host_with(4, 64);
	CHECK_EQ(pmu_num_counters(&host_pmu), 29);
	CHECK_EQ(pmu_counter_info(&host_pmu, 24, &info), SBI_SUCCESS); /* still firmware */
	CHECK_EQ(info >> 63, 1);
	for (unsigned int i = 0; i < 4; i++) {
		CHECK_EQ(pmu_counter_info(&host_pmu, HPM(i), &info), SBI_SUCCESS);
		CHECK_EQ(info, (0xc03UL + i) | 63UL << 12);	/* hpmcounter(3 + i), 64 bits */
	}
	CHECK_EQ(pmu_counter_info(&host_pmu, HPM(4), &info), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(pmu_csr_counter(3), HPM(0));
	CHECK_EQ(pmu_csr_counter(31), HPM(28));
	CHECK_EQ(pmu_csr_counter(1), -1);
}

TEST(hpm_event_gets_a_host_counter_and_counts_only_while_loaded)
{
	unsigned long ctr;

	host_with(2, 64);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_WITH_HPM(2), SBI_PMU_CFG_FLAG_AUTO_START,
			       CACHE(0x19), 0, &host_pmu, &ctr), SBI_SUCCESS);
	CHECK_EQ(ctr, HPM(0));
	CHECK_EQ(fake_pmu.claims, 1);
	CHECK_EQ(pmu.hpm[0].backing.csr, 3);
	CHECK(pmu_emulates_read(&pmu, 3));
	CHECK(!pmu_emulates_read(&pmu, 4));
	fake_pmu.raw[3] = 40;
	CHECK_EQ(pmu_counter_value(&pmu, HPM(0), &host_pmu), 40);
	pmu_hw_switch(&pmu, &host_pmu);		/* out */
	fake_pmu.raw[3] = 1040;			/* moves while others run */
	pmu_hw_switch(&pmu, &host_pmu);		/* in */
	fake_pmu.raw[3] = 1045;
	CHECK_EQ(pmu_counter_value(&pmu, HPM(0), &host_pmu), 45);
	/* stop freezes, start with a value counts on from it */
	CHECK_EQ(pmu_stop(&pmu, HPM(0), 1, 0, NULL, &host_pmu), SBI_SUCCESS);
	fake_pmu.raw[3] = 5000;
	CHECK_EQ(pmu_counter_value(&pmu, HPM(0), &host_pmu), 45);
	CHECK_EQ(pmu_start(&pmu, HPM(0), 1, SBI_PMU_START_FLAG_SET_INIT_VALUE, 7, NULL, &host_pmu),
		 SBI_SUCCESS);
	fake_pmu.raw[3] = 5003;
	CHECK_EQ(pmu_counter_value(&pmu, HPM(0), &host_pmu), 10);
	/* reset gives the host counter back; the counter is no longer read */
	CHECK_EQ(pmu_stop(&pmu, HPM(0), 1, SBI_PMU_STOP_FLAG_RESET, NULL, &host_pmu), SBI_SUCCESS);
	CHECK_EQ(fake_pmu.releases, 1);
	CHECK_EQ(pmu.in_use, 0);
	CHECK_EQ(pmu.hw_started, 0);
	CHECK(!pmu_emulates_read(&pmu, 3));
}

TEST(hpm_counters_run_out_with_not_supported)
{
	unsigned long ctr, all = ALL_WITH_HPM(4);

	host_with(4, 64);
	/* a set that names a counter past the last one is invalid */
	CHECK_EQ(pmu_cfg_match(&pmu, 0, ALL_WITH_HPM(5), 0, HW(3), 0, &host_pmu, &ctr),
		 SBI_ERR_INVALID_PARAM);
	fake_pmu.hpm_free = 2;	/* the other two are another vCPU's on this hart */
	CHECK_EQ(pmu_cfg_match(&pmu, 0, all, 0, HW(3), 0, &host_pmu, &ctr), SBI_SUCCESS);
	CHECK_EQ(ctr, HPM(0));
	CHECK_EQ(pmu_cfg_match(&pmu, 0, all, 0, HW(4), 0, &host_pmu, &ctr), SBI_SUCCESS);
	CHECK_EQ(ctr, HPM(1));
	CHECK_EQ(pmu_cfg_match(&pmu, 0, all, 0, HW(5), 0, &host_pmu, &ctr), SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(pmu.in_use, 1ULL << HPM(0) | 1ULL << HPM(1));
	/* an event the host cannot count at all */
	CHECK_EQ(pmu_stop(&pmu, HPM(1), 1, SBI_PMU_STOP_FLAG_RESET, NULL, &host_pmu),
		 SBI_ERR_ALREADY_STOPPED);
	CHECK_EQ(pmu_cfg_match(&pmu, 0, all, 0, HW(0x20), 0, &host_pmu, &ctr),
		 SBI_ERR_NOT_SUPPORTED);
	/* a set without a free host-backed counter */
	CHECK_EQ(pmu_cfg_match(&pmu, HPM(0), 1, 0, HW(5), 0, &host_pmu, &ctr),
		 SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(fake_pmu.claims, 2);
	pmu_release_host(&pmu, &host_pmu);
	CHECK_EQ(fake_pmu.releases, 2);
	CHECK_EQ(pmu.in_use, 0);
}

TEST(hpm_skip_match_keeps_the_same_event_and_reprograms_another)
{
	unsigned long ctr;

	host_with(2, 64);
	CHECK_EQ(pmu_cfg_match(&pmu, HPM(1), 1, SBI_PMU_CFG_FLAG_SKIP_MATCH, HW(3), 0, &host_pmu,
			       &ctr), SBI_SUCCESS);
	CHECK_EQ(ctr, HPM(1));
	CHECK_EQ(pmu_cfg_match(&pmu, HPM(1), 1, SBI_PMU_CFG_FLAG_SKIP_MATCH, HW(3), 0, &host_pmu,
			       &ctr), SBI_SUCCESS);
	CHECK_EQ(fake_pmu.claims, 1);	/* the same event: kept */
	CHECK_EQ(pmu_cfg_match(&pmu, HPM(1), 1, SBI_PMU_CFG_FLAG_SKIP_MATCH, HW(4), 0, &host_pmu,
			       &ctr), SBI_SUCCESS);
	CHECK_EQ(fake_pmu.claims, 2);
	CHECK_EQ(fake_pmu.releases, 1);	/* the old host counter went back */
	CHECK_EQ(pmu.hpm[1].event_idx, HW(4));
	/* SKIP_MATCH on a counter that is not host-backed: not for this event */
	CHECK_EQ(pmu_cfg_match(&pmu, 3, 1, SBI_PMU_CFG_FLAG_SKIP_MATCH, HW(4), 0, &host_pmu, &ctr),
		 SBI_ERR_NOT_SUPPORTED);
}

TEST(hpm_counter_narrower_than_64_bits_wraps_in_its_width)
{
	unsigned long ctr;

	host_with(1, 48);
	CHECK_EQ(pmu_cfg_match(&pmu, HPM(0), 1, SBI_PMU_CFG_FLAG_AUTO_START, HW(3), 0, &host_pmu,
			       &ctr), SBI_SUCCESS);
	fake_pmu.raw[3] = 0xfffffffffff0ULL;	/* near the top of 48 bits */
	pmu_hw_switch(&pmu, &host_pmu);
	pmu_hw_switch(&pmu, &host_pmu);
	fake_pmu.raw[3] = 0x10;			/* wrapped: 0x20 later */
	CHECK_EQ(pmu_counter_value(&pmu, HPM(0), &host_pmu), 0x10);
	/* which the guest was told: 48 bits */
	CHECK_EQ(pmu_counter_info(&host_pmu, HPM(0), &ctr), SBI_SUCCESS);
	CHECK_EQ(ctr, 0xc03UL | 47UL << 12);
}

TEST(sbi_hpm_counters_through_the_extension)
{
	host_with(3, 64);
	setup();		/* resets the fake: the host again */
	host_pmu.nr_hpm = 3;
	host_pmu.hpm_width = 64;
	fake_pmu.hpm_free = 3;
	fake_pmu.hpm_events = 0x20;
	fake_pmu.hpm_width = 64;
	CHECK_RET(ecall(SBI_EXT_PMU_NUM_COUNTERS, 0, 0, 0, 0, 0), 0, 28);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_GET_INFO, 27, 0, 0, 0, 0), 0, 0xc05UL | 63UL << 12);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, ALL_WITH_HPM(3), SBI_PMU_CFG_FLAG_AUTO_START,
			CACHE(0x19), 0), 0, HPM(0));
	/* every hpmcounter read still traps: hcounteren has only cycle, time, instret */
	CHECK_EQ(v->csrs.hcounteren & ~7UL, 0);
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_STOP, HPM(0), 1, SBI_PMU_STOP_FLAG_RESET, 0, 0), 0, 0);
	CHECK_EQ(fake_pmu.releases, 1);
	fake_pmu.hpm_free = 0;
	CHECK_RET(ecall(SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, ALL_WITH_HPM(3), 0, CACHE(0x19), 0),
		  SBI_ERR_NOT_SUPPORTED, 0);
	host_pmu.nr_hpm = 0;
}
