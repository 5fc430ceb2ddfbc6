/*
 * The SUSP guest's shared pieces: entry.S's suspend call and resume entry,
 * and the second vCPU's command loop (main.c; it starts at
 * common/sec_entry.S), which lets the boot vCPU
 * hold it STARTED, SUSPENDED or STOPPED while it asks to suspend the VM.
 */
#ifndef SUSP_H
#define SUSP_H

#ifndef __ASSEMBLER__

/* What resume_entry saw first thing, before it touched anything. */
struct resume_info {
	unsigned long a0, a1, satp, sstatus;
};

/*
 * SBI SUSP system_suspend(type, addr, opaque). Returns the SBI error if
 * the call returned (it failed); returns 1 when the VM suspended and
 * resumed at resume_entry (addr), as if from this call, with *out filled.
 * Every callee-saved register, sp, gp and tp are restored on resume: the
 * spec leaves all but a0 and a1 undefined.
 */
long susp_call(unsigned long type, unsigned long addr, unsigned long opaque,
	       struct resume_info *out);
extern char resume_entry[];

#endif
#endif
