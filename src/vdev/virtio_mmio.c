/*
 * The virtio-mmio transport (virtio_mmio.h): registers, feature
 * negotiation, device status and reset, queue set-up, notifications both
 * ways. Read docs/virtio.md beside it.
 */
#include <string.h>

#include "vdev/virtio_mmio.h"

/* The ring features Keel's split queues implement (virtq.c) */
#define RING_FEATURES (1ULL << VIRTIO_RING_F_INDIRECT_DESC | 1ULL << VIRTIO_RING_F_EVENT_IDX)

static uint64_t offered(const struct virtio_mmio *d)
{
	return d->ops->features(d) | 1ULL << VIRTIO_F_VERSION_1 | RING_FEATURES;
}

static void reset(struct virtio_mmio *d)
{
	d->status = 0;
	d->device_features_sel = d->driver_features_sel = d->queue_sel = 0;
	d->driver_features = d->features = 0;
	d->interrupt_status = 0;
	d->broken = NULL;
	memset(d->regs, 0, sizeof(d->regs));
	memset(d->q, 0, sizeof(d->q));
	d->resets++;
	if (d->ops->reset)
		d->ops->reset(d);
}

void virtio_mmio_init(struct virtio_mmio *d, const struct virtio_device_ops *ops, void *dev,
		      const struct virtq_mem *mem)
{
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	d->dev = dev;
	d->mem = *mem;
	reset(d);
	d->resets = 0;
}

void virtio_mmio_needs_reset(struct virtio_mmio *d, const char *why)
{
	if (d->broken)
		return;
	d->broken = why;
	d->broken_count++;
	/* only a driver that finished its set-up is told (section 2.1.2) */
	if (d->status & VIRTIO_STATUS_DRIVER_OK) {
		d->status |= VIRTIO_STATUS_NEEDS_RESET;
		d->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
	}
}

bool virtio_mmio_queue_live(const struct virtio_mmio *d, unsigned int q)
{
	return q < d->ops->nr_queues && d->regs[q].ready && !d->broken &&
	       (d->status & VIRTIO_STATUS_DRIVER_OK);
}

void virtio_mmio_used(struct virtio_mmio *d, unsigned int q, uint16_t used_before)
{
	if (virtq_needs_notify(&d->q[q], &d->mem, used_before))
		d->interrupt_status |= VIRTIO_MMIO_INT_VRING;
}

/* Serve every live queue: after DRIVER_OK, buffers may already wait */
static void kick_all(struct virtio_mmio *d)
{
	for (unsigned int q = 0; q < d->ops->nr_queues; q++)
		if (virtio_mmio_queue_live(d, q))
			d->ops->notify(d, q);
}

/*
 * FEATURES_OK: accepted only if the driver took nothing the device did not
 * offer, and VERSION_1 (a legacy driver cannot use a modern device). Left
 * clear otherwise: the driver reads Status back and gives up (3.1.1).
 */
static bool features_acceptable(struct virtio_mmio *d)
{
	return !(d->driver_features & ~offered(d)) &&
	       (d->driver_features >> VIRTIO_F_VERSION_1 & 1);
}

static void write_status(struct virtio_mmio *d, uint32_t value)
{
	uint32_t was = d->status;

	if (value == 0) {
		reset(d);
		return;
	}
	/* NEEDS_RESET is the device's to set; the driver cannot clear it but by a reset */
	value &= ~VIRTIO_STATUS_NEEDS_RESET;
	value |= was & VIRTIO_STATUS_NEEDS_RESET;
	if ((value & VIRTIO_STATUS_FEATURES_OK) && !(was & VIRTIO_STATUS_FEATURES_OK)) {
		if (features_acceptable(d))
			d->features = d->driver_features;
		else
			value &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	/* DRIVER_OK without FEATURES_OK is a driver error: the device stays unusable */
	if ((value & VIRTIO_STATUS_DRIVER_OK) && !(value & VIRTIO_STATUS_FEATURES_OK))
		virtio_mmio_needs_reset(d, "DRIVER_OK without FEATURES_OK");
	d->status = value;
	if (!(was & VIRTIO_STATUS_DRIVER_OK) && (value & VIRTIO_STATUS_DRIVER_OK) && d->broken) {
		/* broken during set-up: say so now that the driver listens */
		d->status |= VIRTIO_STATUS_NEEDS_RESET;
		d->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
	}
	if (!(was & VIRTIO_STATUS_DRIVER_OK) && (value & VIRTIO_STATUS_DRIVER_OK))
		kick_all(d);
}

/* QueueReady = 1: the rings are checked once, here, and a bad one breaks the device */
static void queue_ready(struct virtio_mmio *d, unsigned int q, uint32_t value)
{
	struct virtio_queue_regs *r = &d->regs[q];
	const char *why = NULL;

	if (!value) {
		r->ready = false;
		return;
	}
	if (r->ready)
		return;
	d->q[q] = (struct virtq){
		.size = r->num,
		.desc = r->desc,
		.avail = r->driver,
		.used = r->device,
		.event_idx = virtio_mmio_has(d, VIRTIO_RING_F_EVENT_IDX),
		.indirect = virtio_mmio_has(d, VIRTIO_RING_F_INDIRECT_DESC),
	};
	if (virtq_check(&d->q[q], &d->mem, &why)) {
		virtio_mmio_needs_reset(d, why);
		return;
	}
	r->ready = true;
	if (virtio_mmio_queue_live(d, q))
		d->ops->notify(d, q);
}

/* The 64-bit queue addresses, 32 bits at a time, only while the queue is not ready */
static void queue_addr(struct virtio_mmio *d, uint32_t offset, uint32_t value)
{
	struct virtio_queue_regs *r = &d->regs[d->queue_sel];
	uint64_t *field;
	unsigned int shift = offset & 4 ? 32 : 0;

	if (r->ready)
		return;
	if (offset < VIRTIO_MMIO_QUEUE_DRIVER_LOW)
		field = &r->desc;
	else if (offset < VIRTIO_MMIO_QUEUE_DEVICE_LOW)
		field = &r->driver;
	else
		field = &r->device;
	*field = (*field & ~(0xffffffffULL << shift)) | (uint64_t)value << shift;
}

static bool queue_selected(const struct virtio_mmio *d)
{
	return d->queue_sel < d->ops->nr_queues;
}

static uint32_t read_register(const struct virtio_mmio *d, uint32_t offset)
{
	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_MODERN;
	case VIRTIO_MMIO_DEVICE_ID:
		return d->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_VENDOR_KEEL;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return d->device_features_sel < 2 ? (uint32_t)(offered(d) >> (32 * d->device_features_sel))
						  : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return queue_selected(d) ? VIRTQ_MAX_SIZE : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return queue_selected(d) && d->regs[d->queue_sel].ready;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return d->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return d->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return d->config_generation;
	}
	return 0; /* write-only and reserved registers read 0 */
}

static void write_register(struct virtio_mmio *d, uint32_t offset, uint32_t value)
{
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		d->device_features_sel = value;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		d->driver_features_sel = value;
		return;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* only before FEATURES_OK: after it, the set is fixed */
		if (d->driver_features_sel < 2 && !(d->status & VIRTIO_STATUS_FEATURES_OK)) {
			unsigned int shift = 32 * d->driver_features_sel;

			d->driver_features = (d->driver_features & ~(0xffffffffULL << shift)) |
					     (uint64_t)value << shift;
		}
		return;
	case VIRTIO_MMIO_QUEUE_SEL:
		d->queue_sel = value;
		return;
	case VIRTIO_MMIO_QUEUE_NUM:
		/* checked at QueueReady (virtq_check): a power of two up to the maximum */
		if (queue_selected(d) && !d->regs[d->queue_sel].ready)
			d->regs[d->queue_sel].num = value > 0xffff ? 0 : (uint16_t)value;
		return;
	case VIRTIO_MMIO_QUEUE_READY:
		if (queue_selected(d))
			queue_ready(d, d->queue_sel, value);
		return;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		d->notifies++;
		if (virtio_mmio_queue_live(d, value))
			d->ops->notify(d, value);
		return;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		d->interrupt_status &= ~value;
		return;
	case VIRTIO_MMIO_STATUS:
		write_status(d, value);
		return;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		if (queue_selected(d))
			queue_addr(d, offset, value);
		return;
	}
	/* read-only and reserved registers ignore writes */
}

uint32_t virtio_mmio_read(struct virtio_mmio *d, uint32_t offset, unsigned int width)
{
	if (offset >= VIRTIO_MMIO_CONFIG)
		return d->ops->config_read ? d->ops->config_read(d, offset - VIRTIO_MMIO_CONFIG, width)
					   : 0;
	/* the registers are 32-bit, aligned (4.2.2.2): anything else reads 0 */
	if (width != 4 || offset & 3)
		return 0;
	return read_register(d, offset);
}

void virtio_mmio_write(struct virtio_mmio *d, uint32_t offset, unsigned int width,
		       uint32_t value)
{
	if (offset >= VIRTIO_MMIO_CONFIG) {
		if (d->ops->config_write)
			d->ops->config_write(d, offset - VIRTIO_MMIO_CONFIG, width, value);
		return;
	}
	if (width != 4 || offset & 3)
		return;
	write_register(d, offset, value);
}
