/* The fakes declared in fake_pmu_arch.h. */
#include <string.h>

#include "arch/riscv/arch.h"
#include "fake_pmu_arch.h"
#include "pmu/host_pmu.h"
#include "pmu.h"

struct fake_pmu_arch fake_pmu;

uint64_t arch_pmu_read_raw(unsigned int csr)
{
	fake_pmu.raw_reads++;
	return csr < 32 ? fake_pmu.raw[csr] : 0;
}

static long fake_claim(unsigned long event_idx, uint64_t event_data, struct pmu_backing *b)
{
	(void)event_data;
	if ((event_idx & 0xffff) >= fake_pmu.hpm_events)
		return SBI_ERR_NOT_SUPPORTED;
	for (unsigned int i = 0; i < host_pmu.nr_hpm && i < fake_pmu.hpm_free; i++)
		if (!fake_pmu.claimed[i]) {
			fake_pmu.claimed[i] = 1;
			fake_pmu.claims++;
			/* a claimed counter starts from 0 */
			fake_pmu.raw[3 + i] = 0;
			*b = (struct pmu_backing){ .host_ctr = 3 + i, .csr = 3 + i,
						   .width = fake_pmu.hpm_width };
			return SBI_SUCCESS;
		}
	return SBI_ERR_NOT_SUPPORTED;
}

static void fake_release(unsigned int host_ctr)
{
	if (host_ctr >= 3 && host_ctr < 32 && fake_pmu.claimed[host_ctr - 3]) {
		fake_pmu.claimed[host_ctr - 3] = 0;
		fake_pmu.releases++;
		return;
	}
	/* releasing what was never claimed is a bug: make it visible */
	fake_pmu.releases += 1000;
}

static bool fake_can_count(unsigned long event_idx, uint64_t event_data)
{
	(void)event_data;
	return (event_idx & 0xffff) < fake_pmu.hpm_events;
}

struct pmu_host host_pmu = {
	.read = arch_pmu_read_raw,
	.claim = fake_claim,
	.release = fake_release,
	.can_count = fake_can_count,
};

void fake_pmu_reset(void)
{
	memset(&fake_pmu, 0, sizeof(fake_pmu));
	host_pmu.nr_hpm = 0;
}

void arch_set_hcounteren(unsigned long value)
{
	fake_pmu.hcounteren = value;
	fake_pmu.hcounteren_writes++;
}

unsigned long arch_guest_scounteren(void)
{
	return fake_pmu.scounteren;
}
