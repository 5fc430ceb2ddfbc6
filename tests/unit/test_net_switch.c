/*
 * Tests for src/vdev/net_switch.c, the VMs' Ethernet switch: learning,
 * flooding, the inboxes and their limits.
 */
#include <string.h>

#include "unit.h"
#include "vdev/net_switch.h"

#define PORTS 3

static struct net_switch sw;
static struct net_port port[PORTS];
static struct net_frame inbox[PORTS][NET_INBOX_FRAMES];
static unsigned int woken[PORTS];

static void wake(struct net_port *p)
{
	woken[p->index]++;
}

/* Three ports, 02:00:00:00:00:0N */
static void setup(void)
{
	net_switch_init(&sw);
	memset(port, 0, sizeof(port));
	memset(woken, 0, sizeof(woken));
	for (unsigned int i = 0; i < PORTS; i++) {
		port[i].wake = wake;
		memcpy(port[i].mac, (uint8_t[]){ 2, 0, 0, 0, 0, (uint8_t)(i + 1) }, 6);
		CHECK_EQ(net_switch_attach(&sw, &port[i], inbox[i]), 0);
	}
}

/* A frame from port `from` to dst, its payload byte tag, len bytes in all */
static unsigned int send(unsigned int from, const uint8_t *dst, uint8_t tag, unsigned int len)
{
	uint8_t f[VIRTIO_NET_FRAME_MAX + 8] = { 0 };

	memcpy(f, dst, 6);
	memcpy(f + 6, port[from].mac, 6);
	f[14] = tag;
	return net_switch_send(&sw, &port[from], f, len);
}

static int take(unsigned int p, uint8_t *tag)
{
	uint8_t f[VIRTIO_NET_FRAME_MAX];
	int len = net_port_take(&sw, &port[p], f, sizeof(f));

	if (len >= 15)
		*tag = f[14];
	return len;
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

TEST(unknown_destination_floods_every_other_port)
{
	uint8_t tag = 0;

	setup();
	CHECK_EQ(send(0, port[2].mac, 7, 60), 2);
	CHECK_EQ(woken[0], 0);
	CHECK_EQ(woken[1], 1);
	CHECK_EQ(woken[2], 1);
	CHECK_EQ(take(1, &tag), 60);
	CHECK_EQ(tag, 7);
	CHECK_EQ(take(0, &tag), -1);
	CHECK_EQ(sw.flooded, 1);
}

TEST(learnt_address_goes_to_its_port_only)
{
	uint8_t tag = 0;

	setup();
	send(2, bcast, 1, 60); /* port 2 says who it is */
	take(0, &tag);
	take(1, &tag);
	CHECK_EQ(send(0, port[2].mac, 9, 100), 1);
	CHECK(!net_port_pending(&port[1]));
	CHECK(net_port_pending(&port[2]));
	CHECK_EQ(take(2, &tag), 100);
	CHECK_EQ(tag, 9);
}

TEST(broadcast_and_multicast_are_never_learnt)
{
	uint8_t f[60] = { 0 };

	setup();
	/* a multicast source (a bad frame): nothing learnt, so a later unicast to it floods */
	memcpy(f, bcast, 6);
	f[6] = 1;
	net_switch_send(&sw, &port[0], f, sizeof(f));
	CHECK_EQ(send(1, (uint8_t[]){ 1, 0, 0, 0, 0, 0 }, 3, 60), 2);
}

TEST(full_inbox_drops_and_counts)
{
	uint8_t tag = 0;

	setup();
	send(1, bcast, 0, 60);
	for (unsigned int i = 0; i < NET_INBOX_FRAMES + 5; i++)
		send(0, port[1].mac, (uint8_t)i, 60);
	CHECK_EQ(port[1].dropped, 5);
	for (unsigned int i = 0; i < NET_INBOX_FRAMES; i++) {
		CHECK_EQ(take(1, &tag), 60);
		CHECK_EQ(tag, (uint8_t)i); /* in order, the oldest first */
	}
	CHECK_EQ(take(1, &tag), -1);
}

TEST(flushed_inbox_forgets_its_frames_and_takes_new_ones)
{
	uint8_t tag = 0;

	setup();
	send(1, bcast, 0, 60);
	for (unsigned int i = 0; i < 3; i++)
		send(0, port[1].mac, (uint8_t)i, 60);
	net_port_flush(&sw, &port[1]);
	CHECK(!net_port_pending(&port[1]));
	CHECK_EQ(port[1].dropped, 3);
	CHECK_EQ(take(1, &tag), -1);
	CHECK_EQ(send(0, port[1].mac, 42, 70), 1);
	CHECK_EQ(take(1, &tag), 70);
	CHECK_EQ(tag, 42);
}

TEST(frames_too_short_or_too_long_are_dropped)
{
	setup();
	CHECK_EQ(send(0, bcast, 0, 11), 0);
	CHECK_EQ(send(0, bcast, 0, VIRTIO_NET_FRAME_MAX + 1), 0);
	CHECK_EQ(port[0].dropped, 2);
	CHECK_EQ(send(0, bcast, 0, VIRTIO_NET_FRAME_MAX), 2);
}

TEST(frame_to_its_own_address_stays_home)
{
	setup();
	send(0, bcast, 0, 60);
	CHECK_EQ(send(0, port[0].mac, 0, 60), 0);
}

TEST(a_port_too_many_is_refused)
{
	static struct net_port extra[NET_SWITCH_PORTS];
	static struct net_frame box[NET_INBOX_FRAMES];
	unsigned int ok = 0;

	setup();
	for (unsigned int i = 0; i < NET_SWITCH_PORTS; i++)
		ok += net_switch_attach(&sw, &extra[i], box) == 0;
	CHECK_EQ(ok, NET_SWITCH_PORTS - PORTS);
}

TEST(mac_from_name_is_unicast_local_and_stable)
{
	uint8_t a[6], b[6], c[6];

	net_mac_from_name("linux-a", a);
	net_mac_from_name("linux-a", b);
	net_mac_from_name("linux-b", c);
	CHECK(!(a[0] & 1) && (a[0] & 2));
	CHECK(!memcmp(a, b, 6));
	CHECK(memcmp(a, c, 6));
}
