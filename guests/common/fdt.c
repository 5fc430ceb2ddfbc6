#include "fdt.h"

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

#define DEFAULT_RAM_BASE 0x80000000UL
#define DEFAULT_RAM_SIZE (256UL << 20)
#define DEFAULT_TIMEBASE 10000000UL

unsigned int fdt_be32(const void *p)
{
	const unsigned char *b = p;

	return (unsigned int)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

int fdt_valid(const void *fdt)
{
	return fdt && !((unsigned long)fdt & 3) &&
	       fdt_be32(fdt) == FDT_MAGIC &&
	       fdt_be32((const char *)fdt + 20) >= 16;	/* version */
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* "memory@80000000" matches "memory"; "cpus" matches "cpus". */
static int node_match(const char *name, const char *want)
{
	while (*want && *name == *want) {
		name++;
		want++;
	}
	return !*want && (!*name || *name == '@');
}

static unsigned long strlen_pad4(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return (n + 1 + 3) & ~3UL;
}

const void *fdt_prop(const void *fdt, const char *node, const char *prop, int *len)
{
	const char *base = fdt, *p, *strings;
	int depth = 0, in_node = !*node;	/* root: props at depth 1 */

	if (!fdt_valid(fdt))
		return 0;
	p = base + fdt_be32(base + 8);		/* off_dt_struct */
	strings = base + fdt_be32(base + 12);	/* off_dt_strings */

	for (;;) {
		unsigned int tok = fdt_be32(p);

		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			depth++;
			/* depth 1 is the root; its children are depth 2 */
			if (depth == 2 && *node)
				in_node = node_match(p, node);
			p += strlen_pad4(p);
			break;
		case FDT_END_NODE:
			if (depth == 2 && *node)
				in_node = 0;
			depth--;
			break;
		case FDT_PROP: {
			unsigned int plen = fdt_be32(p);
			const char *name = strings + fdt_be32(p + 4);

			if (in_node && depth == (*node ? 2 : 1) && str_eq(name, prop)) {
				*len = (int)plen;
				return p + 8;
			}
			p += 8 + ((plen + 3) & ~3U);
			break;
		}
		case FDT_NOP:
			break;
		default:	/* FDT_END or garbage */
			return 0;
		}
	}
}

/* A value of cells big-endian 32-bit cells (1 or 2). */
static unsigned long read_cells(const char *p, unsigned int cells)
{
	unsigned long v = 0;

	while (cells--) {
		v = v << 32 | fdt_be32(p);
		p += 4;
	}
	return v;
}

void fdt_ram(const void *fdt, unsigned long *base, unsigned long *size)
{
	unsigned int ac = 2, sc = 1;	/* spec defaults */
	const char *p;
	int len;

	*base = DEFAULT_RAM_BASE;
	*size = DEFAULT_RAM_SIZE;
	if ((p = fdt_prop(fdt, "", "#address-cells", &len)) && len == 4)
		ac = fdt_be32(p);
	if ((p = fdt_prop(fdt, "", "#size-cells", &len)) && len == 4)
		sc = fdt_be32(p);
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return;
	p = fdt_prop(fdt, "memory", "reg", &len);
	if (!p || len < (int)(4 * (ac + sc)))
		return;
	*base = read_cells(p, ac);
	*size = read_cells(p + 4 * ac, sc);
}

unsigned long fdt_timebase(const void *fdt)
{
	const char *p;
	int len;

	p = fdt_prop(fdt, "cpus", "timebase-frequency", &len);
	if (p && len == 4)
		return fdt_be32(p);
	if (p && len == 8)
		return read_cells(p, 2);
	return DEFAULT_TIMEBASE;
}

int fdt_cpu(const void *fdt, int index, unsigned long *hartid, const char **isa)
{
	const char *base = fdt, *p, *strings;
	int depth = 0, in_cpus = 0, in_cpu = 0;

	if (!fdt_valid(fdt))
		return 0;
	p = base + fdt_be32(base + 8);
	strings = base + fdt_be32(base + 12);
	*hartid = ~0UL;
	*isa = "";

	for (;;) {
		unsigned int tok = fdt_be32(p);

		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			depth++;
			if (depth == 2)
				in_cpus = node_match(p, "cpus");
			/* "cpu@0" counts; "cpu-map" and the cpus' children do not */
			if (depth == 3 && in_cpus && node_match(p, "cpu"))
				in_cpu = index-- == 0;
			p += strlen_pad4(p);
			break;
		case FDT_END_NODE:
			if (depth == 3 && in_cpu)
				return 1;
			depth--;
			break;
		case FDT_PROP: {
			unsigned int plen = fdt_be32(p);
			const char *name = strings + fdt_be32(p + 4);

			if (in_cpu && depth == 3) {
				/* reg is 1 cell on every RISC-V DT, 2 allowed */
				if (str_eq(name, "reg") && (plen == 4 || plen == 8))
					*hartid = read_cells(p + 8, plen / 4);
				else if (str_eq(name, "riscv,isa"))
					*isa = p + 8;
			}
			p += 8 + ((plen + 3) & ~3U);
			break;
		}
		case FDT_NOP:
			break;
		default:
			return 0;
		}
	}
}
