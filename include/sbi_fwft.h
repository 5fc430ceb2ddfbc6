/*
 * SBI FWFT (firmware features, SBI v3.0): the features a vCPU may switch,
 * its value and lock for each, and the spec's decisions on a call, as pure
 * logic (src/sbi/sbi_fwft.c, docs/sbi.md "FWFT"). Every feature Keel
 * offers is local (per hart): each vCPU has its own, reset with the vCPU
 * (HSM hart_start, SRST reboot, a VM reset) and kept across a
 * non-retentive suspend, as the spec says of local features.
 */
#ifndef KEEL_SBI_FWFT_H
#define KEEL_SBI_FWFT_H

#include <stdbool.h>
#include <stdint.h>

#include "must_check.h"

/* The features Keel offers, one slot of vCPU state each */
enum fwft_slot {
	FWFT_SLOT_MISALIGNED_EXC_DELEG, /* SBI_FWFT_MISALIGNED_EXC_DELEG */
	FWFT_SLOT_PTE_AD_HW_UPDATING,   /* SBI_FWFT_PTE_AD_HW_UPDATING, with Svadu */
	FWFT_SLOTS,
};

struct fwft_feature_state {
	unsigned long value; /* 0 at reset, for both features */
	bool locked;         /* set with LOCK: no set succeeds until reset */
};

struct vcpu_fwft {
	struct fwft_feature_state f[FWFT_SLOTS];
};

/*
 * Which slot serves feature (a uint32_t: the caller drops the upper half
 * of the register) on a VM whose guests may have Svadu (svadu): SBI_SUCCESS
 * and *slot, or the spec's error for a feature Keel does not serve:
 *   a defined feature it cannot offer (LANDING_PAD, SHADOW_STACK,
 *   DOUBLE_TRAP, POINTER_MASKING_PMLEN; PTE_AD_HW_UPDATING without Svadu):
 *   SBI_ERR_NOT_SUPPORTED;
 *   a reserved feature (local 0x6-0x3fffffff, global 0x80000000-
 *   0xbfffffff) or a platform-specific one (0x40000000-0x7fffffff,
 *   0xc0000000-0xffffffff; Keel implements none): SBI_ERR_DENIED.
 */
long sbi_fwft_slot(uint32_t feature, bool svadu, unsigned int *slot) MUST_CHECK;

/*
 * set's checks once the feature is known to be served, in KVM's and
 * OpenSBI's order: flags (bits XLEN-1:1 reserved: SBI_ERR_INVALID_PARAM),
 * the lock (SBI_ERR_DENIED_LOCKED, whatever the value, the same one
 * included), the value (0 or 1 for both features: SBI_ERR_INVALID_PARAM).
 * SBI_SUCCESS when the set may go ahead.
 */
long sbi_fwft_set_check(const struct vcpu_fwft *fw, unsigned int slot, unsigned long value,
			unsigned long flags) MUST_CHECK;

#endif
