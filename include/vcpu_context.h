/*
 * The part of a vCPU that the assembly trap entry reads and writes.
 *
 * An SBI call (the most frequent exit) saves and restores only the
 * registers C code may clobber: Keel's C code keeps s0-s11 intact by the
 * calling convention, so the guest's values stay in the registers. Every
 * other exit saves all 31 so handlers can read and write any of them. The
 * offsets are spelled out so trap.S can use them; vcpu.c checks them with
 * static assertions against the C struct.
 */
#ifndef KEEL_VCPU_CONTEXT_H
#define KEEL_VCPU_CONTEXT_H

#define CTX_REG(n) ((n) * 8) /* x1..x31; slot 0 is unused */
#define CTX_SEPC 256
#define CTX_HOST_SP 264 /* Keel stack top of the hart running this vCPU */
#define CTX_HOST_TP 272 /* Keel's tp on that hart: its struct hart */
#define CTX_RESTORE_ALL 280 /* nonzero: s0-s11 in the context are newer than the hart's */
#define CTX_SIZE 288

#ifndef __ASSEMBLER__
struct vcpu_context {
	unsigned long x[32];
	unsigned long sepc;
	unsigned long host_sp;
	unsigned long host_tp;
	unsigned long restore_all;
};
#endif

#endif
