/*
 * The test guest's own virtio-mmio block driver (vio.c): just enough of
 * one to drive Keel's device through every path, and to build the queues
 * a careless or hostile driver would.
 */
#ifndef GUEST_VIO_H
#define GUEST_VIO_H

#include "virtio_defs.h"

#define VIO_BASE 0x10001000UL /* the first virtio-mmio page, as on QEMU virt */
#define VIO_IRQ 1             /* its PLIC source */

static inline unsigned int vio_rd(unsigned int off)
{
	return *(volatile unsigned int *)(VIO_BASE + off);
}

static inline void vio_wr(unsigned int off, unsigned int v)
{
	*(volatile unsigned int *)(VIO_BASE + off) = v;
}

unsigned long long vio_device_features(void);
/* Reset, ACKNOWLEDGE, DRIVER, these features, FEATURES_OK: 1 if it held */
int vio_negotiate(unsigned long long features);
void vio_reset(void);
/* The whole set-up with queue 0 of qsize (a power of 2 <= 16): 1 if DRIVER_OK with no error */
int vio_init(unsigned int qsize);
unsigned int vio_config32(unsigned int off);
unsigned int vio_config8(unsigned int off);
/* One request: header, data (len bytes, none if 0), status. Its status, or -1 if never served */
int vio_blk(unsigned int type, unsigned long long sector, void *buf, unsigned int len,
	    unsigned int *used_len);
/* DISCARD / WRITE_ZEROES of one range */
int vio_blk_zero(unsigned int type, unsigned long long sector, unsigned int sectors);
/* n flushes posted before one notify: how many came back OK */
int vio_flushes_at_once(unsigned int n);
int plic_pending(unsigned int irq);

enum vio_bad {
	BAD_BUFFER_BELOW_RAM,
	BAD_BUFFER_ABOVE_RAM,
	BAD_BUFFER_WRAPS,
	BAD_LOOP,
	BAD_NEXT_OUT_OF_RANGE,
	BAD_READABLE_AFTER_WRITABLE,
	BAD_NO_STATUS,
	BAD_AVAIL_IDX_RUNS_AHEAD,
	BAD_QUEUE_SIZE,
	BAD_RING_OUTSIDE_RAM,
};
/* Set up and notify one kind of malformed queue; the device's Status after */
unsigned int vio_try_bad(enum vio_bad bad, unsigned long ram_base, unsigned long ram_size);

#endif
