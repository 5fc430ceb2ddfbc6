/*
 * The FWFT guest: SBI firmware features (SBI v3.0; docs/sbi.md, "FWFT").
 * Run with 2 vCPUs and the bootarg fwft.svadu=0 or 1: whether the hart
 * really has Svadu, which tests/system/qemu-has-ext.sh reads from QEMU's
 * own device tree, not from Keel's. Under Keel it checks, strictly:
 *   - probe_extension; the spec's errors: the defined features Keel does
 *     not offer (NOT_SUPPORTED), reserved and platform-specific ids at each
 *     range's edges (DENIED), reserved flag bits (the register's upper half
 *     too) and values other than 0 and 1 (INVALID_PARAM, nothing changed),
 *     an unknown fid; a failed call's value is 0; the feature is the low
 *     32 bits of a0;
 *   - MISALIGNED_EXC_DELEG: 0 at reset; with 0 and with 1, misaligned
 *     LR/AMOs trap into this guest's own handler with scause 4 or 6, stval
 *     the address, sepc the instruction; with 1 and the SBI PMU's
 *     MISALIGNED_LOAD/STORE counters started (both, then one), every trap
 *     is still delivered and each is counted exactly;
 *   - PTE_AD_HW_UPDATING: offered exactly when fwft.svadu=1, and then
 *     riscv,isa names svade and svadu (no svadu otherwise); a page whose
 *     VS-stage PTE has A and D clear takes load and store page faults
 *     while it is 0, and with 1 the hardware sets A on a load and D on a
 *     store instead;
 *   - locks: after a set with LOCK every set is DENIED_LOCKED (the same
 *     value, LOCK again, a bad value too), the value stays, get answers;
 *   - resets: vCPU 1 sets and locks both, suspends non-retentively (both
 *     kept, still locked), stops and is started again (back to 0,
 *     unlocked); vCPU 0 locks both and reboots warm (SRST): back to 0,
 *     unlocked. Checks before the reboot print their lines; the verdict
 *     counts the second boot's, so the cases also reject 'not ok'.
 * On another SBI (OpenSBI 1.6 has FWFT) the same calls are made; where the
 * answer is Keel's choice rather than the spec's, it is noted with '#'.
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "sec_entry.h"
#include "test.h"
#include "trap.h"
#include "trap_count.h"

#define MIS SBI_FWFT_MISALIGNED_EXC_DELEG
#define PTE_AD SBI_FWFT_PTE_AD_HW_UPDATING
#define LOCK SBI_FWFT_SET_FLAG_LOCK
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15
#define SATP_SV39 (8UL << 60)
#define SIE_SSIE (1UL << 1)
#define FW(e) SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_FW, (e))

static unsigned long hartid, timebase, nr_harts;
static int under_keel, svadu;

static struct sbiret fwft_set(unsigned long feature, unsigned long value, unsigned long flags)
{
	return sbi_call(SBI_EXT_FWFT, SBI_EXT_FWFT_SET, feature, value, flags, 0, 0, 0);
}

static struct sbiret fwft_get(unsigned long feature)
{
	return sbi_call(SBI_EXT_FWFT, SBI_EXT_FWFT_GET, feature, 0, 0, 0, 0, 0);
}

/* A set of a locked feature: DENIED_LOCKED; OpenSBI 1.6 predates it (DENIED) */
static void check_locked(struct sbiret r, const char *what)
{
	if (!under_keel && r.error == SBI_ERR_DENIED) {
		printf("# %s: SBI_ERR_DENIED, not DENIED_LOCKED: an SBI before v3.0's "
		       "final text\n", what);
		return;
	}
	CHECK_SBI(r, SBI_ERR_DENIED_LOCKED, 0, "%s", what);
}

/* ---- errors --------------------------------------------------------------- */

static void test_errors(void)
{
	static const unsigned long not_offered[] = {
		SBI_FWFT_LANDING_PAD, SBI_FWFT_SHADOW_STACK, SBI_FWFT_DOUBLE_TRAP,
		SBI_FWFT_POINTER_MASKING_PMLEN,
	};
	static const unsigned long denied[] = {
		0x6, 0x3fffffff,                     /* local, reserved */
		0x40000000, 0x7fffffff,              /* local, platform-specific */
		0x80000000, 0x80000004, 0xbfffffff,  /* global, reserved */
		0xc0000000, 0xffffffff,              /* global, platform-specific */
	};
	struct sbiret r;

	for (unsigned int i = 0; i < sizeof(not_offered) / sizeof(not_offered[0]); i++) {
		r = fwft_get(not_offered[i]);
		if (!under_keel && !r.error) {
			printf("# feature %lu: this SBI offers it\n", not_offered[i]);
			continue;
		}
		CHECK_SBI(r, SBI_ERR_NOT_SUPPORTED, 0, "get(%lu): defined, not offered",
			  not_offered[i]);
		CHECK_SBI(fwft_set(not_offered[i], 0, 0), SBI_ERR_NOT_SUPPORTED, 0,
			  "set(%lu, 0): defined, not offered", not_offered[i]);
	}
	for (unsigned int i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		CHECK_SBI(fwft_get(denied[i]), SBI_ERR_DENIED, 0,
			  "get(0x%lx): reserved or platform-specific", denied[i]);
		CHECK_SBI(fwft_set(denied[i], 1, 0), SBI_ERR_DENIED, 0,
			  "set(0x%lx, 1): reserved or platform-specific", denied[i]);
	}
	CHECK_SBI(fwft_set(MIS, 0, 2), SBI_ERR_INVALID_PARAM, 0, "set(MISALIGNED, 0, flags 2)");
	CHECK_SBI(fwft_set(MIS, 0, 1UL << 32), SBI_ERR_INVALID_PARAM, 0,
		  "set(MISALIGNED, 0, flags 1 << 32): flags is an unsigned long, all reserved "
		  "but bit 0");
	CHECK_SBI(fwft_set(MIS, 1, LOCK | 1UL << 63), SBI_ERR_INVALID_PARAM, 0,
		  "set(MISALIGNED, 1, LOCK | 1 << 63)");
	CHECK_SBI(fwft_set(MIS, 2, 0), SBI_ERR_INVALID_PARAM, 0, "set(MISALIGNED, 2)");
	CHECK_SBI(fwft_set(MIS, -1UL, LOCK), SBI_ERR_INVALID_PARAM, 0,
		  "set(MISALIGNED, -1, LOCK)");
	CHECK_SBI(fwft_get(MIS), SBI_SUCCESS, 0, "get(MISALIGNED): still 0 after refused sets");
	CHECK_SBI(fwft_set(MIS, 0, 0), SBI_SUCCESS, 0,
		  "set(MISALIGNED, 0): the refused LOCK did not lock it");
	/* feature is a uint32_t: the upper half of a0 is not part of it */
	CHECK_SBI(fwft_set(0xffffffff00000000UL | MIS, 1, 0), SBI_SUCCESS, 0,
		  "set(0xffffffff00000000, 1): MISALIGNED");
	CHECK_SBI(fwft_get(0x100000000UL | MIS), SBI_SUCCESS, 1, "get(0x100000000): MISALIGNED, 1");
	CHECK_SBI(fwft_set(0x8000000000000000UL | MIS, 0, 0), SBI_SUCCESS, 0,
		  "set(0x8000000000000000, 0): MISALIGNED");
	CHECK_SBI(fwft_get(MIS), SBI_SUCCESS, 0, "get(MISALIGNED): 0 again");
	CHECK_SBI(fwft_get(0xffffffff80000000UL), SBI_ERR_DENIED, 0,
		  "get(0xffffffff80000000): a sign-extended global id, reserved");
	CHECK_SBI(fwft_get(0xffffffff00000006UL), SBI_ERR_DENIED, 0,
		  "get(0xffffffff00000006): reserved");
	if (under_keel)
		CHECK_SBI(fwft_get(0xffffffff00000001UL), SBI_ERR_NOT_SUPPORTED, 0,
			  "get(0xffffffff00000001): LANDING_PAD, not offered");
	CHECK_SBI(sbi_call(SBI_EXT_FWFT, 2, MIS, 1, 0, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0,
		  "fid 2: none");
	CHECK_SBI(fwft_get(MIS), SBI_SUCCESS, 0, "get(MISALIGNED): fid 2 set nothing");
}

/* ---- misaligned accesses -------------------------------------------------- */

static unsigned long mis_buf[4];

/* Run the instruction at label 1 (operand %1 = addr), its address in pc. */
#define AT(pc, insn, addr) \
	__asm__ volatile("la %0, 1f\n1: " insn "\n" : "=&r"(pc) : "r"(addr) : "t0", "memory")

/*
 * One misaligned access just ran at pc: exactly one trap, in this guest's
 * handler, load- or store/AMO-misaligned (QEMU's serial TCG raises 4 for a
 * misaligned AMO, its parallel TCG 6: guests/README.md; LR is a load),
 * stval the address, sepc the instruction. 0 and a line when not.
 */
static int one_trap(const char *what, unsigned long pc, unsigned long addr, unsigned long before,
		    int load)
{
	unsigned long n = trap_rec.count - before, c = trap_rec.scause;
	int ok = n == 1 && trap_rec.stval == addr && trap_rec.sepc == pc &&
		 (c == EXC_LOAD_MISALIGNED || (!load && c == EXC_STORE_MISALIGNED));

	if (!ok)
		printf("#   %s at 0x%lx (pc 0x%lx): %lu trap(s), last scause %lu stval 0x%lx "
		       "sepc 0x%lx\n", what, addr, pc, n, c, trap_rec.stval, trap_rec.sepc);
	return ok;
}

/*
 * rounds x (lr.d at 4 mod 8, amoadd.w at 1 mod 4, amoswap.d at 4 mod 8):
 * each must trap once into this guest's handler. Returns the wrong ones.
 */
static unsigned int misaligned(unsigned int rounds)
{
	unsigned long a4 = (unsigned long)mis_buf + 4, a1 = (unsigned long)mis_buf + 1, pc;
	unsigned int wrong = 0;

	trap_expect();
	trap_set_hook(trap_count_and_skip);
	while (rounds--) {
		unsigned long before = trap_rec.count;

		AT(pc, "lr.d t0, (%1)", a4);
		wrong += !one_trap("lr.d", pc, a4, before, 1);
		before = trap_rec.count;
		AT(pc, "amoadd.w t0, zero, (%1)", a1);
		wrong += !one_trap("amoadd.w", pc, a1, before, 0);
		before = trap_rec.count;
		AT(pc, "amoswap.d t0, zero, (%1)", a4);
		wrong += !one_trap("amoswap.d", pc, a4, before, 0);
	}
	trap_expect_none();
	return wrong;
}

static struct sbiret pmu(unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2,
			 unsigned long a3)
{
	return sbi_call(SBI_EXT_PMU, fid, a0, a1, a2, a3, 0, 0);
}

/* Every counter the PMU has (not time), for counter_config_matching */
static unsigned long pmu_all_counters(void)
{
	struct sbiret r = pmu(SBI_EXT_PMU_NUM_COUNTERS, 0, 0, 0, 0);
	unsigned long mask = 0;

	for (unsigned long i = 0; !r.error && i < (unsigned long)r.value && i < 64; i++)
		if (!pmu(SBI_EXT_PMU_COUNTER_GET_INFO, i, 0, 0, 0).error)
			mask |= 1UL << i;
	return mask;
}

/* A firmware counter for event, cleared and started; -1 if none */
static long pmu_start_event(unsigned long all, unsigned int event)
{
	struct sbiret r = pmu(SBI_EXT_PMU_COUNTER_CFG_MATCH, 0, all,
			      SBI_PMU_CFG_FLAG_CLEAR_VALUE | SBI_PMU_CFG_FLAG_AUTO_START, FW(event));

	CHECK_SBI_ERR(r, SBI_SUCCESS, "PMU: a counter for firmware event %u, started", event);
	return r.error ? -1 : r.value;
}

static unsigned long pmu_read(long counter)
{
	struct sbiret r = pmu(SBI_EXT_PMU_COUNTER_FW_READ, (unsigned long)counter, 0, 0, 0);

	return r.error ? ~0UL : (unsigned long)r.value;
}

static void pmu_release(long counter)
{
	if (counter >= 0)
		pmu(SBI_EXT_PMU_COUNTER_STOP, (unsigned long)counter, 1, SBI_PMU_STOP_FLAG_RESET, 0);
}

/*
 * Counted while MISALIGNED_EXC_DELEG is 1: both causes' counters, then the
 * load one alone (the store cause stays the guest's, the load cause comes
 * to Keel). Every trap still reaches this guest; each is counted once.
 */
static void test_misaligned_counted(void)
{
	unsigned long all = pmu_all_counters(), n_load, n_store;
	long load, store;
	unsigned int wrong;

	if (!all || sbi_probe(SBI_EXT_PMU) <= 0) {
		CHECK(!under_keel, "Keel has the SBI PMU");
		test_skip("no SBI PMU: the counted misaligned traps are not checked");
		return;
	}
	load = pmu_start_event(all, SBI_PMU_FW_MISALIGNED_LOAD);
	store = pmu_start_event(all, SBI_PMU_FW_MISALIGNED_STORE);
	trap_count_clear();
	wrong = misaligned(4);
	n_load = pmu_read(load);
	n_store = pmu_read(store);
	CHECK_EQ(wrong, 0, "MISALIGNED 1, both counters started: 12 misaligned LR/AMOs each "
		 "trapped once into this guest's handler");
	printf("# counted: MISALIGNED_LOAD %lu, MISALIGNED_STORE %lu; the handler saw scause 4 "
	       "%lu times, 6 %lu times\n", n_load, n_store, traps_by_cause[EXC_LOAD_MISALIGNED],
	       traps_by_cause[EXC_STORE_MISALIGNED]);
	if (under_keel) {
		CHECK_EQ(n_load, traps_by_cause[EXC_LOAD_MISALIGNED],
			 "MISALIGNED_LOAD counted each load-misaligned trap the guest took");
		CHECK_EQ(n_store, traps_by_cause[EXC_STORE_MISALIGNED],
			 "MISALIGNED_STORE counted each store-misaligned trap the guest took");
		CHECK_EQ(n_load + n_store, 12, "12 misaligned traps counted in all");
	} else {
		printf("# not under Keel: a firmware that delegates the trap in medeleg never sees "
		       "it to count it\n");
	}
	pmu_release(store);
	trap_count_clear();
	wrong = misaligned(2);
	n_load = pmu_read(load) - n_load;
	CHECK_EQ(wrong, 0, "MISALIGNED 1, the load counter alone started: 6 LR/AMOs trapped "
		 "once each into this guest's handler");
	if (under_keel)
		CHECK_EQ(n_load, traps_by_cause[EXC_LOAD_MISALIGNED],
			 "MISALIGNED_LOAD counted %lu more, each load-misaligned trap the guest took",
			 n_load);
	pmu_release(load);
}

static void test_misaligned(void)
{
	struct sbiret r = fwft_get(MIS);

	if (under_keel)
		CHECK_SBI(r, SBI_SUCCESS, 0, "get(MISALIGNED_EXC_DELEG): 0 at reset");
	else
		printf("# get(MISALIGNED_EXC_DELEG) at boot: error %ld value %ld (the reset "
		       "value is the implementation's)\n", r.error, r.value);
	CHECK_SBI(fwft_set(MIS, 0, 0), SBI_SUCCESS, 0, "set(MISALIGNED_EXC_DELEG, 0)");
	CHECK_EQ(misaligned(2), 0, "MISALIGNED 0: 6 misaligned LR/AMOs trapped once each into "
		 "this guest's handler (no one below can emulate them)");
	CHECK_SBI(fwft_set(MIS, 1, 0), SBI_SUCCESS, 0, "set(MISALIGNED_EXC_DELEG, 1)");
	CHECK_SBI(fwft_get(MIS), SBI_SUCCESS, 1, "get(MISALIGNED_EXC_DELEG): 1");
	CHECK_EQ(misaligned(3), 0, "MISALIGNED 1: 9 misaligned LR/AMOs trapped once each into "
		 "this guest's handler, scause 4/6, stval and sepc right");
	test_misaligned_counted();
	CHECK_SBI(fwft_set(MIS, 0, 0), SBI_SUCCESS, 0, "set(MISALIGNED_EXC_DELEG, 0) again");
	CHECK_EQ(misaligned(1), 0, "MISALIGNED 0 again: 3 LR/AMOs trapped into this guest's "
		 "handler");
}

/* ---- hardware A/D updating ------------------------------------------------ */

/*
 * Sv39: RAM identity-mapped by a 1 GiB leaf (A and D set: code, stack and
 * data never need an update), and one 4 KiB page at TEST_VA, test_page,
 * whose PTE the tests write with A and D clear.
 */
#define TEST_VA 0x100000000UL /* 4 GiB: root entry 4 */
#define PTE_V 0x01UL
#define PTE_RW 0x06UL
#define PTE_RWX 0x0eUL
#define PTE_A 0x40UL
#define PTE_D 0x80UL
#define MAGIC 0x4144554541445545UL

static unsigned long root[512] __attribute__((aligned(4096)));
static unsigned long l1[512] __attribute__((aligned(4096)));
static unsigned long l0[512] __attribute__((aligned(4096)));
static volatile unsigned long test_page[512] __attribute__((aligned(4096)));

static unsigned long pte(unsigned long pa, unsigned long flags)
{
	return pa >> 12 << 10 | flags;
}

/* paging on, test_page's PTE with A and D clear again */
static void paging_on(void)
{
	root[2] = pte(0x80000000UL, PTE_V | PTE_RWX | PTE_A | PTE_D);
	root[TEST_VA >> 30] = pte((unsigned long)l1, PTE_V);
	l1[0] = pte((unsigned long)l0, PTE_V);
	l0[0] = pte((unsigned long)test_page, PTE_V | PTE_RW);
	__asm__ volatile("sfence.vma" ::: "memory");
	csr_write(satp, SATP_SV39 | (unsigned long)root >> 12);
	__asm__ volatile("sfence.vma" ::: "memory");
}

static void paging_off(void)
{
	csr_write(satp, 0);
	__asm__ volatile("sfence.vma" ::: "memory");
}

static unsigned long ad_bits(void)
{
	return __atomic_load_n(&l0[0], __ATOMIC_ACQUIRE) & (PTE_A | PTE_D);
}

/* A load and a store at TEST_VA with its A and D clear: what happened */
struct ad_run {
	unsigned long load_traps, load_cause, load_tval, a_after_load;
	unsigned long store_traps, store_cause, store_tval, ad_after_store;
	unsigned long loaded, stored;
	int pcs_ok;
};

static void ad_run(struct ad_run *r)
{
	unsigned long pc, val = 0;

	test_page[0] = MAGIC;
	test_page[1] = 0;
	paging_on();
	trap_expect();
	__asm__ volatile("la %0, 1f\n1: ld %1, 0(%2)\n" : "=&r"(pc), "+r"(val) : "r"(TEST_VA)
			 : "memory");
	r->load_traps = trap_rec.count;
	r->load_cause = trap_rec.scause;
	r->load_tval = trap_rec.stval;
	r->pcs_ok = !trap_rec.count || trap_rec.sepc == pc;
	r->loaded = val;
	r->a_after_load = ad_bits();
	trap_expect();
	AT(pc, "sd %1, 8(%1)", TEST_VA);
	r->store_traps = trap_rec.count;
	r->store_cause = trap_rec.scause;
	r->store_tval = trap_rec.stval;
	r->pcs_ok &= !trap_rec.count || trap_rec.sepc == pc;
	r->ad_after_store = ad_bits();
	trap_expect_none();
	paging_off();
	r->stored = test_page[1];
}

/* With updating off: a load and a store page fault, the PTE untouched (Svade) */
static int ad_faulted(const struct ad_run *r)
{
	return r->load_traps == 1 && r->load_cause == EXC_LOAD_PAGE_FAULT &&
	       r->load_tval == TEST_VA && r->store_traps == 1 &&
	       r->store_cause == EXC_STORE_PAGE_FAULT && r->store_tval == TEST_VA + 8 &&
	       r->pcs_ok && r->a_after_load == 0 && r->ad_after_store == 0 && r->stored == 0;
}

/* With updating on: no fault; A after the load, A and D after the store */
static int ad_updated(const struct ad_run *r)
{
	return r->load_traps == 0 && r->loaded == MAGIC && r->a_after_load == PTE_A &&
	       r->store_traps == 0 && r->ad_after_store == (PTE_A | PTE_D) &&
	       r->stored == TEST_VA;
}

static void ad_print(const char *when, const struct ad_run *r)
{
	printf("# %s: load %lu trap(s) (scause %lu stval 0x%lx), A/D then 0x%lx; store %lu "
	       "trap(s) (scause %lu stval 0x%lx), A/D then 0x%lx\n", when, r->load_traps,
	       r->load_cause, r->load_tval, r->a_after_load, r->store_traps, r->store_cause,
	       r->store_tval, r->ad_after_store);
}

static void test_pte_ad(const char *isa)
{
	struct sbiret r = fwft_get(PTE_AD);
	struct ad_run run;
	int named = isa_has_ext(isa, "svadu"), svade = isa_has_ext(isa, "svade");

	printf("# the hart %s Svadu (fwft.svadu=%d); its riscv,isa names svade %d, svadu %d\n",
	       svadu ? "has" : "lacks", svadu, svade, named);
	if (!svadu) {
		CHECK_SBI(r, SBI_ERR_NOT_SUPPORTED, 0,
			  "get(PTE_AD_HW_UPDATING): not supported on a hart without Svadu");
		CHECK_SBI(fwft_set(PTE_AD, 1, 0), SBI_ERR_NOT_SUPPORTED, 0,
			  "set(PTE_AD_HW_UPDATING, 1): not supported on a hart without Svadu");
		CHECK_SBI(fwft_set(PTE_AD, 0, LOCK), SBI_ERR_NOT_SUPPORTED, 0,
			  "set(PTE_AD_HW_UPDATING, 0, LOCK): not supported either");
		CHECK(!named, "riscv,isa does not name svadu");
		/* what the hart does then is its own business: noted, not checked */
		ad_run(&run);
		ad_print("A/D clear, no Svadu offered", &run);
		return;
	}
	if (under_keel)
		CHECK_SBI(r, SBI_SUCCESS, 0, "get(PTE_AD_HW_UPDATING): 0 at reset");
	else
		printf("# get(PTE_AD_HW_UPDATING) at boot: error %ld value %ld\n", r.error,
		       r.value);
	if (under_keel)
		CHECK(named && svade, "riscv,isa names svade and svadu (updating off at boot, "
		      "on through FWFT)");
	CHECK_SBI(fwft_set(PTE_AD, 0, 0), SBI_SUCCESS, 0, "set(PTE_AD_HW_UPDATING, 0)");
	ad_run(&run);
	ad_print("updating off", &run);
	CHECK(ad_faulted(&run), "updating off: a load and a store to a page with A/D clear "
	      "page-fault (13, 15; stval the address), the PTE untouched");
	CHECK_SBI(fwft_set(PTE_AD, 1, 0), SBI_SUCCESS, 0, "set(PTE_AD_HW_UPDATING, 1)");
	CHECK_SBI(fwft_get(PTE_AD), SBI_SUCCESS, 1, "get(PTE_AD_HW_UPDATING): 1");
	ad_run(&run);
	ad_print("updating on", &run);
	CHECK(ad_updated(&run), "updating on: no page fault; the hardware set A on the load "
	      "and D on the store");
	CHECK_SBI(fwft_set(PTE_AD, 0, 0), SBI_SUCCESS, 0, "set(PTE_AD_HW_UPDATING, 0) again");
	ad_run(&run);
	CHECK(ad_faulted(&run), "updating off again: page faults again");
}

/* ---- locks ---------------------------------------------------------------- */

static void test_locks(void)
{
	CHECK_SBI(fwft_set(MIS, 1, LOCK), SBI_SUCCESS, 0, "set(MISALIGNED, 1, LOCK)");
	check_locked(fwft_set(MIS, 0, 0), "locked: set(MISALIGNED, 0)");
	check_locked(fwft_set(MIS, 1, 0), "locked: set(MISALIGNED, 1), its own value");
	check_locked(fwft_set(MIS, 1, LOCK), "locked: set(MISALIGNED, 1, LOCK) again");
	if (under_keel)
		check_locked(fwft_set(MIS, 2, 0), "locked: set(MISALIGNED, 2): the lock first");
	CHECK_SBI(fwft_get(MIS), SBI_SUCCESS, 1, "locked: get(MISALIGNED) still answers 1");
	CHECK_EQ(misaligned(1), 0, "locked at 1: LR/AMOs still trap into this guest's handler");
	if (!svadu)
		return;
	CHECK_SBI(fwft_set(PTE_AD, 1, LOCK), SBI_SUCCESS, 0, "set(PTE_AD, 1, LOCK)");
	check_locked(fwft_set(PTE_AD, 0, 0), "locked: set(PTE_AD, 0)");
	CHECK_SBI(fwft_get(PTE_AD), SBI_SUCCESS, 1, "locked: get(PTE_AD) still answers 1");
}

/* ---- resets: vCPU 1 through HSM ------------------------------------------- */

enum phase { PHASE_NONE, PHASE_START, PHASE_RESUMED, PHASE_RESTARTED };

/* What vCPU 1 saw in a phase: gets and sets, for vCPU 0 to check */
struct seen {
	struct sbiret mis, pte, set_mis, set_mis_lock, set_pte, set_pte_lock;
	unsigned long done;
};
static volatile struct seen seen[4];

static struct sbiret hsm(unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2)
{
	return sbi_call(SBI_EXT_HSM, fid, a0, a1, a2, 0, 0, 0);
}

static void note(volatile struct sbiret *to, struct sbiret r)
{
	to->error = r.error;
	to->value = r.value;
}

void sec_main(unsigned long id, unsigned long phase)
{
	volatile struct seen *s = &seen[phase & 3];

	(void)id;
	note(&s->mis, fwft_get(MIS));
	note(&s->pte, fwft_get(PTE_AD));
	switch (phase) {
	case PHASE_START:
		note(&s->set_mis_lock, fwft_set(MIS, 1, LOCK));
		note(&s->set_pte_lock, fwft_set(PTE_AD, 1, LOCK));
		__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
		/* non-retentive, woken by vCPU 0's IPI: back at sec_entry */
		csr_clear(sip, SIP_SSIP);
		csr_write(sie, SIE_SSIE);
		hsm(SBI_EXT_HSM_HART_SUSPEND, SBI_HSM_SUSPEND_NON_RET_DEFAULT,
		    (unsigned long)sec_entry, PHASE_RESUMED);
		break;
	case PHASE_RESUMED:
		csr_clear(sip, SIP_SSIP);
		csr_write(sie, 0);
		note(&s->set_mis, fwft_set(MIS, 0, 0));
		note(&s->set_pte, fwft_set(PTE_AD, 0, 0));
		__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
		break;
	case PHASE_RESTARTED:
		note(&s->set_mis, fwft_set(MIS, 1, 0));
		note(&s->set_pte, fwft_set(PTE_AD, 1, 0));
		note(&s->set_mis_lock, fwft_set(MIS, 0, LOCK));
		note(&s->set_pte_lock, fwft_set(PTE_AD, 0, LOCK));
		__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
		break;
	}
	hsm(SBI_EXT_HSM_HART_STOP, 0, 0, 0);
}

static long hsm_status(unsigned long h)
{
	struct sbiret r = hsm(SBI_EXT_HSM_HART_GET_STATUS, h, 0, 0);

	return r.error ? r.error : r.value;
}

static int wait_done(enum phase p)
{
	return WAIT_TICKS(2 * timebase, __atomic_load_n(&seen[p].done, __ATOMIC_ACQUIRE));
}

static int wait_status(unsigned long h, long state)
{
	return WAIT_TICKS(2 * timebase, hsm_status(h) == state);
}

static struct sbiret got(volatile struct sbiret *r)
{
	return (struct sbiret){ r->error, r->value };
}

/*
 * A PTE_AD_HW_UPDATING call: on a hart with Svadu, error and value as
 * given; without it, NOT_SUPPORTED (value 0) whatever was asked.
 */
static void check_pte(struct sbiret r, long error, long value, const char *what)
{
	if (svadu)
		CHECK_SBI(r, error, value, "%s", what);
	else
		CHECK_SBI(r, SBI_ERR_NOT_SUPPORTED, 0, "%s: not supported without Svadu", what);
}

/*
 * PTE_AD_HW_UPDATING's value after a reset: the spec's table says 0, which
 * is what Keel gives (its guests' riscv,isa names Svade and Svadu). A DT
 * naming Svadu alone promises updating always on, so a firmware booted
 * with one (OpenSBI 1.6 on QEMU 10) starts at 1: noted there.
 */
static void check_pte_reset(struct sbiret r, const char *what)
{
	if (under_keel || !svadu || r.error || r.value == 0)
		check_pte(r, SBI_SUCCESS, 0, what);
	else
		printf("# %s: %ld: this SBI's reset value (its DT names Svadu alone)\n", what,
		       r.value);
}

static void test_hsm_reset(void)
{
	unsigned long other = hartid ? 0 : 1;
	volatile struct seen *s;

	if (nr_harts < 2) {
		CHECK(!under_keel, "2 vCPUs under Keel (-c 2)");
		test_skip("one hart: HSM stop/start and suspend are not checked");
		return;
	}
	CHECK_SBI_ERR(hsm(SBI_EXT_HSM_HART_START, other, (unsigned long)sec_entry, PHASE_START),
		      SBI_SUCCESS, "vCPU %lu started", other);
	CHECK(wait_done(PHASE_START), "vCPU %lu set and locked both", other);
	s = &seen[PHASE_START];
	if (under_keel)
		CHECK_SBI(got(&s->mis), SBI_SUCCESS, 0, "vCPU 1 at its first start: MISALIGNED 0");
	check_pte_reset(got(&s->pte), "vCPU 1 at its first start: PTE_AD 0");
	CHECK_SBI(got(&s->set_mis_lock), SBI_SUCCESS, 0, "vCPU 1: set(MISALIGNED, 1, LOCK)");
	check_pte(got(&s->set_pte_lock), SBI_SUCCESS, 0, "vCPU 1: set(PTE_AD, 1, LOCK)");
	CHECK(wait_status(other, SBI_HSM_STATE_SUSPENDED), "vCPU %lu suspended non-retentively",
	      other);
	sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1UL << other, 0, 0, 0, 0, 0);
	CHECK(wait_done(PHASE_RESUMED), "vCPU %lu resumed at its resume address on an IPI", other);
	s = &seen[PHASE_RESUMED];
	if (under_keel) {
		CHECK_SBI(got(&s->mis), SBI_SUCCESS, 1,
			  "after a non-retentive suspend: MISALIGNED kept at 1");
		check_pte(got(&s->pte), SBI_SUCCESS, 1,
			  "after a non-retentive suspend: PTE_AD kept at 1");
		CHECK_SBI(got(&s->set_mis), SBI_ERR_DENIED_LOCKED, 0,
			  "after a non-retentive suspend: MISALIGNED still locked");
		check_pte(got(&s->set_pte), SBI_ERR_DENIED_LOCKED, 0,
			  "after a non-retentive suspend: PTE_AD still locked");
	} else {
		printf("# after a non-retentive suspend: MISALIGNED %ld/%ld, set %ld; PTE_AD "
		       "%ld/%ld, set %ld\n", s->mis.error, s->mis.value, s->set_mis.error,
		       s->pte.error, s->pte.value, s->set_pte.error);
	}
	CHECK(wait_status(other, SBI_HSM_STATE_STOPPED), "vCPU %lu stopped", other);
	CHECK_SBI_ERR(hsm(SBI_EXT_HSM_HART_START, other, (unsigned long)sec_entry,
			  PHASE_RESTARTED), SBI_SUCCESS, "vCPU %lu started again", other);
	CHECK(wait_done(PHASE_RESTARTED), "vCPU %lu ran again", other);
	s = &seen[PHASE_RESTARTED];
	CHECK_SBI(got(&s->mis), SBI_SUCCESS, 0, "after HSM stop and start: MISALIGNED back to 0");
	check_pte_reset(got(&s->pte), "after HSM stop and start: PTE_AD back to 0");
	CHECK_SBI(got(&s->set_mis), SBI_SUCCESS, 0,
		  "after HSM stop and start: MISALIGNED unlocked (set to 1)");
	check_pte(got(&s->set_pte), SBI_SUCCESS, 0,
		  "after HSM stop and start: PTE_AD unlocked (set to 1)");
	CHECK_SBI(got(&s->set_mis_lock), SBI_SUCCESS, 0, "and set(MISALIGNED, 0, LOCK) works");
	check_pte(got(&s->set_pte_lock), SBI_SUCCESS, 0, "and set(PTE_AD, 0, LOCK) works");
	CHECK(wait_status(other, SBI_HSM_STATE_STOPPED), "vCPU %lu stopped again", other);
}

/* ---- resets: an SRST warm reboot ------------------------------------------ */

static void test_after_reboot(void)
{
	CHECK_SBI(fwft_get(MIS), SBI_SUCCESS, 0, "after a warm reboot: MISALIGNED back to 0");
	check_pte(fwft_get(PTE_AD), SBI_SUCCESS, 0, "after a warm reboot: PTE_AD back to 0");
	CHECK_SBI(fwft_set(MIS, 1, 0), SBI_SUCCESS, 0, "after a warm reboot: MISALIGNED unlocked");
	CHECK_EQ(misaligned(1), 0, "and with it 1, LR/AMOs trap into this guest's handler");
	check_pte(fwft_set(PTE_AD, 1, 0), SBI_SUCCESS, 0, "after a warm reboot: PTE_AD unlocked");
}

int main(unsigned long id, const void *dtb)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0, 0, 0, 0);
	const char *isa = "", *cpu_isa, *args;
	const void *count;
	unsigned long cpu, boots = 0;
	int len;

	hartid = id;
	under_keel = !r.error && r.value == (long)SBI_IMPL_ID_KEEL;
	timebase = fdt_timebase(dtb);
	for (nr_harts = 0; fdt_cpu(dtb, (int)nr_harts, &cpu, &cpu_isa); nr_harts++)
		if (!nr_harts)
			isa = cpu_isa;
	args = fdt_prop(dtb, "chosen", "bootargs", &len);
	count = fdt_prop(dtb, "chosen", "keel,boot-count", &len);
	if (count && len == 4)
		boots = fdt_be32(count);
	if (bootarg_is(args, "fwft.svadu", "0") || bootarg_is(args, "fwft.svadu", "1")) {
		svadu = bootarg_is(args, "fwft.svadu", "1");
	} else {
		/* only a run by hand may leave it out: then its riscv,isa decides */
		CHECK(!under_keel, "fwft.svadu=0|1 in the bootargs (tests/system/cases.sh)");
		svadu = isa_has_ext(isa, "svadu");
	}
	printf("# fwft guest: hart %lu of %lu, %s, boot %lu\n", hartid, nr_harts,
	       under_keel ? "under Keel" : "not under Keel", boots);
	if (!under_keel && sbi_probe(SBI_EXT_FWFT) <= 0) {
		test_skip("not under Keel, and this SBI has no FWFT");
		return 0;
	}
	CHECK_EQ(sbi_probe(SBI_EXT_FWFT), 1, "probe_extension(FWFT)");
	if (boots == 1) {
		test_after_reboot();
		return 0;
	}
	test_errors();
	test_misaligned();
	test_pte_ad(isa);
	test_hsm_reset();
	test_locks();
	if (!under_keel) {
		test_skip("not under Keel: no keel,boot-count to tell a reboot by");
		return 0;
	}
	printf("# warm reboot with both features locked\n");
	r = sbi_call(SBI_EXT_SRST, SBI_EXT_SRST_RESET, SBI_SRST_RESET_TYPE_WARM_REBOOT, 0, 0, 0, 0,
		     0);
	CHECK(0, "SRST warm reboot returned (error %ld)", r.error);
	return 0;
}
