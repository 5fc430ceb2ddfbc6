/*
 * A split virtqueue as a test guest's driver keeps it (virtq_drv.c): the
 * ring layout of VIRTIO 1.2 section 2.7 for a queue of up to VQ_MAX
 * entries, each with a buffer of its own, and the virtio-mmio registers
 * that set it up. The guests that drive Keel's virtio-net and
 * virtio-console (vnet, vcon) share it; guests/virtio builds its own
 * malformed queues and keeps its own.
 */
#ifndef GUEST_VIRTQ_DRV_H
#define GUEST_VIRTQ_DRV_H

#include "virtio_defs.h"

#define VQ_MAX 16
#define VQ_BUF 1536 /* a frame of 1518 bytes behind virtio-net's 12-byte header */
#define VQ_DESC_F_WRITE 2

struct vq_desc {
	unsigned long long addr;
	unsigned int len;
	unsigned short flags, next;
};

struct vq {
	struct vq_desc desc[VQ_MAX] __attribute__((aligned(16)));
	struct {
		unsigned short flags, idx, ring[VQ_MAX], used_event;
	} avail __attribute__((aligned(4)));
	struct {
		unsigned short flags;
		volatile unsigned short idx;
		struct {
			unsigned int id, len;
		} ring[VQ_MAX];
		unsigned short avail_event;
	} used __attribute__((aligned(4)));
	unsigned int size;
	unsigned short last_used;
	unsigned char buf[VQ_MAX][VQ_BUF];
};

/* The virtio-mmio page the guest drives */
extern unsigned long vq_mmio_base;

unsigned int vq_rd(unsigned int off);
void vq_wr(unsigned int off, unsigned int v);
/* Status 0, then ACKNOWLEDGE, DRIVER, these feature bits and FEATURES_OK: whether it held */
int vq_negotiate(unsigned long long features);
/* Queue q of size entries (<= VQ_MAX) at vq, QueueReady = 1 */
void vq_setup(unsigned int q, struct vq *vq, unsigned int size);
/* DRIVER_OK on top of what negotiated: whether the device shows exactly that */
int vq_driver_ok(void);
/* Buffer i, whole and device-writable, made available (a receive queue) */
void vq_post_rx(struct vq *vq, unsigned int i);
/* len bytes of buffer slot's, made available and notified; waits until used (0: never) */
int vq_send(unsigned int q, struct vq *vq, unsigned int slot, unsigned int len);
/* The next used entry of a receive queue: its buffer, or -1; *len its length */
int vq_next_used(struct vq *vq, unsigned int *len);

#endif
