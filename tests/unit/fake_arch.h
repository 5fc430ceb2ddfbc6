/*
 * A fake of src/arch/ (arch.h, this_hart(), mmio_arch.h) for the host
 * tests of the core: test_trap, test_vcpu, test_sched, test_vcpu_request,
 * test_vm and test_mmio. It is a small model of the harts, not a recorder
 * alone: each hart (harts[i]) holds the VS CSRs of the vCPU loaded on it
 * between arch_vcpu_load() and arch_vcpu_save(), as the hardware does, so
 * that what Keel writes while a vCPU is loaded lands there and not in the
 * vCPU's saved copy, and the reverse.
 *
 * What the hardware itself decides is modelled as the specifications say
 * it: arch_vs_pending_enabled() is hip & hie (VS bits pending in hvip or
 * from vstimecmp, enabled in the guest's vsie, which hideleg makes the
 * same bits); sip.STIP follows the host timer against the time; a trap
 * into the guest's handler writes what Keel's own vs_trap_entry() says
 * (trap.h), so that a test of a redirect checks Keel's code.
 *
 * A call the real arch layer would not survive (saving a vCPU that is not
 * loaded, a VS CSR write with none loaded, a firmware call Keel never
 * makes) aborts the test binary with a message: a bug in Keel, or in the
 * test, never a silent pass.
 */
#ifndef KEEL_UNIT_FAKE_ARCH_H
#define KEEL_UNIT_FAKE_ARCH_H

#include <setjmp.h>
#include <stdint.h>

#include "arch/riscv/arch.h"
#include "hart.h"
#include "vcpu.h"

#define FAKE_ARCH_LOG 128

enum fake_hfence_kind {
	FAKE_HFENCE_GVMA_VMID,
	FAKE_HFENCE_VVMA_ALL,
	FAKE_HFENCE_VVMA_ASID,
	FAKE_HFENCE_VVMA_ADDR,
};

struct fake_hfence {
	enum fake_hfence_kind kind;
	unsigned long arg; /* VMID, ASID or address */
};

/* One hart's state, as the arch layer would hold it in its CSRs. */
struct fake_cpu {
	struct vcpu *loaded; /* between arch_vcpu_load and arch_vcpu_save */
	uint64_t hgatp;
	struct vcpu_csrs csrs; /* the loaded vCPU's CSRs while it is loaded */
	unsigned long sstatus; /* SPP: the mode sret returns to */
	unsigned long delegation; /* the loaded vCPU's share of hedeleg */
	unsigned int delegation_writes, henvcfg_writes;
	unsigned int loads, saves;
	unsigned long sip; /* host interrupts pending beside the timer (SSIP, SEIP) */
	uint64_t host_timer; /* stimecmp: UINT64_MAX until set */
	unsigned int host_timer_sets;
	unsigned int ipi_clears, wfis, fence_is;
	/* arch_vcpu_enter_vs_trap: how often, and the last arguments */
	unsigned int vs_traps;
	unsigned long vs_trap_cause, vs_trap_tval;
	bool vs_trap_from_vs;
	unsigned int nr_hfences;
	struct fake_hfence hfence[FAKE_ARCH_LOG];
};

struct fake_arch {
	uint64_t now; /* arch_time_now(), the time CSR */
	/*
	 * The trap that arch_trap_read() (and mmio_arch_trap_read(),
	 * arch_trap_cause()) report; regs and sepc come from the context.
	 */
	struct trap_info trap;
	/*
	 * Guest code behind arch_guest_read_insn() and mmio_arch_fetch(): a
	 * 32-bit word at each of these guest virtual addresses; a read
	 * anywhere else faults (a guest page fault, as with no mapping).
	 */
	unsigned int nr_code;
	struct {
		unsigned long gva;
		uint32_t word;
	} code[8];
	unsigned int insn_reads, fetches, fetch_undos;
	/* mmio_arch_fetch() faults even where arch_guest_read_insn() reads */
	bool fetch_faults;
	/* IPIs Keel sent through the firmware, by target hart id */
	unsigned int ipis;
	unsigned long ipi_hartid[FAKE_ARCH_LOG];
	struct fake_cpu cpu[KEEL_MAX_HARTS];
	/*
	 * Hooks. on_ipi: the target hart acts on an IPI at once (it runs on
	 * the calling thread; fake_on_hart() says which hart is "this" one).
	 * on_wfi: what arrives while hart h waits in wfi; with none, a wait
	 * is the end of the test's scheduler pass (fake_arch_idle, below).
	 * on_fence_i: something that happens meanwhile (a stop during a
	 * reset's reload, say).
	 */
	void (*on_ipi)(struct hart *target);
	void (*on_wfi)(struct hart *h);
	void (*on_fence_i)(void);
	/*
	 * Where a wait with no on_wfi goes (longjmp, value 1) when
	 * idle_armed: the hart had nothing to run. Unarmed, such a wait is
	 * a hart that would sleep forever, and aborts.
	 */
	jmp_buf idle;
	bool idle_armed;
};

extern struct fake_arch fake_arch;

/*
 * Run fn(arg) (a pass of the scheduler, say): true when it ended waiting
 * in wfi with no on_wfi hook to wake it (the wait returns here), false
 * when fn returned.
 */
bool fake_idles(void (*fn)(void *arg), void *arg);
/* Every hart empty, nothing loaded, time 0, no code, no hooks; this hart is harts[0]. */
void fake_arch_reset(void);
/* From now on, on this thread, this_hart() is h. */
void fake_on_hart(struct hart *h);
/* h's CSR model */
struct fake_cpu *fake_cpu_of(const struct hart *h);
/* The guest code word at gva (see code[] above). */
void fake_code(unsigned long gva, uint32_t word);
/*
 * Load v on its home hart as the scheduler would (h->current, its CSRs on
 * the hart), without the scheduler: for tests of one exit.
 */
void fake_load(struct vcpu *v);

#endif
