/*
 * SBI PMU events (include/pmu.h): which of a vCPU's counters counts an
 * event (Keel's fixed map: cycles, instructions, firmware events; every
 * other event a host-backed counter's), and event_get_info's answers.
 */
#include "pmu.h"
#include "pmu/pmu_map.h"
#include "riscv.h"

/* SBI v2.0: a raw event's event_data is the 48-bit value for mhpmeventX */
#define RAW_EVENT_DATA_BITS 0xffffffffffffULL

int pmu_event_counter(unsigned long event_idx, uint64_t event_data)
{
	unsigned long type = (event_idx & SBI_PMU_EVENT_IDX_TYPE_MASK) >> SBI_PMU_EVENT_IDX_TYPE_SHIFT;
	unsigned long code = event_idx & SBI_PMU_EVENT_IDX_CODE_MASK;

	/* event_idx is 20 bits */
	if (event_idx & ~PMU_EVENT_IDX_BITS)
		return -1;
	switch (type) {
	case SBI_PMU_EVENT_TYPE_HW:
		/* event_data is reserved (must be 0) for types 0, 1 and 15 */
		if (event_data || code == SBI_PMU_HW_NO_EVENT)
			return -1;
		if (code == SBI_PMU_HW_CPU_CYCLES)
			return PMU_CTR_CYCLE;
		if (code == SBI_PMU_HW_INSTRUCTIONS)
			return PMU_CTR_INSTRET;
		return PMU_EVENT_HOST;
	case SBI_PMU_EVENT_TYPE_CACHE:
		return event_data ? -1 : PMU_EVENT_HOST;
	case SBI_PMU_EVENT_TYPE_RAW:
		/* the code must be 0, the value 48 bits */
		return code || (event_data & ~RAW_EVENT_DATA_BITS) ? -1 : PMU_EVENT_HOST;
	case SBI_PMU_EVENT_TYPE_FW:
		/* 22-255 reserved, 256-65534 implementation events, 65535 platform: none */
		return !event_data && code < SBI_PMU_FW_MAX ? (int)(PMU_FW_BASE + code) : -1;
	default:
		/* type 3 (raw v2) is SBI v3.0; Keel reports v2.0 */
		return -1;
	}
}

/* One event_get_info entry: u32 event_idx, u32 output, u64 event_data. */
#define EVENT_INFO_ENTRY 16

long pmu_event_info_args(unsigned long lo, unsigned long hi, unsigned long num,
			 unsigned long flags, uint64_t *gpa, uint64_t *len)
{
	*gpa = 0;
	*len = 0;
	if (flags || (lo & (EVENT_INFO_ENTRY - 1)))
		return SBI_ERR_INVALID_PARAM;
	/* Keel's own, stricter limit first, as the spec asks (pmu.h) */
	if (num > PMU_EVENT_INFO_MAX)
		return SBI_ERR_FAILED;
	/* no RV64 address has a high half */
	if (hi)
		return SBI_ERR_INVALID_ADDRESS;
	*gpa = lo;
	*len = num * EVENT_INFO_ENTRY;
	return SBI_SUCCESS;
}

/*
 * The entries are 16-byte aligned in guest physical memory
 * (pmu_event_info_args), and guest RAM starts on a 2 MiB boundary in
 * Keel's, so their words are read and written as words: __builtin_memcpy
 * of an aligned word is one load or store, where plain memcpy is a call
 * (-ffreestanding) and was four calls per entry.
 */
static uint32_t entry_word(const uint8_t *entry, unsigned int offset)
{
	uint32_t w;

	__builtin_memcpy(&w, __builtin_assume_aligned(entry + offset, 4), sizeof(w));
	return w;
}

long pmu_event_info(const struct pmu_host *host, void *entries, unsigned long num)
{
	uint8_t *e = __builtin_assume_aligned(entries, 8);

	/* every event_idx word first: a reserved bit set changes nothing */
	for (unsigned long i = 0; i < num; i++)
		if (entry_word(e + i * EVENT_INFO_ENTRY, 0) & ~PMU_EVENT_IDX_BITS)
			return SBI_ERR_INVALID_PARAM;
	for (unsigned long i = 0; i < num; i++) {
		uint8_t *entry = e + i * EVENT_INFO_ENTRY;
		uint32_t idx = entry_word(entry, 0), output;
		uint64_t data;

		__builtin_memcpy(&data, __builtin_assume_aligned(entry + 8, 8), sizeof(data));
		/* event_data only counts for raw and firmware events */
		if ((idx >> SBI_PMU_EVENT_IDX_TYPE_SHIFT) == SBI_PMU_EVENT_TYPE_HW ||
		    (idx >> SBI_PMU_EVENT_IDX_TYPE_SHIFT) == SBI_PMU_EVENT_TYPE_CACHE)
			data = 0;
		switch (pmu_event_counter(idx, data)) {
		case -1:
			output = 0;
			break;
		case PMU_EVENT_HOST:
			/* what the host's counters can count (host_pmu.c found out at boot) */
			output = host->nr_hpm && host->can_count(idx, data);
			break;
		default:
			output = 1;
			break;
		}
		__builtin_memcpy(__builtin_assume_aligned(entry + 4, 4), &output, sizeof(output));
	}
	return SBI_SUCCESS;
}
