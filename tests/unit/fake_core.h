/*
 * Fakes for the core functions the SBI extensions and the dispatcher call
 * (vcpu.c, vm.c, vcpu_request.c, vcpu_fence.c, trace.c, arch). Each records what it was
 * asked so a test can check it; fake_reset() clears the record and the
 * hart's work flag. Used by test_sbi.c and test_pmu.c.
 *
 * vcpu_schedule() is the real one (a static inline in sched.h): it returns
 * &v->ctx, or &v->ctx | 2 when v->hart->work is set. Every vCPU a test
 * calls through needs v->hart, so the tests point them all at fake_hart.
 */
#ifndef KEEL_UNIT_FAKE_CORE_H
#define KEEL_UNIT_FAKE_CORE_H

#include <stdint.h>

#include "hart.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"
#include "vcpu/vcpu_fence.h"

#define FAKE_MAX_CALLS 16

struct fake_fence {
	struct vcpu *from;
	unsigned long targets; /* bitmap of vCPU ids */
	enum fence_kind kind;
	unsigned long start, size, asid;
};

struct fake_request {
	struct vcpu *to;
	unsigned long bits; /* VCPU_REQ_* */
};

struct fake_core {
	/* vcpu_set_timer */
	unsigned int set_timer_calls;
	uint64_t timer_deadline;
	/* vm_console_write: everything written, in order */
	char console_out[256];
	unsigned int console_len;
	/* vm_console_getc: bytes to hand out, then -1 */
	const char *console_in;
	unsigned int getc_calls;
	/* vcpu_send_ipi */
	unsigned int ipis;
	struct vcpu *ipi_from[FAKE_MAX_CALLS], *ipi_to[FAKE_MAX_CALLS];
	/* vcpu_remote_fence: one call per SBI call, with the whole bitmap */
	unsigned int fences;
	struct fake_fence fence[FAKE_MAX_CALLS];
	/* vcpu_post_request */
	unsigned int requests;
	struct fake_request request[FAKE_MAX_CALLS];
	/* hart_kick: sets h->work like the real one */
	unsigned int kicks;
	struct hart *kicked[FAKE_MAX_CALLS];
	/* vcpu_clear_irq */
	unsigned int clear_irq_calls;
	unsigned int cleared_irq;
	/* vm_stop: state STOPPED, and every vCPU's hart gets work (as the
	 * real one kicks them all); the VM, reason and message it was given */
	unsigned int stops;
	struct vm *stopped_vm;
	enum vm_stop_reason stop_reason;
	char stop_msg[96];
	/* vm_reboot: every vCPU's hart gets work, the VM stays RUNNING; it
	 * returns reboot_result (VM_RESTART_STARTED unless a test sets it) */
	unsigned int reboots;
	struct vm *rebooted_vm;
	int reboot_result;
	/* trace_exit_print */
	unsigned int traces;
	char trace_line[256];
	/* prof_start / prof_stop / prof_mark / prof_dump */
	unsigned int prof_starts, prof_marks, prof_dumps;
	unsigned long prof_hz, prof_mark_value;
	bool prof_callchain, prof_on;
	/* vcpu_delegation_update: calls, and vcpu_delegation_of() then */
	unsigned int delegation_updates;
	unsigned long delegated;
	/* vcpu_henvcfg_update: calls, and the vCPU's henvcfg then */
	unsigned int henvcfg_updates;
	unsigned long henvcfg;
};

extern struct fake_core fake;
/* the last line kprintf was given */
extern char fake_kprintf_line[256];
/* the SBI exit slots' names, as sbi_name_exit_slots() gave them */
extern const char *fake_exit_slot_names[EXIT_SBI_SLOTS];
/* The one physical hart every vCPU of a test lives on. */
extern struct hart fake_hart;
/*
 * Guest memory behind arch_guest_load_u64: a guest with paging off, so a
 * virtual address is its guest physical address in this VM's RAM.
 */
extern struct vm *fake_guest_vm;
/* The linker's bounds of Keel's image, as sbi_keel.c sees them */
extern char _image_start[], _image_end[];

/* Clears the record and fake_hart (work = 0). */
void fake_reset(void);

/*
 * The guest executes ecall at pc with a7 = eid, a6 = fid, a0-a5 = args:
 * the registers are set and sbi_dispatch() runs, as trap.S would call it.
 * Returns the context sbi_dispatch() chose to run next: &v->ctx, or
 * &v->ctx | 2 when the hart has work (trap.S then enters the scheduler).
 */
struct vcpu_context *fake_ecall(struct vcpu *v, unsigned long pc, unsigned long eid,
				unsigned long fid, const unsigned long args[6]);

#endif
