/*
 * Every piece of state in the table: a read and a write of one CSR or
 * register, and the values each side writes. With the H extension none of
 * these has a VS copy (the privileged spec's list of VS CSRs that replace
 * S CSRs while V=1 does not name them), so under a hypervisor the guest's
 * access reaches the hart's one register, or traps.
 *
 * FP and vector state are here too: they are per hart as well, and a
 * hypervisor must switch them or keep the guest out (sstatus.FS/VS).
 */
#include <stddef.h>

#include "csr.h"
#include "hartcsr.h"
#include "trap.h"

#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_VS_INITIAL (1UL << 9)

/* senvcfg fields (the privileged spec, "Supervisor Environment Configuration") */
#define ENVCFG_FIOM (1UL << 0)
#define ENVCFG_CBIE_FLUSH (1UL << 4)
#define ENVCFG_CBCFE (1UL << 6)
#define ENVCFG_CBZE (1UL << 7)
#define ENVCFG_PMM(x) ((unsigned long)(x) << 32) /* Ssnpm: PMLEN for U-mode */

#define CSR_RW(name, num)                                        \
	static unsigned long read_##name(void)                   \
	{                                                        \
		return csr_read(num);                            \
	}                                                        \
	static void write_##name(unsigned long v)                \
	{                                                        \
		csr_write(num, v);                               \
	}

CSR_RW(scounteren, 0x106)
CSR_RW(senvcfg, 0x10a)
CSR_RW(sstateen0, 0x10c)
CSR_RW(siselect, 0x150)		/* Ssaia/Sscsrind; vsiselect under V=1 */
CSR_RW(scountinhibit, 0x120)	/* Ssccfg */
CSR_RW(scontext, 0x5a8)		/* Sdtrig */
CSR_RW(jvt, 0x017)		/* Zcmt */
CSR_RW(fcsr, 0x003)
CSR_RW(vcsr, 0x00f)

/* f1, as 64 bits (the assembler is told about D here only) */
static unsigned long read_f1(void)
{
	unsigned long v;

	__asm__ volatile(".option push\n.option arch, +d\nfmv.x.d %0, f1\n.option pop"
			 : "=r"(v));
	return v;
}

static void write_f1(unsigned long v)
{
	__asm__ volatile(".option push\n.option arch, +d\nfmv.d.x f1, %0\n.option pop"
			 : : "r"(v));
}

/* element 0 of v1 at SEW = 64: set vl and vtype first, the guest's own */
static unsigned long read_v1(void)
{
	unsigned long v;

	__asm__ volatile(".option push\n.option arch, +v\n"
			 "vsetivli zero, 1, e64, m1, ta, ma\n"
			 "vmv.x.s %0, v1\n.option pop"
			 : "=r"(v));
	return v;
}

static void write_v1(unsigned long v)
{
	__asm__ volatile(".option push\n.option arch, +v\n"
			 "vsetivli zero, 1, e64, m1, ta, ma\n"
			 "vmv.s.x v1, %0\n.option pop"
			 : : "r"(v));
}

/*
 * The sides differ in at least one bit of every pattern pair that the hart
 * is likely to implement: side 0 keeps scounteren.TM set and CY, IR clear
 * (what Linux sets for its vDSO), side 1 the opposite; senvcfg.FIOM is 1 on
 * side 0 only; and so on.
 */
/* name, there on every hart, side 0's two values, side 1's two values */
#define ROW(n, must, a0, a1, b0, b1)                                              \
	{ .name = #n, .mandatory = must, .read = read_##n, .write = write_##n, \
	  .pattern = { { a0, a1 }, { b0, b1 } } }

struct shared_csr csrs[] = {
	ROW(scounteren, 1, 0x2, 0xfffffffa, 0x5, 0xfffffffd),
	ROW(senvcfg, 1, ENVCFG_FIOM | ENVCFG_CBZE | ENVCFG_PMM(2), ENVCFG_FIOM | ENVCFG_CBIE_FLUSH,
	    0, ENVCFG_CBCFE | ENVCFG_PMM(3)),
	ROW(sstateen0, 0, 0x7, 0x1, 0, 0x6),
	ROW(siselect, 0, 0x30, 0x70, 0x3f, 0xff),
	ROW(scountinhibit, 0, 0x1, 0x4, 0, 0),
	ROW(scontext, 0, 0x5, 0xa5, 0x2, 0x5a),
	ROW(jvt, 0, 0x40, 0x1000, 0x80, 0x2000),
	ROW(fcsr, 0, 0x01, 0x81, 0x40, 0x1e),
	ROW(f1, 0, 0x1111111111111111, 0x3333333333333333, 0x2222222222222222,
	    0x4444444444444444),
	ROW(vcsr, 0, 0x5, 0x3, 0x2, 0x4),
	ROW(v1, 0, 0x5555555555555555, 0x7777777777777777, 0x6666666666666666,
	    0x8888888888888888),
};

const unsigned long nr_csrs = sizeof(csrs) / sizeof(csrs[0]);

struct shared_csr *csr_named(const char *name)
{
	for (unsigned long i = 0; i < nr_csrs; i++) {
		const char *a = csrs[i].name, *b = name;

		while (*a && *a == *b)
			a++, b++;
		if (!*a && !*b)
			return &csrs[i];
	}
	return NULL;
}

unsigned long probe_csrs(void)
{
	unsigned long odd = 0;

	/* FS and VS are WARL: they stay Off on a hart without F or V */
	csr_set(sstatus, SSTATUS_FS_INITIAL | SSTATUS_VS_INITIAL);
	for (unsigned long i = 0; i < nr_csrs; i++) {
		struct shared_csr *c = &csrs[i];

		trap_expect();
		c->at_entry = c->read();
		trap_expect_none();
		c->present = !trap_rec.count;
		odd += trap_rec.count && trap_rec.scause != EXC_ILLEGAL_INSN;
	}
	return odd;
}
