/*
 * What the rest of Keel asks of src/arch/, the only code that touches CSRs.
 */
#ifndef KEEL_ARCH_H
#define KEEL_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include "must_check.h"
#include "sbi_defs.h"
/* pointers only: arch sits below the vCPU code and knows none of its fields */
struct vcpu;
struct vcpu_context;
struct trap_info;

struct host_features {
	bool sstc;              /* stimecmp usable from HS */
	/*
	 * hstateen0 usable from HS: Keel sets what guests reach. The caller
	 * sets it when the DT names Smstateen; arch_probe_host() keeps it if
	 * a read of hstateen0 does not trap.
	 */
	bool smstateen;
	/*
	 * A guest's siselect (Ssaia, Sscsrind) reaches vsiselect, which Keel
	 * then switches per vCPU: the DT names one of them, vsiselect reads,
	 * and there is no Smstateen to deny it. Set and kept as smstateen.
	 */
	bool vsiselect;
	bool fpu;               /* 'd' in riscv,isa: guests' FP state is switched */
	unsigned int gstage_levels; /* 4 = Sv48x4, 3 = Sv39x4 */
	unsigned int vmid_bits;
	unsigned long mvendorid, marchid, mimpid;
	unsigned long fw_spec_version, fw_impl_id;
	/*
	 * The firmware sends a guest's illegal-instruction, misaligned and
	 * access-fault traps to HS-mode as it should (redirect_probe.c). When
	 * not (QEMU 10.0), hedeleg hands them to the guests instead.
	 */
	bool fw_redirect_broken;
	unsigned long fw_redirect_cause; /* scause the probe saw */
	/*
	 * A read of vsip (a guest's sip) shows VSTIP when hvip raises it, and
	 * when vstimecmp does (Sstc only): both false on QEMU before 8.0,
	 * which delivers the interrupt but hides it from the guest's sip.
	 */
	bool vsip_shows_hvip_vstip, vsip_shows_vstimecmp;
	/*
	 * Svadu for guests: henvcfg.ADUE holds a 1, so hardware can update
	 * the A/D bits of a guest's own page tables when it asks (SBI FWFT
	 * PTE_AD_HW_UPDATING). svadu_from_fw: only after Keel asked the
	 * firmware's own FWFT for it (menvcfg.ADUE), which each hart must do.
	 */
	bool svadu, svadu_from_fw;
};

extern struct host_features host;

/*
 * Find out what the hart really supports (Sstc, hgatp modes, VMID width;
 * Smstateen and vsiselect where the DT says so: smstateen, vsiselect).
 */
void arch_probe_host(struct host_features *h);
/*
 * Run one guest trap through the firmware's redirect and see it land: true
 * when it reaches HS-mode (seen_cause: the scause Keel saw). Boot hart only.
 */
bool arch_firmware_redirects_to_hs(unsigned long *seen_cause);
/*
 * Per-hart hypervisor setup: stvec, trap delegation, interrupt enables.
 * 0, or -1 when this hart cannot give guests what the boot hart's probe
 * found and promised them (Svadu: the firmware's FWFT refused it here).
 */
int arch_hart_init(void) MUST_CHECK;

/* Host time and the host timer (stimecmp with Sstc, else SBI TIME). */
uint64_t arch_time_now(void);
void arch_host_timer_set(uint64_t deadline);
/* Pending host interrupts (sip) and wait for one (wfi with SIE = 0). */
unsigned long arch_host_pending(void);
void arch_clear_host_ipi(void);
/* Take host external interrupts on this hart too (sie.SEIE) */
void arch_host_ext_irq_enable(void);
void arch_wait_for_interrupt(void);

/*
 * Load a vCPU's VS state into the hart / save it back (the save is for
 * switching vCPUs on a hart, which comes with the SMP scheduler).
 */
void arch_vcpu_load(struct vcpu *v, uint64_t hgatp);
void arch_vcpu_save(struct vcpu *v);
/*
 * The loaded vCPU's share of hedeleg: the illegal-instruction, misaligned
 * and access-fault causes (1 << cause) its guest takes straight from the
 * firmware. None while this hart's exits are profiled.
 */
void arch_set_guest_delegation(unsigned long causes);
/* The loaded vCPU's henvcfg changed (its csrs.henvcfg) */
void arch_set_henvcfg(unsigned long henvcfg);
/* hstatus now: during an exit, SPVP says whether the guest was in VS or VU */
unsigned long arch_guest_hstatus(void);
/* Read what the trap that just happened looked like. */
void arch_trap_read(struct trap_info *t, struct vcpu_context *regs);
/* scause alone */
unsigned long arch_trap_cause(void);
/*
 * This hart's trap entry: trap_entry_profiled, which stamps and measures
 * every exit, while a profile runs; trap_entry otherwise (trap.S).
 */
void arch_set_trap_profiled(bool profiled);
/* Enter the guest exception handler as hardware would (vsepc, vscause...). */
void arch_vcpu_enter_vs_trap(struct vcpu *v, unsigned long cause, unsigned long tval,
			     bool from_vs);
/*
 * trap_from_guest() the short way, for an exception Keel redirects as it
 * is (illegal instruction, misaligned and access faults): counted, handed
 * to the guest's handler and the exit ended, in one leaf function. Not
 * while tracing, nor for a trap that did not come from the guest: those,
 * and every other cause, go on to trap_by_cause().
 */
struct vcpu_context *arch_trap_redirect_fast(struct vcpu *v);
/*
 * trap_virtual_insn() the short way: a wfi from VS-mode that ends at once
 * (an interrupt pending and enabled) and an emulated csrr of cycle or
 * instret into a caller-saved register. The rest, and these while tracing,
 * go on to trap_virtual_insn_full() with the trap CSRs intact.
 */
struct vcpu_context *arch_trap_virtual_insn_fast(struct vcpu *v);
/* The loaded vCPU's own timer compare (Sstc for the guest) */
void arch_set_vstimecmp(uint64_t deadline);
/* hvip bits of the loaded vCPU */
void arch_set_hvip(unsigned long bits);
void arch_clear_hvip(unsigned long bits);
/* VS interrupts pending and enabled for the loaded vCPU */
unsigned long arch_vs_pending_enabled(void);

/*
 * The guests' SBI PMU (src/arch/riscv/pmu_csr.c): a raw counter CSR, 0xc00 + csr
 * (0 cycle, 2 instret, 3..31 hpmcounterN), hcounteren of the loaded vCPU,
 * and the scounteren its kernel set for its user mode.
 */
uint64_t arch_pmu_read_raw(unsigned int csr);
/* Keel's own view of the counters, for the exit statistics */
uint64_t arch_read_instret(void);
uint64_t arch_read_cycle(void);
void arch_set_hcounteren(unsigned long value);
unsigned long arch_guest_scounteren(void);

/*
 * Read guest instruction/memory through the guest's own translation
 * (HLVX/HLV). They cannot crash Keel: a fault returns -1 and the trap's
 * cause in *cause.
 */
int arch_guest_read_insn(const struct trap_info *t, unsigned long gva, uint32_t *insn,
			 unsigned long *cause) MUST_CHECK;

/*
 * Read a 64-bit value at guest virtual address gva of the loaded vCPU, as
 * the guest's own load would see it (HLV.D, with the guest's translation
 * and privilege). Returns 0, or -1 when the guest could not read it there.
 */
int arch_guest_load_u64(unsigned long gva, uint64_t *value) MUST_CHECK;

/* TLB maintenance */
void arch_hfence_gvma_vmid(unsigned int vmid);
void arch_hfence_vvma_all(void);
void arch_hfence_vvma_asid(unsigned long asid);
void arch_hfence_vvma_addr(unsigned long addr);
void arch_fence_i(void);

/* First entry into a guest context on this hart; never returns. */
void guest_enter(struct vcpu_context *ctx) __attribute__((noreturn));

/*
 * SBI calls from Keel to the firmware below it (OpenSBI): the firmware's
 * SBI error code in error, which every caller looks at (docs/errors.md,
 * "Calls to the firmware").
 */
struct sbiret {
	long error;
	unsigned long value;
};
struct sbiret fw_sbi_call(unsigned long eid, unsigned long fid, unsigned long a0,
			  unsigned long a1, unsigned long a2, unsigned long a3) MUST_CHECK;
/* The same with a fifth argument (a4): SBI PMU counter_config_matching's event_data */
struct sbiret fw_sbi_call5(unsigned long eid, unsigned long fid, unsigned long a0,
			   unsigned long a1, unsigned long a2, unsigned long a3,
			   unsigned long a4) MUST_CHECK;
/* Power the machine off (SRST, or else the legacy call); never returns */
void fw_system_reset(unsigned long type, unsigned long reason) __attribute__((noreturn));
/* Give this hart back to the firmware (HSM hart_stop); never returns */
void fw_hart_stop(void) __attribute__((noreturn));

/*
 * The three calls whose result Keel does not look at: the only errors the
 * SBI specification gives them name arguments Keel never passes, and none
 * leaves anything to undo. Inline: the IPI is on the exits' paths.
 */
static inline void fw_call_unchecked(unsigned long eid, unsigned long fid, unsigned long a0,
				     unsigned long a1)
{
	struct sbiret r = fw_sbi_call(eid, fid, a0, a1, 0, 0);

	(void)r;
}

/* IPI send_ipi: fails only for a hart mask naming a hart the firmware did not start */
static inline void fw_send_ipi(unsigned long hartid)
{
	fw_call_unchecked(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, hartid);
}

/* TIME set_timer: the specification gives it no error */
static inline void fw_set_timer(uint64_t deadline)
{
	fw_call_unchecked(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, deadline, 0);
}

/* Legacy console_putchar, the console before Keel has its own: nowhere to say it failed */
static inline void fw_console_putchar(char c)
{
	fw_call_unchecked(SBI_EXT_0_1_CONSOLE_PUTCHAR, 0, (unsigned char)c, 0);
}

/*
 * What boot's entry writes before C runs (boot_data.S): where Keel runs
 * minus where it was linked, instret when the boot hart entered, and the
 * per-hart stacks (KEEL_STACK_SIZE each).
 */
extern unsigned long keel_load_offset;
extern uint64_t keel_entry_instret;
extern char hart_stacks[];
/* The harts being started: entry.S finds a started hart's struct hart here */
struct hart;
extern struct hart *hart_ptrs[];

#endif
