/* The driver's side of virtio-mmio, for the machine's devices (machine_virtio.h). */
#include <stdio.h>

#include <libfdt.h>

#include "platform/machine_virtio.h"
#include "platform/platform.h"
#include "platform/platform_dt.h"
#include "virtio_defs.h"

#define DRIVER_STATUS (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER)

uint32_t machine_virtio_rd(uintptr_t base, uint32_t off)
{
	return *(volatile uint32_t *)(base + off);
}

void machine_virtio_wr(uintptr_t base, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

static void wr64(uintptr_t base, uint32_t lo, uint64_t v)
{
	machine_virtio_wr(base, lo, (uint32_t)v);
	machine_virtio_wr(base, lo + 4, (uint32_t)(v >> 32));
}

unsigned int machine_virtio_find(uint32_t device_id, struct machine_virtio *found, unsigned int max)
{
	const void *fdt = platform.fdt;
	unsigned int n = 0;
	int node = -1;

	if (!fdt)
		return 0;
	while (n < max && (node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) >= 0) {
		uint64_t base, size;

		if (!platform_node_is_okay(fdt, node) || platform_read_reg(fdt, node, 0, &base, &size) ||
		    size < VIRTIO_MMIO_SIZE)
			continue;
		if (machine_virtio_rd((uintptr_t)base, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
		    machine_virtio_rd((uintptr_t)base, VIRTIO_MMIO_DEVICE_ID) != device_id)
			continue;
		found[n].node = node;
		found[n++].base = (uintptr_t)base;
	}
	return n;
}

int machine_virtio_begin(uintptr_t base, const char *what, uint64_t *offered, char *err,
			 unsigned long errlen)
{
	uint32_t version = machine_virtio_rd(base, VIRTIO_MMIO_VERSION);

	if (version != VIRTIO_MMIO_VERSION_MODERN) {
		snprintf(err, errlen, "the machine's %s at 0x%lx is legacy (version %u): "
				      "start QEMU with -global virtio-mmio.force-legacy=false",
			 what, (unsigned long)base, version);
		return -1;
	}
	machine_virtio_wr(base, VIRTIO_MMIO_STATUS, 0);
	machine_virtio_wr(base, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	machine_virtio_wr(base, VIRTIO_MMIO_STATUS, DRIVER_STATUS);
	machine_virtio_wr(base, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	*offered = machine_virtio_rd(base, VIRTIO_MMIO_DEVICE_FEATURES);
	machine_virtio_wr(base, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	*offered |= (uint64_t)machine_virtio_rd(base, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	return 0;
}

bool machine_virtio_accept(uintptr_t base, uint64_t features)
{
	machine_virtio_wr(base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	machine_virtio_wr(base, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	machine_virtio_wr(base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	machine_virtio_wr(base, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	machine_virtio_wr(base, VIRTIO_MMIO_STATUS, DRIVER_STATUS | VIRTIO_STATUS_FEATURES_OK);
	return machine_virtio_rd(base, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK;
}

bool machine_virtio_queue(uintptr_t base, unsigned int idx, unsigned int num, const void *desc,
			  const void *avail, const void *used)
{
	machine_virtio_wr(base, VIRTIO_MMIO_QUEUE_SEL, idx);
	if (machine_virtio_rd(base, VIRTIO_MMIO_QUEUE_NUM_MAX) < num)
		return false;
	machine_virtio_wr(base, VIRTIO_MMIO_QUEUE_NUM, num);
	wr64(base, VIRTIO_MMIO_QUEUE_DESC_LOW, (uintptr_t)desc);
	wr64(base, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uintptr_t)avail);
	wr64(base, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uintptr_t)used);
	machine_virtio_wr(base, VIRTIO_MMIO_QUEUE_READY, 1);
	return true;
}

void machine_virtio_ready(uintptr_t base)
{
	machine_virtio_wr(base, VIRTIO_MMIO_STATUS,
			  DRIVER_STATUS | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

void machine_virtio_ack(uintptr_t base)
{
	machine_virtio_wr(base, VIRTIO_MMIO_INTERRUPT_ACK,
			  machine_virtio_rd(base, VIRTIO_MMIO_INTERRUPT_STATUS));
}
