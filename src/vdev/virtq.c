/*
 * The device side of a split virtqueue: see vdev/virtq.h, which says what
 * is refused and why. Written from the VIRTIO 1.2 specification (2.7).
 */
#include <string.h>

#include "vdev/virtq.h"

/* Fields are loaded natively: right on RISC-V and on the test hosts alone. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "virtq.c reads the rings' little-endian fields natively");

#define STRINGIFY(x) #x
#define STR(x) STRINGIFY(x)

/* Byte offsets in the rings (virtq.h has the layout) */
#define DESC_SIZE	16
#define RING_FLAGS	0
#define RING_IDX	2
#define RING_ENTRIES	4	/* avail->ring[], used->ring[] */
#define USED_ELEM_SIZE	8

static uint64_t desc_table_bytes(uint16_t size)
{
	return (uint64_t)DESC_SIZE * size;
}

static uint64_t avail_ring_bytes(uint16_t size)
{
	return RING_ENTRIES + 2ULL * size + 2; /* + used_event */
}

static uint64_t used_ring_bytes(uint16_t size)
{
	return RING_ENTRIES + (uint64_t)USED_ELEM_SIZE * size + 2; /* + avail_event */
}

/*
 * Guest fields. The rings are aligned (rings_map() checked the guest's
 * and the host's addresses), so a 16- or 32-bit field is one access;
 * __atomic makes it exactly one, which plain C would not promise.
 */
static uint16_t load16(const uint8_t *p)
{
	return __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
}

static void store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)p, v, __ATOMIC_RELAXED);
}

static void store32(uint8_t *p, uint32_t v)
{
	__atomic_store_n((uint32_t *)p, v, __ATOMIC_RELAXED);
}

/* The three rings of a queue, as host pointers */
struct rings {
	const uint8_t *desc;
	const uint8_t *avail;
	uint8_t *used;
};

static bool size_ok(uint16_t size)
{
	return size && size <= VIRTQ_MAX_SIZE && !(size & (size - 1));
}

/* map(), never asked for a range that wraps around 2^64 */
static void *map_range(const struct virtq_mem *m, uint64_t gpa, uint64_t len)
{
	if (gpa + len < gpa)
		return NULL;
	return m->map(m->ctx, gpa, len);
}

static int refuse(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

/*
 * What virtq_check() checks, done again by every call that touches the
 * rings, so that no call trusts the transport to have checked first. The
 * host pointers must be aligned too, for the atomic accesses: map() of a
 * RAM that starts on a page keeps the guest's alignment.
 */
static int rings_map(const struct virtq *q, const struct virtq_mem *m, struct rings *r,
		     const char **why)
{
	if (!size_ok(q->size))
		return refuse(why, "queue size not a power of 2 in 1.." STR(VIRTQ_MAX_SIZE));
	if (q->desc % 16)
		return refuse(why, "descriptor table misaligned");
	if (q->avail % 2)
		return refuse(why, "available ring misaligned");
	if (q->used % 4)
		return refuse(why, "used ring misaligned");
	r->desc = map_range(m, q->desc, desc_table_bytes(q->size));
	if (!r->desc)
		return refuse(why, "descriptor table outside guest RAM");
	r->avail = map_range(m, q->avail, avail_ring_bytes(q->size));
	if (!r->avail)
		return refuse(why, "available ring outside guest RAM");
	r->used = map_range(m, q->used, used_ring_bytes(q->size));
	if (!r->used)
		return refuse(why, "used ring outside guest RAM");
	if ((uintptr_t)r->avail % 2 || (uintptr_t)r->used % 4)
		return refuse(why, "rings misaligned in host memory");
	return 0;
}

int virtq_check(const struct virtq *q, const struct virtq_mem *m, const char **why)
{
	struct rings r;

	return rings_map(q, m, &r, why);
}

/* A descriptor as read once from guest memory: the copy is what is checked and used */
struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/* Little-endian, a byte at a time: for an indirect table at an odd address */
static uint64_t load64_bytes(const uint8_t *p)
{
	const volatile uint8_t *b = p;
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/*
 * Each byte of the descriptor read once (volatile: the compiler may not
 * read the guest's copy again instead of ours). The queue's table is
 * aligned to 16; an indirect table needs no alignment in the spec.
 */
static struct desc desc_read(const uint8_t *p)
{
	uint64_t lo, hi;

	if ((uintptr_t)p % 8 == 0) {
		lo = ((const volatile uint64_t *)p)[0];
		hi = ((const volatile uint64_t *)p)[1];
	} else {
		lo = load64_bytes(p);
		hi = load64_bytes(p + 8);
	}
	return (struct desc){
		.addr = lo,
		.len = (uint32_t)hi,
		.flags = (uint16_t)(hi >> 32),
		.next = (uint16_t)(hi >> 48),
	};
}

/* One buffer of the chain, len > 0 */
static const char *add_segment(const struct virtq_mem *m, const struct desc *d,
			       struct virtq_chain *c)
{
	bool writes = d->flags & VIRTQ_DESC_F_WRITE;
	struct virtq_seg *s;
	void *hva;

	if (d->addr + d->len < d->addr)
		return "buffer wraps around the address space";
	if (c->nsegs == VIRTQ_MAX_SEGS)
		return "more than " STR(VIRTQ_MAX_SEGS) " segments";
	if ((uint64_t)c->readable + c->writable + d->len > UINT32_MAX)
		return "chain longer than 4 GiB";
	hva = m->map(m->ctx, d->addr, d->len);
	if (!hva)
		return "buffer outside guest RAM";
	s = &c->seg[c->nsegs++];
	*s = (struct virtq_seg){ .hva = hva, .gpa = d->addr, .len = d->len, .device_writes = writes };
	if (writes)
		c->writable += d->len;
	else
		c->readable += d->len;
	return NULL;
}

/* The table an indirect descriptor names, or why it cannot be followed */
static const char *indirect_table(const struct virtq *q, const struct virtq_mem *m,
				  const struct desc *d, bool in_indirect,
				  const uint8_t **table)
{
	if (!q->indirect)
		return "indirect descriptor not negotiated";
	if (in_indirect)
		return "indirect descriptor inside an indirect table";
	if (d->flags & VIRTQ_DESC_F_NEXT)
		return "indirect descriptor with NEXT";
	if (d->len == 0)
		return "empty indirect table";
	if (d->len % DESC_SIZE)
		return "indirect table length not a multiple of 16";
	if (d->len / DESC_SIZE > VIRTQ_MAX_INDIRECT)
		return "indirect table larger than " STR(VIRTQ_MAX_INDIRECT) " entries";
	if (d->addr + d->len < d->addr)
		return "indirect table wraps around the address space";
	*table = m->map(m->ctx, d->addr, d->len);
	if (!*table)
		return "indirect table outside guest RAM";
	return NULL;
}

/*
 * Follow the chain from head into *c; NULL, or what is wrong with it.
 * A chain may not visit more descriptors than its table holds: one that
 * does has visited one twice, and would go round for ever. The count
 * starts again in an indirect table, which has its own indices: the
 * queue's table leads to at most one.
 */
static const char *chain_walk(const struct virtq *q, const struct virtq_mem *m,
			      const uint8_t *desc_table, uint16_t head, struct virtq_chain *c)
{
	const uint8_t *table = desc_table;
	uint32_t entries = q->size, budget = q->size, i = head;
	bool in_indirect = false, writable_seen = false;
	const char *err;

	c->head = head;
	c->nsegs = 0;
	c->readable = c->writable = 0;
	for (;;) {
		struct desc d;

		if (budget-- == 0)
			return in_indirect ? "indirect chain loops" : "descriptor chain loops";
		d = desc_read(table + (uint64_t)DESC_SIZE * i);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			/* its WRITE flag means nothing (the spec: ignored) */
			err = indirect_table(q, m, &d, in_indirect, &table);
			if (err)
				return err;
			entries = budget = d.len / DESC_SIZE;
			i = 0;
			in_indirect = true;
			continue;
		}
		if (d.flags & VIRTQ_DESC_F_WRITE)
			writable_seen = true;
		else if (writable_seen)
			return "device-readable descriptor after a device-writable one";
		/* nothing to read or write in an empty one: its addr is never mapped */
		if (d.len) {
			err = add_segment(m, &d, c);
			if (err)
				return err;
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return NULL;
		if (d.next >= entries)
			return "next index out of range";
		i = d.next;
	}
}

static enum virtq_pop_result broken(struct virtq *q, const char **why, const char *reason)
{
	q->broken = reason;
	refuse(why, reason);
	return VIRTQ_POP_BROKEN;
}

static uint16_t avail_idx_acquire(const struct rings *r)
{
	return __atomic_load_n((const uint16_t *)(r->avail + RING_IDX), __ATOMIC_ACQUIRE);
}

/*
 * The ring is empty: ask the driver to notify the next buffer. Then a full
 * fence, so the request is visible before avail->idx is read again: a
 * driver that added one meanwhile and read the old request (no
 * notification) is seen on that second look.
 */
static void notify_arm(struct virtq *q, const struct rings *r)
{
	if (q->event_idx) {
		/* "notify when you publish the entry at last_avail" */
		store16(r->used + RING_ENTRIES + USED_ELEM_SIZE * q->size, q->last_avail);
	} else if (q->notify_off) {
		store16(r->used + RING_FLAGS, 0);
		q->notify_off = false;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/*
 * A chain was taken: the device is busy and will look again before it
 * sleeps, so notifications are not needed until then. With EVENT_IDX,
 * avail_event stays where notify_arm() put it, behind what is taken now,
 * which asks for none.
 */
static void notify_quiet(struct virtq *q, const struct rings *r)
{
	if (!q->event_idx && !q->notify_off) {
		store16(r->used + RING_FLAGS, VIRTQ_USED_F_NO_NOTIFY);
		q->notify_off = true;
	}
}

/* Taken and not given back yet: 0..size (virtq_pop() keeps it so) */
static uint16_t chains_in_flight(const struct virtq *q)
{
	return q->last_avail - q->used_idx;
}

enum virtq_pop_result virtq_pop(struct virtq *q, const struct virtq_mem *m,
				struct virtq_chain *c, const char **why)
{
	const char *err = NULL;
	uint16_t avail_idx, head;
	struct rings r;

	if (q->broken)
		return broken(q, why, q->broken);
	if (rings_map(q, m, &r, &err))
		return broken(q, why, err);
	avail_idx = avail_idx_acquire(&r);
	if (avail_idx == q->last_avail) {
		notify_arm(q, &r);
		avail_idx = avail_idx_acquire(&r);
		if (avail_idx == q->last_avail)
			return VIRTQ_POP_EMPTY;
	}
	/*
	 * Taken or not, at most size chains can be outstanding: that many
	 * descriptors, and used ring entries to give them back in. So what is
	 * new is at most what the chains in flight leave; an index that went
	 * back (the driver may not take buffers back) is as far ahead as can
	 * be, and is refused too, rather than taking ring entries the driver
	 * no longer offers.
	 */
	if ((uint16_t)(avail_idx - q->last_avail) > q->size - chains_in_flight(q))
		return broken(q, why, "available index went back or too far ahead");
	head = load16(r.avail + RING_ENTRIES + 2 * (q->last_avail & (q->size - 1)));
	if (head >= q->size)
		return broken(q, why, "head index out of range");
	err = chain_walk(q, m, r.desc, head, c);
	if (err)
		return broken(q, why, err);
	q->last_avail++;
	notify_quiet(q, &r);
	return VIRTQ_POP_CHAIN;
}

int virtq_push(struct virtq *q, const struct virtq_mem *m, uint16_t head, uint32_t written)
{
	uint8_t *elem;
	struct rings r;

	if (q->broken || head >= q->size || !chains_in_flight(q))
		return -1;
	if (rings_map(q, m, &r, NULL))
		return -1;
	elem = r.used + RING_ENTRIES + USED_ELEM_SIZE * (q->used_idx & (q->size - 1));
	store32(elem, head);
	store32(elem + 4, written);
	q->used_idx++;
	/* release: the entry and the buffer's data before the index that publishes them */
	__atomic_store_n((uint16_t *)(r.used + RING_IDX), q->used_idx, __ATOMIC_RELEASE);
	return 0;
}

bool virtq_needs_notify(const struct virtq *q, const struct virtq_mem *m, uint16_t used_before)
{
	uint16_t published = q->used_idx - used_before, used_event;
	struct rings r;

	if (q->broken || !published || rings_map(q, m, &r, NULL))
		return false;
	/* used->idx stored before the driver's wish is read: a store, then a load */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!q->event_idx)
		return !(load16(r.avail + RING_FLAGS) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	/* the entry at index used_event is one of [used_before, used_idx) */
	used_event = load16(r.avail + RING_ENTRIES + 2 * q->size);
	return (uint16_t)(used_event - used_before) < published;
}

uint32_t virtq_chain_copy(const struct virtq_chain *c, bool writable, uint32_t at, void *buf,
			  uint32_t len, bool to_chain)
{
	uint8_t *p = buf;
	uint32_t moved = 0;

	for (unsigned int i = 0; i < c->nsegs && moved < len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint32_t n;

		if (s->device_writes != writable)
			continue;
		if (at >= s->len) {
			at -= s->len;
			continue;
		}
		n = s->len - at < len - moved ? s->len - at : len - moved;
		if (to_chain)
			memcpy((uint8_t *)s->hva + at, p + moved, n);
		else
			memcpy(p + moved, (const uint8_t *)s->hva + at, n);
		moved += n;
		at = 0;
	}
	return moved;
}
