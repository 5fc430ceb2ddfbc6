/*
 * A guest whose time is known, for the profiler's system test
 * (docs/profiling.md, tests/system/cases.sh: prof-*).
 *
 * Profile 1: only computation, work_a() three times as long as work_b(),
 * so the report must show them near 75% and 25% of the guest's samples,
 * with Keel's share small. Profile 2: the same computation interleaved
 * with a busy stream of SBI calls, so Keel's share must grow. Each profile
 * is started, marked and dumped through SBI KEEL (the profiler's controls),
 * then the guest powers off. Frame pointers stay on, so the call chains
 * lead from work_a/work_b through run_compute() to main().
 */
#pragma GCC optimize("no-omit-frame-pointer")

#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "test.h"

/* How long each profile runs, in timebase ticks (set from the DT) */
static unsigned long phase_ticks;
static volatile unsigned long sink;

/* One unit of pure computation: the same loop in both functions. */
static inline __attribute__((always_inline)) void spin(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		sink += i ^ (sink >> 3);
}

__attribute__((noinline)) void work_a(unsigned long n)
{
	spin(3 * n);
}

__attribute__((noinline)) void work_b(unsigned long n)
{
	spin(n);
}

__attribute__((noinline)) void run_compute(unsigned long sbi_calls_per_round)
{
	unsigned long end = rdtime() + phase_ticks, rounds = 0;

	while (rdtime() < end) {
		work_a(2000);
		work_b(2000);
		for (unsigned long i = 0; i < sbi_calls_per_round; i++)
			sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0, 0);
		rounds++;
	}
	printf("# %lu rounds, %lu SBI calls each\n", rounds, sbi_calls_per_round);
}

static void profile(unsigned long hz, unsigned long mark, unsigned long sbi_calls_per_round)
{
	struct sbiret r;

	r = sbi_call(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_START, hz, SBI_KEEL_PROF_CALLCHAIN, 0, 0, 0,
		     0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "KEEL prof_start(%lu Hz, call chains)", hz);
	r = sbi_call(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_MARK, mark, 0, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "KEEL prof_mark(%lu)", mark);
	run_compute(sbi_calls_per_round);
	r = sbi_call(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_DUMP, 0, 0, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "KEEL prof_dump()");
}

int main(unsigned long hartid, const void *dtb)
{
	unsigned long hz = 2000;
	struct sbiret r;

	(void)hartid;
	if (!sbi_probe(SBI_EXT_KEEL)) {
		test_skip("no SBI KEEL extension: not running under Keel");
		return 0;
	}
	phase_ticks = fdt_timebase(dtb) / 2; /* half a second each */

	/* the controls refuse what they cannot do */
	r = sbi_call(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_START, 5, 0, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "KEEL prof_start(5 Hz): below the minimum");
	r = sbi_call(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_START, 1000, 6, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "KEEL prof_start(flags 6): unknown flags");
	r = sbi_call(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_STOP, 0, 0, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_ERR_ALREADY_STOPPED, "KEEL prof_stop() with no profile running");

	profile(hz, 1, 0);  /* computation only */
	profile(hz, 2, 40); /* the same, with 40 SBI calls per round */
	return 0;
}
