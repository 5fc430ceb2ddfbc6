/*
 * The longest exits a guest can ask for (docs/isolation.md, "Bounded work
 * per exit"): the SBI calls and device accesses whose work in Keel grows
 * with what the guest passes, each at the largest size Keel allows and in
 * the state that costs most. One line each:
 *   BENCH-EXIT <name> <instructions retired for the one call>
 *
 * Each is measured REPEATS times from the same state and the fewest
 * instructions are kept: under -icount shift=0 the same call from the same
 * state costs the same every time, and the fewest leaves out a host timer
 * interrupt of Keel's (the console poll) that happened to fall into one.
 * The figure is the whole round trip as the guest sees it: the ecall or
 * the store, Keel's handler, the return, and two rdinstret.
 */
#include "bench.h"
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"

#define REPEATS 5
#define UART_THR ((volatile unsigned char *)0x10000000UL)
#define FLOOD_OFFSET (64UL << 20) /* a 12 MiB buffer, well above the image */
#define FLOOD_BYTES (12UL << 20)
#define LINE_FULL 199 /* one byte short of the shared console's line (vm_console.h) */
#define EVENT_INFO_MAX 256 /* Keel's limit (include/pmu.h) */
#define PAGE 4096UL
#define FENCE_PAGES 64 /* Keel fences page by page up to here (vcpu_request.c) */

#define WORST(name, setup, body)                                                        \
	do {                                                                            \
		unsigned long __best = -1UL, __t0, __t1;                                \
		for (int __r = 0; __r < REPEATS; __r++) {                               \
			setup;                                                          \
			__t0 = rdinstret();                                             \
			body;                                                           \
			__t1 = rdinstret();                                             \
			if (__t1 - __t0 < __best)                                       \
				__best = __t1 - __t0;                                   \
		}                                                                       \
		printf("BENCH-EXIT %s %lu\n", name, __best);                            \
	} while (0)

static struct {
	unsigned int event_idx, output;
	unsigned long event_data;
} events[EVENT_INFO_MAX] __attribute__((aligned(16)));

static struct sbiret dbcn_write(const char *buf, unsigned long len)
{
	return sbi_call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, len, (unsigned long)buf, 0, 0,
			0, 0);
}

/*
 * Leave the console's line for this VM one byte short of full: the next
 * byte prints it, whole, behind the VM's name (with one VM, these bytes
 * simply went out already).
 */
static void fill_line_dbcn(const char *fill)
{
	unsigned long left = LINE_FULL;

	dbcn_write("\n", 1);
	while (left) {
		struct sbiret r = dbcn_write(fill, left);

		if (r.error || r.value <= 0)
			return;
		left -= (unsigned long)r.value;
	}
}

static void fill_line_uart(void)
{
	*UART_THR = '\n';
	for (int i = 0; i < LINE_FULL; i++)
		*UART_THR = 'u';
}

void bench_exits(const void *dtb)
{
	unsigned long ram_base, ram_size;
	static const char fill[32] = "................................";
	char *flood;

	fdt_ram(dtb, &ram_base, &ram_size);
	if (FLOOD_OFFSET + FLOOD_BYTES > ram_size - (2UL << 20)) {
		printf("# bench exits: %lu MiB of RAM is too little for a 12 MiB buffer\n",
		       ram_size >> 20);
		return;
	}
	/* 31 bytes and a newline: Keel takes 32 of the 12 MiB, the newline last */
	flood = (char *)(ram_base + FLOOD_OFFSET);
	for (int i = 0; i < 31; i++)
		flood[i] = 'w';
	flood[31] = '\n';
	for (int i = 0; i < EVENT_INFO_MAX; i++)
		events[i].event_idx = i & 1 ? SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_HW, i % 10)
					    : SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_FW, i % 22);

	/* the 32 bytes end one full line and then one more */
	WORST("dbcn_write_12mib", fill_line_dbcn(fill), dbcn_write(flood, FLOOD_BYTES));
	WORST("uart_thr_line", fill_line_uart(), *UART_THR = '\n');
	WORST("event_get_info_256", (void)0,
	      sbi_call(SBI_EXT_PMU, SBI_EXT_PMU_EVENT_GET_INFO, (unsigned long)events, 0,
		       EVENT_INFO_MAX, 0, 0, 0));
	WORST("rfence_sfence_vma_64_pages", (void)0,
	      sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, 1, 0, ram_base,
		       FENCE_PAGES * PAGE, 0, 0));
	WORST("rfence_sfence_vma_all", (void)0,
	      sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, 1, 0, 0, -1UL, 0, 0));
	WORST("rfence_fence_i", (void)0,
	      sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I, 1, 0, 0, 0, 0, 0));
	printf("\n");
}

/*
 * A reboot unmaps the VM's RAM (each 2 MiB block is zeroed again on its
 * next touch) and loads its image again, carried out by the hart's
 * scheduler loop after the SRST call's exit. instret does not
 * survive it, but time does (Keel does not offset it), so the time is
 * printed just before the call and read first thing after: under -icount
 * shift=0 a timebase tick is 1e9 / timebase instructions. Printing the time
 * takes time too: the same line printed once before ("cal") says how much,
 * and scripts/bench.sh takes it off.
 */
void bench_reboot_start(void)
{
	unsigned long t = rdtime();

	printf("BENCH-REBOOT cal %020lu\n", t);
	printf("BENCH-REBOOT cal-end %lu\n", rdtime());
	printf("BENCH-REBOOT beg %020lu\n", rdtime());
	sbi_call(SBI_EXT_SRST, SBI_EXT_SRST_RESET, SBI_SRST_RESET_TYPE_WARM_REBOOT, 0, 0, 0, 0, 0);
	printf("# bench: SRST reboot returned\n");
}

void bench_reboot_end(unsigned long t)
{
	printf("BENCH-REBOOT end %lu\n", t);
}
