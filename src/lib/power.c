/*
 * Powering the machine off (power.h). The orderly end, which prints a
 * running profile first and knows when every VM has stopped, is above the
 * VMs and the profiler, in src/sched/power.c.
 */
#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "lib/power.h"
#include "sbi_defs.h"

void keel_power_off(bool failure, const char *why)
{
	kprintf("[keel] power off: %s (%s)\n", failure ? "failure" : "shutdown", why);
	fw_system_reset(SBI_SRST_RESET_TYPE_SHUTDOWN,
			failure ? SBI_SRST_RESET_REASON_SYSFAIL : SBI_SRST_RESET_REASON_NONE);
}

void keel_hart_halt(void)
{
	keel_power_off(true, "hypervisor fault");
}
