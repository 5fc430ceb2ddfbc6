/*
 * SBI FWFT (EID "FWFT", SBI v3.0): firmware features a guest switches for
 * its own vCPU. Keel offers two, both local (per vCPU), both 0 at reset:
 *
 *   MISALIGNED_EXC_DELEG: 1 hands the guest its misaligned load/store/AMO
 *     traps straight from the firmware (hedeleg), except while it counts
 *     them with an SBI PMU firmware counter: then they come to Keel, which
 *     counts and redirects them, so the count stays exact and the guest
 *     still takes every one (vcpu_delegation_of). 0 is Keel's handling:
 *     it cannot emulate a misaligned access either, so it redirects.
 *   PTE_AD_HW_UPDATING: henvcfg.ADUE for the vCPU, where the hart has
 *     Svadu (host.svadu, probed in src/arch/riscv/hart.c).
 *
 * The rest is the spec's errors (docs/sbi.md, "FWFT").
 */
#include "riscv.h"
#include "sbi/sbi.h"
#include "vm.h"

long sbi_fwft_slot(uint32_t feature, bool svadu, unsigned int *slot)
{
	switch (feature) {
	case SBI_FWFT_MISALIGNED_EXC_DELEG:
		*slot = FWFT_SLOT_MISALIGNED_EXC_DELEG;
		return SBI_SUCCESS;
	case SBI_FWFT_PTE_AD_HW_UPDATING:
		if (!svadu)
			return SBI_ERR_NOT_SUPPORTED;
		*slot = FWFT_SLOT_PTE_AD_HW_UPDATING;
		return SBI_SUCCESS;
	case SBI_FWFT_LANDING_PAD:          /* Zicfilp: not virtualised */
	case SBI_FWFT_SHADOW_STACK:         /* Zicfiss: not virtualised */
	case SBI_FWFT_DOUBLE_TRAP:          /* Ssdbltrp: not virtualised */
	case SBI_FWFT_POINTER_MASKING_PMLEN: /* Ssnpm: not virtualised */
		return SBI_ERR_NOT_SUPPORTED;
	default:
		/*
		 * Reserved (local 0x6-0x3fffffff, global 0x80000000-0xbfffffff)
		 * or platform-specific (bit 30 set), of which Keel implements
		 * none: the spec answers both with DENIED.
		 */
		return SBI_ERR_DENIED;
	}
}

long sbi_fwft_set_check(const struct vcpu_fwft *fw, unsigned int slot, unsigned long value,
			unsigned long flags)
{
	/* flags is an unsigned long: bits XLEN-1:1 are reserved, all of them */
	if (flags & ~SBI_FWFT_SET_FLAG_LOCK)
		return SBI_ERR_INVALID_PARAM;
	if (fw->f[slot].locked)
		return SBI_ERR_DENIED_LOCKED;
	if (value > 1)
		return SBI_ERR_INVALID_PARAM;
	return SBI_SUCCESS;
}

/* The new value takes effect before the guest's next instruction */
static void apply(struct vcpu *v, unsigned int slot)
{
	unsigned long value = v->fwft.f[slot].value;

	switch (slot) {
	case FWFT_SLOT_MISALIGNED_EXC_DELEG:
		vcpu_delegation_update(v);
		break;
	case FWFT_SLOT_PTE_AD_HW_UPDATING:
		if (value)
			v->csrs.henvcfg |= ENVCFG_ADUE;
		else
			v->csrs.henvcfg &= ~ENVCFG_ADUE;
		vcpu_henvcfg_update(v);
		break;
	}
}

static long fwft_set(struct vcpu *v, uint32_t feature, unsigned long value, unsigned long flags)
{
	unsigned int slot;
	long error = sbi_fwft_slot(feature, v->vm->guest_svadu, &slot);

	if (error == SBI_SUCCESS)
		error = sbi_fwft_set_check(&v->fwft, slot, value, flags);
	if (error != SBI_SUCCESS)
		return error;
	v->fwft.f[slot].value = value;
	v->fwft.f[slot].locked = flags & SBI_FWFT_SET_FLAG_LOCK;
	apply(v, slot);
	return SBI_SUCCESS;
}

static long fwft_get(const struct vcpu *v, uint32_t feature, unsigned long *value)
{
	unsigned int slot;
	long error = sbi_fwft_slot(feature, v->vm->guest_svadu, &slot);

	if (error == SBI_SUCCESS)
		*value = v->fwft.f[slot].value;
	return error;
}

static void fwft_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	/* value is 0 on every failure, as the spec asks of get */
	res->value = 0;
	switch (call->fid) {
	case SBI_EXT_FWFT_SET:
		/* feature is a uint32_t: the upper half of a0 is not part of it */
		res->error = fwft_set(v, (uint32_t)call->arg[0], call->arg[1], call->arg[2]);
		break;
	case SBI_EXT_FWFT_GET:
		res->error = fwft_get(v, (uint32_t)call->arg[0], &res->value);
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

const struct sbi_extension sbi_ext_fwft = {
	.eid_start = SBI_EXT_FWFT,
	.eid_end = SBI_EXT_FWFT,
	.name = "FWFT",
	.stat_slot = SBI_STAT_FWFT,
	.handle = fwft_handle,
};
