/*
 * Keel's console: the physical UART that /chosen/stdout-path names. Keel's
 * own messages and every guest's output go through here.
 */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "spinlock.h"

enum hw_uart_kind { HW_UART_NONE, HW_UART_NS16550, HW_UART_SIFIVE };

struct hw_uart {
	enum hw_uart_kind kind;
	uintptr_t base;
	unsigned int reg_shift;
	unsigned int reg_io_width; /* 1 or 4 bytes */
};

/*
 * The console's output, open for console_put_plain() below: a guest's
 * every byte comes this way, and an exit cannot afford a call to print it.
 */
struct console_out {
	struct spinlock lock; /* lines from different harts stay whole */
	char last;            /* the last byte sent: \r goes before \n unless it was one */
	/* an ns16550 with byte registers (QEMU virt's): LSR and THR; else NULL */
	volatile uint8_t *ns_lsr, *ns_thr;
};
extern struct console_out console_out;
#define CONSOLE_NS_LSR_THRE 0x20

/* Can console_put_plain() print? (The UART is a byte-wide ns16550.) */
static inline bool console_put_plain_ready(void)
{
	return console_out.ns_lsr;
}

/* console_putc() of a byte that is not '\n', when console_put_plain_ready() */
static inline void console_put_plain(char c)
{
	spin_lock(&console_out.lock);
	console_out.last = c;
	while (!(*console_out.ns_lsr & CONSOLE_NS_LSR_THRE))
		;
	*console_out.ns_thr = (uint8_t)c;
	spin_unlock(&console_out.lock);
}

void console_init(const struct hw_uart *uart);
/* Make the UART interrupt when a byte arrives; false if Keel cannot. */
bool hw_uart_enable_rx_irq(void);
void console_putc(char c);
void console_write(const char *s, unsigned long len);
/* Returns the next input byte, or -1 when none is waiting. Never blocks. */
int console_getc(void);

/* For a fault report: write even if the console lock is held. */
void console_break_lock(void);

/* printf to the console, whole line atomically with respect to other harts */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Keel's own messages: "[keel] ..." */
#define pr_info(fmt, ...) kprintf("[keel] " fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...) kprintf("[keel] error: " fmt, ##__VA_ARGS__)

/*
 * The console's input side, installed by the monitor
 * (src/monitor/console_input.c): read the physical console now, bytes for
 * a VM to its queue, Keel's keys and the monitor's bytes for the boot hart.
 * Guests' polls call it, from any hart and inside their exits (it only
 * moves bytes), and the boot hart every VM_CONSOLE_POLL_MS, so Keel's keys
 * work while no guest reads. A hook, so that nothing below the monitor
 * depends on it; NULL (nothing read) until the monitor installs it.
 */
extern void (*console_input_poll)(void);

static inline void console_poll_input(void)
{
	void (*poll)(void) = console_input_poll;

	if (poll)
		poll();
}

#endif
