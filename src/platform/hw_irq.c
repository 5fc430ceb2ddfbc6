/*
 * The machine's PLIC, as far as Keel uses it: one context (the boot
 * hart's S-mode one, found in the DT by platform_console.c) and the
 * sources attached to it. See hw_irq.h.
 */
#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "platform/hw_irq.h"
#include "platform/platform.h"
#include "plic.h"
#include "vm_console.h"

static struct hw_irq_line {
	unsigned int source;
	void (*handler)(void *ctx);
	void *ctx;
} lines[HW_IRQ_MAX_LINES];
static unsigned int nr_lines;
static bool plic_up, console_routed;

static volatile uint32_t *plic_reg(unsigned long offset)
{
	return (volatile uint32_t *)(uintptr_t)(platform.console_irq.plic_base + offset);
}

static void source_enable(unsigned int src, bool on)
{
	unsigned int ctx = platform.console_irq.context;
	uint32_t bit = 1U << (src % 32);

	if (on)
		*plic_reg(PLIC_ENABLE(ctx, src)) |= bit;
	else
		*plic_reg(PLIC_ENABLE(ctx, src)) &= ~bit;
}

/* The boot hart's context open to every source of priority 1 and up, once */
static bool plic_ready(void)
{
	const struct platform_irq *irq = &platform.console_irq;

	if (plic_up)
		return true;
	if (!irq->valid || PLIC_CLAIM(irq->context) + 4 > irq->plic_size)
		return false;
	*plic_reg(PLIC_THRESHOLD(irq->context)) = 0;
	arch_host_ext_irq_enable();
	plic_up = true;
	return true;
}

static void console_line(void *ctx)
{
	(void)ctx;
	/* reading the UART empty drops its line */
	console_poll_input();
}

bool hw_irq_attach(unsigned int source, void (*handler)(void *ctx), void *ctx)
{
	if (source == 0 || source >= PLIC_MAX_SOURCES || nr_lines == HW_IRQ_MAX_LINES ||
	    !plic_ready())
		return false;
	lines[nr_lines++] = (struct hw_irq_line){ source, handler, ctx };
	*plic_reg(PLIC_PRIORITY(source)) = 1;
	source_enable(source, true);
	return true;
}

bool hw_irq_init(void)
{
	if (!plic_ready() || !hw_uart_enable_rx_irq())
		return false;
	console_routed = hw_irq_attach(platform.console_irq.source, console_line, NULL);
	return console_routed;
}

bool hw_irq_console_routed(void)
{
	return console_routed;
}

void hw_irq_handle(void)
{
	volatile uint32_t *claim = plic_reg(PLIC_CLAIM(platform.console_irq.context));
	uint32_t src;

	if (!plic_up)
		return;
	while ((src = *claim) != 0) {
		unsigned int i = 0;

		while (i < nr_lines && lines[i].source != src)
			i++;
		if (i < nr_lines) {
			lines[i].handler(lines[i].ctx);
		} else {
			/* enabled by someone else (the firmware?): not Keel's */
			source_enable(src, false);
			pr_info("physical interrupt source %u is not Keel's: disabled\n", src);
		}
		*claim = src;
	}
}
