/*
 * The SBI dispatcher: find the extension for a7, call its handler, put
 * the result in a0/a1 and step past the ecall. One table, in the order
 * guests call most often (TIME and the console before the rest).
 */
#include <stddef.h>

#include "lib/console.h"
#include "exit_stats.h"
#include "sbi/sbi.h"
#include "vcpu/vcpu_request.h"
#include "vcpu/trace.h"
#include "vm.h"

_Static_assert(sizeof(struct sbi_call) == 8 * sizeof(unsigned long), "a0..a7");


/* the slots trap.S's fast path counts in */
_Static_assert(VCPU_EXIT_COUNT_SBI_BASE ==
		       VCPU_EXIT_COUNT + 8 * EXIT_SLOT_SBI(SBI_STAT_BASE), "BASE's exit slot");
_Static_assert(VCPU_EXIT_COUNT_SBI_TIME ==
		       VCPU_EXIT_COUNT + 8 * EXIT_SLOT_SBI(SBI_STAT_TIME), "TIME's exit slot");
_Static_assert(SBI_STAT_SLOTS <= EXIT_SBI_SLOTS, "room for every extension's exit statistics");

/*
 * The guest's SRST reboot. A stop, or another vCPU's reboot, that got
 * there first wins (vm_restart): this vCPU's hart was kicked by it and
 * parks this vCPU with the rest, so the guest does not return from the
 * call either way. Said, since the guest asked for something else.
 */
static void reboot(struct vcpu *v)
{
	int r = vm_reboot(v->vm);

	if (r != VM_RESTART_STARTED)
		pr_info("VM '%s': vCPU %u's SBI reboot not started: %s\n", v->vm->cfg->name, v->id,
			r == VM_RESTART_BUSY ? "the VM is restarting already"
					     : "the VM was stopped meanwhile");
}

/* The guest does not return from the call: no a0/a1, no pc step. */
static __attribute__((noinline)) struct vcpu_context *apply_action(struct vcpu *v,
								   enum sbi_action action)
{
	switch (action) {
	case SBI_ACTION_RETURN:
	case SBI_ACTION_NONE:
		break;
	case SBI_ACTION_VM_SHUTDOWN:
		vm_stop(v->vm, VM_STOP_SHUTDOWN, "the guest shut down");
		break;
	case SBI_ACTION_VM_FAILURE:
		vm_stop(v->vm, VM_STOP_FAILURE, "the guest shut down reporting a system failure");
		break;
	case SBI_ACTION_VM_REBOOT:
		reboot(v);
		break;
	}
	return vcpu_schedule(v);
}

static __attribute__((noinline, cold)) void trace_call(struct vcpu *v, const struct sbi_extension *ext, const struct sbi_call *call,
		       const struct sbi_result *res)
{
	struct trap_info t = { .scause = EXC_ECALL_VS, .sepc = v->ctx.sepc, .regs = &v->ctx };

	trace_exit_print(v, &t, "SBI %s eid 0x%lx fid %lu -> error %ld value 0x%lx",
			 ext ? ext->name : "(none)", call->eid, call->fid, res->error, res->value);
}

static inline const struct sbi_extension *extension_of(struct vcpu *v, unsigned long eid)
{
	const struct sbi_extension *ext = v->sbi_last;

	if (!ext || eid < ext->eid_start || eid > ext->eid_end) {
		ext = sbi_find_extension(eid);
		v->sbi_last = ext;
	}
	return ext;
}

const struct sbi_extension *sbi_extension_of(struct vcpu *v, unsigned long eid)
{
	return extension_of(v, eid);
}

/* No extension serves the EID: SBI_ERR_NOT_SUPPORTED, counted as unknown */
static __attribute__((noinline)) struct vcpu_context *unknown_extension(struct vcpu *v,
									const struct sbi_call *call)
{
	struct sbi_result res = { .error = SBI_ERR_NOT_SUPPORTED };

	exit_count(v, EXIT_SLOT_SBI(SBI_STAT_UNKNOWN));
	if (v->trace)
		trace_call(v, NULL, call, &res);
	v->ctx.x[10] = (unsigned long)res.error;
	v->ctx.x[11] = 0;
	v->ctx.sepc += 4;
	return vcpu_schedule(v);
}

struct vcpu_context *sbi_dispatch(struct vcpu_context *ctx)
{
	struct vcpu *v = (struct vcpu *)ctx;
	const struct sbi_call *call = (const struct sbi_call *)&ctx->x[10];
	const struct sbi_extension *ext = extension_of(v, call->eid);
	struct sbi_result res = { .error = SBI_ERR_NOT_SUPPORTED };

	if (__builtin_expect(!ext, 0))
		return unknown_extension(v, call);
	ext->handle(v, call, &res);
	if (__builtin_expect(v->trace, 0))
		trace_call(v, ext, call, &res);
	exit_count(v, EXIT_SLOT_SBI(ext->stat_slot));
	if (__builtin_expect(res.action != SBI_ACTION_RETURN, 0))
		return apply_action(v, res.action);
	ctx->x[10] = (unsigned long)res.error;
	ctx->x[11] = res.value;
	ctx->sepc += 4;
	/* an IPI, a fence or HSM may have given this hart work */
	return vcpu_schedule(v);
}
