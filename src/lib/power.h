/*
 * The machine's last act: a line scripts/run-qemu.sh reads, then the
 * firmware's system reset (SBI SRST). Below every subsystem, so that a
 * fault anywhere can end the run (power.c).
 */
#ifndef KEEL_LIB_POWER_H
#define KEEL_LIB_POWER_H

#include <stdbool.h>

/* Power off now: "[keel] power off: failure|shutdown (why)" */
void keel_power_off(bool failure, const char *why) __attribute__((noreturn));
/* Stop after a fault report: one faulted hart means the machine cannot be trusted */
void keel_hart_halt(void) __attribute__((noreturn));

#endif
