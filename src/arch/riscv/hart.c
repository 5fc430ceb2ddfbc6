/*
 * Setting up a physical hart for running guests, and finding out what the
 * hardware really implements (the DT can say Sstc is present while the
 * firmware below has not enabled it for HS-mode; a CSR read tells).
 */
#include "arch/riscv/arch.h"
#include "arch/riscv/csr.h"
#include "hart.h"
#include "sbi_defs.h"
#include "vcpu.h"

unsigned long guarded_read_stimecmp(unsigned long *cause);
unsigned long guarded_read_hstateen0(unsigned long *cause);
unsigned long guarded_read_vsiselect(unsigned long *cause);
extern char trap_entry[], trap_entry_profiled[];

struct host_features host;

/*
 * Exceptions a guest handles itself, straight from the hardware. Illegal
 * instruction, misaligned and access faults are NOT here: each vCPU
 * delegates those its guest does not count (HEDELEG_VCPU, below), and the
 * counted ones come to Keel, which counts them (SBI PMU firmware events)
 * before vcpu_redirect() hands them on. Ecalls from VS (SBI) and guest
 * page faults are Keel's by nature.
 */
#define HEDELEG_GUEST ((1UL << EXC_INST_MISALIGNED) | (1UL << EXC_BREAKPOINT) | \
		       (1UL << EXC_ECALL_U) | (1UL << EXC_INST_PAGE_FAULT) |       \
		       (1UL << EXC_LOAD_PAGE_FAULT) | (1UL << EXC_STORE_PAGE_FAULT))

/*
 * Where the firmware cannot hand these traps to Keel (host.fw_redirect_broken,
 * redirect_probe.c), they go to the guest directly: what a guest must see
 * either way. Keel then learns of them from the firmware's own SBI PMU
 * counters instead of its exit path (fw_events.c).
 */
#define HEDELEG_FW_REDIRECTED ((1UL << EXC_INST_ILLEGAL) | (1UL << EXC_LOAD_MISALIGNED) |   \
			       (1UL << EXC_STORE_MISALIGNED) | (1UL << EXC_INST_ACCESS) | \
			       (1UL << EXC_LOAD_ACCESS) | (1UL << EXC_STORE_ACCESS))

/*
 * The share of hedeleg that follows the loaded vCPU (vcpu_delegation_update):
 * the redirected exceptions with an SBI PMU firmware event. An instruction
 * access fault has none, and stays with Keel (its fault-loop watch).
 */
#define HEDELEG_VCPU ((1UL << EXC_INST_ILLEGAL) | (1UL << EXC_LOAD_MISALIGNED) |    \
		      (1UL << EXC_STORE_MISALIGNED) | (1UL << EXC_LOAD_ACCESS) | \
		      (1UL << EXC_STORE_ACCESS))

static unsigned long hedeleg_every_vcpu(void)
{
	return HEDELEG_GUEST | (host.fw_redirect_broken ? HEDELEG_FW_REDIRECTED : 0);
}

static bool trap_entry_profiled_set(void)
{
	return csr_read(CSR_STVEC) == (unsigned long)trap_entry_profiled;
}

void arch_set_guest_delegation(unsigned long causes)
{
	/* while a profile runs every exit is measured: none is handed over */
	if (trap_entry_profiled_set())
		causes = 0;
	csr_write(CSR_HEDELEG, hedeleg_every_vcpu() | (causes & HEDELEG_VCPU));
}

static unsigned int probe_gstage_levels(void)
{
	unsigned long hgatp;

	csr_write(CSR_HGATP, HGATP_MODE_SV48X4 << HGATP_MODE_SHIFT);
	hgatp = csr_read(CSR_HGATP);
	csr_write(CSR_HGATP, 0);
	if ((hgatp >> HGATP_MODE_SHIFT) == HGATP_MODE_SV48X4)
		return 4;
	return 3; /* Sv39x4 is mandatory with the H extension */
}

static unsigned int probe_vmid_bits(void)
{
	unsigned long v;
	unsigned int bits = 0;

	csr_write(CSR_HGATP, HGATP_VMID_MASK << HGATP_VMID_SHIFT);
	v = (csr_read(CSR_HGATP) >> HGATP_VMID_SHIFT) & HGATP_VMID_MASK;
	csr_write(CSR_HGATP, 0);
	while (v & 1) {
		bits++;
		v >>= 1;
	}
	return bits;
}

/*
 * Does a read of vsip show a pending VS timer interrupt? The guest's sip is
 * vsip, so this is what a guest sees. QEMU before 8.0 masks vsip reads
 * down to VSSIP: VSTIP is delivered but never shown, raised through hvip
 * or by vstimecmp alike (fixed upstream by "target/riscv: Fix up masking
 * of vsip/vsie accesses"). Keel cannot make a guest's sip read trap there
 * (that needs the AIA's hvictl.VTI), so it only reports what it found.
 * Each probe leaves the hart as it was: no VS interrupt pending.
 */
static void probe_vsip_shows_vstip(struct host_features *h)
{
	unsigned long hideleg = csr_read(CSR_HIDELEG);

	csr_write(CSR_HIDELEG, VS_INTERRUPTS); /* vsip shows only delegated bits */
	csr_set(CSR_HVIP, MIP_VSTIP);
	h->vsip_shows_hvip_vstip = csr_read(CSR_VSIP) & MIP_STIP; /* at STIP's place */
	csr_clear(CSR_HVIP, MIP_VSTIP);
	if (h->sstc) {
		unsigned long henvcfg = csr_read(CSR_HENVCFG);

		csr_write(CSR_HENVCFG, henvcfg | ENVCFG_STCE);
		csr_write(CSR_VSTIMECMP, 0); /* passed long ago: VSTIP now */
		h->vsip_shows_vstimecmp = csr_read(CSR_VSIP) & MIP_STIP; /* at STIP's place */
		csr_write(CSR_VSTIMECMP, UINT64_MAX);
		csr_write(CSR_HENVCFG, henvcfg);
	}
	csr_write(CSR_HIDELEG, hideleg);
}

/* Does a 1 written to henvcfg.ADUE stick? henvcfg is left as it was. */
static bool adue_sticks(void)
{
	unsigned long henvcfg = csr_read(CSR_HENVCFG);
	bool sticks;

	csr_write(CSR_HENVCFG, henvcfg | ENVCFG_ADUE);
	sticks = csr_read(CSR_HENVCFG) & ENVCFG_ADUE;
	csr_write(CSR_HENVCFG, henvcfg);
	return sticks;
}

/* Ask the firmware's own FWFT (OpenSBI 1.6+) to let S-mode have Svadu, on this hart */
static bool fw_enable_svadu(void)
{
	return fw_sbi_call(SBI_EXT_FWFT, SBI_EXT_FWFT_SET, SBI_FWFT_PTE_AD_HW_UPDATING, 1, 0, 0)
		       .error == SBI_SUCCESS;
}

/*
 * Svadu for guests. henvcfg.ADUE is WARL: it holds a 1 only where the hart
 * has Svadu and the firmware gave it to S-mode (menvcfg.ADUE; QEMU masks
 * henvcfg writes with it). OpenSBI sets menvcfg.ADUE at boot when the DT
 * names Svadu without Svade, and on request through its own FWFT (1.6 and
 * later) otherwise; so where ADUE does not stick at first, Keel asks once
 * and looks again. That also turns on hardware A/D updating for HS-mode
 * and the G-stage, which changes nothing of Keel's: it runs untranslated,
 * and its G-stage leaves have A and D set already (gstage.c).
 */
static void probe_svadu(struct host_features *h)
{
	struct sbiret r;

	h->svadu = adue_sticks();
	if (h->svadu)
		return;
	r = fw_sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, SBI_EXT_FWFT, 0, 0, 0);
	if (r.error || !r.value || !fw_enable_svadu())
		return;
	h->svadu = adue_sticks();
	h->svadu_from_fw = h->svadu;
}

void arch_probe_host(struct host_features *h)
{
	unsigned long cause = 0;
	struct sbiret r;

	guarded_read_stimecmp(&cause);
	h->sstc = cause == 0;
	/*
	 * Probed only where the DT names them: a probe that traps goes
	 * through the firmware's illegal-instruction redirect, which a board
	 * need not get right for HS-mode (and on QEMU 7.2 with OpenSBI 1.1,
	 * after one such trap every guest illegal instruction counted one
	 * instruction more in make bench, none of it in Keel's exit path).
	 */
	if (h->smstateen) {
		/* and the firmware lets HS-mode at it (mstateen0.SE0) */
		cause = 0;
		guarded_read_hstateen0(&cause);
		h->smstateen = cause == 0;
	}
	if (h->vsiselect) {
		/* with Smstateen, hstateen0 keeps guests away from it (arch_hart_init) */
		cause = 0;
		guarded_read_vsiselect(&cause);
		h->vsiselect = cause == 0 && !h->smstateen;
	}
	h->gstage_levels = probe_gstage_levels();
	h->vmid_bits = probe_vmid_bits();
	r = fw_sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_MVENDORID, 0, 0, 0, 0);
	h->mvendorid = r.error ? 0 : r.value;
	r = fw_sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_MARCHID, 0, 0, 0, 0);
	h->marchid = r.error ? 0 : r.value;
	r = fw_sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_MIMPID, 0, 0, 0, 0);
	h->mimpid = r.error ? 0 : r.value;
	r = fw_sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION, 0, 0, 0, 0);
	h->fw_spec_version = r.error ? 0 : r.value;
	r = fw_sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0, 0);
	h->fw_impl_id = r.error ? 0 : r.value;
	h->fw_redirect_broken = !arch_firmware_redirects_to_hs(&h->fw_redirect_cause);
	probe_vsip_shows_vstip(h);
	probe_svadu(h);
}

int arch_hart_init(void)
{
	int r = 0;

	csr_write(CSR_STVEC, (unsigned long)trap_entry);
	csr_write(CSR_SSCRATCH, 0);
	/* a vCPU adds its own share when it is loaded (arch_vcpu_load) */
	csr_write(CSR_HEDELEG, hedeleg_every_vcpu());
	csr_write(CSR_HIDELEG, VS_INTERRUPTS);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HCOUNTEREN, COUNTEREN_CY | COUNTEREN_TM | COUNTEREN_IR);
	csr_write(CSR_HTIMEDELTA, 0);
	csr_write(CSR_HGEIE, 0);
	/*
	 * With Smstateen, a guest reaches of the state it gates only its own
	 * senvcfg (switched per vCPU). sstateen0, the AIA's and Sscsrind's
	 * siselect/sireg, stopei, CTR, scontext, jvt and Zfinx's fcsr have no
	 * VS copy Keel switches: the guest gets an illegal instruction for
	 * them (a virtual-instruction exit first), as on a hart without them,
	 * and its riscv,isa does not name them (guest_fdt.c). hstateen1-3
	 * gate only sstateen1-3, which hold no state yet (and OpenSBI leaves
	 * them to M-mode: writing them would trap).
	 */
	if (host.smstateen)
		csr_write(CSR_HSTATEEN0, HSTATEEN0_ENVCFG);
	/*
	 * menvcfg.ADUE is each hart's own: the boot hart asked in
	 * probe_svadu(), and every VM was promised Svadu (FWFT
	 * PTE_AD_HW_UPDATING) from what it found.
	 */
	if (host.svadu_from_fw && !adue_sticks() && (!fw_enable_svadu() || !adue_sticks()))
		r = -1;
	/* Keel's timer and IPIs; interrupts are taken only while a guest runs */
	csr_write(CSR_SIE, MIP_STIP | MIP_SSIP);
	csr_clear(CSR_SSTATUS, SSTATUS_SIE);
	/*
	 * The FPU stays off in HS (sstatus.FS) until a vCPU is loaded:
	 * arch_vcpu_load() turns it on for the guest. Keel never uses it.
	 */
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	/*
	 * The vector unit stays off for good (sstatus.VS; OpenSBI turns it
	 * on): Keel does not switch vector registers, so a guest's vector
	 * instruction is illegal, and its riscv,isa has no V (guest_fdt.c).
	 */
	csr_clear(CSR_SSTATUS, SSTATUS_VS);
	arch_host_timer_set(UINT64_MAX);
	return r;
}

uint64_t arch_time_now(void)
{
	return csr_read(CSR_TIME);
}

void arch_host_timer_set(uint64_t deadline)
{
	if (host.sstc)
		csr_write(CSR_STIMECMP, deadline);
	else
		fw_set_timer(deadline);
}

unsigned long arch_host_pending(void)
{
	return csr_read(CSR_SIP);
}

void arch_host_ext_irq_enable(void)
{
	csr_set(CSR_SIE, MIP_SEIP);
}

void arch_clear_host_ipi(void)
{
	csr_clear(CSR_SIP, MIP_SSIP);
}

void arch_wait_for_interrupt(void)
{
	__asm__ __volatile__("wfi" ::: "memory");
}

void arch_set_trap_profiled(bool profiled)
{
	struct vcpu *loaded = this_hart()->current;

	csr_write(CSR_STVEC, (unsigned long)(profiled ? trap_entry_profiled : trap_entry));
	/* the loaded vCPU's delegation stops or resumes with it */
	arch_set_guest_delegation(loaded ? loaded->csrs.delegated : 0);
}

unsigned long arch_trap_cause(void)
{
	return csr_read(CSR_SCAUSE);
}
