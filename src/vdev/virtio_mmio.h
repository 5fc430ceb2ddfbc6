/*
 * The virtio-mmio transport, version 2 (VIRTIO 1.2, section 4.2): one page
 * of registers per device through which a guest's driver negotiates
 * features, sets up split virtqueues and notifies the device; the device
 * answers with used buffers and an interrupt line (docs/virtio.md).
 *
 * Pure logic, like the UART and PLIC models: the caller (mmio.c) holds the
 * VM's dev_lock and wires the line to the virtual PLIC (vdev_irq.c). What
 * a device does with its queues is its ops' business (virtio_blk.c, ...).
 *
 * A driver that breaks the rules gets what the spec says: a register it
 * may not write now is ignored, features the device did not offer leave
 * FEATURES_OK clear, and a queue whose rings or buffers are malformed puts
 * the device into DEVICE_NEEDS_RESET (with a config-change interrupt)
 * until the driver resets it. Never a fault in Keel.
 */
#ifndef KEEL_VIRTIO_MMIO_H
#define KEEL_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "vdev/virtq.h"
#include "virtio_defs.h"

#define VIRTIO_MAX_QUEUES 4
/* VendorID: "KEEL" in little-endian bytes */
#define VIRTIO_VENDOR_KEEL 0x4c45454bU

struct virtio_mmio;

/* What a device type adds to the transport. */
struct virtio_device_ops {
	uint32_t device_id;     /* VIRTIO_ID_* */
	const char *name;       /* for messages: "blk", "net", "console" */
	unsigned int nr_queues; /* 1..VIRTIO_MAX_QUEUES */
	/* the device's feature bits; the transport adds VERSION_1 and the ring's */
	uint64_t (*features)(const struct virtio_mmio *d);
	/* a driver's reset (Status = 0): forget every request in flight */
	void (*reset)(struct virtio_mmio *d);
	/* queue q was notified, or can be served again (DRIVER_OK, ready) */
	void (*notify)(struct virtio_mmio *d, unsigned int q);
	/* work that came from outside the guest (a frame for it): NULL if none */
	void (*service)(struct virtio_mmio *d);
	/* configuration space: offset from VIRTIO_MMIO_CONFIG, width 1/2/4 */
	uint32_t (*config_read)(const struct virtio_mmio *d, uint32_t offset, unsigned int width);
	void (*config_write)(struct virtio_mmio *d, uint32_t offset, unsigned int width,
			     uint32_t value);
};

struct virtio_queue_regs {
	uint16_t num;    /* QueueNum */
	bool ready;      /* QueueReady */
	uint64_t desc, driver, device;
};

struct virtio_mmio {
	const struct virtio_device_ops *ops;
	void *dev;                 /* the device's own state (ops) */
	struct virtq_mem mem;      /* the guest's RAM, every access checked */
	uint32_t status;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint64_t driver_features;  /* as written, word by word */
	uint64_t features;         /* negotiated: set at FEATURES_OK */
	uint32_t interrupt_status;
	uint32_t config_generation;
	struct virtio_queue_regs regs[VIRTIO_MAX_QUEUES];
	struct virtq q[VIRTIO_MAX_QUEUES]; /* valid while regs[i].ready */
	const char *broken;        /* why it needs a reset, or NULL */
	unsigned long resets, notifies, broken_count;
};

/* Power-on: a device of type ops over guest memory mem, not yet found by a driver. */
void virtio_mmio_init(struct virtio_mmio *d, const struct virtio_device_ops *ops, void *dev,
		      const struct virtq_mem *mem);
/* A register access; offset within the page, width 1, 2, 4 (8 split by the caller). */
uint32_t virtio_mmio_read(struct virtio_mmio *d, uint32_t offset, unsigned int width);
void virtio_mmio_write(struct virtio_mmio *d, uint32_t offset, unsigned int width,
		       uint32_t value);
/* Whether the device raises its interrupt line (InterruptStatus not 0). */
static inline bool virtio_mmio_irq_pending(const struct virtio_mmio *d)
{
	return d->interrupt_status != 0;
}

/* For the devices: */
/* Queue q can be used: DRIVER_OK, the queue ready, the device not broken. */
bool virtio_mmio_queue_live(const struct virtio_mmio *d, unsigned int q);
/* Used buffers were added: raise the interrupt unless the driver asked not to. */
void virtio_mmio_used(struct virtio_mmio *d, unsigned int q, uint16_t used_before);
/* The driver broke the rules: DEVICE_NEEDS_RESET, and a config interrupt. */
void virtio_mmio_needs_reset(struct virtio_mmio *d, const char *why);
/* Whether the driver accepted feature bit `bit` (after FEATURES_OK). */
static inline bool virtio_mmio_has(const struct virtio_mmio *d, unsigned int bit)
{
	return d->features >> bit & 1;
}

#endif
