/*
 * The device side of a VIRTIO 1.x split virtqueue (VIRTIO 1.2, section
 * 2.7), shared by Keel's virtio-mmio devices (blk, net, console). The
 * transport owns the registers (QueueNum, QueueDesc, QueueDriver,
 * QueueDevice, QueueReady, the feature bits) and the device status; this
 * file owns the three rings in guest memory and nothing else.
 *
 * The rings, all little-endian ("modern" layout, no legacy interface):
 *
 *   descriptor table  16 * size bytes, aligned 16:
 *                     { le64 addr; le32 len; le16 flags; le16 next; }[size]
 *   available ring    6 + 2 * size bytes, aligned 2 (written by the driver):
 *                     le16 flags; le16 idx; le16 ring[size]; le16 used_event
 *   used ring         6 + 8 * size bytes, aligned 4 (written by the device):
 *                     le16 flags; le16 idx; { le32 id; le32 len; }[size];
 *                     le16 avail_event
 *
 * RISC-V is little-endian, and so is every host the tests run on: fields
 * are loaded and stored natively (virtq.c refuses to build otherwise).
 *
 * Guest memory is untrusted and shared: another vCPU of the guest may
 * rewrite a descriptor while Keel reads it. So every field the guest
 * writes is read exactly once, into a local copy that is then checked and
 * used (never checked in guest memory and read again), and every host
 * pointer comes from struct virtq_mem's map() for exactly the range used.
 * A guest that breaks the rules gets VIRTQ_POP_BROKEN and a short static
 * reason; the transport prints it and sets DEVICE_NEEDS_RESET. Nothing a
 * guest writes can make this code crash, loop for ever or touch memory
 * outside what map() returned.
 *
 * Ordering, as the spec's "suitable memory barrier"s ask: avail->idx is
 * loaded with acquire, so the ring entries and descriptors read after it
 * are at least as new as the index; used->idx is stored with release, so
 * the driver sees the used entries (and the data written into its
 * buffers) before the index that publishes them; between publishing one
 * index and reading the other side's suppression field there is a full
 * fence (store then load), without which a notification can be lost.
 *
 * Notifications:
 *   - Available buffer notifications (driver to device) are suppressed
 *     by virtq_pop() itself, so that no device can get it wrong: from
 *     the first chain it takes until it finds the ring empty, the device
 *     is busy and asks not to be notified (used->flags =
 *     VIRTQ_USED_F_NO_NOTIFY, or with VIRTIO_F_EVENT_IDX, avail_event
 *     left behind); when it finds the ring empty, it asks again
 *     (flags 0, or avail_event = the next index it will take), fences,
 *     and looks at avail->idx once more, so a buffer added meanwhile is
 *     taken now instead of waiting for a notification that will not
 *     come. The rule a device follows: pop until VIRTQ_POP_EMPTY on each
 *     notification, or come back on its own (a receive queue pops when
 *     it has something to deliver; finding the ring empty is what arms
 *     the notification it then waits for).
 *   - Used buffer notifications (device to driver, the interrupt):
 *     after one or more virtq_push(), virtq_needs_notify() says whether
 *     the driver wants one: VIRTQ_AVAIL_F_NO_INTERRUPT, or with
 *     VIRTIO_F_EVENT_IDX whether used_event is one of the entries just
 *     published.
 *
 * Pure logic: no CSR, no Keel global, only the C headers below, so it
 * builds into Keel (freestanding) and on the host under ASan/UBSan
 * (tests/unit/test_virtq.c) and libFuzzer (tests/fuzz/fuzz_virtq.c).
 * Not locked: the caller serialises the calls on one queue (the VM's
 * device lock).
 */
#ifndef KEEL_VDEV_VIRTQ_H
#define KEEL_VDEV_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "virtio_defs.h" /* VIRTQ_DESC_F_*: a descriptor's flags */

/* avail->flags: the driver wants no used buffer notification */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
/* used->flags: the device wants no available buffer notification */
#define VIRTQ_USED_F_NO_NOTIFY	1

/*
 * QueueNumMax Keel offers. The rings of a 256-entry queue are 4 KiB of
 * descriptors, 518 and 2054 bytes of rings: enough for blk and net at
 * the rates a guest reaches through exits, and it bounds the walk.
 */
#define VIRTQ_MAX_SIZE		256
/*
 * Buffers (non-empty descriptors) in one chain Keel accepts, indirect
 * ones included: struct virtq_chain holds them without allocating. A
 * device tells the driver so where its type has a field for it:
 * virtio-blk offers VIRTIO_BLK_F_SEG_MAX with seg_max = VIRTQ_MAX_SEGS -
 * 2 (the request header and the status byte take a descriptor each).
 * virtio-net has no such field: Linux sends at most MAX_SKB_FRAGS + 2
 * (19) descriptors per packet, well below. virtio-console uses one.
 */
#define VIRTQ_MAX_SEGS		64
/*
 * Entries of one indirect table Keel accepts: one 4 KiB page of
 * descriptors. A driver sizes a table for its chain (Linux: exactly), so
 * a bigger one only asks Keel to map and walk more; segments are limited
 * by VIRTQ_MAX_SEGS anyway.
 */
#define VIRTQ_MAX_INDIRECT	256

/*
 * Guest memory as a device reaches it. map() returns a host pointer to
 * [gpa, gpa + len) if that whole range is the guest's RAM, else NULL.
 * This file never asks for len 0 or for a range that wraps around 2^64,
 * and asks for len up to 2^32 - 1 (one descriptor's buffer). In Keel it
 * is vm_gpa_to_hva(), which also zeroes RAM the guest never touched.
 */
struct virtq_mem {
	void *(*map)(void *ctx, uint64_t gpa, uint64_t len);
	void *ctx;
};

/*
 * One queue. The transport zeroes it at a device reset, fills in the
 * first group from the driver's registers and the negotiated features,
 * and calls virtq_check() when the driver writes QueueReady = 1. The
 * second group is this file's state: zero at QueueReady (virtio-mmio
 * cannot set the indices otherwise; the tests start them near 65535 to
 * see them wrap).
 */
struct virtq {
	uint16_t size;			/* QueueNum */
	uint64_t desc, avail, used;	/* guest-physical, QueueDesc/Driver/Device */
	bool event_idx;			/* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;			/* VIRTIO_F_INDIRECT_DESC negotiated */

	uint16_t last_avail;	/* next avail->ring slot to take */
	uint16_t used_idx;	/* the used->idx last published */
	bool notify_off;	/* used->flags holds VIRTQ_USED_F_NO_NOTIFY (no EVENT_IDX) */
	/*
	 * Why the queue was found broken, or NULL: once set, every call
	 * refuses, until the transport resets the queue.
	 */
	const char *broken;
};

/* One buffer of a chain: len > 0 bytes at hva, which map() returned. */
struct virtq_seg {
	void *hva;
	uint64_t gpa;		/* for messages */
	uint32_t len;
	bool device_writes;	/* VIRTQ_DESC_F_WRITE: the device fills it */
};

/*
 * A descriptor chain taken from the available ring: its readable
 * segments first, then its writable ones (virtq_pop() refuses any other
 * order), byte counts of each. Empty descriptors (len 0) are accepted and
 * left out (see virtq_pop()), so nsegs may be 0. 1.5 KiB: a device keeps
 * the one it works on in its own state rather than on Keel's stack.
 */
struct virtq_chain {
	uint16_t head;		/* what virtq_push() gives back */
	unsigned int nsegs;
	uint32_t readable, writable;	/* sum of the segments' len of each kind */
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

/*
 * At QueueReady: 0 if the queue can be used, else -1 with *why set.
 * Checks size (a power of 2 in 1..VIRTQ_MAX_SIZE), the alignment of each
 * ring (descriptors 16, available 2, used 4) and that each ring lies
 * whole in guest RAM (event fields included, whether or not EVENT_IDX
 * was negotiated: the spec's sizes include them). virtq_pop(),
 * virtq_push() and virtq_needs_notify() check the same again each time,
 * so a transport that skipped this call gets a refusal, not a fault.
 */
int virtq_check(const struct virtq *q, const struct virtq_mem *m, const char **why);

enum virtq_pop_result {
	VIRTQ_POP_CHAIN,	/* *c holds the next chain; hand it back with virtq_push() */
	VIRTQ_POP_EMPTY,	/* nothing available; notifications are armed */
	VIRTQ_POP_BROKEN,	/* the driver broke the rules: *why, q->broken */
};

/*
 * Take the next available chain into *c. VIRTQ_POP_BROKEN (with *why and
 * q->broken set, last_avail unchanged) when the driver broke a rule of
 * the spec, each caught before it is acted on:
 *   - avail->idx more than size ahead of used->idx (the driver made more
 *     chains available than it has descriptors: at most size can be
 *     outstanding, taken or not), or behind last_avail (it took back
 *     chains already taken: the spec forbids decrementing it);
 *   - a head or a next index >= the size of its table;
 *   - a chain that visits more descriptors than its table has (a loop),
 *     counted separately in the queue's table and in an indirect one;
 *   - a buffer whose addr + len wraps around 2^64, or that map() refuses;
 *   - a chain of more than 2^32 - 1 bytes (used->len and the spec's
 *     limit are 32-bit);
 *   - a device-readable descriptor after a device-writable one;
 *   - more than VIRTQ_MAX_SEGS non-empty descriptors;
 *   - VIRTQ_DESC_F_INDIRECT when VIRTIO_F_INDIRECT_DESC was not
 *     negotiated, together with VIRTQ_DESC_F_NEXT, or inside an indirect
 *     table; a table whose length is 0, not a multiple of 16, more than
 *     VIRTQ_MAX_INDIRECT entries, wrapping, or outside RAM.
 * A descriptor of len 0 is not an error: the spec forbids none (it
 * describes elements, not their sizes, and limits only the total), and
 * a device has nothing to read or write there, so it is left out of *c
 * and its addr is never mapped. It still counts towards the loop limit,
 * and its WRITE flag still counts for the order.
 */
enum virtq_pop_result virtq_pop(struct virtq *q, const struct virtq_mem *m,
				struct virtq_chain *c, const char **why);

/*
 * Give the chain that started at head back to the driver, with written
 * bytes written into its writable segments (the device keeps written <=
 * chain.writable: the driver trusts it). The used entry is written, then
 * used->idx published (release). -1, and nothing written, if head is not
 * below size, if every chain taken was already given back, or if the
 * queue is broken or its used ring no longer maps (a bug of the device
 * or the transport, never the guest's doing).
 */
int virtq_push(struct virtq *q, const struct virtq_mem *m, uint16_t head, uint32_t written);

/*
 * A chain's readable (writable false) or writable bytes as one stream:
 * copy up to len bytes between buf and that stream from its byte `at`
 * (to_chain: into the chain). Returns how many moved: fewer if the stream
 * is shorter. A header or a sector may so straddle descriptors however the
 * driver laid them out.
 */
uint32_t virtq_chain_copy(const struct virtq_chain *c, bool writable, uint32_t at, void *buf,
			  uint32_t len, bool to_chain);

/*
 * After pushing (used->idx went from used_before to q->used_idx): whether
 * the driver wants a used buffer notification. Without EVENT_IDX, unless
 * avail->flags has VIRTQ_AVAIL_F_NO_INTERRUPT; with it, when used_event
 * is the index of one of the entries just published. False when nothing
 * was published or the queue is broken.
 */
bool virtq_needs_notify(const struct virtq *q, const struct virtq_mem *m, uint16_t used_before);

#endif
