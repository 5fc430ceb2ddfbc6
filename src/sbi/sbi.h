/*
 * The SBI that guests see. Each extension is one file in src/sbi/ that
 * defines one struct sbi_extension; sbi_base.c keeps the table. A
 * handler reads its arguments from the call, fills a result, and leaves
 * the guest's a0/a1 and pc to the dispatcher (as KVM RISC-V does).
 */
#ifndef KEEL_SBI_H
#define KEEL_SBI_H

#include <stdbool.h>
#include <stdint.h>

#include "hart.h"
#include "must_check.h"
#include "sbi_defs.h"
#include "vcpu.h"

/*
 * An SBI call as the guest made it: a0-a5 arguments, a6 function id, a7
 * extension id. The layout matches x10..x17 in the vCPU context, so the
 * dispatcher reads the call in place instead of copying it.
 */
struct sbi_call {
	unsigned long arg[6];
	unsigned long fid;
	unsigned long eid;
};

/* What the dispatcher must do after a handler returns. */
enum sbi_action {
	SBI_ACTION_RETURN,      /* write a0 (and a1), step past the ecall */
	SBI_ACTION_VM_SHUTDOWN, /* the VM powered itself off */
	SBI_ACTION_VM_FAILURE,  /* the VM reported a system failure */
	SBI_ACTION_VM_REBOOT,   /* restart the VM from its image */
	SBI_ACTION_NONE,        /* the handler set the vCPU's pc and registers itself */
};

struct sbi_result {
	long error;
	unsigned long value;
	enum sbi_action action;
};

/* Each extension's slot in the exit statistics (prof.h: EXIT_SLOT_SBI). */
enum sbi_stat_slot {
	SBI_STAT_BASE, SBI_STAT_LEGACY, SBI_STAT_TIME, SBI_STAT_IPI, SBI_STAT_RFENCE,
	SBI_STAT_HSM, SBI_STAT_SRST, SBI_STAT_DBCN, SBI_STAT_PMU, SBI_STAT_KEEL,
	SBI_STAT_SUSP, SBI_STAT_STA, SBI_STAT_FWFT,
	SBI_STAT_UNKNOWN, /* an EID no extension serves */
	SBI_STAT_SLOTS
};

struct sbi_extension {
	unsigned long eid_start, eid_end;
	const char *name;
	enum sbi_stat_slot stat_slot;
	void (*handle)(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res);
};

/*
 * Handle the guest's ecall (trap.S calls this directly for scause 10, with
 * only the caller-saved registers in ctx): dispatch, a0/a1, pc, action.
 * Returns the context to run next.
 */
struct vcpu_context *sbi_dispatch(struct vcpu_context *ctx);
/* The name of an exit-statistics slot: the extension's, or "unknown". */
const char *sbi_stat_slot_name(unsigned int slot);
/* At boot: tell the profiler each extension's exit slot name (exit_slot_name_sbi). */
void sbi_name_exit_slots(void);
/*
 * BASE's constant answers, fid 0..6 but probe_extension (3), which
 * trap.S's fast path gives without C. sbi_base_fast_init() fills them from
 * the handler itself, once the host's ids are known.
 */
extern unsigned long sbi_base_answers[SBI_BASE_FAST_FIDS];
void sbi_base_fast_init(void);
/* The extension serving eid, or NULL. BASE probe_extension uses it. */
const struct sbi_extension *sbi_find_extension(unsigned long eid);
/* The same for a call of v's: most calls repeat the last one's extension */
const struct sbi_extension *sbi_extension_of(struct vcpu *v, unsigned long eid);

/*
 * The most bytes one DBCN console_write or console_read moves; a longer
 * write is partial, as the spec allows (src/sbi/sbi_dbcn.c says why 32).
 */
#define SBI_DBCN_CHUNK 32

extern const struct sbi_extension sbi_ext_base, sbi_ext_legacy, sbi_ext_time, sbi_ext_ipi,
	sbi_ext_rfence, sbi_ext_hsm, sbi_ext_srst, sbi_ext_dbcn, sbi_ext_pmu, sbi_ext_keel,
	sbi_ext_susp, sbi_ext_sta, sbi_ext_fwft;

/* Helpers shared by extensions */

/*
 * The vCPUs named by an SBI hart mask (hart_mask, hart_mask_base; base -1 =
 * all). Returns 0 and a bitmap of vCPU ids, or SBI_ERR_INVALID_PARAM when
 * the mask names a hart the VM does not have. Pure logic.
 */
long sbi_hart_mask_to_vcpus(unsigned long hart_mask, unsigned long hart_mask_base,
			    unsigned int nr_vcpus, unsigned long *vcpu_bitmap) MUST_CHECK;

/*
 * Deliver an IPI / a remote fence to every vCPU in the bitmap, counting
 * the SENT firmware event once on the caller and RCVD on each target.
 * Shared by the IPI and RFENCE extensions and the legacy calls.
 */
void sbi_send_ipis(struct vcpu *v, unsigned long targets);
void sbi_remote_fences(struct vcpu *v, unsigned long targets, enum fence_kind kind,
		       unsigned long start, unsigned long size, unsigned long asid);

/*
 * HSM's machinery, shared with SUSP (src/sbi/sbi_hsm.c). An address a hart
 * can start or resume at: in guest RAM, and even. Suspend the calling vCPU
 * (a default suspend type, checked already): SUSPENDED and BLOCKED until
 * an interrupt it enabled is pending; non-retentive, it then resumes at
 * addr with a0 = hart id, a1 = opaque (sched.c wake_if_interrupted).
 */
bool sbi_is_entry_address(struct vm *vm, unsigned long addr);
long sbi_hsm_suspend(struct vcpu *v, uint32_t type, unsigned long addr, unsigned long opaque,
		     struct sbi_result *res) MUST_CHECK;

/*
 * SUSP system_suspend's checks, in KVM's order: the sleep type (only
 * SUSPEND_TO_RAM), then the resume address, then the other harts (all
 * STOPPED). SBI_SUCCESS or the error to return. Pure logic.
 */
long sbi_susp_check(uint32_t sleep_type, bool resume_addr_ok, bool others_stopped) MUST_CHECK;



#endif
