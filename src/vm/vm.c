/*
 * Creating and stopping VMs (a restart is vm_reset.c's, what a VM's RAM
 * and devices hold at power-on vm_load.c's). Guest RAM is one block from
 * Keel's pool, mapped at guest 0x80000000 as on QEMU virt, 2 MiB at a
 * time as it is first touched and zeroed (vm_ram.c); everything else in
 * the guest's physical space is left unmapped, so a touch there traps to
 * Keel (an emulated device, or an access fault for the guest).
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "vm/guest_fdt.h"
#include "hart.h"
#include "vm/image.h"
#include "mm/mem.h"
#include "lib/memops.h"
#include "platform/platform.h"
#include "sbi_defs.h"
#include "lib/timebase.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"
#include "vm/vm_load.h"
#include "vm/vm_virtio.h"
#include "vcpu/vcpu_load.h"

struct vm vms[KEEL_MAX_VMS];
unsigned int nr_vms;

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

/* The VM's settings from its config and what the host offers; nothing allocated yet */
static void vm_init(struct vm *vm, unsigned int id, const struct vm_config *cfg,
		    const struct bundle *b)
{
	memset(vm, 0, sizeof(*vm));
	spinlock_init(&vm->lock, LOCK_VM_STATE);
	spinlock_init(&vm->dev_lock, LOCK_VM_DEVICES);
	spinlock_init(&vm->console.lock, LOCK_VM_CONSOLE);
	vm->console_poll_ticks = ticks_from_us(platform.timebase_freq, VM_CONSOLE_UART_POLL_US);
	vm->id = id;
	vm->cfg = cfg;
	vm->trace = b->trace;
	vm->test_hooks = b->test_hooks;
	vm->profiler_control = cfg->profiler_control;
	/*
	 * With Sstc on the host the guest gets its own vstimecmp: its timer
	 * then needs no exit at all. Without it (or with no-sstc) Keel
	 * multiplexes the host timer and injects VSTIP.
	 */
	vm->guest_sstc = host.sstc && !cfg->no_sstc;
	/* SBI FWFT PTE_AD_HW_UPDATING: each vCPU switches its own henvcfg.ADUE */
	vm->guest_svadu = host.svadu;
	vm->ram_base = VM_RAM_BASE;
	vm->ram_size = cfg->mem_size;
	vm->nr_vcpus = cfg->nr_vcpus;
	vm->vmid = (id + 1) & ((1U << host.vmid_bits) - 1);
	vm->has_uart = cfg->devices & VM_DEV_UART;
	vm->has_plic = cfg->devices & VM_DEV_PLIC;
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->id = i;
		v->trace = vm->trace;
		v->pin = cfg->vcpu_pin[i];
	}
}

/* Guest RAM, one block from Keel's pool, and the G-stage tables that will map it */
static int vm_alloc_memory(struct vm *vm, char *err, unsigned long errlen)
{
	const char *name = vm->cfg->name;
	uint64_t root;

	/* 2 MiB alignment lets the G-stage use 2 MiB (or 1 GiB) pages */
	vm->ram = (uint8_t *)(uintptr_t)mem_pool_alloc(&keel_mem, vm->ram_size, GSTAGE_PAGE_2M);
	if (!vm->ram) {
		snprintf(err, errlen, "VM '%s': cannot allocate %llu MiB of RAM (%llu MiB free)",
			 name, (unsigned long long)(vm->ram_size >> 20),
			 (unsigned long long)(mem_pool_free_bytes(&keel_mem) >> 20));
		return -1;
	}
	root = (uint64_t)(uintptr_t)page_alloc(GSTAGE_ROOT_SIZE, GSTAGE_ROOT_SIZE);
	if (!root) {
		snprintf(err, errlen, "VM '%s': no memory for its G-stage table", name);
		return -1;
	}
	vm->gstage = (struct gstage){
		.levels = host.gstage_levels,
		.root_pa = root,
		.ops = { gstage_alloc_table, gstage_phys_to_ptr, vm },
	};
	/* its tables only: a block is mapped when it is first touched */
	if (vm_ram_setup(vm)) {
		snprintf(err, errlen, "VM '%s': no memory for its G-stage tables", name);
		return -1;
	}
	vm->hgatp = gstage_hgatp(&vm->gstage, vm->vmid);
	return 0;
}

/* As at power-on: vCPU 0 starts at the image's entry, the others wait for HSM */
static void vcpus_power_on(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		vcpu_reset(v, vm->entry, vm->dtb_gpa);
		v->hsm_state = i == 0 ? SBI_HSM_STATE_STARTED : SBI_HSM_STATE_STOPPED;
		v->run_state = i == 0 ? VCPU_RUNNABLE : VCPU_OFF;
	}
}

int vm_create(struct vm *vm, unsigned int id, const struct vm_config *cfg, const struct bundle *b,
	      char *err, unsigned long errlen)
{
	vm_init(vm, id, cfg, b);
	if (vm_alloc_memory(vm, err, errlen) || vm_virtio_create(vm, err, errlen) ||
	    vm_load(vm, err, errlen))
		return -1;
	vm_devices_reset(vm);
	vcpus_power_on(vm);
	vm->state = VM_RUNNING;
	return 0;
}

void vm_kick_vcpus(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_post_request(&vm->vcpus[i], VCPU_REQ_CHECK);
}

static void pmu_dump_line(const char *text)
{
	pr_info("%s\n", text);
}

void vm_stop(struct vm *vm, enum vm_stop_reason why, const char *msg)
{
	spin_lock(&vm->lock);
	if (vm->state == VM_STOPPED) {
		spin_unlock(&vm->lock);
		return;
	}
	vm->stop_reason = why;
	vm->quiesce_seq++;
	__atomic_store_n(&vm->state, VM_STOPPED, __ATOMIC_RELEASE);
	spin_unlock(&vm->lock);

	pr_info("VM '%s' stopped: %s\n", vm->cfg->name, msg);
	/*
	 * The SBI PMU firmware counters the guest used (docs/pmu.md). Another
	 * hart may still be finishing an exit of this VM: a count can be one
	 * event behind, never torn (each counter is one 64-bit word).
	 */
	if (this_hart()->current && this_hart()->current->vm == vm)
		fw_events_sync(this_hart()->current);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		pmu_dump(&vm->vcpus[i].pmu, vm->cfg->name, i, pmu_dump_line);
	steal_time_report(vm); /* the steal time of the vCPUs that used SBI STA */
	vm_kick_vcpus(vm);
}
