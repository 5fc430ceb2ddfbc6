/*
 * The hartcsr guest (docs/isolation.md): state a guest kernel can write
 * that the H extension gives no VS copy of, so the hart holds one value for
 * every VM it runs. Two VMs on one hart each write their own values and
 * read them back across many switches; the hypervisor must keep each VM's
 * own. Each is one row of the table in csrs.c.
 */
#ifndef HARTCSR_H
#define HARTCSR_H

#define SIDES 2 /* keel.side=0 or 1: the two VMs write different values */

struct shared_csr {
	const char *name;
	/* what the guest must find: 1 always there, 0 only if it answers */
	int mandatory;
	unsigned long (*read)(void);
	void (*write)(unsigned long value);
	/* written in turn, round by round; the sides differ in a writable bit */
	unsigned long pattern[SIDES][2];
	/* found by probe_csrs() */
	int present;
	unsigned long at_entry;
	/* the last value written, as the hart took it (WARL) */
	unsigned long stuck;
	/* reads that came back different, and the first of them */
	unsigned long wrong, wrong_seen, wrong_want, wrong_round;
};

extern struct shared_csr csrs[];
extern const unsigned long nr_csrs;

/* The row named name, or 0. */
struct shared_csr *csr_named(const char *name);

/*
 * Read every row once with illegal instructions expected: present when the
 * read does not trap (the FPU and the vector unit are switched on first).
 * The value read is at_entry. Returns how many traps were not illegal
 * instructions (none should be).
 */
unsigned long probe_csrs(void);

#endif
