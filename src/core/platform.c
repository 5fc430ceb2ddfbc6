/*
 * Reading the platform device tree with libfdt. Pure logic: it only reads
 * the blob, so tests/unit runs it on QEMU's own DT under sanitizers.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "platform.h"
#include "riscv.h"

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

static int cells_of(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	if (!p || len != 4)
		return dflt;
	return (int)fdt32_to_cpu(*p);
}

/*
 * Read a node's idx-th reg entry using its parent's #address/#size-cells.
 * Pass the parent when it is known: libfdt finds it by walking the tree
 * from its root (fdt_parent_offset), and with picolibc's byte-at-a-time
 * string functions one walk of QEMU's tree costs some 80 000
 * instructions of Keel's boot (docs/boot.md).
 */
static int read_reg_in(const void *fdt, int parent, int node, int idx, uint64_t *base,
		       uint64_t *size)
{
	int ac = cells_of(fdt, parent, "#address-cells", 2);
	int sc = cells_of(fdt, parent, "#size-cells", 1);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -1;
	if (len < (idx + 1) * (ac + sc) * 4)
		return -1;
	reg += idx * (ac + sc);
	*base = read_cells(reg, ac);
	*size = sc ? read_cells(reg + ac, sc) : 0;
	return 0;
}

static int read_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size)
{
	return read_reg_in(fdt, fdt_parent_offset(fdt, node), node, idx, base, size);
}

static bool node_is_okay(const void *fdt, int node)
{
	const char *s = fdt_getprop(fdt, node, "status", NULL);
	return !s || !strcmp(s, "okay") || !strcmp(s, "ok");
}

/*
 * The root's children Keel reads by name. parse_memory walks the root's
 * children anyway and notes them: each lookup by path (fdt_path_offset)
 * would walk them again, some 30 000 instructions of Keel's boot a time.
 */
struct root_nodes {
	int cpus, chosen, reserved_memory; /* -1: not there */
};

/* Is a node named name the one a path lookup of "/want" finds? */
static bool node_name_is(const char *name, int len, const char *want)
{
	size_t n = strlen(want);

	return (size_t)len >= n && !memcmp(name, want, n) && ((size_t)len == n || name[n] == '@');
}

static void note_root_node(const void *fdt, int node, struct root_nodes *r)
{
	int len;
	const char *name = fdt_get_name(fdt, node, &len);

	if (!name)
		return;
	/* the first of a name, as a lookup by path finds it */
	if (r->cpus < 0 && node_name_is(name, len, "cpus"))
		r->cpus = node;
	else if (r->chosen < 0 && node_name_is(name, len, "chosen"))
		r->chosen = node;
	else if (r->reserved_memory < 0 && node_name_is(name, len, "reserved-memory"))
		r->reserved_memory = node;
}

static int parse_memory(const void *fdt, struct platform *p, struct root_nodes *r, char *err,
			unsigned long errlen)
{
	int node;

	*r = (struct root_nodes){ -1, -1, -1 };
	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		note_root_node(fdt, node, r);
		if (!type || strcmp(type, "memory") || !node_is_okay(fdt, node))
			continue;
		for (int i = 0;; i++) {
			uint64_t base, size;
			if (read_reg_in(fdt, 0, node, i, &base, &size))
				break;
			if (p->nr_ram == PLATFORM_MAX_RANGES)
				break;
			p->ram[p->nr_ram++] = (struct mem_range){ base, size };
		}
	}
	if (!p->nr_ram) {
		snprintf(err, errlen, "device tree has no /memory node with a reg");
		return -1;
	}
	return 0;
}

static void add_reserved(struct platform *p, uint64_t base, uint64_t size)
{
	if (size && p->nr_reserved < PLATFORM_MAX_RANGES)
		p->reserved[p->nr_reserved++] = (struct mem_range){ base, size };
}

static void parse_reserved(const void *fdt, int rm, struct platform *p)
{
	int n = fdt_num_mem_rsv(fdt);
	int node;

	for (int i = 0; i < n; i++) {
		uint64_t base, size;
		if (!fdt_get_mem_rsv(fdt, i, &base, &size))
			add_reserved(p, base, size);
	}
	if (rm < 0)
		return;
	fdt_for_each_subnode(node, fdt, rm) {
		for (int i = 0;; i++) {
			uint64_t base, size;
			if (read_reg_in(fdt, rm, node, i, &base, &size))
				break;
			add_reserved(p, base, size);
		}
	}
}

/* *boot_cpu: the boot hart's /cpus node (parse_console_irq) */
static int parse_cpus(const void *fdt, int cpus, unsigned long boot_hartid, struct platform *p,
		      int *boot_cpu, char *err, unsigned long errlen)
{
	int node, len;
	const fdt32_t *tb;
	bool boot_seen = false;

	if (cpus < 0) {
		snprintf(err, errlen, "device tree has no /cpus node");
		return -1;
	}
	tb = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	if (!tb || (len != 4 && len != 8)) {
		snprintf(err, errlen, "/cpus has no timebase-frequency");
		return -1;
	}
	p->timebase_freq = read_cells(tb, len / 4);

	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const char *mmu = fdt_getprop(fdt, node, "mmu-type", NULL);
		struct hart_isa_props isa = {
			.isa = fdt_getprop(fdt, node, "riscv,isa", NULL),
			.base = fdt_getprop(fdt, node, "riscv,isa-base", NULL),
			.exts = fdt_getprop(fdt, node, "riscv,isa-extensions", &isa.exts_len),
		};
		uint64_t hartid, unused;
		struct platform_hart *h;

		if (!type || strcmp(type, "cpu"))
			continue;
		if (read_reg_in(fdt, cpus, node, 0, &hartid, &unused))
			continue;
		if (p->nr_harts == KEEL_MAX_HARTS) {
			p->nr_harts_ignored++;
			continue;
		}
		h = &p->harts[p->nr_harts++];
		h->hartid = hartid;
		h->enabled = node_is_okay(fdt, node);
		h->has_h = hart_isa_has(&isa, "h");
		h->has_sstc = hart_isa_has(&isa, "sstc");
		h->has_smstateen =
		    hart_isa_has(&isa, "smstateen") || hart_isa_has(&isa, "ssstateen");
		h->has_siselect = hart_isa_has(&isa, "ssaia") || hart_isa_has(&isa, "smaia") ||
				  hart_isa_has(&isa, "sscsrind") || hart_isa_has(&isa, "smcsrind");
		h->usable = hart_isa_can_run_keel(&isa, mmu, h->why_not, sizeof(h->why_not));
		if (!h->enabled) {
			/* the firmware will not start it, whatever it implements */
			h->usable = false;
			snprintf(h->why_not, sizeof(h->why_not), "its status is \"%s\"",
				 (const char *)fdt_getprop(fdt, node, "status", NULL));
		}
		if (hartid == boot_hartid) {
			boot_seen = true;
			*boot_cpu = node;
			hart_isa_string(&isa, p->isa, sizeof(p->isa));
			snprintf(p->mmu_type, sizeof(p->mmu_type), "%s", mmu ? mmu : "riscv,sv39");
		}
	}
	if (!boot_seen) {
		snprintf(err, errlen, "boot hart %lu is not in /cpus", boot_hartid);
		return -1;
	}
	return 0;
}

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
		int cells = intc < 0 ? 1 : cells_of(fdt, intc, "#interrupt-cells", 1);
		uint64_t hartid, unused;

		if (cells < 1 || p + cells > end)
			return -1;
		if (boot && fdt32_to_cpu(p[0]) == IRQ_S_EXT)
			return ctx;
		if (!boot && intc >= 0 && fdt32_to_cpu(p[0]) == IRQ_S_EXT &&
		    !read_reg(fdt, fdt_parent_offset(fdt, intc), 0, &hartid, &unused) &&
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
	if (ctx < 0 || read_reg_in(fdt, plic_parent, plic, 0, &base, &size)) {
		p->console_irq.why_not = "the PLIC has no S-mode context for the boot hart";
		return;
	}
	p->console_irq = (struct platform_irq){
		.valid = true,
		.plic_base = base,
		.plic_size = size,
		.source = fdt32_to_cpu(*irq),
		.context = (unsigned int)ctx,
	};
}

static int parse_console(const void *fdt, int chosen, int boot_cpu, unsigned long boot_hartid,
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
	if (read_reg_in(fdt, parent, node, 0, &base, &size))
		return -1;
	p->uart.base = base;
	p->uart_size = size;
	p->uart.reg_shift = (unsigned int)cells_of(fdt, node, "reg-shift", 0);
	p->uart.reg_io_width = (unsigned int)cells_of(fdt, node, "reg-io-width", 1);
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

static void parse_chosen_initrd(const void *fdt, int chosen, struct platform *p)
{
	const fdt32_t *s, *e;
	int slen, elen;

	if (chosen < 0)
		return;
	s = fdt_getprop(fdt, chosen, "linux,initrd-start", &slen);
	e = fdt_getprop(fdt, chosen, "linux,initrd-end", &elen);
	if (!s || !e || (slen != 4 && slen != 8) || (elen != 4 && elen != 8))
		return;
	p->initrd_start = read_cells(s, slen / 4);
	p->initrd_end = read_cells(e, elen / 4);
}

const struct platform_hart *platform_first_usable(const struct platform *p,
						  unsigned long boot_hartid)
{
	const struct platform_hart *first = NULL;

	for (unsigned int i = 0; i < p->nr_harts; i++) {
		if (!p->harts[i].usable)
			continue;
		if (p->harts[i].hartid == boot_hartid)
			return &p->harts[i];
		if (!first)
			first = &p->harts[i];
	}
	return first;
}

int platform_parse(const void *fdt, unsigned long boot_hartid, struct platform *p,
		   char *err, unsigned long errlen)
{
	const char *model;
	int boot_cpu = -1;
	struct root_nodes root;

	memset(p, 0, sizeof(*p));
	if (fdt_check_header(fdt)) {
		snprintf(err, errlen, "no valid device tree at %p", fdt);
		return -1;
	}
	model = fdt_getprop(fdt, 0, "model", NULL);
	snprintf(p->model, sizeof(p->model), "%s", model ? model : "unknown");
	if (parse_memory(fdt, p, &root, err, errlen) ||
	    parse_cpus(fdt, root.cpus, boot_hartid, p, &boot_cpu, err, errlen))
		return -1;
	parse_reserved(fdt, root.reserved_memory, p);
	parse_chosen_initrd(fdt, root.chosen, p);
	/* No console is not fatal for parsing; keel_main decides. */
	if (parse_console(fdt, root.chosen, boot_cpu, boot_hartid, p))
		p->uart.kind = HW_UART_NONE;
	return 0;
}
