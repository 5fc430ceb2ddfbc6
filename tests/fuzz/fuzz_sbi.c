/*
 * Fuzz target: the SBI guests call, end to end through sbi_dispatch() with
 * every extension, linked exactly as tests/unit's test_sbi (the real
 * dispatcher, extensions, vm_mem.c and pmu*.c; tests/unit/fake_core.c for
 * the vCPU/VM functions they call). Every register of an ecall is the
 * guest's to choose, so no sequence of calls may hurt Keel or break the
 * VM's state.
 *
 * The input: one byte for the number of vCPUs (1..8, bits 2:0), TRACE=1
 * (bit 3), the VM's profiler-control (bit 4) and Svadu for its guests (bit
 * 5: FWFT PTE_AD_HW_UPDATING offered), then operations
 * until it runs out, each an opcode byte and its operands:
 *
 *   ecall      caller, eid, fid, a0..a5 (each a kind byte, sometimes a
 *              value: 0, small, -1, addresses in/around/past guest RAM,
 *              the UART, near wrapping, event indexes, hart masks...)
 *   start      the home harts take the posted hart_start requests
 *   wake       an interrupt wakes every suspended vCPU
 *   store      the guest writes 8 bytes of its RAM
 *   tick       the raw cycle/instret counters move on
 *
 * The VM has a small RAM in a heap block of exactly its size, so ASan
 * catches any access past it. After every call:
 *   - a returning call's a0 is an error code of the SBI specification (or,
 *     for legacy getchar, a character), and a2..a7 and every other
 *     register are the guest's still; a call that does not return stopped
 *     or suspended the caller, or stopped or rebooted the VM;
 *   - guest RAM changed only where the call was allowed to write (DBCN
 *     console_read's buffer, the PMU snapshot area on counter_stop,
 *     event_get_info's entries), and no other vCPU's registers changed;
 *   - every vCPU's HSM state is a valid one matching its run state, a
 *     running VM has a vCPU that is not STOPPED, HSM get_status tells the
 *     truth, the PMU's configured counters and snapshot area are valid;
 *   - Keel's test hooks (KEEL fids 0 and 5) are refused: test_hooks is
 *     off; its profiler calls are refused and reach nothing unless the
 *     VM has profiler-control;
 *   - FWFT: a failed call changes no vCPU's features (and returns value
 *     0); a set sets exactly the low 32 bits' feature, with the lock its
 *     flags say; get answers the value; every value is 0 or 1, PTE A/D
 *     updating only on a VM with Svadu and mirrored in henvcfg.ADUE; each
 *     vCPU's delegation is what vcpu_delegation_of() says of its trace,
 *     PMU counters and MISALIGNED_EXC_DELEG, after every call.
 */
#include <string.h>

#include "arch/riscv/arch.h"
#include "fake_core.h"
#include "fake_pmu_arch.h"
#include "fuzz_check.h"
#include "pmu/host_pmu.h"
#include "sbi/sbi.h"
#include "vcpu/vcpu_request.h"

#define RAM_BASE VM_RAM_BASE
#define RAM_SIZE 0x4000UL /* four pages: room for the PMU snapshot area */
#define PC 0x80001000UL
#define REG_PATTERN 0x6b6b6b6b00000000UL /* | register number */

static struct vm vm;
static const struct vm_config cfg = { .name = "fuzz" };
static uint8_t *ram;               /* the guest's RAM: exactly RAM_SIZE bytes */
static uint8_t shadow[RAM_SIZE];   /* what it held after the last check */

static const unsigned long eids[] = {
	SBI_EXT_0_1_SET_TIMER, SBI_EXT_0_1_CONSOLE_PUTCHAR, SBI_EXT_0_1_CONSOLE_GETCHAR,
	SBI_EXT_0_1_CLEAR_IPI, SBI_EXT_0_1_SEND_IPI, SBI_EXT_0_1_REMOTE_FENCE_I,
	SBI_EXT_0_1_REMOTE_SFENCE_VMA, SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID, SBI_EXT_0_1_SHUTDOWN,
	SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI, SBI_EXT_RFENCE, SBI_EXT_HSM, SBI_EXT_SRST,
	SBI_EXT_PMU, SBI_EXT_DBCN, SBI_EXT_KEEL, SBI_EXT_SUSP, SBI_EXT_STA, SBI_EXT_FWFT,
	SBI_EXT_CPPC,
	SBI_EXT_FIRMWARE_START, SBI_EXT_FIRMWARE_END, 0x9, 0x11,
};
#define NR_EIDS (sizeof(eids) / sizeof(eids[0]))

static const struct sbi_extension *const extensions[] = {
	&sbi_ext_base, &sbi_ext_legacy, &sbi_ext_time, &sbi_ext_ipi, &sbi_ext_rfence,
	&sbi_ext_hsm,  &sbi_ext_srst,   &sbi_ext_dbcn, &sbi_ext_pmu, &sbi_ext_keel,
	&sbi_ext_susp, &sbi_ext_sta, &sbi_ext_fwft,
};

/* A freshly booted VM: vCPU 0 running, the others STOPPED, RAM zero. */
static void boot(unsigned int nr, bool trace, bool profiler_control, bool svadu)
{
	memset(&vm, 0, sizeof(vm));
	memset(ram, 0, RAM_SIZE);
	memset(shadow, 0, RAM_SIZE);
	vm.ram_base = RAM_BASE;
	vm.ram_size = RAM_SIZE;
	vm.ram = ram;
	vm.nr_vcpus = nr;
	vm.state = VM_RUNNING;
	vm.profiler_control = profiler_control; /* test_hooks stays off */
	vm.cfg = &cfg; /* SUSP names the VM when it suspends */
	vm.guest_svadu = svadu;
	for (unsigned int i = 0; i < nr; i++) {
		struct vcpu *v = &vm.vcpus[i];

		v->vm = &vm;
		v->id = i;
		v->hart = &fake_hart;
		v->trace = trace; /* TRACE=1: the dispatcher prints every call */
		v->hsm_state = i ? SBI_HSM_STATE_STOPPED : SBI_HSM_STATE_STARTED;
		v->run_state = i ? VCPU_OFF : VCPU_RUNNABLE;
		for (unsigned int r = 1; r < 32; r++)
			v->ctx.x[r] = REG_PATTERN | r;
		v->ctx.sepc = PC;
		v->csrs.delegated = vcpu_delegation_of(v); /* as vcpu_entry_state() */
	}
}

/* One argument register: its kind byte says what sort of value. */
static unsigned long arg(struct fuzz_input *in)
{
	uint8_t k = fuzz_u8(in);
	unsigned long n = k & 0xf;

	switch (k >> 4) {
	case 0: return 0;
	case 1: return n;
	case 2: return ~0UL;
	case 3: return RAM_BASE + (fuzz_bytes(in, 2) & (2 * RAM_SIZE - 1)); /* in RAM, or past */
	case 4: return RAM_BASE + n * 0x1000;                 /* pages, some past the end */
	case 5: return RAM_BASE + RAM_SIZE - n;               /* the last bytes */
	case 6: return RAM_BASE + RAM_SIZE + n;               /* just past */
	case 7: return RAM_BASE - 1 - n;                      /* just below */
	case 8: return 1UL << (n + 28);
	case 9: return fuzz_u64(in);
	case 10: return fuzz_u32(in);
	case 11: return SBI_PMU_EVENT_IDX(n >> 2 == 3 ? SBI_PMU_EVENT_TYPE_FW : n >> 2,
					  fuzz_u8(in));       /* an event index */
	case 12: return fuzz_u8(in);                          /* a hart mask */
	case 13: return VM_UART_BASE + n;
	case 14: return ~0UL - n * 0x1000;                    /* near wrapping */
	default: return (n & 8 ? 0xF0000000UL : 0x80000000UL) | (n & 7); /* types, reasons */
	}
}

static bool is_sbi_error(long e)
{
	return e <= SBI_SUCCESS && e >= SBI_ERR_DENIED_LOCKED;
}

/* Guest RAM [start, start + len) from the host's point of view, or false. */
static bool in_window(uint64_t gpa, uint64_t start, uint64_t len)
{
	return gpa >= start && gpa - start < len;
}

/*
 * Where this call may write guest RAM: DBCN console_read into its buffer,
 * PMU counter_stop into the snapshot area, event_get_info into its entries.
 */
static void write_window(const struct vcpu *v, unsigned long eid, unsigned long fid,
			 const unsigned long a[6], uint64_t *start, uint64_t *len)
{
	*start = 0;
	*len = 0;
	if (eid == SBI_EXT_DBCN && fid == SBI_EXT_DBCN_CONSOLE_READ) {
		*start = a[1];
		*len = a[0];
	} else if (eid == SBI_EXT_PMU && fid == SBI_EXT_PMU_COUNTER_STOP && v->pmu.snapshot_set) {
		*start = v->pmu.snapshot_gpa;
		*len = SBI_PMU_SNAPSHOT_SIZE;
	} else if (eid == SBI_EXT_STA && fid == SBI_EXT_STA_STEAL_TIME_SET_SHMEM) {
		*start = a[0]; /* zeroed when it is set */
		*len = SBI_STA_SHMEM_SIZE;
	} else if (eid == SBI_EXT_PMU && fid == SBI_EXT_PMU_EVENT_GET_INFO) {
		*start = a[0];
		*len = (a[2] < RAM_SIZE ? a[2] : RAM_SIZE) * 16;
	}
}

static void check_ram(uint64_t start, uint64_t len)
{
	/* memcmp first: the byte loop is instrumented, and most calls write nothing */
	if (!memcmp(ram, shadow, RAM_SIZE))
		return;
	for (unsigned long off = 0; off < RAM_SIZE; off++)
		if (ram[off] != shadow[off])
			FUZZ_CHECK(in_window(RAM_BASE + off, start, len));
	memcpy(shadow, ram, RAM_SIZE);
}

static void check_state(void)
{
	unsigned int not_stopped = 0, hpm_held = 0;

	for (unsigned int i = 0; i < vm.nr_vcpus; i++) {
		const struct vcpu *v = &vm.vcpus[i];
		bool ok_ext = !v->sbi_last;

		for (unsigned int e = 0; e < sizeof(extensions) / sizeof(extensions[0]); e++)
			ok_ext |= v->sbi_last == extensions[e];
		FUZZ_CHECK(ok_ext);
		switch (v->hsm_state) {
		case SBI_HSM_STATE_STARTED:
			FUZZ_CHECK(v->run_state == VCPU_RUNNABLE);
			break;
		case SBI_HSM_STATE_STOPPED:
		case SBI_HSM_STATE_START_PENDING:
			FUZZ_CHECK(v->run_state == VCPU_OFF);
			break;
		case SBI_HSM_STATE_SUSPENDED:
			FUZZ_CHECK(v->run_state == VCPU_BLOCKED);
			break;
		default:
			FUZZ_CHECK(!"an HSM state Keel never gives");
		}
		not_stopped += v->hsm_state != SBI_HSM_STATE_STOPPED;
		/* a start or a non-retentive resume goes to RAM */
		if (v->hsm_state == SBI_HSM_STATE_START_PENDING || v->resume_fresh)
			FUZZ_CHECK(vm_gpa_to_hva(&vm, v->resume_addr, 4));
		/* configured counters: 0, 2, the firmware and host-backed ones; never time */
		FUZZ_CHECK(!(v->pmu.in_use & ~((1UL << pmu_num_counters(&host_pmu)) - 1)));
		hpm_held += __builtin_popcountll(v->pmu.in_use >> PMU_HPM_BASE);
		FUZZ_CHECK(!(v->pmu.in_use & (1UL << PMU_CTR_TIME)));
		if (v->pmu.snapshot_set) {
			FUZZ_CHECK(!(v->pmu.snapshot_gpa & (SBI_PMU_SNAPSHOT_SIZE - 1)));
			FUZZ_CHECK(vm_gpa_to_hva(&vm, v->pmu.snapshot_gpa, SBI_PMU_SNAPSHOT_SIZE));
		}
		/* FWFT: 0 or 1; PTE A/D updating only with Svadu, and in henvcfg */
		for (unsigned int f = 0; f < FWFT_SLOTS; f++)
			FUZZ_CHECK(v->fwft.f[f].value <= 1);
		if (!vm.guest_svadu)
			FUZZ_CHECK(!v->fwft.f[FWFT_SLOT_PTE_AD_HW_UPDATING].value &&
				   !v->fwft.f[FWFT_SLOT_PTE_AD_HW_UPDATING].locked);
		FUZZ_CHECK(!!(v->csrs.henvcfg & ENVCFG_ADUE) ==
			   v->fwft.f[FWFT_SLOT_PTE_AD_HW_UPDATING].value);
		/* the delegation follows trace, counters and FWFT at once */
		FUZZ_CHECK(v->csrs.delegated == vcpu_delegation_of(v));
	}
	/*
	 * every host counter claimed is held by exactly one host-backed
	 * counter until it is given back, and none is given back twice
	 */
	FUZZ_CHECK(fake_pmu.releases < 1000);
	FUZZ_CHECK(fake_pmu.claims - fake_pmu.releases == hpm_held);
	/* the last vCPU to stop takes its VM down with it */
	if (vm.state == VM_RUNNING)
		FUZZ_CHECK(not_stopped > 0);
}

/*
 * An FWFT call that returned: what it did to the caller's features, and
 * that it did nothing to any other vCPU's, nor anything when it failed.
 */
static void check_fwft(const struct vcpu *v, unsigned long fid, const unsigned long a[6],
		       long err, const struct vcpu_fwft *before)
{
	uint32_t feature = (uint32_t)a[0];
	unsigned int slot = feature == SBI_FWFT_MISALIGNED_EXC_DELEG ? FWFT_SLOT_MISALIGNED_EXC_DELEG
		: feature == SBI_FWFT_PTE_AD_HW_UPDATING ? FWFT_SLOT_PTE_AD_HW_UPDATING
							 : FWFT_SLOTS;

	for (unsigned int i = 0; i < vm.nr_vcpus; i++)
		if (&vm.vcpus[i] != v || err || fid != SBI_EXT_FWFT_SET)
			FUZZ_CHECK(!memcmp(&before[i], &vm.vcpus[i].fwft, sizeof(before[i])));
	if (err) {
		FUZZ_CHECK(v->ctx.x[11] == 0);
		return;
	}
	/* success: one of the features Keel offers, on this VM */
	FUZZ_CHECK(slot < FWFT_SLOTS);
	FUZZ_CHECK(slot != FWFT_SLOT_PTE_AD_HW_UPDATING || vm.guest_svadu);
	if (slot >= FWFT_SLOTS)
		return;
	if (fid == SBI_EXT_FWFT_SET) {
		for (unsigned int s = 0; s < FWFT_SLOTS; s++)
			if (s != slot)
				FUZZ_CHECK(!memcmp(&before[v->id].f[s], &v->fwft.f[s],
						   sizeof(v->fwft.f[s])));
		FUZZ_CHECK(!before[v->id].f[slot].locked);
		FUZZ_CHECK(v->fwft.f[slot].value == a[1]);
		FUZZ_CHECK(v->fwft.f[slot].locked == (a[2] == SBI_FWFT_SET_FLAG_LOCK));
		FUZZ_CHECK(a[2] <= SBI_FWFT_SET_FLAG_LOCK);
		FUZZ_CHECK(v->ctx.x[11] == 0);
	} else {
		FUZZ_CHECK(fid == SBI_EXT_FWFT_GET);
		FUZZ_CHECK(v->ctx.x[11] == v->fwft.f[slot].value);
	}
}

/* The running vCPU the caller byte names, or the next one; NULL if none. */
static struct vcpu *caller(uint8_t pick)
{
	for (unsigned int i = 0; i < vm.nr_vcpus; i++) {
		struct vcpu *v = &vm.vcpus[(pick + i) % vm.nr_vcpus];

		if (v->hsm_state == SBI_HSM_STATE_STARTED)
			return v;
	}
	return NULL;
}

static void ecall(struct fuzz_input *in)
{
	static struct vcpu_context others[KEEL_MAX_VCPUS];
	struct vcpu *v = caller(fuzz_u8(in));
	uint8_t e = fuzz_u8(in), f = fuzz_u8(in);
	unsigned long eid = e < 0xe0 ? eids[e % NR_EIDS] : fuzz_u64(in);
	unsigned long fid = f < 0xf0 ? f & 0xf : fuzz_u64(in);
	unsigned long a[6], reboots = fake.reboots, traces = fake.traces, win_start, win_len;
	unsigned int prof_starts = fake.prof_starts, prof_marks = fake.prof_marks,
		     prof_dumps = fake.prof_dumps;
	struct vcpu_context *next;
	struct vcpu_fwft fwft_before[KEEL_MAX_VCPUS];

	for (int i = 0; i < 6; i++)
		a[i] = arg(in);
	if (!v)
		return;
	for (unsigned int i = 0; i < vm.nr_vcpus; i++)
		fwft_before[i] = vm.vcpus[i].fwft;
	for (unsigned int i = 0; i < vm.nr_vcpus; i++)
		others[i] = vm.vcpus[i].ctx;
	write_window(v, eid, fid, a, &win_start, &win_len);

	next = fake_ecall(v, PC, eid, fid, a);
#ifdef FUZZ_TRACE
	/* -DFUZZ_TRACE: what an input does, to read a crash or a seed */
	fprintf(stderr, "vcpu%u eid 0x%lx fid %lu (0x%lx 0x%lx 0x%lx 0x%lx) -> %s %ld 0x%lx\n",
		v->id, eid, fid, a[0], a[1], a[2], a[3],
		v->ctx.sepc == PC + 4 ? "error" : "no return", (long)v->ctx.x[10], v->ctx.x[11]);
#endif

	/* TRACE=1: one line per call, whatever became of it */
	FUZZ_CHECK(fake.traces == traces + v->trace);
	FUZZ_CHECK(next == &v->ctx ||
		   next == (struct vcpu_context *)((unsigned long)&v->ctx | 2));
	/* what an SBI call leaves alone: every register but a0/a1 */
	for (unsigned int r = 1; r < 32; r++)
		if (r < 10 || r > 17)
			FUZZ_CHECK(v->ctx.x[r] == (REG_PATTERN | r));
	for (unsigned int r = 12; r < 16; r++)
		FUZZ_CHECK(v->ctx.x[r] == a[r - 10]);
	FUZZ_CHECK(v->ctx.x[16] == fid && v->ctx.x[17] == eid);
	if (v->ctx.sepc == PC + 4) {
		long err = (long)v->ctx.x[10];

		if (eid == SBI_EXT_0_1_CONSOLE_GETCHAR)
			FUZZ_CHECK(err == -1 || (err >= 0 && err <= 255));
		else
			FUZZ_CHECK(is_sbi_error(err));
		if (eid <= SBI_EXT_0_1_SHUTDOWN)
			FUZZ_CHECK(v->ctx.x[11] == a[1]); /* legacy calls keep a1 */
		if (eid == SBI_EXT_KEEL && (fid == SBI_EXT_KEEL_TEST_HYPERVISOR_FAULT ||
					    fid == SBI_EXT_KEEL_TEST_LAYOUT))
			FUZZ_CHECK(err == SBI_ERR_DENIED);
		/* the profiler only for a VM its config trusts with it */
		if (eid == SBI_EXT_KEEL && fid >= SBI_EXT_KEEL_PROF_START &&
		    fid <= SBI_EXT_KEEL_PROF_DUMP && !vm.profiler_control)
			FUZZ_CHECK(err == SBI_ERR_DENIED && fake.prof_starts == prof_starts &&
				   fake.prof_marks == prof_marks && fake.prof_dumps == prof_dumps);
		if (eid == SBI_EXT_HSM && fid == SBI_EXT_HSM_HART_GET_STATUS && !err)
			FUZZ_CHECK(v->ctx.x[11] ==
				   (unsigned long)vm.vcpus[a[0]].hsm_state);
		if (eid == SBI_EXT_PMU && err)
			FUZZ_CHECK(v->ctx.x[11] == 0); /* an error returns no value */
		if (eid == SBI_EXT_FWFT)
			check_fwft(v, fid, a, err, fwft_before);
		/* bounded work per exit: one chunk of the console at most */
		if (eid == SBI_EXT_DBCN && (fid == SBI_EXT_DBCN_CONSOLE_WRITE ||
					    fid == SBI_EXT_DBCN_CONSOLE_READ) && !err)
			FUZZ_CHECK(v->ctx.x[11] <= SBI_DBCN_CHUNK && v->ctx.x[11] <= a[0]);
	} else {
		/* no return: the caller left, or its VM stopped or rebooted */
		FUZZ_CHECK(v->ctx.sepc == PC);
		FUZZ_CHECK(v->ctx.x[10] == a[0] && v->ctx.x[11] == a[1]);
		FUZZ_CHECK(v->hsm_state != SBI_HSM_STATE_STARTED || vm.state == VM_STOPPED ||
			   fake.reboots != reboots);
	}
	for (unsigned int i = 0; i < vm.nr_vcpus; i++)
		if (&vm.vcpus[i] != v)
			FUZZ_CHECK(!memcmp(&others[i], &vm.vcpus[i].ctx, sizeof(others[i])));
	check_ram(win_start, win_len);
	check_state();
	v->ctx.sepc = PC;
	v->ctx.x[10] = REG_PATTERN | 10;
	v->ctx.x[11] = REG_PATTERN | 11;
	fake_hart.work = 0; /* the scheduler ran */
	if (fake.reboots != reboots) {
		unsigned int nr = vm.nr_vcpus;
		bool trace = v->trace;

		/* vm_reboot: the VM boots again from its image */
		fake.reboots = 0;
		boot(nr, trace, vm.profiler_control, vm.guest_svadu);
	}
}

/* The home harts take the hart_start requests (vcpu_take_requests). */
static void take_starts(void)
{
	for (unsigned int i = 0; i < vm.nr_vcpus; i++) {
		struct vcpu *v = &vm.vcpus[i];

		if ((v->requests & VCPU_REQ_START) && v->hsm_state == SBI_HSM_STATE_START_PENDING) {
			v->hsm_state = SBI_HSM_STATE_STARTED;
			v->run_state = VCPU_RUNNABLE;
		}
		v->requests = 0;
	}
}

/* An interrupt for every suspended vCPU: they resume. */
static void wake_all(void)
{
	for (unsigned int i = 0; i < vm.nr_vcpus; i++) {
		struct vcpu *v = &vm.vcpus[i];

		if (v->hsm_state == SBI_HSM_STATE_SUSPENDED) {
			v->hsm_state = SBI_HSM_STATE_STARTED;
			v->run_state = VCPU_RUNNABLE;
			v->resume_fresh = false;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char typed[] = "typed on the console\n";
	struct fuzz_input in = { data, size, 0 };
	uint8_t first;

	ram = malloc(RAM_SIZE);
	fake_reset();
	fake_pmu_reset();
	/* a host with 4 hpmcounters, 3 of them free, 48 bits, counting codes below 0x20 */
	host_pmu.nr_hpm = 4;
	host_pmu.hpm_width = 48;
	fake_pmu.hpm_free = 3;
	fake_pmu.hpm_events = 0x20;
	fake_pmu.hpm_width = 48;
	fake.console_in = typed;
	fake_guest_vm = &vm;
	host = (struct host_features){ .mvendorid = 0x5b7, .marchid = 0x8000000000000007UL,
				       .mimpid = 0x20181004 };
	first = fuzz_u8(&in);
	boot(1 + first % KEEL_MAX_VCPUS, first & 8, first & 16, first & 32);
	while (fuzz_more(&in) && vm.state != VM_STOPPED) {
		uint8_t op = fuzz_u8(&in);

		switch (op % 8) {
		case 5:
			take_starts();
			break;
		case 6:
			if (op & 8)
				wake_all();
			else
				fake_pmu.raw[(op >> 4) % 7] += fuzz_u32(&in); /* up to hpmcounter6 */
			break;
		case 7: {
			unsigned long off = fuzz_bytes(&in, 2) % (RAM_SIZE - 7);
			uint64_t value = fuzz_u64(&in);

			memcpy(ram + off, &value, sizeof(value));
			memcpy(shadow + off, &value, sizeof(value));
			break;
		}
		default:
			ecall(&in);
			break;
		}
		check_state();
	}
	free(ram);
	return 0;
}
