/* The VMs' Ethernet switch (net_switch.h). */
#include <string.h>

#include "vdev/net_switch.h"

void net_switch_init(struct net_switch *sw)
{
	memset(sw, 0, sizeof(*sw));
	spinlock_init(&sw->lock, LOCK_NET_SWITCH);
}

int net_switch_attach(struct net_switch *sw, struct net_port *p, struct net_frame *inbox)
{
	int r = -1;

	spin_lock(&sw->lock);
	if (sw->nr_ports < NET_SWITCH_PORTS) {
		p->inbox = inbox;
		p->head = p->tail = 0;
		p->index = sw->nr_ports;
		sw->ports[sw->nr_ports++] = p;
		r = 0;
	}
	spin_unlock(&sw->lock);
	return r;
}

static bool is_group(const uint8_t *mac)
{
	return mac[0] & 1; /* broadcast or multicast */
}

/* With the lock held: remember that mac is behind port */
static void learn(struct net_switch *sw, const uint8_t *mac, unsigned int port)
{
	unsigned int i;

	if (is_group(mac))
		return;
	for (i = 0; i < NET_SWITCH_FDB; i++)
		if (sw->fdb[i].valid && !memcmp(sw->fdb[i].mac, mac, NET_MAC_LEN)) {
			sw->fdb[i].port = (uint8_t)port; /* a VM's address may move */
			return;
		}
	i = sw->fdb_next++ % NET_SWITCH_FDB;
	memcpy(sw->fdb[i].mac, mac, NET_MAC_LEN);
	sw->fdb[i].port = (uint8_t)port;
	sw->fdb[i].valid = true;
}

/* With the lock held: the port mac is behind, or -1 */
static int lookup(const struct net_switch *sw, const uint8_t *mac)
{
	for (unsigned int i = 0; i < NET_SWITCH_FDB; i++)
		if (sw->fdb[i].valid && !memcmp(sw->fdb[i].mac, mac, NET_MAC_LEN))
			return sw->fdb[i].port;
	return -1;
}

/* With the lock held: into p's inbox, or dropped when it is full */
static bool enqueue(struct net_port *p, const uint8_t *frame, unsigned int len)
{
	struct net_frame *f;

	if (p->tail - p->head >= NET_INBOX_FRAMES) {
		p->dropped++;
		return false;
	}
	f = &p->inbox[p->tail % NET_INBOX_FRAMES];
	f->len = (uint16_t)len;
	memcpy(f->data, frame, len);
	__atomic_store_n(&p->tail, p->tail + 1, __ATOMIC_RELEASE);
	return true;
}

unsigned int net_switch_send(struct net_switch *sw, struct net_port *from, const uint8_t *frame,
			     unsigned int len)
{
	unsigned long woken = 0;
	unsigned int got = 0;
	int to;

	spin_lock(&sw->lock);
	if (len < 2 * NET_MAC_LEN || len > VIRTIO_NET_FRAME_MAX) {
		from->dropped++; /* under the lock: other harts count into it too (enqueue) */
		spin_unlock(&sw->lock);
		return 0;
	}
	from->sent++;
	learn(sw, frame + NET_MAC_LEN, from->index);
	to = is_group(frame) ? -1 : lookup(sw, frame);
	if (to >= 0) {
		/* to itself: a frame for its own address is its stack's business, not the wire's */
		if ((unsigned int)to != from->index && enqueue(sw->ports[to], frame, len))
			woken |= 1UL << to;
	} else {
		sw->flooded++;
		for (unsigned int i = 0; i < sw->nr_ports; i++)
			if (i != from->index && enqueue(sw->ports[i], frame, len))
				woken |= 1UL << i;
	}
	spin_unlock(&sw->lock);
	for (unsigned int i = 0; i < NET_SWITCH_PORTS; i++)
		if (woken >> i & 1) {
			got++;
			sw->ports[i]->wake(sw->ports[i]);
		}
	return got;
}

int net_port_take(struct net_switch *sw, struct net_port *p, uint8_t *buf, unsigned int size)
{
	int len = -1;

	spin_lock(&sw->lock);
	if (p->head != p->tail) {
		const struct net_frame *f = &p->inbox[p->head % NET_INBOX_FRAMES];

		if (f->len <= size) {
			memcpy(buf, f->data, f->len);
			len = f->len;
			p->delivered++;
		} else {
			p->dropped++; /* cannot happen: every frame fits VIRTIO_NET_FRAME_MAX */
		}
		p->head++;
	}
	spin_unlock(&sw->lock);
	return len;
}

void net_port_flush(struct net_switch *sw, struct net_port *p)
{
	spin_lock(&sw->lock);
	p->dropped += p->tail - p->head;
	p->head = p->tail;
	spin_unlock(&sw->lock);
}

bool net_port_pending(const struct net_port *p)
{
	return __atomic_load_n(&p->tail, __ATOMIC_ACQUIRE) != __atomic_load_n(&p->head,
									     __ATOMIC_RELAXED);
}

void net_mac_from_name(const char *name, uint8_t mac[NET_MAC_LEN])
{
	uint32_t h = 2166136261U; /* FNV-1a */

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619U;
	/* 02:4b:xx: locally administered, unicast; 4b is 'K' */
	mac[0] = 0x02;
	mac[1] = 0x4b;
	mac[2] = (uint8_t)(h >> 24);
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}
