/* The fixture declared in core_fixture.h. */
#include <stdio.h>
#include <string.h>

#include "core_fixture.h"
#include "hart.h"
#include "sbi_defs.h"

static struct vm_config configs[KEEL_MAX_VMS];
static unsigned int next_config;

void fixture_vm(struct vm *vm, const char *name, unsigned int nr, const unsigned int *homes,
		bool sstc)
{
	struct vm_config *cfg = &configs[next_config++ % KEEL_MAX_VMS];

	memset(vm, 0, sizeof(*vm));
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->name, sizeof(cfg->name), "%s", name);
	cfg->nr_vcpus = nr;
	vm->cfg = cfg;
	vm->nr_vcpus = nr;
	vm->guest_sstc = sstc;
	vm->entry = FIXTURE_ENTRY;
	vm->dtb_gpa = FIXTURE_DTB;
	vm->hgatp = 0x8000000000000000UL | 0x1234;
	spinlock_init(&vm->lock, LOCK_VM_STATE);
	spinlock_init(&vm->dev_lock, LOCK_VM_DEVICES);
	for (unsigned int i = 0; i < nr; i++) {
		struct vcpu *v = &vm->vcpus[i];
		struct hart *h = &harts[homes ? homes[i] : 0];

		v->vm = vm;
		v->id = i;
		v->pin = -1;
		v->hart = h;
		v->sched_index = h->nr_vcpus;
		h->vcpus[h->nr_vcpus++] = v;
		if (h->index + 1 > nr_harts)
			nr_harts = h->index + 1;
		vcpu_reset(v, vm->entry, vm->dtb_gpa);
		v->hsm_state = i == 0 ? SBI_HSM_STATE_STARTED : SBI_HSM_STATE_STOPPED;
		v->run_state = i == 0 ? VCPU_RUNNABLE : VCPU_OFF;
	}
	vm->state = VM_RUNNING;
}
