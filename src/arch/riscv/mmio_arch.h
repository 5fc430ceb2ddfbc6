/*
 * The hart's side of the MMIO fast path (mmio_fast.h): the trap CSRs it
 * reads and the guarded read of the guest's instruction, inline.
 *
 * Everything else that touches a CSR lives in src/arch/ behind a call.
 * Here a call per CSR would cost more than the reads themselves, on a
 * path whose whole budget is a few dozen instructions, so these few are
 * spelled out where they are used. Numbers, not names, as in
 * src/arch/riscv/csr.h: the assembler need not know the H extension.
 */
#ifndef KEEL_MMIO_ARCH_H
#define KEEL_MMIO_ARCH_H

#include <stdint.h>

#include "riscv.h"

/*
 * What the guest's trap left in the CSRs that the guarded fetch below
 * overwrites if it faults, read before it.
 */
struct mmio_arch_trap {
	unsigned long scause, stval, htval, htinst, hstatus, sstatus;
};

#ifndef KEEL_HOST_BUILD
#define MMIO_ARCH_CSR_READ(csr)                                                                    \
	({                                                                                         \
		unsigned long __v;                                                                 \
		__asm__ volatile("csrr %0, " #csr : "=r"(__v));                                    \
		__v;                                                                               \
	})
#define MMIO_ARCH_CSR_WRITE(csr, v) __asm__ volatile("csrw " #csr ", %0" ::"r"(v) : "memory")

static inline void mmio_arch_trap_read(struct mmio_arch_trap *t)
{
	t->htval = MMIO_ARCH_CSR_READ(0x643);
	t->stval = MMIO_ARCH_CSR_READ(stval);
	t->htinst = MMIO_ARCH_CSR_READ(0x64a);
	t->scause = MMIO_ARCH_CSR_READ(scause);
	t->hstatus = MMIO_ARCH_CSR_READ(0x600);
	t->sstatus = MMIO_ARCH_CSR_READ(sstatus);
}

static inline uint64_t mmio_arch_time(void)
{
	return MMIO_ARCH_CSR_READ(time);
}

/*
 * The 32 bits at guest virtual address gva, read as the guest fetches
 * them (HLVX.WU: its translation, execute permission), or -1 (which no
 * 32-bit read returns) if the read faulted: then stvec pointed at
 * mmio_fetch_guard (src/arch/riscv/mmio_guard.S), which skipped the HLVX. The
 * read may cross into the next page or be misaligned; a hart that refuses
 * either faults, and the caller takes the slow path, which reads the
 * instruction in halves (arch_guest_read_insn).
 */
static inline long mmio_arch_fetch(unsigned long gva)
{
	register long word __asm__("t0");
	register unsigned long addr __asm__("t1") = gva;
	unsigned long saved;

	__asm__ volatile("lla	%1, mmio_fetch_guard\n\t"
			 "csrrw	%1, stvec, %1\n\t"
			 /* hlvx.wu t0, (t1) */
			 ".word	0x68304073 | (6 << 15) | (5 << 7)\n\t"
			 "csrw	stvec, %1"
			 : "=r"(word), "=&r"(saved)
			 : "r"(addr));
	return word;
}

/*
 * After a faulted fetch: the fault was Keel's own trap, which rewrote the
 * trap CSRs, hstatus.SPV, sstatus.SPP and SPIE. Put back what the guest's
 * trap left, so the slow path reads that trap and the return still goes
 * to the guest (as arch_guest_read_insn() does).
 */
static inline void mmio_arch_fetch_undo(const struct mmio_arch_trap *t, unsigned long sepc)
{
	MMIO_ARCH_CSR_WRITE(0x600, t->hstatus);
	MMIO_ARCH_CSR_WRITE(sstatus, t->sstatus);
	MMIO_ARCH_CSR_WRITE(sepc, sepc);
	MMIO_ARCH_CSR_WRITE(scause, t->scause);
	MMIO_ARCH_CSR_WRITE(stval, t->stval);
	MMIO_ARCH_CSR_WRITE(0x643, t->htval);
	MMIO_ARCH_CSR_WRITE(0x64a, t->htinst);
}
#else
/*
 * Built for the host (tests/unit): the hart's side comes from the test
 * (fake_arch.c), which plays the CSRs and guest memory.
 */
void mmio_arch_trap_read(struct mmio_arch_trap *t);
uint64_t mmio_arch_time(void);
long mmio_arch_fetch(unsigned long gva);
void mmio_arch_fetch_undo(const struct mmio_arch_trap *t, unsigned long sepc);
#endif

#endif
