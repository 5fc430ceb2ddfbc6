/*
 * Fences: of guest translations (hfence.gvma by VMID, hfence.vvma of the
 * VMID that is loaded) and of the instruction stream (fence.i). Their own
 * file because the boot's probes (redirect_probe.c) need them before any
 * vCPU exists.
 */
#include "arch/riscv/arch.h"

/* hfence.gvma zero, rs2 / hfence.vvma by encoding: the assembler need not know H */
void arch_hfence_gvma_vmid(unsigned int vmid)
{
	register unsigned long r_vmid __asm__("a0") = vmid;
	/* hfence.gvma x0, a0 */
	__asm__ __volatile__(".word 0x62000073 | (10 << 20)" ::"r"(r_vmid) : "memory");
}

void arch_hfence_vvma_all(void)
{
	/* hfence.vvma x0, x0: all guest virtual addresses of the current VMID */
	__asm__ __volatile__(".word 0x22000073" ::: "memory");
}

void arch_hfence_vvma_asid(unsigned long asid)
{
	register unsigned long r_asid __asm__("a0") = asid;
	/* hfence.vvma x0, a0 */
	__asm__ __volatile__(".word 0x22000073 | (10 << 20)" ::"r"(r_asid) : "memory");
}

void arch_hfence_vvma_addr(unsigned long addr)
{
	register unsigned long r_addr __asm__("a0") = addr;
	/* hfence.vvma a0, x0 */
	__asm__ __volatile__(".word 0x22000073 | (10 << 15)" ::"r"(r_addr) : "memory");
}

void arch_fence_i(void)
{
	__asm__ __volatile__("fence.i" ::: "memory");
}
