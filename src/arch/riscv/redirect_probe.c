/*
 * Does the firmware hand a guest's trap to Keel correctly?
 *
 * Illegal-instruction, misaligned and access-fault traps are not delegated
 * by OpenSBI (medeleg), so a guest's goes to M-mode first, and OpenSBI's
 * sbi_trap_redirect() sends it on to HS-mode: it writes sepc/scause/stval,
 * sets hstatus.SPV, clears mstatus.MPV in the state it returns with, and
 * mret lands at Keel's stvec with V=0. On QEMU 10.0 (Debian 13) an M-mode
 * write of mstatus cannot change MPV (csrw, csrs and csrc all leave it as
 * the trap set it: docs/boards.md shows a short M-mode program), so that mret
 * goes back to VS-mode, at Keel's stvec address taken as a guest address,
 * and the guest loops on whatever its RAM holds there.
 *
 * Keel cannot tell this from a version number (OpenSBI 1.1 and 1.6 are
 * both affected on QEMU 10.0, neither on QEMU 7.2), so it asks the hart:
 * once at boot it runs one illegal instruction in VS-mode over an identity
 * G-stage and looks at where the redirect lands (redirect_probe.S). When it
 * is broken, arch_hart_init() delegates those traps to the guests instead
 * (hedeleg), and the firmware counts them for the SBI PMU (fw_events.c).
 */
#include <stdbool.h>
#include <stdint.h>

#include "arch/riscv/arch.h"
#include "riscv.h"
#include "arch/riscv/csr.h"

unsigned long arch_redirect_probe_run(void);

#define GIB_SHIFT 30
#define SV39X4_ROOT_ENTRIES 2048 /* GPA bits 40:30: the x4 root is 16 KiB */
#define SV39X4_GPA_BITS 41

/* One 1 GiB identity mapping around Keel's own code: all the probe runs. */
static uint64_t probe_root[SV39X4_ROOT_ENTRIES] __attribute__((aligned(16384)));

bool arch_firmware_redirects_to_hs(unsigned long *seen_cause)
{
	uintptr_t code = (uintptr_t)arch_redirect_probe_run;
	unsigned long index = (code >> GIB_SHIFT) % SV39X4_ROOT_ENTRIES;
	unsigned long hstatus = csr_read(CSR_HSTATUS);
	unsigned long sstatus = csr_read(CSR_SSTATUS);
	unsigned long sie = csr_read(CSR_SIE);
	unsigned long cause;

	if (code >> SV39X4_GPA_BITS) {
		/* Keel above 2 TiB: no Sv39x4 identity map; nothing to learn */
		*seen_cause = 0;
		return true;
	}
	/* G-stage leaves are always user pages: guest accesses count as U */
	probe_root[index] = ((uint64_t)(code >> GIB_SHIFT) << (GIB_SHIFT - 12 + PTE_PPN_SHIFT)) |
			    PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
	csr_write(CSR_SIE, 0);
	csr_write(CSR_VSATP, 0);
	csr_write(CSR_HGATP, (HGATP_MODE_SV39X4 << HGATP_MODE_SHIFT) |
				     ((uintptr_t)probe_root >> 12));
	arch_hfence_gvma_vmid(0);

	cause = arch_redirect_probe_run();

	csr_write(CSR_HGATP, 0);
	arch_hfence_gvma_vmid(0);
	probe_root[index] = 0;
	csr_write(CSR_HSTATUS, hstatus);
	csr_write(CSR_SSTATUS, sstatus);
	csr_write(CSR_SIE, sie);
	*seen_cause = cause;
	return cause == EXC_INST_ILLEGAL;
}
