/*
 * The PLIC's registers as a guest sees them with no interrupt involved:
 * WARL priorities and thresholds, read-only pending bits, the hardwired
 * enable bit 0, holes, and the access rule (aligned 32-bit only; anything
 * else is an access fault that must not touch the register).
 */
#include "console.h"
#include "plic.h"
#include "test.h"
#include "trap.h"

/* Write v to addr, read it back: the register's value for v. */
static unsigned int wr_rd(unsigned long addr, unsigned int v)
{
	wr32(addr, v);
	return rd32(addr);
}

/* Fresh from Keel: everything 0 (natively OpenSBI has set thresholds). */
static void check_reset_state(void)
{
	unsigned long s, ctx, nonzero = 0, where = 0;

	for (s = 1; s <= PLIC_NDEV; s++)
		if (rd32(PLIC_PRIORITY(s)) && !nonzero++)
			where = PLIC_PRIORITY(s);
	for (ctx = 0; ctx < 2 * nr_harts; ctx++) {
		if ((rd32(PLIC_ENABLE(ctx, 0)) || rd32(PLIC_ENABLE(ctx, 1))) && !nonzero++)
			where = PLIC_ENABLE(ctx, 0);
		if (rd32(PLIC_THRESHOLD(ctx)) && !nonzero++)
			where = PLIC_THRESHOLD(ctx);
	}
	if ((rd32(PLIC_PENDING(0)) || rd32(PLIC_PENDING(1))) && !nonzero++)
		where = PLIC_PENDING(0);
	CHECK(!nonzero, "at boot every priority, enable, threshold and pending bit is 0 "
	      "(%lu nonzero, first at 0x%lx)", nonzero, where);
}

static void check_priorities(void)
{
	CHECK_EQ(wr_rd(PLIC_PRIORITY(UART_IRQ), 0xffffffff), 7,
		 "priority[10] := 0xffffffff reads 7 (3 WARL bits)");
	CHECK_EQ(wr_rd(PLIC_PRIORITY(UART_IRQ), 5), 5, "priority[10] := 5 reads 5");
	CHECK_EQ(wr_rd(PLIC_PRIORITY(1), 0xffffffff), 7, "priority[1] := 0xffffffff reads 7");
	CHECK_EQ(wr_rd(PLIC_PRIORITY(PLIC_NDEV), 0xffffffff), 7,
		 "priority[%d] (the last source) := 0xffffffff reads 7", PLIC_NDEV);
	CHECK_EQ(wr_rd(PLIC_PRIORITY(0), 0xffffffff), 0,
		 "priority[0] (no such source) := 0xffffffff reads 0");
	wr32(PLIC_PRIORITY(1), 0);
	wr32(PLIC_PRIORITY(PLIC_NDEV), 0);
	CHECK_EQ(wr_rd(PLIC_PRIORITY(UART_IRQ), 0), 0, "priority[10] := 0 reads 0");
}

static void check_pending(void)
{
	unsigned int idle, raised, after_write, fallen;

	wr32(PLIC_PENDING(0), 0xffffffff);
	wr32(PLIC_PENDING(1), 0xffffffff);
	idle = rd32(PLIC_PENDING(0)) | rd32(PLIC_PENDING(1));
	/* source 10 pending but not enabled anywhere: no interrupt can follow */
	wr8(IER, IER_ETBEI);
	raised = rd32(PLIC_PENDING(0));
	wr32(PLIC_PENDING(0), 0);
	after_write = rd32(PLIC_PENDING(0));
	wr8(IER, 0);
	fallen = rd32(PLIC_PENDING(0));
	CHECK_EQ(idle, 0, "pending := 0xffffffff with no line high: still 0 (read-only)");
	CHECK_EQ(raised, UART_BIT, "UART IER.ETBEI: pending bit 10 alone (0x%x)", raised);
	CHECK_EQ(after_write, UART_BIT, "pending := 0 does not clear bit 10 (read-only)");
	if (keel_only("pending stays set when the line falls before a claim"))
		CHECK_EQ(fallen, 0, "IER := 0: the line falls, bit 10 no longer pending (0x%x)",
			 fallen);
}

static void check_enables(unsigned long ctx, const char *name)
{
	unsigned int w0 = wr_rd(PLIC_ENABLE(ctx, 0), 0xffffffff);

	if (keel_only("enable bit 0 (no source) is writable"))
		CHECK_EQ(w0, 0xfffffffe, "%s context %lu: enable word 0 := ~0 reads "
			 "0xfffffffe (bit 0 hardwired 0)", name, ctx);
	else
		CHECK_EQ(w0 | 1, 0xffffffff, "%s context %lu: enable word 0 := ~0 reads ~0 "
			 "(bit 0 aside)", name, ctx);
	CHECK_EQ(wr_rd(PLIC_ENABLE(ctx, 1), 0xffffffff), 0xffffffff,
		 "%s context %lu: enable word 1 := ~0 reads ~0 (sources 32..63)", name, ctx);
	CHECK_EQ(wr_rd(PLIC_ENABLE(ctx, 0), UART_BIT), UART_BIT,
		 "%s context %lu: enable word 0 := bit 10 reads bit 10", name, ctx);
	wr32(PLIC_ENABLE(ctx, 0), 0);
	wr32(PLIC_ENABLE(ctx, 1), 0);
}

static void check_threshold(unsigned long ctx, const char *name)
{
	unsigned int old = rd32(PLIC_THRESHOLD(ctx));

	CHECK_EQ(wr_rd(PLIC_THRESHOLD(ctx), 0xffffffff), 7,
		 "%s context %lu: threshold := 0xffffffff reads 7", name, ctx);
	CHECK_EQ(wr_rd(PLIC_THRESHOLD(ctx), 3), 3, "%s context %lu: threshold := 3 reads 3",
		 name, ctx);
	wr32(PLIC_THRESHOLD(ctx), old);
}

/* Offsets between registers: writes ignored, read as 0. */
static void check_holes(unsigned long ctx)
{
	unsigned long both[] = {
		PLIC_THRESHOLD(ctx) + 8,	/* after claim/complete */
		PLIC_THRESHOLD(ctx) + 0xffc,
		PLIC_BASE + PLIC_SIZE - 4,	/* the last word */
		PLIC_BASE + 0x1ffc,		/* after the pending bits */
	};
	unsigned long keel[] = {
		PLIC_PRIORITY(PLIC_NDEV + 1),	/* no source 64 */
		PLIC_PRIORITY(1023),
		PLIC_PENDING(2),
		PLIC_ENABLE(ctx, 2),		/* sources 64..95 */
		PLIC_ENABLE(2 * nr_harts, 0),	/* a context past the last vCPU's */
		PLIC_THRESHOLD(2 * nr_harts),
		PLIC_CLAIM(2 * nr_harts),
	};
	unsigned long i;

	for (i = 0; i < sizeof(both) / sizeof(both[0]); i++)
		CHECK_EQ(wr_rd(both[i], 0xffffffff), 0, "hole at +0x%lx := ~0 reads 0",
			 both[i] - PLIC_BASE);
	if (!under_keel) {
		test_skip("not under Keel: QEMU's PLIC has more sources and contexts");
		return;
	}
	for (i = 0; i < sizeof(keel) / sizeof(keel[0]); i++)
		CHECK_EQ(wr_rd(keel[i], 0xffffffff), 0, "hole at +0x%lx := ~0 reads 0",
			 keel[i] - PLIC_BASE);
}

void test_registers(void)
{
	unsigned long s = s_ctx(boot_hart), m = m_ctx(boot_hart);

	uart_quiet();
	if (under_keel)
		check_reset_state();
	else
		test_skip("not under Keel: OpenSBI has set up the PLIC before us");
	check_priorities();
	check_pending();
	check_enables(s, "S-mode");
	check_enables(m, "M-mode");
	check_threshold(s, "S-mode");
	check_threshold(m, "M-mode");
	check_holes(s);
}

/* ---- accesses other than aligned 32-bit ---------------------------------- */

#define LOAD(insn, addr) ({						\
	unsigned long __v = 0x5a5a;					\
	__asm__ volatile(insn " %0, 0(%1)" : "+r"(__v) : "r"(addr) : "memory"); \
	__v; })
#define STORE(insn, addr, val) \
	__asm__ volatile(insn " %0, 0(%1)" : : "r"(val), "r"(addr) : "memory")

static void expect_none(void)
{
	trap_rec.count = 0;
	trap_rec.scause = trap_rec.stval = trap_rec.sepc = ~0UL;
}

static void expect_fault(const char *what, unsigned long addr, unsigned long cause)
{
	CHECK(trap_rec.count == 1 && trap_rec.scause == cause && trap_rec.stval == addr,
	      "%s at +0x%lx: %s, stval = the address (%lu traps, scause %ld, stval 0x%lx)",
	      what, addr - PLIC_BASE,
	      cause == EXC_LOAD_ACCESS ? "load access fault" : "store access fault",
	      trap_rec.count, (long)trap_rec.scause, trap_rec.stval);
	expect_none();
}

void test_faults(void)
{
	unsigned long prio = PLIC_PRIORITY(UART_IRQ), ctx = s_ctx(boot_hart);
	unsigned long thr = PLIC_THRESHOLD(ctx), end = PLIC_BASE + PLIC_SIZE, v;
	unsigned int pend, claim;

	uart_quiet();
	wr32(prio, 2);
	wr32(thr, 1);
	expect_none();
	faults_expected = 1;

	v = LOAD("ld", prio);
	expect_fault("ld (8 bytes)", prio, EXC_LOAD_ACCESS);
	CHECK_EQ(v, 0x5a5a, "the faulting ld left its register alone");
	STORE("sd", prio, ~0UL);
	expect_fault("sd (8 bytes)", prio, EXC_STORE_ACCESS);
	(void)LOAD("lhu", prio);
	expect_fault("lhu (2 bytes)", prio, EXC_LOAD_ACCESS);
	STORE("sh", prio, 7);
	expect_fault("sh (2 bytes)", prio, EXC_STORE_ACCESS);
	(void)LOAD("lbu", prio);
	expect_fault("lbu (1 byte)", prio, EXC_LOAD_ACCESS);
	STORE("sb", prio, 7);
	expect_fault("sb (1 byte)", prio, EXC_STORE_ACCESS);
	(void)LOAD("lw", prio + 2);
	if (keel_only("a misaligned lw of the PLIC does not fault"))
		expect_fault("misaligned lw", prio + 2, EXC_LOAD_ACCESS);
	expect_none();
	STORE("sw", prio + 1, 7);
	expect_fault("misaligned sw", prio + 1, EXC_STORE_ACCESS);
	STORE("sw", thr + 2, 7);
	expect_fault("misaligned sw", thr + 2, EXC_STORE_ACCESS);
	/* the compressed forms, which Keel decodes separately (2-byte skip) */
	__asm__ volatile("mv a1, %1\n\tli a0, 0x5a\n\tc.ld a0, 0(a1)\n\tmv %0, a0"
			 : "=r"(v) : "r"(prio) : "a0", "a1", "memory");
	expect_fault("c.ld", prio, EXC_LOAD_ACCESS);
	__asm__ volatile("mv a1, %0\n\tli a0, -1\n\tc.sd a0, 0(a1)"
			 : : "r"(thr) : "a0", "a1", "memory");
	expect_fault("c.sd", thr, EXC_STORE_ACCESS);
	(void)LOAD("lw", end);
	expect_fault("lw just past the PLIC", end, EXC_LOAD_ACCESS);
	STORE("sw", end, 7);
	expect_fault("sw just past the PLIC", end, EXC_STORE_ACCESS);

	/* A claim read through a wrong access must not claim. */
	wr32(thr, 0);
	wr32(PLIC_ENABLE(ctx, 0), UART_BIT);
	wr8(IER, IER_ETBEI);	/* source 10 pending; SIE is off */
	(void)LOAD("ld", thr);	/* threshold and claim at once */
	expect_fault("ld over threshold+claim", thr, EXC_LOAD_ACCESS);
	(void)LOAD("lhu", PLIC_CLAIM(ctx));
	expect_fault("lhu of claim", PLIC_CLAIM(ctx), EXC_LOAD_ACCESS);
	pend = rd32(PLIC_PENDING(0));
	claim = rd32(PLIC_CLAIM(ctx));
	(void)rd8(IIR);		/* acknowledges THRE: the line falls */
	wr32(PLIC_CLAIM(ctx), claim);
	wr8(IER, 0);
	faults_expected = 0;

	CHECK_EQ(pend, UART_BIT, "source 10 still pending after the faulting claim reads");
	CHECK_EQ(claim, UART_IRQ, "then lw of claim returns 10");
	CHECK_EQ(rd32(PLIC_PENDING(0)), 0, "complete with the line low: nothing pending");
	CHECK_EQ(rd32(prio), 2, "priority[10] untouched by the faulting stores (2)");
	CHECK_EQ(rd32(thr), 0, "threshold untouched by the faulting stores (0)");
	CHECK_EQ(trap_rec.count, 0, "no other trap");
	wr32(prio, 0);
	wr32(PLIC_ENABLE(ctx, 0), 0);
}
