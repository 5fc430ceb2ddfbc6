/*
 * The SBI PMU state machine of a vCPU (include/pmu.h, docs/pmu.md). Pure
 * logic: no CSR is touched here. The hardware counters' raw CSR values come
 * from a callback, the snapshot area and the event_get_info entries are host
 * pointers the caller has checked to lie in the guest's RAM.
 *
 * Keel's counter map is fixed: CPU_CYCLES only on counter 0, INSTRUCTIONS
 * only on counter 2, firmware event e only on counter PMU_FW_BASE + e. So
 * matching is a lookup, and pmu_incr_fw() on the trap path needs no table.
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

static bool is_hw(unsigned long counter)
{
	return counter == PMU_CTR_CYCLE || counter == PMU_CTR_INSTRET;
}

static bool counter_exists(unsigned long counter)
{
	return is_hw(counter) || is_fw(counter);
}

/*
 * A counter set (counter_idx_base, counter_idx_mask) is valid when it names
 * at least one counter and every counter it names exists. An empty mask is
 * refused too, as KVM refuses it: it names no counter to act on.
 */
static bool set_valid(unsigned long base, unsigned long mask)
{
	if (!mask || base >= PMU_NUM_COUNTERS)
		return false;
	for (unsigned int i = 0; i < 64; i++)
		if ((mask >> i & 1) && !counter_exists(base + i))
			return false; /* base < 25 and i < 64: base + i cannot wrap */
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
	return is_fw(counter) ? pmu->fw[counter - PMU_FW_BASE].started : pmu->hw[counter].started;
}

uint64_t pmu_counter_value(const struct vcpu_pmu *pmu, unsigned int counter, pmu_raw_read_fn raw)
{
	const struct pmu_hw_counter *c;

	if (is_fw(counter))
		return pmu->fw[counter - PMU_FW_BASE].value;
	if (!is_hw(counter))
		return 0;
	c = &pmu->hw[counter];
	/* a stopped counter needs no raw read */
	return pmu_hw_value(c, c->started ? raw(counter) : 0);
}

void pmu_hw_switch(struct vcpu_pmu *pmu, pmu_raw_read_fn raw)
{
	for (unsigned int i = 0; i < PMU_NUM_HW; i++)
		if (pmu->hw[i].started && is_hw(i))
			pmu->hw[i].value = raw(i) - pmu->hw[i].value;
}

/* Set the guest's count of a counter, started or not. */
static void set_value(struct vcpu_pmu *pmu, unsigned int counter, uint64_t value,
		      pmu_raw_read_fn raw)
{
	struct pmu_hw_counter *c;

	if (is_fw(counter)) {
		pmu->fw[counter - PMU_FW_BASE].value = value;
		return;
	}
	c = &pmu->hw[counter];
	c->value = c->started ? raw(counter) - value : value;
}

static void start_counter(struct vcpu_pmu *pmu, unsigned int counter, pmu_raw_read_fn raw)
{
	struct pmu_hw_counter *c;

	if (is_fw(counter)) {
		pmu->fw[counter - PMU_FW_BASE].started = true;
		return;
	}
	c = &pmu->hw[counter];
	c->value = raw(counter) - c->value; /* count from here on */
	c->started = true;
}

static void stop_counter(struct vcpu_pmu *pmu, unsigned int counter, pmu_raw_read_fn raw)
{
	struct pmu_hw_counter *c;

	if (is_fw(counter)) {
		pmu->fw[counter - PMU_FW_BASE].started = false;
		return;
	}
	c = &pmu->hw[counter];
	c->value = raw(counter) - c->value; /* freeze */
	c->started = false;
}

long pmu_counter_info(unsigned long counter, unsigned long *info)
{
	*info = 0;
	if (is_hw(counter)) {
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
	return SBI_ERR_INVALID_PARAM;
}

int pmu_event_counter(unsigned long event_idx, uint64_t event_data)
{
	unsigned long type = (event_idx & SBI_PMU_EVENT_IDX_TYPE_MASK) >> SBI_PMU_EVENT_IDX_TYPE_SHIFT;
	unsigned long code = event_idx & SBI_PMU_EVENT_IDX_CODE_MASK;

	/* event_idx is 20 bits; event_data is reserved (must be 0) for these types */
	if (event_idx & ~EVENT_IDX_BITS || event_data)
		return -1;
	switch (type) {
	case SBI_PMU_EVENT_TYPE_HW:
		if (code == SBI_PMU_HW_CPU_CYCLES)
			return PMU_CTR_CYCLE;
		if (code == SBI_PMU_HW_INSTRUCTIONS)
			return PMU_CTR_INSTRET;
		return -1;
	case SBI_PMU_EVENT_TYPE_FW:
		/* 22-255 reserved, 256-65534 implementation events, 65535 platform: none */
		return code < SBI_PMU_FW_MAX ? (int)(PMU_FW_BASE + code) : -1;
	default:
		/* cache events, raw events: Keel cannot program mhpmeventX */
		return -1;
	}
}

long pmu_cfg_match(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
		   unsigned long flags, unsigned long event_idx, uint64_t event_data,
		   pmu_raw_read_fn raw, unsigned long *counter)
{
	int ctr;
	bool configured;

	*counter = 0;
	if (!set_valid(base, mask) || (flags & ~CFG_FLAGS_KNOWN))
		return SBI_ERR_INVALID_PARAM;
	ctr = pmu_event_counter(event_idx, event_data);
	if (ctr < 0)
		return SBI_ERR_NOT_SUPPORTED;
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
	pmu->in_use |= 1U << ctr;
	/*
	 * A hardware counter nobody had configured reads as the raw CSR;
	 * configured and stopped, it holds that value until started.
	 */
	if (!configured && is_hw(ctr))
		pmu->hw[ctr] = (struct pmu_hw_counter){ .value = raw(ctr) };
	/* The privilege filters (flags 3-7) are hints: ignored, see docs/pmu.md. */
	if (flags & SBI_PMU_CFG_FLAG_CLEAR_VALUE)
		set_value(pmu, ctr, 0, raw);
	if ((flags & SBI_PMU_CFG_FLAG_AUTO_START) && !is_started(pmu, ctr))
		start_counter(pmu, ctr, raw);
	*counter = ctr;
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
	       pmu_raw_read_fn raw)
{
	long err = SBI_SUCCESS;

	if (!set_valid(base, mask) || (flags & ~START_FLAGS_KNOWN) ||
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
			set_value(pmu, ctr, initial_value, raw);
		else if (flags & SBI_PMU_START_FLAG_INIT_SNAPSHOT)
			set_value(pmu, ctr, get_u64(snapshot_value(snapshot, i)), raw);
		start_counter(pmu, ctr, raw);
	}
	return err;
}

long pmu_stop(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
	      unsigned long flags, void *snapshot, pmu_raw_read_fn raw)
{
	long err = SBI_SUCCESS;

	if (!set_valid(base, mask) || (flags & ~STOP_FLAGS_KNOWN) || !set_in_use(pmu, base, mask))
		return SBI_ERR_INVALID_PARAM;
	if ((flags & SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT) && !snapshot)
		return SBI_ERR_NO_SHMEM;
	for (unsigned int i = 0; i < 64; i++) {
		unsigned int ctr = base + i;

		if (!(mask >> i & 1))
			continue;
		if (is_started(pmu, ctr))
			stop_counter(pmu, ctr, raw);
		else
			err = SBI_ERR_ALREADY_STOPPED; /* still reset and snapshotted */
		if (flags & SBI_PMU_STOP_FLAG_TAKE_SNAPSHOT)
			put_u64(snapshot_value(snapshot, i), pmu_counter_value(pmu, ctr, raw));
		if (flags & SBI_PMU_STOP_FLAG_RESET)
			pmu->in_use &= ~(1U << ctr); /* may be matched again */
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

long pmu_event_info(void *entries, unsigned long num)
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
		output = pmu_event_counter(idx, data) >= 0;
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

bool pmu_emulates_read(const struct vcpu_pmu *pmu, unsigned int counter)
{
	return pmu_emulates_read_inline(pmu, counter);
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

		if (!f->counted && !f->value && !f->started)
			continue;
		/*
		 * counted is what happened; value is what the guest reads,
		 * which starts wherever the guest asked (Linux: 2^63 + 1).
		 * %lu: Keel's integer-only printf; RV64's long is 64 bits.
		 */
		snprintf(buf, sizeof(buf), "pmu %s/vcpu%u %s %lu (value %lu%s)", vm_name, vcpu_id,
			 fw_event_names[e], (unsigned long)f->counted, (unsigned long)f->value,
			 f->started ? ", started" : "");
		line(buf);
		n++;
	}
	return n;
}
