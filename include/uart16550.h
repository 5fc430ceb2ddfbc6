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
 * interrupt line (IER vs state), which vdev_irq.c wires to the virtual PLIC.
 * MCR.OUT2 does not gate it (as on QEMU virt).
 * Modem: MSR reads DCD|DSR|CTS (0xb0) normally; in MCR loopback it mirrors
 * MCR's outputs as a 16550 does, which Linux's 8250 probe checks.
 */
#ifndef KEEL_UART16550_H
#define KEEL_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#define UART16550_SIZE_SHIFT 8
#define UART16550_SIZE (1UL << UART16550_SIZE_SHIFT) /* bytes of guest physical space decoded */
#define UART16550_RX_FIFO 64

/* Register offsets (reg-shift 0) */
#define UART_RBR	0	/* read, DLAB=0 */
#define UART_THR	0	/* write, DLAB=0 */
#define UART_DLL	0	/* DLAB=1 */
#define UART_IER	1	/* DLAB=0 */
#define UART_DLM	1	/* DLAB=1 */
#define UART_IIR	2	/* read */
#define UART_FCR	2	/* write */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7
#define UART_NR_REGS	8

#define UART_IER_ERBFI	0x01	/* RX data available interrupt */
#define UART_IER_ETBEI	0x02	/* THR empty interrupt */
#define UART_IER_MASK	0x0f	/* bits 7:4 read as zero on a 16550 */

#define UART_IIR_NO_INT	0x01
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_FIFO	0xc0	/* "FIFOs enabled" */

#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLR_RX	0x02
#define UART_FCR_CLR_TX	0x04
/* FIFO clear bits are self-clearing: never remembered */
#define UART_FCR_SELF_CLEARING	(UART_FCR_CLR_RX | UART_FCR_CLR_TX)

#define UART_LCR_DLAB	0x80

#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10
#define UART_MCR_MASK	0x1f	/* bits 7:5 read as zero on a 16550 */

#define UART_LSR_DR	0x01
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80

struct uart16550 {
	/* registers */
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_irq_armed;   /* THRE interrupt pending until IIR read or THR written */
	/* a THR write only sends its byte (uart16550_thr_quiet()), kept by every write */
	bool thr_plain;
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

/*
 * For the MMIO fast path (src/vdev/mmio.c), which serves a guest's most
 * common UART accesses without the VM's device lock. Inline, because that
 * path's whole budget is a few dozen instructions. Fields that a locked
 * writer on another hart may change meanwhile are read once each, as one
 * load: the answer is the register's value at that moment.
 */

/* A byte field read once (the fast path holds no lock) */
#define UART16550_ONCE(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

static inline uint8_t uart16550_lsr(const struct uart16550 *u)
{
	/* The line is infinitely fast: the transmitter is always empty. */
	return UART_LSR_THRE | UART_LSR_TEMT | (UART16550_ONCE(u->rx_count) ? UART_LSR_DR : 0);
}

/*
 * In loopback the modem inputs are wired to the MCR outputs (RTS->CTS,
 * DTR->DSR, OUT1->RI, OUT2->DCD); Linux's 8250 probe relies on this.
 * Otherwise report a modem that is present and ready: DCD, DSR, CTS.
 * The delta bits 3:0 stay zero: no modem-status changes are modelled.
 */
static inline uint8_t uart16550_msr(const struct uart16550 *u)
{
	uint8_t mcr = UART16550_ONCE(u->mcr);

	if (!(mcr & UART_MCR_LOOP))
		return UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS;
	return (mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) | (mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
	       (mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) | (mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
}

/*
 * The value a read of the register at offset returns, when that read
 * changes nothing in the model: LSR, MSR, LCR, MCR, SCR, IER or DLM, DLL,
 * and the undecoded offsets 8..SIZE-1 (0). -1 for the two reads that do
 * change it, RBR (takes a byte from the FIFO) and IIR (acknowledges a
 * THR-empty interrupt): uart16550_read() under the lock does those.
 */
static inline int uart16550_peek(const struct uart16550 *u, uint64_t offset)
{
	switch (offset) {
	case UART_LSR:
		return uart16550_lsr(u);
	case UART_RBR:
		return UART16550_ONCE(u->lcr) & UART_LCR_DLAB ? UART16550_ONCE(u->dll) : -1;
	case UART_IER:
		return UART16550_ONCE(u->lcr) & UART_LCR_DLAB ? UART16550_ONCE(u->dlm)
							      : UART16550_ONCE(u->ier);
	case UART_IIR:
		return -1;
	case UART_LCR:
		return UART16550_ONCE(u->lcr);
	case UART_MCR:
		return UART16550_ONCE(u->mcr);
	case UART_MSR:
		return uart16550_msr(u);
	case UART_SCR:
		return UART16550_ONCE(u->scr);
	default:
		return 0;
	}
}

/*
 * Is a write to offset 0 a byte for the line (THR, not DLL; not looped
 * back) that changes no interrupt and needs no input fed: both the
 * THR-empty and the receive interrupt are off? Then the write only hands
 * the byte on (uart16550_thr_sent()). Worked out by every write to the
 * model (uart16550_thr_plain()), so it costs one load here. Called with the
 * VM's device lock held when other vCPUs may change the model meanwhile.
 */
static inline bool uart16550_thr_plain(const struct uart16550 *u)
{
	return !(u->lcr & UART_LCR_DLAB) && !(u->mcr & UART_MCR_LOOP) &&
	       !(u->ier & (UART_IER_ERBFI | UART_IER_ETBEI));
}

static inline bool uart16550_thr_quiet(const struct uart16550 *u)
{
	return u->thr_plain;
}

/* A byte went out through THR: THR is empty again at once */
static inline void uart16550_thr_sent(struct uart16550 *u)
{
	u->thre_irq_armed = true;
}

#endif
