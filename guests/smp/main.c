/*
 * A multi-hart SBI guest: HSM start/stop/suspend/status, IPIs, remote
 * fences checked through a real stale translation, timers on every hart,
 * and a spinning barrier that needs a preempting scheduler under a
 * hypervisor. The hart count is the number of /cpus/cpu@N nodes; hart ids
 * must be 0..n-1. The boot hart is whichever hart main() runs on (OpenSBI
 * picks any). It drives every check and is the only one printing; the
 * secondaries run commands from hart.c and report through struct hart.
 *
 * Keel-only expectations (the impl id is SBI_IMPL_ID_KEEL) are what the SBI
 * spec v2.0 demands but OpenSBI 1.1 does not do; they are named where made.
 * Every wait is bounded by rdtime, so a failure prints "not ok" and the
 * verdict instead of hanging.
 */
#include "console.h"
#include "fdt.h"
#include "smp.h"
#include "test.h"

unsigned long nr_harts, boot_hart, timebase, stray_harts;
int under_keel;
static unsigned long ram_base, ram_end;

/* ---- the boot hart's side of the command protocol ------------------------ */

unsigned long post(unsigned long hart, unsigned long cmd, unsigned long a0,
		   unsigned long a1, unsigned long a2)
{
	volatile struct hart *h = &harts[hart];
	unsigned long seq = h->req + 1;

	h->cmd = cmd;
	h->arg[0] = a0;
	h->arg[1] = a1;
	h->arg[2] = a2;
	h->ret = 0;	/* the hart is idle: what it last reported is read already */
	h->val = 0;
	__atomic_store_n(&h->req, seq, __ATOMIC_RELEASE);
	return seq;
}

/* 1 once hart has finished command seq; 0 after ms, or at once if it faulted. */
int wait_done(unsigned long hart, unsigned long seq, unsigned long ms)
{
	volatile struct hart *h = &harts[hart];

	return WAIT_MS(ms, __atomic_load_n(&h->done, __ATOMIC_ACQUIRE) == seq ||
			   h->fault) && !h->fault;
}

int run_cmd(unsigned long hart, unsigned long cmd, unsigned long a0)
{
	return wait_done(hart, post(hart, cmd, a0, 0, 0), WAIT_LONG);
}

int wait_status(unsigned long hart, long state, unsigned long ms)
{
	struct sbiret r;

	return WAIT_MS(ms, (r = hsm_status(hart), !r.error && r.value == state));
}

static struct sbiret hart_start(unsigned long hart, unsigned long addr,
				unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, hart, addr, opaque, 0, 0, 0);
}

/* After a hart_start or a wake-up: the hart must arrive as the SBI spec says. */
void check_entry(unsigned long hart, unsigned long opaque, int resumed,
		 unsigned long entries_before, const char *how)
{
	volatile struct hart *h = &harts[hart];
	unsigned long t0 = rdtime();
	int in = WAIT_MS(WAIT_LONG, __atomic_load_n(&h->entries, __ATOMIC_ACQUIRE) !=
				    entries_before);

	if (!CHECK(in, "hart %lu arrives after %s (%lu us)", hart, how,
		   ticks_us(rdtime() - t0)))
		return;
	CHECK(h->entry_a0 == hart && h->entry_a1 == opaque && !h->entry_satp &&
	      !h->entry_sie && h->entry_resumed == (unsigned long)resumed,
	      "hart %lu after %s: a0 %lu a1 0x%lx satp 0x%lx SIE %lu at %s "
	      "(want a0 %lu a1 0x%lx satp 0 SIE 0 at %s)", hart, how, h->entry_a0,
	      h->entry_a1, h->entry_satp, h->entry_sie,
	      h->entry_resumed ? "sec_resume_entry" : "sec_entry", hart, opaque,
	      resumed ? "sec_resume_entry" : "sec_entry");
}

static unsigned long opaque_for(unsigned long hart, unsigned long round)
{
	return 0x5A5A0000UL | round << 8 | hart;	/* distinct per hart and round */
}

/* ---- the device tree ----------------------------------------------------- */

static int read_cpus(const void *dtb)
{
	unsigned long id, seen = 0;
	const char *isa;
	int i;

	for (i = 0; fdt_cpu(dtb, i, &id, &isa); i++) {
		if (id >= MAX_HARTS || (seen & 1UL << id))
			break;
		seen |= 1UL << id;
		harts[id].has_sstc = isa_has_ext(isa, "sstc");
		printf("# cpu node %d: hart %lu, riscv,isa \"%s\"%s\n", i, id, isa,
		       harts[id].has_sstc ? " (Sstc)" : "");
	}
	nr_harts = i;
	return !fdt_cpu(dtb, i, &id, &isa) && i > 0 && seen == all_harts_mask();
}

/* ---- HSM: status, start, stop -------------------------------------------- */

static void test_status(void)
{
	unsigned long h;

	for (h = 0; h < nr_harts; h++)
		CHECK_SBI(hsm_status(h), SBI_SUCCESS,
			  h == boot_hart ? SBI_HSM_STATE_STARTED : SBI_HSM_STATE_STOPPED,
			  "HSM get_status(hart %lu) is %s", h,
			  h == boot_hart ? "STARTED (boot hart)" : "STOPPED");
	CHECK_SBI_ERR(hsm_status(nr_harts), SBI_ERR_INVALID_PARAM,
		      "HSM get_status(hart %lu = nr_harts)", nr_harts);
	CHECK_SBI_ERR(hsm_status(-1UL), SBI_ERR_INVALID_PARAM, "HSM get_status(hart -1)");
}

/*
 * Start addresses a hart cannot execute at. Under Keel that is anything
 * outside guest RAM. OpenSBI 1.1 only refuses what its domain forbids
 * S-mode to execute: its own region at the start of RAM (QEMU virt). It
 * would accept 0x1000 (the boot ROM) and really start the hart there.
 */
static void test_start_bad_addr(unsigned long s)
{
	unsigned long keel_bad[] = { 0x1000, ram_end, 0x10000000 }, i, n = 3;
	unsigned long *bad = under_keel ? keel_bad : &ram_base;

	if (!under_keel) {
		n = 1;
		test_skip("not under Keel: hart_start at 0x1000 or RAM end -> INVALID_ADDRESS");
	}
	for (i = 0; i < n; i++) {
		CHECK_SBI_ERR(hart_start(s, bad[i], 0), SBI_ERR_INVALID_ADDRESS,
			      "HSM hart_start(hart %lu, 0x%lx)", s, bad[i]);
		CHECK_SBI(hsm_status(s), SBI_SUCCESS, SBI_HSM_STATE_STOPPED,
			  "hart %lu still STOPPED after it", s);
	}
}

/* Did the hart(s) in bit arrive at _start instead (entry.S _stray_hart)? */
static int stray(unsigned long bit)
{
	return !!(__atomic_load_n(&stray_harts, __ATOMIC_ACQUIRE) & bit);
}

/*
 * hart_start(h, sec_entry, opaque), then the hart must arrive as the spec
 * says. OpenSBI before v1.3 can let a hart leave for its previous start
 * address before it reads the new one (OpenSBI commit e8e9ed37); on a
 * first start that is _start, which sends it to _stray_hart. Natively that
 * is reported and the start tried again; under Keel it fails.
 */
static void start_hart(unsigned long h, unsigned long opaque, const char *how)
{
	unsigned long before = harts[h].entries, bit = 1UL << h;
	struct sbiret r;
	int tries = 0;

	for (;;) {
		__atomic_and_fetch(&stray_harts, ~bit, __ATOMIC_ACQ_REL);
		r = hart_start(h, (unsigned long)sec_entry, opaque);
		if (r.error || !WAIT_MS(WAIT_LONG, harts[h].entries != before || stray(bit)) ||
		    !stray(bit))
			break;
		printf("# hart %lu entered _start, not sec_entry: OpenSBI's hart_start race\n", h);
		if (under_keel || ++tries == 3 || !wait_status(h, SBI_HSM_STATE_STOPPED, WAIT_LONG))
			break;
	}
	CHECK_SBI_ERR(r, SBI_SUCCESS, "HSM hart_start(hart %lu, sec_entry, 0x%lx)%s", h,
		      opaque, tries ? " (tried again)" : "");
	check_entry(h, opaque, 0, before, how);
	CHECK(wait_status(h, SBI_HSM_STATE_STARTED, WAIT_LONG),
	      "HSM get_status(hart %lu) STARTED after %s", h, how);
}

static void test_start(void)
{
	unsigned long h, s = boot_hart ? 0 : 1;	/* a secondary */

	test_start_bad_addr(s);
	for (h = 0; h < nr_harts; h++)
		if (h != boot_hart)
			start_hart(h, opaque_for(h, 1), "hart_start");
	CHECK_SBI_ERR(hart_start(s, (unsigned long)sec_entry, 0), SBI_ERR_ALREADY_AVAILABLE,
		      "HSM hart_start(started hart %lu)", s);
	CHECK_SBI_ERR(hart_start(boot_hart, (unsigned long)sec_entry, 0),
		      SBI_ERR_ALREADY_AVAILABLE, "HSM hart_start(boot hart %lu)", boot_hart);
	CHECK_SBI_ERR(hart_start(nr_harts, (unsigned long)sec_entry, 0),
		      SBI_ERR_INVALID_PARAM, "HSM hart_start(hart %lu = nr_harts)", nr_harts);
}

/* Hart h stops itself, then starts again with a new opaque. */
static void stop_restart(unsigned long h)
{
	unsigned long t0 = rdtime();
	int ok;

	post(h, CMD_STOP, 0, 0, 0);
	ok = wait_status(h, SBI_HSM_STATE_STOPPED, WAIT_LONG);
	CHECK(ok, "hart %lu: hart_stop, then get_status STOPPED (%lu us; a failed "
	      "hart_stop returns: error %ld)", h, ticks_us(rdtime() - t0), harts[h].ret);
	start_hart(h, opaque_for(h, 2), "hart_start again");
}

/* Each secondary in turn; the first with an SBI PMU counter configured. */
static void test_stop_restart(void)
{
	unsigned long h;
	int pmu_done = 0;

	for (h = 0; h < nr_harts; h++) {
		if (h == boot_hart)
			continue;
		if (!pmu_done++)
			test_pmu_stop_start(h, stop_restart);
		else
			stop_restart(h);
	}
}

/* ---- all harts spinning at once ----------------------------------------- */

static void test_barrier(void)
{
	unsigned long h, seq[MAX_HARTS], mine, t0 = rdtime();

	barrier_reset();
	for (h = 0; h < nr_harts; h++)
		if (h != boot_hart)
			seq[h] = post(h, CMD_BARRIER, 0, 0, 0);
	mine = barrier_run();
	printf("# barrier: %lu harts, %lu rounds in %lu us\n", nr_harts, mine,
	       ticks_us(rdtime() - t0));
	for (h = 0; h < nr_harts; h++) {
		unsigned long n = mine;

		if (h != boot_hart)
			n = wait_done(h, seq[h], WAIT_LONG) ? harts[h].val : 0;
		CHECK(n == BARRIER_ROUNDS, "barrier: hart %lu passed %lu of %d spinning rounds",
		      h, n, BARRIER_ROUNDS);
	}
}

/* ---- the end ------------------------------------------------------------- */

static void test_all_stop(void)
{
	unsigned long h;

	for (h = 0; h < nr_harts; h++)
		if (h != boot_hart)
			post(h, CMD_STOP, 0, 0, 0);
	for (h = 0; h < nr_harts; h++) {
		volatile struct hart *x = &harts[h];

		if (h == boot_hart)
			continue;
		CHECK(wait_status(h, SBI_HSM_STATE_STOPPED, WAIT_LONG),
		      "hart %lu stopped itself at the end", h);
		CHECK(!x->fault, "hart %lu took no unexpected trap (scause 0x%lx "
		      "sepc 0x%lx stval 0x%lx)", h, x->fault_cause, x->fault_epc,
		      x->fault_tval);
	}
	CHECK_SBI(hsm_status(boot_hart), SBI_SUCCESS, SBI_HSM_STATE_STARTED,
		  "boot hart %lu is the one left STARTED", boot_hart);
}

int main(unsigned long hartid, const void *dtb)
{
	unsigned long ram_size;
	struct sbiret r;
	int dt_ok;

	boot_hart = hartid;
	timebase = fdt_timebase(dtb);
	fdt_ram(dtb, &ram_base, &ram_size);
	ram_end = ram_base + ram_size;
	r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0, 0, 0, 0);
	under_keel = !r.error && r.value == (long)SBI_IMPL_ID_KEEL;
	printf("# smp guest: boot hart %lu, RAM 0x%lx-0x%lx, timebase %lu Hz, "
	       "SBI impl id 0x%lx (%s)\n", hartid, ram_base, ram_end, timebase,
	       r.value, under_keel ? "Keel" : "not Keel");

	dt_ok = read_cpus(dtb);
	if (!CHECK(dt_ok && boot_hart < nr_harts, "DT: %lu CPU nodes, hart ids 0..n-1 "
		   "(at most %d), boot hart %lu among them", nr_harts, MAX_HARTS, boot_hart))
		test_finish();
	set_this_hart(&harts[boot_hart]);
	csr_write(stvec, (unsigned long)smp_vector);

	test_status();
	/* The boot hart counts its IPIs by trap like the others. */
	csr_write(sie, SIP_SSIP);
	csr_set(sstatus, SSTATUS_SIE);
	if (nr_harts > 1)
		test_start();
	else
		test_skip("1 hart: no secondary to start, stop, suspend, fence or wait for");
	test_ipi();
	test_fence();
	test_timers();
	if (nr_harts > 1) {
		test_barrier();
		test_stop_restart();
		test_suspend();
		test_all_stop();
	}
	test_finish();
}
