/*
 * A guest that leaves its vCPUs asleep in wfi with a timer armed and then
 * goes away (issue 12, docs/isolation.md "A VM that stops leaves nothing
 * behind"). It runs beside guests/victim on the same hart: whatever it
 * leaves behind must not keep that hart from running the victim.
 *
 * vCPU 1 arms its timer keel.sleep-ms from now (stimecmp with Sstc, SBI
 * set_timer without), enables only the timer interrupt and sleeps in wfi
 * for ever. vCPU 0 then, by keel.mode=:
 *   shutdown   SRST shutdown right away, before vCPU 1's deadline
 *   reboot     SRST warm reboot, keel.reboots= times, then shutdown
 *   hsm-stop   vCPU 1 stops itself (HSM hart_stop) with its timer armed;
 *              vCPU 0 waits past the deadline, then shuts down
 *   sleep      vCPU 0 sleeps like vCPU 1, re-arming its timer at every
 *              wake-up, for ever: Keel's monitor stops it (vm stop)
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "sbi.h"
#include "sec_entry.h"
#include "test.h"

#define CSR_STIMECMP 0x14d
#define SIE_STIE (1UL << 5)


static unsigned long timebase, sleep_ticks;
static int has_sstc;
static volatile int vcpu1_asleep;

static void arm_timer(unsigned long at)
{
	if (has_sstc)
		__asm__ volatile("csrw 0x14d, %0" : : "r"(at));
	else
		sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, at, 0, 0, 0, 0, 0);
}

/* Only the timer may wake this vCPU; SIE stays off, so wfi just returns. */
static void sleep_until_timer(unsigned long ticks, int for_ever)
{
	csr_write(sie, SIE_STIE);
	arm_timer(rdtime() + ticks);
	for (;;) {
		wfi();
		if (!for_ever)
			return;
		if (csr_read(sip) & SIP_STIP)
			arm_timer(rdtime() + ticks);
	}
}

void sec_main(unsigned long hartid, unsigned long mode)
{
	(void)hartid;
	if (mode == 1) {
		/* hsm-stop: stop with the timer armed, never to be started again */
		csr_write(sie, SIE_STIE);
		arm_timer(rdtime() + sleep_ticks);
		__atomic_store_n(&vcpu1_asleep, 1, __ATOMIC_RELEASE);
		sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, 0, 0, 0, 0, 0, 0);
	}
	__atomic_store_n(&vcpu1_asleep, 1, __ATOMIC_RELEASE);
	sleep_until_timer(sleep_ticks, 1);
}

int main(unsigned long hartid, const void *dtb)
{
	const char *args, *isa = 0;
	unsigned long cpu, boots = 0, reboots, sleep_ms;
	const unsigned int *p;
	int len, hsm_stop, rebooting;
	struct sbiret r;

	(void)hartid;
	timebase = fdt_timebase(dtb);
	args = fdt_prop(dtb, "chosen", "bootargs", &len);
	sleep_ms = bootarg_num(args, "keel.sleep-ms", 200);
	reboots = bootarg_num(args, "keel.reboots", 0);
	sleep_ticks = sleep_ms * (timebase / 1000);
	fdt_cpu(dtb, 0, &cpu, &isa);
	has_sstc = isa_has_ext(isa, "sstc");
	p = fdt_prop(dtb, "chosen", "keel,boot-count", &len);
	if (p && len == 4)
		boots = fdt_be32(p);
	hsm_stop = bootarg_is(args, "keel.mode", "hsm-stop");

	rebooting = bootarg_is(args, "keel.mode", "reboot") && boots < reboots;
	/* thousands of reboots (tests/system/crossed-reboots.dts): say little */
	if (!rebooting || boots % 100 == 0)
		printf("# sleeper: boot %lu, %s timer, vCPU 1 asleep for %lu ms\n", boots,
		       has_sstc ? "Sstc" : "SBI", sleep_ms);
	r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, 1, (unsigned long)sec_entry,
		     hsm_stop, 0, 0, 0);
	if (!rebooting || r.error)
		CHECK_SBI_ERR(r, SBI_SUCCESS, "HSM hart_start(1) on boot %lu", boots);
	if (r.error)
		test_finish();
	while (!__atomic_load_n(&vcpu1_asleep, __ATOMIC_ACQUIRE))
		;
	if (bootarg_is(args, "keel.mode", "sleep"))
		sleep_until_timer(sleep_ticks, 1);
	if (hsm_stop) {
		/* past vCPU 1's deadline, so a stale timer would have fired */
		unsigned long end = rdtime() + 2 * sleep_ticks;

		while (rdtime() < end)
			;
	}
	if (rebooting) {
		r = sbi_call(SBI_EXT_SRST, SBI_EXT_SRST_RESET, SBI_SRST_RESET_TYPE_WARM_REBOOT,
			     SBI_SRST_RESET_REASON_NONE, 0, 0, 0, 0);
		CHECK(0, "SRST warm reboot on boot %lu returned error %ld", boots, r.error);
	}
	test_finish();
}
