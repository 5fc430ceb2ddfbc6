/*
 * The console as the VMs share it: one physical UART, several guests.
 *
 * Output: with more than one VM, each VM's output is collected a line at
 * a time and printed whole with the VM's name in front ("[linux] ..."),
 * coloured when the bundle says the console is a terminal; so lines of
 * different VMs never mix, and a chatty VM delays another by one line at
 * most. A partial line (a prompt) is printed once the VM has written
 * nothing for VM_CONSOLE_PARTIAL_MS and polls for input.
 * With one VM, its output goes straight through, as it would on hardware.
 * Either way a VM's escape sequences and other controls are shown, not
 * sent (console_escape.h), unless its config says console = "raw".
 *
 * Input: whichever VM polls its console pulls what was typed (and the
 * boot hart does, every VM_CONSOLE_POLL_MS); Keel's own
 * Ctrl-A commands (console_keys.h) and the monitor's bytes are taken out
 * for the boot hart, and the rest goes to the input queue of the VM that
 * has the focus (Ctrl-A 0..9).
 */
#ifndef KEEL_VM_CONSOLE_H
#define KEEL_VM_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include "console_escape.h"
#include "spinlock.h"

#define VM_CONSOLE_LINE 200
#define VM_CONSOLE_INPUT 64
#define VM_CONSOLE_PARTIAL_MS 50

struct vm_console {
	/*
	 * A byte may go straight out (vm_console_take_plain()): one VM, one
	 * vCPU, not raw. Set by vm_console_write() (after every VM exists).
	 */
	bool direct;
	struct spinlock lock;
	char line[VM_CONSOLE_LINE];
	unsigned int len;
	uint64_t last_write; /* time of the last byte the VM wrote */
	struct console_escape escape; /* what its output is in the middle of */
	unsigned char in[VM_CONSOLE_INPUT]; /* typed for this VM, not yet read */
	unsigned int in_head, in_tail;
};

struct vm;

/*
 * Before the VMs run: colour the name prefixes (an ANSI terminal)? and
 * how many VMs share the console (a lone VM prints without a prefix).
 */
void vm_console_setup(bool color, unsigned int nr_vms);
/* Guest output (from its UART or from SBI console calls) */
void vm_console_write(struct vm *vm, const char *s, unsigned long len);
/*
 * One byte of guest output (a THR write) the quick way: true when it may
 * go straight to console_put_plain(), which the caller then does; false
 * when vm_console_write() must take it. The quick way is what
 * vm_console_write() does with such a byte: with one VM, filtered,
 * printable ASCII outside a UTF-8 sequence passes as it is
 * (console_escape_byte()), counted as a character a backspace may take
 * back. With one vCPU no other hart can be in the middle of the filter's
 * state, so the VM's console lock is not needed.
 */
static inline bool vm_console_take_plain(struct vm_console *c, char ch)
{
	if (!c->direct || (unsigned int)(uint8_t)ch - 0x20 >= 0x5f || c->escape.need)
		return false;
	c->escape.erasable++;
	return true;
}
/* Console input for this VM, or -1: after reading the physical console */
int vm_console_getc(struct vm *vm);
/* The same from what was already read (no device access) */
int vm_console_take(struct vm *vm);
/*
 * Is something queued for this console's VM? (no lock: a hint, exact for
 * its own reader). Inline: every UART read of the guest asks.
 */
static inline bool vm_console_queued(const struct vm_console *c)
{
	return __atomic_load_n(&c->in_head, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&c->in_tail, __ATOMIC_RELAXED);
}
#define VM_CONSOLE_POLL_MS 20

#endif
