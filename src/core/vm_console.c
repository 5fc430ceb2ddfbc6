/* The console as the VMs share it (vm_console.h). */
#include <stdio.h>

#include "arch.h"
#include "console.h"
#include "console_keys.h"
#include "monitor.h"
#include "platform.h"
#include "prof.h"
#include "timebase.h"
#include "vdev.h"
#include "vm.h"

static bool use_color;
static unsigned int focus; /* the VM that gets what is typed */
static struct console_keys keys;
static struct spinlock input_lock;

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

	if (!c->len)
		return;
	if (use_color)
		/* a colour per VM id: green, yellow, blue, magenta */
		n = snprintf(out, sizeof(out), "\x1b[3%um[%s]\x1b[0m %.*s", 2 + vm->id % 4,
			     vm->cfg->name, (int)c->len, c->line);
	else
		n = snprintf(out, sizeof(out), "[%s] %.*s", vm->cfg->name, (int)c->len, c->line);
	if (c->line[c->len - 1] != '\n' && n > 0 && (unsigned int)n < sizeof(out) - 1)
		out[n++] = '\n'; /* a partial line ends here on the console */
	console_write(out, n < 0 ? 0 : (unsigned long)n < sizeof(out) ? (unsigned long)n
								  : sizeof(out) - 1);
	c->len = 0;
}

void vm_console_write(struct vm *vm, const char *s, unsigned long len)
{
	struct vm_console *c = &vm->console;

	if (nr_vms <= 1) {
		console_write(s, len);
		return;
	}
	spin_lock(&c->lock);
	c->last_write = arch_time_now();
	for (unsigned long i = 0; i < len; i++) {
		if (s[i] == '\r')
			continue; /* the console adds its own before each \n */
		c->line[c->len++] = s[i];
		if (s[i] == '\n' || c->len == VM_CONSOLE_LINE)
			flush_line(vm);
	}
	spin_unlock(&c->lock);
}

static void console_command(enum console_cmd cmd, unsigned int arg)
{
	switch (cmd) {
	case CONSOLE_CMD_FOCUS:
		if (arg < nr_vms) {
			__atomic_store_n(&focus, arg, __ATOMIC_RELAXED);
			pr_info("console: typing goes to VM %u '%s'\n", arg, vms[arg].cfg->name);
		} else {
			pr_info("console: there is no VM %u (0..%u)\n", arg, nr_vms - 1);
		}
		break;
	case CONSOLE_CMD_MONITOR:
		monitor_toggle();
		break;
	case CONSOLE_CMD_PROF_TOGGLE:
		if (prof_running()) {
			prof_stop();
			pr_info("profiling stopped (Ctrl-A d prints it)\n");
		} else {
			prof_start(0, true);
		}
		break;
	case CONSOLE_CMD_PROF_DUMP:
		prof_dump();
		break;
	case CONSOLE_CMD_NONE:
		break;
	}
}

/*
 * Read what was typed: Keel's commands now, the monitor's line while it is
 * open, the rest to the focused VM.
 */
void vm_console_poll(void)
{
	for (;;) {
		enum console_cmd cmd;
		unsigned int arg;
		struct vm_console *to;
		struct vm *vm;
		int c = console_getc();

		if (c < 0)
			return;
		spin_lock(&input_lock);
		c = console_keys_feed(&keys, c, &cmd);
		arg = keys.arg;
		spin_unlock(&input_lock);
		console_command(cmd, arg);
		if (c < 0)
			continue;
		if (monitor_open()) {
			monitor_input(c);
			continue;
		}
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

bool vm_console_has_input(struct vm *vm)
{
	struct vm_console *c = &vm->console;

	return __atomic_load_n(&c->in_head, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&c->in_tail, __ATOMIC_RELAXED);
}

int vm_console_getc(struct vm *vm)
{
	vm_console_poll();
	return vm_console_take(vm);
}
