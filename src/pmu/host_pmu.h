/*
 * The host's hardware performance counters, reached through the SBI PMU
 * of the firmware under Keel (OpenSBI), which alone can program
 * mhpmeventX and mcountinhibit. Keel is that firmware's S-mode client, as
 * a kernel would be. docs/pmu.md, "Host-backed counters".
 */
#ifndef KEEL_HOST_PMU_H
#define KEEL_HOST_PMU_H

#include "pmu.h"

/* The machine's, for the PMU state machine (the unit tests' fake_pmu_arch.c) */
extern struct pmu_host host_pmu;

/*
 * Once, on the boot hart before any VM exists: ask the firmware for its
 * counters (counter_get_info) and which standard hardware and cache events
 * its hpmcounters count, print the answer, and offer guests one
 * host-backed counter per host hpmcounter (host_pmu.nr_hpm), or none when
 * the firmware counts no event on them. Every hart is taken to have the
 * boot hart's counters.
 */
void host_pmu_probe(void);

#endif
