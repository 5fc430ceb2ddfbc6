/*
 * Drivers for the physical console UART: ns16550a (QEMU virt, most boards)
 * and sifive,uart0 (SiFive SoCs). Output is polled; input is read when the
 * UART interrupts (hw_irq.c) or, without a usable line, polled. Which one
 * and where comes from the device tree (see platform.c), never from a
 * constant.
 */
#include "lib/console.h"

/* ns16550 registers (in units of reg-shift) */
#define NS_RBR 0
#define NS_THR 0
#define NS_IER 1
#define NS_IER_ERBFI 0x01 /* received data available */
#define NS_MCR 4
#define NS_MCR_OUT2 0x08 /* gates the interrupt pin on PC-style 16550s */
#define NS_LSR 5
#define NS_LSR_DR 0x01
#define NS_LSR_THRE 0x20

/* sifive,uart0 registers (byte offsets, 32-bit) */
#define SIFIVE_TXDATA 0x00
#define SIFIVE_RXDATA 0x04
#define SIFIVE_TXCTRL 0x08
#define SIFIVE_RXCTRL 0x0c
#define SIFIVE_TX_FULL (1U << 31)
#define SIFIVE_RX_EMPTY (1U << 31)

static struct hw_uart uart;

static inline uint32_t ns_read(unsigned int reg)
{
	uintptr_t a = uart.base + (reg << uart.reg_shift);
	if (uart.reg_io_width == 4)
		return *(volatile uint32_t *)a;
	return *(volatile uint8_t *)a;
}

static inline void ns_write(unsigned int reg, uint32_t v)
{
	uintptr_t a = uart.base + (reg << uart.reg_shift);
	if (uart.reg_io_width == 4)
		*(volatile uint32_t *)a = v;
	else
		*(volatile uint8_t *)a = (uint8_t)v;
}

static inline volatile uint32_t *sifive_reg(unsigned int off)
{
	return (volatile uint32_t *)(uart.base + off);
}

void hw_uart_init(const struct hw_uart *u)
{
	uart = *u;
	if (uart.kind == HW_UART_SIFIVE) {
		/* firmware normally set the baud rate; just make sure TX/RX are on */
		*sifive_reg(SIFIVE_TXCTRL) |= 1;
		*sifive_reg(SIFIVE_RXCTRL) |= 1;
	}
}

void hw_uart_byte_regs(volatile uint8_t **lsr, volatile uint8_t **thr)
{
	bool bytes = uart.kind == HW_UART_NS16550 && uart.reg_io_width != 4;

	*lsr = bytes ? (volatile uint8_t *)(uart.base + (NS_LSR << uart.reg_shift)) : 0;
	*thr = bytes ? (volatile uint8_t *)(uart.base + (NS_THR << uart.reg_shift)) : 0;
}

void hw_uart_putc(char c)
{
	switch (uart.kind) {
	case HW_UART_NS16550:
		while (!(ns_read(NS_LSR) & NS_LSR_THRE))
			;
		ns_write(NS_THR, (uint8_t)c);
		break;
	case HW_UART_SIFIVE:
		while (*sifive_reg(SIFIVE_TXDATA) & SIFIVE_TX_FULL)
			;
		*sifive_reg(SIFIVE_TXDATA) = (uint8_t)c;
		break;
	case HW_UART_NONE:
		break;
	}
}

int hw_uart_getc(void)
{
	uint32_t v;

	switch (uart.kind) {
	case HW_UART_NS16550:
		if (!(ns_read(NS_LSR) & NS_LSR_DR))
			return -1;
		return (int)(ns_read(NS_RBR) & 0xff);
	case HW_UART_SIFIVE:
		v = *sifive_reg(SIFIVE_RXDATA);
		if (v & SIFIVE_RX_EMPTY)
			return -1;
		return (int)(v & 0xff);
	case HW_UART_NONE:
		break;
	}
	return -1;
}

bool hw_uart_enable_rx_irq(void)
{
	if (uart.kind != HW_UART_NS16550)
		return false; /* sifive,uart0 has one too (ie.rxwm); not used yet */
	ns_write(NS_MCR, ns_read(NS_MCR) | NS_MCR_OUT2);
	ns_write(NS_IER, NS_IER_ERBFI);
	return true;
}
