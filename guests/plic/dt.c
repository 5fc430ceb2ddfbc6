/*
 * The device tree's PLIC and its wiring: the node Linux's PLIC driver
 * binds to, its two contexts per CPU (M-mode 11, then S-mode 9, as QEMU
 * virt), and the serial port's line 10 into it.
 */
#include "console.h"
#include "fdt.h"
#include "plic.h"
#include "test.h"

#define IRQ_M_EXT 11
#define IRQ_S_EXT 9

/* A one-cell property of a node, or ~0 when absent or not one cell. */
static unsigned long prop_u32(const void *dtb, long node, const char *name)
{
	int len;
	const void *p = fdt_node_prop(dtb, node, name, &len);

	return p && len == 4 ? fdt_be32(p) : ~0UL;
}

static unsigned long cell(const void *p, int i)
{
	return fdt_be32((const char *)p + 4 * i);
}

/*
 * interrupts-extended: per hart h (in hart order) the pair (intc of h, 11)
 * then (intc of h, 9). The k-th cpu-intc node is the one inside the k-th
 * cpu node, so its phandle is hart fdt_cpu(k)'s.
 */
static void check_contexts(const void *dtb, long plic)
{
	unsigned long intc[MAX_HARTS], id;
	const char *isa;
	const void *ie;
	int len, k, bad = -1;

	for (k = 0; k < (int)nr_harts && k < MAX_HARTS; k++) {
		long node = fdt_find_compatible(dtb, "riscv,cpu-intc", k);

		if (!fdt_cpu(dtb, k, &id, &isa) || id >= MAX_HARTS || !node)
			break;
		intc[id] = prop_u32(dtb, node, "phandle");
	}
	if (!CHECK(k == (int)nr_harts, "a riscv,cpu-intc node per CPU (%d of %lu)", k, nr_harts))
		return;
	ie = fdt_node_prop(dtb, plic, "interrupts-extended", &len);
	if (!CHECK(ie && len == (int)(16 * nr_harts),
		   "PLIC interrupts-extended: 2 contexts per CPU (%d bytes for %lu CPUs)",
		   ie ? len : -1, nr_harts))
		return;
	/* OpenSBI hides the M-mode contexts from S-mode as <-1 -1>; Keel does not */
	for (k = 0; k < (int)nr_harts && bad < 0; k++)
		if ((cell(ie, 4 * k) != intc[k] || cell(ie, 4 * k + 1) != IRQ_M_EXT) &&
		    (under_keel || cell(ie, 4 * k + 1) != 0xffffffffUL))
			bad = k;
		else if (cell(ie, 4 * k + 2) != intc[k] || cell(ie, 4 * k + 3) != IRQ_S_EXT)
			bad = k;
	if (bad < 0) {
		CHECK(1, "interrupts-extended: <&intc 11 &intc 9> for each of %lu harts", nr_harts);
		return;
	}
	CHECK(0, "interrupts-extended: hart %d has <%lu %lu %lu %lu>, expected <%lu 11 %lu 9>",
	      bad, cell(ie, 4 * bad), cell(ie, 4 * bad + 1), cell(ie, 4 * bad + 2),
	      cell(ie, 4 * bad + 3), intc[bad], intc[bad]);
}

void test_dt(const void *dtb)
{
	long plic = fdt_find_compatible(dtb, "riscv,plic0", 0), serial;
	unsigned long phandle, ndev;
	const void *reg;
	int len;

	if (!CHECK(plic, "a node compatible \"riscv,plic0\""))
		return;
	printf("# PLIC node: %s\n", fdt_node_name(dtb, plic));
	reg = fdt_node_prop(dtb, plic, "reg", &len);
	CHECK(reg && len == 16 && cell(reg, 0) == 0 && cell(reg, 1) == PLIC_BASE &&
	      cell(reg, 2) == 0 && cell(reg, 3) == PLIC_SIZE,
	      "PLIC reg = <0x0 0x%lx 0x0 0x%lx> (2 address and 2 size cells)", PLIC_BASE,
	      PLIC_SIZE);
	CHECK(!fdt_find_compatible(dtb, "riscv,plic0", 1), "exactly one PLIC");
	CHECK(fdt_node_prop(dtb, plic, "interrupt-controller", &len) && len == 0,
	      "PLIC: interrupt-controller");
	CHECK_EQ(prop_u32(dtb, plic, "#interrupt-cells"), 1, "PLIC: #interrupt-cells = 1");
	ndev = prop_u32(dtb, plic, "riscv,ndev");
	if (under_keel)
		CHECK_EQ(ndev, PLIC_NDEV, "PLIC: riscv,ndev = %d", PLIC_NDEV);
	else
		test_skip("not under Keel: riscv,ndev is %lu, Keel's is %d", ndev, PLIC_NDEV);
	phandle = prop_u32(dtb, plic, "phandle");
	CHECK(phandle != ~0UL && phandle != 0, "PLIC: a phandle (%lu)", phandle);
	check_contexts(dtb, plic);

	serial = fdt_find_compatible(dtb, "ns16550a", 0);
	if (!CHECK(serial, "a node compatible \"ns16550a\""))
		return;
	reg = fdt_node_prop(dtb, serial, "reg", &len);
	CHECK(reg && len == 16 && cell(reg, 1) == UART_BASE,
	      "serial reg at 0x%lx (%s)", UART_BASE, fdt_node_name(dtb, serial));
	CHECK_EQ(prop_u32(dtb, serial, "interrupts"), UART_IRQ, "serial: interrupts = <%d>",
		 UART_IRQ);
	CHECK_EQ(prop_u32(dtb, serial, "interrupt-parent"), phandle,
		 "serial: interrupt-parent = the PLIC's phandle");
}
