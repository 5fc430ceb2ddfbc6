/*
 * Keel's SBI PMU counts for guest traps that bypass Keel (fw_events.h):
 * taken from the firmware's own SBI PMU firmware counters, which Keel, as
 * the firmware's S-mode client, configures and reads like any kernel would.
 */
#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "fw_events.h"
#include "hart.h"
#include "sbi_defs.h"
#include "vcpu.h"

static const enum sbi_pmu_fw_event tracked[FW_EVENTS_TRACKED] = {
	SBI_PMU_FW_ILLEGAL_INSN,  SBI_PMU_FW_MISALIGNED_LOAD, SBI_PMU_FW_MISALIGNED_STORE,
	SBI_PMU_FW_ACCESS_LOAD, SBI_PMU_FW_ACCESS_STORE,
};

static uint64_t firmware_count(long ctr)
{
	struct sbiret r = fw_sbi_call(SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_FW_READ, (unsigned long)ctr,
				      0, 0, 0);

	return r.error ? 0 : r.value;
}

void fw_events_hart_init(struct hart *h)
{
	struct sbiret r;
	unsigned long mask;

	for (unsigned int i = 0; i < FW_EVENTS_TRACKED; i++)
		h->fw_ctr[i] = -1;
	if (!host.fw_redirect_broken)
		return;
	r = fw_sbi_call(SBI_EXT_PMU, SBI_EXT_PMU_NUM_COUNTERS, 0, 0, 0, 0);
	if (r.error || r.value == 0) {
		kprintf("[keel] hart %lu: the firmware has no SBI PMU: guests' illegal-instruction, "
			"misaligned and access-fault counters stay 0\n", h->hartid);
		return;
	}
	/* every counter may be picked: the firmware finds a free firmware one */
	mask = r.value >= 64 ? ~0UL : (1UL << r.value) - 1;
	for (unsigned int i = 0; i < FW_EVENTS_TRACKED; i++) {
		unsigned long event = ((unsigned long)SBI_PMU_EVENT_TYPE_FW << 16) | tracked[i];

		r = fw_sbi_call(SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, mask,
				SBI_PMU_CFG_FLAG_CLEAR_VALUE | SBI_PMU_CFG_FLAG_AUTO_START, event);
		if (r.error) {
			kprintf("[keel] hart %lu: the firmware cannot count %s (SBI error %ld): "
				"guests' counter for it stays 0\n",
				h->hartid, pmu_fw_event_name(tracked[i]), r.error);
			continue;
		}
		h->fw_ctr[i] = (long)r.value;
	}
}

static bool any_tracked_started(const struct vcpu_pmu *pmu)
{
	for (unsigned int i = 0; i < FW_EVENTS_TRACKED; i++)
		if (pmu->fw[tracked[i]].started)
			return true;
	return false;
}

void fw_events_begin(struct vcpu *v)
{
	struct hart *h = v->hart;

	if (!host.fw_redirect_broken || !any_tracked_started(&v->pmu))
		return;
	for (unsigned int i = 0; i < FW_EVENTS_TRACKED; i++)
		if (h->fw_ctr[i] >= 0)
			v->pmu.fw_mark[i] = firmware_count(h->fw_ctr[i]);
}

void fw_events_sync(struct vcpu *v)
{
	struct hart *h = v->hart;

	if (!host.fw_redirect_broken)
		return;
	for (unsigned int i = 0; i < FW_EVENTS_TRACKED; i++) {
		uint64_t now;

		if (h->fw_ctr[i] < 0)
			continue;
		now = firmware_count(h->fw_ctr[i]);
		pmu_add_fw(&v->pmu, tracked[i], now - v->pmu.fw_mark[i]);
		v->pmu.fw_mark[i] = now;
	}
}
