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

/*
 * One pass over the structure block: visit() sees each node's start (with
 * its name) and end, and each property (name, value, length), with the
 * depth of the node they belong to (the root is 1). It stops when visit()
 * returns nonzero and gives that back; 0 at the end or on a bad blob.
 */
enum walk_event { WALK_BEGIN, WALK_END, WALK_PROP };

typedef int (*walk_visitor)(void *ctx, enum walk_event ev, int depth, const char *name,
			    const char *value, unsigned int len);

static int fdt_walk(const void *fdt, walk_visitor visit, void *ctx)
{
	const char *base = fdt, *p, *strings;
	int depth = 0, r;

	if (!fdt_valid(fdt))
		return 0;
	p = base + fdt_be32(base + 8);		/* off_dt_struct */
	strings = base + fdt_be32(base + 12);	/* off_dt_strings */
	for (;;) {
		unsigned int tok = fdt_be32(p), plen;

		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			depth++;
			if ((r = visit(ctx, WALK_BEGIN, depth, p, 0, 0)))
				return r;
			p += strlen_pad4(p);
			break;
		case FDT_END_NODE:
			if ((r = visit(ctx, WALK_END, depth, 0, 0, 0)))
				return r;
			depth--;
			break;
		case FDT_PROP:
			plen = fdt_be32(p);
			if ((r = visit(ctx, WALK_PROP, depth, strings + fdt_be32(p + 4), p + 8, plen)))
				return r;
			p += 8 + ((plen + 3) & ~3U);
			break;
		case FDT_NOP:
			break;
		default:	/* FDT_END or garbage */
			return 0;
		}
	}
}

struct prop_search {
	const char *node, *prop;
	int in_node;
	const char *value;
	unsigned int len;
};

static int prop_visit(void *ctx, enum walk_event ev, int depth, const char *name,
		      const char *value, unsigned int len)
{
	struct prop_search *s = ctx;

	/* depth 1 is the root; its children are depth 2 */
	if (ev == WALK_BEGIN && depth == 2 && *s->node)
		s->in_node = node_match(name, s->node);
	else if (ev == WALK_END && depth == 2 && *s->node)
		s->in_node = 0;
	else if (ev == WALK_PROP && s->in_node && depth == (*s->node ? 2 : 1) &&
		 str_eq(name, s->prop)) {
		s->value = value;
		s->len = len;
		return 1;
	}
	return 0;
}

const void *fdt_prop(const void *fdt, const char *node, const char *prop, int *len)
{
	struct prop_search s = { .node = node, .prop = prop, .in_node = !*node };

	if (!fdt_walk(fdt, prop_visit, &s))
		return 0;
	*len = (int)s.len;
	return s.value;
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

struct cpu_search {
	int index, in_cpus, in_cpu;
	unsigned long *hartid;
	const char **isa;
};

static int cpu_visit(void *ctx, enum walk_event ev, int depth, const char *name,
		     const char *value, unsigned int len)
{
	struct cpu_search *s = ctx;

	if (ev == WALK_BEGIN) {
		if (depth == 2)
			s->in_cpus = node_match(name, "cpus");
		/* "cpu@0" counts; "cpu-map" and the cpus' children do not */
		if (depth == 3 && s->in_cpus && node_match(name, "cpu"))
			s->in_cpu = s->index-- == 0;
	} else if (ev == WALK_END) {
		return depth == 3 && s->in_cpu;
	} else if (s->in_cpu && depth == 3) {
		/* reg is 1 cell on every RISC-V DT, 2 allowed */
		if (str_eq(name, "reg") && (len == 4 || len == 8))
			*s->hartid = read_cells(value, len / 4);
		else if (str_eq(name, "riscv,isa"))
			*s->isa = value;
	}
	return 0;
}

int fdt_cpu(const void *fdt, int index, unsigned long *hartid, const char **isa)
{
	struct cpu_search s = { .index = index, .hartid = hartid, .isa = isa };

	*hartid = ~0UL;
	*isa = "";
	return fdt_walk(fdt, cpu_visit, &s);
}

/* ---- nodes at any depth, by compatible string --------------------------- */

#define FDT_MAX_DEPTH 16

/* Does the string list list (len bytes, NUL-separated) hold s? */
static int strlist_has(const char *list, unsigned int len, const char *s)
{
	const char *end = list + len;

	while (list < end) {
		if (str_eq(list, s))
			return 1;
		while (list < end && *list)
			list++;
		list++;
	}
	return 0;
}

struct compat_search {
	const char *compat;
	int index;
	const char *node[FDT_MAX_DEPTH + 1];	/* name of the open node per depth */
	const char *found;
};

static int compat_visit(void *ctx, enum walk_event ev, int depth, const char *name,
			const char *value, unsigned int len)
{
	struct compat_search *s = ctx;

	if (depth > FDT_MAX_DEPTH)
		return 0;
	if (ev == WALK_BEGIN)
		s->node[depth] = name;
	else if (ev == WALK_PROP && str_eq(name, "compatible") &&
		 strlist_has(value, len, s->compat) && s->index-- == 0) {
		s->found = s->node[depth];
		return 1;
	}
	return 0;
}

long fdt_find_compatible(const void *fdt, const char *compat, int index)
{
	struct compat_search s = { .compat = compat, .index = index };

	if (!fdt_walk(fdt, compat_visit, &s))
		return 0;
	return s.found - (const char *)fdt;
}

const char *fdt_node_name(const void *fdt, long node)
{
	return node > 0 ? (const char *)fdt + node : 0;
}

struct node_prop_search {
	const char *node, *prop;
	int depth;		/* of the node once its start is seen, else 0 */
	const char *value;
	unsigned int len;
};

static int node_prop_visit(void *ctx, enum walk_event ev, int depth, const char *name,
			   const char *value, unsigned int len)
{
	struct node_prop_search *s = ctx;

	if (ev == WALK_BEGIN && name == s->node)
		s->depth = depth;
	else if (ev == WALK_END && depth == s->depth)
		return -1;	/* the node ended without the property */
	else if (ev == WALK_PROP && s->depth && depth == s->depth && str_eq(name, s->prop)) {
		s->value = value;
		s->len = len;
		return 1;
	}
	return 0;
}

const void *fdt_node_prop(const void *fdt, long node, const char *prop, int *len)
{
	struct node_prop_search s = { .node = fdt_node_name(fdt, node), .prop = prop };

	if (!s.node || fdt_walk(fdt, node_prop_visit, &s) != 1)
		return 0;
	*len = (int)s.len;
	return s.value;
}

int bootarg_is(const char *args, const char *word, const char *value)
{
	for (const char *s = args; s && *s; s++) {
		const char *a = s, *b = word;

		while (*b && *a == *b)
			a++, b++;
		if (*b || *a != '=')
			continue;
		for (a++, b = value; *b && *a == *b; a++, b++)
			;
		return !*b && (!*a || *a == ' ');
	}
	return 0;
}

int isa_has_ext(const char *isa, const char *ext)
{
	for (; isa && *isa; isa++) {
		const char *a = isa + 1, *b = ext;

		if (*isa != '_')
			continue;
		while (*b && *a == *b)
			a++, b++;
		if (!*b && (!*a || *a == '_'))
			return 1;
	}
	return 0;
}

unsigned long bootarg_num(const char *args, const char *word, unsigned long dflt)
{
	for (const char *s = args; s && *s; s++) {
		const char *a = s, *b = word;
		unsigned long v = 0;

		while (*b && *a == *b)
			a++, b++;
		if (*b || *a != '=')
			continue;
		for (a++; *a >= '0' && *a <= '9'; a++)
			v = v * 10 + (unsigned long)(*a - '0');
		return v;
	}
	return dflt;
}
