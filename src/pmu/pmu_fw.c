/*
 * A vCPU's firmware counters (include/pmu.h): one per SBI firmware event,
 * counted by pmu_incr_fw() on the trap path while started. Here: the
 * guest's reads (fw_read, fw_read_hi), the traps nobody counts (which may
 * then go to the guest without an exit), and the report when a VM stops.
 */
#include <stdio.h>

#include "pmu.h"
#include "pmu/pmu_map.h"
#include "riscv.h"

long pmu_fw_read(const struct vcpu_pmu *pmu, unsigned long counter, unsigned long *value)
{
	*value = 0;
	if (!pmu_is_fw(counter) || !(pmu->in_use >> counter & 1))
		return SBI_ERR_INVALID_PARAM;
	*value = pmu->fw[counter - PMU_FW_BASE].value;
	return SBI_SUCCESS;
}

long pmu_fw_read_hi(const struct vcpu_pmu *pmu, unsigned long counter, unsigned long *value)
{
	long err = pmu_fw_read(pmu, counter, value);

	*value = 0; /* RV64: the whole count fits in fw_read's value */
	return err;
}

unsigned long pmu_uncounted_traps(const struct vcpu_pmu *pmu)
{
	/* the causes pmu_trap_event() names: after every SBI PMU call, so no 64-cause walk */
	static const unsigned char counted[] = { EXC_INST_ILLEGAL, EXC_LOAD_MISALIGNED,
						 EXC_STORE_MISALIGNED, EXC_LOAD_ACCESS,
						 EXC_STORE_ACCESS };
	unsigned long causes = 0;

	for (unsigned int i = 0; i < sizeof(counted); i++)
		if (!pmu->fw[pmu_trap_event(counted[i])].started)
			causes |= 1UL << counted[i];
	return causes;
}

static const char *const fw_event_names[SBI_PMU_FW_MAX] = SBI_PMU_FW_EVENT_NAMES;

const char *pmu_fw_event_name(unsigned int event)
{
	return event < SBI_PMU_FW_MAX ? fw_event_names[event] : "?";
}

unsigned int pmu_dump(const struct vcpu_pmu *pmu, const char *vm_name, unsigned int vcpu_id,
		      void (*line)(const char *text))
{
	char buf[96];
	unsigned int n = 0;

	for (unsigned int e = 0; e < SBI_PMU_FW_MAX; e++) {
		const struct pmu_fw_event *f = &pmu->fw[e];

		if (!pmu_fw_counted(f) && !f->value && !f->started)
			continue;
		/*
		 * counted is what happened; value is what the guest reads,
		 * which starts wherever the guest asked (Linux: 2^63 + 1).
		 * %lu: Keel's integer-only printf; RV64's long is 64 bits.
		 */
		snprintf(buf, sizeof(buf), "pmu %s/vcpu%u %s %lu (value %lu%s)", vm_name, vcpu_id,
			 fw_event_names[e], (unsigned long)pmu_fw_counted(f), (unsigned long)f->value,
			 f->started ? ", started" : "");
		line(buf);
		n++;
	}
	return n;
}
