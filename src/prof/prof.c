/*
 * The sampling profiler and the exit statistics (include/prof.h,
 * docs/profiling.md). Each hart samples itself from its own host timer
 * and writes only its own buffer, so the hot path takes no lock.
 */
#include <stddef.h>
#include <stdio.h>

#include "arch/riscv/arch.h"
#include "lib/console.h"
#include "hart.h"
#include "mm/mem.h"
#include "platform/platform.h"
#include "prof.h"
#include "sbi_defs.h"
#include "vcpu/vcpu_request.h"
#include "vm.h"
#include "vcpu/timer.h"


static uint64_t prof_period;     /* timebase ticks between samples */
static unsigned int prof_hz;
static bool prof_callchain;
/* Each hart's prof_gap() generator, never 0: only the profiler's business */
static uint64_t gap_state[KEEL_MAX_HARTS];
static struct spinlock prof_lock = SPINLOCK_INIT(LOCK_PROFILER); /* start, stop, dump */


int prof_init(char *err, unsigned long errlen)
{
	uint64_t bytes = PROF_BUFFER_SAMPLES * sizeof(struct prof_sample);
	int r = 0;

	for (unsigned int i = 0; i < nr_harts; i++) {
		struct prof_buffer *b = &harts[i].prof;

		b->samples = page_alloc((bytes + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1),
					PAGE_SIZE);
		b->capacity = b->samples ? PROF_BUFFER_SAMPLES : 0;
		b->next = UINT64_MAX;
		if (!b->samples && !r) {
			snprintf(err, errlen, "profiler: no memory for hart %lu's samples (%llu KiB): "
					      "profiling cannot start", harts[i].hartid,
				 (unsigned long long)(bytes >> 10));
			r = -1;
		}
	}
	return r;
}

/* Every hart Keel runs on has its buffer: a profile would miss none */
static bool buffers_ready(void)
{
	for (unsigned int i = 0; i < nr_harts; i++)
		if (!harts[i].prof.capacity)
			return false;
	return true;
}

#define HZ_DIGITS(n) #n
#define HZ_TEXT(n) HZ_DIGITS(n)

const char *prof_start_problem(long err)
{
	switch (err) {
	case SBI_ERR_INVALID_PARAM:
		return "the rate is outside " HZ_TEXT(PROF_HZ_MIN) ".." HZ_TEXT(PROF_HZ_MAX)
		       " samples per second";
	case SBI_ERR_ALREADY_STARTED:
		return "a profile runs already";
	case SBI_ERR_FAILED:
		return "no memory for the sample buffers (see the boot)";
	default:
		return "unexpected";
	}
}

bool prof_running(void)
{
	return __atomic_load_n(&prof_on, __ATOMIC_ACQUIRE);
}

unsigned int prof_rate(void)
{
	return prof_hz;
}

bool prof_with_callchain(void)
{
	return prof_callchain;
}

/* A hart samples while a profile runs and its exits are stamped */
static bool sampling(const struct hart *h)
{
	return h->prof.stamping && __atomic_load_n(&prof_on, __ATOMIC_RELAXED);
}

void prof_hart_sync(struct hart *h)
{
	bool on = __atomic_load_n(&prof_on, __ATOMIC_ACQUIRE);

	if (on != h->prof.stamping) {
		arch_set_trap_profiled(on);
		h->prof.stamping = on;
	}
}

/*
 * The next sample's time, a random gap on. Out of line: the scheduler's
 * every pass asks take_due(), and the calls to prof_gap() inlined there
 * cost each pass registers saved and restored, profile or not
 * (vcpu_switch +21 instructions).
 */
static __attribute__((noinline)) void move_next(struct hart *h, uint64_t now)
{
	h->prof.next += prof_gap(&gap_state[h->index], prof_period);
	/* a hart that was busy for several periods takes one sample, not a burst */
	if (h->prof.next <= now)
		h->prof.next = now + prof_gap(&gap_state[h->index], prof_period);
}

/* Is a sample due on this hart? Then move the next one on. */
static bool take_due(struct hart *h, uint64_t now)
{
	if (!sampling(h) || now < h->prof.next)
		return false;
	move_next(h, now);
	return true;
}

/* How far above sp a frame pointer may be: 64 KiB covers any one stack. */
#define PROF_STACK_WINDOW 0x10000

/*
 * The guest's call chain through its frame pointers (GCC's RISC-V layout:
 * s0 is the frame's top, the return address at s0 - 8, the caller's s0 at
 * s0 - 16), read with the guest's own translation and privilege. A bad
 * pointer ends the chain; it cannot fault Keel (arch_guest_load_u64).
 */
static bool looks_like_stack(uint64_t addr, uint64_t sp)
{
	return !(addr & 7) && addr > sp && addr - sp <= PROF_STACK_WINDOW;
}

static unsigned int walk_chain(const struct vcpu *v, uint64_t *chain)
{
	uint64_t fp = v->ctx.x[8], sp = v->ctx.x[2];
	unsigned int depth = 0;
	uint64_t first;

	if (!fp || (fp & 7))
		return 0;
	/*
	 * A leaf function saves no ra: just above its frame pointer sits the
	 * caller's s0 (a stack address) where a return address would be. Its
	 * caller is then in ra itself, and the walk goes on from that frame.
	 */
	if (!arch_guest_load_u64(fp - 8, &first) && looks_like_stack(first, sp) &&
	    !(v->ctx.x[1] & 1) && v->ctx.x[1]) {
		chain[depth++] = v->ctx.x[1];
		fp = first;
	}
	while (depth < PROF_CHAIN_MAX && fp && !(fp & 7)) {
		uint64_t ra, prev;

		/* instructions are 2-byte aligned: anything else is no return address */
		if (arch_guest_load_u64(fp - 8, &ra) || arch_guest_load_u64(fp - 16, &prev) || !ra ||
		    (ra & 1))
			break;
		chain[depth++] = ra;
		/* frames go up the stack: anything else is not a frame chain */
		if (prev <= fp)
			break;
		fp = prev;
	}
	return depth;
}

static void sample_guest(struct hart *h, struct vcpu *v, unsigned long hstatus, uint64_t now)
{
	struct prof_sample s = {
		.time = now,
		.pc = v->ctx.sepc,
		.kind = PROF_GUEST,
		.detail = (hstatus & HSTATUS_SPVP) ? 1 : 0,
		.vm = (uint8_t)v->vm->id,
		.vcpu = (uint16_t)v->id,
	};

	if (prof_callchain)
		s.depth = (uint8_t)walk_chain(v, s.chain);
	prof_buffer_push(&h->prof, &s);
}

void prof_tick_guest(struct hart *h, struct vcpu *v, unsigned long hstatus)
{
	uint64_t now = arch_time_now();

	if (take_due(h, now))
		sample_guest(h, v, hstatus, now);
}

void prof_tick_exit(struct vcpu *v, enum prof_part part, uintptr_t pc)
{
	struct hart *h = v->hart;
	uint64_t now = arch_time_now();
	bool guests = h->prof.next <= v->ctx.entry_time;

	if (!take_due(h, now))
		return;
	if (guests) {
		sample_guest(h, v, arch_guest_hstatus(), now);
	} else {
		struct prof_sample s = { .time = now, .pc = pc, .kind = PROF_HOST, .detail = part };
		prof_buffer_push(&h->prof, &s);
	}
	/* the timer interrupt for this sample is pending: move it on */
	hart_timer_update(h);
}

void prof_exit_measured(struct vcpu *v, unsigned int slot, enum prof_part part, uintptr_t pc)
{
	struct exit_cost *e = &v->exit_cost[slot];

	e->measured++;
	e->instret += arch_read_instret() - v->ctx.entry_instret;
	e->cycles += arch_read_cycle() - v->ctx.entry_cycle;
	if (arch_time_now() >= v->hart->prof.next)
		prof_tick_exit(v, part, pc);
}

void prof_tick_host(struct hart *h, enum prof_part part, uintptr_t pc)
{
	uint64_t now = arch_time_now();
	struct prof_sample s;

	if (!take_due(h, now))
		return;
	s = (struct prof_sample){ .time = now, .pc = pc, .kind = PROF_HOST, .detail = part };
	prof_buffer_push(&h->prof, &s);
	/* the timer interrupt for this sample is pending: move it on */
	hart_timer_update(h);
}

void prof_mark(struct vcpu *v, unsigned long value)
{
	struct prof_sample s = {
		.time = arch_time_now(),
		.pc = value,
		.kind = PROF_MARK,
		.vm = (uint8_t)v->vm->id,
		.vcpu = (uint16_t)v->id,
	};

	if (prof_running())
		prof_buffer_push(&v->hart->prof, &s);
}

long prof_start(unsigned long hz, bool callchain)
{
	uint64_t now = arch_time_now();

	if (!hz)
		hz = PROF_HZ_DEFAULT;
	if (hz < PROF_HZ_MIN || hz > PROF_HZ_MAX)
		return SBI_ERR_INVALID_PARAM;
	spin_lock(&prof_lock);
	if (prof_on || !buffers_ready()) {
		spin_unlock(&prof_lock);
		return prof_on ? SBI_ERR_ALREADY_STARTED : SBI_ERR_FAILED;
	}
	prof_hz = (unsigned int)hz;
	prof_period = platform.timebase_freq / hz;
	prof_callchain = callchain;
	for (unsigned int i = 0; i < nr_harts; i++) {
		harts[i].prof.len = 0;
		harts[i].prof.drops = 0;
		/* each hart its own sequence (the constant: 2^64 / golden ratio) */
		gap_state[i] = (now + i + 1) * 0x9e3779b97f4a7c15ULL;
		harts[i].prof.next = now + prof_gap(&gap_state[i], prof_period);
	}
	__atomic_store_n(&prof_on, 1, __ATOMIC_RELEASE);
	spin_unlock(&prof_lock);
	pr_info("profiling: %lu samples/s per hart%s\n", hz, callchain ? ", guest call chains" : "");
	/* every hart reprograms its timer on its next pass through the scheduler */
	for (unsigned int i = 0; i < nr_harts; i++)
		hart_kick(&harts[i]);
	return SBI_SUCCESS;
}

void prof_stop(void)
{
	__atomic_store_n(&prof_on, 0, __ATOMIC_RELEASE);
	/* back to the plain trap entry on each hart's next scheduler pass */
	for (unsigned int i = 0; i < nr_harts; i++)
		hart_kick(&harts[i]);
}
