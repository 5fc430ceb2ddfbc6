/*
 * The SMP guest's shared state. The boot hart drives every check; each
 * secondary runs a command loop (hart.c) and reports through its struct
 * hart. Only the boot hart prints, so the console never interleaves.
 */
#ifndef SMP_H
#define SMP_H

#include "sec_entry.h"

/* The harts common/sec_entry.S has stacks for (8: guests/Makefile) */
#define MAX_HARTS SEC_MAX_HARTS

#ifndef __ASSEMBLER__

#include "csr.h"
#include "sbi.h"

#define SCAUSE_SSI (SCAUSE_IRQ | 1)
#define SCAUSE_STI (SCAUSE_IRQ | 5)

enum cmd {
	CMD_NONE,
	CMD_STOP,		/* hart_stop */
	CMD_SUSPEND,		/* hart_suspend(arg[0], arg[1], arg[2]) */
	CMD_PAGING_ON,		/* Sv39 with ASID arg[0], read the test VA */
	CMD_READ_VA,		/* read the test VA again */
	CMD_PAGING_OFF,
	CMD_TIMER,		/* timer_round(arg[0] = use stimecmp) */
	CMD_BARRIER,		/* barrier_run() */
	CMD_PMU,		/* hart_pmu(): arg[0] = enum pmu_step */
};

enum pmu_step { PMU_SETUP, PMU_READ, PMU_RELEASE };

struct hart {
	/* boot hart -> this hart: a command and its sequence number */
	unsigned long req, cmd, arg[3];
	/* this hart -> boot hart */
	unsigned long done;		/* req of the last command finished */
	long ret;
	unsigned long val;
	/* recorded at every entry: hart_start or non-retentive resume */
	unsigned long entries, entry_a0, entry_a1, entry_satp, entry_sie, entry_resumed;
	/* taken by the trap handler */
	unsigned long ssip, stip;
	/* timer round (timer.c) */
	unsigned long deadline, goal, early, max_late, use_sstc;
	int has_sstc;
	/* an unexpected trap parks the hart; the boot hart reports it */
	unsigned long fault, fault_cause, fault_epc, fault_tval;
};

extern volatile struct hart harts[MAX_HARTS];
extern unsigned long nr_harts, boot_hart, timebase;
extern int under_keel;
extern unsigned long stray_harts;	/* harts that entered _start: entry.S */

extern char smp_vector[];	/* entry.S */

static inline unsigned long ms_ticks(unsigned long ms)
{
	return ms * timebase / 1000;
}

static inline unsigned long ticks_us(unsigned long ticks)
{
	return ticks * 1000000 / timebase;
}

/* Evaluate cond until it holds or ms milliseconds have passed: its last value. */
#define WAIT_MS(ms, cond) WAIT_TICKS(ms_ticks(ms), cond)

#define WAIT_LONG 2000	/* ms: anything that must happen; QEMU TCG can be slow */
#define SETTLE 20	/* ms: to see that nothing more happens */
#define BARRIER_ROUNDS 20
#define TIMER_TICKS 5	/* timer interrupts per hart and round, 1 ms apart */

static inline void set_this_hart(volatile struct hart *h)
{
	__asm__ volatile("mv tp, %0" : : "r"(h) : "memory");
}

static inline unsigned long all_harts_mask(void)
{
	return (1UL << nr_harts) - 1;
}

struct sbiret hsm_status(unsigned long hart);
struct sbiret send_ipi(unsigned long mask, unsigned long base);

/* main.c: boot-hart side of the command protocol */
unsigned long post(unsigned long hart, unsigned long cmd, unsigned long a0,
		   unsigned long a1, unsigned long a2);
int wait_done(unsigned long hart, unsigned long seq, unsigned long ms);
int run_cmd(unsigned long hart, unsigned long cmd, unsigned long a0);
int wait_status(unsigned long hart, long state, unsigned long ms);
void check_entry(unsigned long hart, unsigned long opaque, int resumed,
		 unsigned long entries_before, const char *how);

/* hart.c, timer.c, fence.c: what a hart does for a command or interrupt */
void hart_paging(volatile struct hart *h, unsigned long cmd);
void timer_round(volatile struct hart *h);
void timer_irq(volatile struct hart *h);
unsigned long barrier_run(void);
void barrier_reset(void);
void hart_pmu(volatile struct hart *h);

/* the checks, in the order main() runs them */
void test_ipi(void);
void test_fence(void);
void test_timers(void);
void test_suspend(void);
/* pmu.c: restart(s) stops hart s and starts it again */
void test_pmu_stop_start(unsigned long s, void (*restart)(unsigned long s));

#endif /* __ASSEMBLER__ */
#endif
