/*
 * virtio-console (VIRTIO 1.2, section 5.3): a second way to a VM's line of
 * the shared console, /dev/hvc0 in Linux, beside the ns16550a. One port
 * (no MULTIPORT), so two queues: receive 0, transmit 1. What the guest
 * writes goes to its console line as the UART's bytes do; what is typed
 * for the VM goes to whichever of the two the guest reads.
 */
#ifndef KEEL_VIRTIO_CONSOLE_H
#define KEEL_VIRTIO_CONSOLE_H

#include "vdev/virtio_mmio.h"

struct vm;

struct virtio_console {
	struct vm *vm;
	struct virtq_chain chain;
	unsigned long written, read;
};

extern const struct virtio_device_ops virtio_console_ops;

void virtio_console_init(struct virtio_console *con, struct vm *vm);

#endif
