/*
 * Tests for the SBI that guests see: src/sbi/sbi_dispatch.c and every
 * extension in src/sbi/, driven end to end through sbi_dispatch() the way
 * the trap path calls it (a7 = EID, a6 = FID, a0..a5 = arguments). The
 * core functions the extensions call are faked in fake_core.c, which
 * records each call; guest RAM is a host array behind the real
 * vm_gpa_to_hva() (src/vm/vm_mem.c). Every vCPU lives on fake_hart, and
 * sbi_dispatch() ends in the real vcpu_schedule() (sched.h): the same
 * context back, or ctx | 2 when the call gave the hart work.
 */
#include <string.h>

#include "arch/riscv/arch.h"
#include "fake_core.h"
#include "sbi/sbi.h"
#include "unit.h"
#include "vcpu/vcpu_fence.h"

#define RAM_BASE VM_RAM_BASE
#define RAM_SIZE 0x10000UL
#define PC 0x80200000UL
#define UNTOUCHED 0x5a5a5a5a5a5a5a5aUL /* a0/a1 before the call */

static struct vm vm;
static uint8_t ram[RAM_SIZE] __attribute__((aligned(8)));
static struct vcpu *v;
static struct vcpu_context *next; /* what sbi_dispatch returned */

/* What sbi_dispatch returns when the hart has work: trap.S then saves
 * s0-s11 and enters the scheduler (sched.h). */
#define SCHEDULED ((struct vcpu_context *)((unsigned long)&v->ctx | 2))

/*
 * A VM with nr vCPUs, all homed on fake_hart; vCPU 0 is running (and
 * calls), the others stopped.
 */
static void setup(unsigned int nr)
{
	memset(&vm, 0, sizeof(vm));
	memset(ram, 0, sizeof(ram));
	fake_reset();
	host = (struct host_features){ .mvendorid = 0x5b7, .marchid = 0x8000000000000007UL,
				       .mimpid = 0x20181004 };
	vm.ram_base = RAM_BASE;
	vm.ram_size = RAM_SIZE;
	vm.ram = ram;
	vm.nr_vcpus = nr;
	vm.state = VM_RUNNING;
	for (unsigned int i = 0; i < nr; i++) {
		vm.vcpus[i].vm = &vm;
		vm.vcpus[i].id = i;
		vm.vcpus[i].hart = &fake_hart;
		vm.vcpus[i].hsm_state = i ? SBI_HSM_STATE_STOPPED : SBI_HSM_STATE_STARTED;
		vm.vcpus[i].run_state = i ? VCPU_OFF : VCPU_RUNNABLE;
	}
	v = &vm.vcpus[0];
	fake_guest_vm = &vm;
}

/* The guest executes ecall with these registers. */
static void ecall6(unsigned long eid, unsigned long fid, unsigned long a0, unsigned long a1,
		   unsigned long a2, unsigned long a3, unsigned long a4, unsigned long a5)
{
	const unsigned long args[6] = { a0, a1, a2, a3, a4, a5 };

	next = fake_ecall(v, PC, eid, fid, args);
}

static void ecall(unsigned long eid, unsigned long fid, unsigned long a0, unsigned long a1,
		  unsigned long a2)
{
	ecall6(eid, fid, a0, a1, a2, UNTOUCHED, UNTOUCHED, UNTOUCHED);
}

/* What the guest sees after the call: a0 = error, a1 = value, pc + 4. */
#define A0 (v->ctx.x[10])
#define A1 (v->ctx.x[11])

static void check_returned(long error, unsigned long value, int line)
{
	unsigned int before = unit_failures();

	CHECK_EQ(A0, (unsigned long)error);
	CHECK_EQ(A1, value);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK(next == &v->ctx);	/* back to the same guest: no work for the hart */
	if (unit_failures() != before)
		printf("\t(checked at line %d)\n", line);
}
#define CHECK_RETURNED(error, value) check_returned((error), (value), __LINE__)

/* ---- sbi_hart_mask_to_vcpus ---------------------------------------------- */

TEST(hart_mask_base_minus_1_means_all)
{
	unsigned long bm = 0xdead;

	CHECK_EQ(sbi_hart_mask_to_vcpus(0, -1UL, 1, &bm), SBI_SUCCESS);
	CHECK_EQ(bm, 0x1);
	CHECK_EQ(sbi_hart_mask_to_vcpus(0x1234, -1UL, 8, &bm), SBI_SUCCESS);	/* mask ignored */
	CHECK_EQ(bm, 0xff);
	CHECK_EQ(sbi_hart_mask_to_vcpus(~0UL, -1UL, 64, &bm), SBI_SUCCESS);
	CHECK_EQ(bm, ~0UL);
	CHECK_EQ(sbi_hart_mask_to_vcpus(~0UL, -1UL, 0, &bm), SBI_SUCCESS);
	CHECK_EQ(bm, 0);
}

TEST(hart_mask_selects_harts_from_base)
{
	unsigned long bm = 0xdead;

	CHECK_EQ(sbi_hart_mask_to_vcpus(0x5, 0, 3, &bm), SBI_SUCCESS);
	CHECK_EQ(bm, 0x5);
	CHECK_EQ(sbi_hart_mask_to_vcpus(0x1, 2, 3, &bm), SBI_SUCCESS);
	CHECK_EQ(bm, 0x4);
	CHECK_EQ(sbi_hart_mask_to_vcpus(0x3, 6, 8, &bm), SBI_SUCCESS);
	CHECK_EQ(bm, 0xc0);
	CHECK_EQ(sbi_hart_mask_to_vcpus(0xff, 0, 8, &bm), SBI_SUCCESS);
	CHECK_EQ(bm, 0xff);
}

TEST(hart_mask_naming_a_missing_hart_is_invalid)
{
	unsigned long bm;

	CHECK_EQ(sbi_hart_mask_to_vcpus(0x8, 0, 3, &bm), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(sbi_hart_mask_to_vcpus(0x1, 3, 3, &bm), SBI_ERR_INVALID_PARAM);	/* base = nr */
	CHECK_EQ(sbi_hart_mask_to_vcpus(0x3, 7, 8, &bm), SBI_ERR_INVALID_PARAM);	/* 7 ok, 8 not */
	CHECK_EQ(sbi_hart_mask_to_vcpus(1UL << 63, 0, 8, &bm), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(sbi_hart_mask_to_vcpus(0x1, 1UL << 40, 8, &bm), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(sbi_hart_mask_to_vcpus(0x1, 0, 0, &bm), SBI_ERR_INVALID_PARAM);
}

TEST(hart_mask_base_plus_bit_overflow_is_invalid)
{
	unsigned long bm;

	/* base -2 + bit 2 wraps to hart 0: must not be taken as hart 0 */
	CHECK_EQ(sbi_hart_mask_to_vcpus(0x4, -2UL, 8, &bm), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(sbi_hart_mask_to_vcpus(1UL << 63, 1UL << 63, 8, &bm), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(sbi_hart_mask_to_vcpus(0x1, -2UL, 8, &bm), SBI_ERR_INVALID_PARAM);
}

TEST(hart_mask_zero_is_an_empty_success)
{
	unsigned long bm = 0xdead;

	CHECK_EQ(sbi_hart_mask_to_vcpus(0, 0, 4, &bm), SBI_SUCCESS);
	CHECK_EQ(bm, 0);
	bm = 0xdead;
	CHECK_EQ(sbi_hart_mask_to_vcpus(0, 1000, 4, &bm), SBI_SUCCESS);
	CHECK_EQ(bm, 0);
}

/* ---- the dispatcher ------------------------------------------------------ */

TEST(find_extension_by_eid)
{
	CHECK(sbi_find_extension(SBI_EXT_BASE) == &sbi_ext_base);
	CHECK(sbi_find_extension(SBI_EXT_TIME) == &sbi_ext_time);
	CHECK(sbi_find_extension(SBI_EXT_IPI) == &sbi_ext_ipi);
	CHECK(sbi_find_extension(SBI_EXT_RFENCE) == &sbi_ext_rfence);
	CHECK(sbi_find_extension(SBI_EXT_HSM) == &sbi_ext_hsm);
	CHECK(sbi_find_extension(SBI_EXT_SRST) == &sbi_ext_srst);
	CHECK(sbi_find_extension(SBI_EXT_DBCN) == &sbi_ext_dbcn);
	CHECK(sbi_find_extension(SBI_EXT_KEEL) == &sbi_ext_keel);
	for (unsigned long eid = 0; eid <= 8; eid++)
		CHECK(sbi_find_extension(eid) == &sbi_ext_legacy);
	CHECK(sbi_find_extension(9) == NULL);
	CHECK(sbi_find_extension(SBI_EXT_PMU) == &sbi_ext_pmu);
	CHECK(sbi_find_extension(SBI_EXT_SUSP) == &sbi_ext_susp);
	CHECK(sbi_find_extension(SBI_EXT_STA) == &sbi_ext_sta);
	CHECK(sbi_find_extension(SBI_EXT_FWFT) == &sbi_ext_fwft);
	CHECK(sbi_find_extension(-1UL) == NULL);
}

TEST(unknown_eid_is_not_supported)
{
	static const unsigned long eids[] = {
		9, 0xf, 0x11, SBI_EXT_CPPC,
		SBI_EXT_FIRMWARE_START, SBI_EXT_FIRMWARE_END, SBI_EXT_KEEL + 1,
		SBI_EXT_TIME + 1, -1UL,
	};

	for (unsigned int i = 0; i < sizeof(eids) / sizeof(eids[0]); i++) {
		setup(1);
		ecall(eids[i], 0, 1, UNTOUCHED, 0);
		CHECK_RETURNED(SBI_ERR_NOT_SUPPORTED, 0);
		CHECK_EQ(fake.console_len + fake.stops + fake.reboots + fake.set_timer_calls, 0);
	}
}

/* Exit statistics: each call in its extension's slot, unknown EIDs in theirs. */
TEST(every_call_is_counted_by_extension)
{
	setup(1);
	ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0);
	ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0);
	ecall(0x1234, 0, 0, 0, 0);
	ecall(SBI_EXT_0_1_CONSOLE_PUTCHAR, 0, 'x', 0, 0);
	CHECK_EQ(v->exit_count[EXIT_SLOT_SBI(SBI_STAT_BASE)], 2);
	CHECK_EQ(v->exit_count[EXIT_SLOT_SBI(SBI_STAT_UNKNOWN)], 1);
	CHECK_EQ(v->exit_count[EXIT_SLOT_SBI(SBI_STAT_LEGACY)], 1);
	CHECK_EQ(v->exit_count[EXIT_SLOT_SBI(SBI_STAT_TIME)], 0);
}

TEST(exit_slot_names)
{
	CHECK(!strcmp(sbi_stat_slot_name(SBI_STAT_TIME), "TIME"));
	CHECK(!strcmp(sbi_stat_slot_name(SBI_STAT_FWFT), "FWFT"));
	CHECK(!strcmp(sbi_stat_slot_name(SBI_STAT_LEGACY), "legacy"));
	CHECK(!strcmp(sbi_stat_slot_name(SBI_STAT_UNKNOWN), "unknown"));
	CHECK(!strcmp(sbi_stat_slot_name(99), "unknown"));
	/* and the profiler is told each one at boot, the same names */
	sbi_name_exit_slots();
	CHECK(!strcmp(fake_exit_slot_names[SBI_STAT_TIME], "TIME"));
	CHECK(!strcmp(fake_exit_slot_names[SBI_STAT_FWFT], "FWFT"));
	CHECK(!strcmp(fake_exit_slot_names[SBI_STAT_LEGACY], "legacy"));
}

/* SBI KEEL: the profiler's controls reach it, and bad flags are refused. */
TEST(keel_profiler_calls_need_profiler_control)
{
	setup(1);
	for (unsigned long fid = SBI_EXT_KEEL_PROF_START; fid <= SBI_EXT_KEEL_PROF_DUMP; fid++) {
		ecall(SBI_EXT_KEEL, fid, 1000, 0, 0);
		CHECK_EQ(A0, (unsigned long)SBI_ERR_DENIED);
	}
	CHECK_EQ(fake.prof_starts, 0);
	CHECK_EQ(fake.prof_dumps, 0);
}

TEST(keel_profiler_calls)
{
	setup(1);
	vm.profiler_control = true;
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_START, 5000, SBI_KEEL_PROF_CALLCHAIN, 0);
	CHECK_EQ(A0, 0);
	CHECK_EQ(fake.prof_hz, 5000);
	CHECK(fake.prof_callchain);
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_MARK, 42, 0, 0);
	CHECK_EQ(A0, 0);
	CHECK_EQ(fake.prof_mark_value, 42);
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_STOP, 0, 0, 0);
	CHECK_EQ(A0, 0);
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_STOP, 0, 0, 0);
	CHECK_EQ(A0, (unsigned long)SBI_ERR_ALREADY_STOPPED);
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_START, 0, 2, 0);
	CHECK_EQ(A0, (unsigned long)SBI_ERR_INVALID_PARAM);
	CHECK_EQ(fake.prof_starts, 1);
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_PROF_DUMP, 0, 0, 0);
	CHECK_EQ(A0, 0);
	CHECK_EQ(fake.prof_dumps, 1);
}

TEST(trace_line_when_the_vcpu_traces)
{
	setup(1);
	ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0);
	CHECK_EQ(fake.traces, 0);	/* tracing off: no line */
	v->trace = true;
	ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0);
	CHECK_EQ(fake.traces, 1);
	CHECK(!strcmp(fake.trace_line, "SBI BASE eid 0x10 fid 0 -> error 0 value 0x2000000"));
	ecall(0x1234, 7, 0, 0, 0);
	CHECK_EQ(fake.traces, 2);
	CHECK(!strcmp(fake.trace_line, "SBI (none) eid 0x1234 fid 7 -> error -2 value 0x0"));
	CHECK_RETURNED(SBI_ERR_NOT_SUPPORTED, 0);	/* tracing changes nothing */
}

TEST(every_extension_refuses_an_unknown_fid)
{
	static const struct {
		unsigned long eid, fid;
	} calls[] = {
		{ SBI_EXT_BASE, 7 },
		{ SBI_EXT_BASE, -1UL },
		{ SBI_EXT_TIME, 1 },
		{ SBI_EXT_IPI, 1 },
		{ SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA_VMID },
		{ SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_HFENCE_GVMA },
		{ SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA_ASID },
		{ SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_HFENCE_VVMA },
		{ SBI_EXT_RFENCE, 7 },
		{ SBI_EXT_HSM, 4 },
		{ SBI_EXT_SRST, 1 },
		{ SBI_EXT_DBCN, 3 },
		{ SBI_EXT_KEEL, 6 },
		{ SBI_EXT_PMU, 9 },
	};

	for (unsigned int i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		unsigned int before = unit_failures();

		setup(2);
		/* arguments that would be valid for fid 0 */
		ecall6(calls[i].eid, calls[i].fid, 1, 0, RAM_BASE, 0, 0, 0);
		CHECK_RETURNED(SBI_ERR_NOT_SUPPORTED, 0);
		CHECK_EQ(fake.ipis + fake.fences + fake.set_timer_calls + fake.console_len, 0);
		CHECK_EQ(fake.stops + fake.reboots + fake.requests + fake.kicks, 0);
		if (unit_failures() != before)
			printf("\t(eid 0x%lx fid %lu)\n", calls[i].eid, calls[i].fid);
	}
}

TEST(last_extension_cache_follows_the_eid)
{
	setup(1);
	ecall(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, 5, 0, 0);
	CHECK(v->sbi_last == &sbi_ext_time);
	/* a different extension right after: not served by the cached one */
	ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0);
	CHECK_RETURNED(0, 0x02000000);
	CHECK(v->sbi_last == &sbi_ext_base);
	/* an unknown EID clears it, and the next call still works */
	ecall(0x1234, 0, 0, 0, 0);
	CHECK_RETURNED(SBI_ERR_NOT_SUPPORTED, 0);
	CHECK(v->sbi_last == NULL);
	ecall(SBI_EXT_0_1_CONSOLE_PUTCHAR, 0, 'a', 0, 0);
	ecall(SBI_EXT_0_1_CONSOLE_GETCHAR, 0, 0, 0, 0);	/* same range, cached */
	CHECK(v->sbi_last == &sbi_ext_legacy);
	CHECK_EQ(A0, -1UL);
	ecall(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, 6, 0, 0);
	CHECK_EQ(fake.set_timer_calls, 2);
	CHECK_EQ(fake.timer_deadline, 6);
	CHECK_EQ(fake.console_len, 1);
}

TEST(stale_cache_from_another_vcpu_state_is_not_trusted)
{
	setup(1);
	v->sbi_last = &sbi_ext_srst;	/* whatever was called last */
	ecall(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, 7, 0, 0);
	CHECK_RETURNED(0, 0);
	CHECK_EQ(fake.set_timer_calls, 1);
	CHECK_EQ(fake.stops + fake.reboots, 0);
}

/* ---- BASE ---------------------------------------------------------------- */

TEST(base_versions_and_ids)
{
	setup(1);
	ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0);
	CHECK_RETURNED(0, 0x02000000);
	ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0);
	CHECK_RETURNED(0, SBI_IMPL_ID_KEEL);
	ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_VERSION, 0, 0, 0);
	CHECK_RETURNED(0, (KEEL_VERSION_MAJOR << 16) | KEEL_VERSION_MINOR);
}

TEST(base_machine_ids_are_the_hosts)
{
	setup(1);
	ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_MVENDORID, 0, 0, 0);
	CHECK_RETURNED(0, 0x5b7);
	ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_MARCHID, 0, 0, 0);
	CHECK_RETURNED(0, 0x8000000000000007UL);
	ecall(SBI_EXT_BASE, SBI_EXT_BASE_GET_MIMPID, 0, 0, 0);
	CHECK_RETURNED(0, 0x20181004);
}

TEST(base_probe_present_extensions)
{
	static const unsigned long present[] = {
		SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM,
		SBI_EXT_SRST, SBI_EXT_DBCN, SBI_EXT_PMU, SBI_EXT_KEEL, SBI_EXT_SUSP, SBI_EXT_STA,
		SBI_EXT_FWFT,
		SBI_EXT_0_1_SET_TIMER,
		SBI_EXT_0_1_SHUTDOWN,
		SBI_EXT_0_1_CONSOLE_PUTCHAR,
	};

	setup(1);
	for (unsigned int i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
		ecall(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, present[i], 0, 0);
		CHECK_RETURNED(0, 1);
	}
}

TEST(base_probe_absent_extensions)
{
	static const unsigned long absent[] = {
		SBI_EXT_CPPC, 9, 0x11, SBI_EXT_FIRMWARE_START,
		SBI_EXT_KEEL - 1, SBI_EXT_KEEL + 1, -1UL,
	};

	setup(1);
	for (unsigned int i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		ecall(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, absent[i], 0, 0);
		CHECK_RETURNED(0, 0);	/* 0, not an error */
	}
}

/* ---- TIME ---------------------------------------------------------------- */

TEST(time_set_timer)
{
	setup(1);
	ecall(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, 0x123456789aUL, 0, 0);
	CHECK_RETURNED(0, 0);
	CHECK_EQ(fake.set_timer_calls, 1);
	CHECK_EQ(fake.timer_deadline, 0x123456789aUL);
	ecall(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL, 0, 0);	/* "no timer" */
	CHECK_EQ(fake.timer_deadline, UINT64_MAX);
}

TEST(time_set_timer_counts_only_when_started)
{
	setup(1);
	ecall(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, 1, 0, 0);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_SET_TIMER].value, 0);
	v->pmu.fw[SBI_PMU_FW_SET_TIMER].started = true;
	ecall(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, 2, 0, 0);
	ecall(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, 3, 0, 0);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_SET_TIMER].value, 2);
	ecall(SBI_EXT_TIME, 1, 3, 0, 0);	/* refused calls are not counted */
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_SET_TIMER].value, 2);
	v->pmu.fw[SBI_PMU_FW_SET_TIMER].started = false;
	ecall(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, 4, 0, 0);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_SET_TIMER].value, 2);
}

/* ---- SRST ---------------------------------------------------------------- */

TEST(srst_invalid_type_or_reason)
{
	static const unsigned long bad[][2] = {
		{ 3, 0 },                       /* reserved type */
		{ 0xEFFFFFFFUL, 0 },
		{ 0xF0000000UL, 0 },            /* vendor type: not implemented */
		{ 0xFFFFFFFFUL, 0 },
		{ (1UL << 32) | 3, 0 },         /* the type is the low 32 bits */
		{ 0, 2 },                       /* reserved reason */
		{ 1, 0xEFFFFFFFUL },
		{ 0, (1UL << 32) | 2 },         /* the reason is the low 32 bits */
		{ -1UL, -1UL },
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned int before = unit_failures();

		setup(1);
		ecall(SBI_EXT_SRST, SBI_EXT_SRST_RESET, bad[i][0], bad[i][1], 0);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
		CHECK_EQ(fake.stops, 0);
		CHECK_EQ(fake.reboots, 0);
		if (unit_failures() != before)
			printf("\t(type 0x%lx reason 0x%lx)\n", bad[i][0], bad[i][1]);
	}
}

/* Call SRST with a0/a1 = type/reason and then check nothing was returned. */
static void srst(unsigned long type, unsigned long reason)
{
	v->ctx.x[17] = SBI_EXT_SRST;
	v->ctx.x[16] = SBI_EXT_SRST_RESET;
	v->ctx.x[10] = type;
	v->ctx.x[11] = reason;
	v->ctx.x[12] = UNTOUCHED;
	v->ctx.sepc = PC;
	next = sbi_dispatch(&v->ctx);
	/* a0/a1 keep the arguments, the pc stays on the ecall */
	CHECK_EQ(A0, type);
	CHECK_EQ(A1, reason);
	CHECK_EQ(v->ctx.sepc, PC);
}

TEST(srst_shutdown_stops_the_vm)
{
	setup(1);
	srst(SBI_SRST_RESET_TYPE_SHUTDOWN, SBI_SRST_RESET_REASON_NONE);
	CHECK_EQ(fake.stops, 1);
	CHECK(fake.stopped_vm == &vm);
	CHECK_EQ(fake.stop_reason, VM_STOP_SHUTDOWN);
	CHECK_STR(fake.stop_msg, "the guest shut down");
	CHECK_EQ(fake.reboots, 0);
	/* the stop gave the hart work: the exit ends in the scheduler, not the guest */
	CHECK(next == SCHEDULED);
}

TEST(srst_shutdown_with_system_failure)
{
	setup(1);
	srst(SBI_SRST_RESET_TYPE_SHUTDOWN, SBI_SRST_RESET_REASON_SYSFAIL);
	CHECK_EQ(fake.stops, 1);
	CHECK_EQ(fake.stop_reason, VM_STOP_FAILURE);
	CHECK_STR(fake.stop_msg, "the guest shut down reporting a system failure");
	CHECK_EQ(fake.reboots, 0);
}

TEST(srst_shutdown_with_a_vendor_reason)
{
	setup(1);
	srst(SBI_SRST_RESET_TYPE_SHUTDOWN, 0xF0000000UL);
	CHECK_EQ(fake.stops, 1);
	CHECK_EQ(fake.stop_reason, VM_STOP_SHUTDOWN);
	setup(1);
	srst(SBI_SRST_RESET_TYPE_SHUTDOWN, 0xFFFFFFFFUL);
	CHECK_EQ(fake.stops, 1);
}

/* reset_type and reset_reason are uint32_t: the upper halves are ignored */
TEST(srst_ignores_the_upper_halves)
{
	setup(1);
	srst(0xFFFFFFFF00000000UL | SBI_SRST_RESET_TYPE_SHUTDOWN,
	     0xFFFFFFFF00000000UL | SBI_SRST_RESET_REASON_SYSFAIL);
	CHECK_EQ(fake.stops, 1);
	CHECK_EQ(fake.stop_reason, VM_STOP_FAILURE);
	setup(1);
	srst((1UL << 32) | SBI_SRST_RESET_TYPE_COLD_REBOOT, 0xFFFFFFFFF0000000UL);
	CHECK_EQ(fake.reboots, 1);
	CHECK_EQ(fake.stops, 0);
}

TEST(srst_cold_and_warm_reboot_reset_the_vm)
{
	setup(1);
	srst(SBI_SRST_RESET_TYPE_COLD_REBOOT, SBI_SRST_RESET_REASON_NONE);
	CHECK_EQ(fake.reboots, 1);
	CHECK(fake.rebooted_vm == &vm);
	CHECK_EQ(fake.stops, 0);
	/* the reboot gave the hart work: the scheduler resets this vCPU there */
	CHECK(next == SCHEDULED);
	setup(1);
	srst(SBI_SRST_RESET_TYPE_WARM_REBOOT, SBI_SRST_RESET_REASON_SYSFAIL);
	CHECK_EQ(fake.reboots, 1);
	CHECK_EQ(fake.stops, 0);
}

/*
 * A reboot a stop or another reboot overtook (vm_reboot() refused it): the
 * vCPU still does not return from the call, its hart has work, and Keel
 * says why the reboot did not start
 */
TEST(srst_reboot_overtaken_says_so_and_does_not_return)
{
	static const struct {
		int result;
		const char *why;
	} rows[] = {
		{ VM_RESTART_BUSY, "the VM is restarting already" },
		{ VM_RESTART_WRONG_STATE, "the VM was stopped meanwhile" },
	};

	static const struct vm_config cfg = { .name = "vm0" };

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char want[128];

		setup(1);
		vm.cfg = &cfg;
		fake.reboot_result = rows[i].result;
		fake_kprintf_line[0] = 0;
		srst(SBI_SRST_RESET_TYPE_COLD_REBOOT, SBI_SRST_RESET_REASON_NONE);
		CHECK_EQ(fake.reboots, 1);
		CHECK(next == SCHEDULED);
		CHECK_EQ(v->ctx.sepc, PC);
		snprintf(want, sizeof(want), "[keel] VM 'vm0': vCPU 0's SBI reboot not started: %s\n",
			 rows[i].why);
		CHECK_STR(fake_kprintf_line, want);
	}
}

TEST(legacy_shutdown_stops_the_vm_without_returning)
{
	setup(1);
	ecall(SBI_EXT_0_1_SHUTDOWN, 0, UNTOUCHED, UNTOUCHED, 0);
	CHECK_EQ(fake.stops, 1);
	CHECK(fake.stopped_vm == &vm);
	CHECK_EQ(fake.stop_reason, VM_STOP_SHUTDOWN);
	CHECK_EQ(A0, UNTOUCHED);
	CHECK_EQ(A1, UNTOUCHED);
	CHECK_EQ(v->ctx.sepc, PC);
	CHECK(next == SCHEDULED);
}

/* ---- DBCN ---------------------------------------------------------------- */

TEST(dbcn_write_sends_the_bytes)
{
	setup(1);
	memcpy(ram + 0x1000, "hello, world", 12);
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 12, RAM_BASE + 0x1000, 0);
	CHECK_RETURNED(0, 12);
	CHECK_EQ(fake.console_len, 12);
	CHECK(!memcmp(fake.console_out, "hello, world", 12));
}

TEST(dbcn_write_up_to_the_last_byte_of_ram)
{
	setup(1);
	memcpy(ram + RAM_SIZE - 3, "end", 3);
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 3, RAM_BASE + RAM_SIZE - 3, 0);
	CHECK_RETURNED(0, 3);
	CHECK(!memcmp(fake.console_out, "end", 3));
}

TEST(dbcn_write_of_zero_bytes)
{
	setup(1);
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 0, RAM_BASE, 0);
	CHECK_RETURNED(0, 0);
	CHECK_EQ(fake.console_len, 0);
}

/*
 * A write longer than SBI_DBCN_CHUNK is partial: the count comes back and
 * the guest calls again (issue 12: one call must not hold the hart long).
 */
TEST(dbcn_write_takes_one_chunk_of_a_long_buffer)
{
	setup(1);
	memset(ram + 0x1000, 'x', 100);
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 100, RAM_BASE + 0x1000, 0);
	CHECK_RETURNED(0, SBI_DBCN_CHUNK);
	CHECK_EQ(fake.console_len, SBI_DBCN_CHUNK);
	CHECK_EQ(v->ctx.sepc, PC + 4);
}

TEST(dbcn_write_of_all_ram_is_one_chunk_too)
{
	setup(1);
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, RAM_SIZE, RAM_BASE, 0);
	CHECK_RETURNED(0, SBI_DBCN_CHUNK);
	CHECK_EQ(fake.console_len, SBI_DBCN_CHUNK);
}

TEST(dbcn_write_ends_after_the_first_newline)
{
	setup(1);
	memcpy(ram + 0x1000, "one\ntwo\n", 8);
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 8, RAM_BASE + 0x1000, 0);
	CHECK_RETURNED(0, 4);
	CHECK(!memcmp(fake.console_out, "one\n", 4));
	/* the guest goes on from where the count says */
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, 4, RAM_BASE + 0x1004, 0);
	CHECK_RETURNED(0, 4);
	CHECK_EQ(fake.console_len, 8);
	CHECK(!memcmp(fake.console_out, "one\ntwo\n", 8));
}

TEST(dbcn_write_of_a_newline_past_the_chunk_takes_the_chunk)
{
	setup(1);
	memset(ram + 0x1000, 'x', SBI_DBCN_CHUNK);
	ram[0x1000 + SBI_DBCN_CHUNK] = '\n';
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, SBI_DBCN_CHUNK + 1, RAM_BASE + 0x1000, 0);
	CHECK_RETURNED(0, SBI_DBCN_CHUNK);
}

TEST(dbcn_write_outside_ram_is_invalid)
{
	static const unsigned long bad[][3] = {
		/* len, lo, hi */
		{ 4, RAM_BASE - 4, 0 },                 /* below */
		{ 4, RAM_BASE - 2, 0 },                 /* straddles the base */
		{ 3, RAM_BASE + RAM_SIZE - 2, 0 },      /* straddles the end */
		{ 1, RAM_BASE + RAM_SIZE, 0 },          /* just past */
		{ 4, 0x10000000, 0 },                   /* the UART */
		{ 4, RAM_BASE, 1 },                     /* base_hi set */
		{ 4, RAM_BASE, -1UL },
		{ -1UL, RAM_BASE, 0 },                  /* huge length */
		{ 2, -1UL, 0 },                         /* wraps */
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned int before = unit_failures();

		setup(1);
		ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE, bad[i][0], bad[i][1], bad[i][2]);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
		CHECK_EQ(fake.console_len, 0);
		if (unit_failures() != before)
			printf("\t(len 0x%lx lo 0x%lx hi 0x%lx)\n", bad[i][0], bad[i][1], bad[i][2]);
	}
}

TEST(dbcn_read_takes_what_is_waiting)
{
	setup(1);
	fake.console_in = "abc";
	memset(ram + 0x2000, '.', 8);
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, 8, RAM_BASE + 0x2000, 0);
	CHECK_RETURNED(0, 3);
	CHECK(!memcmp(ram + 0x2000, "abc.....", 8));
	/* nothing left: 0 bytes, success */
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, 8, RAM_BASE + 0x2000, 0);
	CHECK_RETURNED(0, 0);
}

TEST(dbcn_read_stops_at_the_buffer_length)
{
	setup(1);
	fake.console_in = "abcdef";
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, 2, RAM_BASE + RAM_SIZE - 2, 0);
	CHECK_RETURNED(0, 2);
	CHECK(!memcmp(ram + RAM_SIZE - 2, "ab", 2));
	CHECK_EQ(fake.getc_calls, 2);
	CHECK(!strcmp(fake.console_in, "cdef"));	/* the rest still waits */
}

TEST(dbcn_read_takes_one_chunk_at_most)
{
	setup(1);
	fake.console_in = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ";
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, 64, RAM_BASE + 0x2000, 0);
	CHECK_RETURNED(0, SBI_DBCN_CHUNK);
	CHECK(!memcmp(ram + 0x2000, "0123456789abcdefghijklmnopqrstuv", SBI_DBCN_CHUNK));
	CHECK_EQ(ram[0x2000 + SBI_DBCN_CHUNK], 0);	/* nothing past the chunk */
	CHECK(!strcmp(fake.console_in, "wxyzABCDEFGHIJ"));	/* the rest still waits */
}

TEST(dbcn_read_outside_ram_is_invalid)
{
	setup(1);
	fake.console_in = "abc";
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, 4, RAM_BASE + RAM_SIZE - 2, 0);
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_READ, 4, RAM_BASE, 1);
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
	CHECK_EQ(fake.getc_calls, 0);	/* no input consumed */
}

TEST(dbcn_write_byte)
{
	setup(1);
	ecall(SBI_EXT_DBCN, SBI_EXT_DBCN_CONSOLE_WRITE_BYTE, 0x141, 0, 0);	/* low byte only */
	CHECK_RETURNED(0, 0);
	CHECK_EQ(fake.console_len, 1);
	CHECK_EQ(fake.console_out[0], 'A');
}

/* ---- legacy v0.1 --------------------------------------------------------- */

TEST(legacy_putchar_writes_a0_only)
{
	setup(1);
	ecall(SBI_EXT_0_1_CONSOLE_PUTCHAR, 0, 'x', UNTOUCHED, 0);
	CHECK_EQ(A0, 0);
	CHECK_EQ(A1, UNTOUCHED);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK_EQ(fake.console_len, 1);
	CHECK_EQ(fake.console_out[0], 'x');
}

TEST(legacy_getchar_returns_the_byte_or_minus_1)
{
	setup(1);
	fake.console_in = "\xff" "q";
	ecall(SBI_EXT_0_1_CONSOLE_GETCHAR, 0, 0, UNTOUCHED, 0);
	CHECK_EQ(A0, 0xff);	/* a byte, not -1 */
	CHECK_EQ(A1, UNTOUCHED);
	ecall(SBI_EXT_0_1_CONSOLE_GETCHAR, 0, 0, UNTOUCHED, 0);
	CHECK_EQ(A0, 'q');
	ecall(SBI_EXT_0_1_CONSOLE_GETCHAR, 0, 0, UNTOUCHED, 0);
	CHECK_EQ(A0, -1UL);
	CHECK_EQ(A1, UNTOUCHED);
	CHECK_EQ(v->ctx.sepc, PC + 4);
}

TEST(legacy_set_timer)
{
	setup(1);
	v->pmu.fw[SBI_PMU_FW_SET_TIMER].started = true;
	ecall(SBI_EXT_0_1_SET_TIMER, 0, 0xabcdef, UNTOUCHED, 0);
	CHECK_EQ(A0, 0);
	CHECK_EQ(A1, UNTOUCHED);
	CHECK_EQ(fake.set_timer_calls, 1);
	CHECK_EQ(fake.timer_deadline, 0xabcdef);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_SET_TIMER].value, 1);
}

TEST(legacy_clear_ipi)
{
	setup(1);
	ecall(SBI_EXT_0_1_CLEAR_IPI, 0, 0, UNTOUCHED, 0);
	CHECK_EQ(A0, 0);
	CHECK_EQ(A1, UNTOUCHED);
	CHECK_EQ(fake.clear_irq_calls, 1);
	CHECK_EQ(fake.cleared_irq, IRQ_VS_SOFT);
}

TEST(legacy_send_ipi_with_a_mask_in_guest_memory)
{
	unsigned long mask = 0x6;

	setup(3);
	memcpy(ram + 0x100, &mask, sizeof(mask));
	ecall(SBI_EXT_0_1_SEND_IPI, 0, RAM_BASE + 0x100, UNTOUCHED, 0);
	CHECK_EQ(A0, 0);
	CHECK_EQ(A1, UNTOUCHED);
	CHECK_EQ(fake.ipis, 2);
	CHECK(fake.ipi_from[0] == v && fake.ipi_to[0] == &vm.vcpus[1]);
	CHECK(fake.ipi_from[1] == v && fake.ipi_to[1] == &vm.vcpus[2]);
}

TEST(legacy_send_ipi_null_mask_means_all)
{
	setup(3);
	ecall(SBI_EXT_0_1_SEND_IPI, 0, 0, UNTOUCHED, 0);
	CHECK_EQ(A0, 0);
	CHECK_EQ(fake.ipis, 3);
	CHECK(fake.ipi_to[0] == &vm.vcpus[0]);
	CHECK(fake.ipi_to[2] == &vm.vcpus[2]);
}

TEST(legacy_send_ipi_bad_mask_pointer)
{
	unsigned long mask = 0x8;	/* hart 3 of 3 */

	setup(3);
	ecall(SBI_EXT_0_1_SEND_IPI, 0, RAM_BASE + 0x101, UNTOUCHED, 0);	/* misaligned */
	CHECK_EQ(A0, (unsigned long)SBI_ERR_INVALID_ADDRESS);
	ecall(SBI_EXT_0_1_SEND_IPI, 0, RAM_BASE + RAM_SIZE, UNTOUCHED, 0);	/* past RAM */
	CHECK_EQ(A0, (unsigned long)SBI_ERR_INVALID_ADDRESS);
	ecall(SBI_EXT_0_1_SEND_IPI, 0, RAM_BASE - 8, UNTOUCHED, 0);	/* below RAM */
	CHECK_EQ(A0, (unsigned long)SBI_ERR_INVALID_ADDRESS);
	memcpy(ram + 0x100, &mask, sizeof(mask));
	ecall(SBI_EXT_0_1_SEND_IPI, 0, RAM_BASE + 0x100, UNTOUCHED, 0);
	CHECK_EQ(A0, (unsigned long)SBI_ERR_INVALID_PARAM);
	CHECK_EQ(A1, UNTOUCHED);
	CHECK_EQ(fake.ipis, 0);
}

TEST(legacy_remote_fences)
{
	unsigned long mask = 0x2;

	setup(2);
	memcpy(ram + 0x100, &mask, sizeof(mask));
	v->pmu.fw[SBI_PMU_FW_FENCE_I_SENT].started = true;
	v->pmu.fw[SBI_PMU_FW_SFENCE_VMA_SENT].started = true;
	v->pmu.fw[SBI_PMU_FW_SFENCE_VMA_ASID_SENT].started = true;
	ecall6(SBI_EXT_0_1_REMOTE_FENCE_I, 0, RAM_BASE + 0x100, UNTOUCHED, 0, 0, 0, 0);
	ecall6(SBI_EXT_0_1_REMOTE_SFENCE_VMA, 0, RAM_BASE + 0x100, 0x1000, 0x2000, 0, 0, 0);
	ecall6(SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID, 0, 0, 0x3000, 0x4000, 7, 0, 0);	/* NULL: all */
	CHECK_EQ(A0, 0);
	CHECK(next == &v->ctx);
	CHECK_EQ(fake.fences, 3);	/* one call per SBI call, with the whole bitmap */
	for (unsigned int i = 0; i < 3; i++)
		CHECK(fake.fence[i].from == v);
	CHECK_EQ(fake.fence[0].targets, 0x2);
	CHECK_EQ(fake.fence[0].kind, FENCE_I);
	CHECK_EQ(fake.fence[1].targets, 0x2);
	CHECK_EQ(fake.fence[1].kind, FENCE_VMA);
	CHECK_EQ(fake.fence[1].start, 0x1000);
	CHECK_EQ(fake.fence[1].size, 0x2000);
	CHECK_EQ(fake.fence[2].targets, 0x3);
	CHECK_EQ(fake.fence[2].kind, FENCE_VMA_ASID);
	CHECK_EQ(fake.fence[2].start, 0x3000);
	CHECK_EQ(fake.fence[2].size, 0x4000);
	CHECK_EQ(fake.fence[2].asid, 7);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_FENCE_I_SENT].value, 1);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_SFENCE_VMA_SENT].value, 1);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_SFENCE_VMA_ASID_SENT].value, 1);
}

/* ---- HSM ----------------------------------------------------------------- */

TEST(hsm_get_status)
{
	setup(3);
	vm.vcpus[2].hsm_state = SBI_HSM_STATE_SUSPENDED;
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, 0, 0, 0);
	CHECK_RETURNED(0, SBI_HSM_STATE_STARTED);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, 1, 0, 0);
	CHECK_RETURNED(0, SBI_HSM_STATE_STOPPED);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, 2, 0, 0);
	CHECK_RETURNED(0, SBI_HSM_STATE_SUSPENDED);
}

TEST(hsm_get_status_of_a_missing_hart_is_invalid)
{
	setup(3);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, 3, 0, 0);
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, -1UL, 0, 0);
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
}

TEST(hsm_get_status_shows_start_pending)
{
	setup(2);
	vm.vcpus[1].hsm_state = SBI_HSM_STATE_START_PENDING;
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, 1, 0, 0);
	CHECK_RETURNED(0, SBI_HSM_STATE_START_PENDING);
}

/* hart_start: a STOPPED vCPU becomes START_PENDING; its home hart starts it. */
TEST(hsm_start_of_a_stopped_hart)
{
	setup(2);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, RAM_BASE + 0x1000, 0xfeedf00d);
	/* the caller returns from the call: SUCCESS, a1 = 0, past the ecall */
	CHECK_EQ(A0, SBI_SUCCESS);
	CHECK_EQ(A1, 0);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK_EQ(vm.vcpus[1].hsm_state, SBI_HSM_STATE_START_PENDING);
	CHECK_EQ(vm.vcpus[1].resume_addr, RAM_BASE + 0x1000);
	CHECK_EQ(vm.vcpus[1].resume_opaque, 0xfeedf00d);
	/* one START request, to the target */
	CHECK_EQ(fake.requests, 1);
	CHECK(fake.request[0].to == &vm.vcpus[1]);
	CHECK_EQ(fake.request[0].bits, VCPU_REQ_START);
	/* only its home hart changes its run state and registers */
	CHECK_EQ(vm.vcpus[1].run_state, VCPU_OFF);
	CHECK_EQ(vm.vcpus[1].ctx.sepc, 0);
	CHECK(!vm.vcpus[1].resume_fresh);
	/* the caller is untouched; both live on fake_hart, which the request kicked */
	CHECK_EQ(v->hsm_state, SBI_HSM_STATE_STARTED);
	CHECK_EQ(v->run_state, VCPU_RUNNABLE);
	CHECK(next == SCHEDULED);
}

TEST(hsm_start_of_a_hart_homed_elsewhere_kicks_that_hart_only)
{
	static struct hart other;

	setup(3);
	memset(&other, 0, sizeof(other));
	vm.vcpus[2].hart = &other;
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 2, RAM_BASE, 7);
	CHECK_RETURNED(SBI_SUCCESS, 0);	/* the caller's hart has no work: same guest */
	CHECK_EQ(fake.requests, 1);
	CHECK(fake.request[0].to == &vm.vcpus[2]);
	CHECK_EQ(fake.kicks, 0);
	CHECK_EQ(fake_hart.work, 0);
	CHECK_EQ(vm.vcpus[2].hsm_state, SBI_HSM_STATE_START_PENDING);
	CHECK_EQ(vm.vcpus[1].hsm_state, SBI_HSM_STATE_STOPPED);
	CHECK_EQ(vm.vcpus[1].requests, 0);
}

TEST(hsm_start_of_a_missing_hart_is_invalid_param)
{
	static const unsigned long bad[] = { 2, 3, 64, 1UL << 32, -1UL };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned int before = unit_failures();

		setup(2);
		ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, bad[i], RAM_BASE, 0);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
		/* a bad hart id is INVALID_PARAM even with a bad address too */
		ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, bad[i], 0, 0);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
		CHECK_EQ(fake.requests + fake.kicks, 0);
		CHECK_EQ(vm.vcpus[1].hsm_state, SBI_HSM_STATE_STOPPED);
		if (unit_failures() != before)
			printf("\t(hartid 0x%lx)\n", bad[i]);
	}
}

TEST(hsm_start_outside_guest_ram_is_invalid_address)
{
	static const unsigned long bad[] = {
		0,                              /* MMU off: 0 is not RAM */
		VM_UART_BASE,                   /* a device */
		RAM_BASE - 4,                   /* just below */
		RAM_BASE + RAM_SIZE,            /* just past */
		RAM_BASE + RAM_SIZE - 2,        /* the instruction straddles the end */
		-1UL,
		-4UL,
		RAM_BASE + 1,                   /* odd: no instruction starts there */
		RAM_BASE + 0x1001,
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned int before = unit_failures();

		setup(2);
		ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, bad[i], 0);
		CHECK_RETURNED(SBI_ERR_INVALID_ADDRESS, 0);
		CHECK_EQ(vm.vcpus[1].hsm_state, SBI_HSM_STATE_STOPPED);
		CHECK_EQ(vm.vcpus[1].resume_addr, 0);
		CHECK_EQ(fake.requests + fake.kicks, 0);
		if (unit_failures() != before)
			printf("\t(addr 0x%lx)\n", bad[i]);
	}
}

TEST(hsm_start_at_the_last_word_of_ram)
{
	setup(2);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, RAM_BASE + RAM_SIZE - 4, 0);
	CHECK_EQ(A0, SBI_SUCCESS);
	CHECK_EQ(vm.vcpus[1].hsm_state, SBI_HSM_STATE_START_PENDING);
	CHECK_EQ(vm.vcpus[1].resume_addr, RAM_BASE + RAM_SIZE - 4);
}

TEST(hsm_start_of_a_hart_not_stopped_is_already_available)
{
	static const int states[] = {
		SBI_HSM_STATE_STARTED, SBI_HSM_STATE_START_PENDING, SBI_HSM_STATE_SUSPENDED,
		SBI_HSM_STATE_STOP_PENDING, SBI_HSM_STATE_SUSPEND_PENDING,
		SBI_HSM_STATE_RESUME_PENDING,
	};

	for (unsigned int i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		unsigned int before = unit_failures();

		setup(2);
		vm.vcpus[1].hsm_state = states[i];
		vm.vcpus[1].resume_addr = 0x1111;
		vm.vcpus[1].resume_opaque = 0x2222;
		ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, RAM_BASE, 0x3333);
		CHECK_RETURNED(SBI_ERR_ALREADY_AVAILABLE, 0);
		CHECK_EQ(vm.vcpus[1].hsm_state, states[i]);
		CHECK_EQ(vm.vcpus[1].resume_addr, 0x1111);	/* not overwritten */
		CHECK_EQ(vm.vcpus[1].resume_opaque, 0x2222);
		CHECK_EQ(fake.requests + fake.kicks, 0);
		if (unit_failures() != before)
			printf("\t(state %d)\n", states[i]);
	}
	/* and the caller itself, which is running */
	setup(2);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 0, RAM_BASE, 0);
	CHECK_RETURNED(SBI_ERR_ALREADY_AVAILABLE, 0);
	CHECK_EQ(v->hsm_state, SBI_HSM_STATE_STARTED);
}

TEST(hsm_start_twice_only_the_first_wins)
{
	setup(2);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, RAM_BASE + 0x100, 1);
	CHECK_EQ(A0, SBI_SUCCESS);
	fake_hart.work = 0;	/* the scheduler ran */
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, RAM_BASE + 0x200, 2);
	CHECK_RETURNED(SBI_ERR_ALREADY_AVAILABLE, 0);
	CHECK_EQ(fake.requests, 1);
	CHECK_EQ(vm.vcpus[1].resume_addr, RAM_BASE + 0x100);
	CHECK_EQ(vm.vcpus[1].resume_opaque, 1);
}

/* hart_stop: the caller goes OFF and does not return from the call. */
TEST(hsm_stop_takes_the_caller_off_its_hart)
{
	setup(2);
	vm.vcpus[1].hsm_state = SBI_HSM_STATE_STARTED; /* another vCPU still runs */
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, UNTOUCHED, UNTOUCHED, 0);
	CHECK_EQ(v->hsm_state, SBI_HSM_STATE_STOPPED);
	CHECK_EQ(v->run_state, VCPU_OFF);
	/* SBI_ACTION_NONE: a0, a1 and pc as they were */
	CHECK_EQ(A0, UNTOUCHED);
	CHECK_EQ(A1, UNTOUCHED);
	CHECK_EQ(v->ctx.sepc, PC);
	/* its hart was kicked, and goes to the scheduler */
	CHECK_EQ(fake.kicks, 1);
	CHECK(fake.kicked[0] == &fake_hart);
	CHECK(next == SCHEDULED);
	/* nothing else: no VM stop, no request, the other vCPU untouched */
	CHECK_EQ(fake.stops + fake.reboots + fake.requests, 0);
	CHECK_EQ(vm.vcpus[1].hsm_state, SBI_HSM_STATE_STARTED);
}

/* The last running vCPU stops: nothing can start it again, so the VM ends. */
TEST(hsm_stop_of_the_last_vcpu_stops_the_vm)
{
	setup(2);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, UNTOUCHED, UNTOUCHED, 0);
	CHECK_EQ(v->hsm_state, SBI_HSM_STATE_STOPPED);
	CHECK_EQ(fake.stops, 1);
	CHECK_EQ(fake.stop_reason, VM_STOP_SHUTDOWN);
	CHECK(next == SCHEDULED);
}

TEST(hsm_stopped_hart_can_be_started_again)
{
	setup(2);
	v = &vm.vcpus[1];	/* vCPU 1 runs and stops itself */
	v->hsm_state = SBI_HSM_STATE_STARTED;
	v->run_state = VCPU_RUNNABLE;
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, 0, 0, 0);
	CHECK_EQ(vm.vcpus[1].hsm_state, SBI_HSM_STATE_STOPPED);
	CHECK_EQ(vm.vcpus[1].run_state, VCPU_OFF);
	CHECK_EQ(vm.vcpus[0].hsm_state, SBI_HSM_STATE_STARTED);
	CHECK_EQ(vm.vcpus[0].run_state, VCPU_RUNNABLE);
	fake_hart.work = 0;
	v = &vm.vcpus[0];	/* vCPU 0 starts it again */
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, RAM_BASE + 0x40, 0x99);
	CHECK_EQ(A0, SBI_SUCCESS);
	CHECK_EQ(vm.vcpus[1].hsm_state, SBI_HSM_STATE_START_PENDING);
	CHECK_EQ(vm.vcpus[1].resume_addr, RAM_BASE + 0x40);
	CHECK_EQ(fake.requests, 1);
	CHECK(fake.request[0].to == &vm.vcpus[1]);
}

/* hart_suspend: types the SBI reserves, and platform ones Keel has none of */
TEST(hsm_suspend_reserved_or_platform_types_are_invalid)
{
	static const unsigned long bad[] = {
		0x00000001, 0x0FFFFFFF,                 /* reserved, retentive */
		0x10000000, 0x7FFFFFFF,                 /* platform retentive */
		0x80000001, 0x8FFFFFFF,                 /* reserved, non-retentive */
		0x90000000, 0xFFFFFFFF,                 /* platform non-retentive */
		(1UL << 32) | 1,                        /* the type is the low 32 bits */
		0xFFFFFFFF80000001UL,
		-1UL,
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned int before = unit_failures();

		setup(1);
		ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, bad[i], RAM_BASE, 0);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
		CHECK_EQ(v->hsm_state, SBI_HSM_STATE_STARTED);
		CHECK_EQ(v->run_state, VCPU_RUNNABLE);
		CHECK(!v->resume_fresh);
		CHECK_EQ(fake.kicks, 0);
		if (unit_failures() != before)
			printf("\t(type 0x%lx)\n", bad[i]);
	}
}

TEST(hsm_suspend_retentive_blocks_and_returns_success)
{
	setup(1);
	v->resume_addr = 0x1111;
	/* resume_addr and opaque mean nothing to a retentive suspend */
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_RET_DEFAULT, 0, 0x55);
	/* when it wakes it returns from the call: SUCCESS, past the ecall */
	CHECK_EQ(A0, SBI_SUCCESS);
	CHECK_EQ(A1, 0);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK_EQ(v->hsm_state, SBI_HSM_STATE_SUSPENDED);
	CHECK_EQ(v->run_state, VCPU_BLOCKED);
	CHECK(!v->resume_fresh);
	CHECK_EQ(v->resume_addr, 0x1111);
	CHECK_EQ(fake.kicks, 1);
	CHECK(fake.kicked[0] == &fake_hart);
	CHECK(next == SCHEDULED);
}

TEST(hsm_suspend_non_retentive_resumes_at_the_address)
{
	setup(1);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_NON_RET_DEFAULT,
	      RAM_BASE + 0x3000, 0xabcdef);
	/* it will continue at resume_addr, not after the ecall: nothing written */
	CHECK_EQ(A0, SBI_HSM_SUSPEND_NON_RET_DEFAULT);
	CHECK_EQ(A1, RAM_BASE + 0x3000);
	CHECK_EQ(v->ctx.sepc, PC);
	CHECK_EQ(v->hsm_state, SBI_HSM_STATE_SUSPENDED);
	CHECK_EQ(v->run_state, VCPU_BLOCKED);
	CHECK(v->resume_fresh);
	CHECK_EQ(v->resume_addr, RAM_BASE + 0x3000);
	CHECK_EQ(v->resume_opaque, 0xabcdef);
	CHECK_EQ(fake.kicks, 1);
	CHECK(fake.kicked[0] == &fake_hart);
	CHECK(next == SCHEDULED);
}

/*
 * suspend_type is a uint32_t: on RV64 the upper half of a0 is ignored
 * (an LP64 caller passes 0x80000000 sign-extended), for both kinds.
 */
TEST(hsm_suspend_ignores_the_upper_half_of_the_type)
{
	setup(1);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, 1UL << 32, 0, 0);
	CHECK_EQ(A0, SBI_SUCCESS);
	CHECK_EQ(v->hsm_state, SBI_HSM_STATE_SUSPENDED);
	CHECK(!v->resume_fresh);
	setup(1);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, 0xFFFFFFFF80000000UL, RAM_BASE + 0x3000,
	      0x77);
	CHECK_EQ(v->ctx.sepc, PC);
	CHECK_EQ(v->hsm_state, SBI_HSM_STATE_SUSPENDED);
	CHECK(v->resume_fresh);
	CHECK_EQ(v->resume_addr, RAM_BASE + 0x3000);
	CHECK_EQ(v->resume_opaque, 0x77);
}

TEST(hsm_suspend_non_retentive_outside_ram_is_invalid_address)
{
	static const unsigned long bad[] = {
		0, RAM_BASE - 4, RAM_BASE + RAM_SIZE, RAM_BASE + RAM_SIZE - 2, -1UL,
		RAM_BASE + 1, RAM_BASE + 0x1001, /* odd: no instruction starts there */
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned int before = unit_failures();

		setup(1);
		ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_NON_RET_DEFAULT, bad[i],
		      0x77);
		CHECK_RETURNED(SBI_ERR_INVALID_ADDRESS, 0);
		CHECK_EQ(v->hsm_state, SBI_HSM_STATE_STARTED);
		CHECK_EQ(v->run_state, VCPU_RUNNABLE);
		CHECK(!v->resume_fresh);
		CHECK_EQ(v->resume_addr, 0);
		CHECK_EQ(v->resume_opaque, 0);
		CHECK_EQ(fake.kicks, 0);
		if (unit_failures() != before)
			printf("\t(addr 0x%lx)\n", bad[i]);
	}
}

TEST(hsm_suspended_hart_reads_suspended_and_cannot_be_started)
{
	setup(2);
	v = &vm.vcpus[1];
	v->hsm_state = SBI_HSM_STATE_STARTED;
	v->run_state = VCPU_RUNNABLE;
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_RET_DEFAULT, 0, 0);
	fake_hart.work = 0;
	v = &vm.vcpus[0];
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, 1, 0, 0);
	CHECK_RETURNED(0, SBI_HSM_STATE_SUSPENDED);
	ecall(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, RAM_BASE, 0);
	CHECK_RETURNED(SBI_ERR_ALREADY_AVAILABLE, 0);
	CHECK_EQ(vm.vcpus[1].run_state, VCPU_BLOCKED);
}

/* ---- IPI ----------------------------------------------------------------- */

TEST(ipi_to_the_named_harts)
{
	setup(4);
	ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0x5, 1, 0);	/* harts 1 and 3 */
	CHECK_RETURNED(0, 0);
	CHECK_EQ(fake.ipis, 2);
	CHECK(fake.ipi_from[0] == v && fake.ipi_to[0] == &vm.vcpus[1]);
	CHECK(fake.ipi_from[1] == v && fake.ipi_to[1] == &vm.vcpus[3]);
}

TEST(ipi_to_all_harts)
{
	setup(3);
	ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0, -1UL, 0);
	CHECK_RETURNED(0, 0);
	CHECK_EQ(fake.ipis, 3);
}

TEST(ipi_with_an_empty_mask)
{
	setup(3);
	ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0, 0, 0);
	CHECK_RETURNED(0, 0);
	CHECK_EQ(fake.ipis, 0);
}

TEST(ipi_with_a_bad_mask_is_invalid)
{
	setup(2);
	ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0x4, 0, 0);
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
	ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0x1, 2, 0);
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
	ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0x4, -2UL, 0);	/* base + bit wraps */
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
	/* nothing is sent, not even to the valid harts of the mask */
	ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0x7, 0, 0);
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
	CHECK_EQ(fake.ipis, 0);
}

TEST(ipi_pmu_counts_each_call_once_only_when_started)
{
	setup(4);
	ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0xf, 0, 0);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_IPI_SENT].value, 0);
	v->pmu.fw[SBI_PMU_FW_IPI_SENT].started = true;
	ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0xf, 0, 0);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_IPI_SENT].value, 1);
	ecall(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0x10, 0, 0);	/* refused: not counted */
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_IPI_SENT].value, 1);
	/* other counters are not touched */
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_IPI_RCVD].value, 0);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_SET_TIMER].value, 0);
}

TEST(legacy_send_ipi_pmu_counts_only_when_started)
{
	setup(2);
	ecall(SBI_EXT_0_1_SEND_IPI, 0, 0, 0, 0);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_IPI_SENT].value, 0);
	v->pmu.fw[SBI_PMU_FW_IPI_SENT].started = true;
	ecall(SBI_EXT_0_1_SEND_IPI, 0, 0, 0, 0);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_IPI_SENT].value, 1);
}

/* ---- RFENCE -------------------------------------------------------------- */

TEST(rfence_fence_i)
{
	setup(2);
	ecall6(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I, 0x1, 1, 0, 0, 0, 0);
	CHECK_RETURNED(0, 0);
	CHECK_EQ(fake.fences, 1);
	CHECK(fake.fence[0].from == v);
	CHECK_EQ(fake.fence[0].targets, 0x2);
	CHECK_EQ(fake.fence[0].kind, FENCE_I);
}

TEST(rfence_sfence_vma_passes_the_range)
{
	setup(2);
	ecall6(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, 0x3, 0, 0x40000000, 0x2000, 0, 0);
	CHECK_RETURNED(0, 0);
	CHECK_EQ(fake.fences, 1);	/* both vCPUs in one call */
	CHECK(fake.fence[0].from == v);
	CHECK_EQ(fake.fence[0].targets, 0x3);
	CHECK_EQ(fake.fence[0].kind, FENCE_VMA);
	CHECK_EQ(fake.fence[0].start, 0x40000000);
	CHECK_EQ(fake.fence[0].size, 0x2000);
}

TEST(rfence_sfence_vma_asid_passes_the_asid)
{
	setup(2);
	ecall6(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID, 0, -1UL, 0x1000, -1UL, 42, 0);
	CHECK_RETURNED(0, 0);
	CHECK_EQ(fake.fences, 1);
	CHECK_EQ(fake.fence[0].targets, 0x3);	/* base -1: every vCPU */
	CHECK_EQ(fake.fence[0].kind, FENCE_VMA_ASID);
	CHECK_EQ(fake.fence[0].start, 0x1000);
	CHECK_EQ(fake.fence[0].size, -1UL);
	CHECK_EQ(fake.fence[0].asid, 42);
}

TEST(rfence_bitmap_follows_mask_and_base)
{
	setup(8);
	ecall6(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, 0x5, 2, 0, 0x1000, 0, 0);
	CHECK_RETURNED(0, 0);
	ecall6(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I, 0x1, 0, 0, 0, 0, 0);	/* itself */
	CHECK_RETURNED(0, 0);
	ecall6(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I, 0, -1UL, 0, 0, 0, 0);
	CHECK_RETURNED(0, 0);
	CHECK_EQ(fake.fences, 3);
	CHECK_EQ(fake.fence[0].targets, 0x14);	/* harts 2 and 4 */
	CHECK_EQ(fake.fence[1].targets, 0x1);
	CHECK_EQ(fake.fence[2].targets, 0xff);
}

TEST(rfence_with_an_empty_mask_fences_nothing)
{
	for (unsigned long fid = 0; fid <= SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID; fid++) {
		setup(2);
		ecall6(SBI_EXT_RFENCE, fid, 0, 0, 0, 0x1000, 0, 0);
		CHECK_RETURNED(0, 0);
		ecall6(SBI_EXT_RFENCE, fid, 0, 1000, 0, 0x1000, 0, 0);	/* any base */
		CHECK_RETURNED(0, 0);
		CHECK_EQ(fake.fences, 0);	/* vcpu_remote_fence only with targets */
	}
}

TEST(rfence_with_a_bad_mask_is_invalid)
{
	for (unsigned long fid = 0; fid <= SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID; fid++) {
		setup(2);
		ecall6(SBI_EXT_RFENCE, fid, 0x4, 0, 0, 0, 0, 0);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
		ecall6(SBI_EXT_RFENCE, fid, 0x1, 5, 0, 0, 0, 0);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
		CHECK_EQ(fake.fences, 0);
	}
}

TEST(rfence_pmu_counts_only_when_started)
{
	static const enum sbi_pmu_fw_event sent[] = {
		SBI_PMU_FW_FENCE_I_SENT, SBI_PMU_FW_SFENCE_VMA_SENT, SBI_PMU_FW_SFENCE_VMA_ASID_SENT,
	};

	for (unsigned long fid = 0; fid < 3; fid++) {
		setup(2);
		ecall6(SBI_EXT_RFENCE, fid, 0x3, 0, 0, 0, 0, 0);
		CHECK_EQ(v->pmu.fw[sent[fid]].value, 0);
		v->pmu.fw[sent[fid]].started = true;
		ecall6(SBI_EXT_RFENCE, fid, 0x3, 0, 0, 0, 0, 0);
		ecall6(SBI_EXT_RFENCE, fid, 0x1, 0, 0, 0, 0, 0);
		CHECK_EQ(v->pmu.fw[sent[fid]].value, 2);
		ecall6(SBI_EXT_RFENCE, fid, 0x8, 0, 0, 0, 0, 0);	/* refused */
		CHECK_EQ(v->pmu.fw[sent[fid]].value, 2);
		/* only that event moved */
		for (unsigned int e = 0; e < SBI_PMU_FW_MAX; e++)
			if (e != sent[fid])
				CHECK_EQ(v->pmu.fw[e].value, 0);
	}
}

/* ---- KEEL (Keel's own calls) ---------------------------------------------- */

TEST(keel_test_hook_is_denied_without_test_hooks)
{
	setup(1);
	vm.test_hooks = false;
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_TEST_HYPERVISOR_FAULT, 0, 0, 0);
	CHECK_RETURNED(SBI_ERR_DENIED, 0);
	CHECK_EQ(fake.stops + fake.reboots + fake.kicks, 0);
}

TEST(keel_test_layout_is_denied_without_test_hooks)
{
	setup(1);
	vm.test_hooks = false;
	for (unsigned long what = 0; what < 5; what++) {
		ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_TEST_LAYOUT, what, 0, 0);
		CHECK_RETURNED(SBI_ERR_DENIED, 0);
	}
}

/* Keel's image, this VM's RAM and each VM's RAM by number, as host addresses */
TEST(keel_test_layout_names_host_addresses)
{
	static uint8_t other_ram[64];

	setup(1);
	vm.test_hooks = true;
	memset(vms, 0, sizeof(vms));
	vms[0].ram = ram;
	vms[1].ram = other_ram;
	nr_vms = 2;
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_TEST_LAYOUT, SBI_KEEL_LAYOUT_IMAGE_START, 0, 0);
	CHECK_RETURNED(SBI_SUCCESS, (uintptr_t)_image_start);
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_TEST_LAYOUT, SBI_KEEL_LAYOUT_IMAGE_END, 0, 0);
	CHECK_RETURNED(SBI_SUCCESS, (uintptr_t)_image_end);
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_TEST_LAYOUT, SBI_KEEL_LAYOUT_OWN_RAM, 0, 0);
	CHECK_RETURNED(SBI_SUCCESS, (uintptr_t)ram);
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_TEST_LAYOUT, SBI_KEEL_LAYOUT_VM_RAM + 0, 0, 0);
	CHECK_RETURNED(SBI_SUCCESS, (uintptr_t)ram);
	ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_TEST_LAYOUT, SBI_KEEL_LAYOUT_VM_RAM + 1, 0, 0);
	CHECK_RETURNED(SBI_SUCCESS, (uintptr_t)other_ram);
	nr_vms = 0;
}

/* Past the last VM: refused */
TEST(keel_test_layout_out_of_range_is_invalid)
{
	static const unsigned long bad[] = {
		SBI_KEEL_LAYOUT_VM_RAM + 2, SBI_KEEL_LAYOUT_VM_RAM + KEEL_MAX_VMS, 1000, -1UL,
	};

	setup(1);
	vm.test_hooks = true;
	memset(vms, 0, sizeof(vms));
	vms[0].ram = ram;
	vms[1].ram = ram;
	nr_vms = 2;
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned int before = unit_failures();

		ecall(SBI_EXT_KEEL, SBI_EXT_KEEL_TEST_LAYOUT, bad[i], 0, 0);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
		if (unit_failures() != before)
			printf("\t(what 0x%lx)\n", bad[i]);
	}
	nr_vms = 0;
}

/* ---- pmu_incr_fw itself (include/pmu.h) ---------------------------------- */

TEST(pmu_incr_fw_ignores_null_and_out_of_range)
{
	struct vcpu_pmu pmu;

	memset(&pmu, 0, sizeof(pmu));
	pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started = true;
	pmu_incr_fw(&pmu, SBI_PMU_FW_ILLEGAL_INSN);
	pmu_incr_fw(&pmu, SBI_PMU_FW_ACCESS_LOAD);	/* not started */
	pmu_incr_fw(&pmu, SBI_PMU_FW_MAX);	/* out of range: ignored */
	pmu_incr_fw(&pmu, (enum sbi_pmu_fw_event)-1);
	pmu_incr_fw(NULL, SBI_PMU_FW_ILLEGAL_INSN);
	CHECK_EQ(pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].value, 1);
	CHECK_EQ(pmu.fw[SBI_PMU_FW_ACCESS_LOAD].value, 0);
}

/*
 * trap.S answers BASE and (Sstc) set_timer itself only while ctx.fast
 * allows it: not while tracing, and set_timer not while a PMU counter
 * counts SET_TIMER events, which only C counts (vcpu_fast_paths_update).
 */
TEST(fast_paths_step_aside_for_trace_and_a_started_set_timer_counter)
{
	const unsigned long set_timer_idx =
		(SBI_PMU_EVENT_TYPE_FW << SBI_PMU_EVENT_IDX_TYPE_SHIFT) | SBI_PMU_FW_SET_TIMER;
	unsigned long ctr;

	setup(1);
	vm.guest_sstc = true;
	vcpu_fast_paths_update(v);
	CHECK_EQ(v->ctx.fast, CTX_FAST_BASE | CTX_FAST_SET_TIMER | CTX_FAST_SSTC);
	/* configured and started in one call: the counter counts from now */
	ecall6(SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_CFG_MATCH, PMU_FW_BASE, (1UL << SBI_PMU_FW_MAX) - 1,
	       SBI_PMU_CFG_FLAG_AUTO_START, set_timer_idx, 0, UNTOUCHED);
	CHECK_EQ(A0, SBI_SUCCESS);
	ctr = A1;
	CHECK_EQ(v->ctx.fast, CTX_FAST_BASE | CTX_FAST_SSTC);
	/* the C path counts what trap.S would not have */
	ecall(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, 1000, 0, 0);
	CHECK_EQ(pmu_fw_counted(&v->pmu.fw[SBI_PMU_FW_SET_TIMER]), 1);
	ecall(SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_STOP, ctr, 1, 0);
	CHECK_EQ(A0, SBI_SUCCESS);
	CHECK_EQ(v->ctx.fast, CTX_FAST_BASE | CTX_FAST_SET_TIMER | CTX_FAST_SSTC);
	/* without Sstc Keel's own timer serves the guest: trap.S arms nothing */
	vm.guest_sstc = false;
	vcpu_fast_paths_update(v);
	CHECK_EQ(v->ctx.fast, CTX_FAST_BASE | CTX_FAST_SET_TIMER);
	/* a traced exit is printed by C */
	vm.guest_sstc = true;
	v->trace = true;
	vcpu_fast_paths_update(v);
	CHECK_EQ(v->ctx.fast, 0);
}
