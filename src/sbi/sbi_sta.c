/*
 * SBI STA (EID "STA"): steal-time accounting. A vCPU registers a 64-byte
 * record in its RAM with steal_time_set_shmem; from then on, each time its
 * hart switches it in, Keel writes there how long it has waited, runnable,
 * while another vCPU ran (sched.c keeps the count), with the sequence
 * protocol of the spec, and clears the preempted flag; when it is switched
 * out still runnable, Keel sets the flag (docs/smp.md, "Steal time").
 */
#include <stddef.h>
#include <string.h>

#include "sbi/sbi.h"
#include "vm.h"

static long set_shmem(struct vcpu *v, unsigned long lo, unsigned long hi, unsigned long flags)
{
	struct sbi_sta_record *r;

	if (flags != 0)
		return SBI_ERR_INVALID_PARAM;
	if (lo == SBI_STA_SHMEM_DISABLE && hi == SBI_STA_SHMEM_DISABLE) {
		v->sta_record = NULL; /* not a byte more is written there */
		return SBI_SUCCESS;
	}
	if (lo % SBI_STA_SHMEM_SIZE)
		return SBI_ERR_INVALID_PARAM;
	/* hi holds address bits 64 and up: no RAM of a VM lies there */
	if (hi != 0)
		return SBI_ERR_INVALID_ADDRESS;
	r = vm_gpa_to_hva(v->vm, lo, SBI_STA_SHMEM_SIZE);
	if (!r)
		return SBI_ERR_INVALID_ADDRESS;
	/* all zero before the call returns; the next switch-in fills it */
	memset(r, 0, sizeof(*r));
	v->sta_record = r;
	v->sta_used = true;
	return SBI_SUCCESS;
}

static void sta_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	res->value = 0;
	switch (call->fid) {
	case SBI_EXT_STA_STEAL_TIME_SET_SHMEM:
		res->error = set_shmem(v, call->arg[0], call->arg[1], call->arg[2]);
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

const struct sbi_extension sbi_ext_sta = {
	.eid_start = SBI_EXT_STA,
	.eid_end = SBI_EXT_STA,
	.name = "STA",
	.stat_slot = SBI_STAT_STA,
	.handle = sta_handle,
};
