/*
 * Tests for the profiler's pure half (src/prof/prof_buffer.c): the
 * per-hart sample buffer and the text format of docs/profiling.md, which
 * tools/keel-prof reads (tests/unit/test_keel_prof.py checks the reading).
 */
#include <string.h>

#include "prof.h"
#include "unit.h"

static struct prof_sample store[4];
static struct prof_buffer buf;
static char line[PROF_LINE_MAX];

static void fresh(void)
{
	memset(store, 0, sizeof(store));
	buf = (struct prof_buffer){ .samples = store, .capacity = 4 };
}

TEST(buffer_keeps_samples_in_order)
{
	fresh();
	for (unsigned int i = 0; i < 3; i++) {
		struct prof_sample s = { .time = 100 + i, .pc = 0x1000 + i };
		CHECK(prof_buffer_push(&buf, &s));
	}
	CHECK_EQ(buf.len, 3);
	CHECK_EQ(store[0].time, 100);
	CHECK_EQ(store[2].pc, 0x1002);
	CHECK_EQ(buf.drops, 0);
}

TEST(full_buffer_counts_drops_and_never_overwrites)
{
	fresh();
	for (unsigned int i = 0; i < 7; i++) {
		struct prof_sample s = { .time = i };
		CHECK_EQ(prof_buffer_push(&buf, &s), i < 4);
	}
	CHECK_EQ(buf.len, 4);
	CHECK_EQ(buf.drops, 3);
	CHECK_EQ(store[3].time, 3); /* the first four stay */
}

TEST(no_buffer_at_all_only_drops)
{
	struct prof_buffer none = { 0 };
	struct prof_sample s = { 0 };

	CHECK(!prof_buffer_push(&none, &s));
	CHECK_EQ(none.drops, 1);
}

TEST(guest_sample_line)
{
	struct prof_sample s = { .time = 20010000, .pc = 0x80200a14, .kind = PROF_GUEST,
				 .detail = 1, .vm = 2, .vcpu = 3, .depth = 2,
				 .chain = { 0x80200b20, 0x80200c08 } };

	CHECK_EQ(prof_format_sample(line, 1, &s), strlen(line));
	CHECK_STR(line, "@prof g 20010000 1 2 3 VS 80200a14 80200b20 80200c08\n");
	s.detail = 0;
	s.depth = 0;
	prof_format_sample(line, 0, &s);
	CHECK_STR(line, "@prof g 20010000 0 2 3 VU 80200a14\n");
}

TEST(guest_sample_with_a_full_chain_fits_the_line)
{
	struct prof_sample s = { .time = ~0UL, .pc = ~0UL, .kind = PROF_GUEST, .vm = 255,
				 .vcpu = 65535, .depth = PROF_CHAIN_MAX };

	for (unsigned int i = 0; i < PROF_CHAIN_MAX; i++)
		s.chain[i] = ~0UL;
	CHECK(prof_format_sample(line, 7, &s) < PROF_LINE_MAX);
	CHECK(line[strlen(line) - 1] == '\n');
}

TEST(host_and_mark_lines)
{
	struct prof_sample h = { .time = 5, .pc = 0x80207c40, .kind = PROF_HOST, .detail = PROF_SBI };
	struct prof_sample m = { .time = 6, .pc = 42, .kind = PROF_MARK, .vm = 1, .vcpu = 0 };

	prof_format_sample(line, 3, &h);
	CHECK_STR(line, "@prof h 5 3 sbi 80207c40\n");
	h.detail = PROF_IDLE;
	prof_format_sample(line, 3, &h);
	CHECK_STR(line, "@prof h 5 3 idle 80207c40\n");
	prof_format_sample(line, 0, &m);
	CHECK_STR(line, "@prof mark 6 0 1 0 42\n");
}

TEST(part_names)
{
	static const char *const want[PROF_PARTS] = { "idle", "sbi", "mmio", "fault",
						      "vinsn", "irq", "sched", "other" };

	for (unsigned int i = 0; i < PROF_PARTS; i++)
		CHECK_STR(prof_part_name((enum prof_part)i), want[i]);
	CHECK_STR(prof_part_name(PROF_PARTS), "other");
}

TEST(sample_gaps_stay_around_the_period)
{
	uint64_t state = 12345, sum = 0, lo = UINT64_MAX, hi = 0;

	for (unsigned int i = 0; i < 10000; i++) {
		uint64_t g = prof_gap(&state, 5000);

		CHECK(g >= 2500 && g <= 7500);
		sum += g;
		lo = g < lo ? g : lo;
		hi = g > hi ? g : hi;
	}
	/* hz samples a second on average, and the gaps do vary */
	CHECK(sum / 10000 >= 4950 && sum / 10000 <= 5050);
	CHECK(lo < 2600 && hi > 7400);
}

TEST(sample_gaps_are_never_zero)
{
	uint64_t state = 0;

	CHECK_EQ(prof_gap(&state, 1), 1);
	CHECK(state != 0);
	CHECK_EQ(prof_gap(&state, 0), 1);
	for (unsigned int i = 0; i < 100; i++) {
		uint64_t g = prof_gap(&state, 3);

		CHECK(g >= 2 && g <= 4);
	}
}

/*
 * A guest that repeats a 275-tick loop: with a fixed period of 5500 (20
 * loops) every sample would land on the same point of it. The drawn gaps
 * put samples all over the loop: each of its 11 stretches of 25 ticks
 * gets at least half its fair share of 1000 samples.
 */
TEST(samples_do_not_beat_with_a_repeating_guest)
{
	unsigned int bins[11] = { 0 };
	uint64_t state = 99, t = 0;

	for (unsigned int i = 0; i < 1000; i++) {
		t += prof_gap(&state, 5500);
		bins[t % 275 / 25]++;
	}
	for (unsigned int i = 0; i < 11; i++)
		CHECK(bins[i] >= 1000 / 11 / 2);
}
