/*
 * Keel's driver for a virtio-blk device of the machine (host_blk.h): the
 * virtio-mmio version 2 transport seen from the driver's side, one queue
 * of HOST_BLK_QSIZE, one request at a time, polled.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "lib/memops.h"
#include "mm/mem.h"
#include "platform/host_blk.h"
#include "platform/platform.h"
#include "platform/platform_dt.h"
#include "riscv.h"
#include "virtio_defs.h"

#define HOST_BLK_MAX 8
#define HOST_BLK_QSIZE 4 /* a request is 3 descriptors; one at a time */
#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define SECTOR VIRTIO_BLK_SECTOR_SIZE
/* how long a request may take, in polls of the used ring: the device's thread answers it */
#define POLL_LIMIT 4000000000UL

struct host_blk_ring {
	struct {
		uint64_t addr;
		uint32_t len;
		uint16_t flags, next;
	} desc[HOST_BLK_QSIZE];
	struct {
		uint16_t flags, idx, ring[HOST_BLK_QSIZE], used_event;
	} avail;
	uint8_t pad[2];
	struct {
		uint16_t flags, idx;
		struct {
			uint32_t id, len;
		} ring[HOST_BLK_QSIZE];
		uint16_t avail_event;
	} used;
	struct {
		uint32_t type, reserved;
		uint64_t sector;
	} header;
	uint8_t status;
};
_Static_assert(sizeof(struct host_blk_ring) <= PAGE_SIZE, "the queue fits a page");

static struct host_blk disks[HOST_BLK_MAX];
static unsigned int nr_disks;

static uint32_t rd(const struct host_blk *h, uint32_t off)
{
	return *(volatile uint32_t *)(h->base + off);
}

static void wr(const struct host_blk *h, uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(h->base + off) = v;
}

static void wr64(const struct host_blk *h, uint32_t lo, uint64_t v)
{
	wr(h, lo, (uint32_t)v);
	wr(h, lo + 4, (uint32_t)(v >> 32));
}

/* The device at base, found by the driver's side of the spec (3.1.1); 0 or -1 with err */
static int set_up(struct host_blk *h, char *err, unsigned long errlen)
{
	const uint32_t driver = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	uint32_t offered_lo, offered_hi, want_lo = 0;

	if (rd(h, VIRTIO_MMIO_VERSION) != VIRTIO_MMIO_VERSION_MODERN) {
		snprintf(err, errlen, "the machine's virtio-blk at 0x%lx is legacy (version %u): "
				      "start QEMU with -global virtio-mmio.force-legacy=false",
			 (unsigned long)h->base, rd(h, VIRTIO_MMIO_VERSION));
		return -1;
	}
	wr(h, VIRTIO_MMIO_STATUS, 0);
	wr(h, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(h, VIRTIO_MMIO_STATUS, driver);
	wr(h, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered_lo = rd(h, VIRTIO_MMIO_DEVICE_FEATURES);
	wr(h, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered_hi = rd(h, VIRTIO_MMIO_DEVICE_FEATURES);
	h->read_only = offered_lo >> VIRTIO_BLK_F_RO & 1;
	h->can_flush = offered_lo >> VIRTIO_BLK_F_FLUSH & 1;
	want_lo = offered_lo & (1U << VIRTIO_BLK_F_RO | 1U << VIRTIO_BLK_F_FLUSH);
	wr(h, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(h, VIRTIO_MMIO_DRIVER_FEATURES, want_lo);
	wr(h, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(h, VIRTIO_MMIO_DRIVER_FEATURES, offered_hi & 1U << (VIRTIO_F_VERSION_1 - 32));
	wr(h, VIRTIO_MMIO_STATUS, driver | VIRTIO_STATUS_FEATURES_OK);
	if (!(rd(h, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) ||
	    rd(h, VIRTIO_MMIO_QUEUE_NUM_MAX) < HOST_BLK_QSIZE) {
		snprintf(err, errlen, "the machine's virtio-blk at 0x%lx refused Keel's set-up",
			 (unsigned long)h->base);
		return -1;
	}
	h->size = ((uint64_t)rd(h, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY + 4) << 32 |
		   rd(h, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY)) * SECTOR;
	wr(h, VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(h, VIRTIO_MMIO_QUEUE_NUM, HOST_BLK_QSIZE);
	wr64(h, VIRTIO_MMIO_QUEUE_DESC_LOW, (uintptr_t)h->ring->desc);
	wr64(h, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uintptr_t)&h->ring->avail);
	wr64(h, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uintptr_t)&h->ring->used);
	wr(h, VIRTIO_MMIO_QUEUE_READY, 1);
	wr(h, VIRTIO_MMIO_STATUS, driver | VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	return 0;
}

/* The virtio-blk devices of the machine, in device-tree order, once */
static void find_all(void)
{
	static bool looked;
	const void *fdt = platform.fdt;
	int node = -1;

	if (looked || !fdt)
		return;
	looked = true;
	while (nr_disks < HOST_BLK_MAX &&
	       (node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) >= 0) {
		uint64_t base, size;

		if (!platform_node_is_okay(fdt, node) || platform_read_reg(fdt, node, 0, &base, &size) ||
		    size < VIRTIO_MMIO_SIZE)
			continue;
		/* QEMU virt lists eight slots; an empty one says DeviceID 0 */
		if (*(volatile uint32_t *)(uintptr_t)(base + VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC ||
		    *(volatile uint32_t *)(uintptr_t)(base + VIRTIO_MMIO_DEVICE_ID) != VIRTIO_ID_BLOCK)
			continue;
		disks[nr_disks++].base = (uintptr_t)base;
	}
}

struct host_blk *host_blk_find(unsigned int index, char *err, unsigned long errlen)
{
	struct host_blk *h;

	find_all();
	if (index >= nr_disks) {
		snprintf(err, errlen, "the machine has %u virtio-blk disk(s), no disk %u (QEMU: -drive "
				      "file=F,format=raw,if=none,id=d0 -device virtio-blk-device,drive=d0)",
			 nr_disks, index);
		return NULL;
	}
	h = &disks[index];
	if (h->ring)
		return h;
	h->ring = page_alloc(PAGE_SIZE, PAGE_SIZE);
	h->bounce = page_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!h->ring || !h->bounce) {
		snprintf(err, errlen, "no memory for the machine's disk %u", index);
		return NULL;
	}
	mem_zero(h->ring, PAGE_SIZE);
	spinlock_init(&h->lock, LOCK_HOST_DISK);
	if (set_up(h, err, errlen))
		return NULL;
	return h;
}

/* One request of whole sectors: header, data (none for a flush), status; polled */
static int request(struct host_blk *h, uint32_t type, uint64_t sector, void *buf, uint32_t len)
{
	struct host_blk_ring *r = h->ring;
	unsigned int last = 1; /* the status's descriptor: 1, or 2 behind the data */

	r->header.type = type;
	r->header.reserved = 0;
	r->header.sector = sector;
	r->status = 0xff;
	r->desc[0].addr = (uintptr_t)&r->header;
	r->desc[0].len = sizeof(r->header);
	r->desc[0].flags = DESC_F_NEXT;
	r->desc[0].next = 1;
	if (len) {
		r->desc[1].addr = (uintptr_t)buf;
		r->desc[1].len = len;
		r->desc[1].flags = DESC_F_NEXT | (type == VIRTIO_BLK_T_IN ? DESC_F_WRITE : 0);
		r->desc[1].next = 2;
		last = 2;
	}
	r->desc[last].addr = (uintptr_t)&r->status;
	r->desc[last].len = 1;
	r->desc[last].flags = DESC_F_WRITE;
	r->desc[last].next = 0;
	r->avail.ring[h->avail_idx % HOST_BLK_QSIZE] = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&r->avail.idx, ++h->avail_idx, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr(h, VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	for (unsigned long i = 0; i < POLL_LIMIT; i++)
		if (__atomic_load_n(&r->used.idx, __ATOMIC_ACQUIRE) != h->used_seen)
			break;
	h->requests++;
	if (__atomic_load_n(&r->used.idx, __ATOMIC_ACQUIRE) == h->used_seen) {
		h->errors++;
		return -1; /* never answered: the device is lost to Keel */
	}
	h->used_seen++;
	wr(h, VIRTIO_MMIO_INTERRUPT_ACK, rd(h, VIRTIO_MMIO_INTERRUPT_STATUS));
	h->errors += r->status != VIRTIO_BLK_S_OK;
	return r->status == VIRTIO_BLK_S_OK ? 0 : -1;
}

/* The part of [offset, offset + len) that is not whole sectors, through the bounce page */
static int partial(struct host_blk *h, bool write, uint64_t offset, uint8_t *buf, uint32_t len)
{
	uint64_t sector = offset / SECTOR;
	uint32_t at = (uint32_t)(offset % SECTOR);

	while (len) {
		uint32_t n = SECTOR - at < len ? SECTOR - at : len;

		if (request(h, VIRTIO_BLK_T_IN, sector, h->bounce, SECTOR))
			return -1;
		if (write) {
			memcpy(h->bounce + at, buf, n);
			if (request(h, VIRTIO_BLK_T_OUT, sector, h->bounce, SECTOR))
				return -1;
		} else {
			memcpy(buf, h->bounce + at, n);
		}
		buf += n;
		len -= n;
		sector++;
		at = 0;
	}
	return 0;
}

int host_blk_rw(struct host_blk *h, bool write, uint64_t offset, void *buf, uint32_t len)
{
	uint8_t *p = buf;
	int r = 0;

	if (offset > h->size || len > h->size - offset || (write && h->read_only))
		return -1;
	spin_lock(&h->lock);
	if (offset % SECTOR || len % SECTOR) {
		r = partial(h, write, offset, p, len);
	} else if (len) {
		r = request(h, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, offset / SECTOR, p, len);
	}
	spin_unlock(&h->lock);
	return r;
}

int host_blk_flush(struct host_blk *h)
{
	int r = 0;

	if (!h->can_flush)
		return 0; /* the device writes through: nothing to wait for */
	spin_lock(&h->lock);
	r = request(h, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
	spin_unlock(&h->lock);
	return r;
}
