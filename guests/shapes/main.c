/*
 * A guest of one shape, for ever (tests/system/monitor-stress.sh): it
 * beats ("beat N" every keel.beat-ms) so a test can see that it still
 * runs while Keel's monitor stops, starts and resets the VMs around it.
 * keel.shape= gives what it does between beats:
 *   poll-uart  reads the UART's LSR in a loop: an MMIO exit every few
 *              instructions, each of which may read the physical console
 *   wfi        sleeps in wfi until its timer, re-armed at every wake-up
 *   dbcn       writes keel.flood-bytes through SBI DBCN console_write
 *              every keel.flood-ms (default 100), in as few calls as Keel
 *              takes them
 *   irq        takes timer interrupts (SIE on) every millisecond
 *   spin       only computes
 * Every vCPU of the VM runs the shape (irq: only vCPU 0 takes them, the
 * guest library's trap handler is for one hart); vCPU 0 beats.
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "ns16550.h"
#include "sbi.h"
#include "sec_entry.h"
#include "test.h"
#include "trap.h"

#define MAX_VCPUS SEC_MAX_HARTS	/* each has a stack: common/sec_entry.S */
#define FLOOD_MAX 65536
#define SIE_STIE (1UL << 5)


enum shape { POLL_UART, WFI, DBCN, IRQ, SPIN };

static enum shape shape;
static unsigned long timebase, beat_ticks, flood_bytes, flood_ticks, next_flood;
static volatile unsigned long ticks_taken;
static char flood[FLOOD_MAX];

static void set_timer(unsigned long at)
{
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, at, 0, 0, 0, 0, 0);
}

static void timer_tick(struct trap_frame *tf)
{
	if (tf->scause != (SCAUSE_IRQ | 5)) {
		test_abort(tf, "a trap other than the timer interrupt");
		return;
	}
	ticks_taken++;
	set_timer(rdtime() + timebase / 1000);
}

/* One step of the shape: short, so vCPU 0 beats on time. */
static void step(void)
{
	switch (shape) {
	case POLL_UART:
		for (int i = 0; i < 64; i++)
			(void)rd8(LSR);
		break;
	case WFI:
		csr_write(sie, SIE_STIE);
		set_timer(rdtime() + timebase / 200);
		wfi();
		break;
	case DBCN: {
		unsigned long done = 0;

		if (rdtime() < next_flood)
			break;
		next_flood = rdtime() + flood_ticks;
		/* Keel may take fewer bytes than asked: the rest goes again */
		while (done < flood_bytes) {
			struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE,
						   flood_bytes - done,
						   (unsigned long)flood + done, 0, 0, 0, 0);
			if (r.error || !r.value)
				break;
			done += r.value;
		}
		break;
	}
	case IRQ:
	case SPIN:
		for (volatile int i = 0; i < 1000; i++)
			;
		break;
	}
}

static void start_shape(void)
{
	if (shape == IRQ) {
		trap_set_hook(timer_tick);
		csr_write(sie, SIE_STIE);
		set_timer(rdtime() + timebase / 1000);
		csr_set(sstatus, SSTATUS_SIE);
	}
}

/* The others run the shape too, but only vCPU 0 takes interrupts (irq) */
void sec_main(void)
{
	if (shape != IRQ)
		for (;;)
			step();
	for (;;)
		(void)rdtime();
}

int main(unsigned long hartid, const void *dtb)
{
	const char *args;
	unsigned long next, beats = 0, cpu;
	const char *isa;
	int len, nr = 0;

	(void)hartid;
	timebase = fdt_timebase(dtb);
	args = fdt_prop(dtb, "chosen", "bootargs", &len);
	beat_ticks = bootarg_num(args, "keel.beat-ms", 500) * (timebase / 1000);
	flood_bytes = bootarg_num(args, "keel.flood-bytes", 4096);
	flood_ticks = bootarg_num(args, "keel.flood-ms", 100) * (timebase / 1000);
	if (flood_bytes > FLOOD_MAX - 1)
		flood_bytes = FLOOD_MAX - 1;
	shape = bootarg_is(args, "keel.shape", "poll-uart") ? POLL_UART :
		bootarg_is(args, "keel.shape", "wfi")	  ? WFI :
		bootarg_is(args, "keel.shape", "dbcn")	  ? DBCN :
		bootarg_is(args, "keel.shape", "irq")	  ? IRQ : SPIN;
	for (unsigned long i = 0; i < flood_bytes; i++)
		flood[i] = (i + 1) % 80 && i + 1 < flood_bytes ? 'a' + (char)(i % 26) : '\n';
	while (nr < MAX_VCPUS && fdt_cpu(dtb, nr, &cpu, &isa))
		nr++;
	for (int i = 1; i < nr; i++)
		CHECK_SBI_ERR(sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, (unsigned long)i,
				       (unsigned long)sec_entry, 0, 0, 0, 0),
			      SBI_SUCCESS, "HSM hart_start(%d)", i);
	start_shape();
	next = rdtime() + beat_ticks;
	for (;;) {
		step();
		if (rdtime() >= next) {
			next += beat_ticks;
			printf("beat %lu\n", ++beats);
		}
	}
}
