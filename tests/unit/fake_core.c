/*
 * The fakes declared in fake_core.h: each one only records its call.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arch/riscv/arch.h"
#include "fake_core.h"
#include "sbi/sbi.h"
#include "vcpu/trace.h"
#include "vcpu/vcpu_request.h"
#include "vcpu/vcpu_fence.h"

struct fake_core fake;
struct hart fake_hart;
struct vm *fake_guest_vm;
/* vm.c's table and linker.ld's image bounds, for SBI KEEL test_layout */
struct vm vms[KEEL_MAX_VMS];
unsigned int nr_vms;
char _image_start[16], _image_end[1];

/* The fake VMs' RAM is host memory the tests fill themselves: nothing to zero */
void vm_ram_make_ready(struct vm *vm, uint64_t off, uint64_t len)
{
	(void)vm;
	(void)off;
	(void)len;
}

struct vcpu_context *fake_ecall(struct vcpu *v, unsigned long pc, unsigned long eid,
				unsigned long fid, const unsigned long args[6])
{
	unsigned long *x = v->ctx.x;

	x[17] = eid;
	x[16] = fid;
	for (int i = 0; i < 6; i++)
		x[10 + i] = args[i];
	v->ctx.sepc = pc;
	return sbi_dispatch(&v->ctx);
}

int arch_guest_load_u64(unsigned long gva, uint64_t *value)
{
	const void *p = fake_guest_vm ? vm_gpa_to_hva(fake_guest_vm, gva, sizeof(*value)) : NULL;

	if (!p)
		return -1;
	memcpy(value, p, sizeof(*value));
	return 0;
}
struct host_features host;

void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	memset(&fake_hart, 0, sizeof(fake_hart));
}

void vcpu_set_timer(struct vcpu *v, uint64_t deadline)
{
	(void)v;
	fake.set_timer_calls++;
	fake.timer_deadline = deadline;
}

/* As vcpu.c's: the fuzzer checks HSM states against run states */
void vcpu_go_off(struct vcpu *v)
{
	v->run_state = VCPU_OFF;
	v->timer_deadline = UINT64_MAX;
	v->timer_nudge = UINT64_MAX;
}

void vcpu_clear_irq(struct vcpu *v, unsigned int irq)
{
	(void)v;
	fake.clear_irq_calls++;
	fake.cleared_irq = irq;
}

void vm_console_write(struct vm *vm, const char *s, unsigned long len)
{
	(void)vm;
	for (unsigned long i = 0; i < len && fake.console_len < sizeof(fake.console_out); i++)
		fake.console_out[fake.console_len++] = s[i];
}

int vm_console_getc(struct vm *vm)
{
	(void)vm;
	fake.getc_calls++;
	if (!fake.console_in || !*fake.console_in)
		return -1;
	return (unsigned char)*fake.console_in++;
}

void vcpu_send_ipi(struct vcpu *from, struct vcpu *to)
{
	if (fake.ipis < FAKE_MAX_CALLS) {
		fake.ipi_from[fake.ipis] = from;
		fake.ipi_to[fake.ipis] = to;
	}
	fake.ipis++;
}

void vcpu_remote_fence(struct vcpu *from, unsigned long targets, enum fence_kind kind,
		       unsigned long start, unsigned long size, unsigned long asid)
{
	if (fake.fences < FAKE_MAX_CALLS)
		fake.fence[fake.fences] =
			(struct fake_fence){ from, targets, kind, start, size, asid };
	fake.fences++;
}

void hart_kick(struct hart *h)
{
	if (fake.kicks < FAKE_MAX_CALLS)
		fake.kicked[fake.kicks] = h;
	fake.kicks++;
	h->work = 1;
}

void vcpu_post_request(struct vcpu *v, unsigned long bits)
{
	if (fake.requests < FAKE_MAX_CALLS)
		fake.request[fake.requests] = (struct fake_request){ v, bits };
	fake.requests++;
	v->requests |= bits;
	/* the real one kicks the home hart; not counted as a hart_kick call */
	v->hart->work = 1;
}

/* What the real vm_stop and vm_reboot end with: kick every vCPU's hart. */
static void kick_all_vcpus(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].hart)
			vm->vcpus[i].hart->work = 1;
}

void vm_stop(struct vm *vm, enum vm_stop_reason why, const char *msg)
{
	fake.stops++;
	fake.stopped_vm = vm;
	fake.stop_reason = why;
	snprintf(fake.stop_msg, sizeof(fake.stop_msg), "%s", msg);
	vm->state = VM_STOPPED;
	kick_all_vcpus(vm);
}

int vm_reboot(struct vm *vm)
{
	fake.reboots++;
	fake.rebooted_vm = vm;
	kick_all_vcpus(vm);
	return fake.reboot_result;
}

void trace_exit_print(struct vcpu *v, const struct trap_info *t, const char *fmt, ...)
{
	va_list ap;

	(void)v;
	(void)t;
	fake.traces++;
	va_start(ap, fmt);
	vsnprintf(fake.trace_line, sizeof(fake.trace_line), fmt, ap);
	va_end(ap);
}

/* The profiler (src/prof/): the SBI KEEL extension's calls are recorded. */
unsigned int prof_on; /* exit_stats.h reads it on every exit */

void prof_tick_exit(struct vcpu *v, enum prof_part part, uintptr_t pc)
{
	(void)v;
	(void)part;
	(void)pc;
}

long prof_start(unsigned long hz, bool callchain)
{
	fake.prof_starts++;
	fake.prof_hz = hz;
	fake.prof_callchain = callchain;
	fake.prof_on = true;
	return SBI_SUCCESS;
}

void prof_stop(void)
{
	fake.prof_on = false;
}

bool prof_running(void)
{
	return fake.prof_on;
}

void prof_mark(struct vcpu *v, unsigned long value)
{
	(void)v;
	fake.prof_marks++;
	fake.prof_mark_value = value;
}

void prof_dump(void)
{
	fake.prof_dumps++;
	fake.prof_on = false;
}

/* The firmware counts nothing here: every stack in the unit tests redirects */
void fw_events_sync(struct vcpu *v)
{
	(void)v;
}

/* The real one (vcpu.c) also writes hedeleg when v is loaded: the CSR is not here */
void vcpu_delegation_update(struct vcpu *v)
{
	fake.delegation_updates++;
	v->csrs.delegated = vcpu_delegation_of(v);
	fake.delegated = v->csrs.delegated;
}

/* The real one (vcpu.c) writes henvcfg when v is loaded */
void vcpu_henvcfg_update(struct vcpu *v)
{
	fake.henvcfg_updates++;
	fake.henvcfg = v->csrs.henvcfg;
}

/* console.c's kprintf: SUSP says when a VM suspends; the last line is kept */
char fake_kprintf_line[256];

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(fake_kprintf_line, sizeof(fake_kprintf_line), fmt, ap);
	va_end(ap);
	return n;
}

/* prof_dump.c's slot names: sbi_name_exit_slots() gives them at boot; kept to be read */
const char *fake_exit_slot_names[EXIT_SBI_SLOTS];

void exit_slot_name_sbi(unsigned int sbi_slot, const char *name)
{
	if (sbi_slot < EXIT_SBI_SLOTS)
		fake_exit_slot_names[sbi_slot] = name;
}
