/*
 * What boot's entry (src/boot/entry.S) writes before any C runs and every
 * layer reads: where Keel was loaded, when it started, and each hart's
 * stack. They sit here, at the bottom, so that trap.S, a fault report or
 * the profile can read them without depending on boot, which is the top.
 */
#include "boot_config.h"

	.data
	.balign	8
	.globl	keel_load_offset
keel_load_offset:	/* where Keel runs minus where it was linked (entry.S) */
	.dword	0

	.globl	keel_entry_instret
keel_entry_instret:	/* instret at boot_entry on the boot hart (vm_load.c) */
	.dword	0

	.bss
	.balign	8
	.globl	hart_ptrs
hart_ptrs:		/* the harts being started, for one that arrives at _start (smp.c) */
	.space	8 * KEEL_MAX_HARTS

	.balign	16
	.globl hart_stacks
hart_stacks:		/* KEEL_STACK_SIZE each, harts[i]'s at slot i (entry.S, trap.S) */
	.space	KEEL_STACK_SIZE * KEEL_MAX_HARTS
