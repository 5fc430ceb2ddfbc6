/*
 * Tests for src/lib/trap_names.c: trap_cause_name(), trap_short_name(),
 * and arch/riscv/vs_trap_entry.h's vsstatus_after_trap() and vs_trap_entry().
 */
#include <string.h>

#include "riscv.h"
#include "lib/trap_names.h"
#include "unit.h"
#include "arch/riscv/vs_trap_entry.h"

/* ---- vsstatus_after_trap ------------------------------------------------- */

/*
 * Every combination of SIE, SPIE, SPP and from_vs, over three sets of
 * unrelated bits: SPP = from_vs, SPIE = the old SIE, SIE = 0, the rest kept.
 */
TEST(vsstatus_truth_table)
{
	static const unsigned long others[] = {
		0,
		SSTATUS_FS_DIRTY | SSTATUS_SUM | SSTATUS_MXR | SSTATUS_UXL_64 | SSTATUS_SD,
		~(SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP),
	};

	for (unsigned int o = 0; o < 3; o++) {
		for (unsigned int bits = 0; bits < 16; bits++) {
			unsigned int before = unit_failures();
			bool sie = bits & 1, spie = bits & 2, spp = bits & 4, from_vs = bits & 8;
			unsigned long in = others[o] | (sie ? SSTATUS_SIE : 0) |
					   (spie ? SSTATUS_SPIE : 0) | (spp ? SSTATUS_SPP : 0);
			unsigned long out = vsstatus_after_trap(in, from_vs);

			CHECK_EQ(!!(out & SSTATUS_SPP), from_vs);
			CHECK_EQ(!!(out & SSTATUS_SPIE), sie);
			CHECK_EQ(out & SSTATUS_SIE, 0);
			CHECK_EQ(out & ~(SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SPP), others[o]);
			if (unit_failures() != before)
				printf("\t(in 0x%lx, from_vs %d -> 0x%lx)\n", in, from_vs, out);
		}
	}
}

TEST(vsstatus_examples)
{
	/* a guest in VS with interrupts on takes a trap from VS */
	CHECK_EQ(vsstatus_after_trap(SSTATUS_SIE, true), SSTATUS_SPIE | SSTATUS_SPP);
	/* from VU with interrupts off: SPP and SPIE cleared */
	CHECK_EQ(vsstatus_after_trap(SSTATUS_SPIE | SSTATUS_SPP, false), 0);
	CHECK_EQ(vsstatus_after_trap(0, false), 0);
	CHECK_EQ(vsstatus_after_trap(~0UL, true), ~SSTATUS_SIE);
	CHECK_EQ(vsstatus_after_trap(~0UL, false), ~(SSTATUS_SIE | SSTATUS_SPP));
}

/* ---- vs_trap_entry -------------------------------------------------------- */

TEST(vs_trap_entry_writes_the_trap_and_goes_to_the_vector_base)
{
	struct vs_trap_entry e = vs_trap_entry(SSTATUS_SIE | SSTATUS_SUM, 0x80004000, 0x80001234,
					       EXC_LOAD_ACCESS, 0x10, true);

	CHECK_EQ(e.vsepc, 0x80001234);
	CHECK_EQ(e.vscause, EXC_LOAD_ACCESS);
	CHECK_EQ(e.vstval, 0x10);
	CHECK_EQ(e.vsstatus, SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_SUM);
	CHECK_EQ(e.pc, 0x80004000);
	/* vectored mode (and the reserved mode 3): exceptions still go to the base */
	CHECK_EQ(vs_trap_entry(0, 0x80004001, 0, 0, 0, false).pc, 0x80004000);
	CHECK_EQ(vs_trap_entry(0, 0x80004003, 0, 0, 0, false).pc, 0x80004000);
	CHECK_EQ(vs_trap_entry(SSTATUS_SPP, 0, 0, 0, 0, false).vsstatus, 0);
}

/* ---- trap_cause_name ----------------------------------------------------- */

static bool name_is(unsigned long cause, const char *want)
{
	const char *got = trap_cause_name(cause);

	if (!got || strcmp(got, want)) {
		printf("\ttrap_cause_name(0x%lx) = \"%s\", want \"%s\"\n", cause,
		       got ? got : "(null)", want);
		return false;
	}
	return true;
}

TEST(every_exception_has_its_name)
{
	CHECK(name_is(EXC_INST_MISALIGNED, "instruction address misaligned"));
	CHECK(name_is(EXC_INST_ACCESS, "instruction access fault"));
	CHECK(name_is(EXC_INST_ILLEGAL, "illegal instruction"));
	CHECK(name_is(EXC_BREAKPOINT, "breakpoint"));
	CHECK(name_is(EXC_LOAD_MISALIGNED, "load address misaligned"));
	CHECK(name_is(EXC_LOAD_ACCESS, "load access fault"));
	CHECK(name_is(EXC_STORE_MISALIGNED, "store/AMO address misaligned"));
	CHECK(name_is(EXC_STORE_ACCESS, "store/AMO access fault"));
	CHECK(name_is(EXC_ECALL_U, "ecall from U/VU"));
	CHECK(name_is(EXC_ECALL_S, "ecall from HS"));
	CHECK(name_is(EXC_ECALL_VS, "ecall from VS (SBI call)"));
	CHECK(name_is(EXC_ECALL_M, "ecall from M"));
	CHECK(name_is(EXC_INST_PAGE_FAULT, "instruction page fault"));
	CHECK(name_is(EXC_LOAD_PAGE_FAULT, "load page fault"));
	CHECK(name_is(EXC_STORE_PAGE_FAULT, "store/AMO page fault"));
	CHECK(name_is(EXC_INST_GUEST_PAGE_FAULT, "instruction guest-page fault"));
	CHECK(name_is(EXC_LOAD_GUEST_PAGE_FAULT, "load guest-page fault"));
	CHECK(name_is(EXC_VIRTUAL_INST_FAULT, "virtual instruction"));
	CHECK(name_is(EXC_STORE_GUEST_PAGE_FAULT, "store/AMO guest-page fault"));
}

TEST(reserved_exception_codes_are_unknown)
{
	/* 14 and 16..19 are reserved, 24 and up are beyond the table */
	static const unsigned long reserved[] = { 14, 16, 17, 18, 19, 24, 25, 63, 1000,
						  (1UL << 63) - 1 };

	for (unsigned int i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		CHECK(name_is(reserved[i], "unknown cause"));
}

TEST(every_interrupt_has_its_name)
{
	CHECK(name_is(CAUSE_IRQ_FLAG | IRQ_S_SOFT, "supervisor software interrupt"));
	CHECK(name_is(CAUSE_IRQ_FLAG | IRQ_VS_SOFT, "VS software interrupt"));
	CHECK(name_is(CAUSE_IRQ_FLAG | IRQ_S_TIMER, "supervisor timer interrupt"));
	CHECK(name_is(CAUSE_IRQ_FLAG | IRQ_VS_TIMER, "VS timer interrupt"));
	CHECK(name_is(CAUSE_IRQ_FLAG | IRQ_S_EXT, "supervisor external interrupt"));
	CHECK(name_is(CAUSE_IRQ_FLAG | IRQ_VS_EXT, "VS external interrupt"));
	CHECK(name_is(CAUSE_IRQ_FLAG | IRQ_S_GEXT, "guest external interrupt"));
}

TEST(other_interrupt_codes_are_unknown)
{
	/* M-level (3, 7, 11), reserved, and beyond the table */
	static const unsigned long codes[] = { 0, 3, 4, 7, 8, 11, 13, 14, 15, 16, 1000,
					       (1UL << 63) - 1 };

	for (unsigned int i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		CHECK(name_is(CAUSE_IRQ_FLAG | codes[i], "unknown cause"));
}

TEST(interrupt_flag_selects_the_table)
{
	/* code 9: an ecall from HS as an exception, S external as an interrupt */
	CHECK(name_is(9, "ecall from HS"));
	CHECK(name_is(CAUSE_IRQ_FLAG | 9, "supervisor external interrupt"));
	/* code 2: illegal instruction vs VS software interrupt */
	CHECK(name_is(2, "illegal instruction"));
	CHECK(name_is(CAUSE_IRQ_FLAG | 2, "VS software interrupt"));
}

/* ---- trap_short_name ----------------------------------------------------- */

TEST(short_names_are_one_word)
{
	CHECK_STR(trap_short_name(EXC_INST_ILLEGAL), "illegal_instruction");
	CHECK_STR(trap_short_name(EXC_STORE_ACCESS), "store_access_fault");
	CHECK_STR(trap_short_name(EXC_ECALL_VS), "ecall_vs");
	CHECK_STR(trap_short_name(EXC_STORE_GUEST_PAGE_FAULT), "store_guest_page_fault");
	CHECK_STR(trap_short_name(CAUSE_IRQ_FLAG | IRQ_S_TIMER), "supervisor_timer");
	CHECK_STR(trap_short_name(CAUSE_IRQ_FLAG | IRQ_VS_EXT), "vs_external");
	/* the interrupt flag picks the table here too */
	CHECK_STR(trap_short_name(9), "ecall_hs");
	CHECK_STR(trap_short_name(CAUSE_IRQ_FLAG | 9), "supervisor_external");
	CHECK_STR(trap_short_name(14), "unknown");
	CHECK_STR(trap_short_name(CAUSE_IRQ_FLAG | 3), "unknown");
	CHECK_STR(trap_short_name((1UL << 63) - 1), "unknown");
}

/*
 * The two tables describe the same causes: a cause has a long name
 * exactly when it has a short one, and the short ones, which the profile
 * format prints as one field, are distinct words without spaces.
 */
TEST(long_and_short_names_cover_the_same_causes)
{
	const char *seen[128];
	unsigned int nr_seen = 0;

	for (unsigned long i = 0; i < 128; i++) {
		unsigned long cause = (i & 64 ? CAUSE_IRQ_FLAG : 0) | (i & 63);
		const char *name = trap_cause_name(cause), *word = trap_short_name(cause);
		bool known = strcmp(name, "unknown cause") != 0;
		unsigned int before = unit_failures();

		CHECK_EQ(known, strcmp(word, "unknown") != 0);
		if (!known)
			continue;
		CHECK(strchr(word, ' ') == NULL);
		for (unsigned int k = 0; k < nr_seen; k++)
			CHECK(strcmp(seen[k], word) != 0);
		seen[nr_seen++] = word;
		if (unit_failures() != before)
			printf("\t(cause 0x%lx: \"%s\", \"%s\")\n", cause, name, word);
	}
	/* 19 exceptions and 7 interrupts have names */
	CHECK_EQ(nr_seen, 26);
}
