/* Emulated devices: the MMIO path from a guest page fault to a device model. */
#ifndef KEEL_VDEV_H
#define KEEL_VDEV_H

#include <stdbool.h>
#include <stdint.h>

#include "vcpu.h"

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
			      bool all_regs);

#endif
