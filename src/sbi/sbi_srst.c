/* SBI SRST (EID "SRST"): a guest's shutdown or reboot is its VM's alone. */
#include <stdint.h>

#include "sbi/sbi.h"

static void srst_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	/* both are uint32_t: on RV64 the upper halves of a0 and a1 are ignored */
	uint32_t type = (uint32_t)call->arg[0], reason = (uint32_t)call->arg[1];

	(void)v;
	if (call->fid != SBI_EXT_SRST_RESET) {
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
	/* reasons 2..0xEFFFFFFF are reserved; 0xF0000000+ are vendor ones */
	if (type > SBI_SRST_RESET_TYPE_WARM_REBOOT ||
	    (reason > SBI_SRST_RESET_REASON_SYSFAIL && reason < 0xF0000000U)) {
		res->error = SBI_ERR_INVALID_PARAM;
		return;
	}
	if (type == SBI_SRST_RESET_TYPE_SHUTDOWN)
		res->action = reason == SBI_SRST_RESET_REASON_SYSFAIL ? SBI_ACTION_VM_FAILURE
								       : SBI_ACTION_VM_SHUTDOWN;
	else
		res->action = SBI_ACTION_VM_REBOOT; /* cold and warm: a fresh boot */
	res->error = SBI_SUCCESS;
}

const struct sbi_extension sbi_ext_srst = {
	.eid_start = SBI_EXT_SRST,
	.eid_end = SBI_EXT_SRST,
	.name = "SRST",
	.stat_slot = SBI_STAT_SRST,
	.handle = srst_handle,
};
