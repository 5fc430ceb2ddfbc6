/*
 * The secondary-hart entry of the guests that start harts (sec_entry.S;
 * guests/Makefile links it into those guests and sets, per guest, what
 * differs from the defaults here).
 *
 * HSM hart_start(hart, sec_entry, opaque) runs, on the new hart and on
 * its own stack, sec_main(hartid, opaque, 0); a non-retentive
 * hart_suspend with sec_resume_entry as its resume address comes back
 * as sec_main(hartid, opaque, 1). A guest whose sec_main takes two
 * arguments may ignore the third. If sec_main returns, the hart stops
 * (HSM hart_stop), as does a hart id with no stack.
 */
#ifndef GUEST_SEC_ENTRY_H
#define GUEST_SEC_ENTRY_H

/* Hart ids 0 .. SEC_MAX_HARTS-1 each get a stack. */
#ifndef SEC_MAX_HARTS
#define SEC_MAX_HARTS 4
#endif

/* Each stack is 1 << SEC_STACK_SHIFT bytes (4 KiB). */
#ifndef SEC_STACK_SHIFT
#define SEC_STACK_SHIFT 12
#endif

#ifndef __ASSEMBLER__
extern char sec_entry[], sec_resume_entry[];
#endif

#endif
