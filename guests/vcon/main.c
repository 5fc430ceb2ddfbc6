/*
 * A VM's console over virtio-console (docs/virtio.md): this guest's own
 * driver writes a line through the transmit queue, which Keel puts on the
 * VM's line of the shared console, then reads what is typed for the VM
 * through the receive queue and writes it back ("got: ..."), so the test
 * sees both ways. Paging is off: a guest address is physical.
 */
#include "console.h"
#include "test.h"
#include "virtio_defs.h"

#define CON_BASE 0x10001000UL
#define QSIZE 8
#define BUF 64
#define RXQ 0
#define TXQ 1
#define DESC_F_WRITE 2
#define WAIT_LOOPS 400000000UL

struct desc {
	unsigned long long addr;
	unsigned int len;
	unsigned short flags, next;
};
struct queue {
	struct desc desc[QSIZE] __attribute__((aligned(16)));
	struct {
		unsigned short flags, idx, ring[QSIZE], used_event;
	} avail __attribute__((aligned(4)));
	struct {
		unsigned short flags;
		volatile unsigned short idx;
		struct {
			unsigned int id, len;
		} ring[QSIZE];
		unsigned short avail_event;
	} used __attribute__((aligned(4)));
	unsigned short last_used;
	char buf[QSIZE][BUF];
};

static struct queue rxq, txq;

static unsigned int rd(unsigned int off)
{
	return *(volatile unsigned int *)(CON_BASE + off);
}

static void wr(unsigned int off, unsigned int v)
{
	*(volatile unsigned int *)(CON_BASE + off) = v;
}

static void queue_setup(unsigned int q, struct queue *vq)
{
	unsigned long d = (unsigned long)vq->desc, a = (unsigned long)&vq->avail,
		      u = (unsigned long)&vq->used;

	wr(VIRTIO_MMIO_QUEUE_SEL, q);
	wr(VIRTIO_MMIO_QUEUE_NUM, QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (unsigned int)d);
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (unsigned int)(d >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (unsigned int)a);
	wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (unsigned int)(a >> 32));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (unsigned int)u);
	wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (unsigned int)(u >> 32));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

static void rx_post(unsigned int i)
{
	rxq.desc[i] = (struct desc){ (unsigned long)rxq.buf[i], BUF, DESC_F_WRITE, 0 };
	rxq.avail.ring[rxq.avail.idx % QSIZE] = (unsigned short)i;
	__sync_synchronize();
	rxq.avail.idx++;
}

static int init(void)
{
	unsigned int st = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;

	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, st);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1U << (VIRTIO_F_VERSION_1 - 32));
	wr(VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_FEATURES_OK);
	queue_setup(RXQ, &rxq);
	queue_setup(TXQ, &txq);
	for (unsigned int i = 0; i < QSIZE; i++)
		rx_post(i);
	wr(VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, RXQ);
	return rd(VIRTIO_MMIO_STATUS) == (st | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static int put(const char *s, unsigned int n)
{
	unsigned int slot = txq.avail.idx % QSIZE;

	for (unsigned int i = 0; i < n && i < BUF; i++)
		txq.buf[slot][i] = s[i];
	txq.desc[slot] = (struct desc){ (unsigned long)txq.buf[slot], n < BUF ? n : BUF, 0, 0 };
	txq.avail.ring[slot] = (unsigned short)slot;
	__sync_synchronize();
	txq.avail.idx++;
	__sync_synchronize();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, TXQ);
	for (unsigned long i = 0; i < WAIT_LOOPS && txq.used.idx == txq.last_used; i++)
		__sync_synchronize();
	if (txq.used.idx == txq.last_used)
		return 0;
	txq.last_used++;
	return 1;
}

/* Typed bytes until a newline or a full line: how many */
static unsigned int get_line(char *line, unsigned int size)
{
	unsigned int n = 0;

	for (unsigned long w = 0; w < WAIT_LOOPS && n < size - 1; w++) {
		unsigned int id, len;

		__sync_synchronize();
		if (rxq.used.idx == rxq.last_used)
			continue;
		id = rxq.used.ring[rxq.last_used % QSIZE].id;
		len = rxq.used.ring[rxq.last_used % QSIZE].len;
		rxq.last_used++;
		for (unsigned int i = 0; i < len && n < size - 1; i++) {
			char c = rxq.buf[id][i];

			if (c == '\r' || c == '\n') {
				line[n] = 0;
				return n;
			}
			line[n++] = c;
		}
		rx_post(id);
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, RXQ);
	}
	line[n] = 0;
	return n;
}

int main(unsigned long hartid, const void *dtb)
{
	static const char hello[] = "hello over virtio-console\n";
	char line[48], out[64] = "got: ";
	unsigned int n, k = 5;

	(void)hartid;
	(void)dtb;
	CHECK_EQ(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE, "a virtio-console at 0x%lx", CON_BASE);
	CHECK(init(), "set-up: two queues, DRIVER_OK");
	CHECK(put(hello, sizeof(hello) - 1), "a line written through the transmit queue");
	n = get_line(line, sizeof(line));
	CHECK(n > 0, "a line typed for the VM came through the receive queue (%u bytes)", n);
	for (unsigned int i = 0; i < n && k < sizeof(out) - 1; i++)
		out[k++] = line[i];
	out[k++] = '\n';
	CHECK(put(out, k), "and went back out the same way");
	test_finish();
}
