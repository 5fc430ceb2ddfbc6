/*
 * The SBI dispatcher: find the extension for a7, call its handler, put
 * the result in a0/a1 and step past the ecall. One table, in the order
 * guests call most often (TIME and the console before the rest).
 */
#include <stddef.h>

#include "sbi.h"
#include "trace.h"
#include "vm.h"

static const struct sbi_extension *const extensions[] = {
	&sbi_ext_time, &sbi_ext_ipi,  &sbi_ext_rfence, &sbi_ext_base,
	&sbi_ext_dbcn, &sbi_ext_hsm,  &sbi_ext_srst,   &sbi_ext_legacy,
};

const struct sbi_extension *sbi_find_extension(unsigned long eid)
{
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		if (eid >= extensions[i]->eid_start && eid <= extensions[i]->eid_end)
			return extensions[i];
	return NULL;
}

void sbi_dispatch(struct vcpu *v)
{
	unsigned long *x = v->ctx.x;
	struct sbi_call call = {
		.eid = x[17], /* a7 */
		.fid = x[16], /* a6 */
		.arg = { x[10], x[11], x[12], x[13], x[14], x[15] },
	};
	struct sbi_result res = { .error = SBI_ERR_NOT_SUPPORTED };
	const struct sbi_extension *ext = sbi_find_extension(call.eid);

	v->stats.sbi_calls++;
	if (ext)
		ext->handle(v, &call, &res);

	if (v->vm->trace) {
		struct trap_info t = { .scause = EXC_ECALL_VS, .sepc = v->ctx.sepc, .regs = &v->ctx };
		trace_exit_print(v, &t, "SBI %s eid 0x%lx fid %lu -> error %ld value 0x%lx",
				 ext ? ext->name : "(none)", call.eid, call.fid, res.error,
				 res.value);
	}

	switch (res.action) {
	case SBI_ACTION_RETURN:
		break;
	case SBI_ACTION_VM_SHUTDOWN:
		vm_stop(v->vm, VM_STOP_SHUTDOWN, "the guest shut down");
		return;
	case SBI_ACTION_VM_FAILURE:
		vm_stop(v->vm, VM_STOP_FAILURE, "the guest shut down reporting a system failure");
		return;
	case SBI_ACTION_VM_REBOOT:
		vm_reset(v->vm);
		return;
	}
	x[10] = (unsigned long)res.error;
	if (!(ext && ext->legacy))
		x[11] = res.value;
	vcpu_skip_insn(v, 4);
}

long sbi_hart_mask_to_vcpus(unsigned long hart_mask, unsigned long hart_mask_base,
			    unsigned int nr_vcpus, unsigned long *vcpu_bitmap)
{
	unsigned long all = nr_vcpus >= 64 ? ~0UL : (1UL << nr_vcpus) - 1;

	if (hart_mask_base == (unsigned long)-1) {
		*vcpu_bitmap = all; /* base -1: every hart, the mask is ignored */
		return SBI_SUCCESS;
	}
	*vcpu_bitmap = 0;
	for (unsigned int bit = 0; bit < 64; bit++) {
		unsigned long hart;

		if (!(hart_mask & (1UL << bit)))
			continue;
		hart = hart_mask_base + bit;
		if (hart < hart_mask_base || hart >= nr_vcpus)
			return SBI_ERR_INVALID_PARAM;
		*vcpu_bitmap |= 1UL << hart;
	}
	return SBI_SUCCESS;
}
