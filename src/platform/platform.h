/*
 * What Keel learns about the machine from the device tree OpenSBI hands it.
 * Nothing here is specific to QEMU virt: the same binary reads a board's DT.
 */
#ifndef KEEL_PLATFORM_H
#define KEEL_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_config.h"
#include "lib/console.h"
#include "platform/hart_isa.h"
#include "must_check.h"

#define PLATFORM_MAX_RANGES 16

struct mem_range {
	uint64_t base, size;
};

struct platform_hart {
	unsigned long hartid;
	bool has_h;    /* H in riscv,isa-extensions, or else in riscv,isa */
	bool has_sstc; /* Sstc, the same way */
	bool has_smstateen; /* Smstateen or Ssstateen: hstateen0 (arch_probe_host) */
	/* Ssaia, Smaia, Sscsrind or Smcsrind: siselect, vsiselect (docs/isolation.md) */
	bool has_siselect;
	bool enabled;  /* status is "okay" (or absent) */
	/*
	 * Keel can run here: enabled, RV64 with what Keel is built for
	 * (imac), H, and an MMU that does Sv39 (the H extension's minimum,
	 * and the guests' page tables). Otherwise why_not says why, e.g.
	 * "no H extension in its riscv,isa-extensions", for keel_main to
	 * print: the parser itself prints nothing.
	 */
	bool usable;
	char why_not[80];
};

/*
 * The console UART's interrupt line, when it goes to a PLIC that has an
 * S-mode context on the boot hart: then Keel takes console input on an
 * interrupt instead of polling for it.
 */
struct platform_irq {
	bool valid;
	/* !valid: why the console's line cannot be used (a static string) */
	const char *why_not;
	uint64_t plic_base, plic_size;
	int plic_node;         /* its node: other devices' lines name it by phandle */
	unsigned int source;  /* the UART's PLIC source */
	unsigned int context; /* the boot hart's S-mode context */
};

struct platform {
	struct mem_range ram[PLATFORM_MAX_RANGES];
	unsigned int nr_ram;
	struct mem_range reserved[PLATFORM_MAX_RANGES];
	unsigned int nr_reserved;
	struct platform_hart harts[KEEL_MAX_HARTS];
	unsigned int nr_harts;
	unsigned int nr_harts_ignored; /* more than KEEL_MAX_HARTS in the DT */
	uint64_t timebase_freq;
	struct hw_uart uart;
	uint64_t uart_size;
	struct platform_irq console_irq;
	uint64_t initrd_start, initrd_end; /* /chosen linux,initrd-*: the bundle */
	char isa[128];      /* the boot hart's ISA as a riscv,isa string (hart_isa.h) */
	char mmu_type[24];  /* mmu-type of the boot hart, e.g. "riscv,sv57" */
	char model[64];
	const void *fdt;    /* the device tree itself, for what is looked up later (host_blk.c) */
};

/* The machine Keel runs on (platform.c; main.c fills it in at boot). */
extern struct platform platform;

/*
 * Parse the platform DT. Returns 0, or -1 with a message in err (which
 * names the node/property that was wrong).
 */
int platform_parse(const void *fdt, unsigned long boot_hartid, struct platform *p,
		   char *err, unsigned long errlen) MUST_CHECK;

/* The first usable hart (the boot hart if it is), or NULL if none is. */
const struct platform_hart *platform_first_usable(const struct platform *p,
						  unsigned long boot_hartid);

#endif
