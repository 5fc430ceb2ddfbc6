/*
 * virtio-net (VIRTIO 1.2, section 5.1): a VM's network card, one port of
 * Keel's switch (net_switch.h). One receive and one transmit queue, no
 * control queue, no offloads: a frame is one Ethernet frame of up to
 * VIRTIO_NET_FRAME_MAX bytes behind the 12-byte header.
 *
 * Transmit: the guest's notify (its exit) takes each frame off the queue
 * and gives it to the switch. Receive: frames wait in the port's inbox
 * until the VM has receive buffers; its own hart moves them in
 * (virtio_net_service(), from the request the switch posts, or when the
 * guest adds buffers). A frame that finds no room is dropped and counted.
 */
#ifndef KEEL_VIRTIO_NET_H
#define KEEL_VIRTIO_NET_H

#include "vdev/net_switch.h"
#include "vdev/virtio_mmio.h"

struct virtio_net {
	struct net_port port;
	struct net_switch *sw;
	/* the frame being moved; a received one goes in behind room for its header */
	uint8_t frame[VIRTIO_NET_HDR_SIZE + VIRTIO_NET_FRAME_MAX];
	struct virtq_chain chain;
	unsigned long tx_bad, rx_short;
};

extern const struct virtio_device_ops virtio_net_ops;

/* A card with address mac on switch sw; the caller attaches net->port. */
void virtio_net_init(struct virtio_net *net, struct net_switch *sw, const uint8_t *mac);

#endif
