/*
 * Tests for src/vdev/uart16550.c, the ns16550a model.
 */
#include <string.h>

#include "uart16550.h"
#include "unit.h"

enum {
	RBR = 0, THR = 0, DLL = 0,
	IER = 1, DLM = 1,
	IIR = 2, FCR = 2,
	LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7,
};

#define IIR_NONE	0x01
#define IIR_THRE	0x02
#define IIR_RX		0x04
#define IIR_FIFO	0xc0

#define LSR_IDLE	0x60	/* THRE | TEMT */
#define LSR_DR		0x01

struct tx_log {
	uint8_t bytes[256];
	unsigned int count;
};

static void log_tx(void *ctx, uint8_t byte)
{
	struct tx_log *log = ctx;

	if (log->count < sizeof(log->bytes))
		log->bytes[log->count] = byte;
	log->count++;
}

static struct uart16550 uart;
static struct tx_log tx;

static void setup(void)
{
	memset(&tx, 0, sizeof(tx));
	uart16550_init(&uart, log_tx, &tx);
}

static uint64_t rd(uint64_t offset)
{
	return uart16550_read(&uart, offset, 1);
}

static void wr(uint64_t offset, uint64_t value)
{
	uart16550_write(&uart, offset, 1, value);
}

TEST(reset_state)
{
	setup();
	CHECK_EQ(rd(RBR), 0);
	CHECK_EQ(rd(IER), 0);
	CHECK_EQ(rd(IIR), IIR_NONE);
	CHECK_EQ(rd(LCR), 0);
	CHECK_EQ(rd(MCR), 0);
	CHECK_EQ(rd(LSR), LSR_IDLE);
	CHECK_EQ(rd(MSR), 0xb0);
	CHECK_EQ(rd(SCR), 0);
	CHECK(!uart16550_irq_pending(&uart));
	CHECK(uart16550_rx_space(&uart));
	CHECK_EQ(tx.count, 0);
}

TEST(thr_write_transmits_at_once)
{
	setup();
	wr(THR, 'h');
	wr(THR, 'i');
	wr(THR, 0xff);
	CHECK_EQ(tx.count, 3);
	CHECK_EQ(tx.bytes[0], 'h');
	CHECK_EQ(tx.bytes[1], 'i');
	CHECK_EQ(tx.bytes[2], 0xff);
	/* the line is infinitely fast: never busy */
	CHECK_EQ(rd(LSR), LSR_IDLE);
	/* nothing echoes back into the receiver */
	CHECK_EQ(rd(RBR), 0);
}

TEST(thr_write_without_sink_is_dropped)
{
	uart16550_init(&uart, NULL, NULL);
	wr(THR, 'x');
	CHECK_EQ(rd(LSR), LSR_IDLE);
}

TEST(rx_bytes_come_out_of_rbr_in_order)
{
	setup();
	CHECK(uart16550_rx_push(&uart, 'a'));
	CHECK(uart16550_rx_push(&uart, 'b'));
	CHECK_EQ(rd(LSR), LSR_IDLE | LSR_DR);
	CHECK_EQ(rd(RBR), 'a');
	CHECK_EQ(rd(LSR), LSR_IDLE | LSR_DR);
	CHECK_EQ(rd(RBR), 'b');
	CHECK_EQ(rd(LSR), LSR_IDLE);
	/* empty RBR reads as zero and does not underflow */
	CHECK_EQ(rd(RBR), 0);
	CHECK_EQ(uart.rx_count, 0);
}

TEST(rx_fifo_fills_then_drops)
{
	setup();
	for (unsigned int i = 0; i < UART16550_RX_FIFO; i++)
		CHECK(uart16550_rx_push(&uart, (uint8_t)i));
	CHECK(!uart16550_rx_space(&uart));
	CHECK(!uart16550_rx_push(&uart, 0xee));
	CHECK_EQ(uart.rx_count, UART16550_RX_FIFO);

	CHECK_EQ(rd(RBR), 0);
	CHECK(uart16550_rx_space(&uart));
	CHECK(uart16550_rx_push(&uart, 0x80));
	/* the dropped byte never shows up; the late one comes last */
	for (unsigned int i = 1; i < UART16550_RX_FIFO; i++)
		CHECK_EQ(rd(RBR), i);
	CHECK_EQ(rd(RBR), 0x80);
	CHECK_EQ(rd(LSR), LSR_IDLE);
}

TEST(rx_fifo_wraps_around)
{
	setup();
	/* push and pop in bursts of 5 so head wraps at an odd place */
	for (unsigned int round = 0; round < 3 * UART16550_RX_FIFO; round++) {
		for (unsigned int i = 0; i < 5; i++)
			CHECK(uart16550_rx_push(&uart, (uint8_t)(round + i)));
		for (unsigned int i = 0; i < 5; i++)
			CHECK_EQ(rd(RBR), (uint8_t)(round + i));
	}
	CHECK_EQ(uart.rx_count, 0);
	CHECK(uart.rx_head < UART16550_RX_FIFO);
}

TEST(dlab_selects_divisor_latch)
{
	setup();
	CHECK(uart16550_rx_push(&uart, 'q'));
	wr(IER, 0x01);
	wr(LCR, 0x83);		/* DLAB | 8 data bits */
	wr(DLL, 0x01);
	wr(DLM, 0x02);
	CHECK_EQ(tx.count, 0);	/* DLL write is not a THR write */
	CHECK_EQ(rd(DLL), 0x01);
	CHECK_EQ(rd(DLM), 0x02);
	CHECK_EQ(uart.rx_count, 1); /* DLL read is not an RBR read */
	CHECK_EQ(rd(LCR), 0x83);

	wr(LCR, 0x03);
	CHECK_EQ(rd(IER), 0x01); /* IER was not clobbered by the DLM write */
	CHECK_EQ(rd(RBR), 'q');
	wr(THR, 'z');
	CHECK_EQ(tx.count, 1);
	CHECK_EQ(uart.dll, 0x01); /* divisor survives leaving DLAB */
	CHECK_EQ(uart.dlm, 0x02);
	wr(LCR, 0x80);
	CHECK_EQ(rd(DLL), 0x01);
	CHECK_EQ(rd(DLM), 0x02);
}

TEST(ier_keeps_low_nibble)
{
	setup();
	wr(IER, 0xff);
	CHECK_EQ(rd(IER), 0x0f);
	wr(IER, 0x05);
	CHECK_EQ(rd(IER), 0x05);
}

TEST(lcr_scr_hold_any_byte)
{
	setup();
	wr(LCR, 0x5b);
	CHECK_EQ(rd(LCR), 0x5b);
	wr(SCR, 0xa5);
	CHECK_EQ(rd(SCR), 0xa5);
	wr(SCR, 0x00);
	CHECK_EQ(rd(SCR), 0x00);
}

TEST(mcr_keeps_low_five_bits)
{
	setup();
	wr(MCR, 0xff);
	CHECK_EQ(rd(MCR), 0x1f);
	wr(MCR, 0x0b);		/* DTR | RTS | OUT2, as Linux sets it */
	CHECK_EQ(rd(MCR), 0x0b);
}

TEST(lsr_and_msr_ignore_writes)
{
	setup();
	wr(LSR, 0x00);
	CHECK_EQ(rd(LSR), LSR_IDLE);
	wr(LSR, 0xff);
	CHECK_EQ(rd(LSR), LSR_IDLE);
	wr(MSR, 0x00);
	CHECK_EQ(rd(MSR), 0xb0);
}

TEST(iir_reports_fifo_enable)
{
	setup();
	wr(FCR, 0x01);
	CHECK_EQ(rd(IIR), IIR_FIFO | IIR_NONE);
	wr(FCR, 0xc1);		/* trigger level bits: accepted, not modelled */
	CHECK_EQ(rd(IIR), IIR_FIFO | IIR_NONE);
	wr(FCR, 0x00);
	CHECK_EQ(rd(IIR), IIR_NONE);
}

TEST(fcr_clears_rx_fifo)
{
	setup();
	CHECK(uart16550_rx_push(&uart, 'a'));
	CHECK(uart16550_rx_push(&uart, 'b'));
	wr(FCR, 0x01);		/* enable only: keeps the data */
	CHECK_EQ(uart.rx_count, 2);
	wr(FCR, 0x07);		/* enable | clear RX | clear TX */
	CHECK_EQ(uart.rx_count, 0);
	CHECK_EQ(rd(LSR), LSR_IDLE);
	/* clear bits self-clear; FIFO enable stays */
	CHECK_EQ(uart.fcr, 0x01);
	CHECK_EQ(rd(IIR), IIR_FIFO | IIR_NONE);
	/* and the FIFO works again afterwards */
	CHECK(uart16550_rx_push(&uart, 'c'));
	CHECK_EQ(rd(RBR), 'c');
}

TEST(rx_interrupt)
{
	setup();
	CHECK(uart16550_rx_push(&uart, 'a'));
	/* data but ERBFI off: no interrupt */
	CHECK_EQ(rd(IIR), IIR_NONE);
	CHECK(!uart16550_irq_pending(&uart));

	wr(IER, 0x01);
	CHECK(uart16550_irq_pending(&uart));
	CHECK_EQ(rd(IIR), IIR_RX);
	/* reading IIR does not acknowledge RX: only draining does */
	CHECK_EQ(rd(IIR), IIR_RX);
	wr(FCR, 0x01);
	CHECK_EQ(rd(IIR), IIR_FIFO | IIR_RX);
	CHECK_EQ(rd(RBR), 'a');
	CHECK_EQ(rd(IIR), IIR_FIFO | IIR_NONE);
	CHECK(!uart16550_irq_pending(&uart));
}

TEST(thre_interrupt_armed_by_enabling_etbei)
{
	setup();
	wr(IER, 0x02);
	CHECK(uart16550_irq_pending(&uart));
	CHECK_EQ(rd(IIR), IIR_THRE);
	/* that read acknowledged it */
	CHECK(!uart16550_irq_pending(&uart));
	CHECK_EQ(rd(IIR), IIR_NONE);

	/* rewriting ETBEI while already set does not re-arm */
	wr(IER, 0x02);
	CHECK(!uart16550_irq_pending(&uart));
	/* a 0 -> 1 edge does */
	wr(IER, 0x00);
	wr(IER, 0x02);
	CHECK_EQ(rd(IIR), IIR_THRE);
}

TEST(thre_interrupt_rearmed_by_thr_write)
{
	setup();
	wr(IER, 0x02);
	CHECK_EQ(rd(IIR), IIR_THRE);
	CHECK(!uart16550_irq_pending(&uart));
	wr(THR, 'x');
	CHECK_EQ(tx.count, 1);
	CHECK(uart16550_irq_pending(&uart));
	wr(FCR, 0x01);
	CHECK_EQ(rd(IIR), IIR_FIFO | IIR_THRE);
	CHECK_EQ(rd(IIR), IIR_FIFO | IIR_NONE);
}

TEST(thre_interrupt_masked_by_ier)
{
	setup();
	/* THR written with ETBEI off: armed, but not signalled */
	wr(THR, 'x');
	CHECK(uart.thre_irq_armed);
	CHECK(!uart16550_irq_pending(&uart));
	CHECK_EQ(rd(IIR), IIR_NONE);
	/* and a masked IIR read does not consume it */
	CHECK(uart.thre_irq_armed);
}

TEST(rx_interrupt_has_priority_over_thre)
{
	setup();
	wr(IER, 0x03);
	CHECK(uart16550_rx_push(&uart, 'a'));
	CHECK_EQ(rd(IIR), IIR_RX);
	/* the RX report must not have acknowledged the THRE one */
	CHECK(uart.thre_irq_armed);
	CHECK_EQ(rd(RBR), 'a');
	CHECK_EQ(rd(IIR), IIR_THRE);
	CHECK_EQ(rd(IIR), IIR_NONE);
}

/*
 * serial8250_do_startup() checks that THRE re-asserts when ETBEI is
 * toggled; a UART failing this gets the UART_BUG_THRE workaround.
 */
TEST(linux_thre_retrigger_probe)
{
	setup();
	wr(IER, 0x02);
	CHECK_EQ(rd(LSR) & 0x40, 0x40);		/* TEMT */
	CHECK_EQ(rd(IIR) & IIR_NONE, 0);	/* interrupt pending */
	wr(IER, 0x00);
	wr(IER, 0x02);
	CHECK_EQ(rd(IIR) & IIR_NONE, 0);	/* iir1 */
	wr(IER, 0x00);
	wr(IER, 0x02);
	CHECK_EQ(rd(IIR) & IIR_NONE, 0);	/* iir: re-asserted */
	wr(IER, 0x00);
}

TEST(loopback_routes_thr_to_rbr)
{
	setup();
	wr(MCR, 0x10);
	wr(IER, 0x01);
	wr(THR, 'L');
	CHECK_EQ(tx.count, 0);
	CHECK_EQ(rd(LSR), LSR_IDLE | LSR_DR);
	CHECK_EQ(rd(IIR), IIR_RX);
	CHECK_EQ(rd(RBR), 'L');
	CHECK_EQ(rd(LSR), LSR_IDLE);
	/* THR still empties, so THRE re-arms as usual */
	CHECK(uart.thre_irq_armed);

	wr(MCR, 0x00);
	wr(THR, 'T');
	CHECK_EQ(tx.count, 1);
	CHECK_EQ(tx.bytes[0], 'T');
	CHECK_EQ(rd(LSR), LSR_IDLE);
}

TEST(loopback_overrun_drops_byte)
{
	setup();
	wr(MCR, 0x10);
	for (unsigned int i = 0; i < UART16550_RX_FIFO + 3; i++)
		wr(THR, (uint8_t)i);
	CHECK_EQ(uart.rx_count, UART16550_RX_FIFO);
	CHECK_EQ(tx.count, 0);
	CHECK_EQ(rd(RBR), 0);	/* the oldest bytes are kept */
}

TEST(msr_mirrors_mcr_in_loopback)
{
	setup();
	wr(MCR, 0x10);
	CHECK_EQ(rd(MSR), 0x00);
	wr(MCR, 0x11);		/* DTR -> DSR */
	CHECK_EQ(rd(MSR), 0x20);
	wr(MCR, 0x12);		/* RTS -> CTS */
	CHECK_EQ(rd(MSR), 0x10);
	wr(MCR, 0x14);		/* OUT1 -> RI */
	CHECK_EQ(rd(MSR), 0x40);
	wr(MCR, 0x18);		/* OUT2 -> DCD */
	CHECK_EQ(rd(MSR), 0x80);
	wr(MCR, 0x1f);
	CHECK_EQ(rd(MSR), 0xf0);
	/* Linux's 8250 autoconfig: MCR = LOOP | OUT2 | RTS expects 0x90 */
	wr(MCR, 0x1a);
	CHECK_EQ(rd(MSR) & 0xf0, 0x90);
	/* out of loopback: the fixed "modem present" value, whatever MCR says */
	wr(MCR, 0x00);
	CHECK_EQ(rd(MSR), 0xb0);
	wr(MCR, 0x0f);
	CHECK_EQ(rd(MSR), 0xb0);
}

TEST(wide_accesses_use_low_byte)
{
	setup();
	uart16550_write(&uart, SCR, 2, 0xabcd);
	CHECK_EQ(rd(SCR), 0xcd);
	uart16550_write(&uart, SCR, 8, 0xffffffffffffff12ull);
	CHECK_EQ(uart16550_read(&uart, SCR, 8), 0x12);
	uart16550_write(&uart, THR, 4, 0x12345641);
	CHECK_EQ(tx.count, 1);
	CHECK_EQ(tx.bytes[0], 0x41);

	/* zero-extended, never sign-extended */
	CHECK(uart16550_rx_push(&uart, 0xff));
	CHECK_EQ(uart16550_read(&uart, RBR, 8), 0xff);
	CHECK_EQ(uart16550_read(&uart, LSR, 4), LSR_IDLE);
	CHECK_EQ(uart16550_read(&uart, MSR, 2), 0xb0);
}

TEST(offsets_past_the_registers_are_inert)
{
	const uint64_t offsets[] = { 8, 9, 0x10, 0x7f, UART16550_SIZE - 1,
				     UART16550_SIZE, ~0ull };

	setup();
	wr(SCR, 0x5a);
	CHECK(uart16550_rx_push(&uart, 'k'));
	for (unsigned int i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		CHECK_EQ(uart16550_read(&uart, offsets[i], 1), 0);
		CHECK_EQ(uart16550_read(&uart, offsets[i], 8), 0);
		uart16550_write(&uart, offsets[i], 1, 0xff);
		uart16550_write(&uart, offsets[i], 8, ~0ull);
	}
	CHECK_EQ(tx.count, 0);
	CHECK_EQ(rd(IER), 0);
	CHECK_EQ(rd(LCR), 0);
	CHECK_EQ(rd(MCR), 0);
	CHECK_EQ(rd(SCR), 0x5a);
	CHECK_EQ(rd(IIR), IIR_NONE);
	CHECK_EQ(uart.rx_count, 1);
	CHECK_EQ(rd(RBR), 'k');
}

TEST(irq_pending_follows_iir)
{
	setup();
	wr(IER, 0x03);
	CHECK(uart16550_irq_pending(&uart));		/* THRE */
	CHECK_EQ(rd(IIR), IIR_THRE);
	CHECK(!uart16550_irq_pending(&uart));
	CHECK(uart16550_rx_push(&uart, 1));
	CHECK(uart16550_irq_pending(&uart));		/* RX */
	wr(IER, 0x00);
	CHECK(!uart16550_irq_pending(&uart));		/* masked */
	wr(IER, 0x01);
	CHECK(uart16550_irq_pending(&uart));
	CHECK_EQ(rd(RBR), 1);
	CHECK(!uart16550_irq_pending(&uart));
}

TEST(rx_irq_enabled_follows_ier_erbfi)
{
	setup();
	CHECK(!uart16550_rx_irq_enabled(&uart));
	wr(IER, 0x02);
	CHECK(!uart16550_rx_irq_enabled(&uart));
	wr(IER, 0x01);
	CHECK(uart16550_rx_irq_enabled(&uart));
	wr(LCR, 0x80); /* DLAB: offset 1 is DLM, IER is untouched */
	wr(DLM, 0x00);
	CHECK(uart16550_rx_irq_enabled(&uart));
}

TEST(loopback_cuts_the_receiver_off_the_line)
{
	setup();
	CHECK(uart16550_line_connected(&uart));
	wr(MCR, 0x10);
	CHECK(!uart16550_line_connected(&uart));
	wr(MCR, 0x00);
	CHECK(uart16550_line_connected(&uart));
}

/*
 * The MMIO fast path's lock-free reads (uart16550_peek()) and its THR
 * writes (uart16550_thr_quiet()), against the model itself: over states
 * reached by a pseudo-random walk of writes and received bytes.
 */
static unsigned int walk_seed = 12345;

static unsigned int walk_next(void)
{
	walk_seed = walk_seed * 1103515245u + 12345u;
	return walk_seed >> 16;
}

/* A random write to a register (THR seldom: it fills the log) or a byte received */
static void walk_step(void)
{
	unsigned int r = walk_next();
	unsigned int reg = r % 9;

	if (reg == 8)
		uart16550_rx_push(&uart, (uint8_t)(r >> 8));
	else if (reg != THR || r % 7 == 0)
		uart16550_write(&uart, reg, 1, (uint8_t)(walk_next() & 0xff));
}

TEST(peek_is_the_read_of_a_register_whose_read_changes_nothing)
{
	setup();
	for (int step = 0; step < 4000; step++) {
		walk_step();
		for (uint64_t off = 0; off < 16; off++) {
			struct uart16550 before = uart;
			int peeked = uart16550_peek(&uart, off);
			uint64_t read;

			if (peeked < 0) {
				/* only RBR (DLAB clear) and IIR change the model when read */
				CHECK(off == IIR || (off == RBR && !(uart.lcr & 0x80)));
				continue;
			}
			read = uart16550_read(&uart, off, 1);
			CHECK_EQ(read, (uint64_t)peeked);
			CHECK(!memcmp(&before, &uart, sizeof(uart)));
		}
	}
}

TEST(thr_quiet_is_kept_by_every_write_and_means_a_byte_sent_and_nothing_else)
{
	setup();
	for (int step = 0; step < 4000; step++) {
		walk_step();
		CHECK_EQ(uart.thr_plain, uart16550_thr_plain(&uart));
		if (uart16550_thr_quiet(&uart)) {
			bool line = uart16550_irq_pending(&uart);
			unsigned int sent = tx.count;
			unsigned int rx = uart.rx_count;

			uart16550_write(&uart, THR, 1, 'x');
			CHECK_EQ(tx.count, sent + 1);
			CHECK_EQ(uart.rx_count, rx);
			CHECK_EQ(uart16550_irq_pending(&uart), line);
			CHECK(!uart16550_rx_irq_enabled(&uart));
			tx.count = 0;
		}
	}
}

TEST(thr_quiet_after_reset_and_not_with_dlab_loopback_or_interrupts)
{
	setup();
	CHECK(uart16550_thr_quiet(&uart));
	uart16550_write(&uart, LCR, 1, 0x83);
	CHECK(!uart16550_thr_quiet(&uart));
	uart16550_write(&uart, LCR, 1, 0x03);
	CHECK(uart16550_thr_quiet(&uart));
	uart16550_write(&uart, MCR, 1, 0x10);
	CHECK(!uart16550_thr_quiet(&uart));
	uart16550_write(&uart, MCR, 1, 0x0b);
	CHECK(uart16550_thr_quiet(&uart));
	uart16550_write(&uart, IER, 1, 0x02);
	CHECK(!uart16550_thr_quiet(&uart));
	uart16550_write(&uart, IER, 1, 0x01);
	CHECK(!uart16550_thr_quiet(&uart));
	uart16550_write(&uart, IER, 1, 0x00);
	CHECK(uart16550_thr_quiet(&uart));
}
