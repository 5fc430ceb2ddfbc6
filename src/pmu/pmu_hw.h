/*
 * What pmu_hw.c does for pmu.c's calls on host-backed counters. The rest
 * of pmu_hw.c (switching, hcounteren, trapped counter reads) is in
 * include/pmu.h.
 */
#ifndef KEEL_PMU_HW_H
#define KEEL_PMU_HW_H

#include "must_check.h"
#include "pmu.h"

/*
 * A host-backed counter for an event only the host can count: the set's
 * first free one (with SKIP_MATCH: the set's first, which must be one),
 * then a host counter for it. Returns the counter or a negative SBI error.
 */
long pmu_hw_match_host(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
		       unsigned long flags, unsigned long event_idx, uint64_t event_data,
		       const struct pmu_host *host) MUST_CHECK;
/* A configured counter is released: a host-backed one gives its host counter back */
void pmu_unconfigure(struct vcpu_pmu *pmu, unsigned int counter, const struct pmu_host *host);

#endif
