/*
 * The SBI PMU state machine of a vCPU (include/pmu.h, docs/pmu.md). Pure
 * logic: no CSR is touched here. The hardware counters' raw CSR values come
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
#include <stdio.h>
#include <string.h>

#include "pmu.h"
#include "riscv.h"

#define CFG_FLAGS_KNOWN 0xffUL /* SKIP_MATCH .. SET_MINH */
#define START_FLAGS_KNOWN (SBI_PMU_START_FLAG_SET_INIT_VALUE | SBI_PMU_START_FLAG_INIT_SNAPSHOT)
#define STOP_FLAGS_KNOWN (SBI_PMU_STOP_FLAG_RESET | SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT)
#define EVENT_IDX_BITS 0xfffffUL /* event_idx is 20 bits */

static bool is_fw(unsigned long counter)
{
	return counter >= PMU_FW_BASE && counter < PMU_NUM_COUNTERS;
}

static bool is_fixed_hw(unsigned long counter)
{
	return counter == PMU_CTR_CYCLE || counter == PMU_CTR_INSTRET;
}

static bool is_hpm(const struct pmu_host *host, unsigned long counter)
{
	return counter >= PMU_HPM_BASE && counter < pmu_num_counters(host);
}

static bool counter_exists(const struct pmu_host *host, unsigned long counter)
{
	return is_fixed_hw(counter) || is_fw(counter) || is_hpm(host, counter);
}

/* cycle, instret or a host-backed counter: anything but a firmware one */
static struct pmu_hw_counter *hw_counter(struct vcpu_pmu *pmu, unsigned int counter)
{
	return counter >= PMU_HPM_BASE ? &pmu->hpm[counter - PMU_HPM_BASE].c : &pmu->hw[counter];
}

static const struct pmu_hw_counter *hw_counter_const(const struct vcpu_pmu *pmu,
						     unsigned int counter)
{
	return hw_counter((struct vcpu_pmu *)pmu, counter);
}


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
		if ((mask >> i & 1) && !counter_exists(host, base + i))
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
	return is_fw(counter) ? pmu->fw[counter - PMU_FW_BASE].started
			      : hw_counter_const(pmu, counter)->started;
}

uint64_t pmu_counter_value(const struct vcpu_pmu *pmu, unsigned int counter,
			   const struct pmu_host *host)
{
	const struct pmu_hw_counter *c;

	if (is_fw(counter))
		return pmu->fw[counter - PMU_FW_BASE].value;
	if (!(pmu->in_use >> counter & 1) || !(is_fixed_hw(counter) || is_hpm(host, counter)))
		return 0;
	c = hw_counter_const(pmu, counter);
	/* a stopped counter needs no raw read */
	return pmu_hw_value(c, c->started ? host->read(c->csr) : 0);
}

void pmu_hw_switch_started(struct vcpu_pmu *pmu, const struct pmu_host *host)
{
	for (uint64_t left = pmu->hw_started; left; left &= left - 1) {
		struct pmu_hw_counter *c = hw_counter(pmu, __builtin_ctzll(left));

		/* offset <-> count: the same subtraction both ways, in the counter's width */
		c->value = (host->read(c->csr) - c->value) & pmu_width_mask(c->width);
	}
}

/* Set the guest's count of a counter, started or not. */
static void set_value(struct vcpu_pmu *pmu, unsigned int counter, uint64_t value,
		      const struct pmu_host *host)
{
	struct pmu_hw_counter *c;

	if (is_fw(counter)) {
		struct pmu_fw_event *f = &pmu->fw[counter - PMU_FW_BASE];

		f->offset += value - f->value; /* what was counted stays counted */
		f->value = value;
		return;
	}
	c = hw_counter(pmu, counter);
	value &= pmu_width_mask(c->width);
	c->value = c->started ? host->read(c->csr) - value : value;
}

static void start_counter(struct vcpu_pmu *pmu, unsigned int counter, const struct pmu_host *host)
{
	struct pmu_hw_counter *c;

	if (is_fw(counter)) {
		pmu->fw[counter - PMU_FW_BASE].started = true;
		return;
	}
	c = hw_counter(pmu, counter);
	c->value = host->read(c->csr) - c->value; /* count from here on */
	c->started = true;
	pmu->hw_started |= 1ULL << counter;
}

static void stop_counter(struct vcpu_pmu *pmu, unsigned int counter, const struct pmu_host *host)
{
	struct pmu_hw_counter *c;

	if (is_fw(counter)) {
		pmu->fw[counter - PMU_FW_BASE].started = false;
		return;
	}
	c = hw_counter(pmu, counter);
	c->value = (host->read(c->csr) - c->value) & pmu_width_mask(c->width); /* freeze */
	c->started = false;
	pmu->hw_started &= ~(1ULL << counter);
}

/* A configured counter is released: a host-backed one gives its host counter back */
static void unconfigure(struct vcpu_pmu *pmu, unsigned int counter, const struct pmu_host *host)
{
	if (counter >= PMU_HPM_BASE && (pmu->in_use >> counter & 1)) {
		struct pmu_hpm_counter *h = &pmu->hpm[counter - PMU_HPM_BASE];

		host->release(h->backing.host_ctr);
		*h = (struct pmu_hpm_counter){ 0 };
	}
	pmu->in_use &= ~(1ULL << counter);
	pmu->hw_started &= ~(1ULL << counter);
}

void pmu_release_host(struct vcpu_pmu *pmu, const struct pmu_host *host)
{
	for (uint64_t left = pmu->in_use >> PMU_HPM_BASE; left; left &= left - 1)
		unconfigure(pmu, PMU_HPM_BASE + __builtin_ctzll(left), host);
}

long pmu_counter_info(const struct pmu_host *host, unsigned long counter, unsigned long *info)
{
	*info = 0;
	if (is_fixed_hw(counter)) {
		/* cycle and instret are 64 bits wide: width - 1 = 63 */
		*info = (PMU_CSR_COUNTER_BASE + counter) | (63UL << SBI_PMU_CTR_INFO_WIDTH_SHIFT);
		return SBI_SUCCESS;
	}
	if (is_fw(counter)) {
		/*
		 * The spec says a firmware counter's csr and width are to be
		 * ignored, but Linux 6.1 masks every count delta with its
		 * width: width 0 would count modulo 2. They are 64-bit counts.
		 */
		*info = SBI_PMU_CTR_INFO_TYPE_FW | (63UL << SBI_PMU_CTR_INFO_WIDTH_SHIFT);
		return SBI_SUCCESS;
	}
	if (is_hpm(host, counter)) {
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

/* SBI v2.0: a raw event's event_data is the 48-bit value for mhpmeventX */
#define RAW_EVENT_DATA_BITS 0xffffffffffffULL

int pmu_event_counter(unsigned long event_idx, uint64_t event_data)
{
	unsigned long type = (event_idx & SBI_PMU_EVENT_IDX_TYPE_MASK) >> SBI_PMU_EVENT_IDX_TYPE_SHIFT;
	unsigned long code = event_idx & SBI_PMU_EVENT_IDX_CODE_MASK;

	/* event_idx is 20 bits */
	if (event_idx & ~EVENT_IDX_BITS)
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

/*
 * A host-backed counter for an event only the host can count: the set's
 * first free one (with SKIP_MATCH: the set's first, which must be one),
 * then a host counter for it. Returns the counter or a negative SBI error.
 */
static long match_host(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
		       unsigned long flags, unsigned long event_idx, uint64_t event_data,
		       const struct pmu_host *host)
{
	struct pmu_hpm_counter *h;
	struct pmu_backing b;
	long ctr = -1;

	if (flags & SBI_PMU_CFG_FLAG_SKIP_MATCH) {
		ctr = (long)(base + (unsigned long)__builtin_ctzl(mask));
		if (!is_hpm(host, (unsigned long)ctr))
			return SBI_ERR_NOT_SUPPORTED;
		h = &pmu->hpm[ctr - PMU_HPM_BASE];
		/* already counting this event: kept as it is, value included */
		if ((pmu->in_use >> ctr & 1) && h->event_idx == event_idx &&
		    h->event_data == event_data)
			return ctr;
	} else {
		for (unsigned int i = 0; i < 64 && ctr < 0; i++)
			if ((mask >> i & 1) && is_hpm(host, base + i) &&
			    !(pmu->in_use >> (base + i) & 1))
				ctr = (long)(base + i);
		if (ctr < 0)
			return SBI_ERR_NOT_SUPPORTED;
	}
	if (host->claim(event_idx, event_data, &b) != SBI_SUCCESS)
		return SBI_ERR_NOT_SUPPORTED; /* nothing on this hart can count it now */
	/* SKIP_MATCH over another event: that one's host counter goes back */
	unconfigure(pmu, (unsigned int)ctr, host);
	h = &pmu->hpm[ctr - PMU_HPM_BASE];
	h->backing = b;
	h->event_idx = event_idx;
	h->event_data = event_data;
	/* it wraps where the guest was told (counter_get_info), or sooner if the host's does */
	h->c = (struct pmu_hw_counter){
		.width = (uint8_t)(b.width < host->hpm_width ? b.width : host->hpm_width),
		.csr = (uint8_t)b.csr,
	};
	pmu->in_use |= 1ULL << ctr;
	return ctr;
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
		ctr = match_host(pmu, base, mask, flags, event_idx, event_data, host);
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
	if (!configured && is_fixed_hw((unsigned long)ctr))
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
			unconfigure(pmu, ctr, host); /* may be matched again */
	}
	/* no Sscofpmf, no overflow: the bitmap must read zero */
	if (flags & SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT)
		put_u64((uint8_t *)snapshot + SBI_PMU_SNAPSHOT_OVERFLOW_OFFSET, 0);
	return err;
}

long pmu_fw_read(const struct vcpu_pmu *pmu, unsigned long counter, unsigned long *value)
{
	*value = 0;
	if (!is_fw(counter) || !(pmu->in_use >> counter & 1))
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
		if (entry_word(e + i * EVENT_INFO_ENTRY, 0) & ~EVENT_IDX_BITS)
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

unsigned long pmu_counteren_trapped(const struct vcpu_pmu *pmu)
{
	return pmu->in_use & (COUNTEREN_CY | COUNTEREN_IR);
}

unsigned long pmu_hcounteren(const struct vcpu_pmu *pmu)
{
	return (COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR) & ~pmu_counteren_trapped(pmu);
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

int pmu_csr_counter(unsigned int csr)
{
	if (is_fixed_hw(csr))
		return (int)csr;
	if (csr >= PMU_HPM_CSR_FIRST && csr < PMU_HPM_CSR_FIRST + PMU_HPM_MAX)
		return (int)(PMU_HPM_BASE + csr - PMU_HPM_CSR_FIRST);
	return -1; /* time */
}

bool pmu_emulates_read(const struct vcpu_pmu *pmu, unsigned int csr)
{
	int counter = pmu_csr_counter(csr);

	/* configured: a host-backed counter exists only while it is */
	return counter >= 0 && (pmu->in_use >> counter & 1);
}

#define INSN_OPCODE_SYSTEM 0x73

enum pmu_csr_op pmu_decode_counter_csr(uint32_t insn, unsigned int *counter, unsigned int *rd)
{
	unsigned int funct3 = (insn >> 12) & 7, rs1 = (insn >> 15) & 31, csr = insn >> 20;

	*counter = 0;
	*rd = 0;
	/* funct3 0 is ecall/wfi/sret..., 4 is the hypervisor loads and stores */
	if ((insn & 0x7f) != INSN_OPCODE_SYSTEM || funct3 == 0 || funct3 == 4)
		return PMU_CSR_NONE;
	if (csr < PMU_CSR_COUNTER_BASE || csr > PMU_CSR_COUNTER_BASE + 31)
		return PMU_CSR_NONE;
	*counter = csr - PMU_CSR_COUNTER_BASE;
	*rd = (insn >> 7) & 31;
	/* csrrw/csrrwi always write; csrrs/csrrc(i) write unless rs1/uimm is 0 */
	if ((funct3 & 3) == 1 || rs1)
		return PMU_CSR_WRITE;
	return PMU_CSR_READ;
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
