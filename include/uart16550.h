/*
 * A model of the ns16550a UART as QEMU virt exposes it (8-bit registers,
 * reg-shift 0, at guest physical 0x10000000). Pure logic: no CSRs and no
 * Keel globals, so it runs under sanitizers in tests/unit.
 *
 * Transmit: a byte written to THR is handed to tx_byte() at once (the model
 * has an "infinitely fast" line, so THRE/TEMT always read as set).
 * Receive: Keel feeds bytes from the real console with uart16550_rx_push();
 * the guest reads them from RBR while LSR.DR says data is ready.
 * Interrupts: uart16550_irq_pending() reports whether the model asserts its
 * interrupt line (IER vs state), for the virtual PLIC of a later issue.
 * MCR.OUT2 does not gate it (as on QEMU virt).
 * Modem: MSR reads DCD|DSR|CTS (0xb0) normally; in MCR loopback it mirrors
 * MCR's outputs as a 16550 does, which Linux's 8250 probe checks.
 */
#ifndef KEEL_UART16550_H
#define KEEL_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#define UART16550_SIZE 0x100 /* bytes of guest physical space decoded */
#define UART16550_RX_FIFO 64

struct uart16550 {
	/* registers */
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_irq_armed;   /* THRE interrupt pending until IIR read or THR written */
	/* receive FIFO */
	uint8_t rx[UART16550_RX_FIFO];
	unsigned int rx_head, rx_count;
	/* where transmitted bytes go */
	void (*tx_byte)(void *ctx, uint8_t byte);
	void *tx_ctx;
};

void uart16550_init(struct uart16550 *u, void (*tx_byte)(void *, uint8_t), void *ctx);
/* offset is relative to the device base; width is 1, 2, 4 or 8 (only the
 * low byte is meaningful, as on QEMU). Returns the value read. */
uint64_t uart16550_read(struct uart16550 *u, uint64_t offset, unsigned int width);
void uart16550_write(struct uart16550 *u, uint64_t offset, unsigned int width, uint64_t value);
/* Returns false (byte dropped) when the receive FIFO is full. */
bool uart16550_rx_push(struct uart16550 *u, uint8_t byte);
bool uart16550_rx_space(const struct uart16550 *u);
bool uart16550_irq_pending(const struct uart16550 *u);
/* Is the receiver on the line (not in MCR loopback, which cuts it off)? */
bool uart16550_line_connected(const struct uart16550 *u);
/* Has the guest enabled the receive interrupt (IER.ERBFI)? */
bool uart16550_rx_irq_enabled(const struct uart16550 *u);

#endif
