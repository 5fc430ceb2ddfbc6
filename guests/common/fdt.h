/*
 * Just enough flattened-device-tree reading for the guests: validate the
 * header and find a property of the root or of a top-level node.
 */
#ifndef GUEST_FDT_H
#define GUEST_FDT_H

#define FDT_MAGIC 0xd00dfeedU

/* Big-endian 32-bit read at any alignment. */
unsigned int fdt_be32(const void *p);

/* Nonzero when fdt points at a plausible FDT (magic, version >= 16). */
int fdt_valid(const void *fdt);

/*
 * Property prop of top-level node node (matched up to its '@', so "memory"
 * finds "memory@80000000"; "" is the root). Returns its data and stores its
 * length in *len, or returns 0 when absent or fdt is not valid.
 */
const void *fdt_prop(const void *fdt, const char *node, const char *prop, int *len);

/* Guest RAM from /memory reg (first range); defaults when absent. */
void fdt_ram(const void *fdt, unsigned long *base, unsigned long *size);

/*
 * The number in "word=N" among the bootargs (/chosen/bootargs, args may be
 * NULL), or dflt when the word is not there.
 */
unsigned long bootarg_num(const char *args, const char *word, unsigned long dflt);

/* Is "word=value" (exactly that value) among the bootargs? args may be NULL. */
int bootarg_is(const char *args, const char *word, const char *value);

/* Is ext one of the multi-letter extensions ("_sstc") of a riscv,isa string? */
int isa_has_ext(const char *isa, const char *ext);

/* /cpus timebase-frequency; 10 MHz (QEMU virt) when absent. */
unsigned long fdt_timebase(const void *fdt);

/*
 * The index-th /cpus/cpu@N node in tree order: stores its hart id (reg) and
 * riscv,isa ("" when absent) and returns 1, or returns 0 when there are
 * fewer CPU nodes. Counting up from 0 until it fails gives the hart count.
 */
int fdt_cpu(const void *fdt, int index, unsigned long *hartid, const char **isa);

/*
 * Nodes at any depth. fdt_find_compatible gives the index-th node in tree
 * order whose compatible list holds compat, as a handle (> 0; 0 when there
 * is none) for the two calls below.
 */
long fdt_find_compatible(const void *fdt, const char *compat, int index);
/* The node's name with its unit address ("plic@c000000"), or 0. */
const char *fdt_node_name(const void *fdt, long node);
/* Property prop of that node itself (not of its children), as fdt_prop. */
const void *fdt_node_prop(const void *fdt, long node, const char *prop, int *len);

#endif
