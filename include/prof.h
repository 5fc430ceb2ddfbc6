/*
 * The host/guest profiler (samples of what each hart runs, the guest pc
 * when a guest runs, as KVM's host/guest perf split does) and the exit statistics.
 *
 * Sampling: each hart takes hz samples a second from its host timer, the
 * gap between two drawn at random around 1/hz (prof_gap()).
 * If a guest was running, the sample records the guest pc (sepc), its mode
 * (hstatus.SPVP) and optionally its call chain; if Keel was, which part of
 * Keel and a Keel address. Keel runs with interrupts off, so a sample time
 * that falls inside an exit is noticed at the end of that exit and charged
 * to it. Samples go to a per-hart buffer that only its hart writes; a full
 * buffer counts drops and never overwrites. docs/profiling.md has the
 * whole story and the output format.
 */
#ifndef KEEL_PROF_H
#define KEEL_PROF_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_config.h"
#include "must_check.h"
#include "riscv.h"

#define PROF_CHAIN_MAX 8         /* guest return addresses per sample */
#define PROF_BUFFER_SAMPLES 8192 /* per hart */

/* What Keel was doing when a sample found it running (format: "part"). */
enum prof_part {
	PROF_IDLE,  /* the hart had nothing to run */
	PROF_SBI,   /* an SBI call */
	PROF_MMIO,  /* a guest page fault: device emulation or an injected fault */
	PROF_FAULT, /* a redirected exception */
	PROF_VINSN, /* a virtual instruction: wfi, counter reads */
	PROF_IRQ,   /* an interrupt taken while a guest ran */
	PROF_SCHED, /* the scheduler: requests, switching vCPUs */
	PROF_OTHER,
	PROF_PARTS
};

enum prof_kind { PROF_GUEST, PROF_HOST, PROF_MARK };

struct prof_sample {
	uint64_t time;
	uint64_t pc;       /* guest pc (sepc) or Keel address; mark: the value */
	uint8_t kind;      /* enum prof_kind */
	uint8_t detail;    /* guest: 1 = VS, 0 = VU; host: enum prof_part */
	uint8_t vm;
	uint8_t depth;     /* return addresses in chain[] */
	uint16_t vcpu;
	uint64_t chain[PROF_CHAIN_MAX];
};

/* A hart's samples: written by that hart only, read once profiling stopped. */
struct prof_buffer {
	struct prof_sample *samples;
	unsigned int capacity;
	unsigned int len; /* published with release after the sample is written */
	unsigned long drops;
	uint64_t next;    /* when the next sample is due */
	/* this hart's exits go through the profiled trap entry (prof_hart_sync) */
	bool stamping;
};

/* Append a sample; false (and one more drop) if the buffer is full. Pure. */
bool prof_buffer_push(struct prof_buffer *b, const struct prof_sample *s);
/*
 * One line of the format for a sample, into out (at least PROF_LINE_MAX
 * bytes): "@prof g ...\n" etc. Returns its length. Pure.
 */
#define PROF_LINE_MAX 320
unsigned int prof_format_sample(char *out, unsigned int hart, const struct prof_sample *s);
/* The format's name of a part ("idle", "sbi", ...). Pure. */
const char *prof_part_name(enum prof_part part);
/*
 * The time to a hart's next sample: uniform over period +- period / 2
 * (so 1/hz on average, never 0), drawn from *state (xorshift64; a state
 * of 0 is taken as 1). A fixed period would beat against a guest that
 * repeats itself in step with it (a loop of SBI calls under QEMU's
 * -icount, where time is the instruction count): the samples would fall
 * on the same few points of the loop for the whole profile, and which
 * points would depend on the exact code. Pure.
 */
uint64_t prof_gap(uint64_t *state, uint64_t period);

/* ---- exit statistics ---- */

/*
 * Every exit is counted (vcpu->exit_count); what it cost in instructions
 * and cycles is measured only while a profile runs, when trap.S stamps the
 * entry: measured says how many of the counted exits that covers.
 */
struct exit_cost {
	uint64_t measured, instret, cycles;
	uint64_t pad; /* 32 bytes: the slot's address is one shift away */
};

/* One slot per exit reason: exceptions, then interrupts, then SBI extensions. */
#define EXIT_SLOT_EXC(cause) (cause)
#define EXIT_SLOT_IRQ(irq) (EXC_COUNT + (irq))
#define EXIT_SLOT_SBI(ext) (EXC_COUNT + IRQ_COUNT + (ext))
#define EXIT_SBI_SLOTS 14 /* enum sbi_stat_slot in sbi.h, unknown EIDs included */
#define EXIT_SLOTS (EXC_COUNT + IRQ_COUNT + EXIT_SBI_SLOTS)

struct vcpu;
struct hart;
struct vm;

/*
 * Exits are counted by exit_count() (include/exit_stats.h) and, while a
 * profile runs, measured by prof_exit_measured()
 */

/* A slot's kind ("exc", "irq", "sbi") and name ("illegal_instruction", "TIME") */
/*
 * Name an SBI extension's exit slot (0..EXIT_SBI_SLOTS-1): the SBI layer
 * names its own at boot (sbi_name_exit_slots), so the profiler needs none of it.
 */
void exit_slot_name_sbi(unsigned int sbi_slot, const char *name);
void exit_slot_name(unsigned int slot, const char **kind, const char **name);

/* ---- sampling control (any hart) ---- */

/*
 * Start sampling on every hart at hz (0: the default). An SBI error code
 * (it answers SBI KEEL's call too): SBI_ERR_INVALID_PARAM for a rate
 * outside PROF_HZ_MIN..PROF_HZ_MAX, SBI_ERR_ALREADY_STARTED, or
 * SBI_ERR_FAILED when a hart has no sample buffer (prof_init).
 */
long prof_start(unsigned long hz, bool callchain) MUST_CHECK;
/* What prof_start()'s error means, for a message ("a profile runs already") */
const char *prof_start_problem(long err);
void prof_stop(void);
bool prof_running(void);
/* The settings of the current (or last) profile */
unsigned int prof_rate(void);
bool prof_with_callchain(void);
/* Print the samples collected since the last start, and the exit stats. */
void prof_dump(void);
/* A mark in the profile, from a guest vCPU. */
void prof_mark(struct vcpu *v, unsigned long value);

/* ---- hooks for the hart's timer and scheduler ---- */

/*
 * Set up the buffers once the harts are known (boot hart). 0, or -1 with a
 * message in err when a hart got none: Keel runs on without a profiler.
 */
int prof_init(char *err, unsigned long errlen) MUST_CHECK;
/* A sample due now on this hart: a guest running v, or Keel. */
void prof_tick_guest(struct hart *h, struct vcpu *v, unsigned long hstatus);
void prof_tick_host(struct hart *h, enum prof_part part, uintptr_t pc);
/*
 * At the end of an exit of v: a sample that fell due while Keel handled it
 * is Keel's (part, pc); one that fell due before the exit began, while the
 * guest ran, is the guest's, at the pc where it trapped. (The timer
 * interrupt for it may not have been delivered yet: QEMU raises it from
 * another thread, some microseconds late.)
 */
void prof_tick_exit(struct vcpu *v, enum prof_part part, uintptr_t pc);
/*
 * The end of an exit while profiling (trap_profiled): its cost since the
 * profiled entry stamped it, in v's exit_cost[slot], and a sample that
 * fell due during it (prof_tick_exit).
 */
void prof_exit_measured(struct vcpu *v, unsigned int slot, enum prof_part part, uintptr_t pc);
/*
 * On each pass of a hart through its scheduler: its trap entry follows
 * whether a profile runs. Only a hart that stamps its exits samples.
 */
void prof_hart_sync(struct hart *h);

#endif
