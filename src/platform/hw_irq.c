/*
 * The machine's PLIC, as far as Keel uses it: one context (the boot
 * hart's S-mode one, found in the DT by platform_console.c) and one
 * source (the console UART). See hw_irq.h.
 */
#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "platform/hw_irq.h"
#include "platform/platform.h"
#include "plic.h"
#include "vm_console.h"

static bool routed;

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

bool hw_irq_init(void)
{
	const struct platform_irq *irq = &platform.console_irq;

	if (!irq->valid || irq->source == 0 || irq->source >= PLIC_MAX_SOURCES ||
	    PLIC_CLAIM(irq->context) + 4 > irq->plic_size)
		return false;
	if (!hw_uart_enable_rx_irq())
		return false;
	*plic_reg(PLIC_PRIORITY(irq->source)) = 1;
	*plic_reg(PLIC_THRESHOLD(irq->context)) = 0;
	source_enable(irq->source, true);
	arch_host_ext_irq_enable();
	routed = true;
	return true;
}

bool hw_irq_console_routed(void)
{
	return routed;
}

void hw_irq_handle(void)
{
	volatile uint32_t *claim = plic_reg(PLIC_CLAIM(platform.console_irq.context));
	uint32_t src;

	if (!routed)
		return;
	while ((src = *claim) != 0) {
		if (src == platform.console_irq.source) {
			/* reading the UART empty drops its line */
			console_poll_input();
		} else {
			/* enabled by someone else (the firmware?): not Keel's */
			source_enable(src, false);
			pr_info("physical interrupt source %u is not Keel's: disabled\n", src);
		}
		*claim = src;
	}
}
