/*
 * The harts of the platform device tree (platform.h): /cpus, its timebase,
 * each cpu node's hart id, status, ISA and MMU, and whether Keel can run
 * there. Pure logic, as platform.c.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "platform/platform.h"
#include "platform/platform_dt.h"

int platform_parse_cpus(const void *fdt, int cpus, unsigned long boot_hartid, struct platform *p,
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
	p->timebase_freq = platform_read_cells(tb, len / 4);

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
		if (platform_read_reg_in(fdt, cpus, node, 0, &hartid, &unused))
			continue;
		if (p->nr_harts == KEEL_MAX_HARTS) {
			p->nr_harts_ignored++;
			continue;
		}
		h = &p->harts[p->nr_harts++];
		h->hartid = hartid;
		h->enabled = platform_node_is_okay(fdt, node);
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
