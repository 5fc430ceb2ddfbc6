/*
 * Guest RAM, zeroed lazily: a 2 MiB block is zeroed and mapped in the
 * G-stage the first time it is touched since the VM started, and not
 * before. The guest touches it with a load, store or fetch, which takes a
 * guest page fault while the block is unmapped (trap_page_fault.c calls
 * vm_ram_fault); Keel touches it through vm_gpa_to_hva (loading the
 * image and device tree, SBI calls that read or write guest memory).
 * docs/isolation.md says why this is safe whatever the memory held
 * before, and docs/boot.md what it saves.
 *
 * Nothing here allocates: the G-stage tables are all made at vm_create
 * (vm_ram_setup), so a block is mapped from any hart, inside an exit.
 */
#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "hart.h"
#include "mm/mem.h"
#include "lib/memops.h"
#include "vm.h"
#include "lib/power.h"

int vm_ram_setup(struct vm *vm)
{
	struct mem_blocks *b = &vm->ram_blocks;
	uint64_t words = mem_blocks_words(vm->ram_size);
	uint64_t *bits = page_alloc((words * 8 + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), PAGE_SIZE);

	if (!bits)
		return -1;
	spinlock_init(&vm->ram_lock, LOCK_VM_RAM);
	mem_blocks_init(b, bits, vm->ram_size);
	/* block by block: 2 MiB leaves (4 KiB ones in a shorter last block) */
	for (uint64_t i = 0; i < b->nr; i++) {
		uint64_t off, len;

		mem_block_extent(b, i, &off, &len);
		if (gstage_prepare(&vm->gstage, vm->ram_base + off, (uintptr_t)vm->ram + off, len))
			return -1;
	}
	return 0;
}

/* Block i: zeroed, then mapped, then marked. ram_lock held. */
static int zero_and_map(struct vm *vm, uint64_t i)
{
	uint64_t off, len;

	mem_block_extent(&vm->ram_blocks, i, &off, &len);
	mem_zero(vm->ram + off, len);
	/* its tables exist (vm_ram_setup) and it is unmapped: cannot fail */
	if (gstage_map_prepared(&vm->gstage, vm->ram_base + off, (uintptr_t)vm->ram + off, len,
				GSTAGE_RWX))
		return -1;
	mem_block_set_ready(&vm->ram_blocks, i);
	return 0;
}

void vm_ram_make_ready(struct vm *vm, uint64_t off, uint64_t len)
{
	int failed = 0;

	if (!len)
		return;
	spin_lock(&vm->ram_lock);
	/* another hart may have zeroed some of them meanwhile: ask again */
	for (uint64_t i = mem_block_of(off); i <= mem_block_of(off + len - 1); i++)
		if (!mem_block_ready(&vm->ram_blocks, i))
			failed |= zero_and_map(vm, i);
	spin_unlock(&vm->ram_lock);
	if (failed) {
		/* the bitmap and the G-stage disagree: Keel itself is wrong */
		pr_err("VM '%s': a block of its RAM could not be mapped\n", vm->cfg->name);
		keel_hart_halt();
	}
}

bool vm_ram_fault(struct vm *vm, uint64_t gpa)
{
	uint64_t off = gpa - vm->ram_base;

	if (gpa < vm->ram_base || off >= vm->ram_size)
		return false;
	if (!mem_block_ready(&vm->ram_blocks, mem_block_of(off)))
		vm_ram_make_ready(vm, off, 1);
	/*
	 * This hart may still hold the invalid entry it faulted on (the
	 * privileged spec lets a hart cache one), and so may another hart of
	 * the VM that faults on the block later: that one finds it ready and
	 * comes straight here.
	 */
	arch_hfence_gvma_vmid(vm->vmid);
	return true;
}

int vm_ram_forget(struct vm *vm)
{
	struct mem_blocks *b = &vm->ram_blocks;
	int r = 0;

	spin_lock(&vm->ram_lock);
	for (uint64_t i = 0; i < b->nr; i++) {
		uint64_t off, len;

		if (!mem_block_ready(b, i))
			continue;
		mem_block_extent(b, i, &off, &len);
		/* a ready block not mapped as vm_ram_fault() maps one: Keel's own bug */
		if (gstage_unmap(&vm->gstage, vm->ram_base + off, (uintptr_t)vm->ram + off, len))
			r = -1;
	}
	/*
	 * No hfence here: every vCPU of the VM is parked, off its hart, and
	 * arch_vcpu_load() flushes the VMID on whichever hart loads one
	 * again, before it runs a single guest instruction.
	 */
	mem_blocks_forget_all(b);
	spin_unlock(&vm->ram_lock);
	return r;
}
