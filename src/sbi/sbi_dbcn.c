/*
 * SBI DBCN (debug console, EID "DBCN"). Every guest buffer is checked to lie
 * wholly in the VM's RAM before Keel touches it; anything else is
 * SBI_ERR_INVALID_PARAM, as the specification asks.
 */
#include "sbi.h"
#include "vm.h"

static void *guest_buffer(struct vcpu *v, const struct sbi_call *call, unsigned long len)
{
	/* base_addr_hi is for RV32; on RV64 a nonzero value is out of range */
	if (call->arg[2])
		return 0;
	return vm_gpa_to_hva(v->vm, call->arg[1], len);
}

static void dbcn_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	unsigned long len = call->arg[0];
	char *buf;

	res->error = SBI_SUCCESS;
	res->value = 0;
	switch (call->fid) {
	case SBI_EXT_DBCN_CONSOLE_WRITE:
		buf = guest_buffer(v, call, len);
		if (!buf) {
			res->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		vm_console_write(v->vm, buf, len);
		res->value = len;
		break;
	case SBI_EXT_DBCN_CONSOLE_READ:
		buf = guest_buffer(v, call, len);
		if (!buf) {
			res->error = SBI_ERR_INVALID_PARAM;
			break;
		}
		while (res->value < len) {
			int c = vm_console_getc(v->vm);
			if (c < 0)
				break;
			buf[res->value++] = (char)c;
		}
		break;
	case SBI_EXT_DBCN_CONSOLE_WRITE_BYTE: {
		char c = (char)(call->arg[0] & 0xff);
		vm_console_write(v->vm, &c, 1);
		break;
	}
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

const struct sbi_extension sbi_ext_dbcn = {
	.eid_start = SBI_EXT_DBCN,
	.eid_end = SBI_EXT_DBCN,
	.name = "DBCN",
	.stat_slot = SBI_STAT_DBCN,
	.handle = dbcn_handle,
};
