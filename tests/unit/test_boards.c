/*
 * Keel's real platform parser (src/platform/platform*.c, hart_isa.c) on device
 * trees written the way boards write them, not the way QEMU 7.2 does:
 * tests/unit/data/board-*.dts (written for these tests; see the comment
 * at the top of each), compiled by the Makefile. Every field Keel reads
 * is checked, so a change in what the parser makes of a board shows here.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "platform/platform.h"
#include "lib/timebase.h"
#include "unit.h"

#ifndef DTB_DIR
#error "DTB_DIR must name the compiled data/*.dts (see the Makefile)"
#endif

static uint64_t buf64[8192]; /* 64 KiB, 8-byte aligned */
static void *const fdt = buf64;
static struct platform plat;
static char err[256];

static bool load(const char *name)
{
	char path[512];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", DTB_DIR, name);
	f = fopen(path, "rb");
	if (!f) {
		printf("\tcannot open %s\n", path);
		return false;
	}
	n = fread(buf64, 1, sizeof(buf64), f);
	fclose(f);
	if (n < sizeof(struct fdt_header) || fdt_check_header(fdt) || fdt_totalsize(fdt) > n) {
		printf("\t%s is not a device tree\n", path);
		return false;
	}
	return true;
}

static int parse(unsigned long boot_hartid)
{
	memset(&plat, 0xa5, sizeof(plat));
	strcpy(err, "(no message)");
	return platform_parse(fdt, boot_hartid, &plat, err, sizeof(err));
}

static const struct platform_hart *hart(unsigned long id)
{
	for (unsigned int i = 0; i < plat.nr_harts; i++)
		if (plat.harts[i].hartid == id)
			return &plat.harts[i];
	printf("\thart %lu is not in the parsed platform\n", id);
	return NULL;
}

/* One expected hart: what the parser must make of its cpu node. */
struct want_hart {
	unsigned long id;
	bool h, sstc, enabled, usable;
	const char *why_not; /* "" when usable */
};

static void check_harts(const struct want_hart *w, unsigned int n)
{
	CHECK_EQ(plat.nr_harts, n);
	CHECK_EQ(plat.nr_harts_ignored, 0);
	for (unsigned int i = 0; i < n; i++) {
		const struct platform_hart *h = hart(w[i].id);
		unsigned int before = unit_failures();

		CHECK(h != NULL);
		if (!h)
			continue;
		CHECK_EQ(h->has_h, w[i].h);
		CHECK_EQ(h->has_sstc, w[i].sstc);
		CHECK_EQ(h->enabled, w[i].enabled);
		CHECK_EQ(h->usable, w[i].usable);
		if (!w[i].usable)
			CHECK_STR(h->why_not, w[i].why_not);
		if (unit_failures() != before)
			printf("\t(hart %lu)\n", w[i].id);
	}
}

/* ---- A: riscv,isa-base + riscv,isa-extensions, hart 3 without H --------- */

TEST(board_a_isa_extensions_harts_kept_and_left_out)
{
	static const struct want_hart w[] = {
		{ 0, true, true, true, true, "" },
		{ 1, true, false, true, true, "" },
		{ 2, true, true, true, true, "" },
		{ 3, false, true, true, false, "no H extension in its riscv,isa-extensions" },
		{ 4, true, false, false, false, "its status is \"disabled\"" },
		{ 5, true, false, true, false, "mmu-type \"riscv,sv32\" cannot do Sv39" },
	};

	CHECK(load("board-isa-extensions.dtb"));
	CHECK_EQ(parse(0), 0);
	check_harts(w, sizeof(w) / sizeof(w[0]));
	CHECK(platform_first_usable(&plat, 0) == hart(0));
	/* booted on hart 3: Keel moves to the first usable one */
	CHECK(platform_first_usable(&plat, 3) == hart(0));
}

TEST(board_a_state_enable_and_siselect_from_the_extensions)
{
	/* what arch_probe_host() may probe for: hstateen0, vsiselect */
	CHECK(load("board-isa-extensions.dtb"));
	CHECK_EQ(parse(0), 0);
	CHECK(!hart(0)->has_smstateen && !hart(0)->has_siselect);
	CHECK(!hart(1)->has_smstateen && hart(1)->has_siselect);  /* sscsrind */
	CHECK(hart(2)->has_smstateen && hart(2)->has_siselect);   /* ssstateen, smaia */
}

TEST(board_a_everything_else)
{
	CHECK(load("board-isa-extensions.dtb"));
	CHECK_EQ(parse(0), 0);
	CHECK_STR(plat.model, "Keel test board A (isa-extensions)");
	CHECK_EQ(plat.nr_ram, 1);
	CHECK_EQ(plat.ram[0].base, 0x80000000);
	CHECK_EQ(plat.ram[0].size, 0x80000000);
	CHECK_EQ(plat.nr_reserved, 0);
	CHECK_EQ(plat.initrd_start, 0);
	CHECK_EQ(plat.initrd_end, 0);
	CHECK_EQ(plat.timebase_freq, 10000000);
	/* the boot hart's ISA as a riscv,isa string: what the guests get */
	CHECK_STR(plat.isa, "rv64imafdch_zicsr_zifencei_zihintpause_sstc");
	CHECK(isa_has_extension(plat.isa, "d"));
	CHECK_STR(plat.mmu_type, "riscv,sv48");
	CHECK_EQ(plat.uart.kind, HW_UART_NS16550);
	CHECK_EQ(plat.uart.base, 0x10010000);
	CHECK_EQ(plat.uart_size, 0x100);
	CHECK_EQ(plat.uart.reg_shift, 0);
	CHECK_EQ(plat.uart.reg_io_width, 1);
	CHECK(plat.console_irq.valid);
	CHECK_EQ(plat.console_irq.plic_base, 0xc000000);
	CHECK_EQ(plat.console_irq.plic_size, 0x4000000);
	CHECK_EQ(plat.console_irq.source, 33);
	CHECK_EQ(plat.console_irq.context, 1);
}

TEST(board_a_booted_on_hart_2)
{
	CHECK(load("board-isa-extensions.dtb"));
	CHECK_EQ(parse(2), 0);
	/* single letters in canonical order, whatever the list's order */
	CHECK_STR(plat.isa, "rv64imafdcvh_zicsr_zifencei_sstc_svpbmt_ssstateen_smaia");
	CHECK_STR(plat.mmu_type, "riscv,sv57");
	CHECK_EQ(plat.console_irq.context, 5);
	CHECK(platform_first_usable(&plat, 2) == hart(2));
}

/* ---- B: RAM at 0 and above 4 GiB, riscv,isa, both forms disagreeing ----- */

TEST(board_b_ram_reserved_initrd)
{
	CHECK(load("board-ram-high.dtb"));
	CHECK_EQ(parse(0), 0);
	CHECK_STR(plat.model, "Keel test board B (RAM at 0 and above 4 GiB)");
	CHECK_EQ(plat.nr_ram, 2);
	CHECK_EQ(plat.ram[0].base, 0);
	CHECK_EQ(plat.ram[0].size, 0x80000000);
	CHECK_EQ(plat.ram[1].base, 0x400000000ULL);
	CHECK_EQ(plat.ram[1].size, 0x100000000ULL);
	CHECK_EQ(plat.nr_reserved, 2);
	CHECK_EQ(plat.reserved[0].base, 0);	/* /memreserve/ first */
	CHECK_EQ(plat.reserved[0].size, 0x80000);
	CHECK_EQ(plat.reserved[1].base, 0x47ff00000ULL);
	CHECK_EQ(plat.reserved[1].size, 0x100000);
	CHECK_EQ(plat.initrd_start, 0x8000000);
	CHECK_EQ(plat.initrd_end, 0x8123400);
}

TEST(board_b_harts_timebase_console)
{
	static const struct want_hart w[] = {
		{ 0, true, true, true, true, "" },
		/* riscv,isa says h; riscv,isa-extensions, which wins, does not */
		{ 1, false, true, true, false, "no H extension in its riscv,isa-extensions" },
	};

	CHECK(load("board-ram-high.dtb"));
	CHECK_EQ(parse(0), 0);
	check_harts(w, sizeof(w) / sizeof(w[0]));
	CHECK_EQ(plat.timebase_freq, 3000000);
	CHECK_STR(plat.isa, "rv64gch_zicsr_zifencei_zba_zbb_sstc");
	CHECK(isa_has_extension(plat.isa, "d")); /* g stands for imafd */
	CHECK_STR(plat.mmu_type, "riscv,sv39");
	/* stdout-path "serial0", an alias, and compatible "ns16550" */
	CHECK_EQ(plat.uart.kind, HW_UART_NS16550);
	CHECK_EQ(plat.uart.base, 0x7f000000);
	CHECK_EQ(plat.uart_size, 0x1000);
	CHECK_EQ(plat.uart.reg_shift, 0);
	CHECK_EQ(plat.uart.reg_io_width, 1);
	CHECK(plat.console_irq.valid);
	CHECK_EQ(plat.console_irq.plic_base, 0x70000000);
	CHECK_EQ(plat.console_irq.plic_size, 0x4000000);
	CHECK_EQ(plat.console_irq.source, 20);
	CHECK_EQ(plat.console_irq.context, 1);
	/* the 3 MHz timebase: Keel's 20 ms console poll, 4 ms slice */
	CHECK_EQ(ticks_from_ms(plat.timebase_freq, 20), 60000);
	CHECK_EQ(ticks_from_us(plat.timebase_freq, 4000), 12000);
}

TEST(board_b_booted_on_hart_1)
{
	CHECK(load("board-ram-high.dtb"));
	CHECK_EQ(parse(1), 0);
	/* from riscv,isa-extensions, not riscv,isa */
	CHECK_STR(plat.isa, "rv64imafdc_zicsr_zifencei_zba_zbb_sstc");
	CHECK(platform_first_usable(&plat, 1) == hart(0));
	CHECK_EQ(plat.console_irq.context, 3);
}

/* ---- C: DesignWare APB UART, 24 MHz, a monitor core without H ----------- */

TEST(board_c_dw_apb_uart)
{
	CHECK(load("board-dw-uart.dtb"));
	CHECK_EQ(parse(1), 0);
	CHECK_STR(plat.model, "Keel test board C (DesignWare UART)");
	CHECK_EQ(plat.uart.kind, HW_UART_NS16550);
	CHECK_EQ(plat.uart.base, 0x10000000);
	CHECK_EQ(plat.uart_size, 0x10000);
	CHECK_EQ(plat.uart.reg_shift, 2);
	CHECK_EQ(plat.uart.reg_io_width, 4);
	CHECK(plat.console_irq.valid);
	CHECK_EQ(plat.console_irq.plic_base, 0xc000000);
	CHECK_EQ(plat.console_irq.plic_size, 0x4000000);
	CHECK_EQ(plat.console_irq.source, 32);
	/* hart 0 has only an M context: hart 1's S context is the third */
	CHECK_EQ(plat.console_irq.context, 2);
	CHECK_EQ(parse(2), 0);
	CHECK_EQ(plat.console_irq.context, 4);
}

TEST(board_c_harts_ram_timebase)
{
	static const struct want_hart w[] = {
		{ 0, false, false, true, false, "no H extension in its riscv,isa-extensions" },
		{ 1, true, false, true, true, "" },
		{ 2, true, false, true, true, "" },
	};

	CHECK(load("board-dw-uart.dtb"));
	CHECK_EQ(parse(1), 0);
	check_harts(w, sizeof(w) / sizeof(w[0]));
	CHECK_EQ(plat.nr_ram, 1);
	CHECK_EQ(plat.ram[0].base, 0x40000000);
	CHECK_EQ(plat.ram[0].size, 0x200000000ULL);
	CHECK_EQ(plat.nr_reserved, 0);
	CHECK_EQ(plat.initrd_start, 0);
	CHECK_EQ(plat.initrd_end, 0);
	CHECK_EQ(plat.timebase_freq, 24000000);
	CHECK_STR(plat.isa, "rv64imafdch_zicsr_zifencei_zba_zbb");
	CHECK_STR(plat.mmu_type, "riscv,sv39");
	CHECK_EQ(ticks_from_ms(plat.timebase_freq, 20), 480000);
	CHECK_EQ(ticks_from_us(plat.timebase_freq, 50), 1200);
}

TEST(board_c_booted_on_the_monitor_core)
{
	CHECK(load("board-dw-uart.dtb"));
	/* parsing works; keel_main then moves the boot to hart 1 */
	CHECK_EQ(parse(0), 0);
	CHECK(platform_first_usable(&plat, 0) == hart(1));
	CHECK_STR(plat.isa, "rv64imac_zicsr_zifencei");
	CHECK_STR(plat.mmu_type, "riscv,sv39"); /* none said: the default */
	CHECK(!plat.console_irq.valid);	/* it has no S context on the PLIC */
}
