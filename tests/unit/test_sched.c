/*
 * Tests for src/sched/sched.c, the scheduler of one hart: which vCPU it
 * picks, time slices, a woken vCPU preempting the running one, steal
 * time and the STA record, parking the vCPUs of a VM that stopped,
 * catching up with a VM reset, HSM start and resume, and idling.
 *
 * Each pass is sched_after_exit() on harts[0], as trap.S calls it, with
 * the real vcpu.c, vcpu_request.c and timer.c around it and the hart's
 * CSRs modelled by fake_arch.c. A pass that finds nothing to run waits in
 * wfi: schedule() then returns NULL, unless an on_wfi hook makes
 * something happen meanwhile.
 */
#include <string.h>

#include "core_fixture.h"
#include "fake_arch.h"
#include "fake_keel.h"
#include "fake_pmu_arch.h"
#include "fake_vm.h"
#include "sched/sched.h"
#include "lib/timebase.h"
#include "unit.h"
#include "vcpu/vcpu_request.h"
#include "vcpu/vcpu_load.h"
#include "vcpu/steal_record.h"

static struct vm vm, other;
static struct hart *h;
static struct fake_cpu *cpu;
static uint64_t slice; /* SCHED_SLICE_US in timebase ticks */

static void setup(unsigned int nr, bool sstc)
{
	fake_keel_reset();
	fake_arch_reset();
	fake_vm_reset();
	fake_pmu_reset();
	fixture_vm(&vm, "vm0", nr, NULL, sstc);
	h = &harts[0];
	cpu = fake_cpu_of(h);
	slice = ticks_from_us(FAKE_TIMEBASE_FREQ, SCHED_SLICE_US);
	sched_boot_hart_service = NULL;
}

/* Every vCPU of vm started and runnable */
static void all_runnable(void)
{
	for (unsigned int i = 0; i < vm.nr_vcpus; i++) {
		vm.vcpus[i].hsm_state = SBI_HSM_STATE_STARTED;
		vm.vcpus[i].run_state = VCPU_RUNNABLE;
	}
}

static struct vcpu *entered;

static void pass(void *unused)
{
	(void)unused;
	entered = (struct vcpu *)sched_after_exit(h->current ? &h->current->ctx : NULL);
}

/* One pass of the scheduler at time now: the vCPU it enters, or NULL when it idles */
static struct vcpu *schedule(uint64_t now)
{
	fake_arch.now = now;
	entered = NULL;
	if (fake_idles(pass, NULL))
		return NULL;
	return entered;
}

/* An interrupt for u, pending and enabled, in its saved state */
static void saved_interrupt(struct vcpu *u)
{
	u->csrs.hvip |= MIP_VSSIP;
	u->csrs.vsie |= MIP_SSIP;
}

/* ---- picking and slices -------------------------------------------------- */

TEST(first_pass_loads_the_first_runnable_vcpu)
{
	setup(3, false);
	all_runnable();
	CHECK(schedule(0) == &vm.vcpus[0]);
	CHECK(h->current == &vm.vcpus[0]);
	CHECK(cpu->loaded == &vm.vcpus[0]);
	CHECK_EQ(cpu->hgatp, vm.hgatp);
	CHECK_EQ(cpu->loads, 1);
	CHECK_EQ(fake_keel.fw_begins, 1);
	/* three share the hart: a slice, and the host timer at its end */
	CHECK_EQ(h->slice_end, slice);
	CHECK_EQ(cpu->host_timer, slice);
	CHECK(h->woken == NULL);
	/* what every pass does first */
	CHECK_EQ(cpu->ipi_clears, 1);
	CHECK_EQ(fake_vm.reset_work_calls, 1);
	CHECK_EQ(fake_keel.power_off_checks, 1);
}

TEST(the_running_vcpu_keeps_its_slice)
{
	setup(3, false);
	all_runnable();
	schedule(0);
	CHECK(schedule(slice - 1) == &vm.vcpus[0]);
	CHECK_EQ(cpu->loads, 1);
	CHECK_EQ(cpu->saves, 0);
	CHECK_EQ(h->slice_end, slice); /* not extended */
}

TEST(slices_go_round_robin)
{
	setup(3, false);
	all_runnable();
	schedule(0);
	CHECK(schedule(slice) == &vm.vcpus[1]);
	CHECK_EQ(cpu->saves, 1); /* vCPU 0 taken off */
	CHECK_EQ(h->slice_end, 2 * slice);
	CHECK(schedule(2 * slice) == &vm.vcpus[2]);
	CHECK(schedule(3 * slice) == &vm.vcpus[0]);
	CHECK_EQ(cpu->loads, 4);
	CHECK_EQ(cpu->saves, 3);
	/* what the hart held went back into each vCPU */
	CHECK(cpu->loaded == &vm.vcpus[0]);
}

TEST(a_lone_vcpu_has_no_slice_until_another_can_run)
{
	setup(2, false);
	CHECK(schedule(100) == &vm.vcpus[0]);
	CHECK_EQ(h->slice_end, UINT64_MAX);
	CHECK_EQ(cpu->host_timer, UINT64_MAX);
	/* HSM start of vCPU 1: the running one keeps the hart, for a slice from now */
	vm.vcpus[1].hsm_state = SBI_HSM_STATE_START_PENDING;
	vm.vcpus[1].resume_addr = 0x80100000;
	vcpu_post_request(&vm.vcpus[1], VCPU_REQ_START);
	CHECK(schedule(500) == &vm.vcpus[0]);
	CHECK_EQ(vm.vcpus[1].run_state, VCPU_RUNNABLE);
	CHECK_EQ(h->slice_end, 500 + slice);
	CHECK_EQ(cpu->host_timer, 500 + slice);
	/* it is START_PENDING until it runs, STARTED from then on */
	CHECK_EQ(vm.vcpus[1].hsm_state, SBI_HSM_STATE_START_PENDING);
	CHECK(schedule(500 + slice) == &vm.vcpus[1]);
	CHECK_EQ(vm.vcpus[1].hsm_state, SBI_HSM_STATE_STARTED);
	CHECK_EQ(vm.vcpus[1].ctx.sepc, 0x80100000);
	CHECK_EQ(vm.vcpus[1].ctx.x[10], 1);
}

TEST(blocked_and_stopped_vcpus_are_not_picked)
{
	setup(3, false);
	all_runnable();
	vm.vcpus[1].run_state = VCPU_BLOCKED;
	vm.vcpus[2].run_state = VCPU_OFF;
	CHECK(schedule(0) == &vm.vcpus[0]);
	CHECK_EQ(h->slice_end, UINT64_MAX); /* the only one that can run */
	CHECK(schedule(10 * slice) == &vm.vcpus[0]);
	CHECK_EQ(cpu->loads, 1);
}

/* ---- wake-up ------------------------------------------------------------- */

/* A vCPU woken by an interrupt runs at once, not at the end of the slice */
TEST(a_woken_vcpu_preempts_the_running_one)
{
	struct vcpu *v1;

	setup(2, false);
	all_runnable();
	v1 = &vm.vcpus[1];
	v1->run_state = VCPU_BLOCKED;
	schedule(0);
	CHECK(schedule(10) == &vm.vcpus[0]); /* nothing for vCPU 1 yet */
	saved_interrupt(v1);
	CHECK(schedule(20) == v1);
	CHECK_EQ(v1->run_state, VCPU_RUNNABLE);
	CHECK(h->woken == NULL); /* the preference is spent */
	CHECK_EQ(h->slice_end, 20 + slice);
	/* vCPU 0 gets the hart back after vCPU 1's slice, not before */
	CHECK(schedule(20 + slice - 1) == v1);
	CHECK(schedule(20 + slice) == &vm.vcpus[0]);
}

/* An SBI IPI to a blocked vCPU on this hart: the request, VSSIP, the wake-up */
TEST(an_ipi_wakes_a_blocked_vcpu)
{
	struct vcpu *v1;

	setup(2, false);
	all_runnable();
	v1 = &vm.vcpus[1];
	v1->run_state = VCPU_BLOCKED;
	v1->csrs.vsie = MIP_SSIP;
	v1->pmu.fw[SBI_PMU_FW_IPI_RCVD].started = true;
	schedule(0);
	vcpu_send_ipi(&vm.vcpus[0], v1);
	CHECK_EQ(h->work, 1);
	CHECK(schedule(10) == v1);
	CHECK_EQ(v1->requests, 0);
	CHECK_EQ(cpu->csrs.hvip & MIP_VSSIP, MIP_VSSIP); /* loaded now: on the hart */
	CHECK_EQ(v1->pmu.fw[SBI_PMU_FW_IPI_RCVD].value, 1);
}

/* The only vCPU blocks: the hart idles with it loaded, and its timer wakes it */
TEST(idle_hart_keeps_a_blocked_vcpu_loaded)
{
	struct vcpu *v0;

	setup(1, false);
	v0 = &vm.vcpus[0];
	schedule(0);
	v0->run_state = VCPU_BLOCKED;
	CHECK(schedule(10) == NULL);
	CHECK_EQ(cpu->wfis, 1);
	CHECK(cpu->loaded == v0); /* no reload when it wakes */
	CHECK(h->current == v0);
	CHECK_EQ(cpu->saves, 0);
	CHECK_EQ(h->slice_end, UINT64_MAX);
}

TEST(idle_hart_puts_a_stopped_vcpu_away)
{
	struct vcpu *v0;

	setup(1, false);
	v0 = &vm.vcpus[0];
	schedule(0);
	vcpu_go_off(v0);
	CHECK(schedule(10) == NULL);
	CHECK(cpu->loaded == NULL);
	CHECK(h->current == NULL);
	CHECK_EQ(cpu->saves, 1);
}

static void time_passes_to_5000(struct hart *hart)
{
	(void)hart;
	fake_arch.now = 5000;
	fake_arch.on_wfi = NULL;
}

/* No Sstc: the guest's SBI timer is the host timer's; the wfi ends at it */
TEST(wfi_ends_at_the_guests_timer)
{
	struct vcpu *v0;
	unsigned int ticks;

	setup(1, false);
	v0 = &vm.vcpus[0];
	schedule(0);
	v0->run_state = VCPU_BLOCKED;
	v0->timer_deadline = 5000;
	cpu->csrs.vsie = MIP_STIP;
	fake_arch.on_wfi = time_passes_to_5000;
	ticks = fake_keel.prof_host_ticks;
	CHECK(schedule(1000) == v0);
	CHECK_EQ(cpu->wfis, 1);
	CHECK_EQ(v0->run_state, VCPU_RUNNABLE);
	CHECK_EQ(cpu->csrs.hvip & MIP_VSTIP, MIP_VSTIP);
	CHECK_EQ(v0->timer_deadline, UINT64_MAX);
	/* a sample due in the wait is charged to idling, then the pass's own */
	CHECK_EQ(fake_keel.prof_host_ticks, ticks + 2);
}

/* HSM suspend: retentive goes on after the ecall, non-retentive at resume_addr */
TEST(suspended_vcpus_resume_as_they_were_suspended)
{
	struct vcpu *v0;

	setup(2, false);
	all_runnable();
	v0 = &vm.vcpus[0];
	schedule(0);
	v0->run_state = VCPU_BLOCKED;
	v0->hsm_state = SBI_HSM_STATE_SUSPENDED;
	v0->ctx.sepc = 0x80001004;
	saved_interrupt(v0);
	cpu->csrs.hvip = MIP_VSSIP; /* loaded: the hart's copy counts */
	cpu->csrs.vsie = MIP_SSIP;
	CHECK(schedule(10) == v0);
	CHECK_EQ(v0->hsm_state, SBI_HSM_STATE_STARTED);
	CHECK_EQ(v0->ctx.sepc, 0x80001004);

	v0->run_state = VCPU_BLOCKED;
	v0->hsm_state = SBI_HSM_STATE_SUSPENDED;
	v0->resume_fresh = true;
	v0->resume_addr = 0x80300000;
	v0->resume_opaque = 0x99;
	CHECK(schedule(20) == v0);
	CHECK_EQ(v0->hsm_state, SBI_HSM_STATE_STARTED);
	CHECK_EQ(v0->ctx.sepc, 0x80300000);
	CHECK_EQ(v0->ctx.x[11], 0x99);
	CHECK(!v0->resume_fresh);
	CHECK_EQ(v0->csrs.vsatp, 0);
	CHECK_EQ(cpu->saves, 1); /* resume_state is written into the saved vCPU */
}

TEST(a_system_suspend_ends_with_a_message)
{
	struct vcpu *v0;

	setup(1, false);
	v0 = &vm.vcpus[0];
	schedule(0);
	v0->run_state = VCPU_BLOCKED;
	v0->hsm_state = SBI_HSM_STATE_SUSPENDED;
	v0->system_suspended = true;
	v0->resume_fresh = true;
	v0->resume_addr = 0x80400000;
	saved_interrupt(v0);
	CHECK(schedule(10) == NULL); /* not pending on the hart yet: it stays asleep */
	cpu->csrs.hvip = MIP_VSSIP;
	cpu->csrs.vsie = MIP_SSIP;
	CHECK(schedule(20) == v0);
	CHECK(!v0->system_suspended);
	CHECK(fake_printed("VM 'vm0' resumes from suspend (SBI SUSP): vCPU 0 at 0x80400000"));
}

/* ---- steal time ---------------------------------------------------------- */

TEST(steal_time_is_the_wait_of_a_runnable_vcpu)
{
	static struct sbi_sta_record rec0, rec1;
	struct vcpu *v0, *v1;

	setup(2, false);
	v0 = &vm.vcpus[0];
	v1 = &vm.vcpus[1];
	memset(&rec0, 0, sizeof(rec0));
	memset(&rec1, 0, sizeof(rec1));
	v0->sta_record = &rec0;
	v1->sta_record = &rec1;
	schedule(0);
	/* started at 100 while vCPU 0 holds the hart: it waits from then */
	v1->hsm_state = SBI_HSM_STATE_START_PENDING;
	vcpu_post_request(v1, VCPU_REQ_START);
	schedule(100);
	CHECK_EQ(v1->wait_since, 100);
	CHECK_EQ(v1->steal_ticks, 0);
	/* its turn at the end of the slice: 100 + slice - 100 ticks stolen */
	CHECK(schedule(100 + slice) == v1);
	CHECK_EQ(v1->steal_ticks, slice);
	CHECK_EQ(v1->wait_since, 0);
	CHECK_EQ(rec1.steal, steal_ticks_to_ns(slice, FAKE_TIMEBASE_FREQ));
	CHECK_EQ(rec1.preempted, 0);
	CHECK_EQ(rec1.sequence % 2, 0);
	/* vCPU 0 was switched out runnable: preempted, waiting from now */
	CHECK_EQ(v0->wait_since, 100 + slice);
	CHECK_EQ(rec0.preempted, 1);
	CHECK_EQ(rec0.steal, 0);
	CHECK(schedule(100 + 2 * slice) == v0);
	CHECK_EQ(v0->steal_ticks, slice);
	CHECK_EQ(rec0.preempted, 0);
	CHECK_EQ(rec0.steal, steal_ticks_to_ns(slice, FAKE_TIMEBASE_FREQ));
	/* steal time is in ns: 4 ms slices */
	CHECK_EQ(rec0.steal, 4000000);
}

/* Blocked in wfi is not waiting for the hart: nothing stolen meanwhile */
TEST(a_blocked_vcpu_steals_nothing)
{
	struct vcpu *v0, *v1;

	setup(2, false);
	all_runnable();
	v0 = &vm.vcpus[0];
	v1 = &vm.vcpus[1];
	schedule(0);
	v0->run_state = VCPU_BLOCKED;
	CHECK(schedule(10) == v1);
	CHECK_EQ(v0->wait_since, 0);
	/* woken at 5000 while vCPU 1 runs: waits from 5000, runs at once (woken first) */
	saved_interrupt(v0);
	CHECK(schedule(5000) == v0);
	CHECK_EQ(v0->steal_ticks, 0);
	CHECK_EQ(v1->wait_since, 5000);
	CHECK(schedule(5000 + slice) == v1);
	CHECK_EQ(v1->steal_ticks, slice);
}

TEST(steal_report_names_the_vcpus_that_used_sta)
{
	setup(2, false);
	vm.vcpus[1].sta_used = true;
	vm.vcpus[1].steal_ticks = 25; /* 2.5 us at 10 MHz */
	vm.vcpus[0].steal_ticks = 1000;
	steal_time_report(&vm);
	CHECK(fake_printed("[keel] steal vm0/vcpu1 2500 ns\n"));
	CHECK(!fake_printed("vm0/vcpu0"));
}

/* ---- VM stop and reset --------------------------------------------------- */

/* What vm_stop() does to the state the scheduler reads */
static void stop(struct vm *m)
{
	m->state = VM_STOPPED;
	m->quiesce_seq++;
}

TEST(a_stopped_vms_vcpus_are_parked_once)
{
	struct vcpu *a, *b;

	setup(1, false);
	fixture_vm(&other, "other", 1, NULL, false);
	a = &vm.vcpus[0];
	b = &other.vcpus[0];
	CHECK(schedule(0) == a);
	CHECK(schedule(slice) == b);
	b->timer_deadline = 7777;
	b->requests = VCPU_REQ_IPI;
	stop(&other);
	CHECK(schedule(slice + 10) == a);
	CHECK_EQ(b->run_state, VCPU_OFF);
	CHECK_EQ(b->quiesce_ack, other.quiesce_seq);
	CHECK_EQ(b->requests, 0);
	CHECK_EQ(b->timer_deadline, UINT64_MAX);
	CHECK_EQ(cpu->saves, 2); /* a for b's slice, then b */
	/* parked once: a request posted afterwards is not thrown away again */
	__atomic_store_n(&b->requests, VCPU_REQ_IPI, __ATOMIC_RELAXED);
	schedule(slice + 20);
	CHECK_EQ(b->requests, VCPU_REQ_IPI);
	CHECK_EQ(b->run_state, VCPU_OFF);
}

/* Parked while blocked: nothing of it may keep the host timer armed */
TEST(a_parked_blocked_vcpu_leaves_no_timer)
{
	struct vcpu *a, *b;

	setup(1, true);
	fixture_vm(&other, "other", 1, NULL, true);
	a = &vm.vcpus[0];
	b = &other.vcpus[0];
	schedule(0);
	schedule(slice);
	b->run_state = VCPU_BLOCKED;
	b->timer_nudge = 900;
	schedule(slice + 1); /* a runs, b is blocked and saved */
	stop(&other);
	CHECK(schedule(slice + 2) == a);
	CHECK_EQ(b->run_state, VCPU_OFF);
	CHECK_EQ(b->timer_nudge, UINT64_MAX);
	CHECK_EQ(cpu->host_timer, UINT64_MAX);
}

/* A reset since it last ran: the vCPU starts again from the reset state */
TEST(vcpus_catch_up_with_a_vm_reset)
{
	static struct sbi_sta_record rec;
	struct vcpu *v0, *v1;

	setup(2, false);
	all_runnable();
	v0 = &vm.vcpus[0];
	v1 = &vm.vcpus[1];
	schedule(0);
	v0->ctx.sepc = 0x80123456;
	v0->ctx.x[5] = 5;
	v0->steal_ticks = 42;
	v0->sta_record = &rec;
	v0->sta_used = true;
	v1->ctx.sepc = 0x80654321;
	vm.generation++;
	CHECK(schedule(10) == v0);
	CHECK_EQ(v0->generation, vm.generation);
	CHECK_EQ(v0->ctx.sepc, FIXTURE_ENTRY);
	CHECK_EQ(v0->ctx.x[11], FIXTURE_DTB);
	CHECK_EQ(v0->ctx.x[5], 0);
	CHECK_EQ(v0->steal_ticks, 0);
	CHECK(v0->sta_record == NULL);
	CHECK(!v0->sta_used);
	CHECK_EQ(v1->run_state, VCPU_OFF); /* only vCPU 0 runs after a reset */
	CHECK_EQ(v1->generation, vm.generation);
	CHECK_EQ(cpu->loads, 2); /* saved before the reset, loaded again after */
}

/* ---- the boot hart's service --------------------------------------------- */

static unsigned int services;

static void count_service(void)
{
	services++;
}

TEST(only_the_boot_hart_runs_keels_console_work)
{
	setup(1, false);
	services = 0;
	sched_boot_hart_service = count_service;
	schedule(0);
	schedule(1);
	CHECK_EQ(services, 2);
	/* a VM on hart 1 */
	fixture_vm(&other, "other", 1, (const unsigned int[]){ 1 }, false);
	fake_on_hart(&harts[1]);
	h = &harts[1];
	CHECK(schedule(2) == &other.vcpus[0]);
	CHECK_EQ(services, 2);
	sched_boot_hart_service = NULL;
}
