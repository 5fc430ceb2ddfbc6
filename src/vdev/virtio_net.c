/* A VM's virtio-net card on Keel's switch (virtio_net.h). */
#include <string.h>

#include "vdev/virtio_net.h"

/* The guest's frames, onto the switch; each buffer back with nothing written */
static void transmit(struct virtio_mmio *d)
{
	struct virtio_net *net = d->dev;
	struct virtq *q = &d->q[VIRTIO_NET_TXQ];
	uint16_t used_before = q->used_idx;
	const char *why = NULL;
	enum virtq_pop_result r;

	while ((r = virtq_pop(q, &d->mem, &net->chain, &why)) == VIRTQ_POP_CHAIN) {
		uint32_t len = net->chain.readable;

		/* a frame cut from its header, or too long for the wire, goes nowhere */
		if (len <= VIRTIO_NET_HDR_SIZE || len - VIRTIO_NET_HDR_SIZE > VIRTIO_NET_FRAME_MAX) {
			net->tx_bad++;
		} else {
			len = virtq_chain_copy(&net->chain, false, VIRTIO_NET_HDR_SIZE, net->frame,
					       len - VIRTIO_NET_HDR_SIZE, false);
			net_switch_send(net->sw, &net->port, net->frame, len);
		}
		if (virtq_push(q, &d->mem, net->chain.head, 0)) {
			virtio_mmio_needs_reset(d, "the used ring is not in the guest's RAM");
			return;
		}
	}
	if (r == VIRTQ_POP_BROKEN)
		virtio_mmio_needs_reset(d, why);
	if (q->used_idx != used_before)
		virtio_mmio_used(d, VIRTIO_NET_TXQ, used_before);
}

/*
 * Frames waiting in the port's inbox, into the guest's receive buffers:
 * one frame per buffer chain, behind a header that says one buffer. The
 * queue is popped only with a frame in hand; without a buffer the frame
 * waits (the pop that found the ring empty armed the guest's notify).
 */
static void receive(struct virtio_mmio *d)
{
	struct virtio_net *net = d->dev;
	struct virtq *q = &d->q[VIRTIO_NET_RXQ];
	uint16_t used_before = q->used_idx;
	const char *why = NULL;

	while (net_port_pending(&net->port)) {
		enum virtq_pop_result r = virtq_pop(q, &d->mem, &net->chain, &why);
		int len;

		if (r == VIRTQ_POP_BROKEN)
			virtio_mmio_needs_reset(d, why);
		if (r != VIRTQ_POP_CHAIN)
			break;
		len = net_port_take(net->sw, &net->port, net->frame + VIRTIO_NET_HDR_SIZE,
				    VIRTIO_NET_FRAME_MAX);
		if (len < 0 || net->chain.writable < VIRTIO_NET_HDR_SIZE + (uint32_t)len) {
			/* a buffer too small for the frame: the frame is lost, the buffer returned */
			net->rx_short += len >= 0;
			len = -VIRTIO_NET_HDR_SIZE;
		} else {
			/* no offload, one buffer: a header of zeroes but num_buffers = 1 */
			memset(net->frame, 0, VIRTIO_NET_HDR_SIZE);
			net->frame[VIRTIO_NET_HDR_NUM_BUFFERS] = 1;
			virtq_chain_copy(&net->chain, true, 0, net->frame,
					 VIRTIO_NET_HDR_SIZE + (uint32_t)len, true);
		}
		if (virtq_push(q, &d->mem, net->chain.head, (uint32_t)(VIRTIO_NET_HDR_SIZE + len))) {
			virtio_mmio_needs_reset(d, "the used ring is not in the guest's RAM");
			break;
		}
	}
	if (q->used_idx != used_before)
		virtio_mmio_used(d, VIRTIO_NET_RXQ, used_before);
}

static void net_notify(struct virtio_mmio *d, unsigned int q)
{
	if (q == VIRTIO_NET_TXQ)
		transmit(d);
	else
		receive(d); /* new receive buffers: what waited can go in */
}

static void net_service(struct virtio_mmio *d)
{
	if (virtio_mmio_queue_live(d, VIRTIO_NET_RXQ))
		receive(d);
}

static uint64_t net_features(const struct virtio_mmio *d)
{
	(void)d;
	return 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS;
}

static uint32_t net_config_read(const struct virtio_mmio *d, uint32_t offset, unsigned int width)
{
	const struct virtio_net *net = d->dev;
	uint8_t cfg[VIRTIO_NET_CFG_SIZE];
	uint32_t v = 0;

	memcpy(cfg + VIRTIO_NET_CFG_MAC, net->port.mac, NET_MAC_LEN);
	cfg[VIRTIO_NET_CFG_STATUS] = VIRTIO_NET_S_LINK_UP; /* le16: always up */
	cfg[VIRTIO_NET_CFG_STATUS + 1] = 0;
	if (offset >= VIRTIO_NET_CFG_SIZE || width > VIRTIO_NET_CFG_SIZE - offset)
		return 0;
	memcpy(&v, cfg + offset, width);
	return v;
}

static void net_reset(struct virtio_mmio *d)
{
	/* Frames in the port's inbox wait for the next driver: the inbox is
	 * the switch's, and a frame sent while the driver set up (another VM's
	 * first broadcast) is not lost. A VM's reset empties it (vm_virtio.c). */
	(void)d;
}

const struct virtio_device_ops virtio_net_ops = {
	.device_id = VIRTIO_ID_NET,
	.name = "net",
	.nr_queues = 2,
	.features = net_features,
	.reset = net_reset,
	.notify = net_notify,
	.service = net_service,
	.config_read = net_config_read,
	.config_write = NULL, /* the MAC address is the config's, not the driver's */
};

void virtio_net_init(struct virtio_net *net, struct net_switch *sw, const uint8_t *mac)
{
	memset(net, 0, sizeof(*net));
	net->sw = sw;
	memcpy(net->port.mac, mac, NET_MAC_LEN);
}
