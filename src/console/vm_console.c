/* The console as the VMs share it (vm_console.h). */
#include <stdio.h>
#include <string.h>

#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "console/console_keys.h"
#include "hart.h"
#include "monitor/monitor.h"
#include "platform/platform.h"
#include "prof.h"
#include "sbi_defs.h"
#include "lib/timebase.h"
#include "vdev/vdev.h"
#include "vm.h"
#include "vcpu/vcpu_request.h"

static bool use_color;
static unsigned int focus; /* the VM that gets what is typed */
static struct console_keys keys;
static struct spinlock input_lock = SPINLOCK_INIT(LOCK_CONSOLE_INPUT);

void vm_console_setup(bool color)
{
	use_color = color;
}

/* Print the VM's collected line with its name in front. */
static void flush_line(struct vm *vm)
{
	struct vm_console *c = &vm->console;
	char out[VM_CONSOLE_LINE + VM_NAME_MAX + 16];
	int n;

	/* what is printed can no longer be taken back by a backspace */
	console_escape_line_end(&c->escape);
	if (!c->len)
		return;
	if (use_color)
		/* a colour per VM id: green, yellow, blue, magenta */
		n = snprintf(out, sizeof(out) - VM_CONSOLE_LINE - 1, "\x1b[3%um[%s]\x1b[0m ",
			     2 + vm->id % 4, vm->cfg->name);
	else
		n = snprintf(out, sizeof(out) - VM_CONSOLE_LINE - 1, "[%s] ", vm->cfg->name);
	if (n < 0)
		n = 0;
	else if ((unsigned int)n > sizeof(out) - VM_CONSOLE_LINE - 2)
		n = sizeof(out) - VM_CONSOLE_LINE - 2; /* the name cut short */
	/* copied, not formatted: a raw VM's NUL must not cut the line short */
	memcpy(out + n, c->line, c->len);
	n += c->len;
	if (c->line[c->len - 1] != '\n')
		out[n++] = '\n'; /* a partial line ends here on the console */
	console_write(out, (unsigned long)n);
	c->len = 0;
}

/*
 * Add text to the VM's line, printing the line when the text ends it or
 * fills it. Text that does not fit starts the next line: an escaped form
 * or a UTF-8 character is never cut in two.
 */
static void collect(struct vm *vm, const char *text, unsigned int n)
{
	struct vm_console *c = &vm->console;

	if (!n)
		return;
	if (c->len + n > VM_CONSOLE_LINE)
		flush_line(vm);
	memcpy(c->line + c->len, text, n);
	c->len += n;
	if (text[n - 1] == '\n' || c->len == VM_CONSOLE_LINE)
		flush_line(vm);
}

/*
 * Several VMs: a line at a time behind the VM's name. A backspace takes
 * back a character of the line being collected, never the name (which is
 * not in it) nor a line already printed.
 */
static void collect_escaped(struct vm *vm, const char *s, unsigned long len)
{
	struct vm_console *c = &vm->console;

	for (unsigned long i = 0; i < len;) {
		/* the line always has room: collect() prints it when full */
		unsigned long room = VM_CONSOLE_LINE - c->len;
		unsigned long run = console_escape_plain(&c->escape, s + i,
							 len - i < room ? len - i : room,
							 c->line + c->len);
		char text[CONSOLE_ESCAPE_TEXT_MAX];
		int n;

		if (run) {
			i += run;
			c->len += (unsigned int)run;
			if (c->len == VM_CONSOLE_LINE)
				flush_line(vm);
			continue;
		}
		n = console_escape_byte(&c->escape, (uint8_t)s[i++], text);
		if (n == CONSOLE_ESCAPE_ERASE) {
			if (c->len)
				c->len--;
			continue;
		}
		collect(vm, text, (unsigned int)n);
	}
}

/* Several VMs, this one raw: every byte as it came but \r, as always */
static void collect_raw(struct vm *vm, const char *s, unsigned long len)
{
	for (unsigned long i = 0; i < len; i++)
		if (s[i] != '\r') /* the console adds its own before each \n */
			collect(vm, &s[i], 1);
}

/*
 * One VM: straight to the console, escaped, a buffer at a time. A
 * backspace over a character of its own goes through: an interactive
 * shell's "\b \b" erases on the terminal as on hardware.
 */
static void write_escaped(struct vm_console *c, const char *s, unsigned long len)
{
	char out[128];
	unsigned long k = 0;

	for (unsigned long i = 0; i < len;) {
		unsigned long room = sizeof(out) - k, run;
		int n;

		if (room < CONSOLE_ESCAPE_TEXT_MAX) {
			console_write(out, k);
			k = 0;
			continue;
		}
		run = console_escape_plain(&c->escape, s + i, len - i < room ? len - i : room,
					   out + k);
		if (run) {
			i += run;
			k += run;
			continue;
		}
		n = console_escape_byte(&c->escape, (uint8_t)s[i++], out + k);
		if (n == CONSOLE_ESCAPE_ERASE)
			out[k++] = '\b';
		else
			k += (unsigned int)n;
	}
	if (k)
		console_write(out, k);
}

void vm_console_write(struct vm *vm, const char *s, unsigned long len)
{
	struct vm_console *c = &vm->console;
	bool raw = vm->cfg->console_raw;

	if (nr_vms <= 1 && raw) {
		console_write(s, len);
		return;
	}
	/* the lock also keeps the filter's state whole between vCPUs */
	spin_lock(&c->lock);
	if (nr_vms <= 1) {
		/* for vm_console_take_plain(): every VM exists by the first byte */
		c->direct = vm->nr_vcpus == 1;
		write_escaped(c, s, len);
	} else {
		c->last_write = arch_time_now();
		if (raw)
			collect_raw(vm, s, len);
		else
			collect_escaped(vm, s, len);
	}
	spin_unlock(&c->lock);
}

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
void vm_console_poll(void)
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

int vm_console_take(struct vm *vm)
{
	struct vm_console *c = &vm->console;
	int ch = -1;

	spin_lock(&c->lock);
	if (c->in_head != c->in_tail)
		ch = c->in[c->in_head++ % VM_CONSOLE_INPUT];
	else if (c->len && arch_time_now() - c->last_write >
				   ticks_from_ms(platform.timebase_freq, VM_CONSOLE_PARTIAL_MS))
		flush_line(vm); /* quiet and waiting for input: show the prompt */
	spin_unlock(&c->lock);
	return ch;
}

int vm_console_getc(struct vm *vm)
{
	vm_console_poll();
	return vm_console_take(vm);
}
