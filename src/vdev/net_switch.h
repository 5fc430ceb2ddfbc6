/*
 * One Ethernet switch inside Keel that the VMs' virtio-net devices plug
 * into (docs/virtio.md, "virtio-net and the switch"). It learns which port each source
 * MAC address is behind, sends a frame to the port of its destination,
 * and floods broadcast, multicast and unknown destinations to every port
 * but the sender's.
 *
 * A frame is copied into the destination port's inbox, under the switch's
 * lock, by the sending VM in its transmit exit; the receiving VM is woken
 * (its port's wake callback: a request to one of its vCPUs) and moves the
 * frame into its receive queue under its own device lock. So no VM ever
 * holds two VMs' device locks, and a VM that sends to another does not
 * wait for it: a full inbox drops the frame, as a real switch would.
 *
 * Pure logic and a lock: tests/unit runs it on the host.
 */
#ifndef KEEL_NET_SWITCH_H
#define KEEL_NET_SWITCH_H

#include <stdbool.h>
#include <stdint.h>

#include "spinlock.h"
#include "virtio_defs.h"

#define NET_SWITCH_PORTS 8  /* a card per VM (KEEL_MAX_VMS) and the uplink (vm_virtio.c checks) */
#define NET_INBOX_FRAMES 32 /* frames a port holds for its VM: 48 KiB */
#define NET_SWITCH_FDB 64   /* MAC addresses learned */
#define NET_MAC_LEN 6

struct net_frame {
	uint16_t len;
	uint8_t data[VIRTIO_NET_FRAME_MAX];
};

struct net_port {
	uint8_t mac[NET_MAC_LEN];
	/* frames for this port: [head, tail) of a ring of NET_INBOX_FRAMES */
	struct net_frame *inbox;
	unsigned int head, tail;
	/* a frame was queued: make the port's VM move it (outside the switch lock) */
	void (*wake)(struct net_port *p);
	void *ctx;
	unsigned int index; /* in the switch */
	unsigned long sent, delivered, dropped;
};

struct net_switch {
	struct spinlock lock;
	struct net_port *ports[NET_SWITCH_PORTS];
	unsigned int nr_ports;
	struct {
		uint8_t mac[NET_MAC_LEN];
		uint8_t port;
		bool valid;
	} fdb[NET_SWITCH_FDB];
	unsigned int fdb_next; /* the entry the next new address replaces */
	unsigned long flooded;
};

void net_switch_init(struct net_switch *sw);
/* Plug p in; inbox holds NET_INBOX_FRAMES frames. -1 if every port is taken. */
int net_switch_attach(struct net_switch *sw, struct net_port *p, struct net_frame *inbox);
/*
 * A frame of len bytes sent by p: learnt (its source MAC) and queued for
 * its destinations, who are woken. A frame shorter than the two MACs or
 * longer than VIRTIO_NET_FRAME_MAX is dropped. Returns how many ports got it.
 */
unsigned int net_switch_send(struct net_switch *sw, struct net_port *from, const uint8_t *frame,
			     unsigned int len);
/* The oldest frame queued for p, copied out (its length), or -1 if none. */
int net_port_take(struct net_switch *sw, struct net_port *p, uint8_t *buf, unsigned int size);
/* Forget the frames queued for p (its card was reset); counted as dropped. */
void net_port_flush(struct net_switch *sw, struct net_port *p);
/* Whether p has a frame queued (a hint: no lock). */
bool net_port_pending(const struct net_port *p);
/* A MAC address for a VM without one in its config: locally administered, from its name */
void net_mac_from_name(const char *name, uint8_t mac[NET_MAC_LEN]);

#endif
