/*
 * Tests for src/vdev/virtq.c, the device side of a split virtqueue, on a
 * fake guest RAM: a host buffer standing for RAM_SIZE bytes at RAM_BASE,
 * with the rings and buffers a driver would write, byte by byte, in
 * little-endian. Every way a driver can break the rules has its own test,
 * which checks the result, the reason and that nothing was taken.
 */
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "vdev/virtq.h"

#define RAM_BASE	0x80000000ULL
#define RAM_SIZE	0x10000ULL
/* where the tests put things, as offsets in RAM */
#define DESC_OFF	0x0000	/* 16 * 256 bytes at most */
#define AVAIL_OFF	0x1000
#define USED_OFF	0x2000
#define BUF_OFF		0x4000
#define TABLE_OFF	0x8000	/* indirect tables */
#define GPA(off)	(RAM_BASE + (off))

/*
 * A window of 16 GiB far from RAM that map() accepts without any memory
 * behind it: buffers of 4 GiB for the length tests. virtq.c only maps
 * buffers, it never touches them, so the pointer is never dereferenced.
 */
#define BIG_BASE	0x1000000000ULL
#define BIG_SIZE	0x400000000ULL

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static uint8_t big_stand_in;

/* What map() was asked, and a hook run at every call (the guest "meanwhile") */
static struct {
	unsigned int calls;
	uint64_t gpa[64], len[64]; /* the first 64 calls */
	void (*hook)(uint64_t gpa, uint64_t len);
	unsigned int host_skew; /* added to every pointer returned */
} maps;

static void *fake_map(void *ctx, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - RAM_BASE;

	CHECK(ctx == &maps);
	CHECK(len > 0);
	CHECK(gpa + len > gpa); /* never asked for a range that wraps */
	if (maps.calls < 64) {
		maps.gpa[maps.calls] = gpa;
		maps.len[maps.calls] = len;
	}
	maps.calls++;
	if (maps.hook)
		maps.hook(gpa, len);
	if (gpa >= BIG_BASE && gpa - BIG_BASE <= BIG_SIZE && len <= BIG_SIZE - (gpa - BIG_BASE))
		return &big_stand_in;
	if (gpa < RAM_BASE || off > RAM_SIZE || len > RAM_SIZE - off)
		return NULL;
	return ram + off + maps.host_skew;
}

static const struct virtq_mem mem = { fake_map, &maps };

/* A walk that never ends (a loop not caught) must fail the binary, not hang make test */
__attribute__((constructor)) static void watchdog(void)
{
	alarm(30);
}

static bool mapped(uint64_t gpa)
{
	for (unsigned int i = 0; i < maps.calls && i < 64; i++)
		if (maps.gpa[i] == gpa)
			return true;
	return false;
}

static struct virtq q;
static struct virtq_chain chain;
static uint16_t avail_idx; /* the driver's copy */

static void put16(uint64_t off, uint16_t v)
{
	ram[off] = (uint8_t)v;
	ram[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint64_t off, uint32_t v)
{
	put16(off, (uint16_t)v);
	put16(off + 2, (uint16_t)(v >> 16));
}

static void put64(uint64_t off, uint64_t v)
{
	put32(off, (uint32_t)v);
	put32(off + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(uint64_t off)
{
	return (uint16_t)(ram[off] | ram[off + 1] << 8);
}

static uint32_t get32(uint64_t off)
{
	return get16(off) | (uint32_t)get16(off + 2) << 16;
}

/* A queue of size entries, both indices at start, as at QueueReady (start 0) */
static void setup_at(uint16_t size, uint16_t start)
{
	memset(ram, 0, sizeof(ram));
	memset(&maps, 0, sizeof(maps));
	memset(&chain, 0x01, sizeof(chain)); /* not zero, and bools stay valid */
	q = (struct virtq){
		.size = size,
		.desc = GPA(DESC_OFF),
		.avail = GPA(AVAIL_OFF),
		.used = GPA(USED_OFF),
		.last_avail = start,
		.used_idx = start,
	};
	avail_idx = start;
	put16(AVAIL_OFF + 2, start);
	put16(USED_OFF + 2, start);
}

static void setup(uint16_t size)
{
	setup_at(size, 0);
}

/* A descriptor at table offset table_off, entry i */
static void desc_at(uint64_t table_off, unsigned int i, uint64_t addr, uint32_t len,
		    uint16_t flags, uint16_t next)
{
	uint64_t off = table_off + 16 * i;

	put64(off, addr);
	put32(off + 8, len);
	put16(off + 12, flags);
	put16(off + 14, next);
}

static void desc(unsigned int i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	desc_at(DESC_OFF, i, addr, len, flags, next);
}

/* The driver makes the chain at head available: ring entry, then idx */
static void offer(uint16_t head)
{
	put16(AVAIL_OFF + 4 + 2 * (avail_idx % q.size), head);
	put16(AVAIL_OFF + 2, ++avail_idx);
}

static uint16_t used_idx_in_ram(void)
{
	return get16(USED_OFF + 2);
}

static uint32_t used_id(uint16_t idx)
{
	return get32(USED_OFF + 4 + 8 * (idx % q.size));
}

static uint32_t used_len(uint16_t idx)
{
	return get32(USED_OFF + 8 + 8 * (idx % q.size));
}

static enum virtq_pop_result pop(const char **why)
{
	*why = NULL;
	return virtq_pop(&q, &mem, &chain, why);
}

/*
 * The queue must be refused for reason, with nothing taken, and stay
 * refused: pop again gives the same, push is refused.
 */
#define CHECK_BROKEN(reason)							\
	do {									\
		uint16_t before_ = q.last_avail;				\
		const char *why_;						\
		CHECK_EQ(pop(&why_), VIRTQ_POP_BROKEN);				\
		CHECK(why_ != NULL);						\
		if (why_)							\
			CHECK_STR(why_, reason);				\
		CHECK(q.broken == why_);					\
		CHECK_EQ(q.last_avail, before_);				\
		CHECK_EQ(pop(&why_), VIRTQ_POP_BROKEN);				\
		CHECK(why_ == q.broken);					\
		CHECK_EQ(virtq_push(&q, &mem, 0, 0), -1);			\
		CHECK_EQ(used_idx_in_ram(), q.used_idx);			\
	} while (0)

/* ---- virtq_check ------------------------------------------------------ */

static const char *check_why(void)
{
	const char *why = NULL;

	if (virtq_check(&q, &mem, &why) == 0)
		return "(accepted)";
	return why ? why : "(refused without a reason)";
}

TEST(check_accepts_every_power_of_two_size)
{
	for (unsigned int size = 1; size <= VIRTQ_MAX_SIZE; size *= 2) {
		setup((uint16_t)size);
		CHECK_STR(check_why(), "(accepted)");
	}
	/* a ring may end on RAM's last byte */
	setup(VIRTQ_MAX_SIZE);
	q.avail = GPA(RAM_SIZE - (6 + 2 * VIRTQ_MAX_SIZE));
	CHECK_STR(check_why(), "(accepted)");
}

TEST(check_refuses_bad_sizes)
{
	static const uint16_t bad[] = { 0, 3, 6, 255, VIRTQ_MAX_SIZE + 1, 2 * VIRTQ_MAX_SIZE, 32768 };

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(bad[i]);
		CHECK_STR(check_why(), "queue size not a power of 2 in 1..256");
	}
}

TEST(check_refuses_misaligned_rings)
{
	setup(8);
	q.desc += 8;
	CHECK_STR(check_why(), "descriptor table misaligned");
	setup(8);
	q.avail += 1;
	CHECK_STR(check_why(), "available ring misaligned");
	setup(8);
	q.used += 2;
	CHECK_STR(check_why(), "used ring misaligned");
	/* the spec's minimum alignments are enough */
	setup(8);
	q.desc += 16;
	q.avail += 2;
	q.used += 4;
	CHECK_STR(check_why(), "(accepted)");
}

TEST(check_refuses_rings_outside_ram)
{
	/* each ring one entry too long for the end of RAM */
	setup(8);
	q.desc = GPA(RAM_SIZE - 16 * 8 + 16);
	CHECK_STR(check_why(), "descriptor table outside guest RAM");
	setup(8);
	q.avail = GPA(RAM_SIZE - 20); /* 22 bytes: used_event past the end */
	CHECK_STR(check_why(), "available ring outside guest RAM");
	setup(8);
	q.used = GPA(RAM_SIZE - 68); /* 70 bytes: avail_event past the end */
	CHECK_STR(check_why(), "used ring outside guest RAM");
	setup(8);
	q.desc = RAM_BASE - 16;
	CHECK_STR(check_why(), "descriptor table outside guest RAM");
	/* wrapping around 2^64 into RAM is not in RAM either */
	setup(8);
	q.desc = 0xfffffffffffffff0ULL;
	CHECK_STR(check_why(), "descriptor table outside guest RAM");
	CHECK_EQ(maps.calls, 0); /* and map() never saw it */
}

TEST(check_refuses_rings_misaligned_in_host_memory)
{
	setup(8);
	maps.host_skew = 1;
	CHECK_STR(check_why(), "rings misaligned in host memory");
}

TEST(pop_refuses_a_queue_check_would_refuse)
{
	const char *why;

	setup(8);
	q.size = 0; /* a transport that forgot virtq_check() */
	CHECK_BROKEN("queue size not a power of 2 in 1..256");
	CHECK(!virtq_needs_notify(&q, &mem, (uint16_t)(q.used_idx - 1)));
	setup(8);
	q.used = GPA(RAM_SIZE);
	CHECK_EQ(pop(&why), VIRTQ_POP_BROKEN);
	CHECK_STR(why, "used ring outside guest RAM");
}

/* ---- chains ------------------------------------------------------------ */

TEST(empty_ring)
{
	const char *why;

	setup(8);
	CHECK_EQ(pop(&why), VIRTQ_POP_EMPTY);
	CHECK(why == NULL);
	CHECK_EQ(q.last_avail, 0);
	CHECK(q.broken == NULL);
}

TEST(one_readable_descriptor)
{
	const char *why;

	setup(8);
	desc(5, GPA(BUF_OFF + 3), 100, 0, 0);
	offer(5);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.head, 5);
	CHECK_EQ(chain.nsegs, 1);
	CHECK(chain.seg[0].hva == ram + BUF_OFF + 3);
	CHECK_EQ(chain.seg[0].gpa, GPA(BUF_OFF + 3));
	CHECK_EQ(chain.seg[0].len, 100);
	CHECK(!chain.seg[0].device_writes);
	CHECK_EQ(chain.readable, 100);
	CHECK_EQ(chain.writable, 0);
	CHECK_EQ(q.last_avail, 1);
	CHECK_EQ(pop(&why), VIRTQ_POP_EMPTY);
}

TEST(readable_then_writable_chain)
{
	const char *why;

	/* a virtio-blk read: header, data, status; scattered in the table */
	setup(8);
	desc(2, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 7);
	desc(7, GPA(BUF_OFF + 0x100), 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
	desc(0, GPA(BUF_OFF + 0x400), 1, VIRTQ_DESC_F_WRITE, 3 /* no NEXT: ignored */);
	offer(2);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.head, 2);
	CHECK_EQ(chain.nsegs, 3);
	CHECK(chain.seg[0].hva == ram + BUF_OFF);
	CHECK(chain.seg[1].hva == ram + BUF_OFF + 0x100);
	CHECK(chain.seg[2].hva == ram + BUF_OFF + 0x400);
	CHECK(!chain.seg[0].device_writes);
	CHECK(chain.seg[1].device_writes);
	CHECK(chain.seg[2].device_writes);
	CHECK_EQ(chain.seg[1].len, 512);
	CHECK_EQ(chain.readable, 16);
	CHECK_EQ(chain.writable, 513);
}

TEST(chains_taken_in_ring_order)
{
	const char *why;

	setup(4);
	desc(3, GPA(BUF_OFF), 1, 0, 0);
	desc(1, GPA(BUF_OFF + 1), 2, VIRTQ_DESC_F_WRITE, 0);
	offer(3);
	offer(1);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.head, 3);
	CHECK_EQ(chain.readable, 1);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.head, 1);
	CHECK_EQ(chain.writable, 2);
	CHECK_EQ(pop(&why), VIRTQ_POP_EMPTY);
}

TEST(chain_through_the_whole_table)
{
	const char *why;

	setup(16);
	for (unsigned int i = 0; i < 16; i++) /* 15, 14, ..., 0 */
		desc(15 - i, GPA(BUF_OFF + i), 1, i < 15 ? VIRTQ_DESC_F_NEXT : 0,
		     (uint16_t)(15 - i - 1));
	offer(15);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.nsegs, 16);
	CHECK_EQ(chain.readable, 16);
	CHECK(chain.seg[15].hva == ram + BUF_OFF + 15);
}

TEST(queue_of_one)
{
	const char *why;

	setup(1);
	desc(0, GPA(BUF_OFF), 8, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(virtq_push(&q, &mem, 0, 8), 0);
	offer(0);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(virtq_push(&q, &mem, 0, 4), 0);
	CHECK_EQ(used_idx_in_ram(), 2);
	CHECK_EQ(used_len(1), 4);
}

TEST(empty_descriptors_are_left_out)
{
	const char *why;

	/*
	 * Decided: a len-0 descriptor is allowed (the spec forbids none)
	 * and gives no segment; its addr, outside RAM here, is not mapped.
	 */
	setup(8);
	desc(0, 0xdead0000, 0, VIRTQ_DESC_F_NEXT, 1);
	desc(1, GPA(BUF_OFF), 4, VIRTQ_DESC_F_NEXT, 2);
	desc(2, 0, 0, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	desc(3, GPA(BUF_OFF + 4), 4, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.nsegs, 2);
	CHECK(chain.seg[0].hva == ram + BUF_OFF);
	CHECK(chain.seg[1].hva == ram + BUF_OFF + 4);
	CHECK(chain.seg[1].device_writes);
	CHECK_EQ(chain.readable, 4);
	CHECK_EQ(chain.writable, 4);
	CHECK(!mapped(0xdead0000));
	CHECK(!mapped(0));
	/* a chain of nothing but an empty descriptor: no segments at all */
	desc(4, 0x1234, 0, 0, 0);
	offer(4);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.head, 4);
	CHECK_EQ(chain.nsegs, 0);
	CHECK_EQ(chain.readable + chain.writable, 0);
}

TEST(empty_descriptors_still_keep_the_order)
{
	setup(8);
	desc(0, GPA(BUF_OFF), 0, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc(1, GPA(BUF_OFF), 4, 0, 0);
	offer(0);
	CHECK_BROKEN("device-readable descriptor after a device-writable one");
}

TEST(indirect_table)
{
	const char *why;

	setup(8);
	q.indirect = true;
	/* its WRITE flag is to be ignored: the table's first entry is readable */
	desc(6, GPA(TABLE_OFF), 3 * 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_WRITE, 0);
	desc_at(TABLE_OFF, 0, GPA(BUF_OFF), 16, VIRTQ_DESC_F_NEXT, 2);
	desc_at(TABLE_OFF, 2, GPA(BUF_OFF + 0x10), 4096, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	desc_at(TABLE_OFF, 1, GPA(BUF_OFF + 0x2000), 1, VIRTQ_DESC_F_WRITE, 0);
	offer(6);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.head, 6);
	CHECK_EQ(chain.nsegs, 3);
	CHECK(!chain.seg[0].device_writes);
	CHECK(chain.seg[1].hva == ram + BUF_OFF + 0x10);
	CHECK(chain.seg[2].hva == ram + BUF_OFF + 0x2000);
	CHECK_EQ(chain.readable, 16);
	CHECK_EQ(chain.writable, 4097);
}

TEST(direct_descriptors_then_an_indirect_one)
{
	const char *why;

	/* the spec: a device MUST handle normal descriptors followed by one indirect */
	setup(8);
	q.indirect = true;
	desc(0, GPA(BUF_OFF), 10, VIRTQ_DESC_F_NEXT, 1);
	desc(1, GPA(TABLE_OFF), 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc_at(TABLE_OFF, 0, GPA(BUF_OFF + 0x10), 20, VIRTQ_DESC_F_NEXT, 1);
	desc_at(TABLE_OFF, 1, GPA(BUF_OFF + 0x30), 30, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.nsegs, 3);
	CHECK_EQ(chain.readable, 30);
	CHECK_EQ(chain.writable, 30);
	CHECK(chain.seg[2].hva == ram + BUF_OFF + 0x30);
}

TEST(indirect_table_at_an_odd_address)
{
	const char *why;

	/* the spec asks no alignment of an indirect table */
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF + 3), 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc_at(TABLE_OFF + 3, 0, GPA(BUF_OFF + 0x123), 0x456, VIRTQ_DESC_F_NEXT, 1);
	desc_at(TABLE_OFF + 3, 1, GPA(BUF_OFF + 0x789), 0xabc, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.nsegs, 2);
	CHECK_EQ(chain.seg[0].gpa, GPA(BUF_OFF + 0x123));
	CHECK_EQ(chain.seg[0].len, 0x456);
	CHECK_EQ(chain.seg[1].gpa, GPA(BUF_OFF + 0x789));
	CHECK_EQ(chain.seg[1].len, 0xabc);
	CHECK(chain.seg[1].device_writes);
}

TEST(largest_indirect_table_and_most_segments)
{
	const char *why;

	/* VIRTQ_MAX_INDIRECT entries, VIRTQ_MAX_SEGS of them buffers, the rest empty */
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF), VIRTQ_MAX_INDIRECT * 16, VIRTQ_DESC_F_INDIRECT, 0);
	for (unsigned int i = 0; i < VIRTQ_MAX_INDIRECT; i++)
		desc_at(TABLE_OFF, i, GPA(BUF_OFF + i), i % 4 == 0 ? 1 : 0,
			i + 1 < VIRTQ_MAX_INDIRECT ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
	offer(0);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.nsegs, VIRTQ_MAX_SEGS);
	CHECK_EQ(chain.readable, VIRTQ_MAX_SEGS);
	CHECK(chain.seg[VIRTQ_MAX_SEGS - 1].hva == ram + BUF_OFF + 4 * (VIRTQ_MAX_SEGS - 1));
}

TEST(chain_of_exactly_4gib_minus_one)
{
	const char *why;

	setup(8);
	desc(0, BIG_BASE, 0xfffffffe, VIRTQ_DESC_F_NEXT, 1);
	desc(1, GPA(BUF_OFF), 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.readable, 0xfffffffe);
	CHECK_EQ(chain.writable, 1);
}

TEST(indices_wrap_at_65536)
{
	const char *why;

	setup_at(4, 65533);
	for (uint16_t i = 0; i < 4; i++) {
		desc(i, GPA(BUF_OFF + 0x100 * i), 0x10 + i, VIRTQ_DESC_F_WRITE, 0);
		offer(i); /* avail->idx 65534, 65535, 0, 1 */
	}
	CHECK_EQ(get16(AVAIL_OFF + 2), 1);
	for (uint16_t i = 0; i < 4; i++) {
		CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
		CHECK_EQ(chain.head, i);
		CHECK_EQ(chain.writable, 0x10 + i);
	}
	CHECK_EQ(q.last_avail, 1);
	CHECK_EQ(pop(&why), VIRTQ_POP_EMPTY);
	for (uint16_t i = 0; i < 4; i++)
		CHECK_EQ(virtq_push(&q, &mem, i, i), 0);
	CHECK_EQ(used_idx_in_ram(), 1);
	CHECK_EQ(q.used_idx, 1);
	/* 65533 % 4 == 1: the entries went to slots 1, 2, 3, 0 */
	for (uint16_t i = 0; i < 4; i++) {
		uint16_t idx = (uint16_t)(65533 + i);

		CHECK_EQ(used_id(idx), i);
		CHECK_EQ(used_len(idx), i);
	}
	CHECK_EQ(used_id(0), 3);
}

TEST(full_queue)
{
	const char *why;

	setup(8);
	for (uint16_t i = 0; i < 8; i++) {
		desc(i, GPA(BUF_OFF + i), 1, 0, 0);
		offer(i);
	}
	for (uint16_t i = 0; i < 8; i++)
		CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(pop(&why), VIRTQ_POP_EMPTY);
	/* all 8 in flight; given back in another order */
	for (uint16_t i = 0; i < 8; i++)
		CHECK_EQ(virtq_push(&q, &mem, (uint16_t)(7 - i), 0), 0);
	CHECK_EQ(virtq_push(&q, &mem, 0, 0), -1); /* nothing left in flight */
	CHECK_EQ(used_idx_in_ram(), 8);
	CHECK_EQ(used_id(0), 7);
	CHECK_EQ(used_id(7), 0);
	/* and again, all 8 the driver has, across the ring's end */
	for (uint16_t i = 0; i < 8; i++)
		offer(i);
	for (uint16_t i = 0; i < 8; i++)
		CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK(q.broken == NULL);
}

TEST(push_publishes_entry_then_index)
{
	const char *why;

	setup(8);
	desc(3, GPA(BUF_OFF), 64, VIRTQ_DESC_F_WRITE, 0);
	offer(3);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(used_idx_in_ram(), 0); /* nothing published by pop */
	CHECK_EQ(virtq_push(&q, &mem, 3, 17), 0);
	CHECK_EQ(used_idx_in_ram(), 1);
	CHECK_EQ(q.used_idx, 1);
	CHECK_EQ(used_id(0), 3);
	CHECK_EQ(used_len(0), 17);
}

TEST(push_refuses_what_was_not_taken)
{
	const char *why;

	setup(8);
	CHECK_EQ(virtq_push(&q, &mem, 0, 0), -1); /* nothing taken */
	desc(0, GPA(BUF_OFF), 1, 0, 0);
	offer(0);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(virtq_push(&q, &mem, 8, 0), -1); /* no head 8 in a queue of 8 */
	CHECK_EQ(used_idx_in_ram(), 0);
	CHECK_EQ(q.used_idx, 0);
	CHECK_EQ(virtq_push(&q, &mem, 0, 0), 0);
	CHECK_EQ(virtq_push(&q, &mem, 0, 0), -1); /* given back already */
	CHECK_EQ(used_idx_in_ram(), 1);
}

/* ---- notifications ---------------------------------------------------- */

/* Take and give back one chain (head 0); the used->idx before */
static uint16_t one_round_trip(void)
{
	uint16_t before = q.used_idx;
	const char *why;

	desc(0, GPA(BUF_OFF), 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(virtq_push(&q, &mem, 0, 1), 0);
	return before;
}

TEST(used_notification_by_flags)
{
	uint16_t before;

	setup(8);
	before = one_round_trip();
	CHECK(virtq_needs_notify(&q, &mem, before));
	put16(AVAIL_OFF, VIRTQ_AVAIL_F_NO_INTERRUPT);
	CHECK(!virtq_needs_notify(&q, &mem, before));
	/* other bits mean nothing */
	put16(AVAIL_OFF, 0xfffe);
	CHECK(virtq_needs_notify(&q, &mem, before));
	/* nothing published since before: nothing to tell */
	CHECK(!virtq_needs_notify(&q, &mem, q.used_idx));
	/* used_event is not looked at without EVENT_IDX */
	put16(AVAIL_OFF, 0);
	put16(AVAIL_OFF + 4 + 2 * 8, 100);
	CHECK(virtq_needs_notify(&q, &mem, before));
}

TEST(used_notification_by_event_index)
{
	uint16_t before;

	setup(8);
	q.event_idx = true;
	put16(AVAIL_OFF, VIRTQ_AVAIL_F_NO_INTERRUPT); /* ignored with EVENT_IDX */
	put16(AVAIL_OFF + 4 + 2 * 8, 0);	/* used_event: entry 0 */
	before = one_round_trip();		/* published entry 0 */
	CHECK(virtq_needs_notify(&q, &mem, before));
	before = one_round_trip();		/* entry 1: not asked for */
	CHECK(!virtq_needs_notify(&q, &mem, before));
	/* three at once, 2..4: asked for 4, then 2, then 5 (not yet) */
	before = q.used_idx;
	one_round_trip();
	one_round_trip();
	one_round_trip();
	put16(AVAIL_OFF + 4 + 2 * 8, 4);
	CHECK(virtq_needs_notify(&q, &mem, before));
	put16(AVAIL_OFF + 4 + 2 * 8, 2);
	CHECK(virtq_needs_notify(&q, &mem, before));
	put16(AVAIL_OFF + 4 + 2 * 8, 5);
	CHECK(!virtq_needs_notify(&q, &mem, before));
	put16(AVAIL_OFF + 4 + 2 * 8, 1);
	CHECK(!virtq_needs_notify(&q, &mem, before));
}

TEST(used_notification_by_event_index_across_the_wrap)
{
	uint16_t before;

	setup_at(8, 65534);
	q.event_idx = true;
	before = q.used_idx;
	one_round_trip(); /* entries 65534, 65535, 0 */
	one_round_trip();
	one_round_trip();
	CHECK_EQ(q.used_idx, 1);
	put16(AVAIL_OFF + 4 + 2 * 8, 0);
	CHECK(virtq_needs_notify(&q, &mem, before));
	put16(AVAIL_OFF + 4 + 2 * 8, 65535);
	CHECK(virtq_needs_notify(&q, &mem, before));
	put16(AVAIL_OFF + 4 + 2 * 8, 1);
	CHECK(!virtq_needs_notify(&q, &mem, before));
	put16(AVAIL_OFF + 4 + 2 * 8, 65533);
	CHECK(!virtq_needs_notify(&q, &mem, before));
}

TEST(avail_notification_off_while_busy_by_flags)
{
	const char *why;

	setup(8);
	for (uint16_t i = 0; i < 2; i++) {
		desc(i, GPA(BUF_OFF), 1, 0, 0);
		offer(i);
	}
	CHECK_EQ(get16(USED_OFF), 0);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(get16(USED_OFF), VIRTQ_USED_F_NO_NOTIFY); /* busy */
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(get16(USED_OFF), VIRTQ_USED_F_NO_NOTIFY);
	CHECK_EQ(pop(&why), VIRTQ_POP_EMPTY);
	CHECK_EQ(get16(USED_OFF), 0); /* idle: notify me */
	CHECK_EQ(get16(USED_OFF + 4 + 8 * 8), 0); /* avail_event untouched */
}

TEST(avail_notification_by_event_index)
{
	const char *why;

	setup_at(8, 300);
	q.event_idx = true;
	CHECK_EQ(pop(&why), VIRTQ_POP_EMPTY);
	CHECK_EQ(get16(USED_OFF + 4 + 8 * 8), 300); /* notify when 300 is published */
	for (uint16_t i = 0; i < 3; i++) {
		desc(i, GPA(BUF_OFF), 1, 0, 0);
		offer(i);
	}
	/* busy: avail_event stays behind, no notification asked */
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(get16(USED_OFF + 4 + 8 * 8), 300);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	CHECK_EQ(pop(&why), VIRTQ_POP_EMPTY);
	CHECK_EQ(get16(USED_OFF + 4 + 8 * 8), 303);
	CHECK_EQ(get16(USED_OFF), 0); /* flags stay 0 with EVENT_IDX */
}

/* ---- the guest changes what Keel reads ---------------------------------- */

/* When the buffer is mapped, the guest rewrites the descriptor that named it */
static void rewrite_desc_0(uint64_t gpa, uint64_t len)
{
	(void)len;
	if (gpa == GPA(BUF_OFF))
		desc(0, GPA(BUF_OFF + 0x100), 0xffffffff, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 7);
}

TEST(descriptor_read_once)
{
	const char *why;

	setup(8);
	desc(0, GPA(BUF_OFF), 32, VIRTQ_DESC_F_NEXT, 1);
	desc(1, GPA(BUF_OFF + 0x40), 8, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	maps.hook = rewrite_desc_0;
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	/* what was checked is what is used: the copy read before the change */
	CHECK_EQ(chain.nsegs, 2);
	CHECK_EQ(chain.seg[0].gpa, GPA(BUF_OFF));
	CHECK_EQ(chain.seg[0].len, 32);
	CHECK_EQ(chain.seg[1].gpa, GPA(BUF_OFF + 0x40));
	CHECK_EQ(chain.readable, 32);
}

/* ---- every malformed queue ---------------------------------------------- */

TEST(avail_idx_too_far_ahead)
{
	setup(8);
	for (uint16_t i = 0; i < 8; i++)
		desc(i, GPA(BUF_OFF), 1, 0, 0);
	put16(AVAIL_OFF + 2, 9); /* 9 chains in a queue of 8 */
	CHECK_BROKEN("available index went back or too far ahead");
	/* an index that went backwards is as far ahead as can be */
	setup_at(8, 100);
	put16(AVAIL_OFF + 2, 99);
	CHECK_BROKEN("available index went back or too far ahead");
}

TEST(avail_idx_ahead_of_chains_still_in_flight)
{
	const char *why;

	/* 5 taken and not given back, then 4 more: 9 outstanding in a queue of 8 */
	setup(8);
	for (uint16_t i = 0; i < 8; i++)
		desc(i, GPA(BUF_OFF), 1, 0, 0);
	for (uint16_t i = 0; i < 5; i++)
		offer(i);
	for (uint16_t i = 0; i < 5; i++)
		CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	for (uint16_t i = 5; i < 8; i++)
		offer(i);
	CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN); /* 8 outstanding: fine */
	offer(0);
	CHECK_BROKEN("available index went back or too far ahead");
}

TEST(avail_idx_going_back_below_chains_taken)
{
	const char *why;

	/* 5 taken (in flight), then avail->idx back to 3: within size of used->idx, still refused */
	setup(8);
	for (uint16_t i = 0; i < 5; i++) {
		desc(i, GPA(BUF_OFF), 1, 0, 0);
		offer(i);
	}
	for (uint16_t i = 0; i < 5; i++)
		CHECK_EQ(pop(&why), VIRTQ_POP_CHAIN);
	put16(AVAIL_OFF + 2, 3);
	CHECK_BROKEN("available index went back or too far ahead");
}

TEST(head_out_of_range)
{
	setup(8);
	offer(8);
	CHECK_BROKEN("head index out of range");
	setup(8);
	offer(0xffff);
	CHECK_BROKEN("head index out of range");
}

TEST(next_out_of_range)
{
	setup(8);
	desc(0, GPA(BUF_OFF), 1, VIRTQ_DESC_F_NEXT, 8);
	offer(0);
	CHECK_BROKEN("next index out of range");
}

TEST(next_out_of_range_in_an_indirect_table)
{
	/* 2 entries in the table: next 2 is past it, though below the queue's size */
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF), 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc_at(TABLE_OFF, 0, GPA(BUF_OFF), 1, VIRTQ_DESC_F_NEXT, 2);
	offer(0);
	CHECK_BROKEN("next index out of range");
}

TEST(descriptor_loop)
{
	setup(8);
	desc(0, GPA(BUF_OFF), 1, VIRTQ_DESC_F_NEXT, 1);
	desc(1, GPA(BUF_OFF), 1, VIRTQ_DESC_F_NEXT, 0);
	offer(0);
	CHECK_BROKEN("descriptor chain loops");
	/* one pointing at itself, empty so no other limit comes first */
	setup(8);
	desc(3, GPA(BUF_OFF), 0, VIRTQ_DESC_F_NEXT, 3);
	offer(3);
	CHECK_BROKEN("descriptor chain loops");
	/* a loop that starts after the head */
	setup(4);
	desc(0, GPA(BUF_OFF), 1, VIRTQ_DESC_F_NEXT, 1);
	desc(1, GPA(BUF_OFF), 1, VIRTQ_DESC_F_NEXT, 2);
	desc(2, GPA(BUF_OFF), 1, VIRTQ_DESC_F_NEXT, 1);
	offer(0);
	CHECK_BROKEN("descriptor chain loops");
}

TEST(loop_in_an_indirect_table)
{
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF), 4 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc_at(TABLE_OFF, 0, GPA(BUF_OFF), 0, VIRTQ_DESC_F_NEXT, 1);
	desc_at(TABLE_OFF, 1, GPA(BUF_OFF), 0, VIRTQ_DESC_F_NEXT, 0);
	offer(0);
	CHECK_BROKEN("indirect chain loops");
}

TEST(buffer_outside_ram)
{
	setup(8);
	desc(0, RAM_BASE + RAM_SIZE, 1, 0, 0);
	offer(0);
	CHECK_BROKEN("buffer outside guest RAM");
	/* the last byte of RAM is fine, one more is not */
	setup(8);
	desc(0, RAM_BASE + RAM_SIZE - 8, 8, VIRTQ_DESC_F_NEXT, 1);
	desc(1, RAM_BASE + RAM_SIZE - 8, 9, 0, 0);
	offer(0);
	CHECK_BROKEN("buffer outside guest RAM");
	CHECK(mapped(RAM_BASE + RAM_SIZE - 8));
	setup(8);
	desc(0, RAM_BASE - 1, 2, 0, 0);
	offer(0);
	CHECK_BROKEN("buffer outside guest RAM");
}

TEST(buffer_wrapping_around)
{
	setup(8);
	desc(0, 0xfffffffffffffff0ULL, 0x20, 0, 0);
	offer(0);
	CHECK_BROKEN("buffer wraps around the address space");
	/* ending exactly at 2^64 counts as wrapping */
	setup(8);
	desc(0, 0xfffffffffffffff0ULL, 0x10, 0, 0);
	offer(0);
	CHECK_BROKEN("buffer wraps around the address space");
	CHECK_EQ(maps.calls, 3); /* the rings only */
}

TEST(chain_longer_than_4gib)
{
	setup(8);
	desc(0, BIG_BASE, 0xffffffff, VIRTQ_DESC_F_NEXT, 1);
	desc(1, GPA(BUF_OFF), 1, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	CHECK_BROKEN("chain longer than 4 GiB");
	/* many large ones, readable and writable alike */
	setup(8);
	for (uint16_t i = 0; i < 3; i++)
		desc(i, BIG_BASE + (uint64_t)i * 0x60000000, 0x60000000,
		     VIRTQ_DESC_F_NEXT | (i ? VIRTQ_DESC_F_WRITE : 0), (uint16_t)(i + 1));
	offer(0);
	CHECK_BROKEN("chain longer than 4 GiB");
}

TEST(readable_after_writable)
{
	setup(8);
	desc(0, GPA(BUF_OFF), 4, VIRTQ_DESC_F_NEXT, 1);
	desc(1, GPA(BUF_OFF + 4), 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 2);
	desc(2, GPA(BUF_OFF + 8), 4, 0, 0);
	offer(0);
	CHECK_BROKEN("device-readable descriptor after a device-writable one");
}

TEST(readable_in_the_table_after_writable_before_it)
{
	setup(8);
	q.indirect = true;
	desc(0, GPA(BUF_OFF), 4, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	desc(1, GPA(TABLE_OFF), 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc_at(TABLE_OFF, 0, GPA(BUF_OFF + 4), 4, 0, 0);
	offer(0);
	CHECK_BROKEN("device-readable descriptor after a device-writable one");
}

TEST(too_many_segments)
{
	setup(128);
	for (unsigned int i = 0; i <= VIRTQ_MAX_SEGS; i++)
		desc(i, GPA(BUF_OFF + i), 1, i < VIRTQ_MAX_SEGS ? VIRTQ_DESC_F_NEXT : 0,
		     (uint16_t)(i + 1));
	offer(0);
	CHECK_BROKEN("more than 64 segments");
	/* VIRTQ_MAX_SEGS exactly is fine */
	setup(128);
	for (unsigned int i = 0; i < VIRTQ_MAX_SEGS; i++)
		desc(i, GPA(BUF_OFF + i), 1, i + 1 < VIRTQ_MAX_SEGS ? VIRTQ_DESC_F_NEXT : 0,
		     (uint16_t)(i + 1));
	offer(0);
	CHECK_EQ(virtq_pop(&q, &mem, &chain, NULL), VIRTQ_POP_CHAIN);
	CHECK_EQ(chain.nsegs, VIRTQ_MAX_SEGS);
}

TEST(too_many_segments_through_an_indirect_table)
{
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF), (VIRTQ_MAX_SEGS + 1) * 16, VIRTQ_DESC_F_INDIRECT, 0);
	for (unsigned int i = 0; i <= VIRTQ_MAX_SEGS; i++)
		desc_at(TABLE_OFF, i, GPA(BUF_OFF), 1, i < VIRTQ_MAX_SEGS ? VIRTQ_DESC_F_NEXT : 0,
			(uint16_t)(i + 1));
	offer(0);
	CHECK_BROKEN("more than 64 segments");
}

TEST(indirect_not_negotiated)
{
	setup(8);
	desc(0, GPA(TABLE_OFF), 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc_at(TABLE_OFF, 0, GPA(BUF_OFF), 4, 0, 0);
	offer(0);
	CHECK_BROKEN("indirect descriptor not negotiated");
}

TEST(indirect_table_empty)
{
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF), 0, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	CHECK_BROKEN("empty indirect table");
}

TEST(indirect_table_length_not_a_multiple_of_16)
{
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF), 24, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	CHECK_BROKEN("indirect table length not a multiple of 16");
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF), 15, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	CHECK_BROKEN("indirect table length not a multiple of 16");
}

TEST(indirect_inside_indirect)
{
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF), 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc_at(TABLE_OFF, 0, GPA(BUF_OFF), 4, VIRTQ_DESC_F_NEXT, 1);
	desc_at(TABLE_OFF, 1, GPA(TABLE_OFF), 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	CHECK_BROKEN("indirect descriptor inside an indirect table");
}

TEST(indirect_with_next)
{
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF), 16, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 1);
	desc_at(TABLE_OFF, 0, GPA(BUF_OFF), 4, 0, 0);
	desc(1, GPA(BUF_OFF), 4, VIRTQ_DESC_F_WRITE, 0);
	offer(0);
	CHECK_BROKEN("indirect descriptor with NEXT");
}

TEST(indirect_table_too_large)
{
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF), (VIRTQ_MAX_INDIRECT + 1) * 16, VIRTQ_DESC_F_INDIRECT, 0);
	desc_at(TABLE_OFF, 0, GPA(BUF_OFF), 4, 0, 0);
	offer(0);
	CHECK_BROKEN("indirect table larger than 256 entries");
	setup(8);
	q.indirect = true;
	desc(0, GPA(TABLE_OFF), 0xfffffff0, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	CHECK_BROKEN("indirect table larger than 256 entries");
}

TEST(indirect_table_outside_ram)
{
	setup(8);
	q.indirect = true;
	desc(0, RAM_BASE + RAM_SIZE - 16, 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	CHECK_BROKEN("indirect table outside guest RAM");
}

TEST(indirect_table_wrapping_around)
{
	setup(8);
	q.indirect = true;
	desc(0, 0xfffffffffffffff0ULL, 2 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	offer(0);
	CHECK_BROKEN("indirect table wraps around the address space");
}

TEST(broken_queue_stays_broken)
{
	const char *why;

	setup(8);
	desc(0, GPA(BUF_OFF), 1, 0, 0);
	offer(8);
	offer(0);
	CHECK_EQ(pop(&why), VIRTQ_POP_BROKEN);
	/* the next entry is fine, but the queue is refused until reset */
	q.last_avail++;
	CHECK_EQ(pop(&why), VIRTQ_POP_BROKEN);
	CHECK_STR(why, "head index out of range");
	CHECK(!virtq_needs_notify(&q, &mem, (uint16_t)(q.used_idx - 1)));
}
