/*
 * The console's input side: what is typed on the physical console goes to
 * the focused VM's queue (vm_console.h), or to Keel itself: its Ctrl-A
 * keys (console_keys.h), the monitor, the profiler's keys. Here, at the
 * top, because it drives the monitor and the profiler; the layers below
 * reach it only through the hook console_input_setup() installs
 * (console_poll_input(), lib/console.h). Read docs/isolation.md,
 * "The console", beside it.
 */
#include <stdio.h>

#include "arch/riscv/arch.h"
#include "console/console_keys.h"
#include "hart.h"
#include "lib/console.h"
#include "monitor/console_input.h"
#include "monitor/monitor.h"
#include "prof.h"
#include "sbi_defs.h"
#include "vcpu/vcpu_request.h"
#include "vdev/vdev.h"
#include "vm.h"

static unsigned int focus; /* the VM that gets what is typed */
static struct console_keys keys;
static struct spinlock input_lock = SPINLOCK_INIT(LOCK_CONSOLE_INPUT);

/*
 * Console input is only sorted where it is read: bytes for a VM go to its
 * queue at once, and everything for Keel itself (the monitor's bytes,
 * opening and closing it, the profiler's keys) waits in `keel_events`
 * for the boot hart, which carries it out in vm_console_service() from
 * its scheduler loop, with no lock held and inside no guest's exit. A
 * guest's UART read can then never run a monitor command (vm reset of its
 * own VM took the VM's dev_lock a second time, inside the exit that held
 * it), and a monitor command that waits for other harts holds nothing.
 */
enum keel_event {
	EV_MONITOR_OPEN = 256, /* below 256: a byte typed into the monitor */
	EV_MONITOR_CLOSE,
	EV_PROF_TOGGLE,
	EV_PROF_DUMP,
};
#define KEEL_EVENTS 64

static unsigned short keel_events[KEEL_EVENTS]; /* under input_lock */
static unsigned int events_head, events_tail;
static bool to_monitor; /* typed bytes go to the monitor (input_lock) */

/* With input_lock held. A full queue drops the event, as a UART's FIFO would. */
static void post_event(unsigned short ev)
{
	if (events_tail - events_head < KEEL_EVENTS)
		keel_events[events_tail++ % KEEL_EVENTS] = ev;
}

static int take_event(void)
{
	int ev = -1;

	/* every pass of the boot hart's scheduler asks: mostly there is nothing */
	if (__atomic_load_n(&events_head, __ATOMIC_RELAXED) ==
	    __atomic_load_n(&events_tail, __ATOMIC_RELAXED))
		return -1;
	spin_lock(&input_lock);
	if (events_head != events_tail)
		ev = keel_events[events_head++ % KEEL_EVENTS];
	spin_unlock(&input_lock);
	return ev;
}

/* With input_lock held: what Keel's keys ask for. Returns a VM's focus to report. */
static void key_command(enum console_cmd cmd, unsigned int arg)
{
	switch (cmd) {
	case CONSOLE_CMD_FOCUS:
		if (arg < nr_vms)
			__atomic_store_n(&focus, arg, __ATOMIC_RELAXED);
		break;
	case CONSOLE_CMD_MONITOR:
		to_monitor = !to_monitor;
		post_event(to_monitor ? EV_MONITOR_OPEN : EV_MONITOR_CLOSE);
		break;
	case CONSOLE_CMD_PROF_TOGGLE:
		post_event(EV_PROF_TOGGLE);
		break;
	case CONSOLE_CMD_PROF_DUMP:
		post_event(EV_PROF_DUMP);
		break;
	case CONSOLE_CMD_NONE:
		break;
	}
}

static void report_focus(unsigned int arg)
{
	if (arg < nr_vms)
		pr_info("console: typing goes to VM %u '%s'\n", arg, vms[arg].cfg->name);
	else
		pr_info("console: there is no VM %u (0..%u)\n", arg, nr_vms - 1);
}

/*
 * Read what was typed: Keel's keys and the monitor's bytes become events
 * for the boot hart, the rest goes to the focused VM. Any hart may call
 * it, inside a guest's exit too: it only moves bytes.
 */
static void poll(void)
{
	for (;;) {
		enum console_cmd cmd;
		unsigned int arg, events_before;
		bool for_keel;
		struct vm_console *to;
		struct vm *vm;
		int c = console_getc();

		if (c < 0)
			return;
		spin_lock(&input_lock);
		events_before = events_tail;
		c = console_keys_feed(&keys, c, &cmd);
		arg = keys.arg;
		key_command(cmd, arg);
		if (c >= 0 && to_monitor) {
			post_event((unsigned short)c);
			c = -1;
		}
		for_keel = events_tail != events_before;
		spin_unlock(&input_lock);
		if (for_keel)
			hart_kick(&harts[0]);
		if (cmd == CONSOLE_CMD_FOCUS)
			report_focus(arg);
		if (c < 0)
			continue;
		vm = &vms[__atomic_load_n(&focus, __ATOMIC_RELAXED)];
		to = &vm->console;
		spin_lock(&to->lock);
		/* a full queue drops the byte, as a UART's full FIFO would */
		if (to->in_tail - to->in_head < VM_CONSOLE_INPUT)
			to->in[to->in_tail++ % VM_CONSOLE_INPUT] = (unsigned char)c;
		spin_unlock(&to->lock);
		vdev_console_input(vm);
	}
}

/* Ctrl-A p: start a profile, or stop the one that runs */
static void prof_toggle(void)
{
	long r;

	if (prof_running()) {
		prof_stop();
		pr_info("profiling stopped (Ctrl-A d prints it)\n");
		return;
	}
	/* started: prof_start() says so itself */
	r = prof_start(0, true);
	if (r != SBI_SUCCESS)
		pr_info("profiling not started: %s\n", prof_start_problem(r));
}

/* The boot hart, from its scheduler loop: what was typed for Keel. */
void vm_console_service(void)
{
	int ev;

	while ((ev = take_event()) >= 0) {
		switch (ev) {
		case EV_MONITOR_OPEN:
		case EV_MONITOR_CLOSE:
			monitor_set_open(ev == EV_MONITOR_OPEN);
			break;
		case EV_PROF_TOGGLE:
			prof_toggle();
			break;
		case EV_PROF_DUMP:
			prof_dump();
			break;
		default:
			/* a byte for the monitor; its exit command closes it */
			if (!monitor_input(ev)) {
				spin_lock(&input_lock);
				to_monitor = false;
				spin_unlock(&input_lock);
			}
			break;
		}
	}
}

void console_input_setup(void)
{
	console_input_poll = poll;
}
