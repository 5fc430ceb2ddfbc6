/*
 * Per-vCPU SBI PMU state. Seed 000: every trap Keel redirects to a guest and
 * every SBI event it serves is counted in the vCPU's firmware counter for
 * that event, but only while the guest has that counter started.
 */
#ifndef KEEL_PMU_H
#define KEEL_PMU_H

#include <stdbool.h>
#include <stdint.h>

#include "sbi_defs.h"

struct pmu_fw_event {
	uint64_t value;
	bool started;
};

struct vcpu_pmu {
	struct pmu_fw_event fw[SBI_PMU_FW_MAX];
};

/* As kvm_riscv_vcpu_pmu_incr_fw(): a no-op unless the event is started. */
static inline void pmu_incr_fw(struct vcpu_pmu *pmu, enum sbi_pmu_fw_event ev)
{
	if (pmu && (unsigned int)ev < SBI_PMU_FW_MAX && pmu->fw[ev].started)
		pmu->fw[ev].value++;
}

#endif
