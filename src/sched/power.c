/*
 * The machine's orderly end (power.h). Here, above the VMs and the
 * profiler it looks at, and below the monitor that asks for it; a fault's
 * end, which needs neither, is lib/power.c's keel_hart_halt().
 */
#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "lib/power.h"
#include "prof.h"
#include "sched/power.h"
#include "vm.h"

bool power_keep_running;

/* A profile that runs (PROFILE=1) is printed first */
static void __attribute__((noreturn)) power_off_orderly(bool failure, const char *why)
{
	if (prof_running())
		prof_dump();
	keel_power_off(failure, why);
}

void keel_shutdown(const char *why)
{
	power_off_orderly(false, why);
}

/*
 * Called by every hart's scheduler when it looks for work: once every VM
 * has stopped, the machine powers off (one hart says so, once).
 */
void keel_power_off_if_done(void)
{
	static unsigned int done, announced;
	bool failure = false;

	for (unsigned int i = 0; i < nr_vms; i++) {
		if (__atomic_load_n(&vms[i].state, __ATOMIC_ACQUIRE) != VM_STOPPED) {
			__atomic_store_n(&announced, 0, __ATOMIC_RELAXED);
			return;
		}
		failure |= vms[i].stop_reason == VM_STOP_FAILURE;
	}
	if (power_keep_running) {
		/* on-last-vm-stop = "keep-running": the monitor can start them again */
		if (!__atomic_exchange_n(&announced, 1, __ATOMIC_ACQ_REL))
			pr_info("every VM has stopped; Keel keeps running (Ctrl-A h: monitor, "
				"'vm start <vm>', 'poweroff')\n");
		return;
	}
	if (__atomic_exchange_n(&done, 1, __ATOMIC_ACQ_REL))
		for (;;)
			arch_wait_for_interrupt();
	power_off_orderly(failure, failure ? "a VM failed" : "every VM has shut down");
}
