/* The bench guest's parts (guests/bench, scripts/bench.sh, docs/bench.md). */
#ifndef GUEST_BENCH_H
#define GUEST_BENCH_H

/* The longest exits a guest can ask for: BENCH-EXIT lines (exits.c) */
void bench_exits(const void *dtb);
/* An SRST warm reboot, timed across it: BENCH-REBOOT lines */
void bench_reboot_start(void);
void bench_reboot_end(unsigned long t);
/* Keel's boot, reset to this guest's first instruction: a BENCH line (boot.c) */
void bench_boot_to_guest(const void *dtb);

/* Two vCPUs: mode 1 on two harts, 2 sharing one (smp.c: BENCH lines) */
void bench_smp(const void *dtb, unsigned long hartid, unsigned long mode);

#endif
