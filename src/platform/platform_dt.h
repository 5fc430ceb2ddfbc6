/*
 * The platform parser's own pieces (platform.c, platform_harts.c,
 * platform_console.c): the device tree readers they share, and the two
 * parts platform_parse() hands to the other files.
 */
#ifndef KEEL_PLATFORM_DT_H
#define KEEL_PLATFORM_DT_H

#include <stdbool.h>
#include <stdint.h>

#include <libfdt.h>

#include "must_check.h"
#include "platform/platform.h"

/* ---- platform.c ---- */

/* A number of 1 or 2 cells, big-endian, as a device tree stores it */
uint64_t platform_read_cells(const fdt32_t *p, int cells);
/* A one-cell property of the node (#address-cells, reg-shift, ...), or dflt */
int platform_cells_of(const void *fdt, int node, const char *name, int dflt);
/*
 * A node's idx-th reg entry using its parent's #address/#size-cells.
 * Pass the parent when it is known: libfdt finds it by walking the tree
 * from its root (fdt_parent_offset), and with picolibc's byte-at-a-time
 * string functions one walk of QEMU's tree costs some 80 000
 * instructions of Keel's boot (docs/boot.md). 0, or -1 when there is none.
 */
int platform_read_reg_in(const void *fdt, int parent, int node, int idx, uint64_t *base,
			 uint64_t *size) MUST_CHECK;
/* The same, the parent found by libfdt's walk */
int platform_read_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size) MUST_CHECK;
/* status is "okay" or "ok", or absent */
bool platform_node_is_okay(const void *fdt, int node);

/* ---- platform_harts.c ---- */

/*
 * /cpus (cpus: its offset, or -1): the timebase and every hart, the boot
 * hart's ISA and MMU type. *boot_cpu: the boot hart's node. 0, or -1 with
 * a message in err.
 */
int platform_parse_cpus(const void *fdt, int cpus, unsigned long boot_hartid, struct platform *p,
			int *boot_cpu, char *err, unsigned long errlen) MUST_CHECK;

/* ---- platform_console.c ---- */

/*
 * The console UART /chosen/stdout-path names (chosen: /chosen's offset,
 * or -1) and its interrupt line (p->console_irq, or why not). 0, or -1
 * when there is no UART Keel can drive: not an error for the parse.
 */
int platform_parse_console(const void *fdt, int chosen, int boot_cpu, unsigned long boot_hartid,
			   struct platform *p) MUST_CHECK;
/*
 * A device node's line on plic (the console's, which hw_irq.c drives):
 * its one-cell interrupts, or -1 when it names none or another
 * controller, or when that PLIC is not known (!plic->valid).
 */
int platform_irq_source(const void *fdt, int node, const struct platform_irq *plic);

#endif
