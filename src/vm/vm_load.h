/*
 * A VM's power-on contents (vm_load.c), for vm.c's vm_create() and
 * vm_reset.c's restart.
 */
#ifndef KEEL_VM_LOAD_H
#define KEEL_VM_LOAD_H

#include "must_check.h"

struct vm;

/*
 * The image, initrd and device tree into guest RAM, and vm->entry,
 * vm->dtb_gpa, vm->image_kind. 0, or -1 with a message in err that names
 * the VM (docs/errors.md).
 */
int vm_load(struct vm *vm, char *err, unsigned long errlen) MUST_CHECK;
/* Power-on state of the emulated devices and the lines they drive */
void vm_devices_reset(struct vm *vm);

#endif
