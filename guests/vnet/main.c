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
#include "virtq_drv.h"

#define QSIZE 16
#define ETHERTYPE 0x88b5
#define ECHOES 64
#define PAYLOAD 200
#define WAIT_LOOPS 200000000UL

static struct vq rxq, txq;
static unsigned char my_mac[6], peer_mac[6];
static const unsigned char broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

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

static int init(void)
{
	if (!vq_negotiate(1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS |
			  1ULL << VIRTIO_F_VERSION_1))
		return 0;
	vq_setup(VIRTIO_NET_RXQ, &rxq, QSIZE);
	vq_setup(VIRTIO_NET_TXQ, &txq, QSIZE);
	for (unsigned int i = 0; i < QSIZE; i++)
		vq_post_rx(&rxq, i);
	if (!vq_driver_ok())
		return 0;
	vq_wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
	for (unsigned int i = 0; i < 6; i++)
		my_mac[i] = *(volatile unsigned char *)(vq_mmio_base + VIRTIO_MMIO_CONFIG +
							VIRTIO_NET_CFG_MAC + i);
	return 1;
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
	return vq_send(VIRTIO_NET_TXQ, &txq, slot, VIRTIO_NET_HDR_SIZE + 16 + PAYLOAD);
}

/* The next frame of ours that arrives: its sequence number, or -1 after a long wait */
static int receive(unsigned char *src, unsigned char *payload)
{
	for (unsigned long n = 0; n < WAIT_LOOPS; n++) {
		unsigned int len;
		int id = vq_next_used(&rxq, &len);
		unsigned char *f;

		if (id < 0)
			continue;
		f = rxq.buf[id] + VIRTIO_NET_HDR_SIZE;
		if (len == VIRTIO_NET_HDR_SIZE + 16 + PAYLOAD && f[12] == ETHERTYPE >> 8 &&
		    f[13] == (ETHERTYPE & 0xff)) {
			int seq = f[14] | f[15] << 8;

			copy(src, f + 6, 6);
			copy(payload, f + 16, PAYLOAD);
			vq_post_rx(&rxq, (unsigned int)id); /* read: the buffer goes back */
			vq_wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
			return seq;
		}
		vq_post_rx(&rxq, (unsigned int)id); /* someone else's frame */
		vq_wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
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
	CHECK_EQ(vq_rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_NET, "a virtio-net card at 0x%lx", vq_mmio_base);
	CHECK(init(), "set-up: MAC and STATUS, two queues, DRIVER_OK");
	CHECK(!(my_mac[0] & 1) && (my_mac[0] & 2), "its address %02x:%02x:%02x:%02x:%02x:%02x is "
	      "unicast, locally administered", my_mac[0], my_mac[1], my_mac[2], my_mac[3], my_mac[4],
	      my_mac[5]);
	CHECK_EQ(*(volatile unsigned short *)(vq_mmio_base + VIRTIO_MMIO_CONFIG + VIRTIO_NET_CFG_STATUS),
		 VIRTIO_NET_S_LINK_UP, "link up");
	if (b)
		role_b();
	else
		role_a();
	test_finish();
}
