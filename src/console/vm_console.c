/*
 * The console as the VMs share it (vm_console.h): each VM's output line
 * and its queue of typed input. What was typed is read and sorted by the
 * monitor's side (src/monitor/console_input.c), through console_poll_input().
 */
#include <stdio.h>
#include <string.h>

#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "platform/platform.h"
#include "lib/timebase.h"
#include "vm.h"

static bool use_color;
static unsigned int nr_lines; /* one per VM: the bundle's VMs */

void vm_console_setup(bool color, unsigned int nr_vms)
{
	use_color = color;
	nr_lines = nr_vms;
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

	if (nr_lines <= 1 && raw) {
		console_write(s, len);
		return;
	}
	/* the lock also keeps the filter's state whole between vCPUs */
	spin_lock(&c->lock);
	if (nr_lines <= 1) {
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
	console_poll_input();
	return vm_console_take(vm);
}
