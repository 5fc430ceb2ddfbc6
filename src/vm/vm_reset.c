/*
 * Restarting a VM: an SBI SRST reboot from the guest, or Keel's monitor's
 * vm reset and vm start. One hart carries a restart out from its
 * scheduler loop (vm_reset_work), a step a pass: wait until every vCPU is
 * parked, forget guest RAM, load the image again, let the VM run. A stop
 * that comes meanwhile wins (docs/smp.md).
 */
#include "lib/console.h"
#include "hart.h"
#include "sbi_defs.h"
#include "vm.h"
#include "vm/vm_load.h"
#include "vcpu/vcpu_request.h"
#include "vcpu/vcpu_load.h"

/* Has the hart of every other vCPU taken it off (vcpu_park)? */
static bool quiesced(const struct vm *vm, unsigned long seq)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		const struct vcpu *u = &vm->vcpus[i];

		/* the restarting hart parks its own in its scheduler loop, before this */
		if (u->hart == vm->reset.hart)
			continue;
		/* a later stop may bump the sequence again: any ack at or after seq will do */
		if ((long)(__atomic_load_n(&u->quiesce_ack, __ATOMIC_ACQUIRE) - seq) < 0)
			return false;
	}
	return true;
}

int vm_reboot(struct vm *vm)
{
	return vm_restart(vm, false);
}

int vm_restart(struct vm *vm, bool stopped)
{
	struct hart *self = this_hart();

	spin_lock(&vm->lock);
	if (vm->restarting) {
		spin_unlock(&vm->lock);
		return VM_RESTART_BUSY;
	}
	if (vm->state != (stopped ? VM_STOPPED : VM_RUNNING)) {
		spin_unlock(&vm->lock);
		return VM_RESTART_WRONG_STATE;
	}
	/* seq names this restart: a stop (and a start) meanwhile bump it again */
	vm->reset = (struct vm_reset_job){ .hart = self, .seq = ++vm->quiesce_seq };
	/* the job is whole before a hart that sees restarting reads it */
	__atomic_store_n(&vm->restarting, true, __ATOMIC_RELEASE);
	__atomic_store_n(&vm->state, VM_RESETTING, __ATOMIC_RELEASE);
	spin_unlock(&vm->lock);

	vm_kick_vcpus(vm);
	hart_kick(self); /* the work itself: vm_reset_work() */
	return VM_RESTART_STARTED;
}

static void reset_abandon(struct vm *vm)
{
	spin_lock(&vm->lock);
	vm->restarting = false;
	spin_unlock(&vm->lock);
}

/* Every vCPU parked and RAM unmapped: load the image, then let it run. */
/* noinline: its message buffer stays off the stack of every scheduler pass */
static __attribute__((noinline)) void reset_finish(struct vm *vm)
{
	bool running = false;
	char err[192];

	vm->reboots++; /* the guest reads it as /chosen/keel,boot-count */
	if (vm_load(vm, err, sizeof(err))) {
		pr_err("%s\n", err);
		vm_stop(vm, VM_STOP_FAILURE, "its image could not be loaded");
		reset_abandon(vm);
		return;
	}
	spin_lock(&vm->dev_lock);
	vm_devices_reset(vm);
	spin_unlock(&vm->dev_lock);
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *u = &vm->vcpus[i];

		__atomic_store_n(&u->requests, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&u->hsm_state,
				 i == 0 ? SBI_HSM_STATE_STARTED : SBI_HSM_STATE_STOPPED,
				 __ATOMIC_RELAXED);
	}

	spin_lock(&vm->lock);
	/* stopped meanwhile: it stays stopped, whatever was reloaded */
	if (vm->state == VM_RESETTING && vm->quiesce_seq == vm->reset.seq) {
		vm->generation++;
		/* the new generation is visible to whoever sees RUNNING */
		__atomic_store_n(&vm->state, VM_RUNNING, __ATOMIC_RELEASE);
		running = true;
	}
	vm->restarting = false;
	spin_unlock(&vm->lock);
	if (running)
		pr_info("VM '%s' restarted from its image\n", vm->cfg->name);
	vm_kick_vcpus(vm);
}

/* One step of a restart; true while it has more to do. */
static bool reset_step(struct vm *vm)
{
	struct vm_reset_job *job = &vm->reset;

	/* stopped meanwhile (vm_stop bumped the sequence): the stop wins */
	if (__atomic_load_n(&vm->quiesce_seq, __ATOMIC_ACQUIRE) != job->seq) {
		reset_abandon(vm);
		return false;
	}
	if (!job->quiesced) {
		if (!quiesced(vm, job->seq))
			return true;
		job->quiesced = true;
	}
	/*
	 * The guest left its data in RAM: every block is unmapped and will
	 * be zeroed again on its first touch, as at the VM's first start.
	 * If Keel cannot be sure of that, the VM does not run again.
	 */
	if (vm_ram_forget(vm)) {
		vm_stop(vm, VM_STOP_FAILURE, "its RAM could not be unmapped for the restart "
					     "(a G-stage leaf Keel did not make)");
		reset_abandon(vm);
		return false;
	}
	reset_finish(vm);
	return false;
}

bool vm_reset_work(struct hart *h)
{
	bool more = false;

	for (unsigned int i = 0; i < nr_vms; i++) {
		struct vm *vm = &vms[i];

		if (__atomic_load_n(&vm->restarting, __ATOMIC_ACQUIRE) && vm->reset.hart == h)
			more |= reset_step(vm);
	}
	return more;
}
