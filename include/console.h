/*
 * Keel's console: the physical UART that /chosen/stdout-path names. Keel's
 * own messages and every guest's output go through here.
 */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

enum hw_uart_kind { HW_UART_NONE, HW_UART_NS16550, HW_UART_SIFIVE };

struct hw_uart {
	enum hw_uart_kind kind;
	uintptr_t base;
	unsigned int reg_shift;
	unsigned int reg_io_width; /* 1 or 4 bytes */
};

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

#endif
