/*
 * virtio-blk (VIRTIO 1.2, section 5.2): a disk for a VM, over the
 * virtio-mmio transport. Where its sectors live is a backend's business:
 * a disk image from the bundle kept in Keel's memory for the VM's life
 * (blk_ram_backend), or a disk of the machine (docs/virtio.md).
 *
 * Requests are served when the driver notifies, inside that exit, under
 * the VM's dev_lock: read, write, flush, get-id, discard and write-zeroes,
 * each answered with the status the spec gives (OK, IOERR, UNSUPP). A
 * backend that answers later (a disk of the machine) is handed reads,
 * writes and flushes whole instead (struct blk_io), up to BLK_IN_FLIGHT at
 * once; their answers reach the used ring when the device's service runs
 * (vdev_service(), woken by the backend), and a request that finds no room
 * waits, popped, for the next answer. A
 * request whose layout is wrong (no room for the status byte, a header cut
 * short) breaks the device (NEEDS_RESET); one that is well-formed but
 * impossible (past the end, a write to a read-only disk, a length not a
 * multiple of 512) gets IOERR and the device goes on.
 */
#ifndef KEEL_VIRTIO_BLK_H
#define KEEL_VIRTIO_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "blk_io.h"
#include "vdev/virtio_mmio.h"

/* requests handed to a backend that answers later, at once */
#define BLK_IN_FLIGHT 32

/* Where a disk's bytes are. Each call returns 0, or -1 for an I/O error. */
struct blk_backend {
	uint64_t size;   /* bytes, a multiple of 512 */
	bool read_only;
	int (*read)(struct blk_backend *b, uint64_t offset, void *buf, uint32_t len);
	int (*write)(struct blk_backend *b, uint64_t offset, const void *buf, uint32_t len);
	int (*flush)(struct blk_backend *b);
	/* the range's contents become zeroes (write-zeroes; discard asks the same); NULL: neither offered */
	int (*zero)(struct blk_backend *b, uint64_t offset, uint64_t len);
	/*
	 * A disk that answers later: a read, write or flush handed on whole
	 * (0), or -1 when it has no room now (the request waits for an
	 * answer); answers come through reap(); drain() waits for them all
	 * and forgets them (a reset). NULL: read/write/flush answer at once.
	 */
	int (*submit)(struct blk_backend *b, const struct blk_io *io);
	unsigned int (*reap)(struct blk_backend *b, blk_io_done_fn *done, void *ctx);
	void (*drain)(struct blk_backend *b);
	void *ctx;
};

/* A request handed on: where its answer goes */
struct blk_in_flight {
	uint8_t *status;   /* the chain's last writable byte, in guest RAM */
	uint32_t used_len; /* for the used ring if it succeeds */
	uint16_t head;
	uint8_t type;
	bool busy;
};

struct virtio_blk {
	struct blk_backend *backend;
	char id[VIRTIO_BLK_ID_BYTES]; /* GET_ID: the VM's name and the disk's */
	unsigned long reads, writes, flushes, zeroes, errors;
	struct virtq_chain chain; /* the request being served (1.5 KiB: not on Keel's stack) */
	bool chain_waits;         /* chain was popped but found no room: served next */
	struct blk_io io;         /* the request being handed on (1 KiB) */
	struct blk_in_flight in_flight[BLK_IN_FLIGHT];
	unsigned long handed_on, waits;
};

extern const struct virtio_device_ops virtio_blk_ops;

/* A disk over backend b, named id (GET_ID, cut to 20 bytes). */
void virtio_blk_init(struct virtio_blk *blk, struct blk_backend *b, const char *id);

/* A backend in memory: size bytes at data, which the VM's writes change. */
void blk_ram_backend(struct blk_backend *b, void *data, uint64_t size, bool read_only);

#endif
