/*
 * The names of trap causes, for messages, traces and profiles
 * (trap_names.c): pure tables, used from every layer.
 */
#ifndef KEEL_TRAP_NAMES_H
#define KEEL_TRAP_NAMES_H

/* Names for the trace and for reports ("illegal instruction", ...). */
const char *trap_cause_name(unsigned long scause);
/* The same as one word ("illegal_instruction", "supervisor_timer"). */
const char *trap_short_name(unsigned long scause);

#endif
