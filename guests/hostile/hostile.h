/*
 * The hostile guest (docs/isolation.md): everything a VS-mode guest can
 * aim at outside what is its own, each attempt checked against what a
 * real machine without the H extension would answer. main.c runs the
 * groups in order; each file is one group.
 */
#ifndef HOSTILE_H
#define HOSTILE_H

#include "csr.h"
#include "sbi.h"

#define MAX_VMS 4

/* Host physical addresses from SBI KEEL test_layout (test-hooks only) */
struct layout {
	unsigned long keel_start, keel_end, own_ram;
	unsigned long vm_ram[MAX_VMS];
	unsigned int nr_vms, self;	/* VMs, and which one this guest is */
};

extern struct layout layout;
extern unsigned long ram_base, ram_end, timebase;
/* guests/common/guest.ld: this guest's own image, .bss included */
extern char _image_start[], _image_end[];

static inline unsigned long ms_ticks(unsigned long ms)
{
	return ms * timebase / 1000;
}

static inline unsigned long ticks_ms(unsigned long ticks)
{
	return ticks * 1000 / timebase;
}

static inline int in_own_ram(unsigned long a, unsigned long len)
{
	return a >= ram_base && a < ram_end && len <= ram_end - a;
}

static inline int in_own_image(unsigned long a)
{
	return a >= (unsigned long)_image_start && a < (unsigned long)_image_end;
}

/* the groups, in the order main() runs them */
void test_memory(void);      /* memory.c: loads, stores, fetches */
void check_poison(void);     /* memory.c: what test_memory() left is still there */
void test_privileged(void);  /* priv.c: HS and M CSRs and instructions from VS and VU */
void test_sbi_addresses(void); /* sbi_addr.c: every SBI call that takes an address */
void test_hart_masks(void);  /* masks.c: harts of other VMs, IPIs counted */
void test_floods(void);      /* masks.c: IPI and fence floods */

#endif
