/*
 * SBI BASE (EID 0x10): versions, ids and extension probing, and the table
 * of extensions the probe answers from, which the dispatcher
 * (sbi_dispatch.c) serves calls from. One table, in the order guests call
 * most often (TIME and the console before the rest).
 */
#include <stddef.h>

#include "arch/riscv/arch.h"
#include "sbi/sbi.h"

static void base_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	(void)v;
	res->error = SBI_SUCCESS;
	switch (call->fid) {
	case SBI_EXT_BASE_GET_SPEC_VERSION:
		res->value = (SBI_SPEC_VERSION_MAJOR << SBI_SPEC_VERSION_MAJOR_SHIFT) |
			     SBI_SPEC_VERSION_MINOR;
		break;
	case SBI_EXT_BASE_GET_IMP_ID:
		res->value = SBI_IMPL_ID_KEEL;
		break;
	case SBI_EXT_BASE_GET_IMP_VERSION:
		res->value = (KEEL_VERSION_MAJOR << 16) | KEEL_VERSION_MINOR;
		break;
	case SBI_EXT_BASE_PROBE_EXT:
		/* an absent extension is answered with 0, not an error */
		res->value = sbi_find_extension(call->arg[0]) ? 1 : 0;
		break;
	/* The guest sees the machine it runs on. */
	case SBI_EXT_BASE_GET_MVENDORID:
		res->value = host.mvendorid;
		break;
	case SBI_EXT_BASE_GET_MARCHID:
		res->value = host.marchid;
		break;
	case SBI_EXT_BASE_GET_MIMPID:
		res->value = host.mimpid;
		break;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		break;
	}
}

unsigned long sbi_base_answers[SBI_BASE_FAST_FIDS];

void sbi_base_fast_init(void)
{
	for (unsigned long fid = 0; fid < SBI_BASE_FAST_FIDS; fid++) {
		struct sbi_call call = { .eid = SBI_EXT_BASE, .fid = fid };
		struct sbi_result res = { 0 };

		/* the same handler: the fast path can only answer what it would */
		if (fid != SBI_EXT_BASE_PROBE_EXT)
			base_handle(NULL, &call, &res);
		sbi_base_answers[fid] = res.value;
	}
}

const struct sbi_extension sbi_ext_base = {
	.eid_start = SBI_EXT_BASE,
	.eid_end = SBI_EXT_BASE,
	.name = "BASE",
	.stat_slot = SBI_STAT_BASE,
	.handle = base_handle,
};

static const struct sbi_extension *const extensions[] = {
	&sbi_ext_time, &sbi_ext_ipi,  &sbi_ext_rfence, &sbi_ext_base,
	&sbi_ext_dbcn, &sbi_ext_hsm,  &sbi_ext_srst,   &sbi_ext_pmu,
	&sbi_ext_legacy, &sbi_ext_keel, &sbi_ext_susp, &sbi_ext_sta,
	&sbi_ext_fwft,
};

const char *sbi_stat_slot_name(unsigned int slot)
{
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		if (extensions[i]->stat_slot == slot)
			return extensions[i]->name;
	return "unknown";
}

void sbi_name_exit_slots(void)
{
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		exit_slot_name_sbi(extensions[i]->stat_slot, extensions[i]->name);
}

const struct sbi_extension *sbi_find_extension(unsigned long eid)
{
	for (size_t i = 0; i < sizeof(extensions) / sizeof(extensions[0]); i++)
		if (eid >= extensions[i]->eid_start && eid <= extensions[i]->eid_end)
			return extensions[i];
	return NULL;
}
