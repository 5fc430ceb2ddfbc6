/*
 * Reading a device tree's cells, reg and status (platform_dt.h): what
 * platform.c, platform_harts.c and platform_console.c all need, here so
 * that none of them depends on another for it.
 */
#include <string.h>

#include <libfdt.h>

#include "platform/platform_dt.h"

uint64_t platform_read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

int platform_cells_of(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	if (!p || len != 4)
		return dflt;
	return (int)fdt32_to_cpu(*p);
}

/* platform_dt.h says why a caller passes the parent */
int platform_read_reg_in(const void *fdt, int parent, int node, int idx, uint64_t *base,
			 uint64_t *size)
{
	int ac = platform_cells_of(fdt, parent, "#address-cells", 2);
	int sc = platform_cells_of(fdt, parent, "#size-cells", 1);
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -1;
	if (len < (idx + 1) * (ac + sc) * 4)
		return -1;
	reg += idx * (ac + sc);
	*base = platform_read_cells(reg, ac);
	*size = sc ? platform_read_cells(reg + ac, sc) : 0;
	return 0;
}

int platform_read_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size)
{
	return platform_read_reg_in(fdt, fdt_parent_offset(fdt, node), node, idx, base, size);
}

bool platform_node_is_okay(const void *fdt, int node)
{
	const char *s = fdt_getprop(fdt, node, "status", NULL);
	return !s || !strcmp(s, "okay") || !strcmp(s, "ok");
}
