/*
 * The virtual-instruction fast path: the two exits a guest takes over and
 * over, answered without reading the whole trap:
 *   - wfi from VS-mode: with an interrupt already pending and enabled it
 *     ends at once, else the vCPU blocks (vcpu_block());
 *   - csrr rd, cycle / csrr rd, instret while the guest's SBI PMU has that
 *     counter configured (Keel cleared its hcounteren bit, docs/pmu.md),
 *     from VS-mode, into a register trap.S saved.
 * Everything else, and these while tracing or when anything is unusual (a
 * fault or a refusal reading the instruction, VU mode, a read into
 * s0-s11), goes to trap_virtual_insn_full(), the general path, with the
 * trap CSRs as the hardware left them (or as good: fetch_fault_undo()). A
 * profiled exit comes here too (trap_profiled() calls what trap.S calls).
 *
 * The instruction is read from guest memory (HLVX), never taken from stval:
 * QEMU 7.2 leaves stval stale for a guest's hlv/hsv (trap_virtual_insn.c,
 * read_virtual_insn()), and nothing Keel can see tells a stale stval from
 * a fresh one. docs/trap-path.md, "Virtual instructions, the short way".
 */
#include "arch/riscv/arch.h"
#include "arch/riscv/csr.h"
#include "exit_stats.h"
#include "trap/trap.h"

/* csrr rd, cycle and csrr rd, instret (csrrs rd, csr, x0) with rd = 0 */
#define INSN_CSRR_CYCLE 0xc0002073U
#define INSN_CSRR_INSTRET 0xc0202073U
#define INSN_RD_MASK (0x1fU << 7)

/* What a guarded HLVX.WU returns when it faults: no 32-bit read is all ones */
#define FETCH_FAULT (~0UL)

/*
 * The 4 bytes at guest virtual address pc, read as the guest would fetch
 * them (HLVX.WU), or FETCH_FAULT. guarded_hlvx_wu() of guard.S, inline: a
 * call would make arch_trap_virtual_insn_fast() save registers on every
 * exit. stvec points at guard_trap_a0_ones around the read.
 */
static inline unsigned long hlvx_wu_guarded(unsigned long pc)
{
	register unsigned long value __asm__("a0");
	register unsigned long addr __asm__("t3") = pc;

	__asm__ __volatile__("lla	t1, guard_trap_a0_ones\n\t"
			     "csrrw	t1, stvec, t1\n\t"
			     /* hlvx.wu a0, (t3) */
			     ".word	0x68304073 | (28 << 15) | (10 << 7)\n\t"
			     "csrw	stvec, t1"
			     : "=r"(value)
			     : "r"(addr)
			     : "t0", "t1", "memory");
	return value;
}

/*
 * After a fault of the read itself, which changed the trap CSRs: those the
 * full path acts on back as the exit found them (hstatus, sstatus, scause
 * 22); stval, htval and htinst read 0, values the hardware may give a
 * virtual-instruction trap. A 4-byte read a hart refuses (misaligned,
 * across a page) faults the same way, and the full path reads the halves.
 */
static void fetch_fault_undo(unsigned long hstatus, unsigned long sstatus)
{
	csr_write(CSR_HSTATUS, hstatus);
	csr_write(CSR_SSTATUS, sstatus);
	csr_write(CSR_SCAUSE, EXC_VIRTUAL_INST_FAULT);
	csr_write(CSR_STVAL, 0);
	csr_write(CSR_HTVAL, 0);
	csr_write(CSR_HTINST, 0);
}

/* The emulated counter's value (the guest's count), or false if not one */
static inline bool counter_read(struct vcpu *v, unsigned long insn, uint64_t *value)
{
	unsigned int counter;
	uint64_t raw;

	if ((insn & ~INSN_RD_MASK) == INSN_CSRR_CYCLE) {
		counter = PMU_CTR_CYCLE;
		raw = csr_read(CSR_CYCLE);
	} else if ((insn & ~INSN_RD_MASK) == INSN_CSRR_INSTRET) {
		counter = PMU_CTR_INSTRET;
		raw = csr_read(CSR_INSTRET);
	} else {
		return false;
	}
	/* configured: hcounteren traps it (otherwise the guest read it raw) */
	if (!pmu_emulates_read_inline(&v->pmu, counter))
		return false;
	*value = pmu_fixed_value(&v->pmu.hw[counter], raw);
	return true;
}

/*
 * A wfi with nothing pending: past it, and the vCPU gives its hart up. Out
 * of line and reached by a tail call, so the fast path stays a leaf.
 */
static __attribute__((noinline)) struct vcpu_context *wfi_sleeps(struct vcpu *v,
								  unsigned long pc)
{
	v->ctx.sepc = pc + 4;
	exit_count(v, EXIT_SLOT_EXC(EXC_VIRTUAL_INST_FAULT));
	vcpu_block(v);
	return vcpu_schedule(v);
}

struct vcpu_context *arch_trap_virtual_insn_fast(struct vcpu *v)
{
	unsigned long hstatus = csr_read(CSR_HSTATUS), sstatus, pc = v->ctx.sepc, insn;
	uint64_t value;
	unsigned int rd;

	/* from VS-mode only (VU needs scounteren, and its wfi is illegal); C prints traces */
	if (!(hstatus & HSTATUS_SPVP) || v->trace)
		return trap_virtual_insn_full(&v->ctx);
	sstatus = csr_read(CSR_SSTATUS); /* for fetch_fault_undo() */
	insn = hlvx_wu_guarded(pc);
	if (insn == INSN_WFI) {
		/*
		 * vcpu_block()'s test: it is v's own exit, so v is loaded here.
		 * Nothing pending: the vCPU gives its hart up (vcpu_block()),
		 * without the full path reading the instruction again.
		 */
		if (!(csr_read(CSR_HIP) & csr_read(CSR_HIE) & VS_INTERRUPTS))
			return wfi_sleeps(v, pc);
	} else {
		if (insn == FETCH_FAULT) {
			fetch_fault_undo(hstatus, sstatus);
			return trap_virtual_insn_full(&v->ctx);
		}
		rd = (insn & INSN_RD_MASK) >> 7;
		/* s0-s11 are not in the context yet: the full path saves them */
		if (ctx_reg_is_callee_saved(rd) || !counter_read(v, insn, &value))
			return trap_virtual_insn_full(&v->ctx);
		if (rd)
			v->ctx.x[rd] = value;
	}
	v->ctx.sepc = pc + 4;
	exit_count(v, EXIT_SLOT_EXC(EXC_VIRTUAL_INST_FAULT));
	return vcpu_schedule(v);
}
