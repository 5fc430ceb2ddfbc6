/*
 * Keel's console: formatted output for Keel and raw output for guests, over
 * the physical UART. One lock keeps lines from different harts whole.
 */
#include <string.h>
#include <stdarg.h>
#include <stdio.h>

#include "lib/console.h"
#include "spinlock.h"

#include "arch/riscv/arch.h"
#include "sbi_defs.h"

void hw_uart_init(const struct hw_uart *u);
void hw_uart_byte_regs(volatile uint8_t **lsr, volatile uint8_t **thr);
void hw_uart_putc(char c);
int hw_uart_getc(void);

void (*console_input_poll)(void);

struct console_out console_out = { .lock = SPINLOCK_INIT(LOCK_CONSOLE_OUT) };
#define console_lock console_out.lock
/* Without a UART Keel can drive, it borrows the firmware's console. */
static bool use_firmware_console;

void console_init(const struct hw_uart *uart)
{
	use_firmware_console = uart->kind == HW_UART_NONE;
	hw_uart_init(uart);
	hw_uart_byte_regs(&console_out.ns_lsr, &console_out.ns_thr);
}

static void raw_putc(char c)
{
	if (use_firmware_console)
		fw_console_putchar(c);
	else
		hw_uart_putc(c);
}

/* A terminal wants \r\n; add the \r unless the writer sent one itself. */
static void putc_crlf(char c)
{
	if (c == '\n' && console_out.last != '\r')
		raw_putc('\r');
	raw_putc(c);
	console_out.last = c;
}

void console_putc(char c)
{
	spin_lock(&console_lock);
	putc_crlf(c);
	spin_unlock(&console_lock);
}

void console_write(const char *s, unsigned long len)
{
	spin_lock(&console_lock);
	for (unsigned long i = 0; i < len; i++)
		putc_crlf(s[i]);
	spin_unlock(&console_lock);
}

int console_getc(void)
{
	int c;

	spin_lock(&console_lock);
	c = hw_uart_getc();
	spin_unlock(&console_lock);
	return c;
}

void console_break_lock(void)
{
	/*
	 * A fault report must get out even if the fault struck while this
	 * hart (or a wedged one) held the lock; interleaving beats silence.
	 */
	spin_unlock(&console_lock);
}

int kprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return n;
	if ((unsigned long)n >= sizeof(buf)) {
		/*
		 * Cut short: the line still ends where the format said it does,
		 * so the next line (a "[keel] power off" the run scripts look
		 * for at the start of a line) is not glued to this one.
		 */
		size_t len = strlen(fmt);

		n = sizeof(buf) - 1;
		if (len && fmt[len - 1] == '\n')
			buf[n - 1] = '\n';
	}
	console_write(buf, (unsigned long)n);
	return n;
}
