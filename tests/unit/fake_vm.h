/*
 * Fakes for src/vm/vm.c, vm_ram.c and vm_mem.c, for the host tests of
 * the core that do not link them (test_trap, test_vcpu, test_sched,
 * test_vcpu_request; test_vm links the real ones).
 */
#ifndef KEEL_UNIT_FAKE_VM_H
#define KEEL_UNIT_FAKE_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

struct fake_vm {
	/* vm_stop: calls, and the last one's VM, reason and message */
	unsigned int stops;
	struct vm *stopped;
	enum vm_stop_reason stop_reason;
	char stop_msg[128];
	/* vm_reset_work: calls */
	unsigned int reset_work_calls;
	/* vm_ram_fault: calls, the last gpa, and what it answers */
	unsigned int ram_faults;
	uint64_t ram_fault_gpa;
	bool ram_fault_answer;
};

extern struct fake_vm fake_vm;

void fake_vm_reset(void);

#endif
