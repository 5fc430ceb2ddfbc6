/*
 * Guest trap handling. vector.S saves everything into a trap_frame and calls
 * trap_handle(), which passes the frame to the installed hook. With no hook
 * a trap is unexpected: it is reported as a failed check and the guest
 * powers off with a FAIL verdict, so a broken hypervisor cannot hang a test.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

struct trap_frame {
	unsigned long regs[32];	/* x0..x31 as they were at the trap (x0 = 0) */
	unsigned long sepc, scause, stval, sstatus;
};

typedef void (*trap_hook_t)(struct trap_frame *tf);

/* What the last expected trap looked like (filled by trap_record_skip). */
struct trap_record {
	unsigned long count;	/* traps recorded since trap_expect() */
	unsigned long scause, stval, sepc;
};

extern volatile struct trap_record trap_rec;

void trap_set_hook(trap_hook_t hook);	/* NULL: traps are unexpected */

/*
 * Clear trap_rec and install trap_record_skip: the next traps are recorded
 * and skipped. Call trap_expect_none() afterwards to make traps fatal again.
 */
void trap_expect(void);
void trap_expect_none(void);

/*
 * Record the trap in trap_rec and resume after the faulting instruction
 * (sepc += 2 or 4, from the instruction halfword at sepc). An instruction
 * fetch fault cannot be skipped that way (there is nothing to read at
 * sepc), so for those it resumes at ra: jump to bad addresses with jalr ra.
 */
void trap_record_skip(struct trap_frame *tf);

/* 2 for a compressed instruction, 4 otherwise, from its low halfword. */
static inline unsigned long insn_len(unsigned short low)
{
	return (low & 3) == 3 ? 4 : 2;
}

#endif
