/* Build-time limits, shared by C and assembly. */
#ifndef KEEL_BOOT_CONFIG_H
#define KEEL_BOOT_CONFIG_H

#define KEEL_MAX_HARTS 8
#define KEEL_STACK_SIZE 16384
#define KEEL_MAX_VMS 4
#define KEEL_MAX_VCPUS 8

/*
 * The profiler's sample rates a config may ask for (bundle.c checks them,
 * prof.c uses them): here, not in prof.h, so the bundle parser needs
 * nothing from the profiler.
 */
#define PROF_HZ_DEFAULT 1000
#define PROF_HZ_MIN 10
#define PROF_HZ_MAX 20000

/* Where linker.ld links Keel; entry.S relocates it to where it runs */
#define KEEL_LINK_ADDR 0x80200000

/* offsetof(struct hart, hartid / stack_top), for entry.S (checked in smp.c) */
#define HART_HARTID 8
#define HART_STACK_TOP 16

#endif
