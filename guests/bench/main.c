/*
 * Instructions retired per operation, the same binary run natively on
 * QEMU + OpenSBI and under Keel. Run QEMU with -icount shift=0: instret
 * then counts every instruction retired in every mode (guest, Keel,
 * OpenSBI) deterministically, so "under Keel minus native" is the cost of
 * virtualisation. Figures include the loop overhead (a few instructions).
 *
 * Output, one line per operation, then a terminator, then SRST shutdown:
 *   BENCH <name> <instructions per op, integer>
 *   BENCH done
 * Under Keel, bootargs keel.exits=1 adds the longest exits a guest can ask
 * for (exits.c: BENCH-EXIT lines) and an SRST reboot timed across it
 * (BENCH-REBOOT lines; BENCH done comes after the reboot); keel.exits=2
 * gives the longest exits alone. keel.smp=1 or 2 runs only the rows of
 * two vCPUs (smp.c); keel.nosstc=1 only set_timer, named set_timer_nosstc,
 * for a guest without Sstc (scripts/bench.sh's third Keel run).
 */
#include "bench.h"
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "trap.h"

#define ITERS 10000UL
#define UART_THR 0x10000000UL
#define UART_LSR 0x10000005UL
#define DBCN_CHUNK 32 /* bytes per DBCN console_write in dbcn_write */

/* Time ITERS runs of body; prints the BENCH line and a finer comment. */
#define BENCH(name, body) do { \
	unsigned long __i, __t0, __t1; \
	body;	/* warm up: first-touch costs are not the op's */ \
	__t0 = rdinstret(); \
	for (__i = 0; __i < ITERS; __i++) { \
		body; \
	} \
	__t1 = rdinstret(); \
	report(name, __t1 - __t0); \
} while (0)

/* The write benchmarks leave a line of their output open. */
static int mid_line;

static void report(const char *name, unsigned long total)
{
	unsigned long tenths = (total * 10 + ITERS / 2) / ITERS;

	if (mid_line)
		printf("\n");
	mid_line = 0;
	printf("BENCH %s %lu\n", name, (total + ITERS / 2) / ITERS);
	printf("# %s: %lu.%lu instructions/op (%lu over %lu iterations)\n",
	       name, tenths / 10, tenths % 10, total, ITERS);
}

/* The illegal instruction's trap: count nothing, just skip it. */
static void skip_insn(struct trap_frame *tf)
{
	tf->sepc += insn_len(*(volatile unsigned short *)tf->sepc);
}

static inline void op_null_sbi(void)
{
	register unsigned long a0 __asm__("a0");
	register unsigned long a1 __asm__("a1");
	register unsigned long a6 __asm__("a6") = SBI_EXT_BASE_GET_SPEC_VERSION;
	register unsigned long a7 __asm__("a7") = SBI_EXT_BASE;

	__asm__ volatile("ecall" : "=r"(a0), "=r"(a1) : "r"(a6), "r"(a7) : "memory");
}

static inline void op_set_timer(unsigned long when)
{
	register unsigned long a0 __asm__("a0") = when;
	register unsigned long a1 __asm__("a1");
	register unsigned long a6 __asm__("a6") = SBI_EXT_TIME_SET_TIMER;
	register unsigned long a7 __asm__("a7") = SBI_EXT_TIME;

	__asm__ volatile("ecall" : "+r"(a0), "=r"(a1) : "r"(a6), "r"(a7) : "memory");
}

static inline void op_illegal(void)
{
	__asm__ volatile(".word 0x0000006b" : : : "memory");	/* reserved opcode */
}

static inline void op_uart_read(void)
{
	unsigned long v;

	__asm__ volatile("lbu %0, 0(%1)" : "=r"(v) : "r"(UART_LSR) : "memory");
}

/* One byte to the emulated UART's transmit register: a store exit */
static inline void op_uart_write(void)
{
	__asm__ volatile("sb %0, 0(%1)" : : "r"('.'), "r"(UART_THR) : "memory");
}

/* DBCN_CHUNK bytes in one SBI DBCN console_write: the per-byte path */
static const char chunk[DBCN_CHUNK + 1] = "abcdefghijklmnopqrstuvwxyz012345";

static inline void op_dbcn_write(void)
{
	sbi_call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, DBCN_CHUNK, (unsigned long)chunk, 0, 0,
		 0, 0);
}

/* set_timer with SBI's timer: only when the guest's riscv,isa has no Sstc */
static void bench_set_timer_nosstc(const void *dtb, unsigned long far)
{
	const char *isa;
	unsigned long id;

	if (!fdt_cpu(dtb, 0, &id, &isa) || isa_has_ext(isa, "sstc")) {
		printf("# bench: keel.nosstc=1, but the guest has Sstc: no set_timer_nosstc\n");
		return;
	}
	BENCH("set_timer_nosstc", op_set_timer(far));
}

/*
 * The SBI PMU counter for event_idx, configured and started (any counter
 * but 1, time, which Keel refuses in a set): its index, or -1 if refused.
 */
static long pmu_counter_start(unsigned long event_idx)
{
	struct sbiret n = sbi_call(SBI_EXT_PMU, SBI_EXT_PMU_NUM_COUNTERS, 0, 0, 0, 0, 0, 0);
	struct sbiret r;

	if (n.error || n.value < 3 || n.value > 63)
		return -1;
	r = sbi_call(SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_CFG_MATCH, 0,
		     ((1UL << n.value) - 1) & ~2UL,
		     SBI_PMU_CFG_FLAG_CLEAR_VALUE | SBI_PMU_CFG_FLAG_AUTO_START, event_idx, 0, 0);
	return r.error ? -1 : r.value;
}

static void pmu_counter_release(long ctr)
{
	sbi_call(SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_STOP, ctr, 1, SBI_PMU_STOP_FLAG_RESET, 0, 0, 0);
}

/* illegal_insn again, the guest's SBI PMU counting ILLEGAL_INSN */
static void bench_illegal_counted(void)
{
	long ctr = pmu_counter_start(SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_FW,
						       SBI_PMU_FW_ILLEGAL_INSN));

	if (ctr < 0) {
		printf("BENCH illegal_insn_counted -\n");
		return;
	}
	trap_set_hook(skip_insn);
	BENCH("illegal_insn_counted", op_illegal());
	trap_set_hook(0);
	pmu_counter_release(ctr);
}

static inline void op_wfi(void)
{
	__asm__ volatile("wfi" : : : "memory");
}

/*
 * A wfi that does not sleep: the timer interrupt is pending (set_timer(0))
 * and enabled in sie, sstatus.SIE is 0, so it is not taken and wfi ends at
 * once. Under Keel (hstatus.VTW) each is a virtual-instruction exit.
 */
static void bench_wfi(unsigned long far)
{
	unsigned long t0;

	csr_clear(sstatus, SSTATUS_SIE);
	csr_set(sie, SIP_STIP);
	op_set_timer(0);
	/*
	 * Give the timer a moment to fire. Not read back from sip: with Sstc
	 * QEMU 7.2 raises the interrupt (wfi ends) but a VS-mode guest's sip
	 * does not show it.
	 */
	t0 = rdtime();
	while (rdtime() - t0 < 10)
		;
	BENCH("vinsn_wfi", op_wfi());
	op_set_timer(far);
	csr_clear(sie, SIP_STIP);
}

static inline void op_rdcycle(void)
{
	unsigned long v;

	__asm__ volatile("csrr %0, cycle" : "=r"(v) : : "memory");
}

/*
 * rdcycle while the guest's SBI PMU has cycle (counter 0) configured: Keel
 * then traps the read (hcounteren) and answers it (docs/pmu.md); natively
 * it reads the CSR.
 */
static void bench_rdcycle(void)
{
	long ctr = pmu_counter_start(SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_HW,
						       SBI_PMU_HW_CPU_CYCLES));

	if (ctr < 0) {
		printf("BENCH vinsn_csr -\n");
		return;
	}
	BENCH("vinsn_csr", op_rdcycle());
	pmu_counter_release(ctr);
}

/* Keel's SBI, not OpenSBI's: the rest of the bench is about Keel's exits */
static int under_keel(void)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0, 0, 0, 0);

	return !r.error && r.value == (long)SBI_IMPL_ID_KEEL;
}

int main(unsigned long hartid, const void *dtb)
{
	unsigned long t = rdtime(), far = t + (1UL << 50);	/* centuries at 10 MHz */
	int len;
	const void *boots = fdt_prop(dtb, "chosen", "keel,boot-count", &len);
	const char *args = fdt_prop(dtb, "chosen", "bootargs", &len);
	/* keel.exits=1: the longest exits and a reboot too; 2: the longest exits only */
	unsigned long exits = bootarg_num(args, "keel.exits", 0);
	unsigned long smp = bootarg_num(args, "keel.smp", 0);

	if (boots && fdt_be32(boots) > 0) {
		bench_reboot_end(t);
		printf("BENCH done\n");
		sbi_poweroff(0);
	}
	printf("# bench guest: hart %lu, dtb %p, %lu iterations per op\n",
	       hartid, dtb, ITERS);
	bench_boot_to_guest(dtb);
	if (smp || bootarg_num(args, "keel.nosstc", 0)) {
		if (smp)
			bench_smp(dtb, hartid, smp);
		else
			bench_set_timer_nosstc(dtb, far);
		printf("BENCH done\n");
		sbi_poweroff(0);
	}
	if (exits != 2) {
		BENCH("null_sbi", op_null_sbi());
		BENCH("set_timer", op_set_timer(far));
		trap_set_hook(skip_insn);
		BENCH("illegal_insn", op_illegal());
		trap_set_hook(0);
		bench_illegal_counted();
		bench_wfi(far);
		bench_rdcycle();
		BENCH("uart_read", op_uart_read());
		mid_line = 1;
		BENCH("uart_write", op_uart_write());
		/* OpenSBI 1.1 (Debian 12) has no DBCN: nothing to compare with there */
		if (sbi_probe(SBI_EXT_DBCN)) {
			mid_line = 1;
			BENCH("dbcn_write", op_dbcn_write());
		} else {
			printf("BENCH dbcn_write -\n");
		}
	}
	if (exits && under_keel()) {
		/* with a second VM: let it finish first, so it runs in none of the calls */
		while (rdtime() < t + fdt_timebase(dtb) / 20)
			;
		bench_exits(dtb);
		if (exits == 1)
			bench_reboot_start();
	}
	printf("BENCH done\n");
	sbi_poweroff(0);
}
