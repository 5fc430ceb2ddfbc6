/*
 * Per-vCPU SBI PMU state (docs/pmu.md). Seed 000: every trap Keel redirects
 * to a guest and every SBI event it serves is counted in the vCPU's firmware
 * counter for that event, but only while the guest has that counter started.
 *
 * The guest's logical counters, as the SBI PMU extension numbers them:
 *
 *   0            cycle    hardware, CSR 0xc00, SBI_PMU_HW_CPU_CYCLES only
 *   1            time     never a PMU counter: counter_get_info refuses it
 *   2            instret  hardware, CSR 0xc02, SBI_PMU_HW_INSTRUCTIONS only
 *   3 .. 24      firmware counter PMU_FW_BASE + e counts firmware event e
 *                (SBI_PMU_FW_MISALIGNED_LOAD = 0 ... HFENCE_VVMA_ASID_RCVD = 21)
 *
 * No hpmcounter3..31 is offered (Keel has no way to program mhpmeventX for
 * a guest), so the firmware counters follow instret directly.
 *
 * Everything here except pmu_incr_fw() is in src/core/pmu.c and is pure
 * logic: the raw cycle/instret CSRs are read through a callback and guest
 * memory (the snapshot area) is a host pointer the caller checked.
 */
#ifndef KEEL_PMU_H
#define KEEL_PMU_H

#include <stdbool.h>
#include <stdint.h>

#include "fw_events.h"
#include "riscv.h"
#include "sbi_defs.h"

#define PMU_CTR_CYCLE 0
#define PMU_CTR_TIME 1
#define PMU_CTR_INSTRET 2
#define PMU_NUM_HW 3 /* counters 0..2, of which 1 (time) is not one */
#define PMU_FW_BASE PMU_NUM_HW
#define PMU_NUM_COUNTERS (PMU_FW_BASE + SBI_PMU_FW_MAX) /* 25 */

/* The counter CSRs: cycle is 0xc00, instret 0xc02, hpmcounterN 0xc00 + N */
#define PMU_CSR_COUNTER_BASE 0xc00

/* A firmware counter: the count of one firmware event while started. */
struct pmu_fw_event {
	uint64_t value;   /* what the guest reads: its start value + events */
	uint64_t counted; /* events counted while started, since the VM booted */
	bool started;
};

/*
 * A hardware counter (cycle or instret) as the guest sees it. The raw CSR
 * is never written; the guest's value is derived from it:
 *   stopped: value is the guest's count, frozen;
 *   started: the guest's count is raw - value (value is an offset).
 */
struct pmu_hw_counter {
	uint64_t value;
	bool started;
};

struct vcpu_pmu {
	/* counter PMU_FW_BASE + e; pmu_incr_fw() touches only these */
	struct pmu_fw_event fw[SBI_PMU_FW_MAX];
	struct pmu_hw_counter hw[PMU_NUM_HW];
	/* counters configured by counter_config_matching, bit = index */
	uint32_t in_use;
	/* counter snapshot shared memory (guest physical), when set */
	bool snapshot_set;
	uint64_t snapshot_gpa;
	/* the firmware's counts at the last look, for fw_events.c */
	uint64_t fw_mark[FW_EVENTS_TRACKED];
};

/*
 * As kvm_riscv_vcpu_pmu_incr_fw(): a no-op unless the event is started.
 * Called on the trap path: a range check, a started check, an increment.
 */
static inline void pmu_incr_fw(struct vcpu_pmu *pmu, enum sbi_pmu_fw_event ev)
{
	unsigned long i = (unsigned int)ev; /* the counter's address, found once */
	struct pmu_fw_event *f;

	if (!pmu || i >= SBI_PMU_FW_MAX)
		return;
	f = &pmu->fw[i];
	if (f->started) {
		f->value++;
		f->counted++;
	}
}

/*
 * The firmware event of an exception Keel redirects to the guest, or
 * SBI_PMU_FW_MAX for none (an instruction access fault has none, as in
 * KVM; pmu_incr_fw() ignores SBI_PMU_FW_MAX).
 */
static inline enum sbi_pmu_fw_event pmu_trap_event(unsigned long cause)
{
	switch (cause) {
	case EXC_INST_ILLEGAL:
		return SBI_PMU_FW_ILLEGAL_INSN;
	case EXC_LOAD_MISALIGNED:
		return SBI_PMU_FW_MISALIGNED_LOAD;
	case EXC_STORE_MISALIGNED:
		return SBI_PMU_FW_MISALIGNED_STORE;
	case EXC_LOAD_ACCESS:
		return SBI_PMU_FW_ACCESS_LOAD;
	case EXC_STORE_ACCESS:
		return SBI_PMU_FW_ACCESS_STORE;
	default:
		return SBI_PMU_FW_MAX;
	}
}

static inline bool pmu_fw_started(const struct vcpu_pmu *pmu, enum sbi_pmu_fw_event ev)
{
	return pmu->fw[ev].started;
}

/* n events at once (fw_events.c); like pmu_incr_fw, only while started */
static inline void pmu_add_fw(struct vcpu_pmu *pmu, enum sbi_pmu_fw_event ev, uint64_t n)
{
	if ((unsigned int)ev < SBI_PMU_FW_MAX && pmu->fw[ev].started) {
		pmu->fw[ev].value += n;
		pmu->fw[ev].counted += n;
	}
}

/*
 * What the guest reads from a configured hardware counter, the raw CSR
 * being raw now (pmu_counter_value()'s half for cycle and instret).
 */
static inline uint64_t pmu_hw_value(const struct pmu_hw_counter *c, uint64_t raw)
{
	return c->started ? raw - c->value : c->value;
}

/* Reads the raw cycle (PMU_CTR_CYCLE) or instret (PMU_CTR_INSTRET) CSR. */
typedef uint64_t (*pmu_raw_read_fn)(unsigned int counter);

/*
 * The SBI PMU functions. Each returns an SBI error code (SBI_SUCCESS or
 * SBI_ERR_*) exactly as the specification v2.0 defines them; docs/pmu.md
 * gives Keel's reading of every case.
 */
long pmu_counter_info(unsigned long counter, unsigned long *info);
long pmu_cfg_match(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
		   unsigned long flags, unsigned long event_idx, uint64_t event_data,
		   pmu_raw_read_fn raw, unsigned long *counter);
/*
 * snapshot: the 4 KiB snapshot area, or NULL when none is set (then
 * INIT_SNAPSHOT / TAKE_SNAPSHOT get SBI_ERR_NO_SHMEM).
 */
long pmu_start(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
	       unsigned long flags, uint64_t initial_value, const void *snapshot,
	       pmu_raw_read_fn raw);
long pmu_stop(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
	      unsigned long flags, void *snapshot, pmu_raw_read_fn raw);
long pmu_fw_read(const struct vcpu_pmu *pmu, unsigned long counter, unsigned long *value);
long pmu_fw_read_hi(const struct vcpu_pmu *pmu, unsigned long counter, unsigned long *value);
/*
 * snapshot_set_shmem's argument checks: SBI_SUCCESS with *disable set for
 * -1/-1, else with *gpa to be checked against guest RAM by the caller.
 */
long pmu_snapshot_args(unsigned long lo, unsigned long hi, unsigned long flags, uint64_t *gpa,
		       bool *disable);
/*
 * event_get_info (SBI v3.0, FID 8): argument checks, then the entries
 * (16 bytes each: u32 event_idx, u32 output, u64 event_data) in place.
 * At most PMU_EVENT_INFO_MAX entries a call (one 4 KiB page): more is
 * SBI_ERR_FAILED, the error SBI v2.0 section 3.1.2 gives an implementation
 * that limits a shared memory range further, checked before the range is.
 * Linux asks for 52 (its hardware and cache events) in one call, and all
 * the hardware, cache and firmware events there are number 10 + 42 + 22;
 * the cap keeps the walk over guest memory in one exit short
 * (docs/isolation.md, "Bounded work per exit").
 */
#define PMU_EVENT_INFO_MAX 256

long pmu_event_info_args(unsigned long lo, unsigned long hi, unsigned long num,
			 unsigned long flags, uint64_t *gpa, uint64_t *len);
/* entries: 8-byte aligned at least (the guest's are 16-byte aligned) */
long pmu_event_info(void *entries, unsigned long num);

/* The counter that can count this event (Keel's map is fixed), or -1. */
int pmu_event_counter(unsigned long event_idx, uint64_t event_data);
/* What the guest reads from a configured counter now. */
uint64_t pmu_counter_value(const struct vcpu_pmu *pmu, unsigned int counter,
			   pmu_raw_read_fn raw);

/*
 * A vCPU leaves its hart, or comes back: its started cycle/instret counters
 * stand still while it is away, so a vCPU sharing a hart counts only its own
 * slices. The same step both ways: a started counter's offset (raw - count)
 * becomes its count on the way out, and its count becomes a new offset
 * against the raw counter on the way in.
 */
void pmu_hw_switch(struct vcpu_pmu *pmu, pmu_raw_read_fn raw);

/*
 * Hardware counters whose CSR reads must trap (hcounteren bit clear) so
 * Keel can return the guest's own value: the configured ones. The result
 * is a mask of COUNTEREN_CY / COUNTEREN_IR bits (bit = counter index).
 */
unsigned long pmu_counteren_trapped(const struct vcpu_pmu *pmu);
/*
 * The vCPU's hcounteren: cycle, time and instret readable straight from
 * the CSRs, except the configured ones above. The one place it is
 * decided: the SBI PMU calls and a vCPU's (re)start both take it from here,
 * so a counter that outlives an HSM stop and start still traps.
 */
unsigned long pmu_hcounteren(const struct vcpu_pmu *pmu);
/*
 * The redirected exceptions whose firmware event nobody counts: illegal
 * instruction, misaligned load/store and load/store access fault (causes
 * 2, 4, 6, 5, 7) while the vCPU's counter for the event is not started.
 * The guest may take those straight from the firmware (hedeleg) without an
 * exit (vcpu_delegation_update()); a started counter takes its cause back,
 * so every event is counted exactly. A mask of 1 << cause.
 */
unsigned long pmu_uncounted_traps(const struct vcpu_pmu *pmu);
/* Keel answers a guest read of this counter's CSR itself. */
bool pmu_emulates_read(const struct vcpu_pmu *pmu, unsigned int counter);
/* The same for cycle or instret, inline, for the trap path */
static inline bool pmu_emulates_read_inline(const struct vcpu_pmu *pmu, unsigned int counter)
{
	return (counter == PMU_CTR_CYCLE || counter == PMU_CTR_INSTRET) &&
	       (pmu->in_use >> counter & 1);
}

enum pmu_csr_op {
	PMU_CSR_NONE,  /* not a CSR instruction on a counter CSR */
	PMU_CSR_READ,  /* csrr rd, <counter> (csrrs/csrrc x0, csrrsi/csrrci 0) */
	PMU_CSR_WRITE, /* any form that writes: illegal on a read-only CSR */
};
/* Decode a CSR instruction on cycle/time/instret/hpmcounterN. */
enum pmu_csr_op pmu_decode_counter_csr(uint32_t insn, unsigned int *counter, unsigned int *rd);

/* "ILLEGAL_INSN" for SBI_PMU_FW_ILLEGAL_INSN; "?" out of range. */
const char *pmu_fw_event_name(unsigned int event);
/*
 * One line per firmware counter that is non-zero or started:
 *   "pmu <vm>/vcpu<id> ILLEGAL_INSN 4 (started)"
 * handed to line() without a newline. Returns the number of lines.
 */
unsigned int pmu_dump(const struct vcpu_pmu *pmu, const char *vm_name, unsigned int vcpu_id,
		      void (*line)(const char *text));

#endif
