/* Emulated devices: the MMIO path from a guest page fault to a device model. */
#ifndef KEEL_VDEV_H
#define KEEL_VDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "must_check.h"
#include "vcpu.h"

struct vm;

enum mmio_result {
	MMIO_DONE,          /* emulated: register and pc updated */
	MMIO_NO_DEVICE,     /* nothing there, or not a plain load/store */
	MMIO_NEED_ALL_REGS, /* the access names s0-s11, which are not in ctx */
};

/*
 * Emulate the load/store that faulted at guest physical address gpa, if a
 * device of the VM lives there. all_regs says whether every guest register
 * is in v->ctx; when not (trap.S saved only the caller-saved ones) and the
 * access names a register that is missing, nothing is done and
 * MMIO_NEED_ALL_REGS asks to be called again with all of them.
 */
enum mmio_result mmio_emulate(struct vcpu *v, const struct trap_info *t, uint64_t gpa,
			      bool all_regs) MUST_CHECK;

/*
 * Interrupt lines (src/vdev/vdev_irq.c). A device changed state, with the
 * VM's dev_lock held: drive the virtual PLIC's source lines from the
 * devices and each vCPU's VSEIP from its S-mode context. self is the vCPU
 * on this hart, whose VSEIP is set at once; the others get a request.
 */
void vdev_irq_update(struct vm *vm, struct vcpu *self);
/*
 * The same after a UART access, which changes nothing in the PLIC unless
 * the UART's line moved: the common case (a poll of LSR) costs a compare.
 */
void vdev_uart_line_update(struct vm *vm, struct vcpu *self);
/* On v's home hart: hvip.VSEIP := v->ext_line (VCPU_REQ_EXT_IRQ) */
void vdev_sync_ext_irq(struct vcpu *v);
/*
 * Console input was queued for vm, on any hart, maybe inside the VM's
 * device lock: ask one of its vCPUs' harts to feed the UART (the device
 * lock cannot be taken here).
 */
void vdev_console_input(struct vm *vm);
/* On v's home hart (VCPU_REQ_DEVICES): move queued input into the UART. */
void vdev_service(struct vcpu *v);
/* Work for the VM's devices came from outside (a frame): vdev_service() on its vCPU 0's hart */
void vdev_devices_pending(struct vm *vm);
/* Move what was typed for vm into its UART's receive FIFO; dev_lock held. */
void vdev_uart_feed(struct vm *vm);

#endif
