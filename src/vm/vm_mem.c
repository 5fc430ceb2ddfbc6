/* Guest physical ranges to host pointers, checked. */
#include "vm.h"

/* Out of line, so the common path (every block zeroed) needs no stack frame */
static __attribute__((noinline)) void *hva_after_zeroing(struct vm *vm, uint64_t off,
							 uint64_t len)
{
	vm_ram_make_ready(vm, off, len);
	return vm->ram + off;
}

void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - vm->ram_base;

	if (!vm_gpa_in_ram(vm, gpa, len))
		return 0;
	/* never a byte the guest could not see itself: zeroed first (vm_ram.c) */
	if (!mem_blocks_range_ready(&vm->ram_blocks, off, len))
		return hva_after_zeroing(vm, off, len);
	return vm->ram + off;
}
