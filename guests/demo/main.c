/*
 * The demo guest `make run` boots: a short tour of what a guest sees under
 * Keel. It says who runs it, takes three timer interrupts, handles an
 * illegal instruction with its own trap handler, writes to the UART
 * directly, echoes what you type for a few seconds (read through SBI DBCN,
 * then straight from the UART), then powers off.
 * It runs unchanged on QEMU + OpenSBI without Keel, too.
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "trap.h"

#define UART_THR ((volatile unsigned char *)0x10000000UL)
#define UART_RBR ((volatile unsigned char *)0x10000000UL)
#define UART_LSR ((volatile unsigned char *)0x10000005UL)
#define ECHO_SECONDS 3

static volatile unsigned long ticks;
static unsigned long timebase = 10000000;

static void set_timer(unsigned long when)
{
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, when, 0, 0, 0, 0, 0);
}

/* Timer interrupts re-arm the timer; an illegal instruction is skipped. */
static void demo_trap(struct trap_frame *tf)
{
	if (tf->scause == (SCAUSE_IRQ | 5)) {
		ticks++;
		set_timer(rdtime() + timebase / 10);
		return;
	}
	if (tf->scause == 2) {
		printf("  trap handler: illegal instruction 0x%lx at 0x%lx, skipped\n", tf->stval,
		       tf->sepc);
		tf->sepc += insn_len(*(volatile unsigned short *)tf->sepc);
		return;
	}
	printf("  unexpected trap: scause 0x%lx stval 0x%lx sepc 0x%lx\n", tf->scause, tf->stval,
	       tf->sepc);
	sbi_poweroff(1);
}

static void who_runs_me(void)
{
	long impl = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0, 0, 0, 0).value;
	long ver = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_VERSION, 0, 0, 0, 0, 0, 0).value;

	if (impl == (long)SBI_IMPL_ID_KEEL)
		printf("  SBI implementation: Keel %ld.%ld (I am a VS-mode guest)\n", ver >> 16,
		       ver & 0xffff);
	else
		printf("  SBI implementation id %ld, version 0x%lx (no Keel here)\n", impl, ver);
}

static void take_ticks(void)
{
	unsigned long start = rdtime();

	set_timer(start + timebase / 10);
	csr_set(sie, SIP_STIP);
	csr_set(sstatus, SSTATUS_SIE);
	while (ticks < 3)
		__asm__ __volatile__("wfi");
	csr_clear(sstatus, SSTATUS_SIE);
	csr_clear(sie, SIP_STIP);
	set_timer(-1UL);
	printf("  3 timer interrupts in %lu ms (one every 100 ms asked)\n",
	       (rdtime() - start) * 1000 / timebase);
}

static void uart_direct(const char *s)
{
	for (; *s; s++) {
		while (!(*UART_LSR & 0x20))
			;
		*UART_THR = (unsigned char)*s;
	}
}

static void echo_input(void)
{
	unsigned long end = rdtime() + ECHO_SECONDS * timebase;
	char c;
	int n = 0;

	printf("  type something: it is echoed for %d seconds\n", ECHO_SECONDS);
	while (rdtime() < end) {
		struct sbiret r = sbi_call(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, 1,
					   (unsigned long)&c, 0, 0, 0, 0);
		if (r.error || r.value != 1)
			continue;
		n++;
		printf("[%c]", c >= ' ' && c < 127 ? c : '?');
	}
	printf("%s  %d characters read\n", n ? "\n" : "", n);
}

/* The same, reading the UART's receive register directly: shown as <c>. */
static void echo_uart(void)
{
	unsigned long end = rdtime() + ECHO_SECONDS * timebase;
	int n = 0;

	printf("  and now read straight from the UART for %d seconds\n", ECHO_SECONDS);
	while (rdtime() < end) {
		unsigned char c;

		if (!(*UART_LSR & 0x01))
			continue;
		c = *UART_RBR;
		n++;
		printf("<%c>", c >= ' ' && c < 127 ? c : '?');
	}
	printf("%s  %d characters read\n", n ? "\n" : "", n);
}

int main(unsigned long hartid, const void *dtb)
{
	unsigned long tb = fdt_timebase(dtb);

	if (tb)
		timebase = tb;
	printf("\nKeel demo guest on hart %lu, device tree at %p\n", hartid, dtb);
	trap_set_hook(demo_trap);
	who_runs_me();
	take_ticks();
	printf("  executing an illegal instruction...\n");
	__asm__ __volatile__(".word 0xc0001073" ::: "memory"); /* unimp: csrrw x0, cycle, x0 */
	uart_direct("  this line went straight to the UART at 0x10000000\n");
	if (sbi_probe(SBI_EXT_DBCN))
		echo_input();
	echo_uart();
	printf("  demo done: powering off through SBI SRST\n");
	sbi_poweroff(0);
}
