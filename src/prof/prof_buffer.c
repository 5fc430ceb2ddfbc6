/* The pure half of the profiler: the sample buffer and the line format. */
#include <stdio.h>

#include "prof.h"

bool prof_buffer_push(struct prof_buffer *b, const struct prof_sample *s)
{
	unsigned int len = b->len;

	if (len >= b->capacity) {
		b->drops++;
		return false;
	}
	b->samples[len] = *s;
	/* a reader that sees the new length sees the sample (prof_dump) */
	__atomic_store_n(&b->len, len + 1, __ATOMIC_RELEASE);
	return true;
}

uint64_t prof_gap(uint64_t *state, uint64_t period)
{
	uint64_t x = *state ? *state : 1, half;

	if (!period)
		period = 1;
	half = period / 2;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	/* period - half, not half: an odd period keeps its mean, and 1 gives 1 */
	return period - half + x % (2 * half + 1);
}

const char *prof_part_name(enum prof_part part)
{
	static const char *const names[PROF_PARTS] = {
		[PROF_IDLE] = "idle",   [PROF_SBI] = "sbi",     [PROF_MMIO] = "mmio",
		[PROF_FAULT] = "fault", [PROF_VINSN] = "vinsn", [PROF_IRQ] = "irq",
		[PROF_SCHED] = "sched", [PROF_OTHER] = "other",
	};
	return (unsigned int)part < PROF_PARTS ? names[part] : "other";
}

unsigned int prof_format_sample(char *out, unsigned int hart, const struct prof_sample *s)
{
	unsigned long long t = s->time, pc = s->pc;
	int n;

	switch (s->kind) {
	case PROF_GUEST:
		n = snprintf(out, PROF_LINE_MAX, "@prof g %llu %u %u %u %s %llx", t, hart, s->vm,
			     s->vcpu, s->detail ? "VS" : "VU", pc);
		for (unsigned int i = 0; i < s->depth && i < PROF_CHAIN_MAX; i++)
			n += snprintf(out + n, PROF_LINE_MAX - (unsigned int)n, " %llx",
				      (unsigned long long)s->chain[i]);
		break;
	case PROF_HOST:
		n = snprintf(out, PROF_LINE_MAX, "@prof h %llu %u %s %llx", t, hart,
			     prof_part_name((enum prof_part)s->detail), pc);
		break;
	default:
		n = snprintf(out, PROF_LINE_MAX, "@prof mark %llu %u %u %u %llu", t, hart, s->vm,
			     s->vcpu, pc);
		break;
	}
	n += snprintf(out + n, PROF_LINE_MAX - (unsigned int)n, "\n");
	return (unsigned int)n;
}
