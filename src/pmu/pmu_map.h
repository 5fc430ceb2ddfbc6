/*
 * The counter map of include/pmu.h as predicates, for the files of the PMU
 * state machine (pmu.c, pmu_hw.c, pmu_fw.c, pmu_event.c): which kind a
 * guest counter index is, and where a hardware one's state lives.
 */
#ifndef KEEL_PMU_MAP_H
#define KEEL_PMU_MAP_H

#include "pmu.h"

#define PMU_EVENT_IDX_BITS 0xfffffUL /* event_idx is 20 bits */

static inline bool pmu_is_fw(unsigned long counter)
{
	return counter >= PMU_FW_BASE && counter < PMU_NUM_COUNTERS;
}

static inline bool pmu_is_fixed_hw(unsigned long counter)
{
	return counter == PMU_CTR_CYCLE || counter == PMU_CTR_INSTRET;
}

static inline bool pmu_is_hpm(const struct pmu_host *host, unsigned long counter)
{
	return counter >= PMU_HPM_BASE && counter < pmu_num_counters(host);
}

static inline bool pmu_counter_exists(const struct pmu_host *host, unsigned long counter)
{
	return pmu_is_fixed_hw(counter) || pmu_is_fw(counter) || pmu_is_hpm(host, counter);
}

/* cycle, instret or a host-backed counter: anything but a firmware one */
static inline struct pmu_hw_counter *pmu_hw_counter(struct vcpu_pmu *pmu, unsigned int counter)
{
	return counter >= PMU_HPM_BASE ? &pmu->hpm[counter - PMU_HPM_BASE].c : &pmu->hw[counter];
}

static inline const struct pmu_hw_counter *pmu_hw_counter_const(const struct vcpu_pmu *pmu,
								 unsigned int counter)
{
	return pmu_hw_counter((struct vcpu_pmu *)pmu, counter);
}

#endif
