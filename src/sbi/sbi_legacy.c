/*
 * The legacy SBI v0.1 calls (EIDs 0x00-0x08). They return one value in a0,
 * which the dispatcher takes from res->error, and leave a1 as it was: the
 * handler hands the guest's a1 back as res->value.
 */
#include "arch/riscv/arch.h"
#include "sbi/sbi.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"

/*
 * v0.1 passes the hart mask by a pointer: a virtual address of the guest
 * (Linux passes the address of a kernel variable), so it is read through
 * the guest's own translation. NULL means every hart.
 */
static long legacy_hart_mask(struct vcpu *v, unsigned long mask_va, unsigned long *targets)
{
	uint64_t mask;

	if (!mask_va) {
		*targets = v->vm->nr_vcpus >= 64 ? ~0UL : (1UL << v->vm->nr_vcpus) - 1;
		return 0;
	}
	if (mask_va & 7)
		return SBI_ERR_INVALID_ADDRESS;
	if (arch_guest_load_u64(mask_va, &mask))
		return SBI_ERR_INVALID_ADDRESS;
	return sbi_hart_mask_to_vcpus(mask, 0, v->vm->nr_vcpus, targets);
}

static void legacy_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	struct vm *vm = v->vm;
	unsigned long targets;
	char c;

	res->error = 0;
	res->value = call->arg[1];
	switch (call->eid) {
	case SBI_EXT_0_1_SET_TIMER:
		pmu_incr_fw(&v->pmu, SBI_PMU_FW_SET_TIMER);
		vcpu_set_timer(v, call->arg[0]);
		break;
	case SBI_EXT_0_1_CONSOLE_PUTCHAR:
		c = (char)call->arg[0];
		vm_console_write(vm, &c, 1);
		break;
	case SBI_EXT_0_1_CONSOLE_GETCHAR:
		res->error = vm_console_getc(vm); /* -1 when nothing waits */
		break;
	case SBI_EXT_0_1_CLEAR_IPI:
		vcpu_clear_irq(v, IRQ_VS_SOFT);
		break;
	case SBI_EXT_0_1_SEND_IPI:
		res->error = legacy_hart_mask(v, call->arg[0], &targets);
		if (res->error)
			break;
		sbi_send_ipis(v, targets);
		break;
	case SBI_EXT_0_1_REMOTE_FENCE_I:
	case SBI_EXT_0_1_REMOTE_SFENCE_VMA:
	case SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID: {
		enum fence_kind kind = call->eid == SBI_EXT_0_1_REMOTE_FENCE_I ? FENCE_I
				       : call->eid == SBI_EXT_0_1_REMOTE_SFENCE_VMA ? FENCE_VMA
										: FENCE_VMA_ASID;
		res->error = legacy_hart_mask(v, call->arg[0], &targets);
		if (res->error)
			break;
		sbi_remote_fences(v, targets, kind, call->arg[1], call->arg[2], call->arg[3]);
		break;
	}
	case SBI_EXT_0_1_SHUTDOWN:
		res->action = SBI_ACTION_VM_SHUTDOWN;
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

const struct sbi_extension sbi_ext_legacy = {
	.eid_start = SBI_EXT_0_1_SET_TIMER,
	.eid_end = SBI_EXT_0_1_SHUTDOWN,
	.name = "legacy",
	.stat_slot = SBI_STAT_LEGACY,
	.handle = legacy_handle,
};
