/*
 * SBI SUSP and STA (src/sbi/sbi_susp.c, src/sbi/sbi_sta.c): SUSP's checks
 * and the STA record writer as pure logic, then both extensions end to end
 * through the real sbi_dispatch(), with fake_core.c behind them as in
 * test_sbi.c.
 */
#include <string.h>

#include "fake_core.h"
#include "sbi/sbi.h"
#include "unit.h"
#include "vm.h"
#include "vcpu/vcpu_load.h"
#include "vcpu/steal_record.h"

#define RAM_BASE VM_RAM_BASE
#define RAM_SIZE 0x10000UL
#define PC 0x80200000UL
#define UNTOUCHED 0x5a5a5a5a5a5a5a5aUL

static struct vm vm;
static const struct vm_config cfg = { .name = "t" };
static uint8_t ram[RAM_SIZE] __attribute__((aligned(64)));
static struct vcpu *v;
static struct vcpu_context *next;

#define SCHEDULED ((struct vcpu_context *)((unsigned long)&v->ctx | 2))
#define A0 (v->ctx.x[10])
#define A1 (v->ctx.x[11])

/* nr vCPUs on fake_hart: vCPU 0 running (it calls), the others STOPPED */
static void setup(unsigned int nr)
{
	memset(&vm, 0, sizeof(vm));
	memset(ram, 0, sizeof(ram));
	fake_reset();
	vm.cfg = &cfg;
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

static void ecall(unsigned long eid, unsigned long fid, unsigned long a0, unsigned long a1,
		  unsigned long a2)
{
	const unsigned long args[6] = { a0, a1, a2, UNTOUCHED, UNTOUCHED, UNTOUCHED };

	next = fake_ecall(v, PC, eid, fid, args);
}

/* returned to the guest: a0 = error, a1 = 0, pc past the ecall, no work */
static void check_returned(long error, int line)
{
	unsigned int before = unit_failures();

	CHECK_EQ(A0, (unsigned long)error);
	CHECK_EQ(A1, 0);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK(next == &v->ctx);
	if (unit_failures() != before)
		printf("\t(checked at line %d)\n", line);
}
#define CHECK_RETURNED(error) check_returned((error), __LINE__)

/* ---- SUSP: the checks alone ---------------------------------------------- */

TEST(susp_check_accepts_only_suspend_to_ram)
{
	static const uint32_t bad[] = { 1, 2, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF };

	CHECK_EQ(sbi_susp_check(0, true, true), SBI_SUCCESS);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(sbi_susp_check(bad[i], true, true), SBI_ERR_INVALID_PARAM);
}

TEST(susp_check_order_is_type_then_address_then_other_harts)
{
	CHECK_EQ(sbi_susp_check(1, false, false), SBI_ERR_INVALID_PARAM);
	CHECK_EQ(sbi_susp_check(0, false, false), SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(sbi_susp_check(0, false, true), SBI_ERR_INVALID_ADDRESS);
	CHECK_EQ(sbi_susp_check(0, true, false), SBI_ERR_DENIED);
}

/* ---- SUSP through the dispatcher ----------------------------------------- */

TEST(susp_alone_suspends_non_retentively)
{
	setup(1);
	ecall(SBI_EXT_SUSP, SBI_EXT_SUSP_SYSTEM_SUSPEND, 0, RAM_BASE + 0x2000, 0x1234);
	/* it continues at resume_addr, not after the ecall: nothing written */
	CHECK_EQ(A0, 0);
	CHECK_EQ(A1, RAM_BASE + 0x2000);
	CHECK_EQ(v->ctx.sepc, PC);
	CHECK_EQ(v->hsm_state, SBI_HSM_STATE_SUSPENDED);
	CHECK_EQ(v->run_state, VCPU_BLOCKED);
	CHECK(v->resume_fresh);
	CHECK(v->system_suspended);
	CHECK_EQ(v->resume_addr, RAM_BASE + 0x2000);
	CHECK_EQ(v->resume_opaque, 0x1234);
	CHECK_EQ(fake.kicks, 1);
	CHECK(next == SCHEDULED);
	CHECK(strstr(fake_kprintf_line, "VM 't' suspends to RAM") != NULL);
	CHECK_EQ(v->exit_count[EXIT_SLOT_SBI(SBI_STAT_SUSP)], 1);
}

TEST(susp_with_every_other_hart_stopped)
{
	setup(4);
	ecall(SBI_EXT_SUSP, SBI_EXT_SUSP_SYSTEM_SUSPEND, 0, RAM_BASE, 0);
	CHECK_EQ(v->hsm_state, SBI_HSM_STATE_SUSPENDED);
	CHECK(next == SCHEDULED);
}

/* sleep_type is a uint32_t: the upper half of a0 is not looked at */
TEST(susp_ignores_the_upper_half_of_the_sleep_type)
{
	static const unsigned long types[] = { 1UL << 32, 0xFFFFFFFF00000000UL };

	for (unsigned int i = 0; i < 2; i++) {
		setup(1);
		ecall(SBI_EXT_SUSP, SBI_EXT_SUSP_SYSTEM_SUSPEND, types[i], RAM_BASE, 0);
		CHECK_EQ(v->hsm_state, SBI_HSM_STATE_SUSPENDED);
		CHECK(v->system_suspended);
	}
	setup(1);
	ecall(SBI_EXT_SUSP, SBI_EXT_SUSP_SYSTEM_SUSPEND, 0xFFFFFFFF00000001UL, RAM_BASE, 0);
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM);
}

TEST(susp_reserved_and_platform_types_are_invalid_param)
{
	static const unsigned long bad[] = { 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(1);
		ecall(SBI_EXT_SUSP, SBI_EXT_SUSP_SYSTEM_SUSPEND, bad[i], RAM_BASE, 0);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM);
		CHECK_EQ(v->hsm_state, SBI_HSM_STATE_STARTED);
		CHECK(!v->system_suspended);
		CHECK_EQ(fake.kicks, 0);
	}
}

TEST(susp_resume_address_the_guest_cannot_execute)
{
	static const unsigned long bad[] = {
		0, VM_UART_BASE, RAM_BASE - 4, RAM_BASE + RAM_SIZE, RAM_BASE + RAM_SIZE - 2,
		-2UL, RAM_BASE + 1, RAM_BASE + 0x1003,
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(1);
		ecall(SBI_EXT_SUSP, SBI_EXT_SUSP_SYSTEM_SUSPEND, 0, bad[i], 0);
		CHECK_RETURNED(SBI_ERR_INVALID_ADDRESS);
		CHECK_EQ(v->run_state, VCPU_RUNNABLE);
		CHECK(!v->resume_fresh);
	}
}

/* every state but STOPPED keeps the VM from suspending */
TEST(susp_with_another_hart_not_stopped_is_denied)
{
	static const int states[] = {
		SBI_HSM_STATE_STARTED, SBI_HSM_STATE_START_PENDING, SBI_HSM_STATE_SUSPENDED,
		SBI_HSM_STATE_STOP_PENDING, SBI_HSM_STATE_SUSPEND_PENDING,
		SBI_HSM_STATE_RESUME_PENDING,
	};

	for (unsigned int i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		setup(3);
		vm.vcpus[2].hsm_state = states[i];
		ecall(SBI_EXT_SUSP, SBI_EXT_SUSP_SYSTEM_SUSPEND, 0, RAM_BASE, 0);
		CHECK_RETURNED(SBI_ERR_DENIED);
		CHECK_EQ(v->hsm_state, SBI_HSM_STATE_STARTED);
		CHECK_EQ(v->run_state, VCPU_RUNNABLE);
		CHECK_EQ(fake.kicks, 0);
	}
}

TEST(susp_unknown_function_is_not_supported)
{
	setup(1);
	ecall(SBI_EXT_SUSP, 1, 0, RAM_BASE, 0);
	CHECK_RETURNED(SBI_ERR_NOT_SUPPORTED);
}

/* ---- STA: the record writer ---------------------------------------------- */

TEST(sta_record_write_goes_odd_then_even)
{
	struct sbi_sta_record r;

	memset(&r, 0, sizeof(r));
	steal_record_write(&r, 123456789, false);
	CHECK_EQ(r.sequence, 2);
	CHECK_EQ(r.steal, 123456789);
	CHECK_EQ(r.preempted, 0);
	steal_record_write(&r, 200000000, true);
	CHECK_EQ(r.sequence, 4);
	CHECK_EQ(r.steal, 200000000);
	CHECK_EQ(r.preempted, 1);
	CHECK_EQ(r.flags, 0);
}

/* the guest wrote an odd sequence itself: still odd while writing, even after */
TEST(sta_record_write_after_the_guest_scribbled)
{
	struct sbi_sta_record r;

	memset(&r, 0, sizeof(r));
	r.sequence = 7;
	steal_record_write(&r, 1, false);
	CHECK_EQ(r.sequence, 10); /* odd 9 while writing */
	r.sequence = 0xFFFFFFFF;
	steal_record_write(&r, 2, false);
	CHECK_EQ(r.sequence, 2); /* wraps: odd 1, then 2 */
	r.sequence = 0xFFFFFFFE;
	steal_record_write(&r, 3, false);
	CHECK_EQ(r.sequence, 0); /* odd 0xFFFFFFFF, then 0 */
	CHECK_EQ(r.steal, 3);
}

TEST(sta_ticks_to_ns_is_exact_and_does_not_overflow)
{
	CHECK_EQ(steal_ticks_to_ns(10000000, 10000000), 1000000000ULL);
	CHECK_EQ(steal_ticks_to_ns(1, 10000000), 100);
	CHECK_EQ(steal_ticks_to_ns(3, 32768), 91552);	/* floor(3e9 / 32768) */
	/* a day at 10 MHz: 8.64e11 ticks, 8.64e13 ns; ticks * 1e9 would overflow */
	CHECK_EQ(steal_ticks_to_ns(864000000000ULL, 10000000), 86400000000000ULL);
	CHECK_EQ(steal_ticks_to_ns(864000000007ULL, 10000000), 86400000000700ULL);
}

/* ---- STA through the dispatcher ------------------------------------------ */

TEST(sta_set_shmem_zeroes_the_record_and_enables_it)
{
	setup(1);
	memset(ram + 0x1000, 0xAA, 128);
	ecall(SBI_EXT_STA, SBI_EXT_STA_STEAL_TIME_SET_SHMEM, RAM_BASE + 0x1000, 0, 0);
	CHECK_RETURNED(SBI_SUCCESS);
	CHECK(v->sta_record == (struct sbi_sta_record *)(ram + 0x1000));
	CHECK(v->sta_used);
	for (unsigned int i = 0; i < 64; i++)
		CHECK_EQ(ram[0x1000 + i], 0);
	CHECK_EQ(ram[0x1000 + 64], 0xAA); /* not a byte past the record */
	CHECK_EQ(v->exit_count[EXIT_SLOT_SBI(SBI_STAT_STA)], 1);
}

TEST(sta_last_record_of_ram)
{
	setup(1);
	ecall(SBI_EXT_STA, SBI_EXT_STA_STEAL_TIME_SET_SHMEM, RAM_BASE + RAM_SIZE - 64, 0, 0);
	CHECK_RETURNED(SBI_SUCCESS);
	CHECK(v->sta_record == (struct sbi_sta_record *)(ram + RAM_SIZE - 64));
}

TEST(sta_all_ones_disables)
{
	setup(1);
	ecall(SBI_EXT_STA, SBI_EXT_STA_STEAL_TIME_SET_SHMEM, RAM_BASE, 0, 0);
	memset(ram, 0x55, 64);
	ecall(SBI_EXT_STA, SBI_EXT_STA_STEAL_TIME_SET_SHMEM, -1UL, -1UL, 0);
	CHECK_RETURNED(SBI_SUCCESS);
	CHECK(v->sta_record == NULL);
	CHECK_EQ(ram[0], 0x55); /* left as it is */
	/* disabling what is not enabled is fine too */
	ecall(SBI_EXT_STA, SBI_EXT_STA_STEAL_TIME_SET_SHMEM, -1UL, -1UL, 0);
	CHECK_RETURNED(SBI_SUCCESS);
}

TEST(sta_bad_flags_or_alignment_is_invalid_param)
{
	static const struct { unsigned long lo, hi, flags; } bad[] = {
		{ RAM_BASE, 0, 1 }, { RAM_BASE, 0, -1UL }, { -1UL, -1UL, 1 },
		{ RAM_BASE + 8, 0, 0 }, { RAM_BASE + 32, 0, 0 }, { RAM_BASE + 63, 0, 0 },
		{ -1UL, 0, 0 }, /* only lo all ones: a misaligned address */
		{ 0x1004, 0, 0 },
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(1);
		ecall(SBI_EXT_STA, SBI_EXT_STA_STEAL_TIME_SET_SHMEM, bad[i].lo, bad[i].hi,
		      bad[i].flags);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM);
		CHECK(v->sta_record == NULL);
	}
}

TEST(sta_outside_ram_is_invalid_address)
{
	static const struct { unsigned long lo, hi; } bad[] = {
		{ 0, 0 }, { 0x1000, 0 }, { VM_UART_BASE, 0 }, { RAM_BASE - 64, 0 },
		{ RAM_BASE + RAM_SIZE, 0 }, { -64UL, 0 },
		{ RAM_BASE, 1 }, { RAM_BASE, -1UL }, /* above 2^64 */
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(1);
		ecall(SBI_EXT_STA, SBI_EXT_STA_STEAL_TIME_SET_SHMEM, bad[i].lo, bad[i].hi, 0);
		CHECK_RETURNED(SBI_ERR_INVALID_ADDRESS);
		CHECK(v->sta_record == NULL);
		CHECK(!v->sta_used);
	}
}

TEST(sta_unknown_function_is_not_supported)
{
	setup(1);
	ecall(SBI_EXT_STA, 1, RAM_BASE, 0, 0);
	CHECK_RETURNED(SBI_ERR_NOT_SUPPORTED);
}
