/*
 * The virtual PLIC guest: Keel's PLIC at 0x0c000000 as QEMU virt lays it
 * out, driven by the emulated ns16550a on source 10. The device tree, the
 * registers and their access rules, delivery to this vCPU (threshold,
 * priority 0), the level-triggered gateway, and delivery across vCPUs,
 * which Keel does through cross-hart requests (run with -c 2, on one hart
 * and on two). Natively (QEMU + OpenSBI, -smp 2) it checks QEMU's own
 * PLIC; Keel-only expectations are named where made.
 */
#include "console.h"
#include "fdt.h"
#include "plic.h"
#include "test.h"
#include "trap.h"

unsigned long boot_hart, other_hart, nr_harts, timebase;
int under_keel;
volatile int faults_expected;

int keel_only(const char *qemu_does)
{
	if (!under_keel)
		test_skip("not under Keel: %s", qemu_does);
	return under_keel;
}

/* The boot vCPU's trap hook (common/trap.c calls it with the full frame). */
static void boot_trap(struct trap_frame *tf)
{
	if (tf->scause == (SCAUSE_IRQ | 9)) {
		cpus[boot_hart].last_scause = tf->scause;
		ext_irq(&cpus[boot_hart]);
	} else if (faults_expected && !(tf->scause & SCAUSE_IRQ)) {
		trap_record_skip(tf);
	} else {
		test_abort(tf, "unexpected trap on the boot vCPU");
	}
}

/* Hart ids 0..n-1 from /cpus; the other vCPU is the lowest that is not us. */
static void read_cpus(const void *dtb)
{
	unsigned long id;
	const char *isa;

	for (nr_harts = 0; fdt_cpu(dtb, (int)nr_harts, &id, &isa); nr_harts++)
		;
	other_hart = boot_hart ? 0 : 1;
}

int main(unsigned long hartid, const void *dtb)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, SBI_EXT_BASE_GET_IMP_ID, 0, 0, 0, 0, 0, 0);

	under_keel = !r.error && r.value == (long)SBI_IMPL_ID_KEEL;
	boot_hart = hartid;
	timebase = fdt_timebase(dtb);
	read_cpus(dtb);
	printf("# plic guest: boot hart %lu of %lu, timebase %lu Hz, %s\n", hartid, nr_harts,
	       timebase, under_keel ? "under Keel" : "not under Keel");
	__asm__ volatile("mv tp, %0" : : "r"(&cpus[boot_hart]) : "memory");
	cpus[boot_hart].hart = boot_hart;
	cpus[other_hart].hart = other_hart;
	trap_set_hook(boot_trap);

	test_dt(dtb);
	test_registers();
	test_faults();
	test_delivery();
	test_level();
	test_complete_rules();
	if (CHECK(nr_harts >= 2 && boot_hart < MAX_HARTS && other_hart < nr_harts,
		  "a second vCPU to run on (%lu vCPUs; run with -c 2)", nr_harts) &&
	    start_other()) {
		test_cross();
		test_wfi_wake();
	}
	uart_quiet();
	return 0;
}
