/*
 * SBI PMU firmware events for traps the firmware delivers to guests
 * itself. Where the firmware's redirect to HS-mode is broken
 * (host.fw_redirect_broken: QEMU 10.0, src/arch/riscv/redirect_probe.c) guests
 * take illegal-instruction, misaligned and access-fault traps straight from
 * the firmware (hedeleg), so Keel's exit path never counts them. The
 * firmware (OpenSBI) counts every one in its own SBI PMU firmware counters,
 * per hart: Keel starts one such counter per event on each hart and gives
 * each vCPU what they moved while it was loaded. Elsewhere these are no-ops.
 */
#ifndef KEEL_FW_EVENTS_H
#define KEEL_FW_EVENTS_H

struct hart;
struct vcpu;

/* The events, in the order of struct hart's fw_ctr[] and vcpu_pmu's marks */
#define FW_EVENTS_TRACKED 5

/* On each hart, once: configure and start the firmware's counters. */
void fw_events_hart_init(struct hart *h);
/* v was just loaded on its hart: counting for it starts now. */
void fw_events_begin(struct vcpu *v);
/*
 * v is loaded on this hart: add what the firmware counted since the last
 * call to v's started counters (before v leaves the hart, before the guest
 * looks at or changes its counters, before its VM's counters are listed).
 */
void fw_events_sync(struct vcpu *v);

#endif
