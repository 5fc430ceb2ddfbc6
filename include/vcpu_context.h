/*
 * The part of a vCPU that the assembly trap entry reads and writes.
 *
 * Most exits (SBI calls, interrupts, redirected traps) save and restore
 * only the registers C code may clobber: Keel's C code keeps s0-s11 intact
 * by the calling convention, so the guest's values stay in the registers.
 * When an exit needs the whole register file in the context (an MMIO
 * access or an emulated counter read naming s0-s11, or a pass through the
 * scheduler, which may run another vCPU or rewrite this one), the C
 * handler says so in the low bits of the context it returns and trap.S
 * saves s0-s11 too (see trap.S). So x[8], x[9], x[18..27] are only
 * current during such an exit, and whenever the vCPU is not on a hart. The
 * offsets are spelled out so trap.S can use them; vcpu.c checks them with
 * static assertions against the C struct.
 */
#ifndef KEEL_VCPU_CONTEXT_H
#define KEEL_VCPU_CONTEXT_H

#define CTX_REG(n) ((n) * 8) /* x1..x31; slot 0 is unused */
#define CTX_SEPC 256
#define CTX_HOST_SP 264 /* Keel stack top of the hart running this vCPU */
#define CTX_HOST_TP 272 /* Keel's tp on that hart: its struct hart */
/* instret and cycle when trap.S entered, for the exit statistics (prof.h) */
#define CTX_ENTRY_INSTRET 280
#define CTX_ENTRY_CYCLE 288
#define CTX_ENTRY_TIME 296 /* and time: was a profiler sample due before the exit? */
#define CTX_SIZE 304

#ifndef __ASSEMBLER__
struct vcpu_context {
	unsigned long x[32];
	unsigned long sepc;
	unsigned long host_sp;
	unsigned long host_tp;
	unsigned long entry_instret;
	unsigned long entry_cycle;
	unsigned long entry_time;
};

/* x8, x9, x18-x27 (s0-s11): in ctx only when trap.S was asked to save them */
static inline int ctx_reg_is_callee_saved(unsigned int reg)
{
	return reg == 8 || reg == 9 || (reg >= 18 && reg <= 27);
}
#endif

#endif
