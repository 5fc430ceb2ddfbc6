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
/*
 * The monitor's `net`: each port of the switch (a VM's card, the uplink)
 * with its address and frames sent, delivered, dropped and waiting, and
 * the uplink's card. A glance, read without the switch's lock.
 */
void vm_net_report(void);

#endif
