/*
 * From a guest page fault on a device address to the device model and
 * back: find the device, learn the access from htinst or the instruction
 * itself, perform it, write a load's result to its register, step the pc.
 */
#include "arch/riscv/arch.h"
#include "arch/riscv/mmio_arch.h"
#include "mmio_decode.h"
#include "vdev/mmio_fast.h"
#include "vcpu/trace.h"
#include "vdev/vdev.h"
#include "vdev/virtio_mmio.h"
#include "vm.h"
#include "lib/console.h"

/* Register a load puts its value in, sign- or zero-extended to 64 bits. */
static unsigned long extend(uint64_t value, const struct mmio_access *a)
{
	unsigned int bits = a->width * 8;

	if (bits == 64)
		return value;
	value &= (1UL << bits) - 1;
	if (a->sign_extend && (value >> (bits - 1)) & 1)
		value |= ~0UL << bits;
	return value;
}

/*
 * Teach the decode cache the word at sepc as the fast path reads it: all
 * four bytes. A 32-bit instruction is that word; after a 16-bit one the
 * upper half is the next instruction's, which arch_guest_read_insn() does
 * not keep, so it is read again here, and decoded afresh: the entry is
 * right even if the guest changed its code meanwhile.
 */
static void learn_insn(struct vcpu *v, const struct trap_info *t, uint32_t insn,
		       const struct mmio_access *a)
{
	const struct mmio_arch_trap saved = { t->scause, t->stval,   t->htval,
					      t->htinst, t->hstatus, t->sstatus };
	uint64_t *table = v->vm->mmio_cache.insn;
	unsigned long pc = v->ctx.sepc;
	struct mmio_access again;
	long word;

	if (insn_length(insn) == 4) {
		mmio_cache_fill(table, pc, insn, a);
		return;
	}
	word = mmio_arch_fetch(pc);
	if (word < 0)
		mmio_arch_fetch_undo(&saved, pc);
	else if (!mmio_decode_insn((uint32_t)word, &again))
		mmio_cache_fill(table, pc, (uint32_t)word, &again);
}

/*
 * What the instruction does. With learn, the decode cache remembers it:
 * only for the UART of a VM that is not traced, so that a hit in the fast
 * path (mmio_fast.h) already says both.
 */
static int decode_access(struct vcpu *v, const struct trap_info *t, struct mmio_access *a,
			 bool learn)
{
	uint32_t insn;
	unsigned long cause;

	if (t->htinst) {
		/* A fault of the guest's own page-table walk is no device access. */
		if (mmio_htinst_is_pseudo(t->htinst))
			return -1;
		/* Cheapest first: the hardware may already have told us. */
		if (!mmio_decode_htinst(t->htinst, a)) {
			if (learn)
				mmio_cache_fill(v->vm->mmio_cache.htinst, v->ctx.sepc,
						(uint32_t)t->htinst, a);
			return 0;
		}
	}
	if (arch_guest_read_insn(t, v->ctx.sepc, &insn, &cause) || mmio_decode_insn(insn, a))
		return -1;
	if (learn)
		learn_insn(v, t, insn, a);
	return 0;
}

/*
 * The physical console is read at most every vm->console_poll_ticks
 * (VM_CONSOLE_UART_POLL_US, worked out from the timebase in vm_create so
 * that this path, taken on every UART access, only loads it).
 */
static void uart_pull_input(struct vm *vm)
{
	uint64_t now = arch_time_now();

	/* the queue is looked at only when a poll is due or it has something */
	if (now >= vm->console_pull_at) {
		__atomic_store_n(&vm->console_pull_at, now + vm->console_poll_ticks,
				 __ATOMIC_RELAXED);
		console_poll_input();
		vdev_uart_feed(vm);
	} else if (vm_console_queued(&vm->console)) {
		vdev_uart_feed(vm);
	}
}

static void uart_access(struct vcpu *v, const struct trap_info *t, const struct mmio_access *a,
			uint64_t offset)
{
	struct vm *vm = v->vm;

	if (a->is_store) {
		uint64_t value = a->reg ? v->ctx.x[a->reg] : 0;
		uart16550_write(&vm->uart, offset, a->width, value);
		/* the receive interrupt just enabled: what was typed is there */
		if (uart16550_rx_irq_enabled(&vm->uart))
			vdev_uart_feed(vm);
		trace_exit(v, t, "uart write +0x%llx = 0x%llx (%u bytes): emulated",
			   (unsigned long long)offset, (unsigned long long)value, a->width);
	} else {
		uint64_t value;

		uart_pull_input(vm);
		value = uart16550_read(&vm->uart, offset, a->width);
		if (a->reg)
			v->ctx.x[a->reg] = extend(value, a);
		trace_exit(v, t, "uart read +0x%llx -> 0x%llx (%u bytes): emulated",
			   (unsigned long long)offset, (unsigned long long)value, a->width);
	}
}

static void plic_access(struct vcpu *v, const struct trap_info *t, const struct mmio_access *a,
			uint64_t offset)
{
	struct vm *vm = v->vm;

	if (a->is_store) {
		uint32_t value = a->reg ? (uint32_t)v->ctx.x[a->reg] : 0;
		vplic_write(&vm->plic, offset, value);
		trace_exit(v, t, "plic write +0x%llx = 0x%x: emulated", (unsigned long long)offset,
			   value);
	} else {
		uint32_t value = vplic_read(&vm->plic, offset);
		if (a->reg)
			v->ctx.x[a->reg] = extend(value, a);
		trace_exit(v, t, "plic read +0x%llx -> 0x%x: emulated", (unsigned long long)offset,
			   value);
	}
}

/*
 * A virtio-mmio register. Its registers are 32-bit; an 8-byte access (the
 * config space of a disk's capacity, say) is two, low word first, as the
 * bus would split it.
 */
static void virtio_access(struct vcpu *v, const struct trap_info *t, const struct mmio_access *a,
			  struct virtio_mmio *d, uint64_t offset)
{
	unsigned int w = a->width > 4 ? 4 : a->width;
	unsigned long broken_before = d->broken_count;

	if (a->is_store) {
		uint64_t value = a->reg ? v->ctx.x[a->reg] : 0;

		virtio_mmio_write(d, (uint32_t)offset, w, (uint32_t)value);
		if (a->width > 4)
			virtio_mmio_write(d, (uint32_t)offset + 4, 4, (uint32_t)(value >> 32));
		trace_exit(v, t, "virtio-%s write +0x%llx = 0x%llx (%u bytes): emulated",
			   d->ops->name, (unsigned long long)offset, (unsigned long long)value,
			   a->width);
	} else {
		uint64_t value = virtio_mmio_read(d, (uint32_t)offset, w);

		if (a->width > 4)
			value |= (uint64_t)virtio_mmio_read(d, (uint32_t)offset + 4, 4) << 32;
		if (a->reg)
			v->ctx.x[a->reg] = extend(value, a);
		trace_exit(v, t, "virtio-%s read +0x%llx -> 0x%llx (%u bytes): emulated",
			   d->ops->name, (unsigned long long)offset, (unsigned long long)value,
			   a->width);
	}
	/* the driver broke a rule: the device waits for a reset, and the user is told why */
	if (d->broken_count != broken_before)
		pr_info("VM '%s': virtio-%s needs a reset (DEVICE_NEEDS_RESET): %s\n",
			v->vm->cfg->name, d->ops->name, d->broken);
}

enum vm_device { DEV_NONE, DEV_UART, DEV_PLIC, DEV_VIRTIO };

static enum vm_device device_at(const struct vm *vm, uint64_t gpa, uint64_t *offset)
{
	if (vm->has_uart && gpa >= VM_UART_BASE && gpa - VM_UART_BASE < UART16550_SIZE) {
		*offset = gpa - VM_UART_BASE;
		return DEV_UART;
	}
	if (vm->has_plic && gpa >= VM_PLIC_BASE && gpa - VM_PLIC_BASE < VPLIC_SIZE) {
		*offset = gpa - VM_PLIC_BASE;
		return DEV_PLIC;
	}
	/* *offset: from the first device's page; the caller picks the page */
	if (gpa >= VM_VIRTIO_BASE && gpa - VM_VIRTIO_BASE < vm->nr_virtio * VIRTIO_MMIO_SIZE) {
		*offset = gpa - VM_VIRTIO_BASE;
		return DEV_VIRTIO;
	}
	return DEV_NONE;
}

bool mmio_fast_thr(struct vcpu *v, uint32_t info)
{
	struct vm *vm = v->vm;
	/* with one vCPU, every user of the model runs on this hart (mmio_fast.h) */
	bool lock = vm->nr_vcpus > 1;
	bool quiet;

	if (lock)
		spin_lock(&vm->dev_lock);
	quiet = uart16550_thr_quiet(&vm->uart);
	if (quiet) {
		char c = (char)*mmio_cache_reg_in(info, v->ctx.x);

		vm_console_write(vm, &c, 1);
		uart16550_thr_sent(&vm->uart);
	}
	if (lock)
		spin_unlock(&vm->dev_lock);
	if (quiet)
		v->ctx.sepc += mmio_cache_len(info);
	return quiet;
}

enum mmio_result mmio_emulate(struct vcpu *v, const struct trap_info *t, uint64_t gpa,
			      bool all_regs)
{
	struct vm *vm = v->vm;
	struct mmio_access a;
	uint64_t offset;
	enum vm_device dev = device_at(vm, gpa, &offset);

	if (dev == DEV_NONE)
		return MMIO_NO_DEVICE;
	/*
	 * Learn only what the fast path missed: with all_regs, the exit comes
	 * from the profiled entry or names s0-s11, and the fast path never
	 * sees it.
	 */
	if (decode_access(v, t, &a, dev == DEV_UART && !vm->trace && !all_regs))
		return MMIO_NO_DEVICE;
	/* the PLIC's registers are 32-bit only: other accesses fault, as on QEMU */
	if (dev == DEV_PLIC && !vplic_access_ok(offset, a.width))
		return MMIO_NO_DEVICE;
	if (!all_regs && ctx_reg_is_callee_saved(a.reg))
		return MMIO_NEED_ALL_REGS;
	/* the VM's vCPUs may use the devices from several harts at once */
	spin_lock(&vm->dev_lock);
	if (dev == DEV_UART) {
		uart_access(v, t, &a, offset);
		vdev_uart_line_update(vm, v);
	} else if (dev == DEV_PLIC) {
		plic_access(v, t, &a, offset);
		vdev_irq_update(vm, v);
	} else {
		virtio_access(v, t, &a, vm->virtio[offset / VIRTIO_MMIO_SIZE],
			      offset % VIRTIO_MMIO_SIZE);
		vdev_irq_update(vm, v);
	}
	spin_unlock(&vm->dev_lock);
	vcpu_skip_insn(v, a.insn_len);
	return MMIO_DONE;
}
