/*
 * SBI HSM (EID "HSM"): the life cycle of a VM's vCPUs as the guest sees
 * its harts. hart_start hands a STOPPED vCPU to its home hart, which gives
 * it the start state and runs it; hart_stop and hart_suspend take the
 * calling vCPU off its hart until it is started again or an interrupt
 * for it arrives (docs/smp.md).
 */
#include <stddef.h>
#include <stdint.h>

#include "hart.h"
#include "sbi/sbi.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"

/*
 * A hart starts (or resumes) in S-mode with the MMU off: an address of RAM,
 * and one an instruction can start at. No pc is odd (IALIGN is 16 at
 * least): sepc would drop bit 0 and the hart would start a byte before
 * where it was asked to, so an odd address is as invalid as one outside RAM.
 */
bool sbi_is_entry_address(struct vm *vm, unsigned long addr)
{
	return !(addr & 1) && vm_gpa_to_hva(vm, addr, 4) != NULL;
}

static long hart_start(struct vcpu *v, unsigned long hartid, unsigned long addr,
		       unsigned long opaque)
{
	struct vm *vm = v->vm;
	struct vcpu *t;
	int stopped = SBI_HSM_STATE_STOPPED;

	if (hartid >= vm->nr_vcpus)
		return SBI_ERR_INVALID_PARAM;
	if (!sbi_is_entry_address(vm, addr))
		return SBI_ERR_INVALID_ADDRESS;
	t = &vm->vcpus[hartid];
	/* two starters at once: exactly one wins, the other is told it runs */
	if (!__atomic_compare_exchange_n(&t->hsm_state, &stopped, SBI_HSM_STATE_START_PENDING,
					 false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return SBI_ERR_ALREADY_AVAILABLE;
	t->resume_addr = addr;
	t->resume_opaque = opaque;
	vcpu_post_request(t, VCPU_REQ_START);
	return SBI_SUCCESS;
}

static bool every_vcpu_stopped(const struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (__atomic_load_n(&vm->vcpus[i].hsm_state, __ATOMIC_ACQUIRE) !=
		    SBI_HSM_STATE_STOPPED)
			return false;
	return true;
}

static void hart_stop(struct vcpu *v)
{
	vcpu_go_off(v);
	__atomic_store_n(&v->hsm_state, SBI_HSM_STATE_STOPPED, __ATOMIC_RELEASE);
	hart_kick(v->hart);
	/*
	 * Only a running vCPU can start another: with the last one stopped the
	 * VM can never run again. A machine would sit there; Keel says so
	 * and lets the VM go (and the machine power off if it was the last).
	 */
	if (every_vcpu_stopped(v->vm))
		vm_stop(v->vm, VM_STOP_SHUTDOWN, "every vCPU has stopped (SBI HSM hart_stop)");
}

static bool is_reserved_suspend_type(uint32_t type)
{
	return (type > SBI_HSM_SUSPEND_RET_DEFAULT && type < SBI_HSM_SUSPEND_RET_PLATFORM) ||
	       (type > SBI_HSM_SUSPEND_NON_RET_DEFAULT && type < SBI_HSM_SUSPEND_NON_RET_PLATFORM);
}

/*
 * Keel offers the two default suspend types; platform-specific ones are
 * "not implemented", which the SBI answers with INVALID_PARAM as well.
 * A suspended vCPU is blocked like one in wfi and wakes the same way.
 * SUSP's system_suspend ends here too, as a non-retentive suspend.
 */
long sbi_hsm_suspend(struct vcpu *v, uint32_t type, unsigned long addr, unsigned long opaque,
		     struct sbi_result *res)
{
	if (type != SBI_HSM_SUSPEND_RET_DEFAULT && type != SBI_HSM_SUSPEND_NON_RET_DEFAULT)
		return SBI_ERR_INVALID_PARAM;
	if (type == SBI_HSM_SUSPEND_NON_RET_DEFAULT) {
		if (!sbi_is_entry_address(v->vm, addr))
			return SBI_ERR_INVALID_ADDRESS;
		v->resume_addr = addr;
		v->resume_opaque = opaque;
		v->resume_fresh = true;
		/* it continues at addr, not after the ecall */
		res->action = SBI_ACTION_NONE;
	}
	__atomic_store_n(&v->hsm_state, SBI_HSM_STATE_SUSPENDED, __ATOMIC_RELEASE);
	v->run_state = VCPU_BLOCKED;
	hart_kick(v->hart);
	return SBI_SUCCESS;
}

static void hsm_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	struct vm *vm = v->vm;
	unsigned long hartid = call->arg[0];

	res->value = 0;
	switch (call->fid) {
	case SBI_EXT_HSM_HART_GET_STATUS:
		if (hartid >= vm->nr_vcpus) {
			res->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		res->error = SBI_SUCCESS;
		res->value = (unsigned long)__atomic_load_n(&vm->vcpus[hartid].hsm_state,
							     __ATOMIC_ACQUIRE);
		break;
	case SBI_EXT_HSM_HART_START:
		res->error = hart_start(v, hartid, call->arg[1], call->arg[2]);
		break;
	case SBI_EXT_HSM_HART_STOP:
		/* returns only on failure, and a running vCPU can always stop */
		hart_stop(v);
		res->action = SBI_ACTION_NONE;
		break;
	case SBI_EXT_HSM_HART_SUSPEND:
		/*
		 * suspend_type is a uint32_t: on RV64 the upper half of a0 is
		 * not part of it (an LP64 caller sign-extends 0x80000000).
		 */
		if (is_reserved_suspend_type((uint32_t)call->arg[0])) {
			res->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		res->error = sbi_hsm_suspend(v, (uint32_t)call->arg[0], call->arg[1], call->arg[2],
					     res);
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

const struct sbi_extension sbi_ext_hsm = {
	.eid_start = SBI_EXT_HSM,
	.eid_end = SBI_EXT_HSM,
	.name = "HSM",
	.stat_slot = SBI_STAT_HSM,
	.handle = hsm_handle,
};
