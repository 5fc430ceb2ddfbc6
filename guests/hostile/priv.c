/*
 * Hypervisor, VS and M-mode CSRs and instructions from VS-mode, and the
 * same plus supervisor CSRs and instructions from VU-mode (priv.S). On a
 * machine without the H extension each is an illegal instruction (scause
 * 2, stval = the instruction or 0), taken by the guest kernel's own
 * handler, with sstatus.SPP saying which mode it came from. Keel gets a
 * virtual-instruction exception (22) or an illegal instruction for these
 * and must hand the guest exactly that (src/trap/trap.c).
 */
#include "console.h"
#include "hostile.h"
#include "test.h"
#include "trap.h"
#include "user.h"

#define SIE_STIE (1UL << 5)
#define SCAUSE_STI (SCAUSE_IRQ | 5)
#define MAX_RECS 64

extern char priv_both[], priv_both_end[], priv_user[], priv_user_end[];
extern char user_main[], user_load[], user_wfi[];
extern char trap_vector[];	/* guests/common/vector.S */

static const char *const both_names[] = {
	"csrr hstatus", "csrw hstatus", "csrr hgatp", "csrw hgatp", "csrr hedeleg",
	"csrw hedeleg", "csrr hideleg", "csrr hvip", "csrw hvip", "csrr vsstatus",
	"csrr vsatp", "csrr mstatus", "csrw mstatus", "csrr mhartid", "csrr pmpcfg0",
	"csrw pmpaddr0", "hfence.gvma", "hfence.vvma", "hlv.d", "mret",
};
static const char *const user_names[] = {
	"csrr sstatus", "csrw sstatus", "csrr satp", "csrw satp", "csrr sie", "csrr stvec",
	"csrw stvec", "csrr sepc", "sret", "sfence.vma",
};

static struct rec {
	unsigned long scause, stval, sepc, spp;
} recs[MAX_RECS];
static unsigned long nr_recs, timer_irqs;
static unsigned char user_stack[8192] __attribute__((aligned(16)));

/* Every exception recorded and skipped; ecall from U ends run_user */
static void hook(struct trap_frame *tf)
{
	if (tf->scause == SCAUSE_STI) {
		timer_irqs++;
		csr_clear(sie, SIE_STIE);
		sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL, 0, 0, 0, 0, 0);
		return;
	}
	if (tf->scause == ECALL_FROM_U) {
		tf->sepc = (unsigned long)user_return;
		csr_set(sstatus, SSTATUS_SPP);	/* sret back to VS-mode */
		return;
	}
	if (nr_recs < MAX_RECS)
		recs[nr_recs] = (struct rec){ tf->scause, tf->stval, tf->sepc,
					      !!(tf->sstatus & SSTATUS_SPP) };
	nr_recs++;
	tf->sepc += insn_len(*(volatile unsigned short *)tf->sepc);
}

/* Records [first, first + n) must be list's n instructions, in order, each illegal */
static void check_list(const char *mode, unsigned long spp, unsigned long first,
		       const char *list, const char *const *names, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		const struct rec *r = &recs[first + i];
		unsigned long pc = (unsigned long)list + 4 * i;
		unsigned long insn = *(const unsigned int *)pc;
		/*
		 * stval is the instruction or 0, never another one: QEMU 7.2
		 * leaves a stale stval for hlv, and Keel must not pass it on
		 * (it reads the instruction itself).
		 */
		int ok = first + i < nr_recs && r->scause == EXC_ILLEGAL_INSN && r->sepc == pc &&
			 (r->stval == insn || r->stval == 0) && r->spp == spp;

		test_check(ok, "wrong trap", "%s from %s: illegal instruction (scause %lu stval "
			   "0x%lx, from %s)", names[i], mode, r->scause, r->stval,
			   r->spp ? "VS" : "VU");
		if (!ok)
			printf("#   wanted scause 2, stval 0x%lx or 0, sepc 0x%lx (got 0x%lx)\n",
			       insn, pc, r->sepc);
	}
}

static void from_vs(unsigned long n_both)
{
	nr_recs = 0;
	trap_set_hook(hook);
	__asm__ volatile("la s1, 1f\n\tj priv_both\n1:" : : : "s1", "t0", "memory");
	trap_expect_none();
	CHECK_EQ(nr_recs, n_both, "from VS-mode: one trap per instruction");
	check_list("VS", 1, 0, priv_both, both_names, n_both);
}

static void from_vu(unsigned long n_both, unsigned long n_user)
{
	unsigned long hole = ram_end + 0x3000, last = n_both + n_user;
	const struct rec *r = &recs[last];

	nr_recs = 0;
	trap_set_hook(hook);
	run_user(user_main, user_stack + sizeof(user_stack), hole);
	trap_expect_none();
	CHECK_EQ(nr_recs, last + 1, "from VU-mode: one trap per instruction, and back by ecall");
	check_list("VU", 0, 0, priv_both, both_names, n_both);
	check_list("VU", 0, n_both, priv_user, user_names, n_user);
	CHECK(nr_recs > last && r->scause == EXC_LOAD_ACCESS && r->stval == hole &&
	      r->sepc == (unsigned long)user_load && !r->spp,
	      "ld from nothing (0x%lx) in VU-mode: load access fault to VS (scause %lu stval "
	      "0x%lx)", hole, r->scause, r->stval);
}

/*
 * wfi in VU-mode: illegal on a machine without H (the privileged spec,
 * WFI: "executing WFI in U-mode causes an illegal instruction exception"
 * when S-mode exists), a virtual-instruction exception under H. A timer
 * is armed so that a wfi that waits instead still comes back.
 */
static void wfi_from_vu(void)
{
	unsigned long t0 = rdtime();

	nr_recs = timer_irqs = 0;
	trap_set_hook(hook);
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, rdtime() + ms_ticks(50), 0, 0, 0, 0, 0);
	csr_set(sie, SIE_STIE);
	run_user(user_wfi, user_stack + sizeof(user_stack), 0);
	csr_clear(sie, SIE_STIE);
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL, 0, 0, 0, 0, 0);
	trap_expect_none();
	/* the timer bounds a wrong wait, which once was Keel's bug (docs/isolation.md) */
	CHECK(nr_recs == 1 && recs[0].scause == EXC_ILLEGAL_INSN &&
		      recs[0].sepc == (unsigned long)user_wfi && !recs[0].spp,
	      "wfi from VU-mode: illegal instruction (traps %lu, scause %lu, waited %lu ms, "
	      "timer interrupts %lu)", nr_recs, nr_recs ? recs[0].scause : 0,
	      ticks_ms(rdtime() - t0), timer_irqs);
}

/*
 * hlv.d right after a wfi, from VS-mode: an illegal instruction, as any
 * other time. QEMU 7.2 gives the hlv's exception the stale stval of the
 * wfi (see check_list); Keel must read the instruction rather than take
 * the hlv.d for a wfi. A timer bounds the wait if it does not.
 */
static void hlv_after_wfi(void)
{
	unsigned long pc, t0;

	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, rdtime() + ms_ticks(5), 0, 0, 0, 0, 0);
	csr_set(sie, SIE_STIE);		/* wakes wfi; sstatus.SIE = 0: not taken */
	wfi();
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, rdtime() + ms_ticks(100), 0, 0, 0, 0, 0);
	t0 = rdtime();
	trap_expect();
	__asm__ volatile("la %0, 1f\n1: .word 0x6c0142f3" : "=&r"(pc) : : "t0", "memory");
	trap_expect_none();
	csr_clear(sie, SIE_STIE);
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL, 0, 0, 0, 0, 0);
	/* once Keel took it for a wfi from the stale stval (docs/isolation.md) */
	CHECK(trap_rec.count == 1 && trap_rec.scause == EXC_ILLEGAL_INSN && trap_rec.sepc == pc,
	      "hlv.d right after a wfi: illegal instruction (traps %lu, scause %lu, waited %lu ms)",
	      trap_rec.count, trap_rec.scause, ticks_ms(rdtime() - t0));
}

void test_privileged(void)
{
	unsigned long n_both = (unsigned long)(priv_both_end - priv_both) / 4;
	unsigned long n_user = (unsigned long)(priv_user_end - priv_user) / 4;

	/* priv.S and the names above must list the same instructions */
	if (!CHECK(n_both == sizeof(both_names) / sizeof(both_names[0]) &&
		   n_user == sizeof(user_names) / sizeof(user_names[0]) &&
		   n_both + n_user < MAX_RECS, "priv.S lists %lu + %lu instructions", n_both,
		   n_user))
		return;
	from_vs(n_both);
	from_vu(n_both, n_user);
	wfi_from_vu();
	hlv_after_wfi();
	/* VU-mode's csrw stvec, zero trapped: the handler is still there */
	CHECK_EQ(csr_read(stvec), (unsigned long)trap_vector,
		 "stvec unchanged by VU-mode's attempt to clear it");
}
