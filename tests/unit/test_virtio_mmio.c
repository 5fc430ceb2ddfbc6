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

/* ---- a disk that answers later (a disk of the machine, host_blk.c) ---- */

#define LATER_MAX 4
static struct later {
	struct blk_io held[LATER_MAX];
	unsigned int n, room, drains;
} later;

static int later_submit(struct blk_backend *b, const struct blk_io *io)
{
	(void)b;
	if (later.n == later.room)
		return -1;
	later.held[later.n++] = *io;
	return 0;
}

/* The first n held requests done on disk[] (segment addresses are host pointers here), answered */
static unsigned int answer(unsigned int n, blk_io_done_fn *done, void *ctx)
{
	for (unsigned int i = 0; i < n; i++) {
		struct blk_io *io = &later.held[i];
		uint64_t at = io->sector * 512;

		for (unsigned int s = 0; s < io->nsegs; s++) {
			uint8_t *p = (uint8_t *)(uintptr_t)io->seg[s].addr;

			if (io->type == VIRTIO_BLK_T_IN)
				memcpy(p, disk + at, io->seg[s].len);
			else
				memcpy(disk + at, p, io->seg[s].len);
			at += io->seg[s].len;
		}
		if (done)
			done(ctx, io->tag, VIRTIO_BLK_S_OK);
	}
	later.n -= n;
	memmove(later.held, later.held + n, later.n * sizeof(later.held[0]));
	return n;
}

static void later_drain(struct blk_backend *b)
{
	(void)b;
	later.drains++;
	answer(later.n, NULL, NULL);
}

static unsigned int answerable; /* requests the disk has answered, as the test says */

static unsigned int later_reap(struct blk_backend *b, blk_io_done_fn *done, void *ctx)
{
	unsigned int n = answerable < later.n ? answerable : later.n;

	(void)b;
	answerable -= n;
	return answer(n, done, ctx);
}

static void setup_later(unsigned int room)
{
	setup(false);
	memset(&later, 0, sizeof(later));
	later.room = room;
	answerable = 0;
	backend.read = NULL;
	backend.write = NULL;
	backend.flush = NULL;
	backend.submit = later_submit;
	backend.reap = later_reap;
	backend.drain = later_drain;
	CHECK(negotiate(1ULL << VIRTIO_F_VERSION_1));
	queue(QSIZE);
}

/* Request n of a batch on descriptors 3n..3n+2, its own header, data and status; not notified */
static void post(unsigned int n, uint32_t type, uint64_t sector, uint32_t len)
{
	uint16_t idx, head = (uint16_t)(3 * n);
	uint8_t *hdr = ram + HDR_OFF + 32 * n;

	memcpy(hdr, &type, 4);
	memset(hdr + 4, 0, 4);
	memcpy(hdr + 8, &sector, 8);
	ram[STATUS_OFF + n] = 0xee;
	desc(head, HDR_OFF + 32 * n, 16, 1, (uint16_t)(head + 1));
	desc(head + 1u, DATA_OFF + 1024 * n, len, (uint16_t)(1 | (type == VIRTIO_BLK_T_OUT ? 0 : 2)),
	     (uint16_t)(head + 2));
	desc(head + 2u, STATUS_OFF + n, 1, 2, 0);
	memcpy(&idx, ram + AVAIL_OFF + 2, 2);
	memcpy(ram + AVAIL_OFF + 4 + 2 * (idx % QSIZE), &head, 2);
	idx++;
	memcpy(ram + AVAIL_OFF + 2, &idx, 2);
}

/* The disk answered what it holds now: what its interrupt leads to (vdev_service) */
static void disk_answers(void)
{
	answerable = later.n;
	virtio_blk_ops.service(&d);
}

TEST(blk_later_read_is_answered_after_the_exit)
{
	setup_later(LATER_MAX);
	post(0, VIRTIO_BLK_T_IN, 5, 1024);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK_EQ(later.n, 1);
	CHECK_EQ(later.held[0].nsegs, 1);
	CHECK(later.held[0].seg[0].addr == (uintptr_t)(ram + DATA_OFF));
	CHECK(later.held[0].seg[0].device_writes);
	CHECK_EQ(used_idx(), 0);		/* nothing owed yet */
	CHECK_EQ(ram[STATUS_OFF], 0xee);
	CHECK(!virtio_mmio_irq_pending(&d));
	disk_answers();
	CHECK_EQ(used_idx(), 1);
	CHECK_EQ(ram[STATUS_OFF], VIRTIO_BLK_S_OK);
	CHECK_EQ(ram[DATA_OFF], 5);
	CHECK_EQ(ram[DATA_OFF + 1023], 6);
	CHECK(virtio_mmio_irq_pending(&d));
	CHECK_EQ(blk.reads, 1);
}

TEST(blk_later_request_without_room_waits_for_an_answer)
{
	setup_later(1);
	memset(ram + DATA_OFF + 1024, 0x77, 512);
	post(0, VIRTIO_BLK_T_IN, 2, 512);
	post(1, VIRTIO_BLK_T_OUT, 9, 512);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK_EQ(later.n, 1);
	CHECK(blk.chain_waits);
	CHECK_EQ(blk.waits, 1);
	disk_answers(); /* the read's answer, then the write handed on */
	CHECK_EQ(used_idx(), 1);
	CHECK_EQ(later.n, 1);
	CHECK_EQ(later.held[0].type, VIRTIO_BLK_T_OUT);
	CHECK(!blk.chain_waits);
	disk_answers();
	CHECK_EQ(used_idx(), 2);
	CHECK_EQ(disk[9 * 512], 0x77);
	CHECK_EQ(ram[STATUS_OFF + 1], VIRTIO_BLK_S_OK);
	CHECK_EQ(blk.handed_on, 2);
}

TEST(blk_later_impossible_requests_are_answered_at_once)
{
	setup_later(LATER_MAX);
	post(0, VIRTIO_BLK_T_IN, 16, 512); /* past the end */
	post(1, VIRTIO_BLK_T_IN, 0, 100);  /* not whole sectors */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK_EQ(later.n, 0);
	CHECK_EQ(used_idx(), 2);
	CHECK_EQ(ram[STATUS_OFF], VIRTIO_BLK_S_IOERR);
	CHECK_EQ(ram[STATUS_OFF + 1], VIRTIO_BLK_S_IOERR);
	post(0, VIRTIO_BLK_T_GET_ID, 0, 20); /* served by Keel itself */
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK_EQ(later.n, 0);
	CHECK_EQ(used_idx(), 3);
	CHECK_EQ(ram[STATUS_OFF], VIRTIO_BLK_S_OK);
	CHECK(!memcmp(ram + DATA_OFF, "keel-unit", 9));
}

TEST(blk_later_header_and_data_in_one_descriptor)
{
	uint16_t idx = 1, head = 0;
	uint32_t type = VIRTIO_BLK_T_OUT;
	uint64_t sector = 3;

	setup_later(LATER_MAX);
	memcpy(ram + HDR_OFF, &type, 4);
	memcpy(ram + HDR_OFF + 8, &sector, 8);
	desc(0, HDR_OFF, 16 + 512, 1, 1); /* header and the sector it writes */
	desc(1, STATUS_OFF, 1, 2, 0);
	memcpy(ram + AVAIL_OFF + 4, &head, 2);
	memcpy(ram + AVAIL_OFF + 2, &idx, 2);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK_EQ(later.n, 1);
	CHECK_EQ(later.held[0].nsegs, 1);
	CHECK(later.held[0].seg[0].addr == (uintptr_t)(ram + HDR_OFF + 16));
	CHECK_EQ(later.held[0].seg[0].len, 512);
	CHECK(!later.held[0].seg[0].device_writes);
}

TEST(blk_later_reset_waits_for_the_disk_and_forgets_its_answers)
{
	unsigned int drains;

	setup_later(LATER_MAX);
	post(0, VIRTIO_BLK_T_IN, 1, 512);
	wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	CHECK_EQ(later.n, 1);
	drains = later.drains;
	wr(VIRTIO_MMIO_STATUS, 0);
	CHECK_EQ(later.drains, drains + 1);
	CHECK_EQ(later.n, 0);
	CHECK(!blk.in_flight[0].busy);
	CHECK_EQ(used_idx(), 0); /* the driver that reset is owed nothing */
	disk_answers();
	CHECK_EQ(used_idx(), 0);
}
