/*
 * Fuzz target: the device side of a split virtqueue (src/vdev/virtq.c).
 * The input is a guest: the queue's registers, an image of its RAM (the
 * rings, descriptor tables and buffers it wrote) and then what it and the
 * device do next. Everything in RAM is the guest's to get wrong.
 *
 * The input, little-endian:
 *   u8  size: below 0xf0, 1 << (size % 9) (1..256); else a raw u16 follows
 *   u8  mode: bit 0 EVENT_IDX, bit 1 INDIRECT_DESC, bit 2 a hostile guest
 *       (below), bit 3 RAM at the very top of the address space, so that
 *       buffers near its end wrap around 2^64
 *   u16 start: last_avail = used_idx = start (indices near 65535 wrap)
 *   u8  pending: avail->idx = start + pending, unless 0xff (then the image's)
 *   u16 desc, avail, used: offsets of the rings from RAM's base (may be
 *       misaligned or outside RAM: the queue must then be refused)
 *   u16 image length, then the image: RAM from offset 0 (the rest is zero)
 *   with bit 2: u8 n, then n times { u16 offset, u8 byte }: the hostile
 *       guest writes the next of these into RAM at every map(), that is,
 *       while virtq.c is in the middle of reading (another vCPU of the
 *       guest rewriting descriptors and indices under Keel's feet)
 *   then operations until the input ends: pop, push a chain taken (in any
 *   order), ask whether to notify, the guest writes RAM or publishes more
 *   chains, the device pushes what it must not; and at the end, the
 *   device pops and pushes until the ring is empty or broken.
 *
 * Invariants, after every call:
 *   - virtq.c touches guest memory only inside ranges map() returned
 *     during that call: RAM is poisoned for AddressSanitizer around each
 *     call and map() unpoisons what it returns, so any other access is a
 *     crash (and the RAM buffer's own bounds are ASan's as usual);
 *   - map() is never asked for len 0, a range that wraps, or more than
 *     3 rings, an indirect table and VIRTQ_MAX_SEGS buffers per pop;
 *   - a chain: every segment is exactly a range map() returned, non-empty,
 *     readable ones first, at most VIRTQ_MAX_SEGS, readable and writable
 *     the sums of their kind, head below size, at most size chains
 *     outstanding;
 *   - unless the guest is hostile, pop's result and segments are what a
 *     reference walk here says, written from the spec and virtq.h rather
 *     than from virtq.c (loops found by marking visited descriptors, not
 *     by counting), on a copy of RAM; and the notification fields are
 *     where virtq.h says: used->flags NO_NOTIFY while busy and 0 once
 *     empty, avail_event = last_avail once empty with EVENT_IDX;
 *   - push writes the used entry and used->idx; a push of a head not
 *     below size, or with nothing outstanding, changes nothing;
 *   - virtq_needs_notify() is what the spec says: NO_INTERRUPT, or
 *     used_event among the entries published since the last question;
 *   - once broken (a reason given, nothing taken), the queue stays so.
 */
#include <string.h>

#include "fuzz_check.h"
#include "vdev/virtq.h"

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#ifdef FUZZ_ASAN
#include <sanitizer/asan_interface.h>
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define __asan_address_is_poisoned(p) ((void)(p), 0)
#endif

#define RAM_SIZE	0x2000ULL
#define LOW_BASE	0x80000000ULL
#define TOP_BASE	(0ULL - RAM_SIZE) /* RAM's last byte is 2^64 - 1 */
#define MAX_MAPS	(3 + 1 + VIRTQ_MAX_SEGS) /* per call */
#define MAX_HOSTILE	32

static uint8_t *ram;
static uint64_t base;
static struct virtq q;
static struct virtq_chain chain;

static struct {
	unsigned int calls;
	uint64_t gpa[MAX_MAPS], len[MAX_MAPS];
	/* the hostile guest's writes, one per map(), round robin */
	unsigned int nhostile, next_hostile;
	uint16_t hostile_off[MAX_HOSTILE];
	uint8_t hostile_byte[MAX_HOSTILE];
} maps;

static bool in_ram(uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - base;

	return gpa >= base && off <= RAM_SIZE && len <= RAM_SIZE - off;
}

/* A write by the guest while virtq.c runs: RAM may be poisoned there */
static void hostile_write(void)
{
	uint8_t *p = ram + maps.hostile_off[maps.next_hostile] % RAM_SIZE;
	bool poisoned = __asan_address_is_poisoned(p);

	ASAN_UNPOISON_MEMORY_REGION(p, 1);
	*p = maps.hostile_byte[maps.next_hostile];
	if (poisoned)
		ASAN_POISON_MEMORY_REGION(p, 1);
	maps.next_hostile = (maps.next_hostile + 1) % maps.nhostile;
}

static void *fuzz_map(void *ctx, uint64_t gpa, uint64_t len)
{
	uint8_t *hva;

	FUZZ_CHECK(ctx == &maps);
	FUZZ_CHECK(len > 0 && len <= UINT32_MAX && gpa + len > gpa);
	FUZZ_CHECK(maps.calls < MAX_MAPS);
	maps.gpa[maps.calls] = gpa;
	maps.len[maps.calls] = len;
	maps.calls++;
	if (maps.nhostile)
		hostile_write();
	if (!in_ram(gpa, len))
		return NULL;
	hva = ram + (gpa - base);
	ASAN_UNPOISON_MEMORY_REGION(hva, len);
	return hva;
}

static const struct virtq_mem mem = { fuzz_map, &maps };

/* Around each call into virtq.c: only what map() returns is reachable */
static void call_begin(void)
{
	maps.calls = 0;
	ASAN_POISON_MEMORY_REGION(ram, RAM_SIZE);
}

static void call_end(void)
{
	ASAN_UNPOISON_MEMORY_REGION(ram, RAM_SIZE);
}

/* ---- guest memory, little-endian, from the harness's side ---------------- */

static uint64_t get(const uint8_t *r, uint64_t off, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)r[off + i] << (8 * i);
	return v;
}

static void put(uint8_t *r, uint64_t off, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		r[off + i] = (uint8_t)(v >> (8 * i));
}

/* ---- the reference: what virtq.h says pop must do ----------------------- */

struct ref_seg {
	uint64_t gpa;
	uint32_t len;
	bool writes;
};

struct ref {
	enum virtq_pop_result result;
	uint16_t head;
	unsigned int nsegs;
	struct ref_seg seg[VIRTQ_MAX_SEGS];
};

static bool ref_rings_ok(void)
{
	uint16_t n = q.size;

	return n && n <= VIRTQ_MAX_SIZE && !(n & (n - 1)) && q.desc % 16 == 0 &&
	       q.avail % 2 == 0 && q.used % 4 == 0 && in_ram(q.desc, 16ULL * n) &&
	       in_ram(q.avail, 6 + 2ULL * n) && in_ram(q.used, 6 + 8ULL * n) &&
	       q.desc + 16ULL * n > q.desc && q.avail + 6 + 2ULL * n > q.avail &&
	       q.used + 6 + 8ULL * n > q.used;
}

/* A buffer or table: no wrap (its end below 2^64) and all in RAM */
static bool ref_range_ok(uint64_t gpa, uint64_t len)
{
	return len <= UINT64_MAX - gpa && in_ram(gpa, len);
}

/*
 * The chain at head, on r (a copy of RAM): collect the descriptors first,
 * marking each one visited (a second visit is a loop), then judge them.
 */
static enum virtq_pop_result ref_walk(const uint8_t *r, uint16_t head, struct ref *out)
{
	static struct { uint64_t addr; uint32_t len; uint16_t flags; } list[2 * VIRTQ_MAX_INDIRECT + 2];
	bool seen[VIRTQ_MAX_INDIRECT > VIRTQ_MAX_SIZE ? VIRTQ_MAX_INDIRECT : VIRTQ_MAX_SIZE];
	uint64_t table = q.desc, total = 0;
	unsigned int n = 0, entries = q.size, i = head;
	bool indirect = false, writable = false;

	memset(seen, 0, sizeof(seen));
	for (;;) {
		uint64_t off = table - base + 16ULL * i;
		uint64_t addr = get(r, off, 8);
		uint32_t len = (uint32_t)get(r, off + 8, 4);
		uint16_t flags = (uint16_t)get(r, off + 12, 2), next = (uint16_t)get(r, off + 14, 2);

		if (seen[i])
			return VIRTQ_POP_BROKEN;
		seen[i] = true;
		if (flags & VIRTQ_DESC_F_INDIRECT) {
			if (!q.indirect || indirect || (flags & VIRTQ_DESC_F_NEXT) || !len ||
			    len % 16 || len / 16 > VIRTQ_MAX_INDIRECT || !ref_range_ok(addr, len))
				return VIRTQ_POP_BROKEN;
			indirect = true;
			table = addr;
			entries = len / 16;
			i = 0;
			memset(seen, 0, sizeof(seen));
			continue;
		}
		list[n].addr = addr;
		list[n].len = len;
		list[n].flags = flags;
		n++;
		if (!(flags & VIRTQ_DESC_F_NEXT))
			break;
		if (next >= entries)
			return VIRTQ_POP_BROKEN;
		i = next;
	}
	out->head = head;
	out->nsegs = 0;
	for (unsigned int k = 0; k < n; k++) {
		bool writes = list[k].flags & VIRTQ_DESC_F_WRITE;

		if (!writes && writable)
			return VIRTQ_POP_BROKEN;
		writable |= writes;
		if (!list[k].len)
			continue;
		total += list[k].len;
		if (out->nsegs == VIRTQ_MAX_SEGS || total > UINT32_MAX ||
		    !ref_range_ok(list[k].addr, list[k].len))
			return VIRTQ_POP_BROKEN;
		out->seg[out->nsegs++] = (struct ref_seg){ list[k].addr, list[k].len, writes };
	}
	return VIRTQ_POP_CHAIN;
}

/* The device's wish as the model keeps it (used->flags without EVENT_IDX) */
static bool model_notify_off;

static void ref_pop(struct ref *out)
{
	static uint8_t copy[RAM_SIZE];
	uint16_t avail_idx;

	out->result = VIRTQ_POP_BROKEN;
	if (!ref_rings_ok())
		return;
	memcpy(copy, ram, RAM_SIZE);
	avail_idx = (uint16_t)get(copy, q.avail - base + 2, 2);
	if (avail_idx == q.last_avail) {
		/* notifications asked for again, then a second look */
		if (q.event_idx)
			put(copy, q.used - base + 4 + 8ULL * q.size, q.last_avail, 2);
		else if (model_notify_off)
			put(copy, q.used - base, 0, 2);
		avail_idx = (uint16_t)get(copy, q.avail - base + 2, 2);
		if (avail_idx == q.last_avail) {
			out->result = VIRTQ_POP_EMPTY;
			return;
		}
	}
	/* at most size outstanding, and none taken back: used <= last_avail <= avail <= used + size */
	if ((uint16_t)(avail_idx - q.used_idx) > q.size ||
	    (uint16_t)(q.last_avail - q.used_idx) > (uint16_t)(avail_idx - q.used_idx))
		return;
	out->head = (uint16_t)get(copy, q.avail - base + 4 + 2ULL * (q.last_avail % q.size), 2);
	if (out->head >= q.size)
		return;
	out->result = ref_walk(copy, out->head, out);
}

/* ---- the run ------------------------------------------------------------- */

struct inflight {
	uint16_t head;
	uint32_t writable;
};

static struct inflight inflight[VIRTQ_MAX_SIZE];
static unsigned int ninflight;
static uint16_t notify_from; /* used->idx at the last virtq_needs_notify() */
static bool hostile;

/* A chain from virtq_pop(): its shape, and each segment a range map() gave */
static void check_chain(void)
{
	uint64_t readable = 0, writable = 0;
	bool writes = false;

	FUZZ_CHECK(chain.head < q.size);
	FUZZ_CHECK(chain.nsegs <= VIRTQ_MAX_SEGS);
	for (unsigned int i = 0; i < chain.nsegs; i++) {
		const struct virtq_seg *s = &chain.seg[i];
		bool from_map = false;

		FUZZ_CHECK(s->len > 0);
		FUZZ_CHECK(in_ram(s->gpa, s->len));
		FUZZ_CHECK((uint8_t *)s->hva == ram + (s->gpa - base));
		for (unsigned int k = 0; k < maps.calls; k++)
			from_map |= maps.gpa[k] == s->gpa && maps.len[k] == s->len;
		FUZZ_CHECK(from_map);
		FUZZ_CHECK(s->device_writes || !writes);
		writes |= s->device_writes;
		*(s->device_writes ? &writable : &readable) += s->len;
	}
	FUZZ_CHECK(readable == chain.readable && writable == chain.writable);
	FUZZ_CHECK(readable + writable <= UINT32_MAX);
}

static void check_against_ref(enum virtq_pop_result got, const struct ref *want)
{
	FUZZ_CHECK(got == want->result);
	if (got != VIRTQ_POP_CHAIN)
		return;
	FUZZ_CHECK(chain.head == want->head && chain.nsegs == want->nsegs);
	for (unsigned int i = 0; i < chain.nsegs; i++)
		FUZZ_CHECK(chain.seg[i].gpa == want->seg[i].gpa &&
			   chain.seg[i].len == want->seg[i].len &&
			   chain.seg[i].device_writes == want->seg[i].writes);
}

/* The device fills what it may write: it must be guest RAM, and nothing else breaks */
static void device_writes(void)
{
	for (unsigned int i = 0; i < chain.nsegs; i++)
		if (chain.seg[i].device_writes)
			memset(chain.seg[i].hva, 0x5a, chain.seg[i].len);
}

/* A pop, checked; the run ends when it says BROKEN */
static enum virtq_pop_result op_pop(void)
{
	struct virtq before = q;
	uint16_t used_flags = 0;
	const char *why = NULL;
	enum virtq_pop_result r;
	struct ref want;

	FUZZ_CHECK(q.notify_off == model_notify_off);
	if (!hostile)
		ref_pop(&want);
	if (ref_rings_ok())
		used_flags = (uint16_t)get(ram, q.used - base, 2);
	call_begin();
	r = virtq_pop(&q, &mem, &chain, &why);
	call_end();
#ifdef FUZZ_TRACE
	fprintf(stderr, "pop -> %s %s (head %u, %u segs, %u+%u bytes)\n",
		r == VIRTQ_POP_CHAIN ? "chain" : r == VIRTQ_POP_EMPTY ? "empty" : "broken",
		why ? why : "", chain.head, chain.nsegs, chain.readable, chain.writable);
#endif
	if (!hostile)
		check_against_ref(r, &want);
	switch (r) {
	case VIRTQ_POP_BROKEN:
		FUZZ_CHECK(why && why[0] && q.broken == why);
		FUZZ_CHECK(q.last_avail == before.last_avail && q.used_idx == before.used_idx);
		return r;
	case VIRTQ_POP_EMPTY:
		FUZZ_CHECK(q.last_avail == before.last_avail && !q.broken);
		/* a hostile guest may have written the fields since virtq.c did */
		if (q.event_idx && !hostile) {
			FUZZ_CHECK(get(ram, q.used - base + 4 + 8ULL * q.size, 2) == q.last_avail);
			FUZZ_CHECK(get(ram, q.used - base, 2) == used_flags);
		} else if (!q.event_idx) {
			FUZZ_CHECK(!q.notify_off);
			FUZZ_CHECK(hostile || !model_notify_off || get(ram, q.used - base, 2) == 0);
		}
		model_notify_off = false;
		break;
	case VIRTQ_POP_CHAIN:
		FUZZ_CHECK(q.last_avail == (uint16_t)(before.last_avail + 1) && !q.broken);
		FUZZ_CHECK((uint16_t)(q.last_avail - q.used_idx) <= q.size);
		FUZZ_CHECK(ninflight < q.size && ninflight < VIRTQ_MAX_SIZE);
		check_chain();
		inflight[ninflight++] = (struct inflight){ chain.head, chain.writable };
		if (q.event_idx) {
			FUZZ_CHECK(hostile || get(ram, q.used - base, 2) == used_flags);
		} else {
			/* written when it changes (the guest may scribble on it after) */
			FUZZ_CHECK(q.notify_off);
			if (!hostile && !model_notify_off)
				FUZZ_CHECK(get(ram, q.used - base, 2) == VIRTQ_USED_F_NO_NOTIFY);
			model_notify_off = true;
		}
		device_writes();
		break;
	}
	return r;
}

static void op_push(uint8_t pick, uint32_t written_seed)
{
	uint16_t idx = q.used_idx;
	struct inflight f;
	uint32_t written;
	int rc;

	if (!ninflight)
		return;
	pick %= ninflight;
	f = inflight[pick];
	inflight[pick] = inflight[--ninflight];
	written = f.writable == UINT32_MAX ? written_seed : written_seed % (f.writable + 1);
	call_begin();
	rc = virtq_push(&q, &mem, f.head, written);
	call_end();
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(q.used_idx == (uint16_t)(idx + 1));
	FUZZ_CHECK(get(ram, q.used - base + 2, 2) == q.used_idx);
	FUZZ_CHECK(get(ram, q.used - base + 4 + 8ULL * (idx % q.size), 4) == f.head);
	FUZZ_CHECK(get(ram, q.used - base + 8 + 8ULL * (idx % q.size), 4) == written);
}

/* Pushes the device must not make: nothing written, nothing changed */
static void op_bad_push(uint8_t beyond)
{
	static uint8_t copy[RAM_SIZE];
	struct virtq before = q;

	memcpy(copy, ram, RAM_SIZE);
	call_begin();
	FUZZ_CHECK(virtq_push(&q, &mem, (uint16_t)(q.size + beyond), 0) == -1);
	if (!ninflight)
		FUZZ_CHECK(virtq_push(&q, &mem, 0, 0) == -1);
	call_end();
	FUZZ_CHECK(!memcmp(&before, &q, sizeof(q)));
	if (!hostile)
		FUZZ_CHECK(!memcmp(copy, ram, RAM_SIZE));
}

static void op_needs_notify(void)
{
	uint16_t published = q.used_idx - notify_from;
	bool got, want;

	call_begin();
	got = virtq_needs_notify(&q, &mem, notify_from);
	call_end();
	if (!published) {
		want = false;
	} else if (!q.event_idx) {
		want = !(get(ram, q.avail - base, 2) & VIRTQ_AVAIL_F_NO_INTERRUPT);
	} else {
		uint16_t used_event = (uint16_t)get(ram, q.avail - base + 4 + 2ULL * q.size, 2);

		want = (uint16_t)(used_event - notify_from) < published;
	}
	FUZZ_CHECK(got == want);
	notify_from = q.used_idx;
}

/* The guest writes a few bytes of RAM */
static void op_guest_write(struct fuzz_input *in)
{
	uint16_t off = (uint16_t)fuzz_bytes(in, 2);
	unsigned int n = fuzz_u8(in) % 17;

	for (unsigned int i = 0; i < n; i++)
		ram[(off + i) % RAM_SIZE] = fuzz_u8(in);
}

/* The guest publishes n more chains (or takes some back: idx may go anywhere) */
static void op_guest_publish(uint8_t n)
{
	uint64_t off = q.avail - base + 2;

	if (off + 2 <= RAM_SIZE)
		put(ram, off, get(ram, off, 2) + n, 2);
}

static void check_broken_stays(void)
{
	const char *why = NULL;

	call_begin();
	FUZZ_CHECK(virtq_pop(&q, &mem, &chain, &why) == VIRTQ_POP_BROKEN && why == q.broken);
	FUZZ_CHECK(virtq_push(&q, &mem, 0, 0) == -1);
	FUZZ_CHECK(!virtq_needs_notify(&q, &mem, (uint16_t)(q.used_idx - 1)));
	FUZZ_CHECK(maps.calls == 0);
	call_end();
}

static uint16_t queue_size(struct fuzz_input *in)
{
	uint8_t b = fuzz_u8(in);

	return b < 0xf0 ? (uint16_t)(1u << (b % 9)) : (uint16_t)fuzz_bytes(in, 2);
}

static void setup(struct fuzz_input *in)
{
	uint8_t mode, pending;
	uint16_t start;
	size_t image;

	memset(ram, 0, RAM_SIZE);
	memset(&maps, 0, sizeof(maps));
	q = (struct virtq){ .size = queue_size(in) };
	mode = fuzz_u8(in);
	q.event_idx = mode & 1;
	q.indirect = mode & 2;
	hostile = mode & 4;
	base = mode & 8 ? TOP_BASE : LOW_BASE;
	start = (uint16_t)fuzz_bytes(in, 2);
	q.last_avail = q.used_idx = notify_from = start;
	pending = fuzz_u8(in);
	q.desc = base + fuzz_bytes(in, 2);
	q.avail = base + fuzz_bytes(in, 2);
	q.used = base + fuzz_bytes(in, 2);
	image = fuzz_bytes(in, 2);
	if (image > RAM_SIZE)
		image = RAM_SIZE;
	if (image > in->size - in->pos)
		image = in->size - in->pos;
	memcpy(ram, in->data + in->pos, image);
	in->pos += image;
	if (pending != 0xff && q.avail - base + 4 <= RAM_SIZE)
		put(ram, q.avail - base + 2, (uint16_t)(start + pending), 2);
	if (hostile) {
		maps.nhostile = 1 + fuzz_u8(in) % MAX_HOSTILE;
		for (unsigned int i = 0; i < maps.nhostile; i++) {
			maps.hostile_off[i] = (uint16_t)fuzz_bytes(in, 2);
			maps.hostile_byte[i] = fuzz_u8(in);
		}
	}
	ninflight = 0;
	model_notify_off = false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size, 0 };
	const char *why = NULL;
	bool ok;

	if (!ram)
		ram = aligned_alloc(4096, RAM_SIZE);
	setup(&in);
	call_begin();
	ok = virtq_check(&q, &mem, &why) == 0;
	call_end();
#ifdef FUZZ_TRACE
	fprintf(stderr, "size %u, check: %s\n", q.size, ok ? "ok" : why);
#endif
	FUZZ_CHECK(ok == ref_rings_ok());
	if (!ok) {
		FUZZ_CHECK(why && why[0]);
		/* a transport that did not check: pop refuses as well */
		FUZZ_CHECK(op_pop() == VIRTQ_POP_BROKEN);
		check_broken_stays();
		return 0;
	}
	while (fuzz_more(&in)) {
		uint8_t op = fuzz_u8(&in);

		switch (op % 8) {
		case 0: case 1: case 2:
			if (op_pop() == VIRTQ_POP_BROKEN) {
				check_broken_stays();
				return 0;
			}
			break;
		case 3:
			op_push(fuzz_u8(&in), fuzz_u32(&in));
			break;
		case 4:
			op_needs_notify();
			break;
		case 5:
			op_guest_write(&in);
			break;
		case 6:
			op_guest_publish(fuzz_u8(&in));
			break;
		default:
			op_bad_push(fuzz_u8(&in));
			break;
		}
	}
	/*
	 * The device finishes: pop and push until empty or broken. At most
	 * size chains, as at most size are outstanding; a hostile guest may
	 * publish more meanwhile, so it is cut short.
	 */
	for (unsigned int n = 0; n <= 2u * q.size; n++) {
		enum virtq_pop_result r = op_pop();

		if (r == VIRTQ_POP_BROKEN) {
			check_broken_stays();
			return 0;
		}
		if (r == VIRTQ_POP_EMPTY)
			break;
		FUZZ_CHECK(hostile || n < q.size);
		while (ninflight)
			op_push(0, 0);
	}
	op_needs_notify();
	return 0;
}
