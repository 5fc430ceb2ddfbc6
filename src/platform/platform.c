/*
 * Reading the platform device tree with libfdt. Pure logic: it only reads
 * the blob, so tests/unit runs it on QEMU's own DT under sanitizers.
 * Here: platform_parse() and what it reads itself (memory, reserved
 * memory, the bundle's place in /chosen), with the small readers the
 * other two files share (platform_dt.h); the harts are platform_harts.c's,
 * the console UART and its interrupt line platform_console.c's.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "platform/platform.h"
#include "platform/platform_dt.h"

/* The machine Keel runs on: main.c fills it in with platform_parse() */
struct platform platform;

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
		if (!type || strcmp(type, "memory") || !platform_node_is_okay(fdt, node))
			continue;
		for (int i = 0;; i++) {
			uint64_t base, size;
			if (platform_read_reg_in(fdt, 0, node, i, &base, &size))
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
			if (platform_read_reg_in(fdt, rm, node, i, &base, &size))
				break;
			add_reserved(p, base, size);
		}
	}
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
	p->initrd_start = platform_read_cells(s, slen / 4);
	p->initrd_end = platform_read_cells(e, elen / 4);
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
	p->fdt = fdt;
	model = fdt_getprop(fdt, 0, "model", NULL);
	snprintf(p->model, sizeof(p->model), "%s", model ? model : "unknown");
	if (parse_memory(fdt, p, &root, err, errlen) ||
	    platform_parse_cpus(fdt, root.cpus, boot_hartid, p, &boot_cpu, err, errlen))
		return -1;
	parse_reserved(fdt, root.reserved_memory, p);
	parse_chosen_initrd(fdt, root.chosen, p);
	/* No console is not fatal for parsing; keel_main decides. */
	if (platform_parse_console(fdt, root.chosen, boot_cpu, boot_hartid, p))
		p->uart.kind = HW_UART_NONE;
	return 0;
}
