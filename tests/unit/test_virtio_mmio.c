/*
 * Tests for src/vdev/virtio_mmio.c, the virtio-mmio transport, and
 * src/vdev/virtio_blk.c's requests, on a fake guest RAM: the registers a
 * driver reads and writes, feature negotiation that must fail, status and
 * reset, a queue refused at QueueReady, notifications both ways, and a
 * virtio-blk disk in memory serving reads, writes and its error statuses.
 */
#include <string.h>

#include "unit.h"
#include "vdev/virtio_blk.h"
#include "vdev/virtio_mmio.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000ULL
#define DESC_OFF 0x0000
#define AVAIL_OFF 0x1000
#define USED_OFF 0x2000
#define HDR_OFF 0x3000
#define DATA_OFF 0x4000
#define STATUS_OFF 0x5000
#define QSIZE 8
#define DISK_BYTES (16 * 512)

static uint8_t ram[RAM_SIZE] __attribute__((aligned(4096)));
static uint8_t disk[DISK_BYTES];
static struct virtio_mmio d;
static struct virtio_blk blk;
static struct blk_backend backend;

static void *fake_map(void *ctx, uint64_t gpa, uint64_t len)
{
	(void)ctx;
	if (gpa < RAM_BASE || gpa - RAM_BASE > RAM_SIZE || len > RAM_SIZE - (gpa - RAM_BASE))
		return NULL;
	return ram + (gpa - RAM_BASE);
}

static uint32_t rd(uint32_t off)
{
	return virtio_mmio_read(&d, off, 4);
}

static void wr(uint32_t off, uint32_t v)
{
	virtio_mmio_write(&d, off, 4, v);
}

/* A disk of 16 sectors, sector s's bytes all s; read-only or not */
static void setup(bool read_only)
{
	struct virtq_mem mem = { fake_map, NULL };

	memset(ram, 0, sizeof(ram));
	for (unsigned int s = 0; s < DISK_BYTES / 512; s++)
		memset(disk + 512 * s, (int)s, 512);
	blk_ram_backend(&backend, disk, DISK_BYTES, read_only);
	virtio_blk_init(&blk, &backend, "keel-unit");
	virtio_mmio_init(&d, &virtio_blk_ops, &blk, &mem);
}

static int negotiate(uint64_t features)
{
	wr(VIRTIO_MMIO_STATUS, 0);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)features);
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(features >> 32));
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				       VIRTIO_STATUS_FEATURES_OK);
	return !!(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
}

static void queue(uint32_t num)
{
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	wr(VIRTIO_MMIO_QUEUE_NUM, num);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(RAM_BASE + DESC_OFF));
	wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)((RAM_BASE + DESC_OFF) >> 32));
	wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(RAM_BASE + AVAIL_OFF));
	wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(RAM_BASE + USED_OFF));
	wr(VIRTIO_MMIO_QUEUE_READY, 1);
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
				       VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void desc(unsigned int i, uint64_t off, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = ram + DESC_OFF + 16 * i;
	uint64_t addr = RAM_BASE + off;

	memcpy(p, &addr, 8);
	memcpy(p + 8, &len, 4);
	memcpy(p + 12, &flags, 2);
	memcpy(p + 14, &next, 2);
}

static uint16_t used_idx(void)
{
	uint16_t v;

	memcpy(&v, ram + USED_OFF + 2, 2);
	return v;
}

/* One request (header, data of len bytes, status), made available and notified: its status */
static int request(uint32_t type, uint64_t sector, uint32_t len, bool device_writes)
{
	static uint16_t avail;
	uint8_t *hdr = ram + HDR_OFF;

	if (used_idx() == 0)
		avail = 0;
	memcpy(hdr, &type, 4);
	memset(hdr + 4, 0, 4);
	memcpy(hdr + 8, &sector, 8);
	ram[STATUS_OFF] = 0xee;
	desc(0, HDR_OFF, 16, 1, len ? 1 : 2);
	if (len)
		desc(1, DATA_OFF, len, (uint16_t)(1 | (device_writes ? 2 : 0)), 2);
	desc(2, STATUS_OFF, 1, 2, 0);
	memset(ram + AVAIL_OFF + 4 + 2 * (avail % QSIZE), 0, 2);
	avail++;
	memcpy(ram + AVAIL_OFF + 2, &avail, 2);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	return ram[STATUS_OFF];
}

TEST(discovery_registers)
{
	setup(false);
	CHECK_EQ(rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC);
	CHECK_EQ(rd(VIRTIO_MMIO_VERSION), 2);
	CHECK_EQ(rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	CHECK_EQ(rd(VIRTIO_MMIO_VENDOR_ID), VIRTIO_VENDOR_KEEL);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK_EQ(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), VIRTQ_MAX_SIZE);
	wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	CHECK_EQ(rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* registers are 32-bit: a byte read of one reads 0 */
	CHECK_EQ(virtio_mmio_read(&d, VIRTIO_MMIO_MAGIC_VALUE, 1), 0);
	/* the config space takes any width: capacity is 16 sectors */
	CHECK_EQ(virtio_mmio_read(&d, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CFG_CAPACITY, 1), 16);
}

TEST(features_the_device_did_not_offer_leave_features_ok_clear)
{
	setup(false);
	CHECK(!negotiate(1ULL << VIRTIO_F_VERSION_1 | 1ULL << 40));
	CHECK(!negotiate(1ULL << VIRTIO_BLK_F_FLUSH)); /* no VERSION_1 */
	CHECK(negotiate(1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_BLK_F_FLUSH));
	CHECK(virtio_mmio_has(&d, VIRTIO_BLK_F_FLUSH));
	/* after FEATURES_OK the set is fixed */
	wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	wr(VIRTIO_MMIO_DRIVER_FEATURES, 0);
	CHECK(virtio_mmio_has(&d, VIRTIO_BLK_F_FLUSH));
}

TEST(status_zero_resets_everything)
{
	unsigned long resets;

	setup(false);
	CHECK(negotiate(1ULL << VIRTIO_F_VERSION_1));
	queue(QSIZE);
	CHECK_EQ(rd(VIRTIO_MMIO_QUEUE_READY), 1);
	resets = d.resets;
	wr(VIRTIO_MMIO_STATUS, 0);
	CHECK_EQ(rd(VIRTIO_MMIO_STATUS), 0);
	wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK_EQ(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	CHECK_EQ(d.features, 0);
	CHECK_EQ(d.resets, resets + 1);
}

TEST(queue_size_not_a_power_of_two_needs_a_reset)
{
	setup(false);
	CHECK(negotiate(1ULL << VIRTIO_F_VERSION_1));
	queue(12);
	CHECK_EQ(rd(VIRTIO_MMIO_QUEUE_READY), 0);
	CHECK(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	CHECK(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_CONFIG);
	CHECK(d.broken != NULL);
	/* the driver cannot clear NEEDS_RESET but by a reset */
	wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	CHECK(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	wr(VIRTIO_MMIO_STATUS, 0);
	CHECK_EQ(rd(VIRTIO_MMIO_STATUS), 0);
	CHECK(d.broken == NULL);
}

TEST(ring_addresses_fixed_once_ready)
{
	setup(false);
	CHECK(negotiate(1ULL << VIRTIO_F_VERSION_1));
	queue(QSIZE);
	wr(VIRTIO_MMIO_QUEUE_DESC_LOW, 0x1234);
	CHECK_EQ(d.regs[0].desc, RAM_BASE + DESC_OFF);
}

TEST(blk_read_write_and_the_used_interrupt)
{
	setup(false);
	CHECK(negotiate(1ULL << VIRTIO_F_VERSION_1));
	queue(QSIZE);
	CHECK_EQ(request(VIRTIO_BLK_T_IN, 3, 512, true), VIRTIO_BLK_S_OK);
	CHECK_EQ(ram[DATA_OFF], 3);
	CHECK_EQ(ram[DATA_OFF + 511], 3);
	CHECK(rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING);
	CHECK(virtio_mmio_irq_pending(&d));
	wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	CHECK(!virtio_mmio_irq_pending(&d));
	memset(ram + DATA_OFF, 0x5a, 1024);
	CHECK_EQ(request(VIRTIO_BLK_T_OUT, 14, 1024, false), VIRTIO_BLK_S_OK);
	CHECK_EQ(disk[14 * 512], 0x5a);
	CHECK_EQ(disk[16 * 512 - 1], 0x5a);
	CHECK_EQ(used_idx(), 2);
}

TEST(blk_error_statuses)
{
	setup(false);
	CHECK(negotiate(1ULL << VIRTIO_F_VERSION_1));
	queue(QSIZE);
	CHECK_EQ(request(VIRTIO_BLK_T_IN, 16, 512, true), VIRTIO_BLK_S_IOERR);  /* past the end */
	CHECK_EQ(request(VIRTIO_BLK_T_IN, 15, 1024, true), VIRTIO_BLK_S_IOERR); /* across it */
	CHECK_EQ(request(VIRTIO_BLK_T_IN, 0, 100, true), VIRTIO_BLK_S_IOERR);   /* not whole sectors */
	CHECK_EQ(request(99, 0, 0, false), VIRTIO_BLK_S_UNSUPP);
	CHECK_EQ(request(VIRTIO_BLK_T_FLUSH, 0, 0, false), VIRTIO_BLK_S_OK);
	CHECK_EQ(request(VIRTIO_BLK_T_GET_ID, 0, 20, true), VIRTIO_BLK_S_OK);
	CHECK(!memcmp(ram + DATA_OFF, "keel-unit", 9));
	CHECK_EQ(blk.errors, 4);
	CHECK(d.broken == NULL);
}

TEST(blk_read_only_refuses_writes)
{
	setup(true);
	CHECK(negotiate(1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_BLK_F_RO));
	queue(QSIZE);
	CHECK_EQ(request(VIRTIO_BLK_T_OUT, 0, 512, false), VIRTIO_BLK_S_IOERR);
	CHECK_EQ(disk[0], 0);
	CHECK_EQ(request(VIRTIO_BLK_T_IN, 1, 512, true), VIRTIO_BLK_S_OK);
}

TEST(blk_request_without_a_status_byte_needs_a_reset)
{
	static const uint16_t one = 1;

	setup(false);
	CHECK(negotiate(1ULL << VIRTIO_F_VERSION_1));
	queue(QSIZE);
	desc(0, HDR_OFF, 16, 0, 0); /* the header alone: no writable byte */
	memset(ram + AVAIL_OFF + 4, 0, 2);
	memcpy(ram + AVAIL_OFF + 2, &one, 2);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK(rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET);
	CHECK_STR(d.broken, "a request with no header or no status byte");
}
