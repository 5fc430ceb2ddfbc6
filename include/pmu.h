/*
 * Per-vCPU SBI PMU state (docs/pmu.md), as KVM's SBI PMU firmware
 * counters (kvm_riscv_vcpu_pmu_incr_fw): every trap Keel redirects
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
 *   25 .. 25+n-1 host-backed counter k = 25 + i, read as hpmcounter(3 + i):
 *                any other hardware, cache or raw event the host firmware's
 *                SBI PMU can count on one of its hpmcounters (host_pmu.h);
 *                n = the host's hpmcounters, 0 when it counts no event
 *
 * The firmware counters keep the indices they had before host-backed ones
 * existed, so the host-backed ones come after them.
 *
 * Everything here but the inline helpers is in src/pmu/pmu*.c, pure
 * logic: pmu.c (the calls on counter sets, the snapshot), pmu_hw.c (the
 * hardware counters), pmu_fw.c (the firmware counters), pmu_event.c
 * (events and event_get_info). The raw counter CSRs are read, and host
 * counters claimed and released, through struct pmu_host; guest memory
 * (the snapshot area) is a host pointer the caller checked.
 */
#ifndef KEEL_PMU_H
#define KEEL_PMU_H

#include <stdbool.h>
#include <stdint.h>

#include "fw_events.h"
#include "must_check.h"
#include "riscv.h"
#include "sbi_defs.h"

#define PMU_CTR_CYCLE 0
#define PMU_CTR_TIME 1
#define PMU_CTR_INSTRET 2
#define PMU_NUM_HW 3 /* counters 0..2, of which 1 (time) is not one */
#define PMU_FW_BASE PMU_NUM_HW
#define PMU_NUM_COUNTERS (PMU_FW_BASE + SBI_PMU_FW_MAX) /* 25: those every host has */
#define PMU_HPM_BASE PMU_NUM_COUNTERS                    /* the first host-backed one */
#define PMU_HPM_MAX 29 /* hpmcounter3..31 */
#define PMU_HPM_CSR_FIRST 3 /* host-backed counter PMU_HPM_BASE + i reads as hpmcounter(3 + i) */

/* The counter CSRs: cycle is 0xc00, instret 0xc02, hpmcounterN 0xc00 + N */
#define PMU_CSR_COUNTER_BASE 0xc00

/*
 * A host hardware counter Keel claimed from its firmware for one guest
 * counter: the host's counter index, the CSR it reads as (0xc00 + csr) and
 * its width in bits.
 */
struct pmu_backing {
	unsigned int host_ctr;
	unsigned int csr;
	unsigned int width;
};

/*
 * What the PMU state machine needs from the machine under it (host_pmu.c;
 * a fake in the unit tests and the fuzzer). Every call is made on the
 * vCPU's own hart, whose firmware counters are the ones claimed.
 */
struct pmu_host {
	/* the counter CSR 0xc00 + csr now: 0 cycle, 2 instret, 3..31 hpmcounterN */
	uint64_t (*read)(unsigned int csr);
	/* host-backed counters offered to every vCPU (0: none), and their width in bits */
	unsigned int nr_hpm;
	unsigned int hpm_width;
	/*
	 * A host counter that counts this event, cleared and running, for a
	 * guest: SBI_SUCCESS and *b, or SBI_ERR_NOT_SUPPORTED (none can, or
	 * every one that could is taken on this hart).
	 */
	long (*claim)(unsigned long event_idx, uint64_t event_data, struct pmu_backing *b);
	/* give a claimed counter back to the host */
	void (*release)(unsigned int host_ctr);
	/* event_get_info's answer for an event only the host can count */
	bool (*can_count)(unsigned long event_idx, uint64_t event_data);
};

/* A firmware counter: the count of one firmware event while started. */
struct pmu_fw_event {
	uint64_t value; /* what the guest reads: its start value + events */
	/*
	 * value - offset is the events counted while started since the VM
	 * booted (pmu_fw_counted): a guest's write of value moves offset with
	 * it, so counting an event is one increment on the trap path.
	 */
	uint64_t offset;
	bool started;
};

static inline uint64_t pmu_fw_counted(const struct pmu_fw_event *f)
{
	return f->value - f->offset;
}

/*
 * A hardware counter (cycle, instret, or a host-backed one) as the guest
 * sees it. The raw CSR is never written; the guest's value is derived from
 * it, modulo 2^width (mask = 2^width - 1):
 *   stopped, or started while its vCPU is off the hart: value is the
 *     guest's count, frozen;
 *   started and its vCPU on the hart: the guest's count is
 *     (raw - value) & mask (value is an offset).
 * pmu_hw_switch() turns the one into the other at each switch.
 */
struct pmu_hw_counter {
	uint64_t value;
	uint8_t width;   /* bits: 64 for cycle and instret */
	uint8_t csr;     /* the raw CSR: 0xc00 + csr */
	bool started;
};                       /* 16 bytes: one shift to index on the trap path */

/* 2^width - 1 */
static inline uint64_t pmu_width_mask(unsigned int width)
{
	return width >= 64 ? ~0ULL : (1ULL << width) - 1;
}

/* What a host-backed counter counts, and the host counter behind it */
struct pmu_hpm_counter {
	struct pmu_hw_counter c;
	struct pmu_backing backing;
	unsigned long event_idx;
	uint64_t event_data;
};

struct vcpu_pmu {
	/* counters configured by counter_config_matching, bit = index */
	uint64_t in_use;
	/* started hardware counters (cycle, instret, host-backed), bit = index */
	uint64_t hw_started;
	/* counter PMU_FW_BASE + e; pmu_incr_fw() touches only these */
	struct pmu_fw_event fw[SBI_PMU_FW_MAX];
	/*
	 * Never started: the counter the redirect fast path
	 * (arch_trap_redirect_fast) finds for a cause without an event, so
	 * that one "started?" test serves every cause.
	 */
	struct pmu_fw_event no_event;
	struct pmu_hw_counter hw[PMU_NUM_HW];
	/* counter snapshot shared memory (guest physical), when set */
	bool snapshot_set;
	uint64_t snapshot_gpa;
	/* the firmware's counts at the last look, for fw_events.c */
	uint64_t fw_mark[FW_EVENTS_TRACKED];
	/*
	 * counter PMU_HPM_BASE + i, configured only while it holds a host
	 * counter; last, so the fields the trap path reads stay near the start
	 */
	struct pmu_hpm_counter hpm[PMU_HPM_MAX];
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
	if (f->started)
		f->value++;
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
	}
}

/*
 * What the guest reads from a configured hardware counter, the raw CSR
 * being raw now (pmu_counter_value()'s half for hardware counters), on the
 * vCPU's own hart while it is loaded.
 */
static inline uint64_t pmu_hw_value(const struct pmu_hw_counter *c, uint64_t raw)
{
	return c->started ? (raw - c->value) & pmu_width_mask(c->width) : c->value;
}

/*
 * The same for cycle or instret, which are 64 bits wide (mask all ones):
 * no mask to load on the trap path's emulated read.
 */
static inline uint64_t pmu_fixed_value(const struct pmu_hw_counter *c, uint64_t raw)
{
	return c->started ? raw - c->value : c->value;
}

/* The number of counters the guest sees: the fixed 25 and the host-backed ones */
static inline unsigned long pmu_num_counters(const struct pmu_host *host)
{
	return PMU_NUM_COUNTERS + host->nr_hpm;
}

/*
 * The SBI PMU functions. Each returns an SBI error code (SBI_SUCCESS or
 * SBI_ERR_*) exactly as the specification v2.0 defines them; docs/pmu.md
 * gives Keel's reading of every case. pmu.c, but fw_read and fw_read_hi
 * (pmu_fw.c), event_get_info's two (pmu_event.c).
 */
long pmu_counter_info(const struct pmu_host *host, unsigned long counter, unsigned long *info) MUST_CHECK;
long pmu_cfg_match(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
		   unsigned long flags, unsigned long event_idx, uint64_t event_data,
		   const struct pmu_host *host, unsigned long *counter) MUST_CHECK;
/*
 * snapshot: the 4 KiB snapshot area, or NULL when none is set (then
 * INIT_SNAPSHOT / TAKE_SNAPSHOT get SBI_ERR_NO_SHMEM).
 */
long pmu_start(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
	       unsigned long flags, uint64_t initial_value, const void *snapshot,
	       const struct pmu_host *host) MUST_CHECK;
long pmu_stop(struct vcpu_pmu *pmu, unsigned long base, unsigned long mask,
	      unsigned long flags, void *snapshot, const struct pmu_host *host) MUST_CHECK;
long pmu_fw_read(const struct vcpu_pmu *pmu, unsigned long counter, unsigned long *value) MUST_CHECK;
long pmu_fw_read_hi(const struct vcpu_pmu *pmu, unsigned long counter, unsigned long *value) MUST_CHECK;
/*
 * snapshot_set_shmem's argument checks: SBI_SUCCESS with *disable set for
 * -1/-1, else with *gpa to be checked against guest RAM by the caller.
 */
long pmu_snapshot_args(unsigned long lo, unsigned long hi, unsigned long flags, uint64_t *gpa,
		       bool *disable) MUST_CHECK;
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
			 unsigned long flags, uint64_t *gpa, uint64_t *len) MUST_CHECK;
/* entries: 8-byte aligned at least (the guest's are 16-byte aligned) */
long pmu_event_info(const struct pmu_host *host, void *entries, unsigned long num) MUST_CHECK;

/*
 * The fixed counter that counts this event (cycle, instret, a firmware
 * event), PMU_EVENT_HOST for one a host-backed counter may count, or -1
 * (pmu_event.c).
 */
#define PMU_EVENT_HOST (-2)
int pmu_event_counter(unsigned long event_idx, uint64_t event_data);
/* What the guest reads from a configured counter now (pmu.c). */
uint64_t pmu_counter_value(const struct vcpu_pmu *pmu, unsigned int counter,
			   const struct pmu_host *host);

/* ---- the hardware counters (pmu_hw.c) ---- */

/*
 * A vCPU leaves its hart, or comes back: its started hardware counters
 * (cycle, instret, host-backed) stand still while it is away, so a vCPU
 * sharing a hart counts only its own slices. The same step both ways: a
 * started counter's offset (raw - count) becomes its count on the way out,
 * and its count becomes a new offset against the raw counter on the way
 * in. Nothing started: one test, no CSR read.
 */
void pmu_hw_switch_started(struct vcpu_pmu *pmu, const struct pmu_host *host);
static inline void pmu_hw_switch(struct vcpu_pmu *pmu, const struct pmu_host *host)
{
	if (pmu->hw_started)
		pmu_hw_switch_started(pmu, host);
}

/*
 * The vCPU's PMU is reset or its VM leaves its hart for good (stop,
 * restart): every host counter it holds goes back to the host, and the
 * host-backed counters are unconfigured. On the vCPU's hart.
 */
void pmu_release_host(struct vcpu_pmu *pmu, const struct pmu_host *host);

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
 * The counter a guest read of CSR 0xc00 + csr reads (cycle, instret, a
 * host-backed counter's hpmcounter), or -1.
 */
int pmu_csr_counter(unsigned int csr);
/* Keel answers a guest read of this counter CSR (0xc00 + csr) itself. */
bool pmu_emulates_read(const struct vcpu_pmu *pmu, unsigned int csr);
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

/* ---- the firmware counters (pmu_fw.c) ---- */

/*
 * The redirected exceptions whose firmware event nobody counts: illegal
 * instruction, misaligned load/store and load/store access fault (causes
 * 2, 4, 6, 5, 7) while the vCPU's counter for the event is not started.
 * The guest may take those straight from the firmware (hedeleg) without an
 * exit (vcpu_delegation_update()); a started counter takes its cause back,
 * so every event is counted exactly. A mask of 1 << cause.
 */
unsigned long pmu_uncounted_traps(const struct vcpu_pmu *pmu);
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
