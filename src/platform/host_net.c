/*
 * Keel's driver for the machine's virtio-net device (host_net.h): two
 * split queues of HOST_NET_QUEUE entries, buffer i of a queue always behind
 * its descriptor i, so a used entry's id names the buffer.
 */
#include <stdio.h>
#include <string.h>

#include "lib/console.h"
#include "lib/memops.h"
#include "mm/mem.h"
#include "platform/host_net.h"
#include "platform/hw_irq.h"
#include "platform/machine_virtio.h"
#include "platform/platform.h"
#include "platform/platform_dt.h"
#include "riscv.h"
#include "virtio_defs.h"

#define BUF_SIZE (VIRTIO_NET_HDR_SIZE + VIRTIO_NET_FRAME_MAX)
#define ALL_BUFS ((uint32_t)((1ULL << HOST_NET_QUEUE) - 1))

/* One queue: its ring on a page, its buffers after it */
struct host_net_queue {
	struct machine_virtq_desc desc[HOST_NET_QUEUE];
	struct {
		uint16_t flags, idx, ring[HOST_NET_QUEUE], used_event;
	} avail;
	struct {
		uint16_t flags, idx;
		struct {
			uint32_t id, len;
		} ring[HOST_NET_QUEUE];
		uint16_t avail_event;
	} __attribute__((aligned(4))) used;
	uint16_t avail_idx, used_seen;
	uint8_t buf[HOST_NET_QUEUE][BUF_SIZE] __attribute__((aligned(64)));
};
#define QUEUE_SIZE ((sizeof(struct host_net_queue) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

static struct host_net card;

/* Buffer id in the avail ring; the device is told by the caller */
static void post(struct host_net_queue *q, unsigned int id)
{
	q->avail.ring[q->avail_idx % HOST_NET_QUEUE] = (uint16_t)id;
	__atomic_store_n(&q->avail.idx, ++q->avail_idx, __ATOMIC_RELEASE);
}

static void notify(const struct host_net *h, unsigned int queue)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	machine_virtio_wr(h->base, VIRTIO_MMIO_QUEUE_NOTIFY, queue);
}

/* With h->lock held: the transmit buffers the device is done with, free again */
static void reclaim_tx(struct host_net *h)
{
	struct host_net_queue *q = h->tx;
	uint16_t used = __atomic_load_n(&q->used.idx, __ATOMIC_ACQUIRE);

	for (; q->used_seen != used; q->used_seen++) {
		uint32_t id = q->used.ring[q->used_seen % HOST_NET_QUEUE].id;

		if (id < HOST_NET_QUEUE)
			h->tx_free |= 1U << id;
	}
}

/* The frames the device wrote: each to receive(), its buffer posted again */
static void take_rx(struct host_net *h)
{
	struct host_net_queue *q = h->rx;
	uint16_t used = __atomic_load_n(&q->used.idx, __ATOMIC_ACQUIRE);
	bool posted = false;

	for (; q->used_seen != used; q->used_seen++) {
		uint32_t id = q->used.ring[q->used_seen % HOST_NET_QUEUE].id;
		uint32_t len = q->used.ring[q->used_seen % HOST_NET_QUEUE].len;

		if (id >= HOST_NET_QUEUE)
			continue; /* not a buffer of Keel's: a device's mistake, ignored */
		if (len > VIRTIO_NET_HDR_SIZE && len <= BUF_SIZE) {
			h->received++;
			h->receive(h->ctx, q->buf[id] + VIRTIO_NET_HDR_SIZE, len - VIRTIO_NET_HDR_SIZE);
		} else {
			h->dropped++;
		}
		post(q, id);
		posted = true;
	}
	if (posted)
		notify(h, VIRTIO_NET_RXQ);
}

/*
 * The device's line (boot hart, whose guest was interrupted: it holds no
 * lock). Frames in are handed on; frames out that went free their buffers,
 * so the caller's waiting frames may go now.
 */
static void interrupt(void *ctx)
{
	struct host_net *h = ctx;

	machine_virtio_ack(h->base);
	h->interrupts++;
	if (!h->receive)
		return;
	take_rx(h);
	h->can_send(h->ctx);
}

static int set_up(struct host_net *h, char *err, unsigned long errlen)
{
	uint64_t offered, want;

	if (machine_virtio_begin(h->base, "virtio-net", &offered, err, errlen))
		return -1;
	want = offered & (1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_NET_F_MAC);
	if (!(want >> VIRTIO_F_VERSION_1 & 1) || !machine_virtio_accept(h->base, want) ||
	    !machine_virtio_queue(h->base, VIRTIO_NET_RXQ, HOST_NET_QUEUE, h->rx->desc, &h->rx->avail,
				  &h->rx->used) ||
	    !machine_virtio_queue(h->base, VIRTIO_NET_TXQ, HOST_NET_QUEUE, h->tx->desc, &h->tx->avail,
				  &h->tx->used)) {
		snprintf(err, errlen, "the machine's virtio-net at 0x%lx refused Keel's set-up",
			 (unsigned long)h->base);
		return -1;
	}
	h->has_mac = want >> VIRTIO_NET_F_MAC & 1;
	for (unsigned int i = 0; h->has_mac && i < sizeof(h->mac); i++)
		h->mac[i] = *(volatile uint8_t *)(h->base + VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_MAC + i);
	for (unsigned int i = 0; i < HOST_NET_QUEUE; i++) {
		h->rx->desc[i] = (struct machine_virtq_desc){ (uintptr_t)h->rx->buf[i], BUF_SIZE,
							      VIRTQ_DESC_F_WRITE, 0 };
		h->tx->desc[i] = (struct machine_virtq_desc){ (uintptr_t)h->tx->buf[i], 0, 0, 0 };
	}
	h->tx_free = ALL_BUFS;
	machine_virtio_ready(h->base);
	return 0;
}

struct host_net *host_net_find(char *err, unsigned long errlen)
{
	struct host_net *h = &card;
	struct machine_virtio found;
	int source;

	err[0] = 0;
	if (h->rx)
		return h;
	if (!machine_virtio_find(VIRTIO_ID_NET, &found, 1)) {
		snprintf(err, errlen, "the machine has no virtio-net device");
		return NULL;
	}
	h->base = found.base;
	h->node = found.node;
	source = platform_irq_source(platform.fdt, h->node, &platform.console_irq);
	if (source <= 0) {
		snprintf(err, errlen, "the machine's virtio-net at 0x%lx has no interrupt line on the "
				      "PLIC Keel serves", (unsigned long)h->base);
		return NULL;
	}
	h->rx = page_alloc(QUEUE_SIZE, PAGE_SIZE);
	h->tx = page_alloc(QUEUE_SIZE, PAGE_SIZE);
	if (!h->rx || !h->tx) {
		snprintf(err, errlen, "no memory for the machine's virtio-net");
		h->rx = NULL;
		return NULL;
	}
	mem_zero(h->rx, QUEUE_SIZE);
	mem_zero(h->tx, QUEUE_SIZE);
	spinlock_init(&h->lock, LOCK_HOST_NET);
	if (set_up(h, err, errlen) || !hw_irq_attach((unsigned int)source, interrupt, h)) {
		if (!err[0])
			snprintf(err, errlen, "the machine's virtio-net at 0x%lx: its interrupt line %d "
					      "cannot be taken", (unsigned long)h->base, source);
		machine_virtio_wr(h->base, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
		h->rx = NULL;
		return NULL;
	}
	return h;
}

void host_net_start(struct host_net *h,
		    void (*receive)(void *ctx, const uint8_t *frame, unsigned int len),
		    void (*can_send)(void *ctx), void *ctx)
{
	h->ctx = ctx;
	h->can_send = can_send;
	__atomic_store_n(&h->receive, receive, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < HOST_NET_QUEUE; i++)
		post(h->rx, i);
	notify(h, VIRTIO_NET_RXQ);
}

unsigned int host_net_send(struct host_net *h, host_net_fill_fn *fill, void *fill_ctx)
{
	struct host_net_queue *q = h->tx;
	unsigned int sent = 0;

	spin_lock(&h->lock);
	reclaim_tx(h);
	while (h->tx_free) {
		unsigned int id = (unsigned int)__builtin_ctz(h->tx_free);
		int len = fill(fill_ctx, q->buf[id] + VIRTIO_NET_HDR_SIZE, VIRTIO_NET_FRAME_MAX);

		if (len < 0)
			break;
		/* no offloads: the header says only "a whole frame" */
		memset(q->buf[id], 0, VIRTIO_NET_HDR_SIZE);
		q->desc[id].len = VIRTIO_NET_HDR_SIZE + (uint32_t)len;
		h->tx_free &= ~(1U << id);
		post(q, id);
		sent++;
	}
	h->sent += sent;
	spin_unlock(&h->lock);
	if (sent)
		notify(h, VIRTIO_NET_TXQ);
	return sent;
}
