/*
 * ns16550a register model: see include/uart16550.h.
 *
 * Modelled: the eight byte registers, the divisor latch behind LCR.DLAB,
 * the receive FIFO fed by uart16550_rx_push(), the RX-data and THR-empty
 * interrupts, and MCR loopback (including the MSR mirror Linux's 8250
 * driver probes). Not modelled: line errors (overrun just drops the byte),
 * the receiver timeout interrupt, FIFO trigger levels and modem-status
 * interrupts. MCR.OUT2 does not gate the interrupt: on QEMU virt the line
 * goes straight to the PLIC, and guests are written for that.
 */
#include "uart16550.h"

void uart16550_init(struct uart16550 *u, void (*tx_byte)(void *, uint8_t), void *ctx)
{
	*u = (struct uart16550){
		.tx_byte = tx_byte,
		.tx_ctx = ctx,
	};
	u->thr_plain = uart16550_thr_plain(u);
}

static bool dlab(const struct uart16550 *u)
{
	return u->lcr & UART_LCR_DLAB;
}

static bool loopback(const struct uart16550 *u)
{
	return u->mcr & UART_MCR_LOOP;
}

bool uart16550_rx_space(const struct uart16550 *u)
{
	return u->rx_count < UART16550_RX_FIFO;
}

bool uart16550_rx_push(struct uart16550 *u, uint8_t byte)
{
	if (!uart16550_rx_space(u))
		return false;
	u->rx[(u->rx_head + u->rx_count) % UART16550_RX_FIFO] = byte;
	u->rx_count++;
	return true;
}

static uint8_t rx_pop(struct uart16550 *u)
{
	uint8_t byte;

	/* An empty RBR reads as 0 rather than a stale byte: nothing relies on it. */
	if (!u->rx_count)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART16550_RX_FIFO;
	u->rx_count--;
	return byte;
}

static void rx_clear(struct uart16550 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
}

/* Interrupt identification, highest priority first (no LSR errors here). */
static uint8_t iir_id(const struct uart16550 *u)
{
	if ((u->ier & UART_IER_ERBFI) && u->rx_count)
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_ETBEI) && u->thre_irq_armed)
		return UART_IIR_THRI;
	return UART_IIR_NO_INT;
}

bool uart16550_irq_pending(const struct uart16550 *u)
{
	return !(iir_id(u) & UART_IIR_NO_INT);
}

bool uart16550_line_connected(const struct uart16550 *u)
{
	return !loopback(u);
}

bool uart16550_rx_irq_enabled(const struct uart16550 *u)
{
	return u->ier & UART_IER_ERBFI;
}

static uint8_t read_iir(struct uart16550 *u)
{
	uint8_t id = iir_id(u);

	/* Reading IIR is how a 16550 acknowledges the THR-empty interrupt. */
	if (id == UART_IIR_THRI)
		u->thre_irq_armed = false;
	return id | ((u->fcr & UART_FCR_ENABLE) ? UART_IIR_FIFO : 0);
}

static uint8_t read_reg(struct uart16550 *u, unsigned int reg)
{
	int quiet = uart16550_peek(u, reg);

	if (quiet >= 0)
		return (uint8_t)quiet;
	/* the two reads that change the model */
	return reg == UART_IIR ? read_iir(u) : rx_pop(u);
}

static void write_thr(struct uart16550 *u, uint8_t byte)
{
	if (loopback(u))
		uart16550_rx_push(u, byte); /* full FIFO: overrun, byte lost */
	else if (u->tx_byte)
		u->tx_byte(u->tx_ctx, byte);
	/* the byte left at once, so THR is empty again */
	uart16550_thr_sent(u);
}

static void write_ier(struct uart16550 *u, uint8_t value)
{
	uint8_t old = u->ier;

	u->ier = value & UART_IER_MASK;
	/*
	 * A 16550 raises THRE as soon as ETBEI is enabled while THR is empty,
	 * which here is always: drivers kick transmission this way.
	 */
	if (!(old & UART_IER_ETBEI) && (u->ier & UART_IER_ETBEI))
		u->thre_irq_armed = true;
}

static void write_fcr(struct uart16550 *u, uint8_t value)
{
	if (value & UART_FCR_CLR_RX)
		rx_clear(u);
	/* CLR_TX: there is no transmit FIFO to clear */
	u->fcr = value & ~UART_FCR_SELF_CLEARING;
}

static void write_reg(struct uart16550 *u, unsigned int reg, uint8_t value)
{
	switch (reg) {
	case UART_THR:
		if (dlab(u))
			u->dll = value;
		else
			write_thr(u, value);
		break;
	case UART_IER:
		if (dlab(u))
			u->dlm = value;
		else
			write_ier(u, value);
		u->thr_plain = uart16550_thr_plain(u);
		break;
	case UART_FCR:
		write_fcr(u, value);
		break;
	/* thr_plain follows what it depends on: IER above, LCR.DLAB, MCR.LOOP */
	case UART_LCR:
		u->lcr = value;
		u->thr_plain = uart16550_thr_plain(u);
		break;
	case UART_MCR:
		u->mcr = value & UART_MCR_MASK;
		u->thr_plain = uart16550_thr_plain(u);
		break;
	case UART_SCR:
		u->scr = value;
		break;
	default:
		/* LSR and MSR are read-only; 8..SIZE-1 decode to nothing */
		break;
	}
}

/*
 * Accesses wider than a byte touch only the register at 'offset' (as on
 * QEMU): the width just says how much of the guest register is returned,
 * zero-extended.
 */
uint64_t uart16550_read(struct uart16550 *u, uint64_t offset, unsigned int width)
{
	(void)width;
	if (offset >= UART_NR_REGS)
		return 0;
	return read_reg(u, (unsigned int)offset);
}

void uart16550_write(struct uart16550 *u, uint64_t offset, unsigned int width, uint64_t value)
{
	(void)width;
	if (offset >= UART_NR_REGS)
		return;
	write_reg(u, (unsigned int)offset, (uint8_t)value);
}
