/*
 * One disk request handed whole to a disk that answers later: what
 * virtio-blk (src/vdev/virtio_blk.c) passes to a disk of the machine
 * (src/platform/host_blk.c), so that the bytes move between the machine's
 * device and the guest's buffers themselves, with no copy in Keel and no
 * wait inside the guest's exit (docs/virtio.md, "A disk of the machine").
 */
#ifndef KEEL_BLK_IO_H
#define KEEL_BLK_IO_H

#include <stdbool.h>
#include <stdint.h>

/* A request's data segments at most: a guest's chain has no more (VIRTQ_MAX_SEGS) */
#define BLK_IO_MAX_SEGS 64

struct blk_seg {
	uint64_t addr;      /* physical: a guest buffer, checked and mapped by virtq_pop() */
	uint32_t len;
	bool device_writes; /* a read fills it */
};

struct blk_io {
	uint32_t type;      /* VIRTIO_BLK_T_IN, _OUT or _FLUSH */
	uint64_t sector;
	unsigned int nsegs; /* 0 for a flush */
	struct blk_seg seg[BLK_IO_MAX_SEGS];
	uint32_t tag;       /* the submitter's, given back with the answer */
};

/* An answer: the request tagged tag ended with a VIRTIO_BLK_S_* status */
typedef void blk_io_done_fn(void *ctx, uint32_t tag, uint8_t status);

#endif
