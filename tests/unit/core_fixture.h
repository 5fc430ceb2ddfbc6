/*
 * A VM for the host tests of the core (test_trap, test_vcpu, test_sched,
 * test_vcpu_request), built the way vm_create() and smp_place_vcpus()
 * leave one, without guest RAM or devices: each vCPU reset by the real
 * vcpu_reset(), homed on the hart the test names and on that hart's run
 * list, vCPU 0 started and runnable, the others stopped.
 */
#ifndef KEEL_UNIT_CORE_FIXTURE_H
#define KEEL_UNIT_CORE_FIXTURE_H

#include "vm.h"
#include "boot/boot.h"

#define FIXTURE_ENTRY 0x80200000UL /* every vCPU's entry point */
#define FIXTURE_DTB 0x87e00000UL   /* a1 at entry */

/*
 * vm named name, nr vCPUs, vCPU i homed on harts[homes[i]] (homes NULL:
 * all on harts[0]); nr_harts grows to cover them. Sstc for the guest as
 * sstc says. Call after fake_keel_reset() and fake_arch_reset().
 */
void fixture_vm(struct vm *vm, const char *name, unsigned int nr, const unsigned int *homes,
		bool sstc);

#endif
