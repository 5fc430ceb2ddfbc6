/*
 * Bringing up the other harts and giving every vCPU a home.
 *
 * The boot hart asks the firmware (SBI HSM hart_start) to start each hart
 * of the device tree that Keel can run on (platform.h: usable) at
 * secondary_entry (src/boot/entry.S), with its struct hart as the opaque
 * argument. Each
 * one sets itself up and waits for the boot hart to finish placing the
 * vCPUs; then every hart runs its own scheduler (sched.c).
 */
#include <stddef.h>

#include "arch/riscv/arch.h"
#include "fw_events.h"
#include "lib/console.h"
#include "hart.h"
#include "vcpu/placement.h"
#include "platform/platform.h"
#include "sbi_defs.h"
#include "sched/sched.h"
#include "lib/timebase.h"
#include "vm.h"
#include "vcpu/vcpu_request.h"
#include "boot/boot.h"

extern char secondary_entry[];


static unsigned int smp_ready;

/* How long a started hart may take to reach Keel, in microseconds */
#define HART_START_TIMEOUT_US 1000000

void smp_secondary_main(unsigned long hartid, struct hart *h)
{
	if (arch_hart_init()) {
		/* guests placed here would lack what their VM was promised */
		pr_err("hart %lu: the firmware did not give it Svadu as it did the boot hart "
		       "(SBI FWFT PTE_AD_HW_UPDATING): no vCPU runs here\n", hartid);
		__atomic_store_n(&h->refused, true, __ATOMIC_RELEASE);
		fw_hart_stop();
	}
	fw_events_hart_init(h);
	__atomic_store_n(&h->online, true, __ATOMIC_RELEASE);
	/* asleep, not spinning: on a host with fewer CPUs than harts it shows */
	while (!__atomic_load_n(&smp_ready, __ATOMIC_ACQUIRE))
		arch_wait_for_interrupt();
	sched_start(h);
}

static void start_hart(const struct platform_hart *p)
{
	struct hart *h = &harts[nr_harts];
	struct sbiret r;

	h->index = nr_harts;
	h->hartid = p->hartid;
	spinlock_init(&h->fence_lock, LOCK_HART_FENCES);
	h->stack_top = (unsigned long)hart_stacks + (h->index + 1) * KEEL_STACK_SIZE;
	h->slice_end = UINT64_MAX;
	h->timer_deadline = UINT64_MAX;
	hart_ptrs[h->index] = h;
	/* all of it visible before the hart can run (entry.S reads hart_ptrs) */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r = fw_sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, p->hartid,
			(unsigned long)secondary_entry, (unsigned long)h, 0);
	if (r.error) {
		pr_info("hart %lu: the firmware did not start it (SBI error %ld); not used\n",
			p->hartid, r.error);
		hart_ptrs[h->index] = NULL;
		return;
	}
	nr_harts++;
}

void smp_start_secondaries(void)
{
	uint64_t deadline;

	nr_harts = 1; /* the boot hart, set up by keel_main */
	for (unsigned int i = 0; i < platform.nr_harts; i++) {
		const struct platform_hart *p = &platform.harts[i];

		/* keel_main has said why each unusable one is left out */
		if (p->hartid == harts[0].hartid || !p->usable)
			continue;
		start_hart(p);
	}
	deadline = arch_time_now() + ticks_from_us(platform.timebase_freq, HART_START_TIMEOUT_US);
	for (unsigned int i = 1; i < nr_harts; i++) {
		while (!__atomic_load_n(&harts[i].online, __ATOMIC_ACQUIRE) &&
		       !__atomic_load_n(&harts[i].refused, __ATOMIC_ACQUIRE) &&
		       arch_time_now() < deadline)
			;
		/* a hart that refused has said why */
		if (!harts[i].online && !harts[i].refused)
			pr_info("hart %lu did not reach Keel within %u ms; no vCPU runs there\n",
				harts[i].hartid, HART_START_TIMEOUT_US / 1000);
	}
}

static void home_vcpu(struct vcpu *v, struct hart *h)
{
	v->hart = h;
	v->sched_index = h->nr_vcpus;
	v->ctx.host_sp = h->stack_top;
	v->ctx.host_tp = (unsigned long)h;
	h->vcpus[h->nr_vcpus++] = v;
}

int smp_place_vcpus(char *err, unsigned long errlen)
{
	unsigned long hartids[KEEL_MAX_HARTS];
	struct hart *online[KEEL_MAX_HARTS];
	struct placement p = { .hartids = hartids };

	for (unsigned int i = 0; i < nr_harts; i++) {
		if (i && !harts[i].online)
			continue;
		hartids[p.nr_harts] = harts[i].hartid;
		online[p.nr_harts++] = &harts[i];
	}
	for (unsigned int n = 0; n < nr_vms; n++) {
		struct vm *vm = &vms[n];
		unsigned int home[KEEL_MAX_VCPUS];

		if (placement_place_vm(&p, vm->cfg->name, vm->cfg->vcpu_pin, vm->nr_vcpus, home, err,
				       errlen))
			return -1;
		for (unsigned int i = 0; i < vm->nr_vcpus; i++)
			home_vcpu(&vm->vcpus[i], online[home[i]]);
	}
	/* the harts may look at their vCPUs from now on: wake them */
	__atomic_store_n(&smp_ready, 1, __ATOMIC_RELEASE);
	for (unsigned int i = 1; i < nr_harts; i++)
		hart_kick(&harts[i]);
	return 0;
}

_Static_assert(__builtin_offsetof(struct hart, hartid) == HART_HARTID, "HART_HARTID");
_Static_assert(__builtin_offsetof(struct hart, stack_top) == HART_STACK_TOP, "HART_STACK_TOP");
