/*
 * Exceptions a guest must see in its own handler, with the right scause,
 * stval and sepc: illegal instructions, misaligned atomics, access faults
 * on addresses with nothing behind them, an instruction fetch from such an
 * address and a breakpoint. Every faulting instruction is tagged with a
 * local label so the expected sepc is known exactly.
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "test.h"
#include "trap.h"

#define HIGH_HOLE 0x4000000000UL	/* 256 GiB: nothing there on virt */

enum kind { ILLEGAL, MISALIGNED, ACCESS, FETCH, BREAKPOINT, KINDS };
static const char *const kind_names[KINDS] = {
	"illegal", "misaligned", "access", "fetch", "breakpoint",
};
static unsigned long kind_count[KINDS];

/* Run the instruction at label 1 (in insn, operand %1 = addr). */
#define FAULT(pc, insn, addr) \
	__asm__ volatile("la %0, 1f\n1: " insn "\n" \
			 : "=&r"(pc) : "r"(addr) : "memory")

/*
 * One expected trap: exactly one trap was taken, with this scause and
 * sepc; stval must be one of two accepted values.
 */
static void expect(enum kind kind, const char *what, unsigned long pc,
		   unsigned long cause, unsigned long tval, unsigned long tval_alt)
{
	unsigned long n = trap_rec.count;
	int ok = n == 1 && trap_rec.scause == cause && trap_rec.sepc == pc &&
		 (trap_rec.stval == tval || trap_rec.stval == tval_alt);

	kind_count[kind] += n;
	test_check(ok, "wrong trap",
		   "%s: %lu trap, scause %lu stval 0x%lx sepc 0x%lx", what, n,
		   trap_rec.scause, trap_rec.stval, trap_rec.sepc);
	if (!ok)
		printf("#   wanted 1 trap, scause %lu stval 0x%lx (or 0x%lx) sepc 0x%lx\n",
		       cause, tval, tval_alt, pc);
}

static void test_illegal(void)
{
	unsigned long pc;

	/* stval may be 0 or the instruction bits: the spec allows both. */
	trap_expect();
	FAULT(pc, ".half 0x0000", 0);	/* c.unimp: all-zero is illegal */
	expect(ILLEGAL, "c.unimp (16-bit 0x0000)", pc, EXC_ILLEGAL_INSN, 0, 0);

	trap_expect();
	FAULT(pc, ".word 0xc0001073", 0);	/* unimp: csrrw x0, cycle, x0 */
	expect(ILLEGAL, "unimp (32-bit write to read-only cycle)", pc,
	       EXC_ILLEGAL_INSN, 0, 0xc0001073);

	trap_expect();
	FAULT(pc, ".word 0x0000006b", 0);	/* reserved major opcode */
	expect(ILLEGAL, "reserved opcode 0x6b", pc, EXC_ILLEGAL_INSN, 0, 0x6b);

	trap_expect();
	FAULT(pc, "csrr zero, mscratch", 0);	/* M-mode CSR from S */
	expect(ILLEGAL, "csrr mscratch (M-mode CSR)", pc, EXC_ILLEGAL_INSN, 0,
	       0x34002073);
	trap_expect_none();
}

/*
 * QEMU 7.2 quirks (both are the hardware's behaviour, so a guest under Keel
 * sees them too):
 * - Serial TCG (-smp 1, or any -icount) runs an AMO as a plain load then a
 *   store, so a misaligned AMO raises load-misaligned (4), not the store/AMO
 *   misaligned (6) the spec asks for. Parallel TCG (-smp > 1) gives 6.
 * - SC compares its address with the reservation before touching memory,
 *   so a misaligned SC without a matching reservation (there can be none:
 *   the LR would have trapped) just fails with rd = 1 and never traps.
 */
static void test_amo(const char *what, unsigned long pc, unsigned long a)
{
	if (trap_rec.count == 1 && trap_rec.scause == EXC_LOAD_MISALIGNED)
		printf("#   %s: scause 4, not 6: QEMU serial TCG quirk, accepted\n", what);
	expect(MISALIGNED, what, pc,
	       trap_rec.scause == EXC_LOAD_MISALIGNED ? EXC_LOAD_MISALIGNED :
							 EXC_STORE_MISALIGNED, a, a);
}

static void test_misaligned(void)
{
	static unsigned long buf[4];
	unsigned long base = (unsigned long)buf, pc, a, rd;

	/* Misaligned plain loads/stores are done by QEMU itself: not tested. */
	a = base + 4;
	trap_expect();
	FAULT(pc, "lr.d t0, (%1)", a);
	expect(MISALIGNED, "lr.d at 4 mod 8", pc, EXC_LOAD_MISALIGNED, a, a);

	a = base + 1;
	buf[0] = buf[1] = 0;
	trap_expect();
	__asm__ volatile("li %1, 0x5a\n"	/* still 0x5a if it trapped */
			 "la %0, 1f\n"
			 "1: sc.d %1, %2, (%3)\n"
			 : "=&r"(pc), "=&r"(rd) : "r"(-1UL), "r"(a) : "memory");
	trap_expect_none();
	if (trap_rec.count) {
		expect(MISALIGNED, "sc.d at 1 mod 4", pc, EXC_STORE_MISALIGNED, a, a);
	} else {
		printf("#   sc.d at 1 mod 4: no trap, rd %lu: QEMU 7.2 quirk, accepted\n", rd);
		CHECK(rd != 0 && !buf[0] && !buf[1],
		      "sc.d at 1 mod 4 without trap failed (rd %lu) and wrote nothing", rd);
	}

	trap_expect();
	FAULT(pc, "amoadd.w t0, zero, (%1)", a);
	test_amo("amoadd.w at 1 mod 4", pc, a);

	a = base + 4;
	trap_expect();
	FAULT(pc, "amoswap.d t0, zero, (%1)", a);
	test_amo("amoswap.d at 4 mod 8", pc, a);
	trap_expect_none();
}

static void test_access(unsigned long hole)
{
	unsigned long pc;

	printf("# access faults at 0x%lx\n", hole);
	trap_expect();
	FAULT(pc, "ld t0, 0(%1)", hole);
	expect(ACCESS, "ld from nothing", pc, EXC_LOAD_ACCESS, hole, hole);

	trap_expect();
	FAULT(pc, "lbu t0, 0(%1)", hole);
	expect(ACCESS, "lbu from nothing", pc, EXC_LOAD_ACCESS, hole, hole);

	trap_expect();
	FAULT(pc, "sd zero, 0(%1)", hole);
	expect(ACCESS, "sd to nothing", pc, EXC_STORE_ACCESS, hole, hole);

	trap_expect();
	FAULT(pc, "sw zero, 0(%1)", hole);
	expect(ACCESS, "sw to nothing", pc, EXC_STORE_ACCESS, hole, hole);
	trap_expect_none();
}

/* Jump to an address with nothing behind it; the handler returns to ra. */
static void test_fetch(unsigned long target)
{
	trap_expect();
	__asm__ volatile("jalr ra, 0(%0)" : : "r"(target) : "ra", "memory");
	trap_expect_none();
	expect(FETCH, "jump to nothing", target, EXC_INST_ACCESS, target, target);
}

static void test_breakpoint(void)
{
	unsigned long pc;

	/* stval is 0 or the address of the ebreak. */
	trap_expect();
	__asm__ volatile("la %0, 1f\n1: .option push\n.option norvc\n"
			 "ebreak\n.option pop\n" : "=&r"(pc) : : "memory");
	trap_expect_none();
	expect(BREAKPOINT, "ebreak", pc, 3, 0, pc);

	trap_expect();
	__asm__ volatile("la %0, 1f\n1: c.ebreak\n" : "=&r"(pc) : : "memory");
	trap_expect_none();
	expect(BREAKPOINT, "c.ebreak", pc, 3, 0, pc);
}

int main(unsigned long hartid, const void *dtb)
{
	unsigned long ram_base, ram_size, ram_end, i;
	struct sbiret r;

	fdt_ram(dtb, &ram_base, &ram_size);
	ram_end = ram_base + ram_size;
	printf("# trap guest: hart %lu, RAM 0x%lx-0x%lx\n", hartid, ram_base, ram_end);

	test_illegal();
	test_misaligned();
	test_access(ram_end + 0x1000);
	test_access(HIGH_HOLE);
	test_fetch(ram_end + 0x2000);
	test_fetch(HIGH_HOLE + 0x2000);
	test_breakpoint();

	r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "ecall to the SBI still works (spec 0x%lx)", r.value);

	console_puts("# traps taken:");
	for (i = 0; i < KINDS; i++)
		printf(" %s %lu", kind_names[i], kind_count[i]);
	console_putc('\n');
	test_finish();
}
