/*
 * Keel's monitor shell on the console: Ctrl-A h opens it, Ctrl-A h (or
 * `exit`) closes it; while it is open, what is typed goes to it instead
 * of a VM, a line at a time. The commands (docs/config.md):
 *
 *   help                      this list
 *   vms                       every VM: state, vCPUs, RAM, reboots
 *   vcpus                     every vCPU: home hart, HSM state, exits
 *   stats [vm]                exit statistics: count and cost per reason
 *   pmu <vm>                  the SBI PMU firmware counters of a VM
 *   net                       the switch's ports and the uplink: frames each way
 *   prof start [hz]|stop|dump the profiler (docs/profiling.md)
 *   vm stop|start|reset <vm>  stop a VM; start a stopped one, or reset a
 *                             running one, from its image
 *   vm wake <vm>              an IPI to a VM suspended by SBI SUSP
 *
 * A VM is named by its number or its name. The parser is pure logic.
 */
#ifndef KEEL_MONITOR_H
#define KEEL_MONITOR_H

#include <stdbool.h>

#define MONITOR_LINE 80
#define MONITOR_MAX_WORDS 4

enum monitor_cmd {
	MON_EMPTY,
	MON_HELP,
	MON_VMS,
	MON_VCPUS,
	MON_STATS,
	MON_PMU,
	MON_NET,
	MON_PROF_START,
	MON_PROF_STOP,
	MON_PROF_DUMP,
	MON_VM_STOP,
	MON_VM_START,
	MON_VM_RESET,
	MON_VM_WAKE,
	MON_EXIT,
	MON_POWEROFF,
	MON_BAD, /* the error says why */
};

struct monitor_parsed {
	enum monitor_cmd cmd;
	const char *vm;      /* the VM argument as typed, or NULL */
	unsigned long hz;    /* prof start: 0 = default */
	const char *error;   /* MON_BAD: a message for the user */
};

/* Parse one line (modified in place: words are cut at spaces). */
void monitor_parse(char *line, struct monitor_parsed *p);

/* Find a VM by number or name among n names; -1 if none. */
int monitor_find_vm(const char *arg, const char *const *names, unsigned int n);

/*
 * ---- the shell itself (src/monitor/monitor.c) ----
 * Both run on the boot hart only, from vm_console_service(): never inside
 * a guest's exit, never with a lock held, since a command may wait for
 * other harts (vm reset) or print for long (prof dump).
 */
/* Ctrl-A h: open or close it (nothing happens if it already is) */
void monitor_set_open(bool open);
/* One typed byte while it is open; false once it is closed (exit) */
bool monitor_input(int c);

#endif
