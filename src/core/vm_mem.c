/* Guest physical ranges to host pointers, checked. */
#include "vm.h"

void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - vm->ram_base;

	if (!vm_gpa_in_ram(vm, gpa, len))
		return 0;
	/* never a byte the guest could not see itself: zeroed first (vm_ram.c) */
	if (!mem_blocks_range_ready(&vm->ram_blocks, off, len))
		vm_ram_make_ready(vm, off, len);
	return vm->ram + off;
}
