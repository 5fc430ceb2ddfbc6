/*
 * Tests for src/vm/guest_fdt.c: the guest's device tree is built, then
 * read back with libfdt; guest_isa_string() is checked on its own,
 * including every output buffer size.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "vm/guest_fdt.h"
#include "unit.h"

#define QEMU_ISA "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"

static uint64_t buf64[8192]; /* 64 KiB, 8-byte aligned */
static void *const fdt = buf64;

static struct guest_fdt_params params(void)
{
	return (struct guest_fdt_params){
		.vm_name = "demo",
		.ram_base = 0x80000000,
		.ram_size = 0x10000000,
		.nr_vcpus = 2,
		.host_isa = QEMU_ISA,
		.guest_has_sstc = false,
		.mmu_type = "riscv,sv48",
		.timebase_freq = 10000000,
		.bootargs = "console=ttyS0 earlycon=sbi",
		.initrd_start = 0x88000000,
		.initrd_end = 0x88123000,
		.uart_base = 0x10000000,
		.uart_size = 0x100,
		.uart_clock = 3686400,
	};
}

static char err[160];

static int build(const struct guest_fdt_params *p)
{
	memset(buf64, 0xa5, sizeof(buf64));
	return guest_fdt_build(fdt, sizeof(buf64), p, err, sizeof(err));
}

static int node(const char *path)
{
	int n = fdt_path_offset(fdt, path);

	if (n < 0)
		printf("\tno node %s: %s\n", path, fdt_strerror(n));
	return n;
}

/* The string property is exactly `want` (NUL included in its length). */
static bool prop_is(int nd, const char *name, const char *want)
{
	int len;
	const char *v = fdt_getprop(fdt, nd, name, &len);

	if (!v || len != (int)strlen(want) + 1 || memcmp(v, want, (size_t)len)) {
		printf("\t%s: %.*s (len %d), want \"%s\"\n", name, v ? len : 6,
		       v ? v : "absent", len, want);
		return false;
	}
	return true;
}

static uint64_t prop_u32(int nd, const char *name)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, nd, name, &len);

	if (!v || len != 4)
		return 0xbad0bad0bad0ULL;
	return fdt32_to_cpu(*v);
}

static uint64_t prop_u64(int nd, const char *name)
{
	int len;
	const void *v = fdt_getprop(fdt, nd, name, &len);
	fdt64_t x;

	if (!v || len != 8)
		return 0xbad0bad0bad0ULL;
	memcpy(&x, v, 8);	/* property values are only 4-byte aligned */
	return fdt64_to_cpu(x);
}

/* A two-cell address + two-cell size reg: returns base, size in out[]. */
static bool reg_is(int nd, uint64_t base, uint64_t size)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, nd, "reg", &len);
	uint64_t b, s;

	if (!v || len != 16)
		return false;
	b = ((uint64_t)fdt32_to_cpu(v[0]) << 32) | fdt32_to_cpu(v[1]);
	s = ((uint64_t)fdt32_to_cpu(v[2]) << 32) | fdt32_to_cpu(v[3]);
	if (b != base || s != size) {
		printf("\treg <0x%llx 0x%llx>, want <0x%llx 0x%llx>\n", (unsigned long long)b,
		       (unsigned long long)s, (unsigned long long)base, (unsigned long long)size);
		return false;
	}
	return true;
}

/* ---- guest_fdt_build ----------------------------------------------------- */

TEST(dt_is_a_valid_blob)
{
	struct guest_fdt_params p = params();

	CHECK_EQ(build(&p), 0);
	CHECK_EQ(fdt_check_header(fdt), 0);
	CHECK(fdt_totalsize(fdt) <= sizeof(buf64));
	CHECK_EQ(fdt_num_mem_rsv(fdt), 0);
}

TEST(dt_root_properties)
{
	struct guest_fdt_params p = params();

	CHECK_EQ(build(&p), 0);
	CHECK_EQ(prop_u32(0, "#address-cells"), 2);
	CHECK_EQ(prop_u32(0, "#size-cells"), 2);
	CHECK(prop_is(0, "compatible", "keel,vm"));
	CHECK(prop_is(0, "model", "Keel VM demo"));
}

TEST(dt_model_holds_the_longest_vm_name)
{
	struct guest_fdt_params p = params();

	p.vm_name = "abcdefghijklmnopqrstuvwxyz01234";	/* VM_NAME_MAX - 1 */
	CHECK_EQ(build(&p), 0);
	CHECK(prop_is(0, "model", "Keel VM abcdefghijklmnopqrstuvwxyz01234"));
}

TEST(dt_memory_node)
{
	struct guest_fdt_params p = params();
	int n;

	p.ram_base = 0x80000000;
	p.ram_size = 0x140000000ULL;	/* 5 GiB: the size needs both cells */
	CHECK_EQ(build(&p), 0);
	n = node("/memory@80000000");
	CHECK(n >= 0);
	CHECK(prop_is(n, "device_type", "memory"));
	CHECK(reg_is(n, 0x80000000, 0x140000000ULL));
}

TEST(dt_cpus_node_and_timebase)
{
	struct guest_fdt_params p = params();
	int n;

	CHECK_EQ(build(&p), 0);
	n = node("/cpus");
	CHECK(n >= 0);
	CHECK_EQ(prop_u32(n, "#address-cells"), 1);
	CHECK_EQ(prop_u32(n, "#size-cells"), 0);
	CHECK_EQ(prop_u32(n, "timebase-frequency"), 10000000);
}

TEST(dt_one_cpu_node_per_vcpu)
{
	static const char *const cpu_paths[] = {
		"/cpus/cpu@0", "/cpus/cpu@1", "/cpus/cpu@2", "/cpus/cpu@3",
		"/cpus/cpu@4", "/cpus/cpu@5", "/cpus/cpu@6", "/cpus/cpu@7",
	};
	static const char *const intc_paths[] = {
		"/cpus/cpu@0/interrupt-controller", "/cpus/cpu@1/interrupt-controller",
		"/cpus/cpu@2/interrupt-controller", "/cpus/cpu@3/interrupt-controller",
		"/cpus/cpu@4/interrupt-controller", "/cpus/cpu@5/interrupt-controller",
		"/cpus/cpu@6/interrupt-controller", "/cpus/cpu@7/interrupt-controller",
	};
	struct guest_fdt_params p = params();
	uint64_t phandles[8];
	int n, sub, count = 0;

	p.nr_vcpus = 8;
	CHECK_EQ(build(&p), 0);
	for (unsigned int i = 0; i < 8; i++) {
		unsigned int before = unit_failures();
		int len;

		n = node(cpu_paths[i]);
		CHECK(n >= 0);
		CHECK(prop_is(n, "device_type", "cpu"));
		CHECK_EQ(prop_u32(n, "reg"), i);
		CHECK(prop_is(n, "status", "okay"));
		CHECK(prop_is(n, "compatible", "riscv"));
		CHECK(prop_is(n, "riscv,isa",
			      "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs"));
		CHECK(prop_is(n, "mmu-type", "riscv,sv48"));
		n = node(intc_paths[i]);
		CHECK(n >= 0);
		CHECK_EQ(prop_u32(n, "#interrupt-cells"), 1);
		CHECK(fdt_getprop(fdt, n, "interrupt-controller", &len) != NULL);
		CHECK_EQ(len, 0);
		CHECK(prop_is(n, "compatible", "riscv,cpu-intc"));
		phandles[i] = prop_u32(n, "phandle");
		CHECK_EQ(fdt_node_offset_by_phandle(fdt, (uint32_t)phandles[i]), n);
		for (unsigned int j = 0; j < i; j++)
			CHECK(phandles[j] != phandles[i]);
		if (unit_failures() != before)
			printf("\t(cpu %u)\n", i);
	}
	/* exactly nr_vcpus cpu nodes, nothing else under /cpus */
	fdt_for_each_subnode(sub, fdt, node("/cpus"))
		count++;
	CHECK_EQ(count, 8);
}

TEST(dt_single_vcpu_has_only_cpu0)
{
	struct guest_fdt_params p = params();

	p.nr_vcpus = 1;
	CHECK_EQ(build(&p), 0);
	CHECK(fdt_path_offset(fdt, "/cpus/cpu@0") >= 0);
	CHECK_EQ(fdt_path_offset(fdt, "/cpus/cpu@1"), -FDT_ERR_NOTFOUND);
}

TEST(dt_sstc_reaches_the_guest_only_when_virtualised)
{
	struct guest_fdt_params p = params();

	p.guest_has_sstc = true;
	CHECK_EQ(build(&p), 0);
	CHECK(prop_is(node("/cpus/cpu@0"), "riscv,isa",
		      "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"));
}

TEST(dt_svadu_reaches_the_guest_only_when_offered)
{
	struct guest_fdt_params p = params();

	p.host_isa = "rv64imafdch_zicsr_sstc_svadu";
	CHECK_EQ(build(&p), 0);
	CHECK(prop_is(node("/cpus/cpu@0"), "riscv,isa", "rv64imafdc_zicsr"));
	p.guest_has_svadu = true;
	CHECK_EQ(build(&p), 0);
	CHECK(prop_is(node("/cpus/cpu@0"), "riscv,isa", "rv64imafdc_zicsr_svade_svadu"));
}

TEST(dt_chosen_bootargs_stdout_and_initrd)
{
	struct guest_fdt_params p = params();
	int n, uart;

	CHECK_EQ(build(&p), 0);
	n = node("/chosen");
	CHECK(n >= 0);
	CHECK(prop_is(n, "bootargs", "console=ttyS0 earlycon=sbi"));
	CHECK(prop_is(n, "stdout-path", "/soc/serial@10000000"));
	/* stdout-path resolves to the UART node */
	uart = node("/soc/serial@10000000");
	CHECK(uart >= 0);
	CHECK_EQ(fdt_path_offset(fdt, fdt_getprop(fdt, n, "stdout-path", NULL)), uart);
	CHECK_EQ(prop_u64(n, "linux,initrd-start"), 0x88000000);
	CHECK_EQ(prop_u64(n, "linux,initrd-end"), 0x88123000);
}

TEST(dt_initrd_above_4g_keeps_all_64_bits)
{
	struct guest_fdt_params p = params();
	int n;

	p.initrd_start = 0x123400000ULL;
	p.initrd_end = 0x123500000ULL;
	CHECK_EQ(build(&p), 0);
	n = node("/chosen");
	CHECK_EQ(prop_u64(n, "linux,initrd-start"), 0x123400000ULL);
	CHECK_EQ(prop_u64(n, "linux,initrd-end"), 0x123500000ULL);
}

TEST(dt_no_initrd_properties_without_an_initrd)
{
	struct guest_fdt_params p = params();
	int n;

	p.initrd_start = p.initrd_end = 0;
	CHECK_EQ(build(&p), 0);
	n = node("/chosen");
	CHECK(fdt_getprop(fdt, n, "linux,initrd-start", NULL) == NULL);
	CHECK(fdt_getprop(fdt, n, "linux,initrd-end", NULL) == NULL);
	/* an empty (or backwards) range is no initrd either */
	p.initrd_start = p.initrd_end = 0x88000000;
	CHECK_EQ(build(&p), 0);
	CHECK(fdt_getprop(fdt, node("/chosen"), "linux,initrd-start", NULL) == NULL);
	p.initrd_end = 0x87000000;
	CHECK_EQ(build(&p), 0);
	CHECK(fdt_getprop(fdt, node("/chosen"), "linux,initrd-start", NULL) == NULL);
}

TEST(dt_no_bootargs_property_when_empty_or_null)
{
	struct guest_fdt_params p = params();

	p.bootargs = "";
	CHECK_EQ(build(&p), 0);
	CHECK(fdt_getprop(fdt, node("/chosen"), "bootargs", NULL) == NULL);
	p.bootargs = NULL;
	CHECK_EQ(build(&p), 0);
	CHECK(fdt_getprop(fdt, node("/chosen"), "bootargs", NULL) == NULL);
	CHECK(prop_is(node("/chosen"), "stdout-path", "/soc/serial@10000000"));
}

TEST(dt_uart_node)
{
	struct guest_fdt_params p = params();
	int soc, n, len;

	CHECK_EQ(build(&p), 0);
	soc = node("/soc");
	CHECK(soc >= 0);
	CHECK(prop_is(soc, "compatible", "simple-bus"));
	CHECK_EQ(prop_u32(soc, "#address-cells"), 2);
	CHECK_EQ(prop_u32(soc, "#size-cells"), 2);
	CHECK(fdt_getprop(fdt, soc, "ranges", &len) != NULL);
	CHECK_EQ(len, 0);	/* identity ranges */
	n = node("/soc/serial@10000000");
	CHECK(n >= 0);
	CHECK(prop_is(n, "compatible", "ns16550a"));
	CHECK_EQ(fdt_node_check_compatible(fdt, n, "ns16550a"), 0);
	CHECK(reg_is(n, 0x10000000, 0x100));
	CHECK_EQ(prop_u32(n, "clock-frequency"), 3686400);
}

TEST(dt_uart_has_no_interrupt_without_a_plic)
{
	struct guest_fdt_params p = params();
	int n;

	CHECK_EQ(build(&p), 0);
	n = node("/soc/serial@10000000");
	CHECK(fdt_getprop(fdt, n, "interrupts", NULL) == NULL);
	CHECK(fdt_getprop(fdt, n, "interrupt-parent", NULL) == NULL);
	CHECK_EQ(fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0"), -FDT_ERR_NOTFOUND);
}

/* devices without "uart": no serial node and no stdout-path */
TEST(dt_without_a_uart)
{
	struct guest_fdt_params p = params();

	p.uart_size = 0;
	CHECK_EQ(build(&p), 0);
	CHECK_EQ(fdt_path_offset(fdt, "/soc/serial@10000000"), -FDT_ERR_NOTFOUND);
	CHECK(fdt_getprop(fdt, node("/chosen"), "stdout-path", NULL) == NULL);
	CHECK(node("/soc") >= 0);
}

/* The PLIC node as QEMU virt's, and the UART wired to it through a phandle */
TEST(dt_plic_node_and_uart_interrupt)
{
	struct guest_fdt_params p = params();
	int plic, uart, len;
	const fdt32_t *ie;
	uint32_t phandle;

	p.nr_vcpus = 3;
	p.plic_base = 0x0c000000;
	p.plic_size = 0x600000;
	p.plic_ndev = 63;
	p.uart_irq = 10;
	CHECK_EQ(build(&p), 0);
	plic = node("/soc/plic@c000000");
	CHECK(plic >= 0);
	CHECK_EQ(fdt_node_check_compatible(fdt, plic, "riscv,plic0"), 0);
	CHECK_EQ(fdt_node_check_compatible(fdt, plic, "sifive,plic-1.0.0"), 0);
	CHECK(reg_is(plic, 0x0c000000, 0x600000));
	CHECK_EQ(prop_u32(plic, "#interrupt-cells"), 1);
	CHECK_EQ(prop_u32(plic, "#address-cells"), 0);
	CHECK(fdt_getprop(fdt, plic, "interrupt-controller", NULL) != NULL);
	CHECK_EQ(prop_u32(plic, "riscv,ndev"), 63);
	/* context 2i: hart i's M-mode (11), 2i + 1: its S-mode (9) */
	ie = fdt_getprop(fdt, plic, "interrupts-extended", &len);
	CHECK(ie != NULL);
	CHECK_EQ(len, 3 * 4 * 4);
	for (int i = 0; ie && i < 3; i++) {
		char path[64];
		uint32_t intc;

		snprintf(path, sizeof(path), "/cpus/cpu@%d/interrupt-controller", i);
		intc = fdt_get_phandle(fdt, node(path));
		CHECK(intc != 0);
		CHECK_EQ(fdt32_to_cpu(ie[4 * i + 0]), intc);
		CHECK_EQ(fdt32_to_cpu(ie[4 * i + 1]), 11);
		CHECK_EQ(fdt32_to_cpu(ie[4 * i + 2]), intc);
		CHECK_EQ(fdt32_to_cpu(ie[4 * i + 3]), 9);
	}
	phandle = fdt_get_phandle(fdt, plic);
	CHECK(phandle != 0);
	CHECK_EQ(fdt_node_offset_by_phandle(fdt, phandle), plic);
	uart = node("/soc/serial@10000000");
	CHECK_EQ(prop_u32(uart, "interrupt-parent"), phandle);
	CHECK_EQ(prop_u32(uart, "interrupts"), 10);
}

TEST(dt_uart_elsewhere_moves_node_and_stdout_path)
{
	struct guest_fdt_params p = params();
	int n;

	p.uart_base = 0x123450000ULL;
	p.uart_size = 0x1000;
	p.uart_clock = 1843200;
	CHECK_EQ(build(&p), 0);
	n = node("/soc/serial@123450000");
	CHECK(n >= 0);
	CHECK(reg_is(n, 0x123450000ULL, 0x1000));
	CHECK_EQ(prop_u32(n, "clock-frequency"), 1843200);
	CHECK(prop_is(node("/chosen"), "stdout-path", "/soc/serial@123450000"));
}

TEST(dt_buffer_too_small_returns_an_error_for_every_size)
{
	struct guest_fdt_params p = params();
	int total, bad = 0;

	CHECK_EQ(build(&p), 0);
	total = (int)fdt_totalsize(fdt);
	/* each size gets a heap buffer of exactly that size: ASan sees overruns */
	for (int size = 0; size < total; size++) {
		void *b = malloc(size ? (size_t)size : 1);
		int r;

		err[0] = 0;
		r = guest_fdt_build(b, size, &p, err, sizeof(err));
		if (r != -1 && bad++ < 3)
			printf("\tbufsize %d (of %d needed): returned %d\n", size, total, r);
		else if (r == -1 && !strstr(err, "FDT_ERR_NOSPACE") && bad++ < 3)
			printf("\tbufsize %d: %s\n", size, err);
		free(b);
	}
	CHECK_EQ(bad, 0);
	/* and exactly the final size is enough */
	{
		void *b = malloc((size_t)total);

		CHECK_EQ(guest_fdt_build(b, total, &p, err, sizeof(err)), 0);
		CHECK_EQ(fdt_check_header(b), 0);
		CHECK_EQ(memcmp(b, fdt, (size_t)total), 0);
		free(b);
	}
}

TEST(dt_negative_bufsize_is_an_error)
{
	struct guest_fdt_params p = params();

	CHECK_EQ(guest_fdt_build(fdt, -1, &p, err, sizeof(err)), -1);
	/* the message names the VM and libfdt's error */
	CHECK(strstr(err, "VM 'demo': building its device tree failed (libfdt error -") != NULL);
}

/* ---- guest_isa_string ---------------------------------------------------- */

static char isa[256];

static const char *guest_isa(const char *host, bool sstc)
{
	memset(isa, 'X', sizeof(isa));
	guest_isa_string(host, sstc, false, isa, sizeof(isa));
	return isa;
}

#define CHECK_ISA(host, sstc, want)                                     \
	do {                                                            \
		const char *got_ = guest_isa((host), (sstc));           \
		if (strcmp(got_, (want))) {                             \
			CHECK(!strcmp(got_, (want)));                   \
			printf("\tguest_isa_string(\"%s\", %d) = \"%s\"\n\twanted \"%s\"\n", \
			       (host), (sstc), got_, (want));           \
		}                                                       \
	} while (0)

TEST(isa_h_removed_from_the_single_letters)
{
	CHECK_ISA("rv64imafdch", false, "rv64imafdc");
	CHECK_ISA("rv64himafdc", false, "rv64imafdc");
	CHECK_ISA("rv64h", true, "rv64");
	CHECK_ISA("rv32imach_zicsr", false, "rv32imac_zicsr");
}

TEST(isa_without_h_is_unchanged)
{
	CHECK_ISA("rv64imafdc", false, "rv64imafdc");
	CHECK_ISA("rv64imafdc_zicsr_zifencei", false, "rv64imafdc_zicsr_zifencei");
	CHECK_ISA("rv64imafdc_zba_zbb_svinval_svnapot_zihintpause", true,
		  "rv64imafdc_zba_zbb_svinval_svnapot_zihintpause");
}

TEST(isa_vector_removed)
{
	/* Keel keeps sstatus.VS off: no V, no Zve*, Zvl*, Zvk*... */
	CHECK_ISA("rv64imafdcvh_zba_zvbb_zve32x_zve64d_zvl128b_zvfh_zbs", true,
		  "rv64imafdc_zba_zbs");
	CHECK_ISA("rv64imafdcbvh_zicsr", false, "rv64imafdcb_zicsr");
	/* a name that only has a 'v' in it stays */
	CHECK_ISA("rv64imac_svinval_svnapot_zicsr", false, "rv64imac_svinval_svnapot_zicsr");
}

TEST(isa_h_inside_multi_letter_names_is_kept)
{
	/* the 'h' of zihintpause is not the H extension */
	CHECK_ISA("rv64imac_zihintpause_zihintntl", false, "rv64imac_zihintpause_zihintntl");
}

TEST(isa_sstc_removed_unless_the_guest_has_it)
{
	CHECK_ISA(QEMU_ISA, false, "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs");
	CHECK_ISA(QEMU_ISA, true, "rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
	/* in the middle, and first */
	CHECK_ISA("rv64imac_zicsr_sstc_zba", false, "rv64imac_zicsr_zba");
	CHECK_ISA("rv64imac_sstc_zba", false, "rv64imac_zba");
	CHECK_ISA("rv64imac_sstc", false, "rv64imac");
}

TEST(isa_names_that_only_start_like_sstc_are_kept)
{
	CHECK_ISA("rv64imac_sstcx_zba", false, "rv64imac_sstcx_zba");
	CHECK_ISA("rv64imac_ssstc_sst", false, "rv64imac_ssstc_sst");
}

TEST(isa_hypervisor_level_multi_letter_extensions_are_removed)
{
	/* "_h..." names are hypervisor-level: not for a guest without H */
	CHECK_ISA("rv64imac_hfoo_zba", false, "rv64imac_zba");
}

static const char *guest_isa_svadu(const char *host)
{
	memset(isa, 'X', sizeof(isa));
	guest_isa_string(host, false, true, isa, sizeof(isa));
	return isa;
}

#define CHECK_ISA_SVADU(host, want)                                     \
	do {                                                            \
		const char *got_ = guest_isa_svadu(host);               \
		if (strcmp(got_, (want))) {                             \
			CHECK(!strcmp(got_, (want)));                   \
			printf("\tguest_isa_string(\"%s\", svadu) = \"%s\"\n\twanted \"%s\"\n", \
			       (host), got_, (want));                   \
		}                                                       \
	} while (0)

TEST(isa_svadu_dropped_unless_the_guest_gets_it)
{
	CHECK_ISA("rv64imac_zicsr_svadu_svinval", false, "rv64imac_zicsr_svinval");
	CHECK_ISA("rv64imac_svadu", true, "rv64imac");
	/* Svade is what a guest without ADUE has: it stays */
	CHECK_ISA("rv64imac_svade_svadu", false, "rv64imac_svade");
	CHECK_ISA("rv64imac_svade", false, "rv64imac_svade");
}

TEST(isa_svadu_comes_with_svade_when_the_guest_gets_it)
{
	/* the pair: updating off at boot, on through SBI FWFT (the DT binding) */
	CHECK_ISA_SVADU("rv64imac_zicsr_svadu_svinval", "rv64imac_zicsr_svade_svadu_svinval");
	CHECK_ISA_SVADU("rv64imac_svade_svadu", "rv64imac_svade_svadu");
	CHECK_ISA_SVADU("rv64imac_svade_zba_svadu", "rv64imac_svade_zba_svadu");
	/* the hart has it but its DT does not say: at the end */
	CHECK_ISA_SVADU("rv64imac_zicsr", "rv64imac_zicsr_svade_svadu");
	CHECK_ISA_SVADU("rv64imac_svade_zicsr", "rv64imac_svade_zicsr_svadu");
	CHECK_ISA_SVADU("rv64imac", "rv64imac_svade_svadu");
	CHECK_ISA_SVADU("", "");
	/* names that only start like them are other extensions */
	CHECK_ISA_SVADU("rv64imac_svadux", "rv64imac_svadux_svade_svadu");
}

TEST(isa_empty_and_base_only)
{
	CHECK_ISA("", false, "");
	CHECK_ISA("rv64", false, "rv64");
	CHECK_ISA("rv64i_", false, "rv64i_");
}

TEST(isa_outlen_0_writes_nothing)
{
	char out[4] = { 'a', 'b', 'c', 'd' };

	guest_isa_string(QEMU_ISA, false, false, out, 0);
	CHECK(!memcmp(out, "abcd", 4));
}

/* Is `got` the full filtered ISA cut safely: a prefix of its single letters,
 * then some of its extensions, each whole and in order? */
static bool safe_cut(const char *got, const char *full)
{
	size_t base = strcspn(full, "_"), gb = strcspn(got, "_");
	const char *f = full + base, *g = got + gb;

	if (gb > base || strncmp(got, full, gb))
		return false;
	if (*g && gb != base)
		return false; /* extensions after a cut base */
	while (*g) {
		size_t glen = strcspn(g + 1, "_") + 1;

		for (;;) {
			size_t flen;

			if (!*f)
				return false; /* not one of full's extensions */
			flen = strcspn(f + 1, "_") + 1;
			f += flen;
			if (flen == glen && !strncmp(f - flen, g, glen))
				break;
		}
		g += glen;
	}
	return true;
}

static void check_every_outlen_svadu(const char *host, bool sstc, bool svadu)
{
	char full[256];
	size_t len;
	unsigned int bad = 0;

	guest_isa_string(host, sstc, svadu, full, sizeof(full));
	len = strlen(full);
	for (size_t n = 1; n <= len + 1; n++) {
		char *out = malloc(n); /* exactly n bytes: ASan catches overruns */

		memset(out, 'X', n);
		guest_isa_string(host, sstc, svadu, out, n);
		if (!memchr(out, 0, n) || !safe_cut(out, full) ||
		    (n == len + 1 && strcmp(out, full))) {
			if (bad++ < 3)
				printf("\toutlen %zu: \"%.*s\" is not a safe cut of \"%s\"\n", n,
				       (int)n, out, full);
		}
		free(out);
	}
	CHECK_EQ(bad, 0);
}

static void check_every_outlen(const char *host, bool sstc)
{
	check_every_outlen_svadu(host, sstc, false);
}

TEST(isa_every_output_size_is_safe)
{
	check_every_outlen_svadu(QEMU_ISA "_svadu_svinval", true, true);
	check_every_outlen_svadu("rv64imac_svade_zicsr_svadu", false, true);
	check_every_outlen_svadu("rv64imac_zicsr_zba", false, true);
	check_every_outlen(QEMU_ISA, false);
	check_every_outlen(QEMU_ISA, true);
	check_every_outlen("rv64imafdch_zicsr_sstc_zifencei_h_x_zicbom_zicboz", false);
	check_every_outlen("rv64imafdch", false);
}

/* "rv64imac_zicsr" is 14: "_zifencei" does not fit in 20, "_zba" would, but a cut is a cut */
TEST(isa_cut_ends_at_the_first_extension_that_does_not_fit)
{
	char out[20];

	guest_isa_string("rv64imac_zicsr_zifencei_zba", false, false, out, sizeof(out));
	CHECK_STR(out, "rv64imac_zicsr");
}

/* "_zifencei" does not fit in 27 after "rv64imac_zicsr_svade" (20): nor does the "_svadu" Keel adds */
TEST(isa_cut_leaves_out_the_svadu_keel_adds_at_the_end)
{
	char out[27];

	guest_isa_string("rv64imac_zicsr_svade_zifencei", false, true, out, sizeof(out));
	CHECK_STR(out, "rv64imac_zicsr_svade");
}

TEST(isa_cut_never_leaves_half_an_extension_name)
{
	char full[128], out[21];

	guest_isa_string(QEMU_ISA, false, false, full, sizeof(full));
	/* "rv64imafdc_zicsr" is 16 characters: "_zifencei" does not fit in 21 */
	guest_isa_string(QEMU_ISA, false, false, out, sizeof(out));
	CHECK(!strncmp(out, "rv64imafdc_zicsr", 16));
	CHECK(!strstr(out, "_zif"));
	CHECK(safe_cut(out, full));
	/* single letters are cut where the buffer ends */
	guest_isa_string(QEMU_ISA, false, false, out, 6);
	CHECK(!strcmp(out, "rv64i"));
}
