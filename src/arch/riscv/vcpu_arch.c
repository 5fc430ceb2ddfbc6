/*
 * The CSR side of a vCPU: loading its VS state onto a hart, reading a
 * trap, entering the guest's own trap handler, and its interrupt lines.
 */
#include "arch/riscv/arch.h"
#include "arch/riscv/csr.h"
#include "arch/riscv/vs_trap.h"

void fp_save(struct vcpu_fp *fp);
void fp_restore(const struct vcpu_fp *fp);
unsigned long guarded_hlvx_hu(unsigned long addr, unsigned long *cause);
unsigned long guarded_hlvx_wu(unsigned long addr, unsigned long *cause);
unsigned long guarded_hlv_d(unsigned long addr, unsigned long *cause);

void arch_vcpu_load(struct vcpu *v, uint64_t hgatp)
{
	struct vcpu_csrs *c = &v->csrs;

	csr_write(CSR_HGATP, hgatp);
	csr_write(CSR_HSTATUS, c->hstatus);
	csr_write(CSR_HENVCFG, c->henvcfg);
	csr_write(CSR_HCOUNTEREN, c->hcounteren);
	arch_set_guest_delegation(c->delegated);
	/* no VS copies: the guest's accesses reach these two */
	csr_write(CSR_SCOUNTEREN, c->scounteren);
	csr_write(CSR_SENVCFG, c->senvcfg);
	if (host.vsiselect)
		csr_write(CSR_VSISELECT, c->vsiselect);
	csr_write(CSR_VSSTATUS, c->vsstatus);
	csr_write(CSR_VSIE, c->vsie);
	csr_write(CSR_VSTVEC, c->vstvec);
	csr_write(CSR_VSSCRATCH, c->vsscratch);
	csr_write(CSR_VSEPC, c->vsepc);
	csr_write(CSR_VSCAUSE, c->vscause);
	csr_write(CSR_VSTVAL, c->vstval);
	csr_write(CSR_VSATP, c->vsatp);
	/*
	 * A guest without Sstc keeps UINT64_MAX here: QEMU 10.0 raises VSTIP
	 * from vstimecmp even while henvcfg.STCE is 0, so a stale or reset
	 * value would show the guest a timer interrupt Keel never set.
	 * Before hvip: QEMU 7.2 clears mip.VSTIP on a vstimecmp write, which
	 * would drop the VSTIP Keel injects for such a guest.
	 */
	if (host.sstc)
		csr_write(CSR_VSTIMECMP, c->vstimecmp);
	csr_write(CSR_HVIP, c->hvip);
	if (host.fpu) {
		/* the FPU must be on (sstatus.FS) for Keel to load it */
		csr_set(CSR_SSTATUS, SSTATUS_FS_INITIAL);
		fp_restore(&v->fp);
		/* clean: unchanged since loaded, nothing to save unless written */
		csr_clear(CSR_SSTATUS, SSTATUS_FS);
		csr_set(CSR_SSTATUS, SSTATUS_FS_CLEAN);
	}
	/* sret goes to VS-mode (SPP = 1 for a vCPU's first entry) */
	if (c->hstatus & HSTATUS_SPVP)
		csr_set(CSR_SSTATUS, SSTATUS_SPP);
	else
		csr_clear(CSR_SSTATUS, SSTATUS_SPP);
	/* The guest's translations under another VMID may be stale. */
	arch_hfence_gvma_vmid((hgatp >> HGATP_VMID_SHIFT) & HGATP_VMID_MASK);
	arch_hfence_vvma_all();
}

void arch_vcpu_save(struct vcpu *v)
{
	struct vcpu_csrs *c = &v->csrs;

	c->hstatus = csr_read(CSR_HSTATUS);
	c->vsstatus = csr_read(CSR_VSSTATUS);
	c->vsie = csr_read(CSR_VSIE);
	c->vstvec = csr_read(CSR_VSTVEC);
	c->vsscratch = csr_read(CSR_VSSCRATCH);
	c->vsepc = csr_read(CSR_VSEPC);
	c->vscause = csr_read(CSR_VSCAUSE);
	c->vstval = csr_read(CSR_VSTVAL);
	c->vsatp = csr_read(CSR_VSATP);
	c->hvip = csr_read(CSR_HVIP);
	c->scounteren = csr_read(CSR_SCOUNTEREN);
	c->senvcfg = csr_read(CSR_SENVCFG);
	if (host.vsiselect)
		c->vsiselect = csr_read(CSR_VSISELECT);
	if (c->henvcfg & ENVCFG_STCE)
		c->vstimecmp = csr_read(CSR_VSTIMECMP);
	/* The guest's FP registers are saved only when it wrote them. */
	if (host.fpu && (csr_read(CSR_SSTATUS) & SSTATUS_FS) == SSTATUS_FS_DIRTY) {
		fp_save(&v->fp);
		csr_clear(CSR_SSTATUS, SSTATUS_FS);
		csr_set(CSR_SSTATUS, SSTATUS_FS_CLEAN);
	}
}

unsigned long arch_guest_hstatus(void)
{
	return csr_read(CSR_HSTATUS);
}

void arch_trap_read(struct trap_info *t, struct vcpu_context *regs)
{
	t->scause = csr_read(CSR_SCAUSE);
	t->stval = csr_read(CSR_STVAL);
	t->htval = csr_read(CSR_HTVAL);
	t->htinst = csr_read(CSR_HTINST);
	t->hstatus = csr_read(CSR_HSTATUS);
	t->sstatus = csr_read(CSR_SSTATUS);
	t->regs = regs;
	t->sepc = regs->sepc;
}

void arch_vcpu_enter_vs_trap(struct vcpu *v, unsigned long cause, unsigned long tval,
			     bool from_vs)
{
	vcpu_enter_vs_trap(v, cause, tval, from_vs);
}

void arch_set_henvcfg(unsigned long henvcfg)
{
	csr_write(CSR_HENVCFG, henvcfg);
}

void arch_set_vstimecmp(uint64_t deadline)
{
	csr_write(CSR_VSTIMECMP, deadline);
}

void arch_set_hvip(unsigned long bits)
{
	csr_set(CSR_HVIP, bits);
}

void arch_clear_hvip(unsigned long bits)
{
	csr_clear(CSR_HVIP, bits);
}

unsigned long arch_vs_pending_enabled(void)
{
	/* hip/hie show the VS bits as the guest's sip/sie see them */
	return csr_read(CSR_HIP) & csr_read(CSR_HIE) & VS_INTERRUPTS;
}

int arch_guest_read_insn(const struct trap_info *t, unsigned long gva, uint32_t *insn,
			 unsigned long *cause)
{
	unsigned long lo, hi = 0;
	bool refused = false;

	*cause = 0;
	if ((gva & (PAGE_SIZE - 1)) <= PAGE_SIZE - 4) {
		/*
		 * All four bytes in one page: one read will do. A hart may
		 * refuse a misaligned HLVX (QEMU does not); then read the two
		 * halves as below.
		 */
		lo = guarded_hlvx_wu(gva, cause);
		if (!*cause) {
			if ((lo & 3) != 3)
				lo &= 0xffff;
			*insn = (uint32_t)lo;
			return 0;
		}
		if (*cause != EXC_LOAD_MISALIGNED && *cause != EXC_LOAD_ACCESS)
			goto fault;
		/* the refused read was a trap all the same: CSRs are restored below */
		*cause = 0;
		refused = true;
	}
	lo = guarded_hlvx_hu(gva, cause);
	/* a 32-bit instruction may straddle a page: read the halves apart */
	if (!*cause && (lo & 3) == 3)
		hi = guarded_hlvx_hu(gva + 2, cause);
	*insn = (uint32_t)(lo | (hi << 16));
	if (!*cause && !refused)
		return 0;
fault:
	/*
	 * The fault was taken by Keel itself, which set hstatus.SPV = 0,
	 * sstatus.SPP = 1, sepc and the trap CSRs: put back what the guest's
	 * trap left, so the return to the guest still goes to the guest and a
	 * handler that reads the trap again (the long path of trap.S) sees it.
	 */
	csr_write(CSR_HSTATUS, t->hstatus);
	csr_write(CSR_SSTATUS, t->sstatus);
	csr_write(CSR_SEPC, t->sepc);
	csr_write(CSR_SCAUSE, t->scause);
	csr_write(CSR_STVAL, t->stval);
	csr_write(CSR_HTVAL, t->htval);
	csr_write(CSR_HTINST, t->htinst);
	return *cause ? -1 : 0;
}

int arch_guest_load_u64(unsigned long gva, uint64_t *value)
{
	unsigned long hstatus = csr_read(CSR_HSTATUS);
	unsigned long sstatus = csr_read(CSR_SSTATUS);
	unsigned long sepc = csr_read(CSR_SEPC);
	unsigned long cause = 0;

	*value = guarded_hlv_d(gva, &cause);
	if (!cause)
		return 0;
	/* see arch_guest_read_insn: a fault taken by Keel changed these */
	csr_write(CSR_HSTATUS, hstatus);
	csr_write(CSR_SSTATUS, sstatus);
	csr_write(CSR_SEPC, sepc);
	return -1;
}
