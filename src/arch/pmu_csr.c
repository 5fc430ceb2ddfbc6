/*
 * The CSR side of the guests' SBI PMU (docs/pmu.md): the raw cycle and
 * instret counters that the guest's hardware counters are derived from,
 * and hcounteren, which decides whether a guest's read of them traps.
 */
#include "arch.h"
#include "csr.h"
#include "pmu.h"

uint64_t arch_pmu_read_raw(unsigned int counter)
{
	return counter == PMU_CTR_INSTRET ? csr_read(CSR_INSTRET) : csr_read(CSR_CYCLE);
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
