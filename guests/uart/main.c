/*
 * Drives the ns16550a of QEMU virt (0x10000000, byte registers, reg-shift
 * 0) directly. Under Keel every access below is trapped and emulated, so
 * besides the register semantics this exercises Keel's instruction decoder:
 * lb/lbu/sb, wider loads/stores (only the low byte is meaningful), the
 * compressed c.lw/c.sw/c.ld/c.sd, sign extension, and x0 as source/target.
 */
#include "console.h"
#include "fdt.h"
#include "trap.h"
#include "ns16550.h"
#include "test.h"

static void uart_putc(char c)
{
	while (!(rd8(LSR) & LSR_THRE))
		;
	wr8(THR, (unsigned char)c);
}

static void uart_puts(const char *s)
{
	while (*s)
		uart_putc(*s++);
}

static void test_registers(void)
{
	unsigned char lsr, lcr, dll, dlm, new_dll, new_dlm, v;

	lsr = rd8(LSR);
	CHECK_EQ(lsr, LSR_THRE | LSR_TEMT, "LSR idle: THRE|TEMT, DR clear (0x%x)", lsr);

	wr8(SCR, 0xa5);
	v = rd8(SCR);
	CHECK_EQ(v, 0xa5, "SCR reads back 0xa5");
	wr8(SCR, 0x5a);
	v = rd8(SCR);
	CHECK_EQ(v, 0x5a, "SCR reads back 0x5a");

	/*
	 * Divisor latch. Nothing may be printed while DLAB is set: on plain
	 * OpenSBI the SBI console writes this very UART, and its THR writes
	 * would land in DLL. Keep the old divisor, the console still needs it.
	 */
	lcr = rd8(LCR);
	wr8(LCR, lcr | LCR_DLAB);
	dll = rd8(DLL);
	dlm = rd8(DLM);
	wr8(DLL, 0x34);
	wr8(DLM, 0x12);
	new_dll = rd8(DLL);
	new_dlm = rd8(DLM);
	wr8(DLL, dll);
	wr8(DLM, dlm);
	wr8(LCR, lcr);
	CHECK_EQ(new_dll, 0x34, "DLL reads back with DLAB set");
	CHECK_EQ(new_dlm, 0x12, "DLM reads back with DLAB set");
	v = rd8(LCR);
	CHECK_EQ(v, lcr, "LCR restored (0x%x), DLAB clear", lcr);

	/* IER only (not the divisor) must see writes with DLAB clear. */
	wr8(IER, 0x05);
	v = rd8(IER);
	CHECK_EQ(v & 0x0f, 0x05, "IER reads back 0x05 (0x%x)", v);
	wr8(IER, 0x00);
	v = rd8(IER);
	CHECK_EQ(v & 0x0f, 0, "IER reads back 0");
	wr8(LCR, lcr | LCR_DLAB);
	new_dll = rd8(DLL);
	wr8(LCR, lcr);
	CHECK_EQ(new_dll, dll, "IER writes did not touch DLL (0x%x)", dll);

	wr8(FCR, 0x00);
	v = rd8(IIR);
	CHECK_EQ(v, IIR_NO_INT, "IIR with IER=0, FIFOs off");
	wr8(FCR, 0x07);			/* enable and clear both FIFOs */
	v = rd8(IIR);
	CHECK_EQ(v, IIR_FIFO | IIR_NO_INT, "IIR with IER=0, FIFOs on");

	v = rd8(RBR);
	lsr = rd8(LSR);
	CHECK(!(lsr & LSR_DR), "RBR read with nothing received: LSR.DR clear (0x%x)", lsr);
}

/* Loads and stores other than lbu/sb, as Keel's decoder must handle them. */
static void test_widths(void)
{
	unsigned long base = UART_BASE, v;
	unsigned char mcr;

	wr8(SCR, 0x81);
	__asm__ volatile("lb %0, %1(%2)" : "=r"(v) : "i"(SCR), "r"(base) : "memory");
	CHECK_EQ(v, 0xffffffffffffff81UL, "lb SCR=0x81 sign-extends");
	__asm__ volatile("lbu %0, %1(%2)" : "=r"(v) : "i"(SCR), "r"(base) : "memory");
	CHECK_EQ(v, 0x81, "lbu SCR=0x81 zero-extends");

	/* A 16-bit load of IIR (offset 2): the low byte is the register. */
	__asm__ volatile("lhu %0, %1(%2)" : "=r"(v) : "i"(IIR), "r"(base) : "memory");
	CHECK_EQ(v & 0xff, IIR_FIFO | IIR_NO_INT, "lhu IIR: low byte 0x%lx", v & 0xff);

	/* x0 as the value stored, and as a load target (result dropped). */
	__asm__ volatile("sb zero, %0(%1)" : : "i"(SCR), "r"(base) : "memory");
	CHECK_EQ(rd8(SCR), 0, "sb zero clears SCR");
	__asm__ volatile("lbu zero, %0(%1)" : : "i"(LSR), "r"(base) : "memory");
	CHECK(1, "lbu into x0 from LSR survived");

	/*
	 * s-registers: Keel's short exit path keeps s0-s11 in the hart, so
	 * an access naming one must take the long path; both must work.
	 */
	__asm__ volatile("mv t0, %1\n\tli s2, 0x5a\n\tsb s2, %2(t0)\n\tli s2, 0\n\t"
			 "lbu s3, %2(t0)\n\tmv %0, s3"
			 : "=r"(v) : "r"(base), "i"(SCR) : "t0", "s2", "s3", "memory");
	CHECK_EQ(v, 0x5a, "sb s2 / lbu s3 through SCR: 0x%lx", v);
	__asm__ volatile("mv t0, %1\n\tli s11, 0xa5\n\tsb s11, %2(t0)\n\t"
			 "lb s11, %2(t0)\n\tmv %0, s11"
			 : "=r"(v) : "r"(base), "i"(SCR) : "t0", "s11", "memory");
	CHECK_EQ(v, 0xffffffffffffffa5UL, "sb s11 / lb s11 sign-extends: 0x%lx", v);

	/* Wide stores to THR print their low byte. */
	uart_puts("# wide stores to THR: [");
	__asm__ volatile("sh %0, 0(%1)" : : "r"(0x4868UL), "r"(base) : "memory");
	__asm__ volatile("sw %0, 0(%1)" : : "r"(0x57575777UL), "r"(base) : "memory");
	__asm__ volatile("sd %0, 0(%1)" : : "r"(0x4444444444444464UL), "r"(base) : "memory");
	uart_puts("] (want [hwd])\r\n");

	/*
	 * Compressed forms need x8..x15 and offsets scaled by the width: only
	 * offsets 0 (RBR/THR) and 4 (MCR) are reachable. MCR gets OUT2, which
	 * is harmless and makes the value read back non-zero.
	 */
	mcr = rd8(MCR);
	wr8(MCR, 0x08);
	__asm__ volatile("mv a1, %1\n\tc.lw a0, 4(a1)\n\tmv %0, a0"
			 : "=r"(v) : "r"(base) : "a0", "a1", "memory");
	wr8(MCR, mcr);
	CHECK_EQ(v & 0xff, 0x08, "c.lw of MCR=0x08: low byte 0x%lx", v & 0xff);
	__asm__ volatile("mv a1, %1\n\tc.ld a0, 0(a1)\n\tmv %0, a0"
			 : "=r"(v) : "r"(base) : "a0", "a1", "memory");
	CHECK(1, "c.ld of RBR survived (0x%lx)", v);
	uart_puts("# compressed stores to THR: [");
	__asm__ volatile("mv a1, %1\n\tmv a0, %0\n\tc.sw a0, 0(a1)"
			 : : "r"((unsigned long)'c'), "r"(base) : "a0", "a1", "memory");
	__asm__ volatile("mv a1, %1\n\tmv a0, %0\n\tc.sd a0, 0(a1)"
			 : : "r"((unsigned long)'C'), "r"(base) : "a0", "a1", "memory");
	uart_puts("] (want [cC])\r\n");
}

/*
 * A UART load in the last two bytes of RAM, a c.lw of MCR. Under Keel,
 * the MMIO fast path reads four bytes at the pc, which run past RAM: that
 * read faults inside Keel, and the exit must still be emulated (the slow
 * path reads the 16-bit instruction alone). The pc then steps onto the
 * end of RAM: an instruction access fault, which resumes at ra.
 */
static void test_insn_at_ram_end(const void *dtb)
{
	unsigned long ram, size;
	volatile unsigned short *last;
	unsigned long v;
	unsigned char mcr = rd8(MCR);

	fdt_ram(dtb, &ram, &size);
	last = (volatile unsigned short *)(ram + size - 2);
	*last = 0x435c; /* c.lw a5, 4(a4) */
	__asm__ volatile("fence.i" ::: "memory");
	wr8(MCR, 0x08);
	trap_expect();
	__asm__ volatile("mv a4, %1\n\tli a5, 0\n\tjalr ra, 0(%2)\n\tmv %0, a5"
			 : "=r"(v)
			 : "r"(UART_BASE), "r"(last)
			 : "a4", "a5", "ra", "memory");
	trap_expect_none();
	wr8(MCR, mcr);
	CHECK_EQ(v & 0xff, 0x08, "c.lw of MCR in RAM's last 2 bytes: 0x%lx", v);
	CHECK(trap_rec.count == 1 && trap_rec.scause == 1 && trap_rec.stval == ram + size,
	      "then an instruction access fault at the end of RAM (%lu traps, scause %lu, "
	      "stval 0x%lx)", trap_rec.count, trap_rec.scause, trap_rec.stval);
}

int main(unsigned long hartid, const void *dtb)
{
	uart_puts("# uart guest: this line is written to THR directly, hart ");
	uart_putc((char)('0' + hartid % 10));
	uart_puts("\r\n");
	/*
	 * Twice: under Keel the first round teaches the MMIO decode cache
	 * every instruction, so the second one is served by the fast path
	 * wherever it can be.
	 */
	for (int round = 0; round < 2; round++) {
		test_registers();
		test_widths();
	}
	test_insn_at_ram_end(dtb);
	test_finish();
}
