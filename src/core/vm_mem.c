/* Guest physical ranges to host pointers, checked. Pure logic. */
#include "vm.h"

void *vm_gpa_to_hva(struct vm *vm, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - vm->ram_base;

	/* no wrap-around, and the whole range inside guest RAM */
	if (gpa < vm->ram_base || off > vm->ram_size || len > vm->ram_size - off)
		return 0;
	return vm->ram + off;
}
