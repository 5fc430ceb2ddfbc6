/*
 * When the firmware boots Keel on a hart Keel cannot run on (no H, say: a
 * board whose harts differ, or OpenSBI's boot lottery won by the one
 * without H), the boot moves to one it can run on: this hart starts that
 * one through the firmware's HSM as harts[0], waits until it has arrived,
 * and stops itself. The new hart carries on in keel_boot_moved (main.c).
 *
 * The new hart may not use stack slot 0: this hart is still running on
 * it. It takes the last slot, which no secondary ever gets: the DT lists
 * at most KEEL_MAX_HARTS harts and this one is among them, so at most
 * KEEL_MAX_HARTS - 1 are usable and secondaries take slots 1 to
 * KEEL_MAX_HARTS - 2.
 */
#include <stdio.h>

#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "hart.h"
#include "platform/platform.h"
#include "sbi_defs.h"
#include "lib/timebase.h"
#include "boot/boot.h"

extern char secondary_entry[];

/* How long the new hart may take to reach Keel, in microseconds */
#define BOOT_MOVE_TIMEOUT_US 1000000

static unsigned int arrived;

void boot_move_arrived(void)
{
	hart_ptrs[0] = NULL;
	__atomic_store_n(&arrived, 1, __ATOMIC_RELEASE);
}

int boot_move(unsigned long from, unsigned long to, char *err, unsigned long errlen)
{
	struct hart *h = &harts[0];
	struct sbiret r;
	uint64_t deadline;

	pr_info("hart %lu: the firmware booted Keel here; the boot moves to hart %lu\n", from,
		to);
	h->hartid = to;
	h->stack_top = (unsigned long)hart_stacks + KEEL_MAX_HARTS * KEEL_STACK_SIZE;
	/* a hart an old OpenSBI sends to _start instead finds itself here (entry.S) */
	hart_ptrs[0] = h;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	r = fw_sbi_call(SBI_EXT_HSM, SBI_EXT_HSM_HART_START, to, (unsigned long)secondary_entry,
			(unsigned long)h, 0);
	if (r.error) {
		hart_ptrs[0] = NULL;
		snprintf(err, errlen, "the firmware did not start hart %lu (SBI error %ld)", to,
			 r.error);
		return -1;
	}
	deadline = arch_time_now() + ticks_from_us(platform.timebase_freq, BOOT_MOVE_TIMEOUT_US);
	while (!__atomic_load_n(&arrived, __ATOMIC_ACQUIRE))
		if (arch_time_now() > deadline) {
			snprintf(err, errlen, "hart %lu did not reach Keel within %u ms", to,
				 BOOT_MOVE_TIMEOUT_US / 1000);
			return -1;
		}
	/* from here on the new hart owns harts[0] and the console: say nothing */
	fw_hart_stop();
}
