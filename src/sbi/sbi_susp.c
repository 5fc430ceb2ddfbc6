/*
 * SBI SUSP (EID "SUSP"): system_suspend, suspend to RAM for a VM. The
 * "system" is the VM: every other vCPU must be STOPPED already, so the
 * calling vCPU is all that runs; it then sleeps as in a non-retentive HSM
 * suspend (sbi_hsm.c's machinery, not a second one) until an interrupt it
 * enabled is pending: its timer, its virtual PLIC's line (console input),
 * an IPI. Then it resumes at resume_addr with a0 = hart id, a1 = opaque,
 * satp = 0, sstatus.SIE = 0, in S-mode (docs/sbi.md, "SUSP").
 */
#include <stdbool.h>
#include <stdint.h>

#include "lib/console.h"
#include "sbi/sbi.h"
#include "vm.h"

long sbi_susp_check(uint32_t sleep_type, bool resume_addr_ok, bool others_stopped)
{
	/*
	 * 1..0x7FFFFFFF are reserved; 0x80000000.. are platform-specific and
	 * Keel implements none: the spec answers both with INVALID_PARAM.
	 */
	if (sleep_type != SBI_SUSP_SLEEP_TYPE_SUSPEND_TO_RAM)
		return SBI_ERR_INVALID_PARAM;
	if (!resume_addr_ok)
		return SBI_ERR_INVALID_ADDRESS;
	/* SUSPEND_TO_RAM's entry criterion: all but the caller STOPPED */
	if (!others_stopped)
		return SBI_ERR_DENIED;
	return SBI_SUCCESS;
}

/*
 * START_PENDING, SUSPENDED and the rest are not STOPPED. Nothing can start
 * a vCPU behind this check: only a running vCPU can, and the caller is the
 * only one left running.
 */
static bool others_stopped(const struct vcpu *v)
{
	const struct vm *vm = v->vm;

	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (&vm->vcpus[i] != v &&
		    __atomic_load_n(&vm->vcpus[i].hsm_state, __ATOMIC_ACQUIRE) !=
			    SBI_HSM_STATE_STOPPED)
			return false;
	return true;
}

static long system_suspend(struct vcpu *v, uint32_t sleep_type, unsigned long resume_addr,
			   unsigned long opaque, struct sbi_result *res)
{
	long error = sbi_susp_check(sleep_type, sbi_is_entry_address(v->vm, resume_addr),
				    others_stopped(v));

	if (error != SBI_SUCCESS)
		return error;
	pr_info("VM '%s' suspends to RAM (SBI SUSP): vCPU %u sleeps until an interrupt it "
		"enabled is pending\n", v->vm->cfg->name, v->id);
	v->system_suspended = true; /* sched.c says when it wakes */
	return sbi_hsm_suspend(v, SBI_HSM_SUSPEND_NON_RET_DEFAULT, resume_addr, opaque, res);
}

static void susp_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	res->value = 0;
	switch (call->fid) {
	case SBI_EXT_SUSP_SYSTEM_SUSPEND:
		/* sleep_type is a uint32_t: the upper half of a0 is not part of it */
		res->error = system_suspend(v, (uint32_t)call->arg[0], call->arg[1], call->arg[2],
					    res);
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

const struct sbi_extension sbi_ext_susp = {
	.eid_start = SBI_EXT_SUSP,
	.eid_end = SBI_EXT_SUSP,
	.name = "SUSP",
	.stat_slot = SBI_STAT_SUSP,
	.handle = susp_handle,
};
