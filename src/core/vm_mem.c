/* Guest physical ranges to host pointers, checked. */
#include "vm.h"

bool vm_gpa_in_ram(const struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - vm->ram_base;

	/* no wrap-around, and the whole range inside guest RAM */
	return !(gpa < vm->ram_base || off > vm->ram_size || len > vm->ram_size - off);
}

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
