/*
 * The part of a vCPU that the assembly trap entry reads and writes.
 *
 * Most exits (SBI calls, interrupts, redirected traps) save and restore
 * only the registers C code may clobber: Keel's C code keeps s0-s11 intact
 * by the calling convention, so the guest's values stay in the registers.
 * An exit that must read or write s0-s11 (an MMIO access or an emulated
 * counter read naming one of them) is first tried on the short path; the
 * C handler then returns ctx | 1 having done nothing, and trap.S saves all
 * 31 and calls the full handler. So x[8], x[9], x[18..27] are only
 * current during such an exit; restore_all tells the exit path to load
 * them back anyway (after a reset, or when a different vCPU is entered). The
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
