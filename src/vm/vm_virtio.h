/*
 * A VM's virtio-mmio devices (vm_virtio.c): made once at vm_create from
 * its config, reset with the VM's other devices. A disk's contents live
 * as long as the VM: a VM reset does not undo its writes.
 */
#ifndef KEEL_VM_VIRTIO_H
#define KEEL_VM_VIRTIO_H

#include "must_check.h"

struct vm;

/* The devices cfg names; 0, or -1 with a message in err that names the VM. */
int vm_virtio_create(struct vm *vm, char *err, unsigned long errlen) MUST_CHECK;
/* Each device as at power-on, found by no driver yet (vm_devices_reset). */
void vm_virtio_reset(struct vm *vm);

#endif
