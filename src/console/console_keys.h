/*
 * Keel's keys on the console: Ctrl-A, then a letter, is a command for
 * Keel instead of input for the guest (like QEMU's own -nographic
 * escape, which is why run-qemu.sh moves QEMU's to Ctrl-]):
 *
 *   Ctrl-A 0-9 send what is typed to that VM (the focus; VM 0 at boot)
 *   Ctrl-A h   open or close Keel's monitor shell (monitor.h)
 *   Ctrl-A p   start profiling (1 kHz, guest call chains), or stop it
 *   Ctrl-A d   print the profile (docs/profiling.md) and stop
 *   Ctrl-A a   a Ctrl-A for the guest
 *
 * Anything else after Ctrl-A is dropped. Pure logic: the state machine
 * only says what a byte means.
 */
#ifndef KEEL_CONSOLE_KEYS_H
#define KEEL_CONSOLE_KEYS_H

#include <stdbool.h>

#define CONSOLE_ESCAPE 0x01 /* Ctrl-A */

enum console_cmd {
	CONSOLE_CMD_NONE,
	CONSOLE_CMD_FOCUS, /* the VM number is in k->arg */
	CONSOLE_CMD_MONITOR,
	CONSOLE_CMD_PROF_TOGGLE,
	CONSOLE_CMD_PROF_DUMP,
};

struct console_keys {
	bool escaped; /* the last byte was Ctrl-A */
	unsigned int arg; /* the argument of the command just completed */
};

/*
 * Feed one input byte. Returns the byte the guest should get, or -1 if it
 * was part of a Keel command; *cmd says which command is complete.
 */
int console_keys_feed(struct console_keys *k, int c, enum console_cmd *cmd);

#endif
