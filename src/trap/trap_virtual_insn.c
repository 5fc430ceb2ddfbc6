/*
 * Virtual-instruction exits (cause 22): a wfi from VS-mode, a read of a
 * counter CSR Keel emulates, and everything else a guest may not do,
 * which becomes the illegal instruction a machine without H would raise.
 * trap.S's entry, trap_virtual_insn() (trap.c), takes the short ways of
 * src/arch/riscv/trap_vinsn.c first (arch_trap_virtual_insn_fast); this is the
 * general path behind them. Read docs/trap-path.md beside it.
 */
#include <stdint.h>

#include "arch/riscv/arch.h"
#include "exit_stats.h"
#include "pmu/host_pmu.h"
#include "vcpu/trace.h"
#include "trap/trap.h"
#include "vm.h"

/*
 * A read of cycle or instret while the guest has that SBI PMU counter
 * configured: Keel cleared its hcounteren bit (src/sbi/sbi_pmu.c) so the
 * read traps here, and the guest gets its own count, which starts from the
 * value it chose and stands still while stopped (docs/pmu.md).
 */
static bool emulate_counter_read(struct vcpu *v, const struct trap_info *t, uint32_t insn)
{
	unsigned int csr, rd;
	int counter;

	if (pmu_decode_counter_csr(insn, &csr, &rd) != PMU_CSR_READ ||
	    !pmu_emulates_read(&v->pmu, csr))
		return false;
	/* from VU-mode the guest kernel's scounteren must allow it as well */
	if (!(t->hstatus & HSTATUS_SPVP) && !(arch_guest_scounteren() >> csr & 1))
		return false;
	counter = pmu_csr_counter(csr);
	if (rd)
		v->ctx.x[rd] = pmu_counter_value(&v->pmu, (unsigned int)counter, &host_pmu);
	vcpu_skip_insn(v, 4);
	trace_exit(v, t, "csr 0x%x read: PMU counter %d emulated", PMU_CSR_COUNTER_BASE + csr,
		   counter);
	return true;
}

/*
 * The instruction behind a virtual-instruction exception, read from guest
 * memory. stval is not trusted: QEMU 7.2 leaves it stale for a guest's
 * hlv/hsv (it still holds the previous trap's instruction, which made an
 * hlv.d after a wfi look like a wfi: found by guests/hostile). These
 * exits are rare (wfi, emulated counter reads), so the read costs little.
 */
static bool read_virtual_insn(struct vcpu *v, const struct trap_info *t, uint32_t *insn)
{
	unsigned long cause;

	return !arch_guest_read_insn(t, v->ctx.sepc, insn, &cause);
}

/* What the instruction read (ok) at the trapped pc gets */
static void virtual_insn(struct vcpu *v, struct trap_info *t, bool ok, uint32_t insn)
{
	if (!ok) {
		vcpu_inject_exception(v, t, EXC_INST_ILLEGAL, 0);
		return;
	}
	/*
	 * wfi from VS waits for an interrupt; from VU (hstatus.SPVP = 0) a
	 * machine with S-mode calls it illegal, so that is what it gets.
	 */
	if (insn == INSN_WFI && (t->hstatus & HSTATUS_SPVP)) {
		vcpu_skip_insn(v, 4);
		trace_exit(v, t, "wfi: vCPU idles until an interrupt");
		vcpu_block(v);
		return;
	}
	if (emulate_counter_read(v, t, insn))
		return;
	/*
	 * Anything else (an HS CSR from VS, hfence from VS, ...) is what a
	 * machine without the H extension would call an illegal instruction.
	 */
	pmu_incr_fw(&v->pmu, SBI_PMU_FW_ILLEGAL_INSN);
	vcpu_inject_exception(v, t, EXC_INST_ILLEGAL, insn);
	trace_exit(v, t, "insn 0x%08x: illegal instruction injected", insn);
}

/* With every register in ctx (trap_from_guest): read, then the same */
void handle_virtual_insn(struct vcpu *v, struct trap_info *t)
{
	uint32_t insn = 0;
	bool ok = read_virtual_insn(v, t, &insn);

	virtual_insn(v, t, ok, insn);
}

struct vcpu_context *trap_virtual_insn_full(struct vcpu_context *ctx)
{
	struct vcpu *v = (struct vcpu *)ctx;
	struct trap_info t;
	uint32_t insn = 0;
	unsigned int counter, rd;
	bool ok;

	arch_trap_read(&t, ctx);
	ok = read_virtual_insn(v, &t, &insn);
	/* a counter read into s0-s11: first all the registers, then the read */
	if (ok && pmu_decode_counter_csr(insn, &counter, &rd) == PMU_CSR_READ &&
	    ctx_reg_is_callee_saved(rd))
		return (struct vcpu_context *)((uintptr_t)ctx | TRAP_RET_NEED_ALL_REGS);
	virtual_insn(v, &t, ok, insn);
	exit_count(v, EXIT_SLOT_EXC(t.scause));
	return vcpu_schedule(v);
}
