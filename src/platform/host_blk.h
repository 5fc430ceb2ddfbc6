/*
 * A disk of the machine: Keel as the driver of a virtio-blk device the
 * platform has (QEMU's virtio-blk-device on virtio-mmio), so that a VM's
 * disk is a file on the host and outlives the run (docs/virtio.md, "A
 * disk of the machine").
 *
 * A VM's request goes to the device whole (struct blk_io): its header and
 * status in Keel's memory, its data segments the guest's own buffers, so
 * the device moves the bytes and Keel copies none. Up to HOST_BLK_SLOTS
 * requests are in flight; the device's interrupt (on the PLIC, hw_irq.c)
 * calls the owner's wake(), and the owner takes the answers with
 * host_blk_reap() later, on its own hart. So a VM's exit never waits for
 * the disk. A device whose line Keel cannot take is waited for instead:
 * host_blk_submit() then returns with the request answered.
 */
#ifndef KEEL_HOST_BLK_H
#define KEEL_HOST_BLK_H

#include <stdbool.h>
#include <stdint.h>

#include "blk_io.h"
#include "must_check.h"
#include "spinlock.h"

#define HOST_BLK_SLOTS 16 /* requests in flight at once */

struct host_blk {
	uintptr_t base;      /* its virtio-mmio page */
	int node;            /* in the machine's device tree */
	uint64_t size;       /* bytes */
	bool read_only, can_flush;
	bool has_irq;        /* its line is Keel's: answers are not waited for */
	bool lost;           /* it stopped answering: every request fails now */
	bool owned;          /* a VM has it: one owner (vm_virtio.c) */
	struct spinlock lock;
	struct host_blk_ring *ring;   /* its one queue */
	struct host_blk_slot *slots;  /* each request's header, status and descriptors */
	uint32_t free_slots;          /* a bit per free slot */
	uint16_t avail_idx, used_seen;
	/* answers came: called on the boot hart, from the device's interrupt */
	void (*wake)(void *ctx);
	void *wake_ctx;
	unsigned long requests, errors, interrupts;
};

/*
 * The index-th virtio-blk device of the machine (0, 1, ... in device-tree
 * order), set up for Keel's use. NULL with a message in err if there is
 * none, it is legacy (version 1), or it refuses the set-up.
 */
struct host_blk *host_blk_find(unsigned int index, char *err, unsigned long errlen) MUST_CHECK;

/*
 * Hand io to the device (io->type IN, OUT or FLUSH). 0: in flight, its
 * answer comes through host_blk_reap(); -1: every slot is busy, try again
 * after an answer.
 */
int host_blk_submit(struct host_blk *h, const struct blk_io *io) MUST_CHECK;
/* The answers that came in: done(ctx, tag, status) for each; how many. */
unsigned int host_blk_reap(struct host_blk *h, blk_io_done_fn *done, void *ctx);
/* Wait until no request is in flight, their answers forgotten (a VM's reset). */
void host_blk_drain(struct host_blk *h);

#endif
