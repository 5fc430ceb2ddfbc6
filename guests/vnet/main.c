/*
 * Two VMs on Keel's switch (docs/virtio.md, "virtio-net and the switch"), each with a
 * virtio-net card driven by this guest's own small driver: VM "a" says
 * hello by broadcast, VM "b" answers to the address it learnt from it,
 * then "a" sends ECHOES numbered frames to "b", which sends each back;
 * "a" checks every one came back whole, in order. Raw Ethernet frames of
 * the local experimental EtherType 0x88b5, no IP.
 * Bootargs: keel.role=a|b. Paging is off: a guest address is physical.
 *
 * keel.role=uplink: one VM whose switch has the machine's virtio-net as its
 * uplink (docs/virtio.md, "The uplink"), QEMU's user-mode network behind
 * it. As 10.0.2.15 it asks by ARP broadcast for 10.0.2.2 (QEMU's gateway),
 * and pings the address the answer gives: both must come back through
 * Keel from outside the machine.
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

/* ---- keel.role=uplink: ARP and ICMP echo to QEMU's gateway ---- */
#define ETH_ARP 0x0806
#define ETH_IP 0x0800
static const unsigned char my_ip[4] = { 10, 0, 2, 15 }, gateway_ip[4] = { 10, 0, 2, 2 };

/* Ethernet header to dst from us, type; the frame's payload after it */
static unsigned char *frame_start(unsigned char *b, const unsigned char *dst, unsigned int type)
{
	unsigned char *f = b + VIRTIO_NET_HDR_SIZE;

	for (unsigned int i = 0; i < VIRTIO_NET_HDR_SIZE; i++)
		b[i] = 0;
	copy(f, dst, 6);
	copy(f + 6, my_mac, 6);
	f[12] = (unsigned char)(type >> 8);
	f[13] = (unsigned char)type;
	return f + 14;
}

/* The Internet checksum (RFC 1071) of n bytes */
static unsigned int inet_sum(const unsigned char *p, unsigned int n)
{
	unsigned long sum = 0;

	for (unsigned int i = 0; i + 1 < n; i += 2)
		sum += (unsigned int)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (unsigned int)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void put16(unsigned char *p, unsigned int v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

/* A frame that matches want(), copied into out (its length), or 0 after a long wait */
static unsigned int wait_for(int (*want)(const unsigned char *f, unsigned int len), unsigned char *out)
{
	for (unsigned long n = 0; n < WAIT_LOOPS; n++) {
		unsigned int len, got = 0;
		int id = vq_next_used(&rxq, &len);

		if (id < 0)
			continue;
		if (len > VIRTIO_NET_HDR_SIZE && want(rxq.buf[id] + VIRTIO_NET_HDR_SIZE,
						      len - VIRTIO_NET_HDR_SIZE)) {
			got = len - VIRTIO_NET_HDR_SIZE;
			copy(out, rxq.buf[id] + VIRTIO_NET_HDR_SIZE, got);
		}
		vq_post_rx(&rxq, (unsigned int)id);
		vq_wr(VIRTIO_MMIO_QUEUE_NOTIFY, VIRTIO_NET_RXQ);
		if (got)
			return got;
	}
	return 0;
}

/* An ARP reply (op 2) from the gateway's address to ours */
static int is_gateway_arp(const unsigned char *f, unsigned int len)
{
	return len >= 42 && f[12] == ETH_ARP >> 8 && f[13] == (ETH_ARP & 0xff) && f[20] == 0 &&
	       f[21] == 2 && same(f + 28, gateway_ip, 4) && same(f + 32, my_mac, 6);
}

/* An ICMP echo reply (type 0) from the gateway to us, id 0x4b65 */
static int is_echo_reply(const unsigned char *f, unsigned int len)
{
	return len >= 14 + 20 + 8 && f[12] == ETH_IP >> 8 && f[13] == (ETH_IP & 0xff) &&
	       f[14 + 9] == 1 && same(f + 14 + 12, gateway_ip, 4) && same(f + 14 + 16, my_ip, 4) &&
	       f[34] == 0 && f[38] == 0x4b && f[39] == 0x65;
}

static void role_uplink(void)
{
	unsigned char got[VQ_BUF], gw_mac[6];
	unsigned char *p = frame_start(txq.buf[0], broadcast, ETH_ARP);
	unsigned int len, ip_len = 20 + 8 + 32;

	/* who has 10.0.2.2? tell 10.0.2.15 */
	put16(p, 1);          /* Ethernet */
	put16(p + 2, ETH_IP); /* IPv4 */
	p[4] = 6;
	p[5] = 4;
	put16(p + 6, 1); /* request */
	copy(p + 8, my_mac, 6);
	copy(p + 14, my_ip, 4);
	for (unsigned int i = 0; i < 6; i++)
		p[18 + i] = 0;
	copy(p + 24, gateway_ip, 4);
	CHECK(vq_send(VIRTIO_NET_TXQ, &txq, 0, VIRTIO_NET_HDR_SIZE + 14 + 28),
	      "ARP request for 10.0.2.2 sent by broadcast");
	len = wait_for(is_gateway_arp, got);
	if (!CHECK(len, "10.0.2.2 answered the ARP request from outside the machine"))
		return;
	copy(gw_mac, got + 22, 6);
	printf("# 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n", gw_mac[0], gw_mac[1], gw_mac[2],
	       gw_mac[3], gw_mac[4], gw_mac[5]);

	/* ping it: IPv4 header, ICMP echo request id 0x4b65 seq 1, 32 bytes of data */
	p = frame_start(txq.buf[1], gw_mac, ETH_IP);
	p[0] = 0x45;
	p[1] = 0;
	put16(p + 2, ip_len);
	put16(p + 4, 1);
	put16(p + 6, 0x4000); /* don't fragment */
	p[8] = 64;
	p[9] = 1; /* ICMP */
	put16(p + 10, 0);
	copy(p + 12, my_ip, 4);
	copy(p + 16, gateway_ip, 4);
	put16(p + 10, inet_sum(p, 20));
	p += 20;
	p[0] = 8;
	p[1] = 0;
	put16(p + 2, 0);
	put16(p + 4, 0x4b65);
	put16(p + 6, 1);
	for (unsigned int i = 0; i < 32; i++)
		p[8 + i] = (unsigned char)('a' + i % 26);
	put16(p + 2, inet_sum(p, 8 + 32));
	CHECK(vq_send(VIRTIO_NET_TXQ, &txq, 1, VIRTIO_NET_HDR_SIZE + 14 + ip_len),
	      "ICMP echo request to 10.0.2.2 sent");
	len = wait_for(is_echo_reply, got);
	CHECK(len >= 14 + ip_len && same(got + 14 + 28, p + 8, 32),
	      "10.0.2.2's echo reply came back with our 32 bytes");
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
	if (bootarg_is(args, "keel.role", "uplink"))
		role_uplink();
	else if (b)
		role_b();
	else
		role_a();
	test_finish();
}
