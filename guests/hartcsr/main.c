/*
 * Per-hart state that a guest kernel can write and the H extension has no
 * VS copy of (hartcsr.h, csrs.c). Run as two VMs on one hart
 * (tests/system/data/hartcsr.dts), keel.side=0 and keel.side=1, each with
 * two vCPUs. Each VM, for keel.run-ms:
 *
 *   - at entry, finds scounteren = 7 (CY, TM, IR: what OpenSBI leaves its
 *     S-mode payload) and senvcfg = 0 (reset), not what the other VM wrote;
 *   - finds what its hart has of each row of csrs.c (illegal instruction:
 *     absent, and then there is nothing to share); scounteren and senvcfg
 *     must be there (privileged spec 1.12: every hart with S and U);
 *   - starts its vCPU 1, which must find the same entry values, not vCPU
 *     0's (another hart) nor the other VM's;
 *   - round after round writes its own values to every row present, gives
 *     the hart away (spinning through time slices, or in wfi on a timer),
 *     and reads them back: each must be its own;
 *   - checks from U-mode that cycle, time and instret are readable exactly
 *     as its own scounteren says (rdtime in a Linux vDSO faulted when the
 *     other VM's scounteren was in force).
 * keel.min-preempt=N: the spinning rounds must have been preempted at least
 * N times in all (else the other VM never ran in between, and the test
 * proves nothing). Natively on OpenSBI (one VM) leave it 0.
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "hartcsr.h"
#include "sbi.h"
#include "sec_entry.h"
#include "test.h"
#include "trap.h"
#include "user.h"

#define SIE_STIE (1UL << 5)
#define SCOUNTEREN_AT_ENTRY 0x7 /* CY | TM | IR */
#define ROUND_MS 10
#define SPIN_MS_LONG 25  /* side 1 spins longer than side 0's spin and sleep (spin_ms()) */
#define SLEEP_MS_SHORT 5 /* and sleeps less */
#define WAIT_MS 2000

extern char user_counters[], user_counters_end[];	/* user_counters.S */

static unsigned long timebase, side, rounds, preempted, sleeps;
static unsigned char user_stack[4096] __attribute__((aligned(16)));

static unsigned long ms_ticks(unsigned long ms)
{
	return ms * (timebase / 1000);
}

/* ---- the second vCPU: its entry values ----------------------------------- */

static volatile unsigned long sec_done, sec_scounteren, sec_senvcfg;

/* hart_start lands here (common/sec_entry.S), on its own stack */
void sec_main(unsigned long hartid, unsigned long opaque)
{
	(void)hartid;
	sec_scounteren = csr_read(0x106);
	/* opaque: senvcfg is there (vCPU 0 found it so) */
	sec_senvcfg = opaque ? csr_read(0x10a) : 0;
	__atomic_store_n(&sec_done, 1, __ATOMIC_RELEASE);
	sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, 0, 0, 0, 0, 0, 0);
}

static void check_second_vcpu(int senvcfg_there)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1,
				   (unsigned long)sec_entry, senvcfg_there, 0, 0, 0);

	if (r.error == SBI_ERR_INVALID_PARAM) {
		test_skip("no hart 1: its entry values are not checked");
		return;
	}
	CHECK_SBI_ERR(r, SBI_SUCCESS, "HSM hart_start(1)");
	if (r.error)
		return;
	if (!CHECK(WAIT_TICKS(ms_ticks(WAIT_MS), __atomic_load_n(&sec_done, __ATOMIC_ACQUIRE)),
		   "hart 1 starts and reads its CSRs"))
		return;
	CHECK_EQ(sec_scounteren, SCOUNTEREN_AT_ENTRY,
		 "hart 1 at hart_start: scounteren 0x%lx, as a started hart has it (hart 0 "
		 "has 0x%lx now)", sec_scounteren, csr_read(0x106));
	if (senvcfg_there)
		CHECK_EQ(sec_senvcfg, 0, "hart 1 at hart_start: senvcfg 0x%lx (reset value)",
			 sec_senvcfg);
}

/* ---- U-mode: which counters scounteren opens ----------------------------- */

static unsigned long user_trapped; /* bit i: the i-th counter read trapped */

static void user_hook(struct trap_frame *tf)
{
	unsigned long i = (tf->sepc - (unsigned long)user_counters) / 4;

	if (tf->scause == ECALL_FROM_U) {
		tf->sepc = (unsigned long)user_return;
		csr_set(sstatus, SSTATUS_SPP);
		return;
	}
	if (tf->scause == EXC_ILLEGAL_INSN && tf->sepc < (unsigned long)user_counters_end)
		user_trapped |= 1UL << i;
	else
		test_abort(tf, "unexpected trap in U-mode");
	tf->sepc += 4;
}

/* Counters (CY, TM, IR bits) that U-mode cannot read now: ~scounteren & 7 */
static unsigned long user_closed_counters(void)
{
	user_trapped = 0;
	trap_set_hook(user_hook);
	run_user(user_counters, user_stack + sizeof(user_stack), 0);
	trap_expect_none();
	return user_trapped;
}

/* ---- rounds -------------------------------------------------------------- */

static void write_all(unsigned long round)
{
	for (unsigned long i = 0; i < nr_csrs; i++) {
		struct shared_csr *c = &csrs[i];

		if (!c->present)
			continue;
		c->write(c->pattern[side][round & 1]);
		c->stuck = c->read();
	}
}

static void check_all(unsigned long round)
{
	for (unsigned long i = 0; i < nr_csrs; i++) {
		struct shared_csr *c = &csrs[i];
		unsigned long seen;

		if (!c->present)
			continue;
		seen = c->read();
		if (seen != c->stuck && !c->wrong++) {
			c->wrong_seen = seen;
			c->wrong_want = c->stuck;
			c->wrong_round = round;
		}
	}
}

/*
 * The two sides' rounds. Side 1 spins longer than side 0's whole round
 * (spin and sleep), so each of its spins overlaps one of side 0's, and
 * there the scheduler's 4 ms slices preempt both: whatever the host's
 * speed or the way the timers round a sleep, the two cannot settle into
 * one spinning while the other sleeps (with equal rounds one side once
 * saw 0 preemptions in 1.5 s, with rounds of 10 and 13 ms 2 on QEMU 10's
 * -cpu max, whose sleeps came out the same length).
 */
static unsigned long spin_ms(void)
{
	return side ? SPIN_MS_LONG : ROUND_MS;
}

static unsigned long sleep_ms(void)
{
	return side ? SLEEP_MS_SHORT : ROUND_MS;
}

/* Spin through this side's round: a jump in time is a slice given to someone else. */
static void spin(void)
{
	unsigned long last = rdtime(), end = last + ms_ticks(spin_ms());

	for (unsigned long now; (now = rdtime()) < end; last = now)
		preempted += now - last > ms_ticks(1);
}

/* Sleep through this side's round in wfi, the timer armed, its interrupt not taken (SIE = 0). */
static void sleep(void)
{
	unsigned long end = rdtime() + ms_ticks(sleep_ms());

	csr_set(sie, SIE_STIE);
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, end, 0, 0, 0, 0, 0);
	while (rdtime() < end)
		wfi();
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL, 0, 0, 0, 0, 0);
	csr_clear(sie, SIE_STIE);
	sleeps++;
}

static unsigned long user_wrong, user_wrong_seen, user_wrong_want;

static void run_rounds(unsigned long run_ms)
{
	struct shared_csr *sc = csr_named("scounteren");
	unsigned long end = rdtime() + ms_ticks(run_ms);

	for (rounds = 0; rdtime() < end || rounds < 2; rounds++) {
		unsigned long want, closed;

		write_all(rounds);
		if (rounds & 1)
			sleep();
		else
			spin();
		check_all(rounds);
		/* the guest's own scounteren decides, as read back (WARL) */
		want = ~sc->stuck & SCOUNTEREN_AT_ENTRY;
		closed = user_closed_counters();
		if (closed != want && !user_wrong++) {
			user_wrong_seen = closed;
			user_wrong_want = want;
		}
	}
}

/* ---- the checks ---------------------------------------------------------- */

static void report_presence(void)
{
	for (unsigned long i = 0; i < nr_csrs; i++) {
		const struct shared_csr *c = &csrs[i];

		if (c->mandatory)
			CHECK(c->present, "%s is there (%s)", c->name,
			      c->present ? "read" : "illegal instruction");
		else
			printf("# %s: %s\n", c->name,
			       c->present ? "there: checked below"
					  : "illegal instruction: not there, nothing to share");
	}
}

static void report_rounds(unsigned long min_preempt)
{
	for (unsigned long i = 0; i < nr_csrs; i++) {
		const struct shared_csr *c = &csrs[i];

		if (!c->present)
			continue;
		if (!c->wrong)
			CHECK(1, "%s kept this VM's values over %lu rounds", c->name, rounds);
		else
			CHECK(!c->wrong, "%s kept this VM's values over %lu rounds: %lu wrong, the first "
			      "in round %lu: read 0x%lx, written 0x%lx", c->name, rounds, c->wrong,
			      c->wrong_round, c->wrong_seen, c->wrong_want);
	}
	if (!user_wrong)
		CHECK(1, "U-mode reads cycle/time/instret as this VM's scounteren says, "
		      "%lu rounds", rounds);
	else
		CHECK(!user_wrong, "U-mode reads cycle/time/instret as this VM's scounteren says: %lu "
		      "rounds of %lu wrong, the first: closed 0x%lx, its scounteren closes 0x%lx",
		      user_wrong, rounds, user_wrong_seen, user_wrong_want);
	printf("# %lu rounds, %lu in wfi; preempted %lu times while spinning\n", rounds, sleeps,
	       preempted);
	if (min_preempt)
		CHECK(preempted >= min_preempt,
		      "the other VM ran in between: preempted %lu times (want >= %lu)", preempted,
		      min_preempt);
}

int main(unsigned long hartid, const void *dtb)
{
	const char *args, *isa = "";
	unsigned long run_ms, min_preempt, id;
	struct shared_csr *senvcfg;
	int len;

	timebase = fdt_timebase(dtb);
	args = fdt_prop(dtb, "chosen", "bootargs", &len);
	side = bootarg_num(args, "keel.side", 0) % SIDES;
	run_ms = bootarg_num(args, "keel.run-ms", 1000);
	min_preempt = bootarg_num(args, "keel.min-preempt", 0);
	fdt_cpu(dtb, 0, &id, &isa);
	printf("# hartcsr: hart %lu, side %lu, %lu ms; riscv,isa \"%s\"\n", hartid, side,
	       run_ms, isa);

	CHECK_EQ(probe_csrs(), 0, "every CSR that is not there is an illegal instruction");
	report_presence();
	senvcfg = csr_named("senvcfg");
	CHECK_EQ(csr_named("scounteren")->at_entry, SCOUNTEREN_AT_ENTRY,
		 "scounteren at entry: 0x%lx (CY, TM, IR), not another VM's",
		 csr_named("scounteren")->at_entry);
	if (senvcfg->present)
		CHECK_EQ(senvcfg->at_entry, 0, "senvcfg at entry: 0x%lx (reset value)",
			 senvcfg->at_entry);

	write_all(0);
	check_second_vcpu(senvcfg->present);
	run_rounds(run_ms);
	report_rounds(min_preempt);
	return 0;
}
