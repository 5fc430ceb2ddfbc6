/* The fakes declared in fake_pmu_arch.h. */
#include <string.h>

#include "arch.h"
#include "fake_pmu_arch.h"

struct fake_pmu_arch fake_pmu;

void fake_pmu_reset(void)
{
	memset(&fake_pmu, 0, sizeof(fake_pmu));
}

uint64_t arch_pmu_read_raw(unsigned int counter)
{
	fake_pmu.raw_reads++;
	return counter < 3 ? fake_pmu.raw[counter] : 0;
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
