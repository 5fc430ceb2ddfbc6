/*
 * Creating, resetting and stopping VMs. Guest RAM is one block from
 * Keel's pool, mapped at guest 0x80000000 as on QEMU virt, 2 MiB at a
 * time as it is first touched and zeroed (vm_ram.c); everything else in
 * the guest's physical space is left unmapped, so a touch there traps to
 * Keel (an emulated device, or an access fault for the guest).
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "arch.h"
#include "console.h"
#include "guest_fdt.h"
#include "hart.h"
#include "image.h"
#include "mem.h"
#include "memops.h"
#include "platform.h"
#include "sbi_defs.h"
#include "sched.h"
#include "timebase.h"
#include "vcpu_request.h"
#include "vm.h"

/* src/boot/entry.S: instret at Keel's first instruction */
extern uint64_t keel_entry_instret;

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

static void uart_tx(void *ctx, uint8_t byte)
{
	char c = (char)byte;
	vm_console_write(ctx, &c, 1);
}

/* Power-on state of the emulated devices and the lines they drive */
static void devices_reset(struct vm *vm)
{
	uart16550_init(&vm->uart, uart_tx, vm);
	vplic_init(&vm->plic, vm->nr_vcpus);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].ext_line = false;
}

/*
 * Load the image, initrd and DT into guest RAM. vm_gpa_to_hva zeroes each
 * block they land in first, so the rest of those blocks (and an ELF
 * segment's bss) read zero; the blocks nothing lands in stay untouched
 * until the guest touches them.
 */
static int vm_load(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	struct image_plan plan;
	struct guest_fdt_params fp;
	uint64_t initrd_start = 0, initrd_end = 0;
	uint8_t *dtb;
	char err[160];
	int r;

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
		.boot_count = (uint32_t)vm->reboots,
		.entry_instret = keel_entry_instret,
	};
	dtb = vm_gpa_to_hva(vm, vm->dtb_gpa, VM_DTB_MAX);
	r = guest_fdt_build(dtb, VM_DTB_MAX, &fp);
	if (r) {
		pr_err("VM '%s': building its device tree failed (libfdt error %d)\n", cfg->name, r);
		return -1;
	}
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

int vm_create(struct vm *vm, unsigned int id, const struct vm_config *cfg, const struct bundle *b)
{
	bool trace = b->trace;

	uint64_t root;

	memset(vm, 0, sizeof(*vm));
	spinlock_init(&vm->lock, LOCK_VM_STATE);
	spinlock_init(&vm->dev_lock, LOCK_VM_DEVICES);
	spinlock_init(&vm->console.lock, LOCK_VM_CONSOLE);
	vm->console_poll_ticks = ticks_from_us(platform.timebase_freq, VM_CONSOLE_UART_POLL_US);
	vm->id = id;
	vm->cfg = cfg;
	vm->trace = trace;
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
	/* its tables only: a block is mapped when it is first touched */
	if (vm_ram_setup(vm)) {
		pr_err("VM '%s': no memory for its G-stage tables\n", cfg->name);
		return -1;
	}
	vm->hgatp = gstage_hgatp(&vm->gstage, vm->vmid);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->vm = vm;
		v->id = i;
		v->trace = trace;
		v->pin = cfg->vcpu_pin[i];
	}
	vm->has_uart = cfg->devices & VM_DEV_UART;
	vm->has_plic = cfg->devices & VM_DEV_PLIC;
	if (vm_load(vm))
		return -1;
	devices_reset(vm);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		vcpu_reset(v, vm->entry, vm->dtb_gpa);
		v->hsm_state = i == 0 ? SBI_HSM_STATE_STARTED : SBI_HSM_STATE_STOPPED;
		v->run_state = i == 0 ? VCPU_RUNNABLE : VCPU_OFF;
	}
	vm->state = VM_RUNNING;
	return 0;
}

static void kick_all_vcpus(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_post_request(&vm->vcpus[i], VCPU_REQ_CHECK);
}

/* Has the hart of every other vCPU taken it off (sched_park)? */
static bool quiesced(const struct vm *vm, unsigned long seq)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *u = &vm->vcpus[i];

		/* the restarting hart parks its own in its scheduler loop, before this */
		if (u->hart == vm->reset.hart)
			continue;
		/* a later stop may bump the sequence again: any ack at or after seq will do */
		if ((long)(__atomic_load_n(&u->quiesce_ack, __ATOMIC_ACQUIRE) - seq) < 0)
			return false;
	}
	return true;
}

int vm_reboot(struct vm *vm)
{
	return vm_restart(vm, false);
}

int vm_restart(struct vm *vm, bool stopped)
{
	struct hart *self = this_hart();

	spin_lock(&vm->lock);
	if (vm->restarting) {
		spin_unlock(&vm->lock);
		return VM_RESTART_BUSY;
	}
	if (vm->state != (stopped ? VM_STOPPED : VM_RUNNING)) {
		spin_unlock(&vm->lock);
		return VM_RESTART_WRONG_STATE;
	}
	/* seq names this restart: a stop (and a start) meanwhile bump it again */
	vm->reset = (struct vm_reset_job){ .hart = self, .seq = ++vm->quiesce_seq };
	/* the job is whole before a hart that sees restarting reads it */
	__atomic_store_n(&vm->restarting, true, __ATOMIC_RELEASE);
	__atomic_store_n(&vm->state, VM_RESETTING, __ATOMIC_RELEASE);
	spin_unlock(&vm->lock);

	kick_all_vcpus(vm);
	hart_kick(self); /* the work itself: vm_reset_work() */
	return VM_RESTART_STARTED;
}

static void reset_abandon(struct vm *vm)
{
	spin_lock(&vm->lock);
	vm->restarting = false;
	spin_unlock(&vm->lock);
}

/* Every vCPU parked and RAM unmapped: load the image, then let it run. */
static void reset_finish(struct vm *vm)
{
	bool running = false;

	vm->reboots++; /* the guest reads it as /chosen/keel,boot-count */
	if (vm_load(vm)) {
		vm_stop(vm, VM_STOP_FAILURE, "its image could not be loaded");
		reset_abandon(vm);
		return;
	}
	spin_lock(&vm->dev_lock);
	devices_reset(vm);
	spin_unlock(&vm->dev_lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *u = &vm->vcpus[i];

		__atomic_store_n(&u->requests, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&u->hsm_state,
				 i == 0 ? SBI_HSM_STATE_STARTED : SBI_HSM_STATE_STOPPED,
				 __ATOMIC_RELAXED);
	}

	spin_lock(&vm->lock);
	/* stopped meanwhile: it stays stopped, whatever was reloaded */
	if (vm->state == VM_RESETTING && vm->quiesce_seq == vm->reset.seq) {
		vm->generation++;
		/* the new generation is visible to whoever sees RUNNING */
		__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
		running = true;
	}
	vm->restarting = false;
	spin_unlock(&vm->lock);
	if (running)
		pr_info("VM '%s' restarted from its image\n", vm->cfg->name);
	kick_all_vcpus(vm);
}

/* One step of a restart; true while it has more to do. */
static bool reset_step(struct vm *vm)
{
	struct vm_reset_job *job = &vm->reset;

	/* stopped meanwhile (vm_stop bumped the sequence): the stop wins */
	if (__atomic_load_n(&vm->quiesce_seq, __ATOMIC_ACQUIRE) != job->seq) {
		reset_abandon(vm);
		return false;
	}
	if (!job->quiesced) {
		if (!quiesced(vm, job->seq))
			return true;
		job->quiesced = true;
	}
	/*
	 * The guest left its data in RAM: every block is unmapped and will
	 * be zeroed again on its first touch, as at the VM's first start.
	 */
	vm_ram_forget(vm);
	reset_finish(vm);
	return false;
}

bool vm_reset_work(struct hart *h)
{
	bool more = false;

	for (unsigned int i = 0; i < nr_vms; i++) {
		struct vm *vm = &vms[i];

		if (__atomic_load_n(&vm->restarting, __ATOMIC_ACQUIRE) && vm->reset.hart == h)
			more |= reset_step(vm);
	}
	return more;
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
	sched_steal_report(vm); /* the steal time of the vCPUs that used SBI STA */
	kick_all_vcpus(vm);
}
