/*
 * What a VM holds when it powers on, at its creation and at every restart:
 * its image, initrd and device tree in guest RAM, and its emulated devices
 * in their reset state.
 */
#include <stdio.h>

#include <libfdt.h>

#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "vm/guest_fdt.h"
#include "vm/image.h"
#include "lib/memops.h"
#include "platform/platform.h"
#include "vm.h"
#include "vm/vm_load.h"
#include "vm/vm_virtio.h"

static void uart_tx(void *ctx, uint8_t byte)
{
	char c = (char)byte;
	vm_console_write(ctx, &c, 1);
}

/* Power-on state of the emulated devices and the lines they drive */
void vm_devices_reset(struct vm *vm)
{
	uart16550_init(&vm->uart, uart_tx, vm);
	vplic_init(&vm->plic, vm->nr_vcpus);
	vm_virtio_reset(vm);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].ext_line = false;
}

/*
 * Load the image, initrd and DT into guest RAM. vm_gpa_to_hva zeroes each
 * block they land in first, so the rest of those blocks (and an ELF
 * segment's bss) read zero; the blocks nothing lands in stay untouched
 * until the guest touches them.
 */
int vm_load(struct vm *vm, char *err, unsigned long errlen)
{
	const struct vm_config *cfg = vm->cfg;
	struct image_plan plan;
	struct guest_fdt_params fp;
	uint64_t initrd_start = 0, initrd_end = 0;
	uint8_t *dtb;
	char why[160];

	if (image_plan(cfg->image, cfg->image_size, vm->ram_base, vm->ram_size, &plan, why,
		       sizeof(why))) {
		snprintf(err, errlen, "VM '%s': image: %s", cfg->name, why);
		return -1;
	}
	for (unsigned int i = 0; i < plan.nr_seg; i++) {
		const struct image_segment *s = &plan.seg[i];
		mem_copy(vm_gpa_to_hva(vm, s->gpa, s->mem_size),
			 (const uint8_t *)cfg->image + s->file_offset, s->file_size);
	}
	vm->entry = plan.entry;
	vm->image_kind = image_kind_name(plan.kind);

	/* The DT goes at the top 2 MiB of RAM, the initrd just below it. */
	vm->dtb_gpa = vm->ram_base + vm->ram_size - 0x200000;
	if (cfg->initrd) {
		initrd_start = (vm->dtb_gpa - cfg->initrd_size) & ~(PAGE_SIZE - 1);
		initrd_end = initrd_start + cfg->initrd_size;
		if (initrd_start < plan.end || initrd_start > vm->dtb_gpa) {
			snprintf(err, errlen, "VM '%s': initrd of %llu bytes does not fit in %llu MiB "
					      "of RAM above the image",
				 cfg->name, (unsigned long long)cfg->initrd_size,
				 (unsigned long long)(vm->ram_size >> 20));
			return -1;
		}
		mem_copy(vm_gpa_to_hva(vm, initrd_start, cfg->initrd_size), cfg->initrd,
			 cfg->initrd_size);
	}
	if (plan.end > vm->dtb_gpa) {
		snprintf(err, errlen, "VM '%s': image ends at 0x%llx, over the device tree at 0x%llx: "
				      "give the VM more memory",
			 cfg->name, (unsigned long long)plan.end, (unsigned long long)vm->dtb_gpa);
		return -1;
	}

	fp = (struct guest_fdt_params){
		.vm_name = cfg->name,
		.ram_base = vm->ram_base,
		.ram_size = vm->ram_size,
		.nr_vcpus = vm->nr_vcpus,
		.host_isa = platform.isa,
		.guest_has_sstc = vm->guest_sstc,
		.guest_has_svadu = vm->guest_svadu,
		.mmu_type = platform.mmu_type,
		.timebase_freq = platform.timebase_freq,
		.bootargs = cfg->bootargs,
		.initrd_start = initrd_start,
		.initrd_end = initrd_end,
		.uart_base = VM_UART_BASE,
		.uart_size = vm->has_uart ? UART16550_SIZE : 0,
		.uart_clock = VM_UART_CLOCK,
		.plic_base = VM_PLIC_BASE,
		.plic_size = vm->has_plic ? VPLIC_SIZE : 0,
		.plic_ndev = VPLIC_NDEV,
		.uart_irq = VM_UART_IRQ,
		.virtio_base = VM_VIRTIO_BASE,
		.nr_virtio = vm->nr_virtio,
		.virtio_irq = VM_VIRTIO_IRQ,
		.boot_count = (uint32_t)vm->reboots,
		.entry_instret = keel_entry_instret,
	};
	dtb = vm_gpa_to_hva(vm, vm->dtb_gpa, VM_DTB_MAX);
	if (guest_fdt_build(dtb, VM_DTB_MAX, &fp, err, errlen))
		return -1;
	/*
	 * libfdt builds the strings block at the end of the buffer and moves
	 * it down when it finishes: what it leaves behind the tree is not
	 * the guest's to see (tests/system/zeroram.sh found it).
	 */
	mem_zero(dtb + fdt_totalsize(dtb), VM_DTB_MAX - fdt_totalsize(dtb));
	/* The image may hold code: make instruction fetches see it. */
	arch_fence_i();
	return 0;
}
