/*
 * Creating, resetting and stopping VMs. Guest RAM is one block from
 * Keel's pool, mapped at guest 0x80000000 as on QEMU virt; everything else
 * in the guest's physical space is left unmapped, so a touch there traps
 * to Keel (an emulated device, or an access fault for the guest).
 */
#include <stdio.h>
#include <string.h>

#include "arch.h"
#include "console.h"
#include "guest_fdt.h"
#include "hart.h"
#include "image.h"
#include "mem.h"
#include "memops.h"
#include "platform.h"
#include "vm.h"

struct vm vms[KEEL_MAX_VMS];
unsigned int nr_vms;

extern struct platform platform;

static uint64_t gstage_alloc_table(void *ctx)
{
	(void)ctx;
	return (uint64_t)(uintptr_t)page_alloc(PAGE_SIZE, PAGE_SIZE);
}

static void *gstage_phys_to_ptr(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static void uart_tx(void *ctx, uint8_t byte)
{
	char c = (char)byte;
	vm_console_write(ctx, &c, 1);
}

void vm_console_write(struct vm *vm, const char *s, unsigned long len)
{
	(void)vm; /* one VM: its output is the console's (per-VM prefixes come later) */
	console_write(s, len);
}

int vm_console_getc(struct vm *vm)
{
	(void)vm;
	return console_getc();
}

/* Load the image, initrd and DT into (zeroed) guest RAM. */
static int vm_load(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	struct image_plan plan;
	struct guest_fdt_params fp;
	uint64_t initrd_start = 0, initrd_end = 0;
	char err[160];
	int r;

	mem_zero(vm->ram, vm->ram_size);
	if (image_plan(cfg->image, cfg->image_size, vm->ram_base, vm->ram_size, &plan, err,
		       sizeof(err))) {
		pr_err("VM '%s': image: %s\n", cfg->name, err);
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
			pr_err("VM '%s': initrd of %llu bytes does not fit in %llu MiB of RAM "
			       "above the image\n",
			       cfg->name, (unsigned long long)cfg->initrd_size,
			       (unsigned long long)(vm->ram_size >> 20));
			return -1;
		}
		mem_copy(vm_gpa_to_hva(vm, initrd_start, cfg->initrd_size), cfg->initrd,
			 cfg->initrd_size);
	}
	if (plan.end > vm->dtb_gpa) {
		pr_err("VM '%s': image ends at 0x%llx, over the device tree at 0x%llx: "
		       "give the VM more memory\n",
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
		.mmu_type = platform.mmu_type,
		.timebase_freq = platform.timebase_freq,
		.bootargs = cfg->bootargs,
		.initrd_start = initrd_start,
		.initrd_end = initrd_end,
		.uart_base = VM_UART_BASE,
		.uart_size = UART16550_SIZE,
		.uart_clock = VM_UART_CLOCK,
		.boot_count = (uint32_t)vm->reboots,
	};
	r = guest_fdt_build(vm_gpa_to_hva(vm, vm->dtb_gpa, VM_DTB_MAX), VM_DTB_MAX, &fp);
	if (r) {
		pr_err("VM '%s': building its device tree failed (libfdt error %d)\n", cfg->name, r);
		return -1;
	}
	/* The image may hold code: make instruction fetches see it. */
	arch_fence_i();
	return 0;
}

int vm_create(struct vm *vm, unsigned int id, const struct vm_config *cfg, const struct bundle *b)
{
	bool trace = b->trace;

	uint64_t root;

	memset(vm, 0, sizeof(*vm));
	vm->id = id;
	vm->cfg = cfg;
	vm->trace = trace;
	vm->test_hooks = b->test_hooks;
	/*
	 * With Sstc on the host the guest gets its own vstimecmp: its timer
	 * then needs no exit at all. Without it (or with no-sstc) Keel
	 * multiplexes the host timer and injects VSTIP.
	 */
	vm->guest_sstc = host.sstc && !cfg->no_sstc;
	vm->ram_base = VM_RAM_BASE;
	vm->ram_size = cfg->mem_size;
	vm->nr_vcpus = cfg->nr_vcpus;
	vm->vmid = (id + 1) & ((1U << host.vmid_bits) - 1);

	/* 2 MiB alignment lets the G-stage use 2 MiB (or 1 GiB) pages */
	vm->ram = (uint8_t *)(uintptr_t)mem_pool_alloc(&keel_mem, vm->ram_size, GSTAGE_PAGE_2M);
	if (!vm->ram) {
		pr_err("VM '%s': cannot allocate %llu MiB of RAM (%llu MiB free)\n", cfg->name,
		       (unsigned long long)(vm->ram_size >> 20),
		       (unsigned long long)(mem_pool_free_bytes(&keel_mem) >> 20));
		return -1;
	}
	root = (uint64_t)(uintptr_t)page_alloc(GSTAGE_ROOT_SIZE, GSTAGE_ROOT_SIZE);
	if (!root) {
		pr_err("VM '%s': no memory for its G-stage table\n", cfg->name);
		return -1;
	}
	vm->gstage = (struct gstage){
		.levels = host.gstage_levels,
		.root_pa = root,
		.ops = { gstage_alloc_table, gstage_phys_to_ptr, vm },
	};
	if (gstage_map(&vm->gstage, vm->ram_base, (uint64_t)(uintptr_t)vm->ram, vm->ram_size,
		       GSTAGE_RWX)) {
		pr_err("VM '%s': mapping its RAM in the G-stage failed\n", cfg->name);
		return -1;
	}
	vm->hgatp = gstage_hgatp(&vm->gstage, vm->vmid);
	uart16550_init(&vm->uart, uart_tx, vm);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].id = i;
		vm->vcpus[i].trace = trace;
	}
	return vm_reset(vm);
}

int vm_reset(struct vm *vm)
{
	struct hart *h = this_hart();

	if (vm_load(vm)) {
		vm_stop(vm, VM_STOP_FAILURE, "its image could not be loaded");
		return -1;
	}
	uart16550_init(&vm->uart, uart_tx, vm);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_reset(&vm->vcpus[i], vm->entry, vm->dtb_gpa);
	vm->state = VM_RUNNING;
	if (vm->reboots++)
		pr_info("VM '%s' restarted from its image\n", vm->cfg->name);
	/* The vCPU running here picks up its fresh state now. */
	if (h && h->current && h->current->vm == vm) {
		arch_vcpu_load(h->current, vm->hgatp);
		hart_timer_update(h);
	}
	return 0;
}

static void pmu_dump_line(const char *text)
{
	pr_info("%s\n", text);
}

void vm_stop(struct vm *vm, enum vm_stop_reason why, const char *msg)
{
	struct hart *h = this_hart();

	vm->state = VM_STOPPED;
	vm->stop_reason = why;
	pr_info("VM '%s' stopped: %s\n", vm->cfg->name, msg);
	/* the SBI PMU firmware counters the guest used (docs/pmu.md) */
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		pmu_dump(&vm->vcpus[i].pmu, vm->cfg->name, i, pmu_dump_line);
	if (h && h->current && h->current->vm == vm)
		h->current->timer_deadline = UINT64_MAX;
}
