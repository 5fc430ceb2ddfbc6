/*
 * A guest that floods the console, beside the pace guest on the same hart
 * (tests/system/data/flood.dts, docs/isolation.md "Bounded work per
 * exit"). It follows the shared timetable (flood_schedule.h): asleep,
 * then spinning, then SBI DBCN console_write of keel.flood-bytes= (12 MiB
 * by default) over and over, then single bytes into its UART's THR over
 * and over. It asks for the whole buffer on every call, as a hostile guest
 * would, and keeps what each call returned and how long the longest took.
 * The pace guest judges whether the floods took more than their share.
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "flood_schedule.h"
#include "ns16550.h"
#include "sbi.h"
#include "test.h"

#define BUF_OFFSET (8UL << 20) /* the image and its stack lie below */
#define LINE 100               /* bytes per line of flood, newline included */

struct flood_stats {
	unsigned long calls, bytes, longest, errors;
};

static struct flood_schedule sched;

static void note_call(struct flood_stats *st, unsigned long t0, unsigned long bytes)
{
	unsigned long took = rdtime() - t0;

	st->calls++;
	st->bytes += bytes;
	if (took > st->longest)
		st->longest = took;
}

static void sleep_until(unsigned long end)
{
	csr_set(sie, SIP_STIP);
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, end, 0, 0, 0, 0, 0);
	while (rdtime() < end)
		wfi();
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL, 0, 0, 0, 0, 0);
	csr_clear(sie, SIP_STIP);
}

static void flood_dbcn(const char *buf, unsigned long len, unsigned long end,
		       struct flood_stats *st)
{
	while (rdtime() < end) {
		unsigned long t0 = rdtime();
		struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, len,
					   (unsigned long)buf, 0, 0, 0, 0);

		if (r.error || r.value == 0 || (unsigned long)r.value > len)
			st->errors++;
		note_call(st, t0, r.error ? 0 : (unsigned long)r.value);
	}
}

static void flood_uart(unsigned long end, struct flood_stats *st)
{
	volatile unsigned char *thr = (volatile unsigned char *)(UART_BASE + THR);

	while (rdtime() < end) {
		unsigned long t0 = rdtime();

		*thr = st->calls % LINE == LINE - 1 ? '\n' : 'u';
		note_call(st, t0, 1);
	}
}

int main(unsigned long hartid, const void *dtb)
{
	unsigned long ram_base, ram_size, len, ticks_per_us, ready;
	struct flood_stats stats[NR_PHASES] = { 0 };
	const char *args;
	char *buf;
	int alen;

	fdt_ram(dtb, &ram_base, &ram_size);
	sched = flood_schedule_read(dtb);
	ticks_per_us = sched.ticks_per_ms / 1000 ? sched.ticks_per_ms / 1000 : 1;
	args = fdt_prop(dtb, "chosen", "bootargs", &alen);
	len = bootarg_num(args, "keel.flood-bytes", 12UL << 20);
	buf = (char *)(ram_base + BUF_OFFSET);
	/* the device tree sits in the top 2 MiB */
	if (BUF_OFFSET + len > ram_size - (2UL << 20)) {
		CHECK(0, "a %lu-byte buffer at RAM + 8 MiB fits in %lu MiB of RAM", len,
		      ram_size >> 20);
		test_finish();
	}
	/*
	 * Filling it takes time, which must not fall in the pace guest's alone
	 * phase. So 'd' a word at a time, then a newline every LINE bytes: a
	 * few million instructions. Under QEMU's -icount time is the count of
	 * instructions, and the byte loop with an i % LINE on every byte took
	 * 8 instructions a byte or 11, as the compiler chose (GCC 12 a remu,
	 * GCC 14 a multiply-high and four more): 12 MiB of it, on half a hart
	 * beside the pace guest, ended near 220 ms or near 300 ms, past the
	 * first phase.
	 */
	for (unsigned long i = 0; i < len / sizeof(unsigned long); i++)
		((unsigned long *)buf)[i] = 0x6464646464646464UL; /* "dddddddd"; buf is aligned */
	for (unsigned long i = len & ~(sizeof(unsigned long) - 1); i < len; i++)
		buf[i] = 'd';
	for (unsigned long i = LINE - 1; i < len; i += LINE)
		buf[i] = '\n';
	ready = rdtime();
	printf("# flood: hart %lu, DBCN writes of %lu bytes from 0x%lx, phases of %lu ms from "
	       "%lu ms\n",
	       hartid, len, (unsigned long)buf, sched.length / sched.ticks_per_ms,
	       sched.start / sched.ticks_per_ms);

	sleep_until(flood_phase_start(&sched, PHASE_BUSY));
	while (rdtime() < flood_phase_start(&sched, PHASE_DBCN))
		;
	flood_dbcn(buf, len, flood_phase_start(&sched, PHASE_UART), &stats[PHASE_DBCN]);
	flood_uart(flood_phase_start(&sched, NR_PHASES), &stats[PHASE_UART]);

	printf("\n");
	for (unsigned int p = PHASE_DBCN; p < NR_PHASES; p++)
		/* as the guest sees it: a slice of the neighbour's included */
		printf("# flood %s: %lu calls, %lu bytes, the longest call returned after %lu us\n",
		       flood_phase_names[p], stats[p].calls, stats[p].bytes,
		       stats[p].longest / ticks_per_us);
	CHECK(ready < sched.start, "its buffer was ready at %lu ms, before the first phase",
	      ready / sched.ticks_per_ms);
	CHECK(stats[PHASE_DBCN].calls > 0 && stats[PHASE_UART].calls > 0,
	      "it flooded in both phases (%lu DBCN calls, %lu UART writes)",
	      stats[PHASE_DBCN].calls, stats[PHASE_UART].calls);
	CHECK_EQ(stats[PHASE_DBCN].errors, 0,
		 "every DBCN console_write succeeded with 1..%lu bytes written", len);
	test_finish();
}
