/*
 * Keel's own SBI extension, in the firmware-specific EID range: test hooks
 * (the fault path, and where things are in host memory), and the
 * profiler's controls, so a guest can profile exactly the work it wants
 * measured (docs/profiling.md).
 */
#include <stdint.h>

#include "prof.h"
#include "sbi/sbi.h"
#include "vm.h"

extern char _image_start[], _image_end[]; /* linker.ld */

/*
 * Host physical addresses for the hostile guest to aim at. Keel runs
 * identity mapped, so a host pointer is its physical address. Handing a
 * guest host addresses is harmless by design (it cannot reach them), but
 * it is a hint an attacker should not get for free: test-hooks only.
 */
static long test_layout(const struct vm *vm, unsigned long what, unsigned long *value)
{
	if (what == SBI_KEEL_LAYOUT_IMAGE_START)
		*value = (uintptr_t)_image_start;
	else if (what == SBI_KEEL_LAYOUT_IMAGE_END)
		*value = (uintptr_t)_image_end;
	else if (what == SBI_KEEL_LAYOUT_OWN_RAM)
		*value = (uintptr_t)vm->ram;
	else if (what >= SBI_KEEL_LAYOUT_VM_RAM && what - SBI_KEEL_LAYOUT_VM_RAM < nr_vms)
		*value = (uintptr_t)vms[what - SBI_KEEL_LAYOUT_VM_RAM].ram;
	else
		return SBI_ERR_INVALID_PARAM;
	return SBI_SUCCESS;
}

static void prof_call(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res);

static void keel_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	switch (call->fid) {
	case SBI_EXT_KEEL_TEST_HYPERVISOR_FAULT:
		if (!v->vm->test_hooks) {
			res->error = SBI_ERR_DENIED;
			return;
		}
		/*
		 * An illegal instruction in HS-mode: OpenSBI redirects it to
		 * Keel's trap entry while Keel runs (sscratch = 0), and it must
		 * be reported as Keel's own fault, never handed to a guest.
		 * (OpenSBI 1.1 leaves hstatus.SPV stale at 1 here: see
		 * vcpu_redirect.)
		 */
		__asm__ __volatile__(".word 0xc0001073" ::: "memory"); /* unimp */
		res->error = SBI_ERR_FAILED; /* not reached */
		return;
	case SBI_EXT_KEEL_TEST_LAYOUT:
		if (!v->vm->test_hooks) {
			res->error = SBI_ERR_DENIED;
			return;
		}
		res->error = test_layout(v->vm, call->arg[0], &res->value);
		return;
	case SBI_EXT_KEEL_PROF_START:
	case SBI_EXT_KEEL_PROF_STOP:
	case SBI_EXT_KEEL_PROF_MARK:
	case SBI_EXT_KEEL_PROF_DUMP:
		/*
		 * A profile shows every VM's guest pcs, and sampling costs every
		 * hart: only a VM its config trusts with that may drive it.
		 */
		if (!v->vm->profiler_control) {
			res->error = SBI_ERR_DENIED;
			return;
		}
		prof_call(v, call, res);
		return;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
}

/* The profiler's controls (docs/profiling.md), for a VM allowed them */
static void prof_call(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	switch (call->fid) {
	case SBI_EXT_KEEL_PROF_START:
		if (call->arg[1] & ~SBI_KEEL_PROF_CALLCHAIN) {
			res->error = SBI_ERR_INVALID_PARAM;
			return;
		}
		res->error = prof_start(call->arg[0], call->arg[1] & SBI_KEEL_PROF_CALLCHAIN);
		return;
	case SBI_EXT_KEEL_PROF_STOP:
		if (!prof_running()) {
			res->error = SBI_ERR_ALREADY_STOPPED;
			return;
		}
		prof_stop();
		res->error = SBI_SUCCESS;
		return;
	case SBI_EXT_KEEL_PROF_MARK:
		prof_mark(v, call->arg[0]);
		res->error = SBI_SUCCESS;
		return;
	case SBI_EXT_KEEL_PROF_DUMP:
		prof_dump();
		res->error = SBI_SUCCESS;
		return;
	default:
		res->error = SBI_ERR_NOT_SUPPORTED;
		return;
	}
}

const struct sbi_extension sbi_ext_keel = {
	.eid_start = SBI_EXT_KEEL,
	.eid_end = SBI_EXT_KEEL,
	.name = "KEEL",
	.stat_slot = SBI_STAT_KEEL,
	.handle = keel_handle,
};
