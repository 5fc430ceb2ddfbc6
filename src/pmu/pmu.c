/*
 * The SBI PMU state machine of a vCPU (include/pmu.h, docs/pmu.md): the
 * calls on counter sets (counter_get_info, cfg_match, start, stop) and
 * the snapshot area. The hardware counters' own work is pmu_hw.c's, the
 * firmware counters' reads and report pmu_fw.c's, the events and
 * event_get_info pmu_event.c's. Pure logic: no CSR is touched here. The hardware counters' raw CSR values come
 * from a callback, the snapshot area and the event_get_info entries are host
 * pointers the caller has checked to lie in the guest's RAM.
 *
 * Keel's counter map is fixed for what Keel counts itself: CPU_CYCLES only
 * on counter 0, INSTRUCTIONS only on counter 2, firmware event e only on
 * counter PMU_FW_BASE + e. So matching those is a lookup, and pmu_incr_fw()
 * on the trap path needs no table. Every other hardware, cache or raw event
 * goes to a host-backed counter (PMU_HPM_BASE + i) with a host counter
 * claimed for it through struct pmu_host.
 */
#include <string.h>

#include "pmu.h"
#include "pmu/pmu_hw.h"
#include "pmu/pmu_map.h"
#include "riscv.h"

#define CFG_FLAGS_KNOWN 0xffUL /* SKIP_MATCH .. SET_MINH */
#define START_FLAGS_KNOWN (SBI_PMU_START_FLAG_SET_INIT_VALUE | SBI_PMU_START_FLAG_INIT_SNAPSHOT)
#define STOP_FLAGS_KNOWN (SBI_PMU_STOP_FLAG_RESET | SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT)

/*
 * A counter set (counter_idx_base, counter_idx_mask) is valid when it names
 * at least one counter and every counter it names exists. An empty mask is
 * refused too, as KVM refuses it: it names no counter to act on.
 */
static bool set_valid(const struct pmu_host *host, unsigned long base, unsigned long mask)
{
	if (!mask || base >= pmu_num_counters(host))
		return false;
	for (unsigned int i = 0; i < 64; i++)
		if ((mask >> i & 1) && !pmu_counter_exists(host, base + i))
			return false; /* base < 54 and i < 64: base + i cannot wrap */
	return true;
}

/* Every counter of a valid set is configured. */
static bool set_in_use(const struct vcpu_pmu *pmu, unsigned long base, unsigned long mask)
{
	for (unsigned int i = 0; i < 64; i++)
		if ((mask >> i & 1) && !(pmu->in_use >> (base + i) & 1))
			return false;
	return true;
}

static bool is_started(const struct vcpu_pmu *pmu, unsigned int counter)
{
	return pmu_is_fw(counter) ? pmu->fw[counter - PMU_FW_BASE].started
			      : pmu_hw_counter_const(pmu, counter)->started;
}

uint64_t pmu_counter_value(const struct vcpu_pmu *pmu, unsigned int counter,
			   const struct pmu_host *host)
{
	const struct pmu_hw_counter *c;

	if (pmu_is_fw(counter))
		return pmu->fw[counter - PMU_FW_BASE].value;
	if (!(pmu->in_use >> counter & 1) || !(pmu_is_fixed_hw(counter) || pmu_is_hpm(host, counter)))
		return 0;
	c = pmu_hw_counter_const(pmu, counter);
	/* a stopped counter needs no raw read */
	return pmu_hw_value(c, c->started ? host->read(c->csr) : 0);
}

/* Set the guest's count of a counter, started or not. */
static void set_value(struct vcpu_pmu *pmu, unsigned int counter, uint64_t value,
		      const struct pmu_host *host)
{
	struct pmu_hw_counter *c;

	if (pmu_is_fw(counter)) {
		struct pmu_fw_event *f = &pmu->fw[counter - PMU_FW_BASE];

		f->offset += value - f->value; /* what was counted stays counted */
		f->value = value;
		return;
	}
	c = pmu_hw_counter(pmu, counter);
	value &= pmu_width_mask(c->width);
	c->value = c->started ? host->read(c->csr) - value : value;
}

static void start_counter(struct vcpu_pmu *pmu, unsigned int counter, const struct pmu_host *host)
{
	struct pmu_hw_counter *c;

	if (pmu_is_fw(counter)) {
		pmu->fw[counter - PMU_FW_BASE].started = true;
		return;
	}
	c = pmu_hw_counter(pmu, counter);
	c->value = host->read(c->csr) - c->value; /* count from here on */
	c->started = true;
	pmu->hw_started |= 1ULL << counter;
}

static void stop_counter(struct vcpu_pmu *pmu, unsigned int counter, const struct pmu_host *host)
{
	struct pmu_hw_counter *c;

	if (pmu_is_fw(counter)) {
		pmu->fw[counter - PMU_FW_BASE].started = false;
		return;
	}
	c = pmu_hw_counter(pmu, counter);
	c->value = (host->read(c->csr) - c->value) & pmu_width_mask(c->width); /* freeze */
	c->started = false;
	pmu->hw_started &= ~(1ULL << counter);
}

long pmu_counter_info(const struct pmu_host *host, unsigned long counter, unsigned long *info)
{
	*info = 0;
	if (pmu_is_fixed_hw(counter)) {
		/* cycle and instret are 64 bits wide: width - 1 = 63 */
		*info = (PMU_CSR_COUNTER_BASE + counter) | (63UL << SBI_PMU_CTR_INFO_WIDTH_SHIFT);
		return SBI_SUCCESS;
	}
	if (pmu_is_fw(counter)) {
		/*
		 * The spec says a firmware counter's csr and width are to be
		 * ignored, but Linux 6.1 masks every count delta with its
		 * width: width 0 would count modulo 2. They are 64-bit counts.
		 */
		*info = SBI_PMU_CTR_INFO_TYPE_FW | (63UL << SBI_PMU_CTR_INFO_WIDTH_SHIFT);
		return SBI_SUCCESS;
	}
	if (pmu_is_hpm(host, counter)) {
		/*
		 * The CSR the guest reads it with (Keel answers the trapped
		 * read), and the host's hpmcounters' width: the count wraps
		 * where the host counter behind it wraps.
		 */
		*info = (PMU_CSR_COUNTER_BASE + PMU_HPM_CSR_FIRST + (counter - PMU_HPM_BASE)) |
			((unsigned long)(host->hpm_width - 1) << SBI_PMU_CTR_INFO_WIDTH_SHIFT);
		return SBI_SUCCESS;
	}
	return SBI_ERR_INVALID_PARAM;
}

long pmu_cfg_match(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
		   unsigned long flags, unsigned long event_idx, uint64_t event_data,
		   const struct pmu_host *host, unsigned long *counter)
{
	long ctr;
	bool configured;

	*counter = 0;
	if (!set_valid(host, base, mask) || (flags & ~CFG_FLAGS_KNOWN))
		return SBI_ERR_INVALID_PARAM;
	ctr = pmu_event_counter(event_idx, event_data);
	if (ctr == PMU_EVENT_HOST) {
		ctr = pmu_hw_match_host(pmu, base, mask, flags, event_idx, event_data, host);
		if (ctr < 0)
			return ctr;
		configured = true; /* fresh from the host: counting from 0 */
	} else if (ctr < 0) {
		return SBI_ERR_NOT_SUPPORTED;
	} else {
		if (flags & SBI_PMU_CFG_FLAG_SKIP_MATCH) {
			/* the first counter of the set, unconditionally: it must fit */
			if (base + (unsigned long)__builtin_ctzl(mask) != (unsigned long)ctr)
				return SBI_ERR_NOT_SUPPORTED;
		} else {
			/* the one counter for this event, if the set has it and it is free */
			if ((unsigned long)ctr < base || (unsigned long)ctr - base >= 64 ||
			    !(mask >> (ctr - base) & 1) || (pmu->in_use >> ctr & 1))
				return SBI_ERR_NOT_SUPPORTED;
		}
		configured = pmu->in_use >> ctr & 1;
		pmu->in_use |= 1ULL << ctr;
	}
	/*
	 * A hardware counter nobody had configured reads as the raw CSR;
	 * configured and stopped, it holds that value until started.
	 */
	if (!configured && pmu_is_fixed_hw((unsigned long)ctr))
		pmu->hw[ctr] = (struct pmu_hw_counter){ .value = host->read((unsigned int)ctr),
							.width = 64,
							.csr = (uint8_t)ctr };
	/* The privilege filters (flags 3-7) are hints: ignored, see docs/pmu.md. */
	if (flags & SBI_PMU_CFG_FLAG_CLEAR_VALUE)
		set_value(pmu, (unsigned int)ctr, 0, host);
	if ((flags & SBI_PMU_CFG_FLAG_AUTO_START) && !is_started(pmu, (unsigned int)ctr))
		start_counter(pmu, (unsigned int)ctr, host);
	*counter = (unsigned long)ctr;
	return SBI_SUCCESS;
}

static uint64_t get_u64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void put_u64(void *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void *snapshot_value(const void *snapshot, unsigned int i)
{
	return (uint8_t *)snapshot + SBI_PMU_SNAPSHOT_VALUES_OFFSET + 8 * i;
}

long pmu_start(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
	       unsigned long flags, uint64_t initial_value, const void *snapshot,
	       const struct pmu_host *host)
{
	long err = SBI_SUCCESS;

	if (!set_valid(host, base, mask) || (flags & ~START_FLAGS_KNOWN) ||
	    (flags & START_FLAGS_KNOWN) == START_FLAGS_KNOWN || !set_in_use(pmu, base, mask))
		return SBI_ERR_INVALID_PARAM;
	if ((flags & SBI_PMU_START_FLAG_INIT_SNAPSHOT) && !snapshot)
		return SBI_ERR_NO_SHMEM;
	for (unsigned int i = 0; i < 64; i++) {
		unsigned int ctr = base + i;

		if (!(mask >> i & 1))
			continue;
		if (is_started(pmu, ctr)) {
			/* the others are still started */
			err = SBI_ERR_ALREADY_STARTED;
			continue;
		}
		if (flags & SBI_PMU_START_FLAG_SET_INIT_VALUE)
			set_value(pmu, ctr, initial_value, host);
		else if (flags & SBI_PMU_START_FLAG_INIT_SNAPSHOT)
			set_value(pmu, ctr, get_u64(snapshot_value(snapshot, i)), host);
		start_counter(pmu, ctr, host);
	}
	return err;
}

long pmu_stop(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
	      unsigned long flags, void *snapshot, const struct pmu_host *host)
{
	long err = SBI_SUCCESS;

	if (!set_valid(host, base, mask) || (flags & ~STOP_FLAGS_KNOWN) || !set_in_use(pmu, base, mask))
		return SBI_ERR_INVALID_PARAM;
	if ((flags & SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT) && !snapshot)
		return SBI_ERR_NO_SHMEM;
	for (unsigned int i = 0; i < 64; i++) {
		unsigned int ctr = base + i;

		if (!(mask >> i & 1))
			continue;
		if (is_started(pmu, ctr))
			stop_counter(pmu, ctr, host);
		else
			err = SBI_ERR_ALREADY_STOPPED; /* still reset and snapshotted */
		if (flags & SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT)
			put_u64(snapshot_value(snapshot, i), pmu_counter_value(pmu, ctr, host));
		if (flags & SBI_PMU_STOP_FLAG_RESET)
			pmu_unconfigure(pmu, ctr, host); /* may be matched again */
	}
	/* no Sscofpmf, no overflow: the bitmap must read zero */
	if (flags & SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT)
		put_u64((uint8_t *)snapshot + SBI_PMU_SNAPSHOT_OVERFLOW_OFFSET, 0);
	return err;
}

long pmu_snapshot_args(unsigned long lo, unsigned long hi, unsigned long flags, uint64_t *gpa,
		       bool *disable)
{
	*gpa = 0;
	*disable = false;
	if (flags)
		return SBI_ERR_INVALID_PARAM;
	if (lo == SBI_SHMEM_DISABLE && hi == SBI_SHMEM_DISABLE) {
		*disable = true;
		return SBI_SUCCESS;
	}
	if (lo & (SBI_PMU_SNAPSHOT_SIZE - 1))
		return SBI_ERR_INVALID_PARAM;
	/* RV64: the high half of a guest physical address is always 0 */
	if (hi)
		return SBI_ERR_INVALID_ADDRESS;
	*gpa = lo;
	return SBI_SUCCESS;
}
