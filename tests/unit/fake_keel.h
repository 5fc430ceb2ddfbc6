/*
 * Fakes for the parts of Keel that the host tests of the core do not link
 * (test_trap, test_vcpu, test_sched, test_vcpu_request, test_vm,
 * test_mmio): the console, the trace, the profiler, the firmware event
 * counts, the physical interrupt controller, the per-VM console, the
 * device interrupt lines, the SBI dispatcher, and the halt and power-off (lib/power.c, sched/power.c)
 * off. Each records its calls; none decides anything a test checks.
 *
 * It also owns what platform.c and boot_data.S define: platform, keel_load_offset.
 */
#ifndef KEEL_UNIT_FAKE_KEEL_H
#define KEEL_UNIT_FAKE_KEEL_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "hart.h"
#include "prof.h"
#include "sbi/sbi.h"
#include "vcpu.h"

#define FAKE_TIMEBASE_FREQ 10000000 /* 10 MHz, as QEMU virt */

struct fake_keel {
	/* kprintf: every line printed since the reset, concatenated */
	char log[16384];
	unsigned int log_len;
	/* trace_exit_print: how often, and the last line */
	unsigned int traces;
	char trace_line[256];
	/* the profiler */
	unsigned int prof_guest_ticks, prof_host_ticks, prof_syncs;
	unsigned int measures; /* prof_exit_measured, with its last arguments */
	struct vcpu *measured_vcpu;
	unsigned int measured_slot;
	enum prof_part measured_part;
	uintptr_t measured_pc;
	/* hw_irq_handle, keel_power_off_if_done, fw_events_begin/sync */
	unsigned int hw_irqs, power_off_checks, fw_begins, fw_syncs;
	/*
	 * keel_hart_halt: counted, then a longjmp to halt (value 1) when
	 * halt_armed; unarmed, the test binary aborts (a hart that stops).
	 */
	unsigned int halts;
	jmp_buf halt;
	bool halt_armed;
	/* console_poll_input (the hook), vm_console_write (the bytes, in order) */
	unsigned int console_polls;
	char console_out[256];
	unsigned int console_len;
	/* the device side: vdev_service, vdev_sync_ext_irq, the lines, the UART feed */
	unsigned int vdev_services, ext_irq_syncs, irq_updates, uart_line_updates, uart_feeds;
	struct vcpu *vdev_vcpu; /* the last vCPU one of them was called for */
	/* sbi_dispatch */
	unsigned int sbi_calls;
	/* vdev_devices_pending: a frame for a VM on the switch */
	unsigned int devices_pending;
};

extern struct fake_keel fake_keel;
/* src/arch/riscv/boot_data.S: how far Keel runs from its link address (the fault report) */
extern unsigned long keel_load_offset;
/*
 * What sbi_extension_of() knows: only this one, for SBI_EXT_TIME (an
 * exit's statistics slot and handler come from it).
 */
extern const struct sbi_extension fake_sbi_time;

/*
 * Clears the record; harts[] as smp.c starts them (harts[i] with index
 * and hart id i, no slice, no timer, nothing else); nr_harts = 1;
 * platform with a FAKE_TIMEBASE_FREQ timebase. Starts a watchdog: a test
 * still running 20 s later is a hang (a scheduler or fence wait that
 * never ends), and SIGALRM ends the test binary as a failure.
 */
void fake_keel_reset(void);
/*
 * Run fn(arg), which should end in keel_hart_halt(): true when it did
 * (the halt returns here), false when fn returned.
 */
bool fake_halts(void (*fn)(void *arg), void *arg);
/* Did kprintf print a line containing s since the reset? */
bool fake_printed(const char *s);

#endif
