/* A test guest's split virtqueue over virtio-mmio (virtq_drv.h). */
#include "virtq_drv.h"

#define WAIT_LOOPS 200000000UL

unsigned long vq_mmio_base = 0x10001000UL; /* the first virtio-mmio page, as on QEMU virt */

unsigned int vq_rd(unsigned int off)
{
	return *(volatile unsigned int *)(vq_mmio_base + off);
}

void vq_wr(unsigned int off, unsigned int v)
{
	*(volatile unsigned int *)(vq_mmio_base + off) = v;
}

static void barrier(void)
{
	__sync_synchronize();
}

static const unsigned int negotiated = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				       VIRTIO_STATUS_FEATURES_OK;

int vq_negotiate(unsigned long long features)
{
	vq_wr(VIRTIO_MMIO_STATUS, 0);
	vq_wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	vq_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vq_wr(VIRTIO_MMIO_DRIVER_FEATURES, (unsigned int)features);
	vq_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vq_wr(VIRTIO_MMIO_DRIVER_FEATURES, (unsigned int)(features >> 32));
	vq_wr(VIRTIO_MMIO_STATUS, negotiated);
	return !!(vq_rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
}

void vq_setup(unsigned int q, struct vq *vq, unsigned int size)
{
	unsigned long d = (unsigned long)vq->desc, a = (unsigned long)&vq->avail,
		      u = (unsigned long)&vq->used;

	vq->size = size;
	vq_wr(VIRTIO_MMIO_QUEUE_SEL, q);
	vq_wr(VIRTIO_MMIO_QUEUE_NUM, size);
	vq_wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (unsigned int)d);
	vq_wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (unsigned int)(d >> 32));
	vq_wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (unsigned int)a);
	vq_wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (unsigned int)(a >> 32));
	vq_wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (unsigned int)u);
	vq_wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (unsigned int)(u >> 32));
	vq_wr(VIRTIO_MMIO_QUEUE_READY, 1);
}

int vq_driver_ok(void)
{
	vq_wr(VIRTIO_MMIO_STATUS, negotiated | VIRTIO_STATUS_DRIVER_OK);
	return vq_rd(VIRTIO_MMIO_STATUS) == (negotiated | VIRTIO_STATUS_DRIVER_OK);
}

void vq_post_rx(struct vq *vq, unsigned int i)
{
	vq->desc[i] = (struct vq_desc){ (unsigned long)vq->buf[i], VQ_BUF, VQ_DESC_F_WRITE, 0 };
	vq->avail.ring[vq->avail.idx % vq->size] = (unsigned short)i;
	barrier();
	vq->avail.idx++;
}

int vq_send(unsigned int q, struct vq *vq, unsigned int slot, unsigned int len)
{
	vq->desc[slot] = (struct vq_desc){ (unsigned long)vq->buf[slot], len, 0, 0 };
	vq->avail.ring[vq->avail.idx % vq->size] = (unsigned short)slot;
	barrier();
	vq->avail.idx++;
	barrier();
	vq_wr(VIRTIO_MMIO_QUEUE_NOTIFY, q);
	for (unsigned long i = 0; i < WAIT_LOOPS && vq->used.idx == vq->last_used; i++)
		barrier();
	if (vq->used.idx == vq->last_used)
		return 0;
	vq->last_used++;
	return 1;
}

int vq_next_used(struct vq *vq, unsigned int *len)
{
	int id;

	barrier();
	if (vq->used.idx == vq->last_used)
		return -1;
	id = (int)vq->used.ring[vq->last_used % vq->size].id;
	*len = vq->used.ring[vq->last_used % vq->size].len;
	vq->last_used++;
	return id;
}
