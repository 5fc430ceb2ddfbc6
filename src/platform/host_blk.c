/*
 * Keel's driver for a virtio-blk device of the machine (host_blk.h): the
 * virtio-mmio version 2 transport seen from the driver's side, one queue
 * of HOST_BLK_SLOTS entries, each request one indirect table of its own.
 */
#include <stdio.h>
#include <string.h>

#include "lib/console.h"
#include "lib/memops.h"
#include "mm/mem.h"
#include "platform/host_blk.h"
#include "platform/hw_irq.h"
#include "platform/machine_virtio.h"
#include "platform/platform.h"
#include "platform/platform_dt.h"
#include "riscv.h"
#include "virtio_defs.h"

#define HOST_BLK_MAX 8
#define SECTOR VIRTIO_BLK_SECTOR_SIZE
/* how long a request may take when it is waited for, in polls of the used ring */
#define POLL_LIMIT 4000000000UL
#define ALL_SLOTS ((uint32_t)((1ULL << HOST_BLK_SLOTS) - 1))

struct host_blk_ring {
	struct machine_virtq_desc desc[HOST_BLK_SLOTS]; /* entry i: slot i's indirect table */
	struct {
		uint16_t flags, idx, ring[HOST_BLK_SLOTS], used_event;
	} avail;
	struct {
		uint16_t flags, idx;
		struct {
			uint32_t id, len;
		} ring[HOST_BLK_SLOTS];
		uint16_t avail_event;
	} __attribute__((aligned(4))) used;
};
_Static_assert(sizeof(struct host_blk_ring) <= PAGE_SIZE, "the queue fits a page");

/* One request: the device reads the header, writes the status; the table chains them */
struct host_blk_slot {
	struct machine_virtq_desc table[BLK_IO_MAX_SEGS + 2]; /* header, data..., status */
	struct {
		uint32_t type, reserved;
		uint64_t sector;
	} header;
	uint8_t status;
	bool answered;                          /* without the device (host_blk_submit) */
	uint32_t tag;
};
#define SLOTS_SIZE ((sizeof(struct host_blk_slot) * HOST_BLK_SLOTS + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

static struct host_blk disks[HOST_BLK_MAX];
static unsigned int nr_disks;

static uint32_t rd(const struct host_blk *h, uint32_t off)
{
	return machine_virtio_rd(h->base, off);
}

/* The device's features and its one queue: 0, or -1 with err */
static int set_up(struct host_blk *h, char *err, unsigned long errlen)
{
	uint64_t offered, want;

	if (machine_virtio_begin(h->base, "virtio-blk", &offered, err, errlen))
		return -1;
	if (!(offered >> VIRTIO_RING_F_INDIRECT_DESC & 1)) {
		snprintf(err, errlen, "the machine's virtio-blk at 0x%lx does not offer indirect "
				      "descriptors, which Keel's driver needs", (unsigned long)h->base);
		return -1;
	}
	h->read_only = offered >> VIRTIO_BLK_F_RO & 1;
	h->can_flush = offered >> VIRTIO_BLK_F_FLUSH & 1;
	want = offered & (1ULL << VIRTIO_BLK_F_RO | 1ULL << VIRTIO_BLK_F_FLUSH |
			  1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_F_VERSION_1);
	if (!machine_virtio_accept(h->base, want) ||
	    !machine_virtio_queue(h->base, 0, HOST_BLK_SLOTS, h->ring->desc, &h->ring->avail,
				  &h->ring->used)) {
		snprintf(err, errlen, "the machine's virtio-blk at 0x%lx refused Keel's set-up",
			 (unsigned long)h->base);
		return -1;
	}
	h->size = ((uint64_t)rd(h, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY + 4) << 32 |
		   rd(h, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY)) * SECTOR;
	machine_virtio_ready(h->base);
	return 0;
}

/* The virtio-blk devices of the machine, in device-tree order, once */
static void find_all(void)
{
	static bool looked;
	struct machine_virtio found[HOST_BLK_MAX];

	if (looked)
		return;
	looked = true;
	nr_disks = machine_virtio_find(VIRTIO_ID_BLOCK, found, HOST_BLK_MAX);
	for (unsigned int i = 0; i < nr_disks; i++) {
		disks[i].base = found[i].base;
		disks[i].node = found[i].node;
	}
}

/*
 * The device's line (boot hart): its answers are in the used ring, taken
 * by the owner's hart. Acknowledging drops the line; an answer after it
 * raises it again.
 */
static void interrupt(void *ctx)
{
	struct host_blk *h = ctx;

	machine_virtio_ack(h->base);
	h->interrupts++;
	if (h->wake)
		h->wake(h->wake_ctx);
}

struct host_blk *host_blk_find(unsigned int index, char *err, unsigned long errlen)
{
	struct host_blk *h;
	int source;

	find_all();
	if (index >= nr_disks) {
		snprintf(err, errlen, "the machine has %u virtio-blk disk(s), no disk %u (QEMU: -drive "
				      "file=F,format=raw,if=none,id=d0 -device virtio-blk-device,drive=d0)",
			 nr_disks, index);
		return NULL;
	}
	h = &disks[index];
	if (h->ring)
		return h;
	h->ring = page_alloc(PAGE_SIZE, PAGE_SIZE);
	h->slots = page_alloc(SLOTS_SIZE, PAGE_SIZE);
	if (!h->ring || !h->slots) {
		snprintf(err, errlen, "no memory for the machine's disk %u", index);
		return NULL;
	}
	mem_zero(h->ring, PAGE_SIZE);
	mem_zero(h->slots, SLOTS_SIZE);
	h->free_slots = ALL_SLOTS;
	spinlock_init(&h->lock, LOCK_HOST_DISK);
	if (set_up(h, err, errlen))
		return NULL;
	source = platform_irq_source(platform.fdt, h->node, &platform.console_irq);
	h->has_irq = source > 0 && hw_irq_attach((unsigned int)source, interrupt, h);
	pr_info("machine disk %u: %llu MiB at 0x%lx, %s\n", index,
		(unsigned long long)(h->size >> 20), (unsigned long)h->base,
		h->has_irq ? "answers on its interrupt" : "answers waited for (no interrupt line)");
	return h;
}

/* Chain desc[0..n) of a slot's table; the data segments between header and status */
static unsigned int fill_table(struct host_blk_slot *s, const struct blk_io *io)
{
	unsigned int n = 0;

	s->table[n++] = (struct machine_virtq_desc){ (uintptr_t)&s->header, sizeof(s->header), 0,
						     0 };
	for (unsigned int i = 0; i < io->nsegs; i++)
		s->table[n++] = (struct machine_virtq_desc){
			io->seg[i].addr, io->seg[i].len,
			io->seg[i].device_writes ? VIRTQ_DESC_F_WRITE : 0, 0
		};
	s->table[n++] = (struct machine_virtq_desc){ (uintptr_t)&s->status, 1, VIRTQ_DESC_F_WRITE,
						     0 };
	for (unsigned int i = 0; i + 1 < n; i++) {
		s->table[i].flags |= VIRTQ_DESC_F_NEXT;
		s->table[i].next = (uint16_t)(i + 1);
	}
	return n;
}

/* Every request answered, or the device given up on after POLL_LIMIT polls */
static void wait_idle(struct host_blk *h)
{
	for (unsigned long i = 0; i < POLL_LIMIT; i++)
		if (__atomic_load_n(&h->ring->used.idx, __ATOMIC_ACQUIRE) == h->avail_idx)
			return;
	if (!h->lost)
		pr_err("the machine's disk at 0x%lx stopped answering: its requests fail from now on\n",
		       (unsigned long)h->base);
	h->lost = true;
}

int host_blk_submit(struct host_blk *h, const struct blk_io *io)
{
	struct host_blk_slot *s;
	unsigned int slot, n;

	spin_lock(&h->lock);
	if (!h->free_slots) {
		spin_unlock(&h->lock);
		return -1;
	}
	slot = (unsigned int)__builtin_ctz(h->free_slots);
	h->free_slots &= ~(1U << slot);
	s = &h->slots[slot];
	s->tag = io->tag;
	s->answered = false;
	h->requests++;
	if (h->lost || io->nsegs > BLK_IO_MAX_SEGS || (io->type == VIRTIO_BLK_T_OUT && h->read_only)) {
		s->status = VIRTIO_BLK_S_IOERR;
		s->answered = true;
	} else if (io->type == VIRTIO_BLK_T_FLUSH && !h->can_flush) {
		/* the device writes through: nothing to wait for */
		s->status = VIRTIO_BLK_S_OK;
		s->answered = true;
	}
	if (s->answered) {
		spin_unlock(&h->lock);
		return 0;
	}
	s->header.type = io->type;
	s->header.reserved = 0;
	s->header.sector = io->sector;
	s->status = 0xff;
	n = fill_table(s, io);
	h->ring->desc[slot] = (struct machine_virtq_desc){
		(uintptr_t)s->table, n * sizeof(struct machine_virtq_desc), VIRTQ_DESC_F_INDIRECT, 0
	};
	h->ring->avail.ring[h->avail_idx % HOST_BLK_SLOTS] = (uint16_t)slot;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&h->ring->avail.idx, ++h->avail_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	machine_virtio_wr(h->base, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	if (!h->has_irq)
		wait_idle(h);
	spin_unlock(&h->lock);
	return 0;
}

unsigned int host_blk_reap(struct host_blk *h, blk_io_done_fn *done, void *ctx)
{
	struct {
		uint32_t tag;
		uint8_t status;
	} answers[HOST_BLK_SLOTS];
	unsigned int n = 0;
	uint16_t used;

	spin_lock(&h->lock);
	for (unsigned int slot = 0; slot < HOST_BLK_SLOTS; slot++) {
		struct host_blk_slot *s = &h->slots[slot];

		if (!(h->free_slots >> slot & 1) && s->answered) {
			answers[n].tag = s->tag;
			answers[n++].status = s->status;
			s->answered = false;
			h->free_slots |= 1U << slot;
		}
	}
	used = __atomic_load_n(&h->ring->used.idx, __ATOMIC_ACQUIRE);
	for (; h->used_seen != used; h->used_seen++) {
		uint32_t slot = h->ring->used.ring[h->used_seen % HOST_BLK_SLOTS].id;

		if (slot >= HOST_BLK_SLOTS || h->free_slots >> slot & 1)
			continue; /* not a request of Keel's: a device's mistake, ignored */
		answers[n].tag = h->slots[slot].tag;
		answers[n++].status = h->slots[slot].status;
		h->free_slots |= 1U << slot;
	}
	spin_unlock(&h->lock);
	for (unsigned int i = 0; i < n; i++) {
		h->errors += answers[i].status != VIRTIO_BLK_S_OK;
		if (done)
			done(ctx, answers[i].tag, answers[i].status);
	}
	return n;
}

void host_blk_drain(struct host_blk *h)
{
	spin_lock(&h->lock);
	wait_idle(h);
	spin_unlock(&h->lock);
	host_blk_reap(h, NULL, NULL);
}
