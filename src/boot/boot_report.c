/*
 * What the boot tells whoever watches the console about the machine Keel
 * found and what it made of it (docs/boot.md): the banner, the harts it
 * leaves out and why, where each VM's vCPUs live.
 */
#include <stdio.h>

#include "arch/riscv/arch.h"
#include "boot/boot_report.h"
#include "lib/console.h"
#include "hart.h"
#include "platform/platform.h"
#include "vm.h"

extern char _image_start[], _image_end[];

void boot_report_machine(unsigned long boot_hartid)
{
	unsigned int nh = 0;
	uint64_t ram = 0;

	for (unsigned int i = 0; i < platform.nr_ram; i++)
		ram += platform.ram[i].size;
	for (unsigned int i = 0; i < platform.nr_harts; i++)
		nh += platform.harts[i].has_h;
	kprintf("\n[keel] Keel %s, a RISC-V hypervisor, on %s\n", KEEL_VERSION_STRING,
		platform.model);
	kprintf("[keel] harts: %u in the device tree (%u with H), booting on hart %lu%s\n",
		platform.nr_harts, nh, boot_hartid,
		platform.nr_harts_ignored ? " (some beyond KEEL_MAX_HARTS ignored)" : "");
	kprintf("[keel] RAM: %llu MiB in %u range(s), timebase %llu Hz\n",
		(unsigned long long)(ram >> 20), platform.nr_ram,
		(unsigned long long)platform.timebase_freq);
	/* at the link address this line is left out, as before relocation */
	if (keel_load_offset)
		kprintf("[keel] image: 0x%lx-0x%lx, linked at 0x%lx: relocated by %c0x%lx\n",
			(unsigned long)_image_start, (unsigned long)_image_end,
			(unsigned long)KEEL_LINK_ADDR,
			(long)keel_load_offset < 0 ? '-' : '+',
			(long)keel_load_offset < 0 ? -keel_load_offset : keel_load_offset);
	kprintf("[keel] H extension: G-stage %s, %u VMID bits, Sstc for HS %s, Svadu for "
		"guests %s\n",
		host.gstage_levels == 4 ? "Sv48x4" : "Sv39x4", host.vmid_bits,
		host.sstc ? "yes" : "no (timer through SBI)",
		!host.svadu ? "no" : host.svadu_from_fw ? "yes (asked of the firmware's FWFT)"
							: "yes");
	kprintf("[keel] firmware: SBI %lu.%lu, implementation %lu\n",
		host.fw_spec_version >> 24, host.fw_spec_version & 0xffffff, host.fw_impl_id);
	if (host.fw_redirect_broken)
		kprintf("[keel] firmware: its redirect of a guest trap to HS returns to VS "
			"(scause %lu; docs/boards.md): illegal-instruction, misaligned and "
			"access faults go to guests directly, counted by the firmware\n",
			host.fw_redirect_cause);
	/* tests/system/cases.sh (sbi-stip-host) reads this line */
	if (!host.vsip_shows_hvip_vstip || (host.sstc && !host.vsip_shows_vstimecmp))
		kprintf("[keel] this hart hides a pending VS timer interrupt from a guest's sip "
			"(raised through hvip: %s, by vstimecmp: %s; QEMU before 8.0): delivered, "
			"but sip.STIP reads 0\n",
			host.vsip_shows_hvip_vstip ? "shown" : "hidden",
			!host.sstc ? "no Sstc" : host.vsip_shows_vstimecmp ? "shown" : "hidden");
}

void boot_report_placement(void)
{
	char line[160];
	int n;

	pr_info("harts: Keel runs on %u\n", nr_harts);
	for (unsigned int i = 0; i < nr_vms; i++) {
		n = snprintf(line, sizeof(line), "VM '%s': vCPU homes (hart ids):", vms[i].cfg->name);
		for (unsigned int k = 0; k < vms[i].nr_vcpus && n > 0 && (size_t)n < sizeof(line); k++)
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %lu",
				      vms[i].vcpus[k].hart->hartid);
		pr_info("%s\n", line);
	}
}

void boot_report_left_out(void)
{
	for (unsigned int i = 0; i < platform.nr_harts; i++)
		if (!platform.harts[i].usable)
			pr_info("hart %lu: %s: left out\n", platform.harts[i].hartid,
				platform.harts[i].why_not);
}
