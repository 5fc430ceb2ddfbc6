/*
 * Keel's own faults: the report that stops the machine when a trap was
 * taken in Keel itself (trap.c's trap_from_keel()) or a guest exit
 * contradicts the hardware (vcpu_redirect()). A fault in Keel is never a
 * guest's: Keel says what it was, with every register and where to look
 * in keel.elf, and powers off (docs/errors.md, docs/trap-path.md).
 */
#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "hart.h"
#include "trap/trap.h"
#include "vcpu.h"
#include "lib/power.h"
#include "lib/trap_names.h"


void hypervisor_fault(const struct trap_info *t, const char *what)
{
	struct hart *h = this_hart();
	const unsigned long *x = t->regs->x;
	static const char *const abi[32] = {
		"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
		"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
		"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
	};

	console_break_lock();
	kprintf("\n[keel] ==== %s on hart %lu ====\n", what, h ? h->hartid : 0UL);
	kprintf("[keel] scause 0x%lx (%s)  stval 0x%lx  sepc 0x%lx\n", t->scause,
		trap_cause_name(t->scause), t->stval, t->sepc);
	kprintf("[keel] hstatus 0x%lx (SPV=%d, may be stale: see vcpu_redirect)  sstatus 0x%lx  "
		"htval 0x%lx  htinst 0x%lx\n",
		t->hstatus, !!(t->hstatus & HSTATUS_SPV), t->sstatus, t->htval, t->htinst);
	for (int i = 1; i < 29; i += 4)
		kprintf("[keel] %4s %016lx %4s %016lx %4s %016lx %4s %016lx\n", abi[i], x[i],
			abi[i + 1], x[i + 1], abi[i + 2], x[i + 2], abi[i + 3], x[i + 3]);
	kprintf("[keel] %4s %016lx %4s %016lx %4s %016lx\n", abi[29], x[29], abi[30], x[30],
		abi[31], x[31]);
	/* keel.elf's symbols are at link addresses: say where to look (docs/boot.md) */
	if (keel_load_offset)
		kprintf("[keel] Keel was relocated (by 0x%lx): in keel.elf, sepc is 0x%lx, ra 0x%lx\n",
			keel_load_offset, t->sepc - keel_load_offset, x[1] - keel_load_offset);
	kprintf("[keel] this hart is stopped; the fault is Keel's, not a guest's\n");
	keel_hart_halt();
}
