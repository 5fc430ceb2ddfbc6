/*
 * The host's hpmcounters for guests (host_pmu.h, docs/pmu.md): what the
 * firmware below Keel offers, found out once at boot, and a host counter
 * claimed from it, on the calling hart, for each guest counter that needs
 * one. A claimed counter runs from its claim to its release; the guest's
 * count is what it moved while the vCPU was on the hart (pmu.c).
 */
#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "pmu/host_pmu.h"
#include "pmu.h"
#include "sbi_defs.h"

#define HOST_MAX_COUNTERS 64 /* a counter mask is one register */
#define CACHE_CODES 56       /* cache_id (3 bits) << 3 | op (2 bits) << 1 | result */

static struct {
	unsigned long hpm_mask; /* the firmware's counters that are hpmcounter3..31 */
	unsigned char csr[HOST_MAX_COUNTERS];   /* each one's CSR, 0xc00 + csr */
	unsigned char width[HOST_MAX_COUNTERS]; /* and its width in bits */
	unsigned long hw_events;                /* type-0 codes they count, bit = code */
	uint64_t cache_events;                  /* type-1 codes they count, bit = code */
} hpm;

static struct sbiret cfg_match(unsigned long mask, unsigned long flags, unsigned long event_idx,
			       uint64_t event_data)
{
	return fw_sbi_call5(SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, mask, flags, event_idx,
			    event_data);
}

/*
 * Stopped and reset: the firmware's again. A stop it refuses leaves the
 * counter claimed at the firmware, which then never hands it out again:
 * nothing counts twice, Keel only has one counter fewer. So the result
 * changes nothing here.
 */
static void release(unsigned int host_ctr)
{
	struct sbiret r = fw_sbi_call(SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_STOP, host_ctr, 1,
				      SBI_PMU_STOP_FLAG_RESET, 0);

	(void)r;
}

/*
 * Started from 0. cfg_match's AUTO_START is not enough: on QEMU with
 * OpenSBI 1.1 and 1.6 the hpmcounter stayed inhibited (a later stop said
 * ALREADY_STOPPED, and that stop did not free it). False if the firmware
 * would not start it: then it counts nothing for anyone.
 */
static bool start_from_zero(unsigned long host_ctr)
{
	return fw_sbi_call(SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_START, host_ctr, 1,
			   SBI_PMU_START_FLAG_SET_INIT_VALUE, 0)
		       .error == SBI_SUCCESS;
}

/*
 * A counter the firmware gave although it was not in the mask: back, unless
 * it is cycle or instret, which a stop would inhibit (mcountinhibit) for
 * Keel and every guest on the hart. Seen on no firmware; cheap to be safe.
 */
static void give_back_unasked(unsigned long ctr)
{
	if (ctr != PMU_CTR_CYCLE && ctr != PMU_CTR_INSTRET)
		release((unsigned int)ctr);
}

static long claim(unsigned long event_idx, uint64_t event_data, struct pmu_backing *b)
{
	struct sbiret r;

	if (!hpm.hpm_mask)
		return SBI_ERR_NOT_SUPPORTED;
	r = cfg_match(hpm.hpm_mask, SBI_PMU_CFG_FLAG_CLEAR_VALUE, event_idx, event_data);
	if (r.error)
		return SBI_ERR_NOT_SUPPORTED; /* none counts it, or all that could are taken */
	if (r.value >= HOST_MAX_COUNTERS || !(hpm.hpm_mask >> r.value & 1)) {
		give_back_unasked(r.value);
		return SBI_ERR_NOT_SUPPORTED;
	}
	if (!start_from_zero(r.value)) {
		release((unsigned int)r.value);
		return SBI_ERR_NOT_SUPPORTED; /* a counter that will not count is none */
	}
	*b = (struct pmu_backing){ .host_ctr = (unsigned int)r.value,
				   .csr = hpm.csr[r.value],
				   .width = hpm.width[r.value] };
	return SBI_SUCCESS;
}

static bool can_count(unsigned long event_idx, uint64_t event_data)
{
	unsigned long type = event_idx >> SBI_PMU_EVENT_IDX_TYPE_SHIFT;
	unsigned long code = event_idx & SBI_PMU_EVENT_IDX_CODE_MASK;

	(void)event_data;
	if (type == SBI_PMU_EVENT_TYPE_HW)
		return code < 64 && (hpm.hw_events >> code & 1);
	if (type == SBI_PMU_EVENT_TYPE_CACHE)
		return code < CACHE_CODES && (hpm.cache_events >> code & 1);
	return false; /* raw events: no list to ask; only a claim tells */
}

struct pmu_host host_pmu = {
	.read = arch_pmu_read_raw,
	.claim = claim,
	.release = release,
	.can_count = can_count,
};

/* Can one of the host's hpmcounters count this event now? Tried, then given back. */
static bool probe_event(unsigned long event_idx)
{
	struct sbiret r = cfg_match(hpm.hpm_mask, 0, event_idx, 0);
	bool counts;

	if (r.error)
		return false;
	if (r.value >= HOST_MAX_COUNTERS || !(hpm.hpm_mask >> r.value & 1)) {
		give_back_unasked(r.value);
		return false;
	}
	/* a stop frees only a started counter; one that will not start counts nothing */
	counts = start_from_zero(r.value);
	release((unsigned int)r.value);
	return counts;
}

static void find_counters(unsigned long n)
{
	for (unsigned long i = 0; i < n && i < HOST_MAX_COUNTERS; i++) {
		struct sbiret r = fw_sbi_call(SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_GET_INFO, i, 0, 0, 0);
		unsigned long csr = (r.value & 0xfff) - PMU_CSR_COUNTER_BASE;

		/* hardware counters (bit 63 clear) on hpmcounter3..31 */
		if (r.error || (r.value >> 63) || csr < PMU_HPM_CSR_FIRST || csr > 31)
			continue;
		hpm.hpm_mask |= 1UL << i;
		hpm.csr[i] = (unsigned char)csr;
		hpm.width[i] = (unsigned char)(((r.value >> SBI_PMU_CTR_INFO_WIDTH_SHIFT) & 63) + 1);
	}
}

static void find_events(void)
{
	/*
	 * The standard hardware events other than cycles and instructions,
	 * which guests count on cycle and instret. Asking for those on the
	 * hpmcounters made OpenSBI 1.1 hand out and then stop counter 0 and 2
	 * themselves: cycle and instret stood still for everyone after.
	 */
	for (unsigned long code = SBI_PMU_HW_INSTRUCTIONS + 1; code <= SBI_PMU_HW_REF_CPU_CYCLES;
	     code++)
		if (probe_event(SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_HW, code)))
			hpm.hw_events |= 1UL << code;
	/* cache id 0-6 (L1D L1I LL DTLB ITLB BPU NODE), op 0-2, result 0-1 */
	for (unsigned long id = 0; id <= 6; id++)
		for (unsigned long op = 0; op <= 2; op++)
			for (unsigned long res = 0; res <= 1; res++) {
				unsigned long code = id << 3 | op << 1 | res;

				if (probe_event(SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_CACHE, code)))
					hpm.cache_events |= 1ULL << code;
			}
}

/* The firmware gives one width for all its hpmcounters; the least, to be sure */
static unsigned int narrowest_width(void)
{
	unsigned int w = 64;

	for (unsigned int i = 0; i < HOST_MAX_COUNTERS; i++)
		if ((hpm.hpm_mask >> i & 1) && hpm.width[i] < w)
			w = hpm.width[i];
	return w;
}

static void print_answer(void)
{
	kprintf("[keel] host PMU: %u hpmcounters (%u bits); events they count:",
		(unsigned int)__builtin_popcountl(hpm.hpm_mask), narrowest_width());
	for (unsigned int code = 0; code < 64; code++)
		if (hpm.hw_events >> code & 1)
			kprintf(" 0x%x", code);
	for (unsigned int code = 0; code < CACHE_CODES; code++)
		if (hpm.cache_events >> code & 1)
			kprintf(" 0x%x", SBI_PMU_EVENT_TYPE_CACHE << 16 | code);
	if (!hpm.hw_events && !hpm.cache_events)
		kprintf(" none");
	kprintf("\n");
}

void host_pmu_probe(void)
{
	struct sbiret r = fw_sbi_call(SBI_EXT_PMU, SBI_EXT_PMU_NUM_COUNTERS, 0, 0, 0, 0);

	if (r.error || !r.value) {
		kprintf("[keel] host PMU: the firmware has no SBI PMU; guests get cycle and "
			"instret only\n");
		return;
	}
	find_counters(r.value);
	if (!hpm.hpm_mask) {
		kprintf("[keel] host PMU: %lu counters, no hpmcounter among them; guests get "
			"cycle and instret only\n",
			r.value);
		return;
	}
	find_events();
	print_answer();
	/*
	 * A counter that can count nothing is no counter: offered only when
	 * some standard event is countable (raw events cannot be listed).
	 */
	if (!hpm.hw_events && !hpm.cache_events) {
		kprintf("[keel] host PMU: no usable event; guests get cycle and instret only\n");
		hpm.hpm_mask = 0;
		return;
	}
	host_pmu.nr_hpm = (unsigned int)__builtin_popcountl(hpm.hpm_mask);
	host_pmu.hpm_width = narrowest_width();
}
