/*
 * Tests for src/vcpu/vcpu_request.c: kicking a hart (the work flag, at
 * most one IPI until it looks), posting and taking a vCPU's requests
 * (IPI, HSM start, devices), the remote fence (one queue entry per target
 * hart with every vCPU it names merged, the local part done at once, the
 * wait for every target's acknowledgement, a full queue), the fence
 * itself on a hart (which hfence, for whom, the counts), and parking
 * while waiting.
 *
 * Several harts are simulated on one thread: fake_on_hart() says which
 * one runs, and fake_arch's on_ipi hook lets a hart that gets an IPI
 * drain its queue at once, as it would on its own.
 */
#include <string.h>

#include "core_fixture.h"
#include "fake_arch.h"
#include "fake_keel.h"
#include "fake_pmu_arch.h"
#include "fake_vm.h"
#include "sched/sched.h"
#include "unit.h"
#include "vcpu/vcpu_request.h"
#include "vcpu/vcpu_fence.h"

static struct vm vm, vm1;

static void setup(unsigned int nr, const unsigned int *homes)
{
	fake_keel_reset();
	fake_arch_reset();
	fake_vm_reset();
	fake_pmu_reset();
	fixture_vm(&vm, "vm0", nr, homes, false);
}

static void start_every_fw_counter(struct vcpu *v)
{
	for (unsigned int e = 0; e < SBI_PMU_FW_MAX; e++)
		v->pmu.fw[e].started = true;
}

/* Load u on its home hart, as that hart's scheduler would, then come back here */
static void load_on_its_hart(struct vcpu *u)
{
	struct hart *self = this_hart();

	fake_on_hart(u->hart);
	fake_load(u);
	fake_on_hart(self);
}

/* ---- kicks --------------------------------------------------------------- */

TEST(kicking_this_hart_needs_no_ipi)
{
	setup(1, NULL);
	hart_kick(&harts[0]);
	CHECK_EQ(harts[0].work, 1);
	CHECK_EQ(fake_arch.ipis, 0);
}

TEST(kicking_another_hart_sends_one_ipi_until_it_looks)
{
	setup(1, NULL);
	harts[2].hartid = 7;
	hart_kick(&harts[2]);
	CHECK_EQ(harts[2].work, 1);
	CHECK_EQ(fake_arch.ipis, 1);
	CHECK_EQ(fake_arch.ipi_hartid[0], 7);
	/* it has not looked yet: what comes now is seen with the first */
	hart_kick(&harts[2]);
	CHECK_EQ(fake_arch.ipis, 1);
	/* it looked (the scheduler clears the flag): the next kick is an IPI again */
	harts[2].work = 0;
	hart_kick(&harts[2]);
	CHECK_EQ(fake_arch.ipis, 2);
	CHECK_EQ(harts[0].work, 0);
}

TEST(posting_a_request_sets_its_bit_and_kicks_the_home_hart)
{
	static const unsigned int homes[] = { 0, 1 };

	setup(2, homes);
	vcpu_post_request(&vm.vcpus[1], VCPU_REQ_IPI);
	vcpu_post_request(&vm.vcpus[1], VCPU_REQ_DEVICES);
	CHECK_EQ(vm.vcpus[1].requests, VCPU_REQ_IPI | VCPU_REQ_DEVICES);
	CHECK_EQ(harts[1].work, 1);
	CHECK_EQ(fake_arch.ipis, 1);
	CHECK_EQ(fake_arch.ipi_hartid[0], 1);
	CHECK_EQ(vm.vcpus[0].requests, 0);
	CHECK_EQ(harts[0].work, 0);
}

/* ---- taking requests on the home hart ------------------------------------ */

TEST(an_ipi_request_raises_vssip_and_counts_it_when_started)
{
	struct vcpu *v;

	setup(1, NULL);
	v = &vm.vcpus[0];
	vcpu_send_ipi(v, v);
	vcpu_take_requests(v);
	CHECK_EQ(v->csrs.hvip, MIP_VSSIP); /* not loaded: in its saved state */
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_IPI_RCVD].value, 0);
	CHECK_EQ(v->requests, 0);
	v->pmu.fw[SBI_PMU_FW_IPI_RCVD].started = true;
	v->csrs.hvip = 0; /* the guest took it */
	fake_load(v);
	vcpu_send_ipi(v, v);
	vcpu_take_requests(v);
	CHECK_EQ(fake_cpu_of(&harts[0])->csrs.hvip, MIP_VSSIP); /* loaded: on the hart */
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_IPI_RCVD].value, 1);
	/* taken once: nothing left to count */
	vcpu_take_requests(v);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_IPI_RCVD].value, 1);
}

TEST(a_start_request_starts_a_start_pending_vcpu)
{
	struct vcpu *v1;

	setup(2, NULL);
	v1 = &vm.vcpus[1];
	v1->ctx.x[7] = 77;
	v1->hsm_state = SBI_HSM_STATE_START_PENDING;
	v1->resume_addr = 0x80100000;
	v1->resume_opaque = 0x1234;
	vcpu_post_request(v1, VCPU_REQ_START);
	vcpu_take_requests(v1);
	CHECK_EQ(v1->run_state, VCPU_RUNNABLE);
	CHECK_EQ(v1->ctx.sepc, 0x80100000);
	CHECK_EQ(v1->ctx.x[10], 1);
	CHECK_EQ(v1->ctx.x[11], 0x1234);
	CHECK_EQ(v1->ctx.x[7], 0);
	/* the hart makes it STARTED when it first runs it (sched.c) */
	CHECK_EQ(v1->hsm_state, SBI_HSM_STATE_START_PENDING);
}

/* A start that is no longer pending (stopped meanwhile, or the VM reset) is dropped */
TEST(a_start_request_for_a_vcpu_not_start_pending_does_nothing)
{
	struct vcpu *v1;

	setup(2, NULL);
	v1 = &vm.vcpus[1];
	v1->ctx.sepc = 0x1111;
	v1->resume_addr = 0x80100000;
	vcpu_post_request(v1, VCPU_REQ_START);
	vcpu_take_requests(v1);
	CHECK_EQ(v1->run_state, VCPU_OFF);
	CHECK_EQ(v1->ctx.sepc, 0x1111);
	CHECK_EQ(v1->requests, 0);
}

TEST(device_requests_go_to_the_device_side)
{
	struct vcpu *v;

	setup(1, NULL);
	v = &vm.vcpus[0];
	vcpu_post_request(v, VCPU_REQ_EXT_IRQ);
	vcpu_take_requests(v);
	CHECK_EQ(fake_keel.ext_irq_syncs, 1);
	CHECK_EQ(fake_keel.vdev_services, 0);
	CHECK(fake_keel.vdev_vcpu == v);
	vcpu_post_request(v, VCPU_REQ_DEVICES | VCPU_REQ_CHECK);
	vcpu_take_requests(v);
	CHECK_EQ(fake_keel.vdev_services, 1);
	CHECK_EQ(fake_keel.ext_irq_syncs, 1);
	CHECK_EQ(v->csrs.hvip, 0); /* CHECK alone changes nothing of the vCPU */
	CHECK_EQ(v->run_state, VCPU_RUNNABLE);
}

/* ---- a fence on this hart ------------------------------------------------ */

static struct fake_cpu *cpu0;

/* vCPU 0 of vm loaded on harts[0], this hart */
static void fence_setup(void)
{
	setup(2, NULL);
	fake_load(&vm.vcpus[0]);
	cpu0 = fake_cpu_of(&harts[0]);
}

TEST(remote_sfence_vma_ranges_become_hfences)
{
	static const struct {
		unsigned long start, size;
		unsigned int nr;                   /* hfences */
		enum fake_hfence_kind kind;        /* of the first */
		unsigned long first, last;         /* their addresses, page by page */
	} rows[] = {
		{ 0, 0, 1, FAKE_HFENCE_VVMA_ALL, 0, 0 },          /* the SBI's "everything" */
		{ 0x1000, -1UL, 1, FAKE_HFENCE_VVMA_ALL, 0, 0 },  /* size -1: everything */
		{ 0x5000, 0x1000, 1, FAKE_HFENCE_VVMA_ADDR, 0x5000, 0x5000 },
		{ 0x1ff0, 0x20, 2, FAKE_HFENCE_VVMA_ADDR, 0x1000, 0x2000 }, /* across a page */
		{ 0x10000, 64 * 4096, 64, FAKE_HFENCE_VVMA_ADDR, 0x10000, 0x4f000 },
		{ 0x10000, 65 * 4096, 1, FAKE_HFENCE_VVMA_ALL, 0, 0 }, /* cheaper whole */
		{ -0x1000UL, 0x2000, 1, FAKE_HFENCE_VVMA_ALL, 0, 0 },  /* wraps: whole */
		{ 0x3000, 0, 0, FAKE_HFENCE_VVMA_ALL, 0, 0 },          /* empty: nothing */
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned int before = unit_failures();

		fence_setup();
		vcpu_remote_fence(&vm.vcpus[0], 0x1, FENCE_VMA, rows[i].start, rows[i].size, 0);
		CHECK_EQ(cpu0->nr_hfences, rows[i].nr);
		if (rows[i].nr) {
			CHECK_EQ(cpu0->hfence[0].kind, rows[i].kind);
			CHECK_EQ(cpu0->hfence[0].arg, rows[i].first);
			CHECK_EQ(cpu0->hfence[rows[i].nr - 1].arg, rows[i].last);
		}
		CHECK_EQ(fake_arch.ipis, 0);
		if (unit_failures() != before)
			printf("\t(start 0x%lx size 0x%lx)\n", rows[i].start, rows[i].size);
	}
}

/* hfence.vvma with an ASID: the whole ASID, whatever the range */
TEST(remote_sfence_vma_asid_flushes_the_asid)
{
	fence_setup();
	vcpu_remote_fence(&vm.vcpus[0], 0x1, FENCE_VMA_ASID, 0x5000, 0x1000, 42);
	CHECK_EQ(cpu0->nr_hfences, 1);
	CHECK_EQ(cpu0->hfence[0].kind, FAKE_HFENCE_VVMA_ASID);
	CHECK_EQ(cpu0->hfence[0].arg, 42);
}

/* The instruction cache is the hart's: a fence.i whoever is loaded */
TEST(remote_fence_i_is_the_harts)
{
	fence_setup();
	vcpu_remote_fence(&vm.vcpus[0], 0x2, FENCE_I, 0, 0, 0);
	CHECK_EQ(cpu0->fence_is, 1);
	CHECK_EQ(cpu0->nr_hfences, 0);
}

/* A vCPU that is not loaded needs no hfence: loading it flushes (arch_vcpu_load) */
TEST(remote_sfence_for_a_vcpu_not_loaded_is_only_counted)
{
	fence_setup();
	start_every_fw_counter(&vm.vcpus[1]);
	start_every_fw_counter(&vm.vcpus[0]);
	vcpu_remote_fence(&vm.vcpus[0], 0x2, FENCE_VMA, 0, 0, 0);
	CHECK_EQ(cpu0->nr_hfences, 0);
	CHECK_EQ(vm.vcpus[1].pmu.fw[SBI_PMU_FW_SFENCE_VMA_RCVD].value, 1);
	CHECK_EQ(vm.vcpus[0].pmu.fw[SBI_PMU_FW_SFENCE_VMA_RCVD].value, 0);
	/* vCPU 0 of another VM: its hfence would not be this VM's (VMIDs differ) */
	fixture_vm(&vm1, "vm1", 1, NULL, false);
	vcpu_remote_fence(&vm1.vcpus[0], 0x1, FENCE_VMA, 0, 0, 0);
	CHECK_EQ(cpu0->nr_hfences, 0);
}

TEST(each_fence_kind_counts_its_received_event)
{
	static const struct {
		enum fence_kind kind;
		enum sbi_pmu_fw_event event;
	} rows[] = {
		{ FENCE_I, SBI_PMU_FW_FENCE_I_RCVD },
		{ FENCE_VMA, SBI_PMU_FW_SFENCE_VMA_RCVD },
		{ FENCE_VMA_ASID, SBI_PMU_FW_SFENCE_VMA_ASID_RCVD },
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint64_t total = 0;

		fence_setup();
		start_every_fw_counter(&vm.vcpus[0]);
		start_every_fw_counter(&vm.vcpus[1]);
		vcpu_remote_fence(&vm.vcpus[0], 0x3, rows[i].kind, 0, 0, 1);
		for (unsigned int e = 0; e < SBI_PMU_FW_MAX; e++)
			total += vm.vcpus[0].pmu.fw[e].value + vm.vcpus[1].pmu.fw[e].value;
		CHECK_EQ(vm.vcpus[0].pmu.fw[rows[i].event].value, 1);
		CHECK_EQ(vm.vcpus[1].pmu.fw[rows[i].event].value, 1);
		CHECK_EQ(total, 2);
	}
}

/* ---- fences on other harts ----------------------------------------------- */

/* The target hart drains its queue as soon as its IPI arrives */
static void drain_at_once(struct hart *target)
{
	struct hart *self = this_hart();

	fake_on_hart(target);
	hart_drain_fences(target);
	fake_on_hart(self);
}

/*
 * vCPU 0 on hart 0 fences vCPUs 1-3: 1 and 2 live on hart 1, 3 on hart 2.
 * Each hart gets one entry, its vCPUs merged; each acknowledges.
 */
TEST(remote_fence_sends_one_merged_entry_per_hart)
{
	static const unsigned int homes[] = { 0, 1, 1, 2 };

	setup(4, homes);
	for (unsigned int i = 0; i < 4; i++)
		start_every_fw_counter(&vm.vcpus[i]);
	load_on_its_hart(&vm.vcpus[0]);
	load_on_its_hart(&vm.vcpus[2]);
	load_on_its_hart(&vm.vcpus[3]);
	fake_arch.on_ipi = drain_at_once;
	vcpu_remote_fence(&vm.vcpus[0], 0xe, FENCE_VMA, 0x4000, 0x1000, 0);
	/* one entry each, and one IPI each */
	CHECK_EQ(harts[1].fence_tail, 1);
	CHECK_EQ(harts[2].fence_tail, 1);
	CHECK_EQ(harts[1].fences[0].vcpus, 0x6);
	CHECK_EQ(harts[2].fences[0].vcpus, 0x8);
	CHECK_EQ(harts[0].fence_tail, 0);
	CHECK_EQ(fake_arch.ipis, 2);
	/* done by the time the call returns */
	CHECK_EQ(harts[1].fence_head, 1);
	CHECK_EQ(harts[2].fence_head, 1);
	/* hfence on the harts whose loaded vCPU was named, and only there */
	CHECK_EQ(fake_cpu_of(&harts[0])->nr_hfences, 0);
	CHECK_EQ(fake_cpu_of(&harts[1])->nr_hfences, 1);
	CHECK_EQ(fake_cpu_of(&harts[1])->hfence[0].arg, 0x4000);
	CHECK_EQ(fake_cpu_of(&harts[2])->nr_hfences, 1);
	for (unsigned int i = 1; i < 4; i++)
		CHECK_EQ(vm.vcpus[i].pmu.fw[SBI_PMU_FW_SFENCE_VMA_RCVD].value, 1);
	CHECK_EQ(vm.vcpus[0].pmu.fw[SBI_PMU_FW_SFENCE_VMA_RCVD].value, 0);
}

/* The other harts first, then this hart's own part, then the wait */
TEST(remote_fence_does_its_own_part_too)
{
	static const unsigned int homes[] = { 0, 1 };

	setup(2, homes);
	load_on_its_hart(&vm.vcpus[0]);
	fake_arch.on_ipi = drain_at_once;
	vcpu_remote_fence(&vm.vcpus[0], 0x3, FENCE_I, 0, 0, 0);
	CHECK_EQ(fake_cpu_of(&harts[0])->fence_is, 1);
	CHECK_EQ(fake_cpu_of(&harts[1])->fence_is, 1);
	CHECK_EQ(harts[0].fence_tail, 0); /* its own part is not queued */
}

/*
 * Hart 1's queue is full of other harts' fences. The sender serves its
 * own queue while it waits for room; hart 1 empties its queue while
 * hart 0 serves (here: when hart 0 reaches the fence.i waiting in its own
 * queue), and then takes the new entry last, in order.
 */
static unsigned int older_pending[HART_FENCE_QUEUE_LEN];
static unsigned int served_while_full;

static void hart_1_catches_up(void)
{
	if (harts[1].fence_tail - harts[1].fence_head == HART_FENCE_QUEUE_LEN)
		served_while_full++;
	fake_arch.on_fence_i = NULL;
	drain_at_once(&harts[1]);
}

TEST(a_full_queue_is_waited_for_while_serving_this_harts_own)
{
	static const unsigned int homes[] = { 0, 1 };
	static unsigned int own_pending;
	struct fence_request r;

	setup(2, homes);
	start_every_fw_counter(&vm.vcpus[1]);
	for (unsigned int i = 0; i < HART_FENCE_QUEUE_LEN; i++) {
		older_pending[i] = 1;
		r = (struct fence_request){ FENCE_VMA_ASID, &vm, 0x2, 0, 0, 100 + i, &older_pending[i] };
		harts[1].fences[i] = r;
	}
	harts[1].fence_tail = HART_FENCE_QUEUE_LEN;
	own_pending = 1;
	harts[0].fences[0] = (struct fence_request){ FENCE_I, &vm, 0x1, 0, 0, 0, &own_pending };
	harts[0].fence_tail = 1;
	served_while_full = 0;
	fake_arch.on_fence_i = hart_1_catches_up;
	fake_arch.on_ipi = drain_at_once;
	load_on_its_hart(&vm.vcpus[1]);
	vcpu_remote_fence(&vm.vcpus[0], 0x2, FENCE_VMA_ASID, 0, 0, 7);
	CHECK_EQ(served_while_full, 1);
	CHECK_EQ(own_pending, 0);
	for (unsigned int i = 0; i < HART_FENCE_QUEUE_LEN; i++)
		CHECK_EQ(older_pending[i], 0);
	CHECK_EQ(harts[1].fence_head, HART_FENCE_QUEUE_LEN + 1);
	CHECK_EQ(harts[1].fence_tail, HART_FENCE_QUEUE_LEN + 1);
	/* first in, first out: ASIDs 100..115, then the new one */
	CHECK_EQ(fake_cpu_of(&harts[1])->nr_hfences, HART_FENCE_QUEUE_LEN + 1);
	CHECK_EQ(fake_cpu_of(&harts[1])->hfence[0].arg, 100);
	CHECK_EQ(fake_cpu_of(&harts[1])->hfence[HART_FENCE_QUEUE_LEN - 1].arg,
		 100 + HART_FENCE_QUEUE_LEN - 1);
	CHECK_EQ(fake_cpu_of(&harts[1])->hfence[HART_FENCE_QUEUE_LEN].arg, 7);
	CHECK_EQ(vm.vcpus[1].pmu.fw[SBI_PMU_FW_SFENCE_VMA_ASID_RCVD].value,
		 HART_FENCE_QUEUE_LEN + 1);
}

/* While waiting, a hart parks its vCPUs of a VM that left RUNNING, and acknowledges */
TEST(waiting_parks_the_vcpus_of_a_stopped_vm)
{
	static struct vm running;
	static const unsigned int homes[] = { 0, 0 };

	setup(2, homes);
	fixture_vm(&running, "running", 1, NULL, false);
	vm.vcpus[0].requests = VCPU_REQ_IPI;
	vm.state = VM_STOPPED;
	vm.quiesce_seq = 5;
	running.vcpus[0].requests = VCPU_REQ_IPI;
	hart_serve_while_waiting(&harts[0]);
	for (unsigned int i = 0; i < 2; i++) {
		CHECK_EQ(vm.vcpus[i].quiesce_ack, 5);
		CHECK_EQ(vm.vcpus[i].run_state, VCPU_OFF);
		CHECK_EQ(vm.vcpus[i].requests, 0);
	}
	CHECK_EQ(running.vcpus[0].quiesce_ack, 0);
	CHECK_EQ(running.vcpus[0].run_state, VCPU_RUNNABLE);
	CHECK_EQ(running.vcpus[0].requests, VCPU_REQ_IPI);
}
