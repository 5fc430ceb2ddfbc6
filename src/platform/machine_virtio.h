/*
 * Keel as a virtio driver: the driver's side of the virtio-mmio version 2
 * transport (virtio 1.2, 4.2.3), which host_blk.c (a disk of the machine)
 * and host_net.c (its network card) both speak to QEMU's devices.
 */
#ifndef KEEL_MACHINE_VIRTIO_H
#define KEEL_MACHINE_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

/* A split queue's descriptor as a driver writes it (flags: VIRTQ_DESC_F_*) */
struct machine_virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct machine_virtio {
	uintptr_t base; /* its virtio-mmio page */
	int node;       /* in the machine's device tree */
};

/*
 * The machine's virtio-mmio devices of this device ID, in device-tree
 * order, into found[0..max): how many. QEMU virt lists eight slots; an
 * empty one answers device ID 0 and is not counted.
 */
unsigned int machine_virtio_find(uint32_t device_id, struct machine_virtio *found,
				 unsigned int max);

uint32_t machine_virtio_rd(uintptr_t base, uint32_t off);
void machine_virtio_wr(uintptr_t base, uint32_t off, uint32_t v);

/*
 * Reset the device and say a driver is here (ACKNOWLEDGE, DRIVER): 0 and
 * the features it offers in *offered, or -1 with why in err (a legacy
 * device, what to tell QEMU; what names the device in the message).
 */
int machine_virtio_begin(uintptr_t base, const char *what, uint64_t *offered, char *err,
			 unsigned long errlen);
/* Accept these features (FEATURES_OK): false if the device refuses them. */
bool machine_virtio_accept(uintptr_t base, uint64_t features);
/*
 * Queue idx of num entries at desc, avail (driver) and used (device):
 * false if the device's queues are smaller.
 */
bool machine_virtio_queue(uintptr_t base, unsigned int idx, unsigned int num, const void *desc,
			  const void *avail, const void *used);
/* Set-up done: DRIVER_OK */
void machine_virtio_ready(uintptr_t base);
/* Acknowledge what the device's interrupt says, so its line drops (a handler's first step) */
void machine_virtio_ack(uintptr_t base);

#endif
