/*
 * HSM hart_suspend on a secondary: reserved types refused; the default
 * retentive suspend woken by an IPI returns SUCCESS right after the ecall;
 * the default non-retentive suspend woken by an IPI resumes at
 * sec_resume_entry as from a hart_start. OpenSBI 1.1 implements both
 * defaults with a WFI; should another SBI lack one, that is accepted
 * (NOT_SUPPORTED) unless under Keel, whose SBI must offer both.
 * suspend_type is a uint32_t: each is tried again with the upper half of
 * a0 set (as an LP64 caller passes 0x80000000, sign-extended), which must
 * change nothing.
 */
#include "console.h"
#include "smp.h"
#include "test.h"

/*
 * Post a suspend, wait for SUSPENDED, wake the hart with an IPI. Returns
 * the command's sequence number; *suspended: whether SUSPENDED was seen.
 */
static unsigned long suspend_and_wake(unsigned long s, unsigned long type,
				      unsigned long opaque, int *suspended)
{
	unsigned long seq, t0 = rdtime(), t1;

	seq = post(s, CMD_SUSPEND, type, (unsigned long)sec_resume_entry, opaque);
	*suspended = wait_status(s, SBI_HSM_STATE_SUSPENDED, WAIT_LONG);
	t1 = rdtime();
	/* Give a suspend that returned at once time to say so. */
	if (!*suspended)
		wait_done(s, seq, SETTLE);
	printf("# hart_suspend(0x%lx) on hart %lu: SUSPENDED %s after %lu us\n", type, s,
	       *suspended ? "seen" : "not seen", ticks_us(t1 - t0));
	send_ipi(1, s);
	return seq;
}

static int refused(long error)
{
	return !under_keel && error == SBI_ERR_NOT_SUPPORTED;
}

static void test_retentive(unsigned long s, unsigned long type)
{
	volatile struct hart *h = &harts[s];
	unsigned long ssip = h->ssip, seq;
	int suspended, done;

	seq = suspend_and_wake(s, type, 0, &suspended);
	done = wait_done(s, seq, WAIT_LONG);
	if (done && refused(h->ret)) {
		test_skip("not under Keel: retentive suspend NOT_SUPPORTED here");
		return;
	}
	CHECK(suspended, "retentive suspend (0x%lx): hart %lu was SUSPENDED", type, s);
	CHECK(done && h->ret == SBI_SUCCESS, "retentive suspend (0x%lx): hart %lu woken by IPI, "
	      "hart_suspend returned %ld (%s)", type, s, h->ret, sbi_err_name(h->ret));
	CHECK(done && h->val && h->ssip == ssip + 1, "retentive suspend (0x%lx): hart %lu "
	      "resumed after the ecall with the IPI pending (%lu), then took it "
	      "(%lu SSIP)", type, s, h->val, h->ssip - ssip);
	CHECK(wait_status(s, SBI_HSM_STATE_STARTED, WAIT_LONG),
	      "retentive suspend (0x%lx): hart %lu STARTED again", type, s);
}

static void test_non_retentive(unsigned long s, unsigned long type)
{
	volatile struct hart *h = &harts[s];
	unsigned long entries = h->entries, opaque = 0x5A5A0300UL | s, seq;
	int suspended;

	seq = suspend_and_wake(s, type, opaque, &suspended);
	if (wait_done(s, seq, WAIT_LONG) && h->entries == entries && refused(h->ret)) {
		test_skip("not under Keel: non-retentive suspend NOT_SUPPORTED here");
		return;
	}
	CHECK(suspended, "non-retentive suspend (0x%lx): hart %lu was SUSPENDED", type, s);
	check_entry(s, opaque, 1, entries, "non-retentive suspend and an IPI");
	CHECK(wait_status(s, SBI_HSM_STATE_STARTED, WAIT_LONG),
	      "non-retentive suspend (0x%lx): hart %lu STARTED again", type, s);
}

void test_suspend(void)
{
	static const unsigned long reserved[] = {
		0x00000001UL, 0x80000001UL, 0xFFFFFFFF00000001UL, 0xFFFFFFFF80000001UL,
	};
	unsigned long s = boot_hart ? 0 : 1, i;
	volatile struct hart *h = &harts[s];

	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		unsigned long seq = post(s, CMD_SUSPEND, reserved[i],
					 (unsigned long)sec_resume_entry, 0);
		int done = wait_done(s, seq, WAIT_LONG);

		CHECK(done && h->ret == SBI_ERR_INVALID_PARAM, "hart_suspend(type 0x%lx) "
		      "on hart %lu: %s %ld (%s), want INVALID_PARAM", reserved[i], s,
		      done ? "error" : "did not return; last error", h->ret,
		      sbi_err_name(h->ret));
		if (!done)	/* it did suspend: wake it for the next checks */
			send_ipi(1, s);
	}
	test_retentive(s, SBI_HSM_SUSPEND_RET_DEFAULT);
	test_non_retentive(s, SBI_HSM_SUSPEND_NON_RET_DEFAULT);
	test_retentive(s, 0xFFFFFFFF00000000UL | SBI_HSM_SUSPEND_RET_DEFAULT);
	test_non_retentive(s, 0xFFFFFFFF00000000UL | SBI_HSM_SUSPEND_NON_RET_DEFAULT);
}
