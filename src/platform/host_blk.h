/*
 * A disk of the machine: Keel as the driver of a virtio-blk device the
 * platform has (QEMU's virtio-blk-device on virtio-mmio), so that a VM's
 * disk is a file on the host and outlives the run (docs/virtio.md, "A
 * disk of the machine"). One request at a time, polled: Keel serves a
 * VM's request inside its exit, and the device answers from its own
 * thread. Requests go straight between the device and the buffers they
 * name (Keel's addresses are physical), sector-aligned ones without a
 * copy; the rest through a page of Keel's.
 */
#ifndef KEEL_HOST_BLK_H
#define KEEL_HOST_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "must_check.h"
#include "spinlock.h"

struct host_blk {
	uintptr_t base;      /* its virtio-mmio page */
	uint64_t size;       /* bytes */
	bool read_only, can_flush;
	bool owned;          /* a VM has it: one owner (vm_virtio.c) */
	struct spinlock lock;
	struct host_blk_ring *ring; /* its one queue, and the request's header and status */
	uint8_t *bounce;     /* a page for the bytes of a partial sector */
	uint16_t avail_idx, used_seen;
	unsigned long requests, errors;
};

/*
 * The index-th virtio-blk device of the machine (0, 1, ... in device-tree
 * order), set up for Keel's use. NULL with a message in err if there is
 * none, it is legacy (version 1), or it refuses the set-up.
 */
struct host_blk *host_blk_find(unsigned int index, char *err, unsigned long errlen) MUST_CHECK;

/* len bytes at byte offset, to or from buf. 0, or -1 for an I/O error. */
int host_blk_rw(struct host_blk *h, bool write, uint64_t offset, void *buf, uint32_t len) MUST_CHECK;
int host_blk_flush(struct host_blk *h) MUST_CHECK;

#endif
