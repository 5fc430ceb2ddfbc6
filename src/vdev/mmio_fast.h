/*
 * The fast path of a guest page fault on the emulated UART: the accesses
 * a guest makes all the time, served in a few dozen instructions with no
 * lock, before anything of the slow path (mmio_emulate()) runs.
 *
 * It serves, for a VM with a UART and no trace:
 *   - a load of a register whose read changes nothing (LSR, MSR, LCR, MCR,
 *     SCR, IER, and DLL/DLM: uart16550_peek()), when no console input is
 *     due to be pulled into the UART;
 *   - a store to THR that only sends the byte (uart16550_thr_quiet()).
 * Anything else, and anything it is unsure of, returns MMIO_FAST_NO having
 * changed nothing the slow path reads: the slow path then handles the exit from
 * the start. In particular:
 *   - an instruction the decode cache does not know (mmio_cache.h; the
 *     slow path decodes it and fills the cache), or one naming x0 or
 *     s0-s11;
 *   - a fetch of the instruction that faults (mmio_arch_fetch(): the trap
 *     CSRs are put back first);
 *   - a read when the physical console is due to be polled or input is
 *     queued for the VM (uart_pull_input() in mmio.c does that, locked);
 *   - a THR write in loopback or with DLAB set, or one that could move
 *     the UART's interrupt line or needs input fed.
 * Skipping vdev_uart_line_update() is exact: none of the accesses served
 * here changes the UART's state (ier, rx_count, thre_irq_armed) in a way
 * that can move the line.
 *
 * Loads take no lock: each register is one field read once, so the value
 * is the register's at that moment, as from a real UART. A THR write
 * takes the VM's device lock when the VM has several vCPUs (another may
 * be changing IER or reading IIR on another hart); with one vCPU, every
 * user of the model runs on its hart, one after another.
 */
#ifndef KEEL_MMIO_FAST_H
#define KEEL_MMIO_FAST_H

#include "arch/riscv/mmio_arch.h"
#include "mmio_cache.h"
#include "vm.h"
#include "lib/console.h"

/*
 * What mmio_fast() did: nothing (the slow path handles the exit), a load
 * served in full, or a THR write found, which the caller finishes out of
 * line (mmio_fast_thr_direct() or mmio_fast_thr(): it prints, and the
 * load path stays a leaf with no stack).
 */
enum mmio_fast_result { MMIO_FAST_NO, MMIO_FAST_LOAD_DONE, MMIO_FAST_THR };

/*
 * The THR write that mmio_fast() found (info: its decode cache entry):
 * whatever the slow path would do, the byte to the console and the pc
 * stepped; false, having done nothing, for the slow path to do it.
 */
bool mmio_fast_thr(struct vcpu *v, uint32_t info);

/*
 * The common case of mmio_fast_thr(), inline: a VM with one vCPU (every
 * user of its model runs on this hart, see above) whose byte may go
 * straight to the console (vm_console_take_plain()). Everything is done
 * but the printing: the caller sends *byte with console_put_plain().
 */
static inline bool mmio_fast_thr_direct(struct vcpu *v, uint32_t info, char *byte)
{
	struct vm *vm = v->vm;

	/* console.direct: this VM has one vCPU (vm_console.h) */
	if (!vm->console.direct || !uart16550_thr_quiet(&vm->uart) || !console_put_plain_ready())
		return false;
	*byte = (char)*mmio_cache_reg_in(info, v->ctx.x);
	if (!vm_console_take_plain(&vm->console, *byte))
		return false;
	uart16550_thr_sent(&vm->uart);
	v->ctx.sepc += mmio_cache_len(info);
	return true;
}

/*
 * The instruction's entry in the decode cache, or 0 (the slow path
 * decides). A hit also says the VM has a UART and is not traced: the slow
 * path fills the cache for no other (mmio.c).
 */
static inline uint32_t mmio_fast_decode(struct vm *vm, const struct mmio_arch_trap *t,
					unsigned long pc)
{
	long word;

	if (t->htinst)
		return mmio_cache_lookup(vm->mmio_cache.htinst, pc, t->htinst);
	word = mmio_arch_fetch(pc);
	if (__builtin_expect(word < 0, 0)) {
		mmio_arch_fetch_undo(t, pc);
		return 0;
	}
	return mmio_cache_lookup(vm->mmio_cache.insn, pc, (unsigned long)word);
}

/*
 * No console input to pull into the UART before a read (uart_pull_input()
 * in mmio.c): no poll of the physical console is due and nothing waits in
 * the VM's queue (either makes console_pull_at due).
 */
static inline bool mmio_fast_no_input_due(struct vm *vm)
{
	return mmio_arch_time() < __atomic_load_n(&vm->console_pull_at, __ATOMIC_RELAXED);
}

/*
 * Serve the guest page fault in the fast path if it can (see above). For
 * MMIO_FAST_THR, *thr is the store's decode cache entry.
 */
static inline __attribute__((always_inline)) enum mmio_fast_result mmio_fast(struct vcpu *v,
									     uint32_t *thr)
{
	struct vm *vm = v->vm;
	unsigned long pc = v->ctx.sepc;
	struct mmio_arch_trap t;
	uint64_t offset;
	uint32_t info;
	long value;

	mmio_arch_trap_read(&t);
	/*
	 * In the UART's page? htval holds the guest physical address shifted
	 * right by 2. The offset is the same in stval, the guest virtual
	 * address: a translation keeps the low 12 bits.
	 */
	if (t.htval >> (UART16550_SIZE_SHIFT - 2) != VM_UART_BASE >> UART16550_SIZE_SHIFT)
		return MMIO_FAST_NO;
	offset = t.stval & (UART16550_SIZE - 1);
	info = mmio_fast_decode(vm, &t, pc);
	if (!mmio_cache_len(info))
		return MMIO_FAST_NO;
	/* a load decoded for a store's fault: the guest changed its code meanwhile */
	if (mmio_cache_is_store(info)) {
		if (offset != UART_THR || t.scause != EXC_STORE_GUEST_PAGE_FAULT)
			return MMIO_FAST_NO;
		*thr = info;
		return MMIO_FAST_THR;
	}
	if (t.scause != EXC_LOAD_GUEST_PAGE_FAULT || !mmio_fast_no_input_due(vm))
		return MMIO_FAST_NO;
	if (__builtin_expect(offset == UART_LSR, 1)) {
		/* every driver's poll; below 0x80, so no sign to extend */
		value = uart16550_lsr(&vm->uart);
	} else {
		value = uart16550_peek(&vm->uart, offset);
		if (value < 0)
			return MMIO_FAST_NO;
		value = (long)mmio_cache_extend_byte(info, (unsigned long)value);
	}
	*mmio_cache_reg_in(info, v->ctx.x) = (unsigned long)value;
	v->ctx.sepc = pc + mmio_cache_len(info);
	return MMIO_FAST_LOAD_DONE;
}

#endif
