/*
 * The console of the platform device tree (platform.h): the UART
 * /chosen/stdout-path names, and its interrupt line when a PLIC carries it
 * to the boot hart's S-mode. Every lookup here avoids libfdt's walks from
 * the root where it can (docs/boot.md: they cost tens of thousands of
 * instructions each). Pure logic, as platform.c.
 */
#include <string.h>

#include <libfdt.h>

#include "platform/platform.h"
#include "platform/platform_dt.h"
#include "riscv.h"

/* A node's phandle, or 0: its properties read once for both names */
static uint32_t node_phandle(const void *fdt, int node)
{
	int prop;

	fdt_for_each_property_offset(prop, fdt, node) {
		const char *name;
		int len;
		const fdt32_t *v = fdt_getprop_by_offset(fdt, prop, &name, &len);

		if (v && len == 4 && (!strcmp(name, "phandle") || !strcmp(name, "linux,phandle")))
			return fdt32_to_cpu(*v);
	}
	return 0;
}

#define MAX_DT_DEPTH 32

/*
 * The node with this phandle, and its parent's offset, from one walk of
 * the tree: fdt_node_offset_by_phandle walks it too, reads each node's
 * properties twice ("phandle", then "linux,phandle"), and finding the
 * parent afterwards (fdt_parent_offset) would walk it again.
 */
static int node_by_phandle(const void *fdt, uint32_t phandle, int *parent)
{
	int path[MAX_DT_DEPTH];
	int depth = 0;

	if (!phandle || phandle == (uint32_t)-1)
		return -1;
	for (int node = 0; node >= 0 && depth >= 0; node = fdt_next_node(fdt, node, &depth)) {
		if (depth >= MAX_DT_DEPTH)
			continue;
		path[depth] = node;
		if (node_phandle(fdt, node) == phandle) {
			*parent = depth ? path[depth - 1] : -1;
			return node;
		}
	}
	return -1;
}

/*
 * The node's interrupt parent: its own interrupt-parent, or its parent's
 * (parent: the node's, when known, else -1), and that controller's parent.
 */
static int interrupt_parent(const void *fdt, int node, int parent, int *ctrl_parent)
{
	while (node >= 0) {
		const fdt32_t *ph = fdt_getprop(fdt, node, "interrupt-parent", NULL);

		if (ph)
			return node_by_phandle(fdt, fdt32_to_cpu(*ph), ctrl_parent);
		node = parent >= 0 ? parent : fdt_parent_offset(fdt, node);
		parent = -1;
	}
	return -1;
}

/*
 * The PLIC context whose parent is the boot hart's interrupt controller
 * with the S-mode external interrupt (9), from interrupts-extended: each
 * entry is a phandle and that controller's #interrupt-cells cells.
 */
static int boot_hart_s_context(const void *fdt, int plic, int boot_cpu,
			       unsigned long boot_hartid)
{
	int len, ctx = 0;
	const fdt32_t *p = fdt_getprop(fdt, plic, "interrupts-extended", &len);
	const fdt32_t *end;
	/*
	 * The boot hart's own controller (its cpu node's interrupt-controller
	 * child) is known without a search by phandle, which walks the whole
	 * tree; any other entry is looked up, as it must be to step over it.
	 */
	int boot_intc = fdt_subnode_offset(fdt, boot_cpu, "interrupt-controller");
	uint32_t boot_phandle = boot_intc < 0 ? 0 : fdt_get_phandle(fdt, boot_intc);

	if (!p)
		return -1;
	end = p + len / 4;
	while (p < end) {
		uint32_t phandle = fdt32_to_cpu(*p++);
		bool boot = boot_phandle && phandle == boot_phandle;
		int intc = boot ? boot_intc : fdt_node_offset_by_phandle(fdt, phandle);
		int cells = intc < 0 ? 1 : platform_cells_of(fdt, intc, "#interrupt-cells", 1);
		uint64_t hartid, unused;

		if (cells < 1 || p + cells > end)
			return -1;
		if (boot && fdt32_to_cpu(p[0]) == IRQ_S_EXT)
			return ctx;
		if (!boot && intc >= 0 && fdt32_to_cpu(p[0]) == IRQ_S_EXT &&
		    !platform_read_reg(fdt, fdt_parent_offset(fdt, intc), 0, &hartid, &unused) &&
		    hartid == boot_hartid)
			return ctx;
		p += cells;
		ctx++;
	}
	return -1;
}

/* The console's line, if a PLIC carries it to the boot hart's S-mode. */
static void parse_console_irq(const void *fdt, int uart, int uart_parent, int boot_cpu,
			      unsigned long boot_hartid, struct platform *p)
{
	int len, plic_parent = -1, plic = interrupt_parent(fdt, uart, uart_parent, &plic_parent), ctx;
	const fdt32_t *irq = fdt_getprop(fdt, uart, "interrupts", &len);
	uint64_t base, size;

	if (plic >= 0 && !fdt_node_check_compatible(fdt, plic, "riscv,aplic")) {
		/* -machine virt,aia=aplic-imsic: no PLIC at all */
		p->console_irq.why_not = "its interrupt controller is an APLIC (AIA), "
					 "which Keel does not drive yet";
		return;
	}
	if (!irq || len != 4 || plic < 0) {
		p->console_irq.why_not = "the UART's node names no single-cell interrupt line";
		return;
	}
	if (fdt_node_check_compatible(fdt, plic, "riscv,plic0") &&
	    fdt_node_check_compatible(fdt, plic, "sifive,plic-1.0.0")) {
		p->console_irq.why_not = "its interrupt controller is not a PLIC Keel knows";
		return;
	}
	ctx = boot_hart_s_context(fdt, plic, boot_cpu, boot_hartid);
	if (ctx < 0 || platform_read_reg_in(fdt, plic_parent, plic, 0, &base, &size)) {
		p->console_irq.why_not = "the PLIC has no S-mode context for the boot hart";
		return;
	}
	p->console_irq = (struct platform_irq){
		.valid = true,
		.plic_base = base,
		.plic_size = size,
		.plic_node = plic,
		.source = fdt32_to_cpu(*irq),
		.context = (unsigned int)ctx,
	};
}

int platform_parse_console(const void *fdt, int chosen, int boot_cpu, unsigned long boot_hartid,
			   struct platform *p)
{
	const char *path, *slash;
	char name[128];
	int node, parent, len;
	uint64_t base, size;

	if (chosen < 0)
		return -1;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path)
		return -1;
	/* "path:options": the options (baud rate) are firmware's business */
	len = (int)strcspn(path, ":");
	if (len >= (int)sizeof(name))
		return -1;
	memcpy(name, path, (size_t)len);
	name[len] = 0;
	node = fdt_path_offset(fdt, name);
	if (node < 0)
		return -1;
	/* its parent from the path: cheaper than fdt_parent_offset's walk */
	slash = strrchr(name, '/');
	if (name[0] == '/' && slash)
		parent = slash == name ? 0 : fdt_path_offset_namelen(fdt, name, (int)(slash - name));
	else
		parent = fdt_parent_offset(fdt, node); /* an alias */
	if (platform_read_reg_in(fdt, parent, node, 0, &base, &size))
		return -1;
	p->uart.base = base;
	p->uart_size = size;
	p->uart.reg_shift = (unsigned int)platform_cells_of(fdt, node, "reg-shift", 0);
	p->uart.reg_io_width = (unsigned int)platform_cells_of(fdt, node, "reg-io-width", 1);
	if (!fdt_node_check_compatible(fdt, node, "ns16550a") ||
	    !fdt_node_check_compatible(fdt, node, "ns16550") ||
	    !fdt_node_check_compatible(fdt, node, "snps,dw-apb-uart"))
		p->uart.kind = HW_UART_NS16550;
	else if (!fdt_node_check_compatible(fdt, node, "sifive,uart0"))
		p->uart.kind = HW_UART_SIFIVE;
	else
		return -1;
	parse_console_irq(fdt, node, parent, boot_cpu, boot_hartid, p);
	return 0;
}

int platform_irq_source(const void *fdt, int node, const struct platform_irq *plic)
{
	const fdt32_t *irq;
	int len;

	if (!plic->valid)
		return -1;
	irq = fdt_getprop(fdt, node, "interrupts", &len);
	if (!irq || len != 4)
		return -1;
	for (int n = node; n >= 0; n = fdt_parent_offset(fdt, n)) {
		const fdt32_t *ph = fdt_getprop(fdt, n, "interrupt-parent", &len);

		if (ph && len == 4)
			return fdt32_to_cpu(*ph) == fdt_get_phandle(fdt, plic->plic_node)
				       ? (int)fdt32_to_cpu(*irq) : -1;
	}
	return -1;
}
