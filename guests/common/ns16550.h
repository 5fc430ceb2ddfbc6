/*
 * The ns16550a UART a guest sees at 0x10000000 (QEMU virt's, or Keel's
 * model of it): register offsets (reg-shift 0, DLAB as noted), the bits
 * the test guests use, and byte accesses that are exactly one lbu / sb,
 * so the access a test makes is the one it means.
 */
#ifndef GUEST_NS16550_H
#define GUEST_NS16550_H

#define UART_BASE 0x10000000UL

#define RBR 0	/* read, DLAB=0 */
#define THR 0	/* write, DLAB=0 */
#define DLL 0	/* DLAB=1 */
#define IER 1	/* DLAB=0 */
#define DLM 1	/* DLAB=1 */
#define IIR 2	/* read */
#define FCR 2	/* write */
#define LCR 3
#define MCR 4
#define LSR 5
#define SCR 7

#define IER_ERBFI 0x01
#define IER_ETBEI 0x02
#define IIR_NO_INT 0x01
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_FIFO 0xc0
#define FCR_ENABLE 0x01
#define FCR_CLEAR 0x06	/* both FIFOs */
#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

static inline unsigned char rd8(unsigned long off)
{
	unsigned long v;

	__asm__ volatile("lbu %0, 0(%1)" : "=r"(v) : "r"(UART_BASE + off) : "memory");
	return (unsigned char)v;
}

static inline void wr8(unsigned long off, unsigned char v)
{
	__asm__ volatile("sb %0, 0(%1)" : : "r"(v), "r"(UART_BASE + off) : "memory");
}

#endif
