/*
 * SBI FWFT (src/sbi/sbi_fwft.c): the feature table and set's checks as pure
 * logic, then the extension end to end through the real sbi_dispatch(),
 * with fake_core.c behind it as in test_sbi.c: values, locks, what a set
 * does to the vCPU's delegation and henvcfg, and every error of the spec's
 * tables.
 */
#include <string.h>

#include "fake_core.h"
#include "sbi/sbi.h"
#include "unit.h"
#include "vm.h"

#define RAM_BASE VM_RAM_BASE
#define RAM_SIZE 0x10000UL
#define PC 0x80200000UL
#define UNTOUCHED 0x5a5a5a5a5a5a5a5aUL
#define MISALIGNED SBI_FWFT_MISALIGNED_EXC_DELEG
#define PTE_AD SBI_FWFT_PTE_AD_HW_UPDATING
#define LOCK SBI_FWFT_SET_FLAG_LOCK

static struct vm vm;
static const struct vm_config cfg = { .name = "t" };
static uint8_t ram[RAM_SIZE];
static struct vcpu *v;
static struct vcpu_context *next;

#define A0 (v->ctx.x[10])
#define A1 (v->ctx.x[11])

/* one vCPU on fake_hart, running; svadu: the VM's guests may have Svadu */
static void setup(bool svadu)
{
	memset(&vm, 0, sizeof(vm));
	fake_reset();
	vm.cfg = &cfg;
	vm.ram_base = RAM_BASE;
	vm.ram_size = RAM_SIZE;
	vm.ram = ram;
	vm.nr_vcpus = 1;
	vm.state = VM_RUNNING;
	vm.guest_svadu = svadu;
	v = &vm.vcpus[0];
	v->vm = &vm;
	v->hart = &fake_hart;
	v->hsm_state = SBI_HSM_STATE_STARTED;
	v->run_state = VCPU_RUNNABLE;
	/* as vcpu_entry_state() leaves it: Sstc for the guest, nothing else */
	v->csrs.henvcfg = ENVCFG_STCE;
	v->csrs.delegated = vcpu_delegation_of(v);
}

/* a1 starts as junk: a failed call must still return 0 there */
static void ecall(unsigned long fid, unsigned long a0, unsigned long a1, unsigned long a2)
{
	const unsigned long args[6] = { a0, a1, a2, UNTOUCHED, UNTOUCHED, UNTOUCHED };

	next = fake_ecall(v, PC, SBI_EXT_FWFT, fid, args);
}

static void check_returned(long error, unsigned long value, int line)
{
	unsigned int before = unit_failures();

	CHECK_EQ(A0, (unsigned long)error);
	CHECK_EQ(A1, value);
	CHECK_EQ(v->ctx.sepc, PC + 4);
	CHECK(next == &v->ctx);
	for (int r = 13; r < 16; r++)
		CHECK_EQ(v->ctx.x[r], UNTOUCHED);
	if (unit_failures() != before)
		printf("\t(checked at line %d)\n", line);
}
#define CHECK_RETURNED(error, value) check_returned((error), (value), __LINE__)

static void set(unsigned long feature, unsigned long value, unsigned long flags)
{
	ecall(SBI_EXT_FWFT_SET, feature, value, flags);
}

static void get(unsigned long feature)
{
	ecall(SBI_EXT_FWFT_GET, feature, UNTOUCHED, UNTOUCHED);
}

static bool delegates(unsigned long cause)
{
	return v->csrs.delegated >> cause & 1;
}

/* ---- the feature table --------------------------------------------------- */

/* What the spec says of a feature id, written from its table, not the code */
static long spec_answer(uint32_t f, bool svadu)
{
	if (f == MISALIGNED || (f == PTE_AD && svadu))
		return SBI_SUCCESS;
	if (f <= SBI_FWFT_POINTER_MASKING_PMLEN)
		return SBI_ERR_NOT_SUPPORTED; /* defined, not offered */
	return SBI_ERR_DENIED;            /* reserved, or platform-specific */
}

TEST(fwft_slot_of_the_offered_features)
{
	unsigned int slot = 99;

	CHECK_EQ(sbi_fwft_slot(MISALIGNED, false, &slot), SBI_SUCCESS);
	CHECK_EQ(slot, FWFT_SLOT_MISALIGNED_EXC_DELEG);
	CHECK_EQ(sbi_fwft_slot(PTE_AD, true, &slot), SBI_SUCCESS);
	CHECK_EQ(slot, FWFT_SLOT_PTE_AD_HW_UPDATING);
	slot = 99;
	CHECK_EQ(sbi_fwft_slot(PTE_AD, false, &slot), SBI_ERR_NOT_SUPPORTED);
	CHECK_EQ(slot, 99); /* untouched on an error */
}

TEST(fwft_slot_defined_but_not_offered_is_not_supported)
{
	static const uint32_t defined[] = {
		SBI_FWFT_LANDING_PAD, SBI_FWFT_SHADOW_STACK, SBI_FWFT_DOUBLE_TRAP,
		SBI_FWFT_POINTER_MASKING_PMLEN,
	};
	unsigned int slot;

	for (unsigned int i = 0; i < sizeof(defined) / sizeof(defined[0]); i++) {
		CHECK_EQ(sbi_fwft_slot(defined[i], false, &slot), SBI_ERR_NOT_SUPPORTED);
		CHECK_EQ(sbi_fwft_slot(defined[i], true, &slot), SBI_ERR_NOT_SUPPORTED);
	}
}

TEST(fwft_slot_reserved_and_platform_ranges_are_denied)
{
	/* each range's first and last id, and the defined ids in the global half */
	static const uint32_t denied[] = {
		0x6,        0x7,        0x3fffffff, /* local, reserved */
		0x40000000, 0x40000004, 0x7fffffff, /* local, platform-specific */
		0x80000000, 0x80000004, 0xbfffffff, /* global, reserved */
		0xc0000000, 0xc0000004, 0xffffffff, /* global, platform-specific */
	};
	unsigned int slot;

	for (unsigned int i = 0; i < sizeof(denied) / sizeof(denied[0]); i++) {
		CHECK_EQ(sbi_fwft_slot(denied[i], false, &slot), SBI_ERR_DENIED);
		CHECK_EQ(sbi_fwft_slot(denied[i], true, &slot), SBI_ERR_DENIED);
	}
}

TEST(fwft_slot_agrees_with_the_spec_table_across_the_id_space)
{
	unsigned int bad = 0, slot;

	/* every id up to 64, then a stride through all 2^32 that hits each range */
	for (uint64_t f = 0; f <= 0xffffffffULL; f += f < 64 ? 1 : 0x10001ULL) {
		for (int svadu = 0; svadu < 2; svadu++) {
			long got = sbi_fwft_slot((uint32_t)f, svadu, &slot);

			if (got != spec_answer((uint32_t)f, svadu) && bad++ < 5)
				printf("\tfeature 0x%llx svadu %d: %ld, the spec says %ld\n",
				       (unsigned long long)f, svadu, got,
				       spec_answer((uint32_t)f, svadu));
		}
	}
	CHECK_EQ(bad, 0);
}

/* ---- set's checks -------------------------------------------------------- */

TEST(fwft_set_check_flags_lock_value_in_that_order)
{
	struct vcpu_fwft fw;

	memset(&fw, 0, sizeof(fw));
	for (unsigned int s = 0; s < FWFT_SLOTS; s++) {
		CHECK_EQ(sbi_fwft_set_check(&fw, s, 0, 0), SBI_SUCCESS);
		CHECK_EQ(sbi_fwft_set_check(&fw, s, 1, LOCK), SBI_SUCCESS);
		CHECK_EQ(sbi_fwft_set_check(&fw, s, 2, 0), SBI_ERR_INVALID_PARAM);
		CHECK_EQ(sbi_fwft_set_check(&fw, s, -1UL, LOCK), SBI_ERR_INVALID_PARAM);
		/* every reserved flag bit, the upper half of the register too */
		for (unsigned int bit = 1; bit < 64; bit++)
			CHECK_EQ(sbi_fwft_set_check(&fw, s, 1, 1UL << bit), SBI_ERR_INVALID_PARAM);
		fw.f[s].locked = true;
		fw.f[s].value = 1;
		/* locked: whatever the value, the same one included */
		CHECK_EQ(sbi_fwft_set_check(&fw, s, 1, 0), SBI_ERR_DENIED_LOCKED);
		CHECK_EQ(sbi_fwft_set_check(&fw, s, 1, LOCK), SBI_ERR_DENIED_LOCKED);
		CHECK_EQ(sbi_fwft_set_check(&fw, s, 0, 0), SBI_ERR_DENIED_LOCKED);
		CHECK_EQ(sbi_fwft_set_check(&fw, s, 2, 0), SBI_ERR_DENIED_LOCKED);
		/* but bad flags are refused before the lock is looked at */
		CHECK_EQ(sbi_fwft_set_check(&fw, s, 1, 2), SBI_ERR_INVALID_PARAM);
	}
}

/* ---- through the dispatcher ---------------------------------------------- */

TEST(fwft_probe_and_exit_slot)
{
	const unsigned long args[6] = { SBI_EXT_FWFT };

	setup(false);
	next = fake_ecall(v, PC, SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, args);
	CHECK_EQ(A0, SBI_SUCCESS);
	CHECK_EQ(A1, 1);
	get(MISALIGNED);
	CHECK_EQ(v->exit_count[EXIT_SLOT_SBI(SBI_STAT_FWFT)], 1);
	CHECK(!strcmp(sbi_stat_slot_name(SBI_STAT_FWFT), "FWFT"));
}

TEST(fwft_values_start_at_0)
{
	setup(true);
	get(MISALIGNED);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	get(PTE_AD);
	CHECK_RETURNED(SBI_SUCCESS, 0);
}

TEST(fwft_misaligned_deleg_delegates_the_two_misaligned_causes)
{
	setup(false);
	v->trace = true; /* nothing is delegated while tracing... */
	v->csrs.delegated = vcpu_delegation_of(v);
	CHECK_EQ(v->csrs.delegated, 0);
	set(MISALIGNED, 1, 0);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	/* ...but what the guest asked for: the misaligned causes, and only those */
	CHECK_EQ(v->csrs.delegated, FWFT_MISALIGNED_CAUSES);
	CHECK_EQ(fake.delegation_updates, 1);
	get(MISALIGNED);
	CHECK_RETURNED(SBI_SUCCESS, 1);
	set(MISALIGNED, 0, 0);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	CHECK_EQ(v->csrs.delegated, 0);
	get(MISALIGNED);
	CHECK_RETURNED(SBI_SUCCESS, 0);
}

TEST(fwft_misaligned_deleg_without_trace_keeps_the_usual_share)
{
	unsigned long usual;

	setup(false);
	usual = v->csrs.delegated;
	CHECK(usual & FWFT_MISALIGNED_CAUSES); /* nobody counts: delegated already */
	set(MISALIGNED, 1, 0);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	CHECK_EQ(v->csrs.delegated, usual);
}

TEST(fwft_misaligned_deleg_gives_a_counted_cause_back_to_keel)
{
	setup(false);
	set(MISALIGNED, 1, 0);
	/* the guest counts misaligned loads: cause 4 must come to Keel, 6 not */
	v->pmu.fw[SBI_PMU_FW_MISALIGNED_LOAD].started = true;
	vcpu_delegation_update(v);
	CHECK(!delegates(EXC_LOAD_MISALIGNED));
	CHECK(delegates(EXC_STORE_MISALIGNED));
	v->trace = true;
	vcpu_delegation_update(v);
	CHECK(!delegates(EXC_LOAD_MISALIGNED));
	CHECK(delegates(EXC_STORE_MISALIGNED));
	CHECK(!delegates(EXC_INST_ILLEGAL)); /* not a misaligned cause: tracing keeps it */
	v->pmu.fw[SBI_PMU_FW_MISALIGNED_STORE].started = true;
	vcpu_delegation_update(v);
	CHECK_EQ(v->csrs.delegated & FWFT_MISALIGNED_CAUSES, 0);
}

TEST(fwft_misaligned_deleg_follows_a_pmu_counter_started_through_sbi)
{
	const unsigned long cfg_args[6] = {
		PMU_FW_BASE, (1UL << SBI_PMU_FW_MAX) - 1, SBI_PMU_CFG_FLAG_AUTO_START,
		SBI_PMU_EVENT_IDX(SBI_PMU_EVENT_TYPE_FW, SBI_PMU_FW_MISALIGNED_STORE),
	};

	setup(false);
	v->trace = true;
	set(MISALIGNED, 1, 0);
	CHECK_EQ(v->csrs.delegated, FWFT_MISALIGNED_CAUSES);
	next = fake_ecall(v, PC, SBI_EXT_PMU, SBI_EXT_PMU_COUNTER_CFG_MATCH, cfg_args);
	CHECK_EQ(A0, SBI_SUCCESS);
	/* the PMU call recomputed it: the counted store cause is Keel's again */
	CHECK_EQ(v->csrs.delegated, 1UL << EXC_LOAD_MISALIGNED);
}

TEST(fwft_pte_ad_sets_and_clears_henvcfg_adue)
{
	setup(true);
	set(PTE_AD, 1, 0);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	CHECK_EQ(v->csrs.henvcfg, ENVCFG_STCE | ENVCFG_ADUE);
	CHECK_EQ(fake.henvcfg_updates, 1);
	CHECK_EQ(fake.henvcfg, ENVCFG_STCE | ENVCFG_ADUE);
	get(PTE_AD);
	CHECK_RETURNED(SBI_SUCCESS, 1);
	set(PTE_AD, 0, 0);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	CHECK_EQ(v->csrs.henvcfg, ENVCFG_STCE);
	CHECK_EQ(fake.henvcfg, ENVCFG_STCE);
	CHECK_EQ(fake.delegation_updates, 0); /* PTE_AD is no delegation */
}

TEST(fwft_pte_ad_without_svadu_is_not_supported)
{
	setup(false);
	set(PTE_AD, 1, 0);
	CHECK_RETURNED(SBI_ERR_NOT_SUPPORTED, 0);
	set(PTE_AD, 0, LOCK);
	CHECK_RETURNED(SBI_ERR_NOT_SUPPORTED, 0);
	get(PTE_AD);
	CHECK_RETURNED(SBI_ERR_NOT_SUPPORTED, 0);
	CHECK_EQ(v->csrs.henvcfg, ENVCFG_STCE);
	CHECK_EQ(fake.henvcfg_updates, 0);
	CHECK(!v->fwft.f[FWFT_SLOT_PTE_AD_HW_UPDATING].locked);
}

TEST(fwft_lock_is_sticky_and_get_still_works)
{
	setup(true);
	set(MISALIGNED, 1, LOCK);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	set(MISALIGNED, 0, 0);
	CHECK_RETURNED(SBI_ERR_DENIED_LOCKED, 0);
	set(MISALIGNED, 1, 0); /* the value it has */
	CHECK_RETURNED(SBI_ERR_DENIED_LOCKED, 0);
	set(MISALIGNED, 1, LOCK);
	CHECK_RETURNED(SBI_ERR_DENIED_LOCKED, 0);
	set(MISALIGNED, 2, 0);
	CHECK_RETURNED(SBI_ERR_DENIED_LOCKED, 0);
	set(MISALIGNED, 1, 4); /* a reserved flag: refused before the lock */
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
	get(MISALIGNED);
	CHECK_RETURNED(SBI_SUCCESS, 1);
	CHECK_EQ(fake.delegation_updates, 1);
	/* one feature's lock is not the other's */
	set(PTE_AD, 1, 0);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	set(PTE_AD, 0, LOCK);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	set(PTE_AD, 1, 0);
	CHECK_RETURNED(SBI_ERR_DENIED_LOCKED, 0);
	get(PTE_AD);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	CHECK_EQ(v->csrs.henvcfg, ENVCFG_STCE);
}

TEST(fwft_bad_value_and_flags_change_nothing)
{
	static const unsigned long bad_values[] = { 2, 3, 0x100, 1UL << 32, -1UL };

	setup(true);
	for (unsigned int i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		set(MISALIGNED, bad_values[i], 0);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
		set(PTE_AD, bad_values[i], LOCK);
		CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
	}
	/* flags is an unsigned long: a bit in its upper half is reserved too */
	set(MISALIGNED, 1, 1UL << 32);
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
	set(MISALIGNED, 1, LOCK | 1UL << 63);
	CHECK_RETURNED(SBI_ERR_INVALID_PARAM, 0);
	CHECK_EQ(fake.delegation_updates, 0);
	CHECK_EQ(fake.henvcfg_updates, 0);
	for (unsigned int s = 0; s < FWFT_SLOTS; s++) {
		CHECK_EQ(v->fwft.f[s].value, 0);
		CHECK(!v->fwft.f[s].locked);
	}
}

TEST(fwft_feature_is_the_low_32_bits_of_a0)
{
	setup(true);
	set(0xffffffff00000000UL | MISALIGNED, 1, 0);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	get(0x100000000UL | MISALIGNED);
	CHECK_RETURNED(SBI_SUCCESS, 1);
	set(0x8000000000000000UL | PTE_AD, 1, 0);
	CHECK_RETURNED(SBI_SUCCESS, 0);
	get(0xffffffff00000000UL | PTE_AD);
	CHECK_RETURNED(SBI_SUCCESS, 1);
	/* an LP64 caller's sign-extended global id is the global id */
	get(0xffffffff80000000UL);
	CHECK_RETURNED(SBI_ERR_DENIED, 0);
	get(0x00000001c0000000UL);
	CHECK_RETURNED(SBI_ERR_DENIED, 0);
	get(0xffffffff00000001UL);
	CHECK_RETURNED(SBI_ERR_NOT_SUPPORTED, 0);
}

TEST(fwft_errors_of_the_spec_tables_for_set_and_get)
{
	static const struct {
		unsigned long feature;
		long error;
	} rows[] = {
		{ SBI_FWFT_LANDING_PAD, SBI_ERR_NOT_SUPPORTED },
		{ SBI_FWFT_SHADOW_STACK, SBI_ERR_NOT_SUPPORTED },
		{ SBI_FWFT_DOUBLE_TRAP, SBI_ERR_NOT_SUPPORTED },
		{ SBI_FWFT_POINTER_MASKING_PMLEN, SBI_ERR_NOT_SUPPORTED },
		{ 0x6, SBI_ERR_DENIED },
		{ 0x3fffffff, SBI_ERR_DENIED },
		{ 0x40000000, SBI_ERR_DENIED },
		{ 0x7fffffff, SBI_ERR_DENIED },
		{ 0x80000000, SBI_ERR_DENIED },
		{ 0xbfffffff, SBI_ERR_DENIED },
		{ 0xc0000000, SBI_ERR_DENIED },
		{ 0xffffffff, SBI_ERR_DENIED },
	};

	setup(true);
	for (unsigned int i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		get(rows[i].feature);
		CHECK_RETURNED(rows[i].error, 0);
		set(rows[i].feature, 1, 0);
		CHECK_RETURNED(rows[i].error, 0);
		/* the feature is looked at first: bad flags do not change the answer */
		set(rows[i].feature, 7, 2);
		CHECK_RETURNED(rows[i].error, 0);
	}
	CHECK_EQ(fake.delegation_updates, 0);
	CHECK_EQ(fake.henvcfg_updates, 0);
}

TEST(fwft_unknown_fid_is_not_supported)
{
	static const unsigned long fids[] = { 2, 3, 0x100, -1UL };

	setup(true);
	for (unsigned int i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		ecall(fids[i], MISALIGNED, 1, 0);
		CHECK_RETURNED(SBI_ERR_NOT_SUPPORTED, 0);
	}
	CHECK_EQ(v->fwft.f[FWFT_SLOT_MISALIGNED_EXC_DELEG].value, 0);
}
