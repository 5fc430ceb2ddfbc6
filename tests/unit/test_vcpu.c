/*
 * Tests for src/vcpu/vcpu.c: the reset, start and resume states, which
 * redirected exceptions a guest takes without an exit (delegation), the
 * interrupt lines and the timer, the state a redirect leaves in the
 * guest's VS CSRs, the fault-loop watch and the hypervisor fault report.
 *
 * The vCPU lives on harts[0], whose CSRs fake_arch.c models: while the
 * vCPU is loaded (fake_load) its VS CSRs are the hart's, in
 * fake_cpu_of(&harts[0])->csrs, and what vcpu.c writes must land there.
 */
#include <string.h>

#include "core_fixture.h"
#include "fake_arch.h"
#include "fake_keel.h"
#include "fake_pmu_arch.h"
#include "fake_vm.h"
#include "trap/trap.h"
#include "unit.h"

/* The causes a guest may take straight from the firmware while nobody counts them */
#define COUNTED_CAUSES                                                                    \
	((1UL << EXC_INST_ILLEGAL) | (1UL << EXC_LOAD_MISALIGNED) | (1UL << EXC_LOAD_ACCESS) | \
	 (1UL << EXC_STORE_MISALIGNED) | (1UL << EXC_STORE_ACCESS))

static struct vm vm;
static struct vcpu *v;
static struct fake_cpu *cpu;

static void setup(unsigned int nr, bool sstc)
{
	fake_keel_reset();
	fake_arch_reset();
	fake_vm_reset();
	fake_pmu_reset();
	fixture_vm(&vm, "vm0", nr, NULL, sstc);
	v = &vm.vcpus[0];
	cpu = fake_cpu_of(&harts[0]);
}

/* Everything a reset must overwrite, made wrong first */
static void dirty(struct vcpu *u)
{
	memset(u->ctx.x, 0xa5, sizeof(u->ctx.x));
	memset(&u->csrs, 0xa5, sizeof(u->csrs));
	memset(&u->fp, 0xa5, sizeof(u->fp));
	u->timer_deadline = 5;
	u->timer_nudge = 6;
	u->fault_loop = 2;
	u->resume_fresh = true;
	u->ctx.fast = 0;
}

/* ---- reset, start, resume ------------------------------------------------ */

TEST(reset_gives_the_power_on_state)
{
	setup(2, false);
	dirty(v);
	v->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].value = 7;
	v->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started = true;
	v->pmu.in_use = 1U << PMU_CTR_CYCLE;
	v->exit_count[EXIT_SLOT_EXC(EXC_INST_ILLEGAL)] = 9;
	v->exit_cost[EXIT_SLOT_EXC(EXC_INST_ILLEGAL)].measured = 9;
	v->sbi_last = &fake_sbi_time;
	vcpu_reset(v, 0x80001000, 0x87000000);

	CHECK_EQ(v->ctx.sepc, 0x80001000);
	CHECK_EQ(v->ctx.x[10], 0); /* a0: its hart id */
	CHECK_EQ(v->ctx.x[11], 0x87000000);
	for (unsigned int i = 0; i < 32; i++)
		if (i != 11)
			CHECK_EQ(v->ctx.x[i], 0);
	/* S-mode (sret enters VS), 64-bit, wfi traps, interrupts off */
	CHECK_EQ(v->csrs.hstatus, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VTW | HSTATUS_VSXL_64);
	CHECK_EQ(v->csrs.vsstatus, SSTATUS_UXL_64);
	CHECK_EQ(v->csrs.vsie | v->csrs.vstvec | v->csrs.vsscratch | v->csrs.vsepc, 0);
	CHECK_EQ(v->csrs.vscause | v->csrs.vstval | v->csrs.vsatp | v->csrs.hvip, 0);
	CHECK_EQ(v->csrs.senvcfg | v->csrs.vsiselect, 0);
	CHECK_EQ(v->csrs.henvcfg, 0); /* no Sstc for this guest */
	CHECK_EQ(v->csrs.vstimecmp, UINT64_MAX);
	CHECK_EQ(v->csrs.scounteren, SCOUNTEREN_AT_START);
	/* the PMU is reset first: nothing configured, every counter CSR readable */
	CHECK_EQ(v->csrs.hcounteren, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	CHECK_EQ(v->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].value, 0);
	CHECK(!v->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started);
	CHECK_EQ(v->pmu.in_use, 0);
	/* ... so nothing is counted, and the guest takes those causes itself */
	CHECK_EQ(v->csrs.delegated, COUNTED_CAUSES);
	CHECK_EQ(v->timer_deadline, UINT64_MAX);
	CHECK_EQ(v->timer_nudge, UINT64_MAX);
	CHECK_EQ(v->fault_loop, 0);
	CHECK(!v->resume_fresh);
	CHECK_EQ(v->exit_count[EXIT_SLOT_EXC(EXC_INST_ILLEGAL)], 0);
	CHECK_EQ(v->exit_cost[EXIT_SLOT_EXC(EXC_INST_ILLEGAL)].measured, 0);
	CHECK(v->sbi_last == NULL);
	CHECK_EQ(v->fp.fcsr, 0);
	CHECK_EQ(v->fp.f[31], 0);
	CHECK_EQ(v->ctx.fast, CTX_FAST_BASE | CTX_FAST_SET_TIMER);
	/* another vCPU's a0 is its own id */
	vcpu_reset(&vm.vcpus[1], 0x80001000, 0x87000000);
	CHECK_EQ(vm.vcpus[1].ctx.x[10], 1);
}

TEST(reset_with_sstc_lets_the_guest_use_vstimecmp)
{
	setup(1, true);
	dirty(v);
	vcpu_reset(v, FIXTURE_ENTRY, FIXTURE_DTB);
	CHECK_EQ(v->csrs.henvcfg, ENVCFG_STCE);
	CHECK_EQ(v->csrs.vstimecmp, UINT64_MAX);
	CHECK_EQ(v->ctx.fast, CTX_FAST_BASE | CTX_FAST_SET_TIMER | CTX_FAST_SSTC);
}

/* The virtual PLIC's line is the device's, not the hart's: it survives a reset */
TEST(reset_keeps_the_external_interrupt_line)
{
	setup(1, false);
	v->ext_line = true;
	dirty(v);
	vcpu_reset(v, FIXTURE_ENTRY, FIXTURE_DTB);
	CHECK_EQ(v->csrs.hvip, MIP_VSEIP);
}

TEST(reset_while_tracing_delegates_nothing)
{
	setup(1, false);
	v->trace = true;
	vcpu_reset(v, FIXTURE_ENTRY, FIXTURE_DTB);
	CHECK_EQ(v->csrs.delegated, 0);
	CHECK_EQ(v->ctx.fast, 0);
}

/* HSM hart_start: the registers of a fresh hart, its SBI PMU state kept */
TEST(start_state_keeps_the_pmu)
{
	struct vcpu *u;

	setup(2, false);
	u = &vm.vcpus[1];
	dirty(u);
	u->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].value = 5;
	u->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started = true;
	u->pmu.in_use = 1U << PMU_CTR_CYCLE;
	u->exit_count[EXIT_SLOT_EXC(EXC_INST_ILLEGAL)] = 3;
	vcpu_start_state(u, 0x80002000, 0xabc);
	CHECK_EQ(u->ctx.sepc, 0x80002000);
	CHECK_EQ(u->ctx.x[10], 1);
	CHECK_EQ(u->ctx.x[11], 0xabc);
	CHECK_EQ(u->ctx.x[1] | u->ctx.x[2] | u->ctx.x[31], 0);
	CHECK_EQ(u->csrs.vsatp, 0);
	CHECK_EQ(u->csrs.vsstatus, SSTATUS_UXL_64); /* SIE = 0 */
	CHECK_EQ(u->csrs.hstatus, HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_VTW | HSTATUS_VSXL_64);
	CHECK_EQ(u->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].value, 5);
	CHECK(u->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started);
	CHECK_EQ(u->exit_count[EXIT_SLOT_EXC(EXC_INST_ILLEGAL)], 3);
	/* the configured cycle counter traps, the counted cause comes to Keel */
	CHECK_EQ(u->csrs.hcounteren, COUNTEREN_TM | COUNTEREN_IR);
	CHECK_EQ(u->csrs.delegated, COUNTED_CAUSES & ~(1UL << EXC_INST_ILLEGAL));
}

/* Non-retentive resume: pc, a0, a1, satp and SIE; the rest stays */
TEST(resume_state_changes_only_what_the_sbi_says)
{
	setup(1, false);
	v->ctx.x[5] = 0x55;
	v->ctx.x[12] = 0x66;
	v->csrs.vsatp = 0x8000000000012345UL;
	v->csrs.vsstatus = SSTATUS_SIE | SSTATUS_SPIE | SSTATUS_SUM | SSTATUS_UXL_64;
	v->csrs.hstatus = HSTATUS_SPV | HSTATUS_VTW;
	v->csrs.hvip = MIP_VSSIP;
	v->csrs.vstvec = 0x80003000;
	v->resume_fresh = true;
	vcpu_resume_state(v, 0x80004000, 0x77);
	CHECK_EQ(v->ctx.sepc, 0x80004000);
	CHECK_EQ(v->ctx.x[10], 0);
	CHECK_EQ(v->ctx.x[11], 0x77);
	CHECK_EQ(v->ctx.x[5], 0x55);
	CHECK_EQ(v->ctx.x[12], 0x66);
	CHECK_EQ(v->csrs.vsatp, 0);
	CHECK_EQ(v->csrs.vsstatus, SSTATUS_SPIE | SSTATUS_SUM | SSTATUS_UXL_64);
	CHECK_EQ(v->csrs.hstatus, HSTATUS_SPV | HSTATUS_VTW | HSTATUS_SPVP); /* S-mode */
	CHECK_EQ(v->csrs.hvip, MIP_VSSIP); /* pending interrupts stay pending */
	CHECK_EQ(v->csrs.vstvec, 0x80003000);
	CHECK(!v->resume_fresh);
}

/* ---- delegation ---------------------------------------------------------- */

TEST(delegation_follows_the_started_counters)
{
	setup(1, false);
	v->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started = true;
	vcpu_delegation_update(v);
	CHECK_EQ(v->csrs.delegated, COUNTED_CAUSES & ~(1UL << EXC_INST_ILLEGAL));
	/* not loaded: hedeleg is not this vCPU's to write */
	CHECK_EQ(cpu->delegation_writes, 0);

	fake_load(v);
	v->pmu.fw[SBI_PMU_FW_MISALIGNED_LOAD].started = true;
	v->pmu.fw[SBI_PMU_FW_ACCESS_STORE].started = true;
	vcpu_delegation_update(v);
	CHECK_EQ(v->csrs.delegated, (1UL << EXC_STORE_MISALIGNED) | (1UL << EXC_LOAD_ACCESS));
	CHECK_EQ(cpu->delegation_writes, 1);
	CHECK_EQ(cpu->delegation, v->csrs.delegated);
	/* counters that no trap feeds change nothing */
	v->pmu.fw[SBI_PMU_FW_SET_TIMER].started = true;
	vcpu_delegation_update(v);
	CHECK_EQ(v->csrs.delegated, (1UL << EXC_STORE_MISALIGNED) | (1UL << EXC_LOAD_ACCESS));
	/* a traced exit is printed: every one comes to Keel */
	v->trace = true;
	vcpu_delegation_update(v);
	CHECK_EQ(v->csrs.delegated, 0);
	CHECK_EQ(cpu->delegation, 0);
	CHECK_EQ(cpu->delegation_writes, 3);
}

/*
 * SBI FWFT MISALIGNED_EXC_DELEG: the misaligned causes are the guest's
 * even while tracing, unless a started counter counts them
 */
TEST(delegation_of_misaligned_causes_the_guest_asked_for)
{
	const unsigned long misaligned = (1UL << EXC_LOAD_MISALIGNED) | (1UL << EXC_STORE_MISALIGNED);

	setup(1, false);
	v->trace = true;
	vcpu_delegation_update(v);
	CHECK_EQ(v->csrs.delegated, 0);
	v->fwft.f[FWFT_SLOT_MISALIGNED_EXC_DELEG].value = 1;
	vcpu_delegation_update(v);
	CHECK_EQ(v->csrs.delegated, misaligned);
	v->pmu.fw[SBI_PMU_FW_MISALIGNED_LOAD].started = true;
	vcpu_delegation_update(v);
	CHECK_EQ(v->csrs.delegated, 1UL << EXC_STORE_MISALIGNED);
	/* a reset drops the feature's value */
	vcpu_reset(v, FIXTURE_ENTRY, FIXTURE_DTB);
	CHECK_EQ(v->fwft.f[FWFT_SLOT_MISALIGNED_EXC_DELEG].value, 0);
	CHECK_EQ(v->csrs.delegated, 0);
}

/* henvcfg (FWFT PTE_AD_HW_UPDATING): the hart's copy only while loaded here */
TEST(henvcfg_is_written_to_the_hart_only_while_loaded)
{
	setup(1, true);
	fake_load(v);
	v->csrs.henvcfg |= ENVCFG_ADUE;
	vcpu_henvcfg_update(v);
	CHECK_EQ(cpu->henvcfg_writes, 1);
	CHECK_EQ(cpu->csrs.henvcfg, ENVCFG_STCE | ENVCFG_ADUE);
	/* off the hart, the saved copy is all there is: arch_vcpu_load writes it */
	arch_vcpu_save(v);
	harts[0].current = NULL;
	v->csrs.henvcfg = ENVCFG_STCE;
	vcpu_henvcfg_update(v);
	CHECK_EQ(cpu->henvcfg_writes, 1);
}

/* Loaded on its home hart, but the update runs on another hart: no write there */
TEST(delegation_is_written_only_on_the_hart_it_is_loaded_on)
{
	setup(1, false);
	fake_load(v);
	fake_on_hart(&harts[1]);
	v->pmu.fw[SBI_PMU_FW_ILLEGAL_INSN].started = true;
	vcpu_delegation_update(v);
	CHECK_EQ(v->csrs.delegated, COUNTED_CAUSES & ~(1UL << EXC_INST_ILLEGAL));
	CHECK_EQ(cpu->delegation_writes, 0);
	CHECK_EQ(fake_cpu_of(&harts[1])->delegation_writes, 0);
}

/* ---- interrupt lines ----------------------------------------------------- */

TEST(irq_lines_go_to_the_hart_while_loaded_and_to_the_vcpu_otherwise)
{
	setup(1, false);
	vcpu_set_irq(v, IRQ_VS_SOFT);
	CHECK_EQ(v->csrs.hvip, MIP_VSSIP);
	CHECK_EQ(cpu->csrs.hvip, 0);
	vcpu_clear_irq(v, IRQ_VS_SOFT);
	CHECK_EQ(v->csrs.hvip, 0);

	fake_load(v);
	vcpu_set_irq(v, IRQ_VS_EXT);
	vcpu_set_irq(v, IRQ_VS_TIMER);
	CHECK_EQ(cpu->csrs.hvip, MIP_VSEIP | MIP_VSTIP);
	CHECK_EQ(v->csrs.hvip, 0); /* the saved copy is stale while loaded */
	vcpu_clear_irq(v, IRQ_VS_EXT);
	CHECK_EQ(cpu->csrs.hvip, MIP_VSTIP);
	/* saved with the vCPU when it leaves the hart */
	arch_vcpu_save(v);
	CHECK_EQ(v->csrs.hvip, MIP_VSTIP);
}

TEST(irq_pending_from_saved_state_needs_the_guests_enable)
{
	static const struct {
		unsigned long hvip, vsie;
		bool pending;
	} rows[] = {
		{ 0, MIP_SSIP | MIP_STIP | MIP_SEIP, false },
		{ MIP_VSSIP, 0, false },
		{ MIP_VSSIP, MIP_SSIP, true },
		{ MIP_VSTIP, MIP_STIP, true },
		{ MIP_VSEIP, MIP_SEIP, true },
		{ MIP_VSEIP, MIP_SSIP | MIP_STIP, false },
		{ MIP_VSTIP, MIP_SSIP, false },
	};

	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned int before = unit_failures();

		setup(1, false);
		v->csrs.hvip = rows[i].hvip;
		v->csrs.vsie = rows[i].vsie;
		CHECK_EQ(vcpu_irq_pending(v), rows[i].pending);
		/* loaded, the hart answers, from the same bits */
		fake_load(v);
		CHECK_EQ(vcpu_irq_pending(v), rows[i].pending);
		if (unit_failures() != before)
			printf("\t(row %u: hvip 0x%lx vsie 0x%lx)\n", i, rows[i].hvip, rows[i].vsie);
	}
}

/* While loaded, the hart's CSRs decide, not the saved copy */
TEST(irq_pending_of_a_loaded_vcpu_reads_the_hart)
{
	setup(1, false);
	fake_load(v);
	v->csrs.hvip = MIP_VSSIP;
	v->csrs.vsie = MIP_SSIP;
	CHECK(!vcpu_irq_pending(v));
	cpu->csrs.hvip = MIP_VSSIP;
	cpu->csrs.vsie = MIP_SSIP;
	v->csrs.hvip = 0;
	CHECK(vcpu_irq_pending(v));
}

/* With Sstc a saved vCPU's own vstimecmp is an interrupt once it is due */
TEST(irq_pending_with_sstc_compares_vstimecmp_with_now)
{
	setup(1, true);
	v->csrs.vstimecmp = 100;
	v->csrs.vsie = MIP_STIP;
	fake_arch.now = 99;
	CHECK(!vcpu_irq_pending(v));
	fake_arch.now = 100;
	CHECK(vcpu_irq_pending(v));
	v->csrs.vsie = 0;
	CHECK(!vcpu_irq_pending(v));
}

/* ---- the timer ----------------------------------------------------------- */

TEST(set_timer_without_sstc_arms_the_host_timer)
{
	setup(1, false);
	fake_load(v);
	fake_arch.now = 1000;
	vcpu_set_timer(v, 5000);
	CHECK_EQ(v->timer_deadline, 5000);
	CHECK_EQ(cpu->csrs.hvip & MIP_VSTIP, 0);
	CHECK_EQ(cpu->host_timer, 5000);
	CHECK_EQ(harts[0].timer_deadline, 5000);
	/* later: the host timer follows it (it was the time the timer served) */
	vcpu_set_timer(v, 8000);
	CHECK_EQ(v->timer_deadline, 8000);
	CHECK_EQ(cpu->host_timer, 8000);
	/* "no timer" */
	vcpu_set_timer(v, UINT64_MAX);
	CHECK_EQ(v->timer_deadline, UINT64_MAX);
	CHECK_EQ(cpu->host_timer, UINT64_MAX);
	CHECK_EQ(cpu->csrs.hvip & MIP_VSTIP, 0);
}

TEST(set_timer_in_the_past_raises_the_tick_at_once)
{
	setup(1, false);
	fake_load(v);
	fake_arch.now = 1000;
	vcpu_set_timer(v, 1000);
	CHECK_EQ(cpu->csrs.hvip & MIP_VSTIP, MIP_VSTIP);
	CHECK_EQ(v->timer_deadline, UINT64_MAX);
	CHECK_EQ(cpu->host_timer_sets, 0); /* nothing to wait for */
	/* a new deadline retracts the pending tick */
	vcpu_set_timer(v, 2000);
	CHECK_EQ(cpu->csrs.hvip & MIP_VSTIP, 0);
	CHECK_EQ(v->timer_deadline, 2000);
	CHECK_EQ(cpu->host_timer, 2000);
}

/* With Sstc: vstimecmp, and the host timer as a nudge at the same time */
TEST(set_timer_with_sstc_writes_vstimecmp_and_a_nudge)
{
	setup(1, true);
	fake_load(v);
	fake_arch.now = 1000;
	vcpu_set_timer(v, 3000);
	CHECK_EQ(cpu->csrs.vstimecmp, 3000);
	CHECK_EQ(v->timer_nudge, 3000);
	CHECK_EQ(v->timer_deadline, UINT64_MAX);
	CHECK_EQ(cpu->host_timer, 3000);
	CHECK_EQ(cpu->csrs.hvip, 0); /* the hardware raises VSTIP itself */
	vcpu_set_timer(v, 9000);
	CHECK_EQ(cpu->csrs.vstimecmp, 9000);
	CHECK_EQ(cpu->host_timer, 9000);
}

TEST(go_off_disarms_both_timers)
{
	setup(1, true);
	v->timer_deadline = 10;
	v->timer_nudge = 20;
	v->csrs.vstimecmp = 30;
	vcpu_go_off(v);
	CHECK_EQ(v->run_state, VCPU_OFF);
	CHECK_EQ(v->timer_deadline, UINT64_MAX);
	CHECK_EQ(v->timer_nudge, UINT64_MAX);
	CHECK_EQ(v->csrs.vstimecmp, 30);
}

/* ---- wfi ----------------------------------------------------------------- */

TEST(block_gives_the_hart_up_unless_an_interrupt_is_pending)
{
	setup(1, false);
	fake_load(v);
	cpu->csrs.hvip = MIP_VSSIP;
	cpu->csrs.vsie = MIP_SSIP;
	vcpu_block(v);
	CHECK_EQ(v->run_state, VCPU_RUNNABLE); /* a no-op, as on hardware */
	CHECK_EQ(harts[0].work, 0);
	cpu->csrs.vsie = 0;
	vcpu_block(v);
	CHECK_EQ(v->run_state, VCPU_BLOCKED);
	CHECK_EQ(harts[0].work, 1);
	CHECK_EQ(fake_arch.ipis, 0); /* its own hart: no IPI */
}

/* ---- redirects ----------------------------------------------------------- */

static struct trap_info guest_trap(unsigned long scause, unsigned long stval, bool from_vs)
{
	return (struct trap_info){
		.scause = scause,
		.stval = stval,
		.hstatus = HSTATUS_SPV | (from_vs ? HSTATUS_SPVP : 0),
		.sstatus = from_vs ? SSTATUS_SPP : 0,
		.sepc = v->ctx.sepc,
		.regs = &v->ctx,
	};
}

TEST(redirect_from_vs_writes_the_guests_trap_state)
{
	struct trap_info t;

	setup(1, false);
	fake_load(v);
	cpu->csrs.vstvec = 0x80004001; /* vectored: exceptions still go to the base */
	cpu->csrs.vsstatus = SSTATUS_SIE | SSTATUS_SUM | SSTATUS_UXL_64;
	cpu->csrs.vsepc = 0x1111;
	v->ctx.sepc = 0x80001000;
	t = guest_trap(EXC_INST_ILLEGAL, 0xdeadbeef, true);
	vcpu_redirect(v, &t);
	CHECK_EQ(cpu->csrs.vsepc, 0x80001000);
	CHECK_EQ(cpu->csrs.vscause, EXC_INST_ILLEGAL);
	CHECK_EQ(cpu->csrs.vstval, 0xdeadbeef);
	CHECK_EQ(cpu->csrs.vsstatus, SSTATUS_SPIE | SSTATUS_SPP | SSTATUS_SUM | SSTATUS_UXL_64);
	CHECK_EQ(v->ctx.sepc, 0x80004000);
	CHECK_EQ(cpu->sstatus & SSTATUS_SPP, SSTATUS_SPP);
	CHECK_EQ(cpu->csrs.hstatus & HSTATUS_SPVP, HSTATUS_SPVP);
	CHECK_EQ(cpu->vs_traps, 1);
	CHECK_EQ(v->fault_loop, 0);
	CHECK_EQ(fake_keel.halts + fake_vm.stops, 0);
	CHECK_EQ(fake_keel.traces, 0);
}

/* From VU: vsstatus.SPP = 0, and the handler still runs in VS */
TEST(redirect_from_vu_clears_spp_and_enters_vs)
{
	struct trap_info t;

	setup(1, false);
	fake_load(v);
	cpu->csrs.vstvec = 0x80004000;
	cpu->csrs.vsstatus = SSTATUS_SPP | SSTATUS_UXL_64; /* stale from an earlier trap */
	cpu->csrs.hstatus &= ~HSTATUS_SPVP;
	cpu->sstatus = 0;
	v->ctx.sepc = 0x10000;
	t = guest_trap(EXC_LOAD_MISALIGNED, 0x10003, false);
	vcpu_redirect(v, &t);
	CHECK_EQ(cpu->csrs.vsepc, 0x10000);
	CHECK_EQ(cpu->csrs.vscause, EXC_LOAD_MISALIGNED);
	CHECK_EQ(cpu->csrs.vstval, 0x10003);
	CHECK_EQ(cpu->csrs.vsstatus, SSTATUS_UXL_64); /* SPP, SPIE (SIE was 0), SIE: 0 */
	CHECK(!cpu->vs_trap_from_vs);
	CHECK_EQ(v->ctx.sepc, 0x80004000);
	CHECK_EQ(cpu->sstatus & SSTATUS_SPP, SSTATUS_SPP);
	CHECK_EQ(cpu->csrs.hstatus & HSTATUS_SPVP, HSTATUS_SPVP);
}

TEST(redirect_while_tracing_says_so)
{
	struct trap_info t;

	setup(1, false);
	v->trace = true;
	fake_load(v);
	cpu->csrs.vstvec = 0x80004000;
	t = guest_trap(EXC_STORE_ACCESS, 0x10, true);
	vcpu_redirect(v, &t);
	CHECK_EQ(fake_keel.traces, 1);
	CHECK_STR(fake_keel.trace_line, "redirected to the guest's handler");
	CHECK_EQ(cpu->csrs.vscause, EXC_STORE_ACCESS);
}

static const struct trap_info *redirected;

static void run_redirect(void *vcpu)
{
	vcpu_redirect(vcpu, redirected);
}

/* Both witnesses or none: a guest exit without SPV is Keel's fault */
TEST(redirect_without_spv_is_a_hypervisor_fault)
{
	struct trap_info t;

	setup(1, false);
	fake_load(v);
	v->ctx.sepc = 0x80001000;
	t = guest_trap(EXC_INST_ILLEGAL, 0, true);
	t.hstatus &= ~HSTATUS_SPV;
	redirected = &t;
	CHECK(fake_halts(run_redirect, v));
	CHECK_EQ(fake_keel.halts, 1);
	CHECK(fake_printed("==== hypervisor fault (hstatus.SPV = 0 on a guest exit) on hart 0 ===="));
	/* the guest was not touched */
	CHECK_EQ(cpu->vs_traps, 0);
	CHECK_EQ(v->ctx.sepc, 0x80001000);
}

/* No vCPU (trap_from_keel()): a fault whatever SPV says, a stale 1 included */
TEST(redirect_with_no_vcpu_is_a_hypervisor_fault)
{
	struct vcpu_context frame = { .sepc = 0x80201234 };
	struct trap_info t = {
		.scause = EXC_LOAD_ACCESS,
		.stval = 0x42,
		.hstatus = HSTATUS_SPV,
		.sepc = 0x80201234,
		.regs = &frame,
	};

	setup(1, false);
	frame.x[1] = 0x80205678;
	frame.x[10] = 0xa0a0;
	keel_load_offset = 0x1000;
	redirected = &t;
	CHECK(fake_halts(run_redirect, NULL));
	CHECK_EQ(fake_keel.halts, 1);
	CHECK(fake_printed("==== hypervisor fault (a trap in Keel itself) on hart 0 ===="));
	CHECK(fake_printed("scause 0x5 (load access fault)  stval 0x42  sepc 0x80201234"));
	CHECK(fake_printed("(SPV=1, may be stale"));
	CHECK(fake_printed("  ra 0000000080205678"));
	CHECK(fake_printed("  a0 000000000000a0a0"));
	CHECK(fake_printed("in keel.elf, sepc is 0x80200234, ra 0x80204678"));
	CHECK(fake_printed("this hart is stopped; the fault is Keel's, not a guest's"));
}

/* ---- injected exceptions and the fault-loop watch ------------------------ */

TEST(inject_takes_the_mode_from_sstatus_spp)
{
	struct trap_info t;

	setup(1, false);
	fake_load(v);
	cpu->csrs.vstvec = 0x80004000;
	v->ctx.sepc = 0x80001000;
	t = guest_trap(EXC_LOAD_GUEST_PAGE_FAULT, 0x10000100, true);
	vcpu_inject_exception(v, &t, EXC_LOAD_ACCESS, 0x10000100);
	CHECK_EQ(cpu->csrs.vscause, EXC_LOAD_ACCESS);
	CHECK_EQ(cpu->csrs.vstval, 0x10000100);
	CHECK(cpu->vs_trap_from_vs);
	v->ctx.sepc = 0x80001000;
	t.sstatus = 0;
	vcpu_inject_exception(v, &t, EXC_INST_ILLEGAL, 0);
	CHECK(!cpu->vs_trap_from_vs);
	CHECK_EQ(cpu->csrs.vsstatus & SSTATUS_SPP, 0);
}

/* A handler that faults on its own first instruction: the third time stops the VM */
TEST(fault_loop_stops_the_vm_at_the_third_entry)
{
	struct trap_info t;

	setup(1, false);
	fake_load(v);
	cpu->csrs.vstvec = 0x80004000;
	v->ctx.sepc = 0x80004000;
	t = guest_trap(EXC_INST_ACCESS, 0x80004000, true);
	vcpu_inject_exception(v, &t, EXC_INST_ACCESS, 0x80004000);
	CHECK_EQ(v->fault_loop, 1);
	vcpu_inject_exception(v, &t, EXC_INST_ACCESS, 0x80004000);
	CHECK_EQ(v->fault_loop, 2);
	CHECK_EQ(fake_vm.stops, 0);
	vcpu_inject_exception(v, &t, EXC_INST_ACCESS, 0x80004000);
	CHECK_EQ(fake_vm.stops, 1);
	CHECK(fake_vm.stopped == &vm);
	CHECK_EQ(fake_vm.stop_reason, VM_STOP_FAILURE);
	CHECK_STR(fake_vm.stop_msg, "its trap handler cannot run (fault loop)");
	CHECK(fake_printed("VM 'vm0' vCPU 0: instruction access fault at 0x80004000 (tval "
			   "0x80004000), which is its own trap vector (stvec)"));
}

TEST(fault_loop_count_ends_when_the_guest_moves_on)
{
	struct trap_info t;

	setup(1, false);
	fake_load(v);
	cpu->csrs.vstvec = 0x80004000;
	v->ctx.sepc = 0x80004000;
	t = guest_trap(EXC_INST_ILLEGAL, 0, true);
	vcpu_inject_exception(v, &t, EXC_INST_ILLEGAL, 0);
	vcpu_inject_exception(v, &t, EXC_INST_ILLEGAL, 0);
	CHECK_EQ(v->fault_loop, 2);
	/* the handler ran on and trapped somewhere else */
	v->ctx.sepc = 0x80004010;
	vcpu_inject_exception(v, &t, EXC_INST_ILLEGAL, 0);
	CHECK_EQ(v->fault_loop, 0);
	v->ctx.sepc = 0x80004000;
	vcpu_inject_exception(v, &t, EXC_INST_ILLEGAL, 0);
	vcpu_inject_exception(v, &t, EXC_INST_ILLEGAL, 0);
	CHECK_EQ(fake_vm.stops, 0);
	/* the fast path's out-of-line half counts the same way */
	vcpu_fault_loop_hit(v, EXC_INST_ILLEGAL, 0x80004000, 0);
	CHECK_EQ(fake_vm.stops, 1);
}
