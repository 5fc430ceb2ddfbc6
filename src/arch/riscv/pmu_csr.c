/*
 * The CSR side of the guests' SBI PMU (docs/pmu.md): the raw counters that
 * the guest's hardware counters are derived from (cycle, instret, and the
 * host's hpmcounters behind host-backed counters), and hcounteren, which
 * decides whether a guest's read of them traps.
 */
#include "arch/riscv/arch.h"
#include "arch/riscv/csr.h"
#include "pmu.h"

/* csr_read() takes the CSR number in the instruction: one case per counter */
#define HPM_CASE(n)                                          \
	case n:                                              \
		return csr_read(PMU_CSR_COUNTER_BASE + n)

uint64_t arch_pmu_read_raw(unsigned int csr)
{
	switch (csr) {
	HPM_CASE(3); HPM_CASE(4); HPM_CASE(5); HPM_CASE(6); HPM_CASE(7);
	HPM_CASE(8); HPM_CASE(9); HPM_CASE(10); HPM_CASE(11); HPM_CASE(12);
	HPM_CASE(13); HPM_CASE(14); HPM_CASE(15); HPM_CASE(16); HPM_CASE(17);
	HPM_CASE(18); HPM_CASE(19); HPM_CASE(20); HPM_CASE(21); HPM_CASE(22);
	HPM_CASE(23); HPM_CASE(24); HPM_CASE(25); HPM_CASE(26); HPM_CASE(27);
	HPM_CASE(28); HPM_CASE(29); HPM_CASE(30); HPM_CASE(31);
	case PMU_CTR_INSTRET:
		return csr_read(CSR_INSTRET);
	default:
		return csr_read(CSR_CYCLE);
	}
}

void arch_set_hcounteren(unsigned long value)
{
	csr_write(CSR_HCOUNTEREN, value);
}

unsigned long arch_guest_scounteren(void)
{
	/* no vscounteren: the loaded vCPU's own is on the hart (arch_vcpu_load) */
	return csr_read(CSR_SCOUNTEREN);
}

uint64_t arch_read_instret(void)
{
	return csr_read(CSR_INSTRET);
}

uint64_t arch_read_cycle(void)
{
	return csr_read(CSR_CYCLE);
}
