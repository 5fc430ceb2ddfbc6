/* The fakes declared in fake_keel.h: each one records its call. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/console.h"
#include "fake_keel.h"
#include "fw_events.h"
#include "platform/hw_irq.h"
#include "platform/platform.h"
#include "vcpu/trace.h"
#include "vdev/vdev.h"
#include "vm.h"
#include "vm_console.h"
#include "lib/power.h"
#include "sched/power.h"

struct fake_keel fake_keel;
struct platform platform;
unsigned long keel_load_offset;
struct console_out console_out;

/*
 * The scheduler and the fence waits loop until something happens: a bug
 * there hangs rather than fails. Every test starts a watchdog, so that a
 * hang ends the test binary (SIGALRM) and counts as a failure.
 */
#define FAKE_WATCHDOG_SECONDS 20

void fake_keel_reset(void)
{
	alarm(FAKE_WATCHDOG_SECONDS);
	memset(&fake_keel, 0, sizeof(fake_keel));
	memset(harts, 0, sizeof(harts));
	for (unsigned int i = 0; i < KEEL_MAX_HARTS; i++) {
		harts[i].index = i;
		harts[i].hartid = i;
		/* as smp.c leaves a hart that starts: no slice, no timer */
		harts[i].slice_end = UINT64_MAX;
		harts[i].timer_deadline = UINT64_MAX;
		harts[i].console_next = UINT64_MAX;
	}
	nr_harts = 1;
	memset(&platform, 0, sizeof(platform));
	platform.timebase_freq = FAKE_TIMEBASE_FREQ;
	keel_load_offset = 0;
	memset(&console_out, 0, sizeof(console_out));
}

bool fake_printed(const char *s)
{
	return strstr(fake_keel.log, s) != NULL;
}

int kprintf(const char *fmt, ...)
{
	unsigned int room = sizeof(fake_keel.log) - fake_keel.log_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(fake_keel.log + fake_keel.log_len, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		fake_keel.log_len += (unsigned int)n < room ? (unsigned int)n : room - 1;
	return n;
}

void console_break_lock(void)
{
}

void trace_exit_print(struct vcpu *v, const struct trap_info *t, const char *fmt, ...)
{
	va_list ap;

	(void)v;
	(void)t;
	fake_keel.traces++;
	va_start(ap, fmt);
	vsnprintf(fake_keel.trace_line, sizeof(fake_keel.trace_line), fmt, ap);
	va_end(ap);
}

/* ---- the profiler ---- */

void prof_tick_guest(struct hart *h, struct vcpu *v, unsigned long hstatus)
{
	(void)h;
	(void)v;
	(void)hstatus;
	fake_keel.prof_guest_ticks++;
}

void prof_tick_host(struct hart *h, enum prof_part part, uintptr_t pc)
{
	(void)h;
	(void)part;
	(void)pc;
	fake_keel.prof_host_ticks++;
}

void prof_hart_sync(struct hart *h)
{
	(void)h;
	fake_keel.prof_syncs++;
}

void prof_exit_measured(struct vcpu *v, unsigned int slot, enum prof_part part, uintptr_t pc)
{
	fake_keel.measures++;
	fake_keel.measured_vcpu = v;
	fake_keel.measured_slot = slot;
	fake_keel.measured_part = part;
	fake_keel.measured_pc = pc;
}

/* ---- main.c, hw_irq.c, fw_events.c ---- */

void keel_hart_halt(void)
{
	fake_keel.halts++;
	if (fake_keel.halt_armed) {
		fake_keel.halt_armed = false;
		longjmp(fake_keel.halt, 1);
	}
	fflush(stdout);
	fprintf(stderr, "fake_keel: keel_hart_halt() with no test expecting it:\n%s\n",
		fake_keel.log);
	abort();
}

bool fake_halts(void (*fn)(void *arg), void *arg)
{
	fake_keel.halt_armed = true;
	if (setjmp(fake_keel.halt))
		return true;
	fn(arg);
	fake_keel.halt_armed = false;
	return false;
}

void keel_power_off_if_done(void)
{
	fake_keel.power_off_checks++;
}

void hw_irq_handle(void)
{
	fake_keel.hw_irqs++;
}

/* no machine devices on the host: a disk of the machine is never found, so never attached */
bool hw_irq_attach(unsigned int source, void (*handler)(void *ctx), void *ctx)
{
	(void)source;
	(void)handler;
	(void)ctx;
	return false;
}

void fw_events_begin(struct vcpu *v)
{
	(void)v;
	fake_keel.fw_begins++;
}

void fw_events_sync(struct vcpu *v)
{
	(void)v;
	fake_keel.fw_syncs++;
}

/* ---- the per-VM console and the devices' side ---- */

/* the monitor's input side, as console_input_setup() installs it (lib/console.h) */
static void fake_console_poll(void)
{
	fake_keel.console_polls++;
}

void (*console_input_poll)(void) = fake_console_poll;

void vm_console_write(struct vm *vm, const char *s, unsigned long len)
{
	(void)vm;
	for (unsigned long i = 0; i < len && fake_keel.console_len < sizeof(fake_keel.console_out);
	     i++)
		fake_keel.console_out[fake_keel.console_len++] = s[i];
}

void vdev_service(struct vcpu *v)
{
	fake_keel.vdev_services++;
	fake_keel.vdev_vcpu = v;
}

void vdev_sync_ext_irq(struct vcpu *v)
{
	fake_keel.ext_irq_syncs++;
	fake_keel.vdev_vcpu = v;
}

void vdev_irq_update(struct vm *vm, struct vcpu *self)
{
	(void)vm;
	fake_keel.irq_updates++;
	fake_keel.vdev_vcpu = self;
}

void vdev_uart_line_update(struct vm *vm, struct vcpu *self)
{
	(void)vm;
	fake_keel.uart_line_updates++;
	fake_keel.vdev_vcpu = self;
}

void vdev_uart_feed(struct vm *vm)
{
	(void)vm;
	fake_keel.uart_feeds++;
}

void vdev_devices_pending(struct vm *vm)
{
	(void)vm;
	fake_keel.devices_pending++;
}

/* nothing typed: a virtio-console's receive queue finds no input */
int vm_console_take(struct vm *vm)
{
	(void)vm;
	return -1;
}

/* ---- the SBI ---- */

static void fake_sbi_handle(struct vcpu *v, const struct sbi_call *call, struct sbi_result *res)
{
	(void)v;
	(void)call;
	(void)res;
}

const struct sbi_extension fake_sbi_time = {
	.eid_start = SBI_EXT_TIME,
	.eid_end = SBI_EXT_TIME,
	.name = "TIME",
	.stat_slot = SBI_STAT_TIME,
	.handle = fake_sbi_handle,
};

const struct sbi_extension *sbi_extension_of(struct vcpu *v, unsigned long eid)
{
	(void)v;
	return eid == SBI_EXT_TIME ? &fake_sbi_time : NULL;
}

struct vcpu_context *sbi_dispatch(struct vcpu_context *ctx)
{
	fake_keel.sbi_calls++;
	return ctx;
}
