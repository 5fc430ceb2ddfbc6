/*
 * Two VMs on Keel's switch (docs/virtio.md, "The switch"), each with a
 * virtio-net card driven by this guest's own small driver: VM "a" says
 * hello by broadcast, VM "b" answers to the address it learnt from it,
 * then "a" sends ECHOES numbered frames to "b", which sends each back;
 * "a" checks every one came back whole, in order. Raw Ethernet frames of
 * the local experimental EtherType 0x88b5, no IP.
 * Bootargs: keel.role=a|b. Paging is off: a guest address is physical.
 */
#include "console.h"
#include "fdt.h"
#include "test.h"
#include "virtio_defs.h"

#define NET_BASE 0x10001000UL
#define QSIZE 16
#define BUF_SIZE (VIRTIO_NET_HDR_SIZE + VIRTIO_NET_FRAME_MAX)
#define ETHERTYPE 0x88b5
#define ECHOES 64
#define PAYLOAD 200
#define WAIT_LOOPS 200000000UL
#define DESC_F_WRITE 2

struct desc {
	unsigned long long addr;
	unsigned int len;
	unsigned short flags, next;
};
struct avail {
	unsigned short flags, idx, ring[QSIZE], used_event;
};
struct used {
	unsigned short flags;
	volatile unsigned short idx;
	struct {
		unsigned int id, len;
	} ring[QSIZE];
	unsigned short avail_event;
};
struct queue {
	struct desc desc[QSIZE] __attribute__((aligned(16)));
	struct avail avail __attribute__((aligned(4)));
	struct used used __attribute__((aligned(4)));
	unsigned short last_used;
	unsigned char buf[QSIZE][BUF_SIZE];
};

static struct queue rxq, txq;
static unsigned char my_mac[6], peer_mac[6];
static const unsigned char broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static unsigned int rd(unsigned int off)
{
	return *(volatile unsigned int *)(NET_BASE + off);
}

static void wr(unsigned int off, unsigned int v)
{
	*(volatile unsigned int *)(NET_BASE + off) = v;
}

static void barrier(void)
{
	__sync_synchronize();
}

static void copy(void *dst, const void *src, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		((unsigned char *)dst)[i] = ((const unsigned char *)src)[i];
}

static int same(const void *a, const void *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (((const unsigned char *)a)[i] != ((const unsigned char *)b)[i])
			return 0;
	return 1;
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

/* Give receive buffer i to the device */
static void rx_post(unsigned int i)
{
	rxq.desc[i] = (struct desc){ (unsigned long)rxq.buf[i], BUF_SIZE, DESC_F_WRITE, 0 };
	rxq.avail.ring[rxq.avail.idx % QSIZE] = (unsigned short)i;
	barrier();
	rxq.avail.idx++;
}

static int init(void)
{
	unsigned int st = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;

	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, st);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1U << VIRTIO_NET_F_MAC | 1U << VIRTIO_NET_F_STATUS);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 1U << (VIRTIO_F_VERSION_1 - 32));
	wr(VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
		return 0;
	queue_setup(VIRTIO_NET_RXQ, &rxq);
	queue_setup(VIRTIO_NET_TXQ, &txq);
	for (unsigned int i = 0; i < QSIZE; i++)
		rx_post(i);
	wr(VIRTIO_MMIO_STATUS, st | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
	for (unsigned int i = 0; i < 6; i++)
		my_mac[i] = *(volatile unsigned char *)(NET_BASE + VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_MAC + i);
	return rd(VIRTIO_MMIO_STATUS) == (st | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

/* One frame to dst: header, then the Ethernet frame, in one buffer; waits for it to go */
static int send(const unsigned char *dst, unsigned int seq, const unsigned char *payload)
{
	unsigned int slot = txq.avail.idx % QSIZE;
	unsigned char *b = txq.buf[slot], *f = b + VIRTIO_NET_HDR_SIZE;

	for (unsigned int i = 0; i < VIRTIO_NET_HDR_SIZE; i++)
		b[i] = 0;
	copy(f, dst, 6);
	copy(f + 6, my_mac, 6);
	f[12] = ETHERTYPE >> 8;
	f[13] = ETHERTYPE & 0xff;
	f[14] = (unsigned char)seq;
	f[15] = (unsigned char)(seq >> 8);
	copy(f + 16, payload, PAYLOAD);
	txq.desc[slot] = (struct desc){ (unsigned long)b, VIRTIO_NET_HDR_SIZE + 16 + PAYLOAD, 0, 0 };
	txq.avail.ring[slot] = (unsigned short)slot;
	barrier();
	txq.avail.idx++;
	barrier();
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_TXQ);
	for (unsigned long i = 0; i < WAIT_LOOPS && txq.used.idx == txq.last_used; i++)
		barrier();
	if (txq.used.idx == txq.last_used)
		return 0;
	txq.last_used++;
	return 1;
}

/* The next frame of ours that arrives: its sequence number, or -1 after a long wait */
static int receive(unsigned char *src, unsigned char *payload)
{
	for (unsigned long n = 0; n < WAIT_LOOPS; n++) {
		unsigned int id, len;
		unsigned char *f;

		barrier();
		if (rxq.used.idx == rxq.last_used)
			continue;
		id = rxq.used.ring[rxq.last_used % QSIZE].id;
		len = rxq.used.ring[rxq.last_used % QSIZE].len;
		rxq.last_used++;
		f = rxq.buf[id] + VIRTIO_NET_HDR_SIZE;
		if (len == VIRTIO_NET_HDR_SIZE + 16 + PAYLOAD && f[12] == ETHERTYPE >> 8 &&
		    f[13] == (ETHERTYPE & 0xff)) {
			int seq = f[14] | f[15] << 8;

			copy(src, f + 6, 6);
			copy(payload, f + 16, PAYLOAD);
			rx_post(id);
			barrier();
			wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
			return seq;
		}
		rx_post(id); /* someone else's frame: the buffer goes back */
		wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
	}
	return -1;
}

static void fill(unsigned char *p, unsigned int seq)
{
	for (unsigned int i = 0; i < PAYLOAD; i++)
		p[i] = (unsigned char)(seq * 31 + i);
}

static void role_a(void)
{
	unsigned char payload[PAYLOAD], got[PAYLOAD], src[6];
	unsigned int ok = 0;
	int seq;

	fill(payload, 0xffff);
	CHECK(send(broadcast, 0xffff, payload), "hello sent by broadcast");
	seq = receive(peer_mac, got);
	CHECK_EQ(seq, 0xfffe, "b answered the hello, to our address");
	for (unsigned int i = 0; i < ECHOES; i++) {
		fill(payload, i);
		if (!send(peer_mac, i, payload))
			break;
		seq = receive(src, got);
		ok += seq == (int)i && same(got, payload, PAYLOAD) && same(src, peer_mac, 6);
	}
	CHECK_EQ(ok, ECHOES, "%u frames sent to b came back whole and in order", ECHOES);
}

static void role_b(void)
{
	unsigned char payload[PAYLOAD], src[6];
	unsigned int echoed = 0;
	int seq = receive(peer_mac, payload);

	CHECK_EQ(seq, 0xffff, "a's hello arrived (broadcast)");
	fill(payload, 0xfffe);
	CHECK(send(peer_mac, 0xfffe, payload), "answer sent to a's address");
	while (echoed < ECHOES && (seq = receive(src, payload)) >= 0)
		echoed += send(src, (unsigned int)seq, payload);
	CHECK_EQ(echoed, ECHOES, "every frame from a sent back");
}

int main(unsigned long hartid, const void *dtb)
{
	int len;
	const char *args = fdt_prop(dtb, "chosen", "bootargs", &len);
	int b = bootarg_is(args, "keel.role", "b");

	(void)hartid;
	CHECK_EQ(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET, "a virtio-net card at 0x%lx", NET_BASE);
	CHECK(init(), "set-up: MAC and STATUS, two queues, DRIVER_OK");
	CHECK(!(my_mac[0] & 1) && (my_mac[0] & 2), "its address %02x:%02x:%02x:%02x:%02x:%02x is "
	      "unicast, locally administered", my_mac[0], my_mac[1], my_mac[2], my_mac[3], my_mac[4],
	      my_mac[5]);
	CHECK_EQ(*(volatile unsigned short *)(NET_BASE + VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_STATUS),
		 VIRTIO_NET_S_LINK_UP, "link up");
	if (b)
		role_b();
	else
		role_a();
	test_finish();
}
