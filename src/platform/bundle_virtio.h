/* A VM config's virtio devices (bundle_virtio.c), for bundle.c's parse_vm(). */
#ifndef KEEL_BUNDLE_VIRTIO_H
#define KEEL_BUNDLE_VIRTIO_H

#include "bundle.h"
#include "must_check.h"

/* disk, disk-read-only, net, mac, virtio-console: 0, or -1 with a message naming the VM */
int bundle_parse_virtio(const void *fdt, int node, struct vm_config *vm, char *err,
			unsigned long errlen) MUST_CHECK;

#endif
