/* The fakes declared in fake_vm.h. */
#include <stdio.h>
#include <string.h>

#include "fake_vm.h"

struct fake_vm fake_vm;

void fake_vm_reset(void)
{
	memset(&fake_vm, 0, sizeof(fake_vm));
}

/* Recorded; the VM reads STOPPED afterwards, as after the real one */
void vm_stop(struct vm *vm, enum vm_stop_reason why, const char *msg)
{
	fake_vm.stops++;
	fake_vm.stopped = vm;
	fake_vm.stop_reason = why;
	snprintf(fake_vm.stop_msg, sizeof(fake_vm.stop_msg), "%s", msg);
	vm->state = VM_STOPPED;
}

bool vm_reset_work(struct hart *h)
{
	(void)h;
	fake_vm.reset_work_calls++;
	return false;
}

bool vm_ram_fault(struct vm *vm, uint64_t gpa)
{
	(void)vm;
	fake_vm.ram_faults++;
	fake_vm.ram_fault_gpa = gpa;
	return fake_vm.ram_fault_answer;
}

/* Guest RAM is host memory the test set up, every block already zeroed */
void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
	return vm_gpa_in_ram(vm, gpa, len) ? vm->ram + (gpa - vm->ram_base) : NULL;
}
