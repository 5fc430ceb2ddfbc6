/*
 * Tests for src/trap/trap.c (with trap_page_fault.c and
 * trap_virtual_insn.c), the C half of every exit: the dispatch by
 * scause, which exceptions are redirected to the guest (counted first)
 * and which stop its VM, hstatus.SPV on a guest exit and traps in Keel
 * itself, guest page faults (MMIO, lazily zeroed RAM, an access fault for
 * nothing), the UART fast path, virtual instructions (wfi, counter
 * reads), interrupts, the fault-loop watch and the profiler's view of an
 * exit.
 *
 * trap.c runs with the real vcpu.c, sched.h and timer.c behind it, on
 * harts[0] whose CSRs fake_arch.c models: a redirect is checked in the
 * guest's VS CSRs it leaves. mmio.c's two entry points and the two
 * fast paths of src/arch/ are faked below.
 */
#include <string.h>

#include "core_fixture.h"
#include "fake_arch.h"
#include "fake_keel.h"
#include "fake_pmu_arch.h"
#include "fake_vm.h"
#include "mmio_decode.h"
#include "sched/sched.h"
#include "trap/trap.h"
#include "unit.h"
#include "vdev/vdev.h"
#include "lib/console.h"

#define PC 0x80001000UL     /* where the guest traps */
#define VECTOR 0x80004000UL /* its stvec */
#define UART_GVA 0x10000000UL /* the guest maps its UART 1:1 */

/* ---- mmio.c and the arch fast paths, faked for this test ---- */

static struct {
	unsigned int calls;
	uint64_t gpa;
	bool all_regs;
	/* what mmio_emulate() answers with only the short context, and with all registers */
	enum mmio_result answer_short, answer_all;
	unsigned int thr_calls;
	bool thr_answer;
} mmio;

enum mmio_result mmio_emulate(struct vcpu *v, const struct trap_info *t, uint64_t gpa,
			      bool all_regs)
{
	(void)v;
	(void)t;
	mmio.calls++;
	mmio.gpa = gpa;
	mmio.all_regs = all_regs;
	return all_regs ? mmio.answer_all : mmio.answer_short;
}

bool mmio_fast_thr(struct vcpu *v, uint32_t info)
{
	(void)v;
	(void)info;
	mmio.thr_calls++;
	return mmio.thr_answer;
}

/* The real fast paths step aside for what they do not serve: this test's exits all do */
struct vcpu_context *arch_trap_redirect_fast(struct vcpu *v)
{
	return trap_by_cause(&v->ctx);
}

struct vcpu_context *arch_trap_virtual_insn_fast(struct vcpu *v)
{
	return trap_virtual_insn_full(&v->ctx);
}

/* ---- the fixture ---- */

static struct vm vm;
static struct vcpu *v;
static struct fake_cpu *cpu;
static struct vcpu_context *next;

static void setup(void)
{
	fake_keel_reset();
	fake_arch_reset();
	fake_vm_reset();
	fake_pmu_reset();
	memset(&mmio, 0, sizeof(mmio));
	mmio.answer_short = mmio.answer_all = MMIO_NO_DEVICE;
	fixture_vm(&vm, "guest", 1, NULL, false);
	v = &vm.vcpus[0];
	fake_load(v);
	cpu = fake_cpu_of(&harts[0]);
	cpu->csrs.vstvec = VECTOR;
	v->ctx.sepc = PC;
}

#define SCHEDULED(v) ((struct vcpu_context *)((uintptr_t)&(v)->ctx | TRAP_RET_SCHEDULE))
#define NEED_ALL_REGS(v) ((struct vcpu_context *)((uintptr_t)&(v)->ctx | TRAP_RET_NEED_ALL_REGS))

/* The trap the hart reports: from the guest in VS (SPV, SPVP, SPP) unless changed */
static void trap(unsigned long scause, unsigned long stval, unsigned long htval)
{
	fake_arch.trap = (struct trap_info){
		.scause = scause,
		.stval = stval,
		.htval = htval,
		.hstatus = HSTATUS_SPV | HSTATUS_SPVP,
		.sstatus = SSTATUS_SPP,
	};
}

static void start_every_fw_counter(void)
{
	for (unsigned int e = 0; e < SBI_PMU_FW_MAX; e++)
		v->pmu.fw[e].started = true;
}

static uint64_t total_exits(void)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < EXIT_SLOTS; i++)
		n += v->exit_count[i];
	return n;
}

static uint64_t total_fw_counted(void)
{
	uint64_t n = 0;

	for (unsigned int e = 0; e < SBI_PMU_FW_MAX; e++)
		n += v->pmu.fw[e].value;
	return n;
}

/* ---- redirected exceptions ----------------------------------------------- */

/* Each cause, its firmware event (SBI_PMU_FW_MAX: none), as docs/trap-path.md lists them */
static const struct {
	unsigned long cause;
	enum sbi_pmu_fw_event event;
} redirects[] = {
	{ EXC_INST_ACCESS, SBI_PMU_FW_MAX },
	{ EXC_INST_ILLEGAL, SBI_PMU_FW_ILLEGAL_INSN },
	{ EXC_LOAD_MISALIGNED, SBI_PMU_FW_MISALIGNED_LOAD },
	{ EXC_LOAD_ACCESS, SBI_PMU_FW_ACCESS_LOAD },
	{ EXC_STORE_MISALIGNED, SBI_PMU_FW_MISALIGNED_STORE },
	{ EXC_STORE_ACCESS, SBI_PMU_FW_ACCESS_STORE },
};
#define NR_REDIRECTS (sizeof(redirects) / sizeof(redirects[0]))

TEST(redirect_causes_enter_the_guests_handler)
{
	for (unsigned int i = 0; i < NR_REDIRECTS; i++) {
		unsigned long cause = redirects[i].cause;
		unsigned int before = unit_failures();

		setup();
		cpu->csrs.vsstatus = SSTATUS_SIE;
		trap(cause, 0x1230 + i, 0);
		next = trap_by_cause(&v->ctx);
		CHECK(next == &v->ctx);
		CHECK_EQ(cpu->vs_traps, 1);
		CHECK_EQ(cpu->csrs.vscause, cause);
		CHECK_EQ(cpu->csrs.vstval, 0x1230 + i);
		CHECK_EQ(cpu->csrs.vsepc, PC);
		CHECK_EQ(cpu->csrs.vsstatus, SSTATUS_SPIE | SSTATUS_SPP);
		CHECK_EQ(v->ctx.sepc, VECTOR);
		CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(cause)], 1);
		CHECK_EQ(total_exits(), 1);
		CHECK_EQ(fake_vm.stops + fake_keel.halts, 0);
		if (unit_failures() != before)
			printf("\t(cause %lu)\n", cause);
	}
}

/* Seed 000: the vCPU's firmware counter for the event, then the redirect */
TEST(redirect_causes_count_their_event_only_while_started)
{
	for (unsigned int i = 0; i < NR_REDIRECTS; i++) {
		enum sbi_pmu_fw_event ev = redirects[i].event;
		unsigned int before = unit_failures();

		setup();
		trap(redirects[i].cause, 0, 0);
		trap_by_cause(&v->ctx);
		CHECK_EQ(total_fw_counted(), 0);
		v->ctx.sepc = PC;
		start_every_fw_counter();
		trap_by_cause(&v->ctx);
		/* exactly its own event, once; an instruction access fault has none */
		CHECK_EQ(total_fw_counted(), ev == SBI_PMU_FW_MAX ? 0 : 1);
		if (ev != SBI_PMU_FW_MAX)
			CHECK_EQ(v->pmu.fw[ev].value, 1);
		CHECK_EQ(cpu->vs_traps, 2);
		if (unit_failures() != before)
			printf("\t(cause %lu)\n", redirects[i].cause);
	}
}

TEST(redirect_from_vu_keeps_vsstatus_spp_clear)
{
	setup();
	cpu->csrs.vsstatus = SSTATUS_SPP;
	trap(EXC_INST_ILLEGAL, 0, 0);
	fake_arch.trap.hstatus = HSTATUS_SPV;
	fake_arch.trap.sstatus = 0;
	trap_by_cause(&v->ctx);
	CHECK(!cpu->vs_trap_from_vs);
	CHECK_EQ(cpu->csrs.vsstatus & SSTATUS_SPP, 0);
	CHECK_EQ(v->ctx.sepc, VECTOR);
}

static void run_trap_by_cause(void *vcpu)
{
	trap_by_cause(&((struct vcpu *)vcpu)->ctx);
}

static void run_trap_from_keel(void *frame)
{
	trap_from_keel(frame);
}

/* A guest exit that the hardware says was not virtualised is Keel's own bug */
TEST(guest_exit_without_spv_is_a_hypervisor_fault)
{
	for (unsigned int i = 0; i < NR_REDIRECTS; i++) {
		unsigned int before = unit_failures();

		setup();
		trap(redirects[i].cause, 0, 0);
		fake_arch.trap.hstatus = 0;
		CHECK(fake_halts(run_trap_by_cause, v));
		CHECK_EQ(fake_keel.halts, 1);
		CHECK(fake_printed("hypervisor fault (hstatus.SPV = 0 on a guest exit)"));
		CHECK_EQ(cpu->vs_traps, 0);
		CHECK_EQ(v->ctx.sepc, PC);
		if (unit_failures() != before)
			printf("\t(cause %lu)\n", redirects[i].cause);
	}
}

/*
 * A trap in Keel itself: the redirect causes through vcpu_redirect() with
 * no vCPU (a stale SPV = 1 from OpenSBI 1.1 changes nothing), anything
 * else straight to the report. Always a hypervisor fault, never the guest's.
 */
TEST(trap_from_keel_is_always_a_hypervisor_fault)
{
	static const struct {
		unsigned long scause, hstatus;
		const char *what;
	} rows[] = {
		{ EXC_INST_ILLEGAL, 0, "(a trap in Keel itself)" },
		{ EXC_INST_ILLEGAL, HSTATUS_SPV, "(a trap in Keel itself)" },
		{ EXC_LOAD_MISALIGNED, HSTATUS_SPV, "(a trap in Keel itself)" },
		{ EXC_STORE_ACCESS, 0, "(a trap in Keel itself)" },
		{ EXC_INST_ACCESS, HSTATUS_SPV, "(a trap in Keel itself)" },
		{ EXC_LOAD_PAGE_FAULT, 0, "unexpected trap in Keel" },
		{ EXC_BREAKPOINT, HSTATUS_SPV, "unexpected trap in Keel" },
		{ EXC_LOAD_GUEST_PAGE_FAULT, HSTATUS_SPV, "unexpected trap in Keel" },
		{ 30, 0, "unexpected trap in Keel" },
		{ CAUSE_IRQ_FLAG | IRQ_S_TIMER, 0, "unexpected trap in Keel" },
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct vcpu_context frame = { .sepc = 0x80200100 };
		unsigned int before = unit_failures();

		setup();
		start_every_fw_counter();
		trap(rows[i].scause, 0x77, 0);
		fake_arch.trap.hstatus = rows[i].hstatus;
		CHECK(fake_halts(run_trap_from_keel, &frame));
		CHECK_EQ(fake_keel.halts, 1);
		CHECK(fake_printed(rows[i].what));
		CHECK(fake_printed("sepc 0x80200100"));
		/* nothing of the guest's: no redirect, no count, no exit */
		CHECK_EQ(cpu->vs_traps, 0);
		CHECK_EQ(total_fw_counted(), 0);
		CHECK_EQ(total_exits(), 0);
		if (unit_failures() != before)
			printf("\t(row %u: scause 0x%lx)\n", i, rows[i].scause);
	}
}

/* ---- exceptions that should never come: the VM stops ------------------- */

TEST(unexpected_exceptions_stop_the_vm)
{
	static const unsigned long causes[] = {
		EXC_INST_MISALIGNED, EXC_BREAKPOINT, EXC_ECALL_U, EXC_ECALL_S,
		EXC_ECALL_VS, /* trap.S sends these to sbi_dispatch(), never here */
		EXC_ECALL_M, EXC_INST_PAGE_FAULT, EXC_LOAD_PAGE_FAULT, EXC_STORE_PAGE_FAULT,
		14, 16, 18, 19, 24, 63, 1UL << 62,
	};

	for (unsigned int i = 0; i < sizeof(causes) / sizeof(causes[0]); i++) {
		unsigned long slot = causes[i] < EXC_COUNT ? causes[i] : 0;
		unsigned int before = unit_failures();

		setup();
		trap(causes[i], 0, 0);
		trap_by_cause(&v->ctx);
		CHECK_EQ(fake_vm.stops, 1);
		CHECK(fake_vm.stopped == &vm);
		CHECK_EQ(fake_vm.stop_reason, VM_STOP_FAILURE);
		CHECK_STR(fake_vm.stop_msg, "unexpected exception from the guest");
		CHECK_EQ(cpu->vs_traps, 0);
		CHECK_EQ(v->ctx.sepc, PC);
		CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(slot)], 1);
		CHECK_EQ(total_exits(), 1);
		if (unit_failures() != before)
			printf("\t(cause 0x%lx)\n", causes[i]);
	}
}

/* ---- interrupts ---------------------------------------------------------- */

TEST(host_timer_interrupt_serves_the_guests_timer)
{
	setup();
	v->timer_deadline = 500;
	fake_arch.now = 600;
	trap(CAUSE_IRQ_FLAG | IRQ_S_TIMER, 0, 0);
	next = trap_by_cause(&v->ctx);
	CHECK_EQ(fake_keel.prof_guest_ticks, 1);
	CHECK_EQ(cpu->csrs.hvip & MIP_VSTIP, MIP_VSTIP);
	CHECK_EQ(v->timer_deadline, UINT64_MAX);
	CHECK_EQ(v->exit_count[EXIT_SLOT_IRQ(IRQ_S_TIMER)], 1);
	CHECK_EQ(total_exits(), 1);
	CHECK(next == &v->ctx); /* the running vCPU takes it: nothing to schedule */
	CHECK_EQ(cpu->vs_traps, 0);
}

TEST(ipi_and_external_interrupts)
{
	setup();
	trap(CAUSE_IRQ_FLAG | IRQ_S_SOFT, 0, 0);
	trap_by_cause(&v->ctx);
	CHECK_EQ(cpu->ipi_clears, 1);
	CHECK_EQ(fake_keel.hw_irqs, 0);
	CHECK_EQ(v->exit_count[EXIT_SLOT_IRQ(IRQ_S_SOFT)], 1);
	trap(CAUSE_IRQ_FLAG | IRQ_S_EXT, 0, 0);
	trap_by_cause(&v->ctx);
	CHECK_EQ(fake_keel.hw_irqs, 1);
	CHECK_EQ(cpu->ipi_clears, 1);
	CHECK_EQ(v->exit_count[EXIT_SLOT_IRQ(IRQ_S_EXT)], 1);
	CHECK_EQ(fake_keel.prof_guest_ticks, 0);
	CHECK_EQ(total_exits(), 2);
}

/* Not enabled in sie: said, counted, nothing else */
TEST(unexpected_interrupts_are_reported_and_ignored)
{
	static const struct {
		unsigned long code, slot;
		const char *name;
	} rows[] = {
		{ IRQ_VS_SOFT, IRQ_VS_SOFT, "VS software interrupt" },
		{ IRQ_M_EXT, IRQ_M_EXT, "unknown cause" },
		{ 15, 15, "unknown cause" },
		{ 16, 0, "unknown cause" },
		{ 1UL << 40, 0, "unknown cause" },
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char line[96];
		unsigned int before = unit_failures();

		setup();
		trap(CAUSE_IRQ_FLAG | rows[i].code, 0, 0);
		next = trap_by_cause(&v->ctx);
		snprintf(line, sizeof(line), "vCPU guest/0: unexpected %s, ignored", rows[i].name);
		CHECK(fake_printed(line));
		CHECK_EQ(v->exit_count[EXIT_SLOT_IRQ(rows[i].slot)], 1);
		CHECK_EQ(total_exits(), 1);
		CHECK_EQ(cpu->ipi_clears + fake_keel.hw_irqs + fake_keel.prof_guest_ticks, 0);
		CHECK_EQ(fake_vm.stops + cpu->vs_traps, 0);
		CHECK(next == &v->ctx);
		if (unit_failures() != before)
			printf("\t(interrupt %lu)\n", rows[i].code);
	}
}

/* ---- guest page faults --------------------------------------------------- */

/* htval is the guest physical address >> 2; its low 2 bits come from stval */
TEST(guest_page_fault_goes_to_the_device_at_its_gpa)
{
	setup();
	mmio.answer_all = MMIO_DONE;
	trap(EXC_LOAD_GUEST_PAGE_FAULT, UART_GVA + 7, (UART_GVA + 4) >> 2);
	next = trap_by_cause(&v->ctx);
	CHECK_EQ(mmio.calls, 1);
	CHECK_EQ(mmio.gpa, UART_GVA + 7);
	CHECK(mmio.all_regs);
	CHECK_EQ(fake_vm.ram_faults + cpu->vs_traps, 0);
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_LOAD_GUEST_PAGE_FAULT)], 1);
	CHECK(next == &v->ctx);
}

/* RAM not touched since the VM started: zeroed and mapped, and the access runs again */
TEST(guest_page_fault_in_untouched_ram_maps_it)
{
	setup();
	fake_vm.ram_fault_answer = true;
	trap(EXC_STORE_GUEST_PAGE_FAULT, 0x1000, 0x80600000UL >> 2);
	trap_by_cause(&v->ctx);
	CHECK_EQ(mmio.calls, 1);
	CHECK_EQ(fake_vm.ram_faults, 1);
	CHECK_EQ(fake_vm.ram_fault_gpa, 0x80600000UL);
	CHECK_EQ(cpu->vs_traps, 0);
	CHECK_EQ(v->ctx.sepc, PC);
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_STORE_GUEST_PAGE_FAULT)], 1);
}

/* Nothing there: the access fault real hardware would raise, counted like one */
TEST(guest_page_fault_on_nothing_injects_an_access_fault)
{
	static const struct {
		unsigned long scause, injected;
		enum sbi_pmu_fw_event event;
		bool asks_devices;
	} rows[] = {
		{ EXC_LOAD_GUEST_PAGE_FAULT, EXC_LOAD_ACCESS, SBI_PMU_FW_ACCESS_LOAD, true },
		{ EXC_STORE_GUEST_PAGE_FAULT, EXC_STORE_ACCESS, SBI_PMU_FW_ACCESS_STORE, true },
		/* an instruction fetch never reaches a device */
		{ EXC_INST_GUEST_PAGE_FAULT, EXC_INST_ACCESS, SBI_PMU_FW_MAX, false },
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned int before = unit_failures();

		setup();
		start_every_fw_counter();
		trap(rows[i].scause, 0x20000010, 0x20000010 >> 2);
		trap_by_cause(&v->ctx);
		CHECK_EQ(mmio.calls, rows[i].asks_devices);
		CHECK_EQ(fake_vm.ram_faults, 1);
		CHECK_EQ(cpu->vs_traps, 1);
		CHECK_EQ(cpu->csrs.vscause, rows[i].injected);
		CHECK_EQ(cpu->csrs.vstval, 0x20000010);
		CHECK_EQ(cpu->csrs.vsepc, PC);
		CHECK_EQ(v->ctx.sepc, VECTOR);
		CHECK_EQ(total_fw_counted(), rows[i].event == SBI_PMU_FW_MAX ? 0 : 1);
		if (rows[i].event != SBI_PMU_FW_MAX)
			CHECK_EQ(v->pmu.fw[rows[i].event].value, 1);
		CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(rows[i].scause)], 1);
		CHECK_EQ(fake_vm.stops, 0);
		if (unit_failures() != before)
			printf("\t(scause %lu)\n", rows[i].scause);
	}
}

/* The short way names s0-s11: nothing done, and trap.S is asked for all registers */
TEST(guest_page_fault_needing_every_register_asks_for_them)
{
	setup();
	mmio.answer_short = MMIO_NEED_ALL_REGS;
	mmio.answer_all = MMIO_DONE;
	trap(EXC_LOAD_GUEST_PAGE_FAULT, 0x0c000004, 0x0c000004 >> 2);
	next = trap_guest_page_fault(&v->ctx);
	CHECK(next == NEED_ALL_REGS(v));
	CHECK(!mmio.all_regs);
	CHECK_EQ(total_exits(), 0); /* counted once, when it is done */
	CHECK_EQ(fake_vm.ram_faults + cpu->vs_traps, 0);
	/* trap.S saved the rest and calls the general path */
	next = trap_by_cause(&v->ctx);
	CHECK(next == &v->ctx);
	CHECK(mmio.all_regs);
	CHECK_EQ(mmio.calls, 2);
	CHECK_EQ(total_exits(), 1);
}

/* ---- the UART fast path (mmio_fast.h, inline in trap_guest_page_fault) -- */

/* lbu a0, 5(a1) and sb a1, 0(a0) */
#define LBU_A0_5_A1 ((5U << 20) | (11U << 15) | (4U << 12) | (10U << 7) | 0x03U)
#define SB_A1_0_A0 ((11U << 20) | (10U << 15) | (0U << 12) | (0U << 7) | 0x23U)

/* A VM with a UART, its decode cache taught word at PC, as the slow path would */
static void uart_setup(uint32_t word)
{
	struct mmio_access a;

	setup();
	vm.has_uart = true;
	uart16550_init(&vm.uart, NULL, NULL);
	vm.console_pull_at = 1000; /* no console input due before then */
	fake_code(PC, word);
	CHECK_EQ(mmio_decode_insn(word, &a), 0);
	mmio_cache_fill(vm.mmio_cache.insn, PC, word, &a);
}

TEST(uart_status_load_is_served_by_the_fast_path)
{
	uart_setup(LBU_A0_5_A1);
	v->ctx.x[10] = 0x5555;
	trap(EXC_LOAD_GUEST_PAGE_FAULT, UART_GVA + UART_LSR, (UART_GVA + UART_LSR) >> 2);
	next = trap_guest_page_fault(&v->ctx);
	CHECK(next == &v->ctx);
	CHECK_EQ(v->ctx.x[10], UART_LSR_THRE | UART_LSR_TEMT);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_LOAD_GUEST_PAGE_FAULT)], 1);
	CHECK_EQ(mmio.calls, 0);
}

/* Console input due: the slow path pulls it in first */
TEST(uart_load_with_input_due_takes_the_slow_path)
{
	uart_setup(LBU_A0_5_A1);
	mmio.answer_short = MMIO_DONE;
	fake_arch.now = 1000;
	trap(EXC_LOAD_GUEST_PAGE_FAULT, UART_GVA + UART_LSR, (UART_GVA + UART_LSR) >> 2);
	trap_guest_page_fault(&v->ctx);
	CHECK_EQ(mmio.calls, 1);
	CHECK(!mmio.all_regs);
	CHECK_EQ(mmio.gpa, UART_GVA + UART_LSR);
	CHECK_EQ(v->ctx.sepc, PC); /* the fast path changed nothing first */
}

/* A word the decode cache does not know: the slow path, which decodes it */
TEST(uart_load_the_cache_does_not_know_takes_the_slow_path)
{
	uart_setup(LBU_A0_5_A1);
	fake_arch.nr_code = 0;
	fake_code(PC, LBU_A0_5_A1 | (2U << 20)); /* lbu a0, 7(a1) */
	trap(EXC_LOAD_GUEST_PAGE_FAULT, UART_GVA + UART_SCR, (UART_GVA + UART_SCR) >> 2);
	trap_guest_page_fault(&v->ctx);
	CHECK_EQ(mmio.calls, 1);
	CHECK_EQ(mmio.gpa, UART_GVA + UART_SCR);
}

/* One vCPU, a plain console: the byte goes straight to the physical UART */
TEST(uart_thr_store_goes_straight_to_the_console)
{
	volatile uint8_t lsr = CONSOLE_NS_LSR_THRE, thr = 0;

	uart_setup(SB_A1_0_A0);
	vm.console.direct = true;
	console_out.ns_lsr = &lsr;
	console_out.ns_thr = &thr;
	v->ctx.x[11] = 'k';
	trap(EXC_STORE_GUEST_PAGE_FAULT, UART_GVA + UART_THR, (UART_GVA + UART_THR) >> 2);
	next = trap_guest_page_fault(&v->ctx);
	CHECK(next == &v->ctx);
	CHECK_EQ(thr, 'k');
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_STORE_GUEST_PAGE_FAULT)], 1);
	CHECK_EQ(mmio.calls + mmio.thr_calls, 0);
}

/* Not direct (several vCPUs, or a raw console): mmio_fast_thr(), else the slow path */
TEST(uart_thr_store_not_direct_goes_through_the_model)
{
	uart_setup(SB_A1_0_A0);
	mmio.thr_answer = true;
	trap(EXC_STORE_GUEST_PAGE_FAULT, UART_GVA + UART_THR, (UART_GVA + UART_THR) >> 2);
	trap_guest_page_fault(&v->ctx);
	CHECK_EQ(mmio.thr_calls, 1);
	CHECK_EQ(mmio.calls, 0);
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_STORE_GUEST_PAGE_FAULT)], 1);
	mmio.thr_answer = false;
	trap_guest_page_fault(&v->ctx);
	CHECK_EQ(mmio.thr_calls, 2);
	CHECK_EQ(mmio.calls, 1);
	CHECK(!mmio.all_regs);
}

/* ---- virtual instructions ------------------------------------------------ */

#define CSRR_A0_CYCLE 0xc0002573U /* csrr a0, cycle */
#define CSRR_S0_CYCLE 0xc0002473U /* csrr s0, cycle */
#define CSRR_A0_HGATP 0x68002573U /* csrr a0, hgatp: an HS CSR from VS */

static void vinsn(uint32_t insn, bool from_vs)
{
	fake_code(PC, insn);
	trap(EXC_VIRTUAL_INST_FAULT, 0, 0);
	if (!from_vs) {
		fake_arch.trap.hstatus = HSTATUS_SPV;
		fake_arch.trap.sstatus = 0;
	}
	next = trap_virtual_insn(&v->ctx);
}

TEST(wfi_from_vs_blocks_the_vcpu)
{
	setup();
	vinsn(INSN_WFI, true);
	CHECK_EQ(v->run_state, VCPU_BLOCKED);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK(next == SCHEDULED(v)); /* the hart runs another, or idles */
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_VIRTUAL_INST_FAULT)], 1);
	CHECK_EQ(cpu->vs_traps, 0);
}

TEST(wfi_with_an_interrupt_pending_goes_on)
{
	setup();
	cpu->csrs.hvip = MIP_VSTIP;
	cpu->csrs.vsie = MIP_STIP;
	vinsn(INSN_WFI, true);
	CHECK_EQ(v->run_state, VCPU_RUNNABLE);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK(next == &v->ctx);
}

/* From VU a machine with S-mode calls wfi illegal (mstatus.TW is Keel's, VTW) */
TEST(wfi_from_vu_is_an_illegal_instruction)
{
	setup();
	start_every_fw_counter();
	vinsn(INSN_WFI, false);
	CHECK_EQ(v->run_state, VCPU_RUNNABLE);
	CHECK_EQ(cpu->csrs.vscause, EXC_INST_ILLEGAL);
	CHECK_EQ(cpu->csrs.vstval, INSN_WFI);
	CHECK_EQ(v->ctx.sepc, VECTOR);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].value, 1);
}

TEST(other_virtual_instructions_are_illegal)
{
	setup();
	start_every_fw_counter();
	vinsn(CSRR_A0_HGATP, true);
	CHECK_EQ(cpu->vs_traps, 1);
	CHECK_EQ(cpu->csrs.vscause, EXC_INST_ILLEGAL);
	CHECK_EQ(cpu->csrs.vstval, CSRR_A0_HGATP);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].value, 1);
	CHECK_EQ(total_fw_counted(), 1);
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_VIRTUAL_INST_FAULT)], 1);
	CHECK(next == &v->ctx);
}

/* Not readable at pc: illegal with stval 0, and no counted instruction */
TEST(unreadable_virtual_instruction_is_illegal_with_no_tval)
{
	setup();
	start_every_fw_counter();
	trap(EXC_VIRTUAL_INST_FAULT, INSN_WFI, 0); /* a stale stval is not believed */
	next = trap_virtual_insn(&v->ctx);
	CHECK_EQ(fake_arch.insn_reads, 1);
	CHECK_EQ(v->run_state, VCPU_RUNNABLE);
	CHECK_EQ(cpu->csrs.vscause, EXC_INST_ILLEGAL);
	CHECK_EQ(cpu->csrs.vstval, 0);
	CHECK_EQ(total_fw_counted(), 0);
}

/* A counter the guest configured through the SBI PMU: its own count, stopped here */
/* The cycle counter as counter_config_matching leaves it (pmu.c): stopped at value */
static void configure_cycle(uint64_t value)
{
	v->pmu.in_use = 1U << PMU_CTR_CYCLE;
	v->pmu.hw[PMU_CTR_CYCLE] = (struct pmu_hw_counter){ .value = value, .width = 64,
							    .csr = PMU_CTR_CYCLE };
}

TEST(counter_read_is_emulated_from_the_guests_pmu)
{
	setup();
	configure_cycle(1234); /* stopped: the value itself */
	vinsn(CSRR_A0_CYCLE, true);
	CHECK_EQ(v->ctx.x[10], 1234);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK_EQ(cpu->vs_traps, 0);
	/* started: raw - offset */
	v->pmu.hw[PMU_CTR_CYCLE].started = true;
	v->pmu.hw[PMU_CTR_CYCLE].value = 100;
	fake_pmu.raw[PMU_CTR_CYCLE] = 1100;
	v->ctx.sepc = PC;
	vinsn(CSRR_A0_CYCLE, true);
	CHECK_EQ(v->ctx.x[10], 1000);
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_VIRTUAL_INST_FAULT)], 2);
}

/* Not configured: Keel never made it trap, so the guest is wrong to come here */
TEST(counter_read_not_configured_is_illegal)
{
	setup();
	vinsn(CSRR_A0_CYCLE, true);
	CHECK_EQ(cpu->csrs.vscause, EXC_INST_ILLEGAL);
	CHECK_EQ(cpu->csrs.vstval, CSRR_A0_CYCLE);
}

/* From VU the guest kernel's scounteren decides as well */
TEST(counter_read_from_vu_needs_the_guest_kernels_scounteren)
{
	setup();
	configure_cycle(7);
	vinsn(CSRR_A0_CYCLE, false);
	CHECK_EQ(cpu->vs_traps, 1);
	CHECK_EQ(cpu->csrs.vscause, EXC_INST_ILLEGAL);
	setup();
	configure_cycle(7);
	fake_pmu.scounteren = COUNTEREN_CY;
	vinsn(CSRR_A0_CYCLE, false);
	CHECK_EQ(cpu->vs_traps, 0);
	CHECK_EQ(v->ctx.x[10], 7);
}

/* Into s0: not in the short context, so first every register, then the read */
TEST(counter_read_into_a_callee_saved_register_asks_for_them_all)
{
	setup();
	configure_cycle(99);
	v->ctx.x[8] = 0x88;
	vinsn(CSRR_S0_CYCLE, true);
	CHECK(next == NEED_ALL_REGS(v));
	CHECK_EQ(v->ctx.x[8], 0x88);
	CHECK_EQ(v->ctx.sepc, PC);
	CHECK_EQ(total_exits(), 0);
	next = trap_by_cause(&v->ctx);
	CHECK(next == &v->ctx);
	CHECK_EQ(v->ctx.x[8], 99);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK_EQ(total_exits(), 1);
}

/* ---- the fault-loop watch ------------------------------------------------ */

/* The guest's handler faults on its own first instruction, again and again */
TEST(a_handler_that_faults_at_its_own_vector_stops_its_vm)
{
	setup();
	v->ctx.sepc = VECTOR;
	trap(EXC_INST_ILLEGAL, 0, 0);
	trap_by_cause(&v->ctx);
	trap_by_cause(&v->ctx);
	CHECK_EQ(fake_vm.stops, 0);
	CHECK_EQ(v->fault_loop, 2);
	trap_by_cause(&v->ctx);
	CHECK_EQ(fake_vm.stops, 1);
	CHECK_EQ(fake_vm.stop_reason, VM_STOP_FAILURE);
	CHECK(fake_printed("VM 'guest' vCPU 0: illegal instruction at 0x80004000"));
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_INST_ILLEGAL)], 3);
}

/* The fast path's out-of-line half: counted as the exit, watched the same way */
TEST(fault_loop_from_the_fast_path)
{
	setup();
	next = trap_redirect_fault_loop(v, EXC_LOAD_ACCESS, VECTOR, 0x10);
	CHECK(next == &v->ctx);
	trap_redirect_fault_loop(v, EXC_LOAD_ACCESS, VECTOR, 0x10);
	CHECK_EQ(fake_vm.stops, 0);
	trap_redirect_fault_loop(v, EXC_LOAD_ACCESS, VECTOR, 0x10);
	CHECK_EQ(fake_vm.stops, 1);
	CHECK(fake_printed("load access fault at 0x80004000 (tval 0x10)"));
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_LOAD_ACCESS)], 3);
}

/* ---- the profiler's view of an exit (trap_profiled) ---------------------- */

TEST(profiled_exits_are_measured_by_kind)
{
	static const struct {
		unsigned long scause, a7;
		unsigned int slot;
		enum prof_part part;
	} rows[] = {
		{ EXC_INST_ILLEGAL, 0, EXIT_SLOT_EXC(EXC_INST_ILLEGAL), PROF_FAULT },
		{ EXC_LOAD_GUEST_PAGE_FAULT, 0, EXIT_SLOT_EXC(EXC_LOAD_GUEST_PAGE_FAULT), PROF_MMIO },
		{ EXC_INST_GUEST_PAGE_FAULT, 0, EXIT_SLOT_EXC(EXC_INST_GUEST_PAGE_FAULT), PROF_MMIO },
		{ EXC_VIRTUAL_INST_FAULT, 0, EXIT_SLOT_EXC(EXC_VIRTUAL_INST_FAULT), PROF_VINSN },
		{ EXC_ECALL_VS, SBI_EXT_TIME, EXIT_SLOT_SBI(SBI_STAT_TIME), PROF_SBI },
		{ EXC_ECALL_VS, 0x1234, EXIT_SLOT_SBI(SBI_STAT_UNKNOWN), PROF_SBI },
		{ CAUSE_IRQ_FLAG | IRQ_S_SOFT, 0, EXIT_SLOT_IRQ(IRQ_S_SOFT), PROF_IRQ },
		{ CAUSE_IRQ_FLAG | 40, 0, EXIT_SLOT_IRQ(0), PROF_IRQ },
		{ EXC_BREAKPOINT, 0, EXIT_SLOT_EXC(0), PROF_FAULT },
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned int before = unit_failures();

		setup();
		fake_code(PC, INSN_WFI);
		v->ctx.x[17] = rows[i].a7;
		trap(rows[i].scause, 0, 0x20000000 >> 2);
		next = trap_profiled(&v->ctx);
		CHECK_EQ(fake_keel.measures, 1);
		CHECK(fake_keel.measured_vcpu == v);
		CHECK_EQ(fake_keel.measured_slot, rows[i].slot);
		CHECK_EQ(fake_keel.measured_part, rows[i].part);
		CHECK(fake_keel.measured_pc != 0);
		/* the handler was run, once */
		CHECK_EQ(fake_keel.sbi_calls, rows[i].scause == EXC_ECALL_VS);
		CHECK_EQ(total_exits(), rows[i].scause == EXC_ECALL_VS ? 0 : 1);
		if (unit_failures() != before)
			printf("\t(row %u: scause 0x%lx)\n", i, rows[i].scause);
	}
	/* a known extension is charged to its handler, an unknown EID to the dispatcher */
	setup();
	v->ctx.x[17] = SBI_EXT_TIME;
	trap(EXC_ECALL_VS, 0, 0);
	trap_profiled(&v->ctx);
	CHECK(fake_keel.measured_pc == (uintptr_t)fake_sbi_time.handle);
	v->ctx.x[17] = 0x1234;
	trap_profiled(&v->ctx);
	CHECK(fake_keel.measured_pc == (uintptr_t)sbi_dispatch);
}

/* Profiled, every register is saved already: what needs them all goes on at once */
TEST(profiled_exit_that_needs_every_register_is_finished_in_one_go)
{
	setup();
	mmio.answer_short = MMIO_NEED_ALL_REGS;
	mmio.answer_all = MMIO_DONE;
	trap(EXC_STORE_GUEST_PAGE_FAULT, 0x0c000000, 0x0c000000 >> 2);
	next = trap_profiled(&v->ctx);
	CHECK(next == &v->ctx);
	CHECK_EQ(mmio.calls, 2);
	CHECK(mmio.all_regs);
	CHECK_EQ(fake_keel.measures, 1);
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_STORE_GUEST_PAGE_FAULT)], 1);
}
