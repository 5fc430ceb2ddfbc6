/*
 * The virtual PLIC guest's shared state: register addresses, the UART that
 * drives source 10, and what each vCPU's external-interrupt handler saw.
 * The boot vCPU drives every check and is the only one printing; the other
 * vCPU runs commands (cpu.c) and reports through its struct cpu.
 *
 * Whether a vCPU's external interrupt line is up is learnt by taking the
 * interrupt (ACT_PEEK when it must not be claimed), never from sip.SEIP:
 * QEMU 7.2 does not show hvip.VSEIP in a VS-mode read of sip.
 *
 * Printing is kept out of every stretch where the UART has interrupts or
 * loopback enabled: natively the SBI console writes this very UART, and a
 * console byte would re-arm THRE or land in the receive FIFO.
 */
#ifndef PLIC_H
#define PLIC_H

#include "sec_entry.h"

/* The harts common/sec_entry.S has stacks for (8: guests/Makefile) */
#define MAX_HARTS SEC_MAX_HARTS

#ifndef __ASSEMBLER__

#include "csr.h"
#include "ns16550.h"
#include "sbi.h"

/* ---- the PLIC, QEMU virt layout ---- */
#define PLIC_BASE 0x0c000000UL
#define PLIC_SIZE 0x600000UL
#define PLIC_NDEV 63			/* Keel's riscv,ndev */
#define PLIC_PRIORITY(s) (PLIC_BASE + 4UL * (s))
#define PLIC_PENDING(w) (PLIC_BASE + 0x1000 + 4UL * (w))
#define PLIC_ENABLE(ctx, w) (PLIC_BASE + 0x2000 + 0x80UL * (ctx) + 4UL * (w))
#define PLIC_THRESHOLD(ctx) (PLIC_BASE + 0x200000 + 0x1000UL * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_THRESHOLD(ctx) + 4)

#define UART_IRQ 10
#define UART_BIT (1U << UART_IRQ)

/* hart h's contexts, as QEMU virt numbers them */
static inline unsigned long m_ctx(unsigned long hart) { return 2 * hart; }
static inline unsigned long s_ctx(unsigned long hart) { return 2 * hart + 1; }

/* lw/sw exactly: the PLIC takes nothing else */
static inline unsigned int rd32(unsigned long addr)
{
	unsigned int v;

	__asm__ volatile("lw %0, 0(%1)" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void wr32(unsigned long addr, unsigned int v)
{
	__asm__ volatile("sw %0, 0(%1)" : : "r"(v), "r"(addr) : "memory");
}

/* the ns16550a at 0x10000000: guests/common/ns16550.h */

/* ---- per vCPU ---- */

/* What the external-interrupt handler does with source 10 once claimed */
enum action {
	ACT_IIR,	/* read IIR (acknowledges THRE), then complete */
	ACT_KEEP_RX,	/* complete without reading RBR: the line stays high */
	ACT_READ_RX,	/* read RBR, then complete */
	ACT_PEEK,	/* claim nothing, turn SEIE off: just see the line is up */
};

enum cmd {
	CMD_NONE,
	CMD_IDLE,	/* wfi with SEIE (and SSIE) on until stop is set */
	CMD_PEEK,	/* SEIE on for arg ms, ACT_PEEK: val = interrupts seen */
	CMD_TRIGGER,	/* after arg ms, raise THRE (IER.ETBEI 0 -> 1) */
};

struct cpu {
	unsigned long hart;
	/* what the handler does (set while interrupts are off) */
	unsigned long action, oneshot;
	/* what the handler saw: counts, and the last claim's details */
	unsigned long irqs, claimed10, claimed0, claimed_other, ssips, peeks;
	unsigned long last_claim, last_iir, last_rbr, pending_after;
	/* boot vCPU -> this vCPU: a command, its sequence number, argument */
	unsigned long req, cmd, arg, stop;
	/* this vCPU -> boot vCPU */
	unsigned long done, val, idling, entries;
	/* an unexpected trap stops the vCPU; the boot vCPU reports it */
	unsigned long fault, fault_cause, fault_epc, fault_tval;
	unsigned long last_scause;
};

extern volatile struct cpu cpus[MAX_HARTS];
extern unsigned long boot_hart, other_hart, nr_harts, timebase;
extern int under_keel;

static inline unsigned long ms_ticks(unsigned long ms)
{
	return ms * timebase / 1000;
}

/* Evaluate cond until it holds or ms milliseconds have passed: its last value. */
#define WAIT_MS(ms, cond) WAIT_TICKS(ms_ticks(ms), cond)

#define WAIT_LONG 2000	/* ms: anything that must happen; QEMU TCG can be slow */
#define SETTLE 20	/* ms: to see that nothing more happens */

static inline unsigned long ld_acq(volatile unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void st_rel(volatile unsigned long *p, unsigned long v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline void delay_ms(unsigned long ms)
{
	unsigned long end = rdtime() + ms_ticks(ms);

	while (rdtime() < end)
		;
}

/* Interrupts on this vCPU: sie := bits, sstatus.SIE on; and all off. */
static inline void irqs_on(unsigned long sie_bits)
{
	csr_write(sie, sie_bits);
	csr_set(sstatus, SSTATUS_SIE);
}

static inline void irqs_off(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(sie, 0);
}

/* main.c: under Keel, or a skip line naming what QEMU 7.2's PLIC does instead */
int keel_only(const char *qemu_does);
/* main.c: faults on the boot vCPU are recorded and skipped while set */
extern volatile int faults_expected;

/* irq.c: the handler every vCPU runs for scause = supervisor external */
void ext_irq(volatile struct cpu *c);
void cpu_reset_counts(volatile struct cpu *c);
/* the UART back to quiet: no interrupts, no loopback, FIFOs empty */
void uart_quiet(void);

/* cpu.c: the secondary vCPU, and the boot vCPU's side of its commands */
extern char sec_vector[];	/* entry.S */
unsigned long post(unsigned long cmd, unsigned long arg);
int wait_done(unsigned long seq, unsigned long ms);
int end_idle(unsigned long seq);
int start_other(void);

/* the checks, in the order main() runs them */
void test_dt(const void *dtb);
void test_registers(void);
void test_faults(void);
void test_delivery(void);
void test_level(void);
void test_complete_rules(void);
void test_cross(void);
void test_wfi_wake(void);

#endif /* __ASSEMBLER__ */
#endif
