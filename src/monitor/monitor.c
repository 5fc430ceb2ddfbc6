/*
 * Keel's monitor shell (monitor.h): a line editor on the shared console
 * and the commands, which print what Keel knows about its VMs.
 */
#include <stdio.h>

#include "lib/console.h"
#include "hart.h"
#include "monitor/monitor.h"
#include "platform/platform.h"
#include "prof.h"
#include "sbi/sbi.h"
#include "sbi_defs.h"
#include "trap/trap.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"
#include "vm/vm_virtio.h"
#include "sched/power.h"
#include "vcpu/vcpu_load.h"
#include "vcpu/steal_record.h"

/*
 * Only the boot hart runs the monitor (vm_console_service, from its
 * scheduler loop, holding no lock), so its state needs no lock.
 */
static bool is_open;
static char line[MONITOR_LINE];
static unsigned int len;

static void prompt(void)
{
	console_write("keel> ", 6);
}

void monitor_set_open(bool open)
{
	if (open == is_open)
		return;
	is_open = open;
	len = 0;
	if (is_open) {
		kprintf("\n[keel] monitor: type help; Ctrl-A h or exit to leave "
			"(the VMs keep running)\n");
		prompt();
	} else {
		kprintf("\n[keel] monitor closed\n");
	}
}

static const char *vm_state_name(enum vm_state s)
{
	return s == VM_RUNNING ? "running" : s == VM_RESETTING ? "resetting" : "stopped";
}

static const char *hsm_name(int state)
{
	static const char *const names[] = { "started", "stopped", "start-pending",
					     "stop-pending", "suspended" };
	return state >= 0 && state < 5 ? names[state] : "?";
}

/* Running, but asleep in SBI SUSP's suspend to RAM? (a glance: it may be a moment old) */
static bool vm_suspended(const struct vm *vm)
{
	for (unsigned int k = 0; k < vm->nr_vcpus; k++)
		if (__atomic_load_n(&vm->vcpus[k].system_suspended, __ATOMIC_RELAXED))
			return true;
	return false;
}

static void cmd_vms(void)
{
	kprintf("  id  name              state      vcpus  RAM MiB  reboots\n");
	for (unsigned int i = 0; i < nr_vms; i++) {
		const struct vm *vm = &vms[i];
		enum vm_state state = __atomic_load_n(&vm->state, __ATOMIC_RELAXED);

		kprintf("  %2u  %-16s  %-9s  %5u  %7llu  %7lu\n", vm->id, vm->cfg->name,
			state == VM_RUNNING && vm_suspended(vm) ? "suspended"
								 : vm_state_name(state),
			vm->nr_vcpus,
			(unsigned long long)(vm->ram_size >> 20), vm->reboots);
	}
}

static uint64_t total_exits(const struct vcpu *v)
{
	uint64_t n = 0;

	for (unsigned int s = 0; s < EXIT_SLOTS; s++)
		n += v->exit_count[s];
	return n;
}

static void cmd_vcpus(void)
{
	kprintf("  vm/vcpu           hart  HSM            exits  steal us\n");
	for (unsigned int i = 0; i < nr_vms; i++) {
		for (unsigned int k = 0; k < vms[i].nr_vcpus; k++) {
			const struct vcpu *v = &vms[i].vcpus[k];
			char who[VM_NAME_MAX + 8];

			snprintf(who, sizeof(who), "%s/%u", vms[i].cfg->name, k);
			/* steal time (docs/smp.md): runnable while another ran */
			kprintf("  %-16s  %4lu  %-13s  %llu  %llu\n", who, v->hart->hartid,
				hsm_name(__atomic_load_n(&v->hsm_state, __ATOMIC_RELAXED)),
				(unsigned long long)total_exits(v),
				(unsigned long long)steal_ticks_to_ns(
					__atomic_load_n(&v->steal_ticks, __ATOMIC_RELAXED),
					platform.timebase_freq) / 1000);
		}
	}
}

static void cmd_stats(int only)
{
	for (unsigned int i = 0; i < nr_vms; i++) {
		if (only >= 0 && (unsigned int)only != i)
			continue;
		for (unsigned int k = 0; k < vms[i].nr_vcpus; k++) {
			const struct vcpu *v = &vms[i].vcpus[k];

			kprintf("  %s/vcpu%u: kind name                     count  instret/exit\n",
				vms[i].cfg->name, k);
			for (unsigned int s = 0; s < EXIT_SLOTS; s++) {
				const struct exit_cost *e = &v->exit_cost[s];
				const char *kind, *name;

				if (!v->exit_count[s])
					continue;
				exit_slot_name(s, &kind, &name);
				/* costs are measured only while a profile runs (prof.h) */
				if (e->measured)
					kprintf("    %-4s %-22s %10llu  %12llu\n", kind, name,
						(unsigned long long)v->exit_count[s],
						(unsigned long long)(e->instret / e->measured));
				else
					kprintf("    %-4s %-22s %10llu  %12s\n", kind, name,
						(unsigned long long)v->exit_count[s], "-");
			}
		}
	}
}

/*
 * vm wake: what a wake-up button would do for a VM suspended by SBI SUSP,
 * an IPI to its one running vCPU (its home hart raises VSSIP). It wakes
 * if the guest enabled software interrupts in its sie, as for any IPI.
 */
static void cmd_vm_wake(struct vm *vm)
{
	for (unsigned int k = 0; k < vm->nr_vcpus; k++) {
		struct vcpu *v = &vm->vcpus[k];

		if (__atomic_load_n(&v->system_suspended, __ATOMIC_RELAXED)) {
			vcpu_post_request(v, VCPU_REQ_IPI);
			kprintf("  VM '%s': an IPI to vCPU %u, which wakes it if it enabled "
				"software interrupts\n", vm->cfg->name, k);
			return;
		}
	}
	kprintf("  VM '%s' is not suspended (SBI SUSP): vm wake is for a suspended VM\n",
		vm->cfg->name);
}

static void pmu_line(const char *text)
{
	kprintf("  %s\n", text);
}

static void execute(char *text)
{
	const char *names[KEEL_MAX_VMS];
	struct monitor_parsed p;
	int vm = -1;
	long err;

	for (unsigned int i = 0; i < nr_vms; i++)
		names[i] = vms[i].cfg->name;
	monitor_parse(text, &p);
	if (p.vm) {
		vm = monitor_find_vm(p.vm, names, nr_vms);
		if (vm < 0) {
			kprintf("  no VM '%s': type vms\n", p.vm);
			return;
		}
	}
	switch (p.cmd) {
	case MON_EMPTY:
		break;
	case MON_HELP:
		kprintf("  help | vms | vcpus | stats [vm] | pmu <vm> | net | prof start [hz]|stop|dump\n"
			"  vm stop|start|reset|wake <vm> | exit | poweroff   (a VM: its number or name)\n");
		break;
	case MON_VMS:
		cmd_vms();
		break;
	case MON_VCPUS:
		cmd_vcpus();
		break;
	case MON_STATS:
		cmd_stats(vm);
		break;
	case MON_PMU:
		for (unsigned int k = 0; k < vms[vm].nr_vcpus; k++)
			if (!pmu_dump(&vms[vm].vcpus[k].pmu, names[vm], k, pmu_line))
				kprintf("  %s/vcpu%u: no firmware counter used\n", names[vm], k);
		break;
	case MON_NET:
		vm_net_report();
		break;
	case MON_PROF_START:
		err = prof_start(p.hz, true);
		if (err != SBI_SUCCESS)
			kprintf("  prof: not started: %s\n", prof_start_problem(err));
		break;
	case MON_PROF_STOP:
		prof_stop();
		kprintf("  prof: stopped (prof dump prints it)\n");
		break;
	case MON_PROF_DUMP:
		prof_dump();
		break;
	case MON_VM_STOP:
		/* every command answers: a VM that stopped by itself says so */
		if (__atomic_load_n(&vms[vm].state, __ATOMIC_RELAXED) == VM_STOPPED)
			kprintf("  VM '%s' is stopped already: vm start starts it\n", names[vm]);
		else
			vm_stop(&vms[vm], VM_STOP_SHUTDOWN, "stopped from Keel's monitor");
		break;
	case MON_VM_START:
	case MON_VM_RESET:
		switch (vm_restart(&vms[vm], p.cmd == MON_VM_START)) {
		case VM_RESTART_WRONG_STATE:
			kprintf("  VM '%s' is %s: %s\n", names[vm],
				vm_state_name(__atomic_load_n(&vms[vm].state, __ATOMIC_RELAXED)),
				p.cmd == MON_VM_START ? "vm start is for a stopped VM"
						      : "vm reset is for a running VM");
			break;
		case VM_RESTART_BUSY:
			kprintf("  VM '%s' is being restarted already: try again\n", names[vm]);
			break;
		default: /* started: this hart carries it out and says when it is done */
			break;
		}
		break;
	case MON_VM_WAKE:
		cmd_vm_wake(&vms[vm]);
		break;
	case MON_EXIT:
		is_open = false;
		kprintf("[keel] monitor closed\n");
		return;
	case MON_POWEROFF:
		keel_shutdown("from Keel's monitor"); /* does not return */
	case MON_BAD:
		kprintf("  %s\n", p.error);
		break;
	}
}

bool monitor_input(int c)
{
	if (!is_open)
		return false;
	if (c == '\r' || c == '\n') {
		console_write("\n", 1);
		line[len] = '\0';
		execute(line);
		len = 0;
		if (is_open)
			prompt();
	} else if (c == 0x7f || c == '\b') {
		if (len) {
			len--;
			console_write("\b \b", 3);
		}
	} else if (c >= ' ' && c < 0x7f && len < MONITOR_LINE - 1) {
		char ch = (char)c;

		line[len++] = ch;
		console_write(&ch, 1);
	}
	return is_open;
}
