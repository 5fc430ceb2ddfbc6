/*
 * The SUSP guest: SBI system suspend (suspend to RAM) of a whole VM. Run
 * with 2 vCPUs (-c 2). It checks, strictly:
 *   - the errors: reserved and platform sleep types (INVALID_PARAM, also
 *     with the upper half of a0 set), resume addresses the guest cannot
 *     execute (INVALID_ADDRESS), another vCPU STARTED or SUSPENDED
 *     (DENIED), and that a failed call returns with nothing changed;
 *   - a suspend woken by the timer it armed: not before the deadline, and
 *     at resume_entry with a0 = hart id, a1 = opaque, satp = 0 (it
 *     suspends with paging on) and sstatus.SIE = 0 (it suspends with SIE
 *     on), in S-mode; once more with the upper half of sleep_type set;
 *   - a suspend woken by console input on its virtual PLIC (the test
 *     types a key every 0.5 s), with a timer armed that it did not enable:
 *     that one must not wake it;
 *   - with susp.wake=ipi in its bootargs, instead: a suspend woken by an
 *     IPI that Keel's monitor sends (vm wake), found pending in sip.SSIP.
 * Not under Keel (OpenSBI 1.1 has no SUSP) it says so and skips.
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "ns16550.h"
#include "sbi.h"
#include "sec_entry.h"
#include "susp.h"
#include "test.h"

#define PLIC_BASE 0x0c000000UL
#define PLIC_PRIORITY(s) (PLIC_BASE + 4UL * (s))
#define PLIC_ENABLE(ctx) (PLIC_BASE + 0x2000 + 0x80UL * (ctx))
#define PLIC_THRESHOLD(ctx) (PLIC_BASE + 0x200000 + 0x1000UL * (ctx))
#define PLIC_CLAIM(ctx) (PLIC_THRESHOLD(ctx) + 4)
#define UART_IRQ 10
#define SIE_STIE (1UL << 5)
#define SIE_SEIE (1UL << 9)
#define SIE_SSIE (1UL << 1)
#define SATP_SV39 (8UL << 60)

static unsigned long hartid, timebase, ram_base, ram_end, nr_harts;

/* ---- the second vCPU ----------------------------------------------------- */

enum sec_cmd { SEC_SPIN, SEC_SUSPEND, SEC_STOP };
static volatile unsigned long sec_cmd, sec_seen;

/* Spins until told to HSM-suspend (retentive; an IPI wakes it) or to stop. */
void sec_main(unsigned long id, unsigned long opaque)
{
	(void)id;
	(void)opaque;
	csr_write(sie, SIE_SSIE);	/* an IPI ends its suspend; SIE stays off */
	for (;;) {
		unsigned long cmd = __atomic_load_n(&sec_cmd, __ATOMIC_ACQUIRE);

		if (cmd == SEC_SUSPEND) {
			sec_seen = SEC_SUSPEND;
			sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_SUSPEND,
				 SBI_HSM_SUSPEND_RET_DEFAULT, 0, 0, 0, 0, 0);
			csr_clear(sip, SIP_SSIP);
			__atomic_store_n(&sec_cmd, SEC_SPIN, __ATOMIC_RELEASE);
		} else if (cmd == SEC_STOP) {
			sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_STOP, 0, 0, 0, 0, 0, 0);
		}
	}
}

static long hsm_status(unsigned long h)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_GET_STATUS, h, 0, 0, 0, 0, 0);

	return r.error ? r.error : r.value;
}

static int wait_status(unsigned long h, long state)
{
	return WAIT_TICKS(2 * timebase, hsm_status(h) == state);
}

/* ---- errors -------------------------------------------------------------- */

static void check_refused(unsigned long type, unsigned long addr, long want, const char *why)
{
	struct resume_info ri = { 0 };
	long r = susp_call(type, addr, 0x77, &ri);

	CHECK(r == want, "system_suspend(0x%lx, 0x%lx) %s: %ld (%s), want %s", type, addr, why,
	      r, r == 1 ? "it suspended" : sbi_err_name(r), sbi_err_name(want));
}

static void test_errors(void)
{
	static const unsigned long types[] = {
		1, 2, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFF00000001UL,
		0x100000001UL,
	};
	const unsigned long addrs[] = {
		0x1000, UART_BASE, PLIC_BASE, ram_end, ram_base - 4, -2UL,
		(unsigned long)resume_entry + 1,	/* odd: no instruction starts there */
	};
	unsigned int i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		check_refused(types[i], (unsigned long)resume_entry, SBI_ERR_INVALID_PARAM,
			      "(reserved or platform-specific type)");
	for (i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		check_refused(0, addrs[i], SBI_ERR_INVALID_ADDRESS,
			      "(a resume address it cannot execute)");
}

/* Another vCPU STARTED, then SUSPENDED: the VM may not suspend (DENIED). */
static void test_denied(void)
{
	unsigned long other = hartid ? 0 : 1;
	struct sbiret r;

	if (!CHECK(nr_harts >= 2, "a second vCPU (%lu vCPUs; run with -c 2)", nr_harts))
		return;
	r = sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, other, (unsigned long)sec_entry, 0, 0,
		     0, 0);
	CHECK(!r.error && wait_status(other, SBI_HSM_STATE_STARTED),
	      "vCPU %lu started (error %ld)", other, r.error);
	check_refused(0, (unsigned long)resume_entry, SBI_ERR_DENIED, "(vCPU 1 STARTED)");
	/* KVM's order: the type and the address are looked at before the harts */
	check_refused(1, (unsigned long)resume_entry, SBI_ERR_INVALID_PARAM,
		      "(vCPU 1 STARTED, and a reserved type)");
	check_refused(0, 0x1000, SBI_ERR_INVALID_ADDRESS, "(vCPU 1 STARTED, and a bad address)");

	__atomic_store_n(&sec_cmd, SEC_SUSPEND, __ATOMIC_RELEASE);
	CHECK(wait_status(other, SBI_HSM_STATE_SUSPENDED), "vCPU %lu HSM-suspended", other);
	check_refused(0, (unsigned long)resume_entry, SBI_ERR_DENIED, "(vCPU 1 SUSPENDED)");
	CHECK_EQ(hsm_status(other), SBI_HSM_STATE_SUSPENDED,
		 "vCPU %lu still SUSPENDED after the refused call", other);
	sbi_call(SBI_EXT_IPI, SBI_EXT_IPI_SEND_IPI, 1UL << other, 0, 0, 0, 0, 0);
	CHECK(WAIT_TICKS(2 * timebase, __atomic_load_n(&sec_cmd, __ATOMIC_ACQUIRE) == SEC_SPIN),
	      "vCPU %lu woken by an IPI", other);
	__atomic_store_n(&sec_cmd, SEC_STOP, __ATOMIC_RELEASE);
	CHECK(wait_status(other, SBI_HSM_STATE_STOPPED), "vCPU %lu STOPPED", other);
}

/* ---- suspend and resume -------------------------------------------------- */

/* Sv39, identity: devices in the first GiB, RAM in the third; 1 GiB leaves */
static unsigned long page_table[512] __attribute__((aligned(4096)));

static void paging_on(void)
{
	const unsigned long vrwxad = 0xCF, vrwad = 0xC7;

	page_table[0] = (0UL >> 12) << 10 | vrwad;
	page_table[2] = (0x80000000UL >> 12) << 10 | vrwxad;
	csr_write(satp, SATP_SV39 | (unsigned long)page_table >> 12);
	__asm__ volatile("sfence.vma" : : : "memory");
}

static void check_resumed(long r, const struct resume_info *ri, unsigned long opaque,
			  const char *how)
{
	if (!CHECK(r == 1, "%s: suspended and resumed at resume_entry (%s %ld, %s)", how,
		   r == 1 ? "resumed:" : "the call returned", r, r == 1 ? "ok" : sbi_err_name(r)))
		return;
	CHECK(ri->a0 == hartid && ri->a1 == opaque,
	      "%s: resumed at resume_entry with a0 %lu a1 0x%lx (want %lu, 0x%lx)", how, ri->a0,
	      ri->a1, hartid, opaque);
	CHECK(ri->satp == 0 && !(ri->sstatus & SSTATUS_SIE),
	      "%s: satp 0x%lx and sstatus.SIE %lu at resume (want 0, 0), in S-mode (it read "
	      "both)", how, ri->satp, ri->sstatus & SSTATUS_SIE);
	CHECK_EQ(hsm_status(hartid), SBI_HSM_STATE_STARTED, "%s: STARTED again", how);
}

static void test_timer_wake(unsigned long type, unsigned long ms)
{
	unsigned long deadline, woke, opaque = 0x5A5A0000UL | ms;
	struct resume_info ri = { 0 };
	const char *how = type >> 32 ? "timer wake (upper half of the type set)" : "timer wake";
	long r;

	paging_on();
	csr_write(sie, SIE_STIE);
	deadline = rdtime() + ms * timebase / 1000;
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, deadline, 0, 0, 0, 0, 0);
	csr_set(sstatus, SSTATUS_SIE);	/* the timer is far: nothing is taken here */
	r = susp_call(type, (unsigned long)resume_entry, opaque, &ri);
	woke = rdtime();
	csr_clear(sstatus, SSTATUS_SIE);
	csr_write(satp, 0);
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL, 0, 0, 0, 0, 0);
	csr_write(sie, 0);
	check_resumed(r, &ri, opaque, how);
	CHECK(woke >= deadline, "%s: slept until its %lu ms deadline (woke %ld us after it)",
	      how, ms, ((long)woke - (long)deadline) * 1000000 / (long)timebase);
}

static void uart_drain(void)
{
	while (rd8(LSR) & LSR_DR)
		(void)rd8(RBR);
}

static unsigned int rd32(unsigned long a)
{
	return *(volatile unsigned int *)a;
}

static void wr32(unsigned long a, unsigned int v)
{
	*(volatile unsigned int *)a = v;
}

static void test_console_wake(void)
{
	unsigned long ctx = 2 * hartid + 1, opaque = 0xC0FFEEUL;
	unsigned int claim;
	unsigned char lsr = 0, c = 0;
	struct resume_info ri = { 0 };
	long r;

	wr32(PLIC_PRIORITY(UART_IRQ), 1);
	wr32(PLIC_ENABLE(ctx), 1U << UART_IRQ);
	wr32(PLIC_THRESHOLD(ctx), 0);
	uart_drain();
	wr8(IER, IER_ERBFI);
	paging_on();	/* satp is 0 at resume again (SIE stays off: a key may be there) */
	/* a timer it does not enable: must not end the sleep */
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, rdtime() + timebase / 50, 0, 0, 0, 0, 0);
	csr_write(sie, SIE_SEIE);
	printf("# suspending until a key arrives on the console\n");
	r = susp_call(0, (unsigned long)resume_entry, opaque, &ri);
	csr_write(satp, 0);
	claim = rd32(PLIC_CLAIM(ctx));
	lsr = rd8(LSR);
	if (lsr & LSR_DR)
		c = rd8(RBR);
	wr32(PLIC_CLAIM(ctx), claim);
	wr8(IER, 0);
	uart_drain();
	csr_write(sie, 0);
	sbi_call(SBI_EXT_TIME, SBI_EXT_TIME_SET_TIMER, -1UL, 0, 0, 0, 0, 0);
	check_resumed(r, &ri, opaque, "console wake");
	CHECK(claim == UART_IRQ && (lsr & LSR_DR),
	      "console wake: woken by the UART's line (claim %u, LSR 0x%x, byte 0x%x), not by "
	      "the timer it had not enabled", claim, lsr, c);
}

/* Keel's monitor sends the IPI: tests/system/susp-wake.sh types vm wake */
static void test_ipi_wake(void)
{
	unsigned long opaque = 0x1B1UL, ssip;
	struct resume_info ri = { 0 };
	long r;

	csr_clear(sip, SIP_SSIP);
	csr_write(sie, SIE_SSIE);
	paging_on();
	printf("# suspending until an IPI: type vm wake in Keel's monitor\n");
	r = susp_call(0, (unsigned long)resume_entry, opaque, &ri);
	csr_write(satp, 0);
	ssip = csr_read(sip) & SIP_SSIP;
	csr_clear(sip, SIP_SSIP);
	csr_write(sie, 0);
	check_resumed(r, &ri, opaque, "IPI wake");
	CHECK(ssip, "IPI wake: the software interrupt that woke it is pending (sip 0x%lx)", ssip);
}

int main(unsigned long id, const void *dtb)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0, 0, 0, 0);
	int under_keel = !r.error && r.value == (long)SBI_IMPL_ID_KEEL;
	unsigned long ram_size, cpu;
	const char *isa, *args;
	int len;

	hartid = id;
	timebase = fdt_timebase(dtb);
	fdt_ram(dtb, &ram_base, &ram_size);
	ram_end = ram_base + ram_size;
	for (nr_harts = 0; fdt_cpu(dtb, (int)nr_harts, &cpu, &isa); nr_harts++)
		;
	printf("# susp guest: hart %lu of %lu, RAM 0x%lx-0x%lx, %s\n", hartid, nr_harts,
	       ram_base, ram_end, under_keel ? "under Keel" : "not under Keel");
	if (!under_keel && sbi_probe(SBI_EXT_SUSP) <= 0) {
		test_skip("not under Keel, and this SBI has no SUSP");
		return 0;
	}
	CHECK_EQ(sbi_probe(SBI_EXT_SUSP), 1, "probe_extension(SUSP)");
	test_errors();
	test_denied();
	test_timer_wake(0, 50);
	test_timer_wake(0xFFFFFFFF00000000UL, 20);	/* sleep_type is its low 32 bits */
	args = fdt_prop(dtb, "chosen", "bootargs", &len);
	if (bootarg_is(args, "susp.wake", "ipi"))
		test_ipi_wake();
	else
		test_console_wake();
	return 0;
}
