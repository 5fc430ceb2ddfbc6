/*
 * The flood guest's neighbour on the same hart (tests/system/data/
 * flood.dts, docs/isolation.md "Bounded work per exit"). It does nothing
 * but count loop iterations, binned by the phases of the shared timetable
 * (flood_schedule.h), over the middle of each phase (keel.margin-ms= cut
 * off either end, so the neighbour's switch from one phase to the next is
 * not counted). Then it compares:
 *
 *   alone  the neighbour sleeps: the whole hart
 *   busy   the neighbour spins: two equal vCPUs share the hart by time
 *          slices, so about half of alone
 *   dbcn   the neighbour floods SBI DBCN console_write
 *   uart   the neighbour floods its UART's THR
 *
 * A flood may cost its neighbour no more than a fair share would: dbcn
 * and uart must each reach half of busy (the neighbour then had at most
 * three quarters of the hart). A flood that holds the hart in one long
 * exit leaves nearly nothing. The longest gap between two iterations
 * that overlaps each phase shows how long the hart was held.
 */
#include "console.h"
#include "csr.h"
#include "flood_schedule.h"
#include "test.h"

struct phase_count {
	unsigned long iters;   /* in the phase's middle */
	unsigned long longest; /* between two iterations, overlapping the phase */
};

/* Parts per thousand, without overflow for counts below 2^54. */
static unsigned long permille(unsigned long part, unsigned long whole)
{
	return whole ? part * 1000 / whole : 0;
}

int main(unsigned long hartid, const void *dtb)
{
	struct flood_schedule s = flood_schedule_read(dtb);
	struct phase_count count[NR_PHASES] = { 0 };
	unsigned long margin, end, last, booted = rdtime(), alone, busy;
	const char *args;
	int len;

	args = fdt_prop(dtb, "chosen", "bootargs", &len);
	margin = bootarg_num(args, "keel.margin-ms", 250) * s.ticks_per_ms;
	end = flood_phase_start(&s, NR_PHASES);
	printf("# pace: hart %lu, up at %lu ms, phases of %lu ms from %lu ms, %lu ms counted "
	       "in each\n",
	       hartid, booted / s.ticks_per_ms, s.length / s.ticks_per_ms, s.start / s.ticks_per_ms,
	       (s.length - 2 * margin) / s.ticks_per_ms);
	while (rdtime() < s.start)
		;
	last = rdtime();
	for (;;) {
		unsigned long now = rdtime(), since;
		unsigned int p = (unsigned int)((last - s.start) / s.length);

		/* a gap counts in every phase it overlaps */
		for (; p < NR_PHASES && flood_phase_start(&s, p) <= now; p++)
			if (now - last > count[p].longest)
				count[p].longest = now - last;
		if (now >= end)
			break;
		p = (unsigned int)((now - s.start) / s.length);
		since = now - flood_phase_start(&s, p);
		if (since >= margin && since < s.length - margin)
			count[p].iters++;
		last = now;
	}

	alone = count[PHASE_ALONE].iters;
	busy = count[PHASE_BUSY].iters;
	for (unsigned int p = 0; p < NR_PHASES; p++)
		printf("# pace %s: %lu iterations, %lu per mille of alone, %lu of busy; "
		       "the longest gap %lu us\n",
		       flood_phase_names[p], count[p].iters, permille(count[p].iters, alone),
		       permille(count[p].iters, busy), count[p].longest / (s.ticks_per_ms / 1000));
	CHECK(booted + margin <= s.start, "up at %lu ms, before the first phase at %lu ms",
	      booted / s.ticks_per_ms, s.start / s.ticks_per_ms);
	/* else the neighbour was not there, and the comparisons below mean nothing */
	CHECK(permille(busy, alone) <= 800,
	      "a spinning neighbour takes a share: busy %lu is %lu per mille of alone %lu", busy,
	      permille(busy, alone), alone);
	CHECK(permille(count[PHASE_DBCN].iters, busy) >= 500,
	      "a DBCN flood next door leaves at least half the busy pace: %lu is %lu per mille "
	      "of %lu",
	      count[PHASE_DBCN].iters, permille(count[PHASE_DBCN].iters, busy), busy);
	CHECK(permille(count[PHASE_UART].iters, busy) >= 500,
	      "a UART flood next door leaves at least half the busy pace: %lu is %lu per mille "
	      "of %lu",
	      count[PHASE_UART].iters, permille(count[PHASE_UART].iters, busy), busy);
	test_finish();
}
