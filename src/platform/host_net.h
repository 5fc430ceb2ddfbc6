/*
 * The machine's network card as the switch's uplink: Keel as the driver of
 * a virtio-net device the platform has (QEMU's virtio-net-device, user-mode
 * networking behind it), so that the VMs on Keel's switch reach the world
 * outside the machine (docs/virtio.md, "The uplink").
 *
 * Frames only, no offloads: the device and Keel agree on VERSION_1 (and
 * the MAC, to say it at boot) and nothing else, so every frame is whole,
 * checksums included, in one buffer behind a 12-byte header of zeros.
 *
 * Receive: HOST_NET_QUEUE buffers of Keel's stay posted; the device's
 * interrupt (boot hart, hw_irq.c) hands each frame to receive() and posts
 * its buffer again. Transmit: host_net_send() fills free buffers of the
 * transmit queue from its caller's frames (the uplink's inbox on the
 * switch) until the queue is full; the interrupt frees what the device has
 * sent and calls can_send(), so frames left in the inbox go then. A device
 * without an interrupt line Keel can take is not used: there would be no
 * way to hear its frames without polling.
 */
#ifndef KEEL_HOST_NET_H
#define KEEL_HOST_NET_H

#include <stdbool.h>
#include <stdint.h>

#include "must_check.h"
#include "spinlock.h"

#define HOST_NET_QUEUE 32 /* buffers per queue, each direction */

struct host_net_queue;

/* Next frame to send into buf (at most size bytes): its length, or < 0 when there is none */
typedef int host_net_fill_fn(void *ctx, uint8_t *buf, unsigned int size);

struct host_net {
	uintptr_t base; /* its virtio-mmio page */
	int node;       /* in the machine's device tree */
	uint8_t mac[6];
	bool has_mac;
	struct spinlock lock; /* the transmit queue: any hart sends */
	struct host_net_queue *rx, *tx;
	uint32_t tx_free; /* a bit per free transmit buffer */
	/* called on the boot hart, from the device's interrupt */
	void (*receive)(void *ctx, const uint8_t *frame, unsigned int len);
	void (*can_send)(void *ctx);
	void *ctx;
	unsigned long received, sent, dropped, interrupts;
};

/*
 * The machine's first virtio-net device, set up and its interrupt taken,
 * but not receiving yet. NULL with a message in err if there is none, it
 * is legacy, refuses the set-up, or has no interrupt line Keel can take.
 */
struct host_net *host_net_find(char *err, unsigned long errlen) MUST_CHECK;
/* From now on frames go to receive(ctx, ...), and can_send(ctx) says when the queue has room. */
void host_net_start(struct host_net *h,
		    void (*receive)(void *ctx, const uint8_t *frame, unsigned int len),
		    void (*can_send)(void *ctx), void *ctx);
/*
 * Send frames from fill(fill_ctx, ...) while the transmit queue has room;
 * how many went. fill runs under h->lock (LOCK_HOST_NET).
 */
unsigned int host_net_send(struct host_net *h, host_net_fill_fn *fill, void *fill_ctx);

#endif
