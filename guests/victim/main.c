/*
 * The victim beside the hostile guest (docs/isolation.md): it fills 1 MiB
 * of its RAM with a pattern derived from each word's address, keeps a
 * progress counter, and for a fixed time (keel.run-ms=, default 12000, by
 * the timer) works, re-verifying a slice of the canary each round. At the
 * end it checks that
 *   - every canary word is still what it wrote (no other VM reached it),
 *   - progress went on all along: no second fell below a floor,
 *   - its own UART scratch register and PLIC priority still hold what it
 *     wrote (the hostile guest writes other values at the same addresses),
 *   - it never saw a software interrupt (nobody else can send it one).
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "test.h"

#define CANARY_OFFSET (4UL << 20)	/* the hostile guest aims here too */
#define CANARY_WORDS ((1UL << 20) / 8)
#define SLICE_WORDS 1024	/* verified per round */
/*
 * QEMU can hold one hart back for half a second while the others flood
 * (its vCPU threads share the host's cores and a lock for interrupts), so
 * progress is judged per second: a second with under 1/100 of the best
 * second's rounds is a stall.
 */
#define WINDOW_MS 1000
#define MAX_WINDOWS 16
#define MIN_ROUNDS_PER_WINDOW 20	/* a stall, not slowness, must fail */
#define SLOWDOWN_LIMIT 100
#define UART_SCR ((volatile unsigned char *)0x10000007UL)
#define PLIC_PRIO_UART ((volatile unsigned int *)(0x0c000000UL + 4 * 10))

static unsigned long pattern(unsigned long addr)
{
	return (addr * 0x9e3779b97f4a7c15UL) ^ 0x5ca1ab1e0ddba11UL;
}

/* Words of [from, from + n) that differ from their pattern */
static unsigned long verify(volatile unsigned long *canary, unsigned long from, unsigned long n)
{
	unsigned long bad = 0;

	for (unsigned long i = from; i < from + n; i++)
		bad += canary[i] != pattern((unsigned long)&canary[i]);
	return bad;
}

int main(unsigned long hartid, const void *dtb)
{
	unsigned long ram_base, ram_size, timebase, run_ms, t0, end, next, window_end;
	unsigned long progress = 0, rounds = 0, bad = 0, ssips = 0, w = 0, slice = 0;
	unsigned long last, gap = 0, gap_at = 0;	/* the longest time between two rounds */
	static unsigned long windows[MAX_WINDOWS];
	volatile unsigned long *canary;
	const char *args;
	int len;

	fdt_ram(dtb, &ram_base, &ram_size);
	timebase = fdt_timebase(dtb);
	args = fdt_prop(dtb, "chosen", "bootargs", &len);
	run_ms = bootarg_num(args, "keel.run-ms", 12000);
	if (run_ms > WINDOW_MS * MAX_WINDOWS)
		run_ms = WINDOW_MS * MAX_WINDOWS;
	canary = (volatile unsigned long *)(ram_base + CANARY_OFFSET);
	printf("# victim: hart %lu, RAM 0x%lx + 0x%lx, canary 0x%lx + 1 MiB, %lu ms\n", hartid,
	       ram_base, ram_size, (unsigned long)canary, run_ms);
	for (unsigned long i = 0; i < CANARY_WORDS; i++)
		canary[i] = pattern((unsigned long)&canary[i]);
	*UART_SCR = 0xa5;
	*PLIC_PRIO_UART = 3;

	t0 = rdtime();
	end = t0 + run_ms * (timebase / 1000);
	next = t0 + timebase / 2;
	window_end = t0 + WINDOW_MS * (timebase / 1000);
	last = t0;
	for (;;) {
		unsigned long now = rdtime();

		if (now - last > gap) {
			gap = now - last;
			gap_at = last - t0;
		}
		last = now;

		if (now >= window_end) {
			windows[w++] = rounds;
			rounds = 0;
			window_end += WINDOW_MS * (timebase / 1000);
		}
		if (now >= end || w == MAX_WINDOWS)
			break;
		if (now >= next) {
			printf("# victim progress %lu at %lu ms\n", progress,
			       (now - t0) / (timebase / 1000));
			next += timebase / 2;
		}
		/* one round: a slice of the canary, then count it */
		bad += verify(canary, slice, SLICE_WORDS);
		slice = (slice + SLICE_WORDS) % CANARY_WORDS;
		if (csr_read(sip) & SIP_SSIP) {
			ssips++;
			csr_clear(sip, SIP_SSIP);
		}
		progress++;
		rounds++;
	}

	printf("# victim: the longest time between two rounds was %lu us, at %lu ms\n",
	       gap * 1000000 / timebase, gap_at / (timebase / 1000));
	bad += verify(canary, 0, CANARY_WORDS);
	CHECK_EQ(bad, 0, "canary: 1 MiB at 0x%lx as written (%lu words checked, every one "
		 "%lu times over)", (unsigned long)canary, CANARY_WORDS,
		 progress * SLICE_WORDS / CANARY_WORDS);
	{
		unsigned long lo = -1UL, lo_at = 0, hi = 0, floor;

		for (unsigned long i = 0; i < w; i++) {
			if (windows[i] < lo)
				lo = windows[i], lo_at = i;
			if (windows[i] > hi)
				hi = windows[i];
		}
		/* slower while the floods run is fine; stopped is not */
		floor = hi / SLOWDOWN_LIMIT > MIN_ROUNDS_PER_WINDOW ? hi / SLOWDOWN_LIMIT :
								       MIN_ROUNDS_PER_WINDOW;
		CHECK(w >= run_ms / WINDOW_MS && lo >= floor,
		      "progress %lu rounds in %lu windows of %d ms; the slowest (at %lu ms) did "
		      "%lu, the fastest %lu (at least %lu: 1/%d of the fastest)", progress, w,
		      WINDOW_MS, lo_at * WINDOW_MS, lo, hi, floor, SLOWDOWN_LIMIT);
	}
	CHECK_EQ(*UART_SCR, 0xa5, "its UART scratch register still holds 0xa5");
	CHECK_EQ(*PLIC_PRIO_UART, 3, "its PLIC source 10 priority is still 3");
	CHECK_EQ(ssips, 0, "no software interrupt reached it");
	test_finish();
}
