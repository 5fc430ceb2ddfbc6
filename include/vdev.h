/* Emulated devices: the MMIO path from a guest page fault to a device model. */
#ifndef KEEL_VDEV_H
#define KEEL_VDEV_H

#include <stdint.h>

#include "vcpu.h"

/*
 * Emulate the load/store that faulted at guest physical address gpa, if a
 * device of the VM lives there. Returns 0 when emulated (registers and pc
 * updated), -1 when no device claims gpa or the instruction is not a plain
 * load/store (the caller injects an access fault).
 */
int mmio_emulate(struct vcpu *v, const struct trap_info *t, uint64_t gpa);

#endif
