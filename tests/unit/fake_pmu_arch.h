/*
 * Fakes for src/arch/pmu_csr.c (the raw cycle/instret CSRs, hcounteren,
 * scounteren) for the tests that link the SBI PMU: test_pmu.c, test_sbi.c.
 */
#ifndef KEEL_UNIT_FAKE_PMU_ARCH_H
#define KEEL_UNIT_FAKE_PMU_ARCH_H

#include <stdint.h>

struct fake_pmu_arch {
	uint64_t raw[3];           /* what arch_pmu_read_raw() returns, by counter */
	unsigned int raw_reads;
	unsigned long hcounteren;  /* last arch_set_hcounteren() value */
	unsigned int hcounteren_writes;
	unsigned long scounteren;  /* what arch_guest_scounteren() returns */
};

extern struct fake_pmu_arch fake_pmu;

void fake_pmu_reset(void);

#endif
