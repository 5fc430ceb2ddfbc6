/*
 * Checks the SBI functions a Keel guest may use against the SBI spec v2.0,
 * error codes included. Expectations that only hold for Keel (spec version,
 * implementation version, DBCN) are checked when the implementation id says
 * Keel and skipped otherwise, so the guest also passes on plain OpenSBI.
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "sbi_guest.h"
#include "test.h"
#include "trap.h"

#define OPENSBI_IMPL_ID 1
#define NO_HART 1000UL			/* no such hart on any test machine */
#define ABSENT_EXT 0x12345678UL
#define POLL_LIMIT 100000		/* sip polls before giving up on an IPI */

unsigned long hartid, ram_base, ram_end, timebase;
int under_keel, has_sstc;

static struct sbiret call0(unsigned long ext, unsigned long fid)
{
	return sbi_call(ext, fid, 0, 0, 0, 0, 0, 0);
}

static void test_base(void)
{
	static const struct { unsigned long id; const char *name; } exts[] = {
		{ SBI_EXT_BASE, "BASE" }, { SBI_EXT_TIME, "TIME" },
		{ SBI_EXT_IPI, "IPI" }, { SBI_EXT_RFENCE, "RFENCE" },
		{ SBI_EXT_HSM, "HSM" }, { SBI_EXT_SRST, "SRST" },
	};
	struct sbiret r;
	unsigned long i;

	r = call0(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID);
	under_keel = !r.error && r.value == (long)SBI_IMPL_ID_KEEL;
	/* Any other id means Keel misreports it (or an unknown firmware). */
	CHECK(!r.error && (under_keel || r.value == OPENSBI_IMPL_ID),
	      "BASE get_impl_id: error %ld value 0x%lx (Keel 0x%lx or OpenSBI %d)",
	      r.error, r.value, SBI_IMPL_ID_KEEL, OPENSBI_IMPL_ID);
	printf("# running under %s\n", under_keel ? "Keel" : "not-Keel firmware");

	r = call0(SBI_EXT_BASE, SBI_EXT_BASE_GET_SPEC_VERSION);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "BASE get_spec_version succeeds (0x%lx)", r.value);
	CHECK(!(r.value & (1UL << 31)) && r.value >= 0x01000000,
	      "spec version 0x%lx: bit 31 clear, at least 1.0", r.value);
	if (under_keel)
		CHECK_EQ(r.value, SBI_SPEC_VERSION_MAJOR << SBI_SPEC_VERSION_MAJOR_SHIFT |
			 SBI_SPEC_VERSION_MINOR, "spec version is 2.0 under Keel");
	else
		test_skip("not under Keel: spec version == 2.0");

	r = call0(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_VERSION);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "BASE get_impl_version succeeds (0x%lx)", r.value);
	if (under_keel)
		CHECK_EQ(r.value, KEEL_VERSION_MAJOR << 16 | KEEL_VERSION_MINOR,
			 "impl version is Keel %s", KEEL_VERSION_STRING);
	else
		test_skip("not under Keel: impl version == Keel's");

	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, exts[i].id, 0, 0, 0, 0, 0);
		CHECK(!r.error && r.value,
		      "probe_extension(%s) present: error %ld value %ld",
		      exts[i].name, r.error, r.value);
	}
	r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, SBI_EXT_DBCN, 0, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "probe_extension(DBCN) succeeds (value %ld)", r.value);
	if (under_keel)
		CHECK(r.value, "probe_extension(DBCN) present under Keel");
	else
		test_skip("not under Keel: DBCN present (value %ld here)", r.value);
	for (i = 0; i <= SBI_EXT_0_1_SHUTDOWN; i++) {
		r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, i, 0, 0, 0, 0, 0);
		CHECK(!r.error && r.value,
		      "probe_extension(legacy 0x%lx) present: error %ld value %ld",
		      i, r.error, r.value);
	}
	r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, ABSENT_EXT, 0, 0, 0, 0, 0);
	CHECK_SBI(r, SBI_SUCCESS, 0, "probe_extension(0x%lx) absent: 0, not an error",
		  ABSENT_EXT);
	r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_PROBE_EXT, 0x0B000000, 0, 0, 0, 0, 0);
	CHECK_SBI(r, SBI_SUCCESS, 0, "probe_extension(0x0B000000) absent");

	r = call0(SBI_EXT_BASE, SBI_EXT_BASE_GET_MVENDORID);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "get_mvendorid succeeds (0x%lx)", r.value);
	r = call0(SBI_EXT_BASE, SBI_EXT_BASE_GET_MARCHID);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "get_marchid succeeds (0x%lx)", r.value);
	r = call0(SBI_EXT_BASE, SBI_EXT_BASE_GET_MIMPID);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "get_mimpid succeeds (0x%lx)", r.value);

	r = call0(SBI_EXT_BASE, 100);
	CHECK_SBI_ERR(r, SBI_ERR_NOT_SUPPORTED, "BASE fid 100 not supported");
	r = call0(ABSENT_EXT, 0);
	CHECK_SBI_ERR(r, SBI_ERR_NOT_SUPPORTED, "extension 0x%lx fid 0 not supported",
		      ABSENT_EXT);
}

/* An unknown function id of each extension: NOT_SUPPORTED. */
static void test_unknown_fids(void)
{
	static const struct {
		unsigned long ext, fid;
		const char *name;
	} cases[] = {
		{ SBI_EXT_TIME, 1, "TIME" }, { SBI_EXT_IPI, 1, "IPI" },
		{ SBI_EXT_RFENCE, 7, "RFENCE" }, { SBI_EXT_HSM, 4, "HSM" },
		{ SBI_EXT_SRST, 1, "SRST" }, { SBI_EXT_DBCN, 3, "DBCN" },
	};
	unsigned long i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!sbi_probe(cases[i].ext)) {
			test_skip("%s absent: fid %lu not tried", cases[i].name, cases[i].fid);
			continue;
		}
		CHECK_SBI_ERR(call0(cases[i].ext, cases[i].fid), SBI_ERR_NOT_SUPPORTED,
			      "%s fid %lu not supported", cases[i].name, cases[i].fid);
	}
}

static void test_legacy_console(void)
{
	long r;

	console_puts("# legacy console_putchar next: [");
	r = sbi_legacy_call(SBI_EXT_0_1_CONSOLE_PUTCHAR, '*', 0, 0);
	console_puts("]\n");
	CHECK_EQ(r, 0, "legacy console_putchar('*') returns 0");
	r = sbi_legacy_call(SBI_EXT_0_1_CONSOLE_GETCHAR, 0, 0, 0);
	CHECK_EQ(r, -1L, "legacy console_getchar with no input returns -1");
}

static void test_srst(void)
{
	static const struct { unsigned long type, reason; } bad[] = {
		{ 3, 0 },		/* first reserved type */
		{ 0x10000000, 0 },	/* reserved type */
		{ 0, 2 },		/* first reserved reason */
		{ 0, 0x10000000 },	/* reserved reason */
		/* uint32_t: the low halves decide, whatever the upper ones hold */
		{ 0xFFFFFFFF00000003UL, 0 },
		{ 0xFFFFFFFF00000000UL, 0xFFFFFFFF00000002UL },
	};
	unsigned long i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* If this powers the machine off, the bad argument was ignored. */
		printf("# SRST reset(type 0x%lx, reason 0x%lx): must be refused\n",
		       bad[i].type, bad[i].reason);
		CHECK_SBI_ERR(sbi_call(SBI_EXT_SRST, SBI_EXT_SRST_RESET, bad[i].type,
				       bad[i].reason, 0, 0, 0, 0),
			      SBI_ERR_INVALID_PARAM,
			      "SRST reset(type 0x%lx, reason 0x%lx) invalid param",
			      bad[i].type, bad[i].reason);
	}
}

/*
 * keel.srst=upper: end with an SRST shutdown whose type and reason carry
 * set upper halves (0 and SYSFAIL underneath, as an LP64 caller may pass a
 * uint32_t). It must be taken as a shutdown reporting a system failure
 * (tests/system/cases.sh, sbi-srst-upper-halves); if it returns, it failed.
 */
static void srst_upper_halves(void)
{
	struct sbiret r;

	printf("# SRST reset(type 0xffffffff00000000, reason 0xffffffff00000001): "
	       "must shut down reporting a system failure\n");
	r = sbi_call(SBI_EXT_SRST, SBI_EXT_SRST_RESET, 0xFFFFFFFF00000000UL,
		     0xFFFFFFFF00000001UL, 0, 0, 0, 0);
	CHECK(0, "SRST reset with the upper halves set returned: error %ld", r.error);
	test_finish();
}

static struct sbiret dbcn(unsigned long fid, unsigned long n, unsigned long lo,
			  unsigned long hi)
{
	return sbi_call(SBI_EXT_DBCN, fid, n, lo, hi, 0, 0, 0);
}

/*
 * A write may be partial: the count comes back and the caller goes on from
 * there. Keel writes at most 32 bytes a call, and no further than the first
 * newline (src/sbi/sbi_dbcn.c), so no call holds its hart for long.
 */
static void test_dbcn_partial(void)
{
	static const char line[] = "# DBCN console_write of a line longer than one call "
				   "takes, written by sbi_dbcn_write_all\n";
	static const char two[] = "# two lines in one buffer: one\n# and two\n";
	unsigned long n = sizeof(line) - 1;
	long calls;
	struct sbiret r;

	r = dbcn(SBI_EXT_DBCN_CONSOLE_WRITE, n, (unsigned long)line, 0);
	console_puts("\n"); /* after what the partial write left of the line */
	CHECK(!r.error && r.value >= 1 && (unsigned long)r.value <= n,
	      "DBCN console_write of %lu bytes writes 1..%lu: error %ld, %ld written", n, n,
	      r.error, r.value);
	if (under_keel)
		CHECK_EQ(r.value, 32, "under Keel a call writes at most 32 bytes");
	calls = sbi_dbcn_write_all(line, n);
	CHECK(calls >= 1, "the %lu bytes go out whole, call after call (%ld calls)", n, calls);
	if (under_keel)
		CHECK_EQ(calls, (n + 31) / 32, "%lu bytes take %lu calls of 32", n, (n + 31) / 32);
	calls = sbi_dbcn_write_all(two, sizeof(two) - 1);
	CHECK(calls >= 1, "two lines go out whole (%ld calls)", calls);
	if (under_keel)
		CHECK_EQ(calls, 2, "two lines of under 32 bytes take a call each");
}

static void test_dbcn(void)
{
	static const char msg[] = "# DBCN console_write says hello\n";
	static char inbuf[16];
	unsigned long n = sizeof(msg) - 1;
	struct sbiret r;

	if (!sbi_probe(SBI_EXT_DBCN)) {
		test_skip("DBCN absent%s", under_keel ? " (but under Keel!)" : "");
		if (under_keel)
			CHECK(0, "DBCN present under Keel");
		return;
	}
	r = dbcn(SBI_EXT_DBCN_CONSOLE_WRITE, n, (unsigned long)msg, 0);
	CHECK_SBI(r, SBI_SUCCESS, (long)n, "DBCN console_write of %lu bytes", n);
	test_dbcn_partial();
	r = dbcn(SBI_EXT_DBCN_CONSOLE_WRITE, 0, (unsigned long)msg, 0);
	CHECK_SBI(r, SBI_SUCCESS, 0, "DBCN console_write of 0 bytes");
	r = dbcn(SBI_EXT_DBCN_CONSOLE_WRITE, 4, 0x1000, 0);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "DBCN console_write from 0x1000");
	r = dbcn(SBI_EXT_DBCN_CONSOLE_WRITE, 4, 0xFFFFFFFFFFFFF000UL, 0);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "DBCN console_write from 0xfffffffffffff000");
	r = dbcn(SBI_EXT_DBCN_CONSOLE_WRITE, 32, ram_end - 16, 0);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM,
		      "DBCN console_write of 32 bytes at RAM end - 16 (0x%lx)", ram_end - 16);
	r = dbcn(SBI_EXT_DBCN_CONSOLE_WRITE, n, (unsigned long)msg, 1);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "DBCN console_write with base_addr_hi 1");
	r = dbcn(SBI_EXT_DBCN_CONSOLE_READ, sizeof(inbuf), (unsigned long)inbuf, 0);
	CHECK_SBI(r, SBI_SUCCESS, 0, "DBCN console_read with no input reads 0 bytes");
	r = dbcn(SBI_EXT_DBCN_CONSOLE_READ, sizeof(inbuf), 0x1000, 0);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "DBCN console_read into 0x1000");
	console_puts("# DBCN console_write_byte next: [");
	r = dbcn(SBI_EXT_DBCN_CONSOLE_WRITE_BYTE, '*', 0, 0);
	console_puts("]\n");
	CHECK_SBI_ERR(r, SBI_SUCCESS, "DBCN console_write_byte");
}

static void test_hsm(void)
{
	extern char _start[];
	struct sbiret r;

	r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, hartid, 0, 0, 0, 0, 0);
	CHECK_SBI(r, SBI_SUCCESS, SBI_HSM_STATE_STARTED,
		  "HSM hart_get_status(own hart %lu) is STARTED", hartid);
	r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, NO_HART, 0, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "HSM hart_get_status(%lu)", NO_HART);
	/* A valid start address, so only the hart id can be wrong. */
	r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, hartid,
		     (unsigned long)_start, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_ERR_ALREADY_AVAILABLE, "HSM hart_start(own hart)");
	r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, NO_HART,
		     (unsigned long)_start, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "HSM hart_start(%lu)", NO_HART);
}

/* Poll sip.SSIP a while: the IPI may land a few instructions late. */
static int poll_ssip(void)
{
	int i, seen = 0;

	for (i = 0; i < POLL_LIMIT && !seen; i++)
		seen = !!(csr_read(sip) & SIP_SSIP);
	return seen;
}

static int wait_ssip(void)
{
	int seen = poll_ssip();

	csr_clear(sip, SIP_SSIP);
	return seen;
}

static void test_ipi(void)
{
	struct sbiret r;
	unsigned long mask;
	long err;

	csr_clear(sip, SIP_SSIP);
	csr_set(sie, SIP_SSIP);

	r = sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, hartid, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "IPI send_ipi(mask 1, base own hart)");
	CHECK(wait_ssip(), "IPI to own hart sets sip.SSIP");
	CHECK(!(csr_read(sip) & SIP_SSIP), "csrc sip.SSIP clears it");

	r = sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1, NO_HART, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "IPI send_ipi(mask 1, base %lu)", NO_HART);

	r = sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 0, -1UL, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "IPI send_ipi(base -1: all harts)");
	CHECK(wait_ssip(), "IPI to all harts sets own sip.SSIP");

	/* Legacy send_ipi takes a pointer to the mask; clear_ipi clears SSIP. */
	mask = 1UL << hartid;
	err = sbi_legacy_call(SBI_EXT_0_1_SEND_IPI, (unsigned long)&mask, 0, 0);
	CHECK_EQ(err, 0, "legacy send_ipi(&mask) returns 0");
	CHECK(poll_ssip(), "legacy send_ipi sets sip.SSIP");
	err = sbi_legacy_call(SBI_EXT_0_1_CLEAR_IPI, 0, 0, 0);
	CHECK_EQ(err, 0, "legacy clear_ipi returns 0");
	CHECK(!(csr_read(sip) & SIP_SSIP), "legacy clear_ipi clears sip.SSIP");
	csr_clear(sip, SIP_SSIP);

	csr_clear(sie, SIP_SSIP);
}

static void test_rfence(void)
{
	unsigned long mask = 1UL << hartid;
	struct sbiret r;
	long err;

	r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I, 1, hartid, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "RFENCE remote_fence_i(own hart)");
	r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, 1, hartid,
		     0, -1UL, 0, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "RFENCE remote_sfence_vma(own hart, all)");
	r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA_ASID, 1, hartid,
		     0, -1UL, 0, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "RFENCE remote_sfence_vma_asid(own hart, asid 0)");
	r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I, 0, -1UL, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_SUCCESS, "RFENCE remote_fence_i(all harts)");
	r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_FENCE_I, 1, NO_HART, 0, 0, 0, 0);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "RFENCE remote_fence_i(hart %lu)", NO_HART);
	r = sbi_call(SBI_EXT_RFENCE, SBI_EXT_RFENCE_REMOTE_SFENCE_VMA, 1, NO_HART,
		     0, -1UL, 0, 0);
	CHECK_SBI_ERR(r, SBI_ERR_INVALID_PARAM, "RFENCE remote_sfence_vma(hart %lu)",
		      NO_HART);

	err = sbi_legacy_call(SBI_EXT_0_1_REMOTE_FENCE_I, (unsigned long)&mask, 0, 0);
	CHECK_EQ(err, 0, "legacy remote_fence_i(&mask) returns 0");
	err = sbi_legacy_call(SBI_EXT_0_1_REMOTE_SFENCE_VMA, (unsigned long)&mask, 0, -1UL);
	CHECK_EQ(err, 0, "legacy remote_sfence_vma(&mask, all) returns 0");
}

int main(unsigned long a0, const void *dtb)
{
	unsigned long ram_size, cpu;
	const char *isa, *args;
	int len;

	hartid = a0;
	fdt_ram(dtb, &ram_base, &ram_size);
	ram_end = ram_base + ram_size;
	timebase = fdt_timebase(dtb);
	has_sstc = fdt_cpu(dtb, 0, &cpu, &isa) && isa_has_ext(isa, "sstc");
	printf("# sbi guest: hart %lu, RAM 0x%lx-0x%lx, timebase %lu Hz, %s\n",
	       hartid, ram_base, ram_end, timebase, has_sstc ? "Sstc" : "no Sstc");

	args = fdt_prop(dtb, "chosen", "bootargs", &len);
	if (bootarg_is(args, "keel.srst", "upper"))
		srst_upper_halves();

	test_base();
	test_unknown_fids();
	test_timer(0);
	test_timer(1);
	test_timer_stimecmp_mix();
	test_legacy_console();
	test_srst();
	test_dbcn();
	test_hsm();
	test_ipi();
	test_rfence();
	test_finish();
}
