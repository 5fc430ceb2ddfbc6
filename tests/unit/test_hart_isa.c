/*
 * Tests for src/platform/hart_isa.c: a hart's ISA from riscv,isa or from
 * riscv,isa-base + riscv,isa-extensions, and whether Keel can run there.
 * (isa_has_extension's basic cases are in test_platform.c.)
 */
#include <string.h>

#include "platform/hart_isa.h"
#include "unit.h"

/* A string list as it sits in a DT property: NUL-separated. */
#define LIST(s) .exts = (s), .exts_len = (int)sizeof(s)

static const struct hart_isa_props ext_h = {
	.base = "rv64i",
	LIST("i\0m\0a\0f\0d\0c\0h\0zicsr\0zifencei\0zihintpause\0sstc"),
};
static const struct hart_isa_props ext_no_h = {
	.base = "rv64i",
	LIST("i\0m\0a\0f\0d\0c\0zicsr\0zihintpause\0sstc\0hx"),
};

TEST(extensions_list_lookups)
{
	CHECK(hart_isa_has(&ext_h, "h"));
	CHECK(hart_isa_has(&ext_h, "sstc"));
	CHECK(hart_isa_has(&ext_h, "zihintpause"));
	CHECK(!hart_isa_has(&ext_h, "v"));
	CHECK(!hart_isa_has(&ext_h, "zihint"));	/* whole names only */
	CHECK(!hart_isa_has(&ext_h, "sstcx"));
	CHECK(!hart_isa_has(&ext_h, ""));
	CHECK(!hart_isa_has(&ext_no_h, "h"));	/* not from zihintpause or hx */
	CHECK(hart_isa_has(&ext_no_h, "hx"));
	CHECK_EQ(hart_isa_xlen(&ext_h), 64);
	CHECK_STR(hart_isa_source(&ext_h), "riscv,isa-extensions");
}

TEST(a_list_without_a_final_nul_is_read_within_its_length)
{
	static const char raw[] = { 'i', 0, 'h', 0, 's', 's', 't', 'c' };
	struct hart_isa_props p = { .base = "rv64i", .exts = raw, .exts_len = sizeof(raw) };
	char out[64];

	CHECK(hart_isa_has(&p, "h"));
	CHECK(hart_isa_has(&p, "sstc"));
	CHECK(!hart_isa_has(&p, "sstcx"));
	CHECK(!isa_list_has(raw, 0, "i"));
	CHECK(!isa_list_has(NULL, 4, "i"));
	hart_isa_string(&p, out, sizeof(out));
	CHECK_STR(out, "rv64ih_sstc");
}

TEST(extensions_win_over_riscv_isa)
{
	struct hart_isa_props p = ext_no_h;

	p.isa = "rv64imafdch_sstc";
	CHECK(!hart_isa_has(&p, "h"));
	p = ext_h;
	p.isa = "rv64imafdc";
	CHECK(hart_isa_has(&p, "h"));
	/* without the list, riscv,isa is read */
	p.exts = NULL;
	p.exts_len = 0;
	CHECK(!hart_isa_has(&p, "h"));
	CHECK_STR(hart_isa_source(&p), "riscv,isa");
}

TEST(riscv_isa_forms_boards_write)
{
	/* "g" is imafd, zicsr and zifencei */
	CHECK(isa_has_extension("rv64gc", "d"));
	CHECK(isa_has_extension("rv64gch_sstc", "zicsr"));
	CHECK(isa_has_extension("rv64gch_sstc", "zifencei"));
	CHECK(isa_has_extension("rv64gch_sstc", "h"));
	CHECK(!isa_has_extension("rv64gc", "h"));
	CHECK(!isa_has_extension("rv64gc", "v"));
	/* the first multi-letter name right after the letters */
	CHECK(isa_has_extension("rv64imaczicsr_sstc", "zicsr"));
	CHECK(!isa_has_extension("rv64imafdczihintpause", "h"));	/* its h is not H */
	CHECK(isa_has_extension("rv64imafdczihintpause", "zihintpause"));
	CHECK(isa_has_extension("rv64imacsstc", "c"));
	CHECK(isa_has_extension("rv64imacsstc", "sstc"));
	CHECK(!isa_has_extension("rv64imacsstc", "s"));
	/* old QEMUs' "su" is no extension, and ends no letter run */
	CHECK(isa_has_extension("rv64imafdcsuh", "h"));
	CHECK(!isa_has_extension("rv64imafdcsu", "s"));
	CHECK(!isa_has_extension("rv64imafdcsu", "u"));
	/* versions */
	CHECK(isa_has_extension("rv64i2p1m2p0a2p1c2p0h1p0_zicsr2p0", "h"));
	CHECK(isa_has_extension("rv64i2p1m2p0a2p1c2p0h1p0_zicsr2p0", "zicsr"));
	CHECK(!isa_has_extension("rv64i2p1m2p0a2p1c2p0h1p0_zicsr2p0", "p"));
	CHECK(!isa_has_extension("rv64i2p1_zicsr2p0x", "zicsr"));
}

TEST(xlen)
{
	struct hart_isa_props p = { .isa = "rv32imach" };

	CHECK_EQ(hart_isa_xlen(&p), 32);
	p.isa = "rv64imach";
	CHECK_EQ(hart_isa_xlen(&p), 64);
	p.isa = "rv128imach";
	CHECK_EQ(hart_isa_xlen(&p), 0);
	p = ext_h;
	p.base = "rv32i";
	CHECK_EQ(hart_isa_xlen(&p), 32);
	p.base = NULL;
	CHECK_EQ(hart_isa_xlen(&p), 0);
}

TEST(isa_string_from_the_list)
{
	static const struct hart_isa_props shuffled = {
		.base = "rv64i",
		LIST("zicsr\0h\0c\0v\0a\0m\0i\0sstc\0d\0f\0x\0svpbmt"),
	};
	struct hart_isa_props p = ext_h;
	char out[128], small[20];

	hart_isa_string(&shuffled, out, sizeof(out));
	/* letters in canonical order, unknown letters ("x") dropped */
	CHECK_STR(out, "rv64imafdcvh_zicsr_sstc_svpbmt");
	p.base = "rv32i";
	hart_isa_string(&p, out, sizeof(out));
	CHECK_STR(out, "rv32imafdch_zicsr_zifencei_zihintpause_sstc");
	/* too small: whole extensions only */
	hart_isa_string(&ext_h, small, sizeof(small));
	CHECK_STR(small, "rv64imafdch_zicsr");
	hart_isa_string(&ext_h, small, 5);
	CHECK_STR(small, "rv64");
	hart_isa_string(&ext_h, small, 3);
	CHECK_STR(small, "rv");	/* cut, but still a string */
	/* riscv,isa as it is, cut at an underscore when too long */
	p = (struct hart_isa_props){ .isa = "rv64imafdch_zicsr_zifencei" };
	hart_isa_string(&p, small, sizeof(small));
	CHECK_STR(small, "rv64imafdch_zicsr");
	p.isa = NULL;
	hart_isa_string(&p, out, sizeof(out));
	CHECK_STR(out, "");
}

TEST(which_harts_keel_can_run_on)
{
	char why[80];
	struct hart_isa_props p = ext_h;

	CHECK(hart_isa_can_run_keel(&ext_h, "riscv,sv39", why, sizeof(why)));
	CHECK_STR(why, "");
	CHECK(hart_isa_can_run_keel(&ext_h, "riscv,sv48", why, sizeof(why)));
	CHECK(hart_isa_can_run_keel(&ext_h, "riscv,sv57", why, sizeof(why)));
	CHECK(hart_isa_can_run_keel(&ext_h, NULL, why, sizeof(why)));

	CHECK(!hart_isa_can_run_keel(&ext_no_h, "riscv,sv39", why, sizeof(why)));
	CHECK_STR(why, "no H extension in its riscv,isa-extensions");
	CHECK(!hart_isa_can_run_keel(&ext_h, "riscv,sv32", why, sizeof(why)));
	CHECK_STR(why, "mmu-type \"riscv,sv32\" cannot do Sv39");
	CHECK(!hart_isa_can_run_keel(&ext_h, "riscv,none", why, sizeof(why)));
	CHECK_STR(why, "mmu-type \"riscv,none\" cannot do Sv39");

	p.base = "rv32i";
	CHECK(!hart_isa_can_run_keel(&p, NULL, why, sizeof(why)));
	CHECK_STR(why, "not RV64 by its riscv,isa-base");
	p.base = NULL; /* XLEN unsaid: taken as 64 */
	CHECK(hart_isa_can_run_keel(&p, NULL, why, sizeof(why)));

	p = (struct hart_isa_props){ .isa = "rv64imafdh_sstc" };
	CHECK(!hart_isa_can_run_keel(&p, NULL, why, sizeof(why)));
	CHECK_STR(why, "no 'c' extension in its riscv,isa (Keel is built for imac)");
	p.isa = "rv64imafdc_sstc";
	CHECK(!hart_isa_can_run_keel(&p, NULL, why, sizeof(why)));
	CHECK_STR(why, "no H extension in its riscv,isa");
	p.isa = "rv32imach";
	CHECK(!hart_isa_can_run_keel(&p, NULL, why, sizeof(why)));
	CHECK_STR(why, "not RV64 by its riscv,isa");
	p.isa = "rv64gch";
	CHECK(hart_isa_can_run_keel(&p, NULL, why, sizeof(why)));
	p.isa = NULL;
	CHECK(!hart_isa_can_run_keel(&p, NULL, why, sizeof(why)));
	CHECK_STR(why, "no riscv,isa or riscv,isa-extensions");
}
