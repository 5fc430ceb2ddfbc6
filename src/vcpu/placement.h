/*
 * Where each vCPU lives: its home hart, chosen once at boot. A pinned vCPU
 * goes to the hart it names; the others go to the hart with the fewest
 * vCPUs so far (the lowest index on a tie), so one VM's vCPUs spread over
 * the harts and several VMs share them evenly. Pure logic.
 */
#ifndef KEEL_PLACEMENT_H
#define KEEL_PLACEMENT_H

#include <stdint.h>

#include "must_check.h"

struct placement {
	const unsigned long *hartids; /* the harts Keel runs vCPUs on */
	unsigned int nr_harts;
	unsigned int load[64];        /* vCPUs placed on each so far */
};

/*
 * Place the nr vCPUs of VM vm_name. pins[i] is a hart id or -1 (none);
 * home[i] gets an index into hartids. Returns 0, or -1 with a message in
 * err that names the VM, the vCPU and the hart.
 */
int placement_place_vm(struct placement *p, const char *vm_name, const int *pins,
		       unsigned int nr, unsigned int *home, char *err, unsigned long errlen) MUST_CHECK;

#endif
