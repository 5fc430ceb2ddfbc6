/*
 * When the machine ends (power.c): once every VM has stopped, or when the
 * monitor says poweroff. A profile that runs is printed first.
 */
#ifndef KEEL_SCHED_POWER_H
#define KEEL_SCHED_POWER_H

#include <stdbool.h>

/*
 * The bundle's on-last-vm-stop: true ("keep-running") keeps Keel up with
 * every VM stopped, for the monitor to start them again. Set at boot.
 */
extern bool power_keep_running;

/* Every scheduler pass: once every VM has stopped, power the machine off. */
void keel_power_off_if_done(void);
/* Power the machine off now, every VM with it (the monitor's poweroff). */
void keel_shutdown(const char *why) __attribute__((noreturn));

#endif
