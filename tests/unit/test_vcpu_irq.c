/*
 * Tests for vcpu_saved_irq_pending() (a static inline in include/vcpu.h):
 * whether a vCPU that is not on a hart has an interrupt to take, from its
 * saved CSRs. hvip holds the lines Keel drives at their VS positions (2,
 * 6, 10); vsie holds the guest's enables at its S positions (1, 5, 9);
 * with Sstc the guest's own timer fires when now >= vstimecmp.
 */
#include <string.h>

#include "riscv.h"
#include "unit.h"
#include "vcpu.h"

static struct vcpu_csrs c;

static void fresh(void)
{
	memset(&c, 0, sizeof(c));
	c.vstimecmp = UINT64_MAX; /* no Sstc timer set */
}

/* the three lines: what Keel raises in hvip, what the guest enables in vsie */
static const struct {
	const char *name;
	unsigned long hvip, vsie;
} lines[] = {
	{ "software", MIP_VSSIP, MIP_SSIP },
	{ "timer", MIP_VSTIP, MIP_STIP },
	{ "external", MIP_VSEIP, MIP_SEIP },
};
#define NR_LINES (sizeof(lines) / sizeof(lines[0]))

TEST(bit_positions_are_the_ones_the_header_describes)
{
	CHECK_EQ(MIP_SSIP, 1UL << 1);
	CHECK_EQ(MIP_STIP, 1UL << 5);
	CHECK_EQ(MIP_SEIP, 1UL << 9);
	CHECK_EQ(VS_INTERRUPTS, (1UL << 2) | (1UL << 6) | (1UL << 10));
}

TEST(nothing_pending_nothing_enabled)
{
	fresh();
	CHECK(!vcpu_saved_irq_pending(&c, false, 0));
	CHECK(!vcpu_saved_irq_pending(&c, true, 12345));
}

TEST(each_line_pending_and_enabled_counts)
{
	for (unsigned int i = 0; i < NR_LINES; i++) {
		unsigned int before = unit_failures();

		fresh();
		c.hvip = lines[i].hvip;
		c.vsie = lines[i].vsie;
		CHECK_EQ(vcpu_saved_irq_pending(&c, false, 0), true);
		CHECK_EQ(vcpu_saved_irq_pending(&c, true, 0), true);
		if (unit_failures() != before)
			printf("\t(%s)\n", lines[i].name);
	}
}

TEST(a_pending_line_that_is_disabled_never_counts)
{
	for (unsigned int i = 0; i < NR_LINES; i++) {
		unsigned int before = unit_failures();

		fresh();
		c.hvip = lines[i].hvip;
		/* every other enable, but not this line's */
		c.vsie = (MIP_SSIP | MIP_STIP | MIP_SEIP) & ~lines[i].vsie;
		CHECK(!vcpu_saved_irq_pending(&c, false, 0));
		CHECK(!vcpu_saved_irq_pending(&c, true, 0));
		if (unit_failures() != before)
			printf("\t(%s)\n", lines[i].name);
	}
}

TEST(every_combination_of_pending_and_enabled)
{
	for (unsigned int pend = 0; pend < 8; pend++) {
		for (unsigned int en = 0; en < 8; en++) {
			unsigned int before = unit_failures();

			fresh();
			for (unsigned int i = 0; i < NR_LINES; i++) {
				if (pend >> i & 1)
					c.hvip |= lines[i].hvip;
				if (en >> i & 1)
					c.vsie |= lines[i].vsie;
			}
			CHECK_EQ(vcpu_saved_irq_pending(&c, false, 0), (pend & en) != 0);
			if (unit_failures() != before)
				printf("\t(hvip 0x%lx vsie 0x%lx)\n", c.hvip, c.vsie);
		}
	}
}

TEST(vsie_enables_at_vs_positions_do_not_count)
{
	/* the guest's vsie has no VS bits: 2, 6, 10 there enable nothing */
	fresh();
	c.hvip = VS_INTERRUPTS;
	c.vsie = VS_INTERRUPTS;
	CHECK(!vcpu_saved_irq_pending(&c, false, 0));
}

TEST(hvip_bits_other_than_the_vs_lines_do_not_count)
{
	fresh();
	c.vsie = ~0UL;
	/* S-level positions, SGEI, LCOFI, and everything else that is not VS */
	c.hvip = ~VS_INTERRUPTS;
	CHECK(!vcpu_saved_irq_pending(&c, false, 0));
	c.hvip = MIP_SSIP | MIP_STIP | MIP_SEIP;
	CHECK(!vcpu_saved_irq_pending(&c, false, 0));
	c.hvip = MIP_SGEIP | (1UL << 13);
	CHECK(!vcpu_saved_irq_pending(&c, false, 0));
}

TEST(sstc_timer_pending_from_vstimecmp)
{
	fresh();
	c.vsie = MIP_STIP;
	c.vstimecmp = 1000;
	CHECK(!vcpu_saved_irq_pending(&c, true, 0));
	CHECK(!vcpu_saved_irq_pending(&c, true, 999));
	CHECK_EQ(vcpu_saved_irq_pending(&c, true, 1000), true);	/* now >= vstimecmp */
	CHECK_EQ(vcpu_saved_irq_pending(&c, true, 1001), true);
	CHECK_EQ(vcpu_saved_irq_pending(&c, true, UINT64_MAX - 1), true);
}

TEST(sstc_timer_ignored_without_sstc)
{
	fresh();
	c.vsie = MIP_STIP;
	c.vstimecmp = 1000;
	CHECK(!vcpu_saved_irq_pending(&c, false, 1000));
	CHECK(!vcpu_saved_irq_pending(&c, false, 5000));
	c.vstimecmp = 0;	/* even a deadline long past */
	CHECK(!vcpu_saved_irq_pending(&c, false, 5000));
}

TEST(sstc_timer_needs_its_enable)
{
	fresh();
	c.vstimecmp = 10;
	c.vsie = 0;
	CHECK(!vcpu_saved_irq_pending(&c, true, 20));
	c.vsie = MIP_SSIP | MIP_SEIP;	/* the other lines' enables */
	CHECK(!vcpu_saved_irq_pending(&c, true, 20));
	c.vsie = MIP_STIP;
	CHECK(vcpu_saved_irq_pending(&c, true, 20));
}

TEST(sstc_timer_none_set_never_fires)
{
	fresh();	/* vstimecmp = UINT64_MAX */
	c.vsie = MIP_STIP;
	CHECK(!vcpu_saved_irq_pending(&c, true, 0));
	CHECK(!vcpu_saved_irq_pending(&c, true, UINT64_MAX - 1));
}

TEST(sstc_timer_with_other_lines)
{
	fresh();
	c.vsie = MIP_SSIP | MIP_STIP | MIP_SEIP;
	c.vstimecmp = 100;
	/* the timer not due: an SSIP still counts */
	c.hvip = MIP_VSSIP;
	CHECK(vcpu_saved_irq_pending(&c, true, 50));
	/* nothing in hvip: only the timer, once it is due */
	c.hvip = 0;
	CHECK(!vcpu_saved_irq_pending(&c, true, 50));
	CHECK(vcpu_saved_irq_pending(&c, true, 100));
	/* an hvip VSTIP (Keel's SBI timer) counts with Sstc too */
	c.hvip = MIP_VSTIP;
	CHECK(vcpu_saved_irq_pending(&c, true, 50));
}
