/*
 * Fakes for src/arch/riscv/pmu_csr.c (the raw cycle/instret CSRs, hcounteren,
 * scounteren) for the tests that link the SBI PMU: test_pmu.c, test_sbi.c.
 */
#ifndef KEEL_UNIT_FAKE_PMU_ARCH_H
#define KEEL_UNIT_FAKE_PMU_ARCH_H

#include <stdint.h>

struct fake_pmu_arch {
	uint64_t raw[32];          /* what arch_pmu_read_raw() returns, by CSR 0xc00 + i */
	unsigned int raw_reads;
	unsigned long hcounteren;  /* last arch_set_hcounteren() value */
	unsigned int hcounteren_writes;
	unsigned long scounteren;  /* what arch_guest_scounteren() returns */
	/*
	 * The host's counters behind host_pmu (nr_hpm set by the test): host
	 * counter i reads as hpmcounter(3 + i), is hpm_width bits wide, and
	 * counts any event whose code is below hpm_events; claimed[i] is set
	 * while a guest holds it.
	 */
	unsigned int hpm_free;       /* host counters left to claim (of nr_hpm) */
	unsigned int hpm_events;
	unsigned int hpm_width;
	unsigned char claimed[29];
	unsigned int claims, releases;
};

extern struct fake_pmu_arch fake_pmu;

void fake_pmu_reset(void);

#endif
