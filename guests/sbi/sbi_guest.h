/* What the sbi guest's test files share: the machine as main() found it. */
#ifndef SBI_GUEST_H
#define SBI_GUEST_H

extern unsigned long hartid, ram_base, ram_end, timebase;
extern int under_keel;	/* BASE get_impl_id said Keel */
extern int has_sstc;	/* the device tree's riscv,isa has _sstc */

void test_timer(int legacy);		/* timer.c */
void test_timer_stimecmp_mix(void);	/* timer.c */

#endif
