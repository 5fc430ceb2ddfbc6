/*
 * The console's input side (console_input.c): typed bytes to the focused
 * VM or to Keel's keys and the monitor.
 */
#ifndef KEEL_CONSOLE_INPUT_H
#define KEEL_CONSOLE_INPUT_H

/* Install the input side: from here on console_poll_input() reads the console. */
void console_input_setup(void);
/* The boot hart, from its scheduler loop: what was typed for Keel (sched_boot_hart_service). */
void vm_console_service(void);

#endif
