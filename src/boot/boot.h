/*
 * The boot's own steps that other boot files call: moving the boot to
 * another hart (boot_move.c) and starting the others (smp.c).
 */
#ifndef KEEL_BOOT_H
#define KEEL_BOOT_H

#include "hart.h"
#include "must_check.h"

/*
 * Booted on a hart Keel cannot run on: start hart `to` as harts[0] and stop
 * this one (boot_move.c). Returns only if that failed: -1 with a message
 * in err (docs/errors.md).
 */
int boot_move(unsigned long from, unsigned long to, char *err, unsigned long errlen) MUST_CHECK;
/* On the new hart, first thing: the old one may stop now. */
void boot_move_arrived(void);
/* The boot, carried on by the hart boot_move started (main.c). */
void keel_boot_moved(unsigned long hartid) __attribute__((noreturn));

/*
 * A started hart's own set-up, then its scheduler (keel_secondary_main,
 * main.c, sends every hart but a moved boot hart here).
 */
void smp_secondary_main(unsigned long hartid, struct hart *h) __attribute__((noreturn));
/* Secondary harts: started by the boot hart through the firmware's HSM. */
void smp_start_secondaries(void);
/* Where each vCPU of every VM lives; 0, or -1 with a message in err. */
int smp_place_vcpus(char *err, unsigned long errlen) MUST_CHECK;

#endif
