/*
 * Tests for src/platform/platform.c (with platform_harts.c and
 * platform_console.c). The main input is QEMU's own device tree
 * (tests/unit/data/, see README there); the cases QEMU does not produce
 * (reserved memory, odd cells, a SiFive UART, too many harts...) are made
 * by editing that tree with libfdt or by building one from scratch.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "platform/platform.h"
#include "unit.h"
#include "fdt_check.h"

#ifndef DATA_DIR
#error "DATA_DIR must name tests/unit/data (see the Makefile)"
#endif

#define QEMU_ISA "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"
#define QEMU_ISA_NO_H "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"

static uint64_t buf64[8192]; /* 64 KiB, 8-byte aligned */
static void *const fdt = buf64;
static struct platform plat;
static char err[256];

/* Load a DT from tests/unit/data into buf, with room to grow it. */
static bool load(const char *name)
{
	char path[512];
	FILE *f;
	size_t n;
	static uint64_t raw[8192];

	snprintf(path, sizeof(path), "%s/%s", DATA_DIR, name);
	f = fopen(path, "rb");
	if (!f) {
		printf("\tcannot open %s\n", path);
		return false;
	}
	n = fread(raw, 1, sizeof(raw), f);
	fclose(f);
	if (n < sizeof(struct fdt_header) || fdt_check_header(raw) || fdt_totalsize(raw) > n) {
		printf("\t%s is not a device tree\n", path);
		return false;
	}
	/* a copy with 16 KiB of free space, so tests can add to it */
	return fdt_open_into(raw, fdt, (int)sizeof(buf64)) == 0;
}

static int parse(unsigned long boot_hartid)
{
	memset(&plat, 0xa5, sizeof(plat));
	strcpy(err, "(no message)");
	return platform_parse(fdt, boot_hartid, &plat, err, sizeof(err));
}

/* The message is exactly `want`. */
#define CHECK_ERR(want) CHECK_STR(err, (want))

/* ---- QEMU virt, 4 harts, 1 GiB ------------------------------------------ */

TEST(qemu_smp4_ram)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_ram, 1);
	CHECK_EQ(plat.ram[0].base, 0x80000000);
	CHECK_EQ(plat.ram[0].size, 0x40000000);
}

TEST(qemu_smp4_harts)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_harts, 4);
	CHECK_EQ(plat.nr_harts_ignored, 0);
	/* QEMU lists the cpus in reverse order in the blob; any order is fine */
	for (unsigned long id = 0; id < 4; id++) {
		unsigned int found = 0;

		for (unsigned int i = 0; i < plat.nr_harts; i++) {
			if (plat.harts[i].hartid != id)
				continue;
			found++;
			CHECK(plat.harts[i].has_h);
			CHECK(plat.harts[i].has_sstc);
			CHECK(plat.harts[i].enabled);
			/* QEMU 7.2's default CPU: no Smstateen, no AIA */
			CHECK(!plat.harts[i].has_smstateen);
			CHECK(!plat.harts[i].has_siselect);
		}
		CHECK_EQ(found, 1);
	}
}

TEST(qemu_smp4_boot_hart_isa_mmu_model_timebase)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	CHECK_EQ(parse(0), 0);
	CHECK(!strcmp(plat.isa, QEMU_ISA));
	CHECK(!strcmp(plat.mmu_type, "riscv,sv48"));
	CHECK(!strcmp(plat.model, "riscv-virtio,qemu"));
	CHECK_EQ(plat.timebase_freq, 10000000);
}

TEST(qemu_smp4_uart)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.uart.kind, HW_UART_NS16550);
	CHECK_EQ(plat.uart.base, 0x10000000);
	CHECK_EQ(plat.uart_size, 0x100);
	CHECK_EQ(plat.uart.reg_shift, 0);
	CHECK_EQ(plat.uart.reg_io_width, 1);
}

/* QEMU's PLIC: contexts M, S per hart; the UART on source 10 */
TEST(qemu_smp4_console_irq_reaches_the_boot_harts_s_context)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	CHECK_EQ(parse(0), 0);
	CHECK(plat.console_irq.valid);
	CHECK_EQ(plat.console_irq.source, 10);
	CHECK_EQ(plat.console_irq.context, 1);
	CHECK_EQ(plat.console_irq.plic_base, 0xc000000);
	CHECK_EQ(plat.console_irq.plic_size, 0x600000);
	CHECK_EQ(parse(3), 0);
	CHECK_EQ(plat.console_irq.context, 7);
}

TEST(console_irq_needs_interrupts_and_a_plic_parent)
{
	int uart, plic;

	CHECK(load("qemu-virt-smp4.dtb"));
	uart = fdt_path_offset(fdt, "/soc/serial@10000000");
	OK(fdt_delprop(fdt, uart, "interrupts"));
	CHECK_EQ(parse(0), 0);
	CHECK(!plat.console_irq.valid); /* polled, but still a console */
	CHECK_EQ(plat.uart.kind, HW_UART_NS16550);

	CHECK(load("qemu-virt-smp4.dtb"));
	plic = fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0");
	CHECK(plic >= 0);
	OK(fdt_setprop_string(fdt, plic, "compatible", "acme,intc"));
	CHECK_EQ(parse(0), 0);
	CHECK(!plat.console_irq.valid);

	/* a PLIC with no S-mode context for the boot hart */
	CHECK(load("qemu-virt-smp4.dtb"));
	plic = fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0");
	OK(fdt_delprop(fdt, plic, "interrupts-extended"));
	CHECK_EQ(parse(0), 0);
	CHECK(!plat.console_irq.valid);
}

TEST(qemu_smp4_has_no_reserved_memory_or_initrd)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_reserved, 0);
	CHECK_EQ(plat.initrd_start, 0);
	CHECK_EQ(plat.initrd_end, 0);
}

TEST(qemu_smp4_any_hart_can_boot)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	CHECK_EQ(parse(3), 0);
	CHECK(!strcmp(plat.isa, QEMU_ISA));
	CHECK_EQ(plat.nr_harts, 4);
}

TEST(qemu_smp4_missing_boot_hart_is_an_error)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	CHECK_EQ(parse(4), -1);
	CHECK_ERR("boot hart 4 is not in /cpus");
	CHECK_EQ(parse(0xffffffffffffffffUL), -1);
	CHECK_ERR("boot hart 18446744073709551615 is not in /cpus");
}

TEST(qemu_without_h_extension)
{
	CHECK(load("qemu-virt-smp4-noh.dtb"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_harts, 4);
	for (unsigned int i = 0; i < plat.nr_harts; i++) {
		CHECK(!plat.harts[i].has_h);
		CHECK(plat.harts[i].has_sstc);
	}
	CHECK(!strcmp(plat.isa, QEMU_ISA_NO_H));
}

TEST(qemu_smp2_with_initrd)
{
	CHECK(load("qemu-virt-smp2-initrd.dtb"));
	CHECK_EQ(parse(1), 0);
	CHECK_EQ(plat.nr_harts, 2);
	/* QEMU 7.2 writes 32-bit linux,initrd-*; the file was 4096 bytes */
	CHECK_EQ(plat.initrd_start, 0x88200000);
	CHECK_EQ(plat.initrd_end, 0x88201000);
	CHECK_EQ(plat.uart.kind, HW_UART_NS16550);
}

/* ---- QEMU's tree, edited ------------------------------------------------- */

static int add_reserved_node(int parent, const char *name, uint64_t base, uint64_t size)
{
	int n = fdt_add_subnode(fdt, parent, name);
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	if (n < 0)
		return n;
	OK(fdt_setprop(fdt, n, "reg", reg, sizeof(reg)));
	OK(fdt_setprop_empty(fdt, n, "no-map"));
	return n;
}

TEST(reserved_memory_from_memreserve_and_nodes)
{
	int rm;

	CHECK(load("qemu-virt-smp4.dtb"));
	OK(fdt_add_mem_rsv(fdt, 0x80000000, 0x80000));
	OK(fdt_add_mem_rsv(fdt, 0x82200000, 0));	/* size 0: ignored */
	rm = fdt_add_subnode(fdt, 0, "reserved-memory");
	OK(rm);
	OK(fdt_setprop_u32(fdt, rm, "#address-cells", 2));
	OK(fdt_setprop_u32(fdt, rm, "#size-cells", 2));
	OK(fdt_setprop_empty(fdt, rm, "ranges"));
	/* libfdt adds subnodes first, so add in reverse to read them in order */
	OK(add_reserved_node(rm, "mmode_resv1@80040000", 0x80040000, 0x20000));
	OK(add_reserved_node(rm, "mmode_resv0@80000000", 0x80000000, 0x40000));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_reserved, 3);
	CHECK_EQ(plat.reserved[0].base, 0x80000000);
	CHECK_EQ(plat.reserved[0].size, 0x80000);
	CHECK_EQ(plat.reserved[1].base, 0x80000000);
	CHECK_EQ(plat.reserved[1].size, 0x40000);
	CHECK_EQ(plat.reserved[2].base, 0x80040000);
	CHECK_EQ(plat.reserved[2].size, 0x20000);
}

TEST(reserved_memory_node_with_several_reg_entries_and_one_cell)
{
	int rm, n;
	fdt32_t reg[4] = { cpu_to_fdt32(0x80100000), cpu_to_fdt32(0x1000),
			   cpu_to_fdt32(0x80300000), cpu_to_fdt32(0x2000) };

	CHECK(load("qemu-virt-smp4.dtb"));
	rm = fdt_add_subnode(fdt, 0, "reserved-memory");
	OK(fdt_setprop_u32(fdt, rm, "#address-cells", 1));
	OK(fdt_setprop_u32(fdt, rm, "#size-cells", 1));
	n = fdt_add_subnode(fdt, rm, "two@80100000");
	OK(fdt_setprop(fdt, n, "reg", reg, sizeof(reg)));
	/* a node without reg (a dynamic pool) contributes nothing */
	n = fdt_add_subnode(fdt, rm, "pool");
	OK(fdt_setprop_u32(fdt, n, "size", 0x100000));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_reserved, 2);
	CHECK_EQ(plat.reserved[0].base, 0x80100000);
	CHECK_EQ(plat.reserved[0].size, 0x1000);
	CHECK_EQ(plat.reserved[1].base, 0x80300000);
	CHECK_EQ(plat.reserved[1].size, 0x2000);
}

TEST(reserved_ranges_beyond_the_limit_are_dropped)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	for (unsigned int i = 0; i < PLATFORM_MAX_RANGES + 3; i++)
		OK(fdt_add_mem_rsv(fdt, 0x90000000 + i * 0x10000ULL, 0x1000));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_reserved, PLATFORM_MAX_RANGES);
	CHECK_EQ(plat.reserved[PLATFORM_MAX_RANGES - 1].base,
		 0x90000000 + (PLATFORM_MAX_RANGES - 1) * 0x10000ULL);
}

TEST(initrd_as_64_bit_properties)
{
	int chosen;

	CHECK(load("qemu-virt-smp4.dtb"));
	chosen = fdt_path_offset(fdt, "/chosen");
	OK(fdt_setprop_u64(fdt, chosen, "linux,initrd-start", 0x123400000ULL));
	OK(fdt_setprop_u64(fdt, chosen, "linux,initrd-end", 0x123456789ULL));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.initrd_start, 0x123400000ULL);
	CHECK_EQ(plat.initrd_end, 0x123456789ULL);
}

TEST(initrd_with_one_property_or_a_bad_size_is_ignored)
{
	int chosen;
	static const uint8_t three[3] = { 1, 2, 3 };

	CHECK(load("qemu-virt-smp4.dtb"));
	chosen = fdt_path_offset(fdt, "/chosen");
	OK(fdt_setprop_u32(fdt, chosen, "linux,initrd-start", 0x88000000));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.initrd_start, 0);
	CHECK_EQ(plat.initrd_end, 0);
	OK(fdt_setprop(fdt, chosen, "linux,initrd-end", three, sizeof(three)));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.initrd_start, 0);
	CHECK_EQ(plat.initrd_end, 0);
}

TEST(disabled_hart_is_listed_but_not_enabled)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	OK(fdt_setprop_string(fdt, fdt_path_offset(fdt, "/cpus/cpu@2"), "status", "disabled"));
	OK(fdt_delprop(fdt, fdt_path_offset(fdt, "/cpus/cpu@1"), "status"));
	OK(fdt_setprop_string(fdt, fdt_path_offset(fdt, "/cpus/cpu@3"), "status", "ok"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_harts, 4);
	for (unsigned int i = 0; i < plat.nr_harts; i++)
		CHECK_EQ(plat.harts[i].enabled, plat.harts[i].hartid != 2);
}

TEST(hart_without_isa_has_no_extensions)
{
	int cpu1;

	CHECK(load("qemu-virt-smp4.dtb"));
	cpu1 = fdt_path_offset(fdt, "/cpus/cpu@1");
	OK(fdt_delprop(fdt, cpu1, "riscv,isa"));
	OK(fdt_delprop(fdt, cpu1, "mmu-type"));
	CHECK_EQ(parse(1), 0);
	CHECK(!strcmp(plat.isa, ""));
	CHECK(!strcmp(plat.mmu_type, "riscv,sv39"));	/* the default */
	for (unsigned int i = 0; i < plat.nr_harts; i++) {
		CHECK_EQ(plat.harts[i].has_h, plat.harts[i].hartid != 1);
		CHECK_EQ(plat.harts[i].has_sstc, plat.harts[i].hartid != 1);
	}
}

TEST(non_cpu_nodes_under_cpus_are_skipped)
{
	int n;

	CHECK(load("qemu-virt-smp4.dtb"));
	/* QEMU's cpu-map, and a node claiming to be a cpu but without reg */
	CHECK(fdt_path_offset(fdt, "/cpus/cpu-map") >= 0);
	n = fdt_add_subnode(fdt, fdt_path_offset(fdt, "/cpus"), "cpu@9");
	OK(fdt_setprop_string(fdt, n, "device_type", "cpu"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_harts, 4);
}

TEST(long_isa_string_is_cut_at_an_extension_boundary)
{
	/* newer QEMUs list far more extensions than the 127 characters kept */
	static const char long_isa[] =
		"rv64imafdch_zicbom_zicboz_zicntr_zicsr_zifencei_zihintntl_zihintpause"
		"_zihpm_zawrs_zfa_zca_zcd_zba_zbb_zbc_zbs_smaia_smstateen_ssaia_sstc"
		"_svadu_svinval_svnapot_svpbmt";
	size_t len;

	CHECK(load("qemu-virt-smp4.dtb"));
	OK(fdt_setprop_string(fdt, fdt_path_offset(fdt, "/cpus/cpu@0"), "riscv,isa", long_isa));
	CHECK_EQ(parse(0), 0);
	len = strlen(plat.isa);
	CHECK(len < sizeof(plat.isa));
	/* a prefix of the real string that ends at the end of an extension */
	CHECK(!strncmp(plat.isa, long_isa, len));
	CHECK(long_isa[len] == '_');
	/* the hart's flags come from the whole string */
	CHECK(plat.harts[0].has_h);
	CHECK(plat.harts[0].has_sstc);
	if (unit_failures())
		printf("\tisa kept: \"%s\"\n", plat.isa);
}

TEST(long_model_and_mmu_type_are_truncated_safely)
{
	char model[100];

	memset(model, 'm', sizeof(model) - 1);
	model[sizeof(model) - 1] = 0;
	CHECK(load("qemu-virt-smp4.dtb"));
	OK(fdt_setprop_string(fdt, 0, "model", model));
	OK(fdt_setprop_string(fdt, fdt_path_offset(fdt, "/cpus/cpu@0"), "mmu-type",
			      "riscv,sv48-but-with-a-very-long-name"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(strlen(plat.model), sizeof(plat.model) - 1);
	CHECK_EQ(strlen(plat.mmu_type), sizeof(plat.mmu_type) - 1);
	OK(fdt_delprop(fdt, 0, "model"));
	CHECK_EQ(parse(0), 0);
	CHECK(!strcmp(plat.model, "unknown"));
}

TEST(uart_kinds_by_compatible)
{
	int uart;

	CHECK(load("qemu-virt-smp4.dtb"));
	uart = fdt_path_offset(fdt, "/soc/serial@10000000");
	OK(fdt_setprop_string(fdt, uart, "compatible", "sifive,uart0"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.uart.kind, HW_UART_SIFIVE);
	OK(fdt_setprop_string(fdt, uart, "compatible", "snps,dw-apb-uart"));
	OK(fdt_setprop_u32(fdt, uart, "reg-shift", 2));
	OK(fdt_setprop_u32(fdt, uart, "reg-io-width", 4));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.uart.kind, HW_UART_NS16550);
	CHECK_EQ(plat.uart.reg_shift, 2);
	CHECK_EQ(plat.uart.reg_io_width, 4);
	OK(fdt_setprop_string(fdt, uart, "compatible", "ns16550"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.uart.kind, HW_UART_NS16550);
	/* an unknown UART is no console, but not an error */
	OK(fdt_setprop_string(fdt, uart, "compatible", "acme,uart"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.uart.kind, HW_UART_NONE);
}

TEST(stdout_path_with_options_and_alias)
{
	int chosen, aliases;

	CHECK(load("qemu-virt-smp4.dtb"));
	chosen = fdt_path_offset(fdt, "/chosen");
	OK(fdt_setprop_string(fdt, chosen, "stdout-path", "/soc/serial@10000000:115200n8"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.uart.kind, HW_UART_NS16550);
	CHECK_EQ(plat.uart.base, 0x10000000);
	aliases = fdt_add_subnode(fdt, 0, "aliases");
	OK(fdt_setprop_string(fdt, aliases, "serial0", "/soc/serial@10000000"));
	OK(fdt_setprop_string(fdt, fdt_path_offset(fdt, "/chosen"), "stdout-path",
			      "serial0:115200n8"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.uart.kind, HW_UART_NS16550);
	CHECK_EQ(plat.uart.base, 0x10000000);
}

TEST(no_console_is_not_an_error)
{
	int chosen;

	CHECK(load("qemu-virt-smp4.dtb"));
	chosen = fdt_path_offset(fdt, "/chosen");
	OK(fdt_setprop_string(fdt, chosen, "stdout-path", "/soc/nothing@0"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.uart.kind, HW_UART_NONE);
	OK(fdt_delprop(fdt, chosen, "stdout-path"));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.uart.kind, HW_UART_NONE);
	OK(fdt_del_node(fdt, chosen));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.uart.kind, HW_UART_NONE);
	CHECK_EQ(plat.initrd_start, 0);
}

TEST(stdout_path_longer_than_the_name_buffer_is_no_console)
{
	char path[200];

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = 0;
	CHECK(load("qemu-virt-smp4.dtb"));
	OK(fdt_setprop_string(fdt, fdt_path_offset(fdt, "/chosen"), "stdout-path", path));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.uart.kind, HW_UART_NONE);
}

TEST(missing_memory_is_an_error)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	OK(fdt_del_node(fdt, fdt_path_offset(fdt, "/memory@80000000")));
	CHECK_EQ(parse(0), -1);
	CHECK_ERR("device tree has no /memory node with a reg");
}

TEST(memory_without_reg_or_disabled_is_an_error)
{
	int mem;

	CHECK(load("qemu-virt-smp4.dtb"));
	mem = fdt_path_offset(fdt, "/memory@80000000");
	OK(fdt_setprop_string(fdt, mem, "status", "disabled"));
	CHECK_EQ(parse(0), -1);
	CHECK_ERR("device tree has no /memory node with a reg");
	OK(fdt_delprop(fdt, mem, "status"));
	OK(fdt_delprop(fdt, mem, "reg"));
	CHECK_EQ(parse(0), -1);
	CHECK_ERR("device tree has no /memory node with a reg");
}

TEST(several_memory_ranges)
{
	int mem, mem2;
	fdt64_t reg[4] = { cpu_to_fdt64(0x80000000), cpu_to_fdt64(0x40000000),
			   cpu_to_fdt64(0x100000000ULL), cpu_to_fdt64(0x80000000) };
	fdt64_t reg2[2] = { cpu_to_fdt64(0x200000000ULL), cpu_to_fdt64(0x1000) };

	CHECK(load("qemu-virt-smp4.dtb"));
	mem = fdt_path_offset(fdt, "/memory@80000000");
	OK(fdt_setprop(fdt, mem, "reg", reg, sizeof(reg)));
	mem2 = fdt_add_subnode(fdt, 0, "memory@200000000");
	OK(fdt_setprop_string(fdt, mem2, "device_type", "memory"));
	OK(fdt_setprop(fdt, mem2, "reg", reg2, sizeof(reg2)));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_ram, 3);
	/* the added node comes first in the blob */
	CHECK_EQ(plat.ram[0].base, 0x200000000ULL);
	CHECK_EQ(plat.ram[0].size, 0x1000);
	CHECK_EQ(plat.ram[1].base, 0x80000000);
	CHECK_EQ(plat.ram[1].size, 0x40000000);
	CHECK_EQ(plat.ram[2].base, 0x100000000ULL);
	CHECK_EQ(plat.ram[2].size, 0x80000000);
}

TEST(memory_reg_with_a_partial_entry_reads_the_whole_ones)
{
	fdt32_t reg[6] = { 0, cpu_to_fdt32(0x80000000), 0, cpu_to_fdt32(0x1000000),
			   0, cpu_to_fdt32(0x90000000) };

	CHECK(load("qemu-virt-smp4.dtb"));
	OK(fdt_setprop(fdt, fdt_path_offset(fdt, "/memory@80000000"), "reg", reg, sizeof(reg)));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_ram, 1);
	CHECK_EQ(plat.ram[0].size, 0x1000000);
}

TEST(memory_with_bad_address_cells_is_ignored)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	OK(fdt_setprop_u32(fdt, 0, "#address-cells", 3));
	CHECK_EQ(parse(0), -1);
	CHECK_ERR("device tree has no /memory node with a reg");
}

TEST(missing_cpus_is_an_error)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	OK(fdt_del_node(fdt, fdt_path_offset(fdt, "/cpus")));
	CHECK_EQ(parse(0), -1);
	CHECK_ERR("device tree has no /cpus node");
}

TEST(missing_or_bad_timebase_is_an_error)
{
	int cpus;
	static const uint8_t six[6] = { 0 };

	CHECK(load("qemu-virt-smp4.dtb"));
	cpus = fdt_path_offset(fdt, "/cpus");
	OK(fdt_delprop(fdt, cpus, "timebase-frequency"));
	CHECK_EQ(parse(0), -1);
	CHECK_ERR("/cpus has no timebase-frequency");
	OK(fdt_setprop(fdt, cpus, "timebase-frequency", six, sizeof(six)));
	CHECK_EQ(parse(0), -1);
	CHECK_ERR("/cpus has no timebase-frequency");
}

TEST(timebase_as_64_bits)
{
	CHECK(load("qemu-virt-smp4.dtb"));
	OK(fdt_setprop_u64(fdt, fdt_path_offset(fdt, "/cpus"), "timebase-frequency",
			   0x100000000ULL + 24000000));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.timebase_freq, 0x100000000ULL + 24000000);
}

TEST(not_a_device_tree_is_an_error)
{
	memset(buf64, 0, sizeof(buf64));
	CHECK_EQ(parse(0), -1);
	CHECK(!strncmp(err, "no valid device tree at ", 24));
}

/* ---- built from scratch: more harts than Keel handles ------------------- */

static void build_harts(unsigned int n)
{
	char name[16];

	memset(buf64, 0, sizeof(buf64));
	OK(fdt_create(fdt, sizeof(buf64)));
	OK(fdt_finish_reservemap(fdt));
	OK(fdt_begin_node(fdt, ""));
	OK(fdt_property_u32(fdt, "#address-cells", 2));
	OK(fdt_property_u32(fdt, "#size-cells", 2));
	OK(fdt_begin_node(fdt, "memory@80000000"));
	OK(fdt_property_string(fdt, "device_type", "memory"));
	{
		fdt64_t reg[2] = { cpu_to_fdt64(0x80000000), cpu_to_fdt64(0x10000000) };
		OK(fdt_property(fdt, "reg", reg, sizeof(reg)));
	}
	OK(fdt_end_node(fdt));
	OK(fdt_begin_node(fdt, "cpus"));
	OK(fdt_property_u32(fdt, "#address-cells", 1));
	OK(fdt_property_u32(fdt, "#size-cells", 0));
	OK(fdt_property_u32(fdt, "timebase-frequency", 1000000));
	for (unsigned int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "cpu@%u", 10 + i);
		OK(fdt_begin_node(fdt, name));
		OK(fdt_property_string(fdt, "device_type", "cpu"));
		OK(fdt_property_u32(fdt, "reg", 10 + i));
		OK(fdt_property_string(fdt, "riscv,isa", "rv64imac_sstc"));
		OK(fdt_end_node(fdt));
	}
	OK(fdt_end_node(fdt));
	OK(fdt_end_node(fdt));
	OK(fdt_finish(fdt));
}

TEST(more_harts_than_keel_handles_are_counted_and_ignored)
{
	build_harts(KEEL_MAX_HARTS + 2);
	CHECK_EQ(parse(10), 0);
	CHECK_EQ(plat.nr_harts, KEEL_MAX_HARTS);
	CHECK_EQ(plat.nr_harts_ignored, 2);
	CHECK_EQ(plat.harts[KEEL_MAX_HARTS - 1].hartid, 10 + KEEL_MAX_HARTS - 1);
	CHECK(!plat.harts[0].has_h);
	CHECK(plat.harts[0].has_sstc);
	CHECK(plat.harts[0].enabled);	/* no status property: okay */
	CHECK(!strcmp(plat.mmu_type, "riscv,sv39"));
	CHECK(!strcmp(plat.model, "unknown"));
	CHECK_EQ(plat.uart.kind, HW_UART_NONE);	/* no /chosen */
	/* a boot hart among the ignored ones is not found */
	CHECK_EQ(parse(10 + KEEL_MAX_HARTS), -1);
	CHECK_ERR("boot hart 18 is not in /cpus");
}

TEST(memory_with_default_cells)
{
	/* no #address-cells/#size-cells at the root: 2 and 1 by default */
	fdt32_t reg[3] = { cpu_to_fdt32(0x1), cpu_to_fdt32(0x80000000), cpu_to_fdt32(0x4000000) };

	memset(buf64, 0, sizeof(buf64));
	OK(fdt_create(fdt, sizeof(buf64)));
	OK(fdt_finish_reservemap(fdt));
	OK(fdt_begin_node(fdt, ""));
	OK(fdt_begin_node(fdt, "memory@180000000"));
	OK(fdt_property_string(fdt, "device_type", "memory"));
	OK(fdt_property(fdt, "reg", reg, sizeof(reg)));
	OK(fdt_end_node(fdt));
	OK(fdt_begin_node(fdt, "cpus"));
	OK(fdt_property_u32(fdt, "#address-cells", 1));
	OK(fdt_property_u32(fdt, "#size-cells", 0));
	OK(fdt_property_u32(fdt, "timebase-frequency", 1000000));
	OK(fdt_begin_node(fdt, "cpu@0"));
	OK(fdt_property_string(fdt, "device_type", "cpu"));
	OK(fdt_property_u32(fdt, "reg", 0));
	OK(fdt_end_node(fdt));
	OK(fdt_end_node(fdt));
	OK(fdt_end_node(fdt));
	OK(fdt_finish(fdt));
	CHECK_EQ(parse(0), 0);
	CHECK_EQ(plat.nr_ram, 1);
	CHECK_EQ(plat.ram[0].base, 0x180000000ULL);
	CHECK_EQ(plat.ram[0].size, 0x4000000);
}

/* ---- isa_has_extension --------------------------------------------------- */

#define TRICKY "rv64imafdch_zicsr_zifencei_zihintpause_sstc"

TEST(isa_single_letters)
{
	CHECK(isa_has_extension(TRICKY, "h"));
	CHECK(isa_has_extension(TRICKY, "i"));
	CHECK(isa_has_extension(TRICKY, "c"));
	CHECK(!isa_has_extension(TRICKY, "v"));
	CHECK(!isa_has_extension(TRICKY, "s"));	/* the s of sstc is not S */
	CHECK(!isa_has_extension(TRICKY, "z"));
	CHECK(!isa_has_extension("rv64imafdc_zihintpause", "h"));	/* its h is not H */
	CHECK(isa_has_extension("rv32imach", "h"));
	CHECK(!isa_has_extension("rv64", "i"));
}

TEST(isa_multi_letter_extensions)
{
	CHECK(isa_has_extension(TRICKY, "sstc"));
	CHECK(isa_has_extension(TRICKY, "zicsr"));
	CHECK(isa_has_extension(TRICKY, "zifencei"));
	CHECK(isa_has_extension(TRICKY, "zihintpause"));
	CHECK(!isa_has_extension(TRICKY, "ss"));
	CHECK(!isa_has_extension(TRICKY, "sst"));
	CHECK(!isa_has_extension(TRICKY, "sstcx"));
	CHECK(!isa_has_extension(TRICKY, "zihint"));
	CHECK(!isa_has_extension(TRICKY, "ifencei"));
	CHECK(!isa_has_extension(TRICKY, "imafdch"));
}

TEST(isa_names_spanning_an_underscore_do_not_match)
{
	CHECK(!isa_has_extension(TRICKY, "zicsr_z"));
	CHECK(!isa_has_extension(TRICKY, "zicsr_zifencei"));
	CHECK(!isa_has_extension(TRICKY, "zihintpause_sstc"));
	CHECK(!isa_has_extension(TRICKY, "_sstc"));
	CHECK(!isa_has_extension(TRICKY, ""));
	CHECK(!isa_has_extension("rv64i_", ""));
}

TEST(isa_needs_an_rv32_or_rv64_prefix)
{
	CHECK(!isa_has_extension("", "h"));
	CHECK(!isa_has_extension("rv", "h"));
	CHECK(!isa_has_extension("rv128imach", "h"));
	CHECK(!isa_has_extension("RV64IMACH", "h"));
	CHECK(!isa_has_extension("xx64imach_sstc", "sstc"));
	CHECK(isa_has_extension("rv32imac_sstc", "sstc"));
}
