/*
 * A virtio-blk driver of its own, driving Keel's virtio-mmio transport
 * through its corner cases (docs/virtio.md): probing, the reset path,
 * feature negotiation that must fail, every request type and its error
 * statuses, a full queue, the interrupt line, and each malformed queue or
 * chain, which must put the device into DEVICE_NEEDS_RESET (never a fault,
 * never a read outside this VM's RAM), after which a reset brings it back.
 *
 * The disk is the bundle's (tests/system/data/virtio.dts): the image
 * guests/virtio/mkdisk.py writes, whose byte j of sector s is
 * (s * 7 + j) & 0xff. Bootargs: keel.ro=1 when the disk is read-only.
 * Paging is off: a guest address is its physical address.
 */
#include "console.h"
#include "fdt.h"
#include "test.h"
#include "vio.h"

#define DISK_SECTORS 2048 /* the 1 MiB image mkdisk.py writes */

static unsigned long ram_base, ram_size;
static int read_only;

static unsigned char pattern(unsigned long sector, unsigned int j)
{
	return (unsigned char)(sector * 7 + j);
}

static int matches_pattern(const unsigned char *buf, unsigned long sector, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (buf[i] != pattern(sector + i / 512, i % 512))
			return 0;
	return 1;
}

static void test_probe(void)
{
	CHECK_EQ(vio_rd(VIRTIO_MMIO_MAGIC_VALUE), VIRTIO_MMIO_MAGIC, "MagicValue is \"virt\"");
	CHECK_EQ(vio_rd(VIRTIO_MMIO_VERSION), 2, "Version 2 (modern)");
	CHECK_EQ(vio_rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK, "DeviceID: block");
	CHECK_EQ(vio_rd(VIRTIO_MMIO_VENDOR_ID), 0x4c45454bU, "VendorID: \"KEEL\"");
	vio_wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK_EQ(vio_rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 256, "QueueNumMax 256 for queue 0");
	vio_wr(VIRTIO_MMIO_QUEUE_SEL, 1);
	CHECK_EQ(vio_rd(VIRTIO_MMIO_QUEUE_NUM_MAX), 0, "QueueNumMax 0: a block device has one queue");
}

static void test_negotiation(void)
{
	unsigned long long offered = vio_device_features();

	CHECK(offered >> VIRTIO_F_VERSION_1 & 1, "VERSION_1 offered (0x%llx)", offered);
	CHECK_EQ(offered >> VIRTIO_BLK_F_RO & 1, read_only, "BLK_F_RO offered only on the read-only disk");
	CHECK_EQ(vio_negotiate(offered | 1ULL << 40), 0,
		 "FEATURES_OK stays clear when the driver takes a bit not offered");
	vio_reset();
	CHECK_EQ(vio_rd(VIRTIO_MMIO_STATUS), 0, "Status 0 after a reset");
	CHECK_EQ(vio_negotiate(offered & ~(1ULL << VIRTIO_F_VERSION_1)), 0,
		 "FEATURES_OK stays clear without VERSION_1");
	vio_reset();
	CHECK_EQ(vio_negotiate(1ULL << VIRTIO_F_VERSION_1), 1,
		 "FEATURES_OK holds with VERSION_1 alone");
	vio_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vio_wr(VIRTIO_MMIO_DRIVER_FEATURES, 1U << VIRTIO_BLK_F_FLUSH);
	CHECK_EQ(vio_rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK, VIRTIO_STATUS_FEATURES_OK,
		 "features written after FEATURES_OK change nothing");
	vio_reset();
}

static void test_config(void)
{
	CHECK_EQ(vio_config32(VIRTIO_BLK_CFG_CAPACITY), DISK_SECTORS, "capacity: 2048 sectors");
	CHECK_EQ(vio_config32(VIRTIO_BLK_CFG_CAPACITY + 4), 0, "capacity's high word 0");
	CHECK_EQ(vio_config32(VIRTIO_BLK_CFG_BLK_SIZE), 512, "blk_size 512");
	CHECK(vio_config32(VIRTIO_BLK_CFG_SEG_MAX) >= 1, "seg_max at least 1 (%u)",
	      vio_config32(VIRTIO_BLK_CFG_SEG_MAX));
	CHECK_EQ(vio_config8(VIRTIO_BLK_CFG_BLK_SIZE + 1), 2, "a byte of the config space (blk_size >> 8)");
}

static void test_requests(void)
{
	static unsigned char buf[4 * 512];
	unsigned int len;
	int st;

	st = vio_blk(VIRTIO_BLK_T_IN, 0, buf, sizeof(buf), &len);
	CHECK_EQ(st, VIRTIO_BLK_S_OK, "read sectors 0-3");
	CHECK_EQ(len, sizeof(buf) + 1, "used length: the data and the status byte");
	CHECK(matches_pattern(buf, 0, sizeof(buf)), "sectors 0-3 hold the image's pattern");
	st = vio_blk(VIRTIO_BLK_T_IN, DISK_SECTORS - 1, buf, 512, &len);
	CHECK(st == VIRTIO_BLK_S_OK && matches_pattern(buf, DISK_SECTORS - 1, 512),
	      "the last sector reads (status %d)", st);

	for (unsigned int i = 0; i < 512; i++)
		buf[i] = (unsigned char)(0xa5 ^ i);
	st = vio_blk(VIRTIO_BLK_T_OUT, 5, buf, 512, &len);
	if (read_only) {
		CHECK_EQ(st, VIRTIO_BLK_S_IOERR, "a write to the read-only disk: IOERR");
	} else {
		CHECK_EQ(st, VIRTIO_BLK_S_OK, "write sector 5");
		buf[0] ^= 0xff;
		st = vio_blk(VIRTIO_BLK_T_IN, 5, buf, 512, &len);
		CHECK(st == VIRTIO_BLK_S_OK && buf[0] == 0xa5 && buf[511] == (unsigned char)(0xa5 ^ 511),
		      "sector 5 reads back what was written");
	}
	CHECK_EQ(vio_blk(VIRTIO_BLK_T_FLUSH, 0, 0, 0, &len), VIRTIO_BLK_S_OK, "flush");
	st = vio_blk(VIRTIO_BLK_T_GET_ID, 0, buf, 20, &len);
	CHECK(st == VIRTIO_BLK_S_OK && buf[0] == 'k' && buf[4] == '-', "get-id: \"keel-...\" (%d)", st);
	CHECK_EQ(vio_blk(VIRTIO_BLK_T_IN, DISK_SECTORS, buf, 512, &len), VIRTIO_BLK_S_IOERR,
		 "a read past the end: IOERR");
	CHECK_EQ(vio_blk(VIRTIO_BLK_T_IN, DISK_SECTORS - 1, buf, 1024, &len), VIRTIO_BLK_S_IOERR,
		 "a read across the end: IOERR");
	CHECK_EQ(vio_blk(VIRTIO_BLK_T_IN, 0, buf, 100, &len), VIRTIO_BLK_S_IOERR,
		 "a read of 100 bytes (not whole sectors): IOERR");
	CHECK_EQ(vio_blk(99, 0, buf, 512, &len), VIRTIO_BLK_S_UNSUPP, "an unknown type: UNSUPP");
	if (!read_only) {
		st = vio_blk_zero(VIRTIO_BLK_T_WRITE_ZEROES, 6, 2);
		CHECK_EQ(st, VIRTIO_BLK_S_OK, "write-zeroes of sectors 6-7");
		buf[0] = 1;
		vio_blk(VIRTIO_BLK_T_IN, 6, buf, 1024, &len);
		CHECK(buf[0] == 0 && buf[1023] == 0, "sectors 6-7 read zero");
		CHECK_EQ(vio_blk_zero(VIRTIO_BLK_T_DISCARD, 8, 1), VIRTIO_BLK_S_OK, "discard of sector 8");
		CHECK_EQ(vio_blk_zero(VIRTIO_BLK_T_WRITE_ZEROES, DISK_SECTORS, 1), VIRTIO_BLK_S_IOERR,
			 "write-zeroes past the end: IOERR");
	}
}

/* The used buffer raised InterruptStatus and the vPLIC's source, and ACK lowers both */
static void test_interrupt(void)
{
	unsigned int len;

	vio_blk(VIRTIO_BLK_T_FLUSH, 0, 0, 0, &len);
	CHECK(vio_rd(VIRTIO_MMIO_INTERRUPT_STATUS) & VIRTIO_MMIO_INT_VRING,
	      "InterruptStatus: a used buffer");
	CHECK(plic_pending(VIO_IRQ), "the PLIC's source %d is pending", VIO_IRQ);
	vio_wr(VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
	CHECK_EQ(vio_rd(VIRTIO_MMIO_INTERRUPT_STATUS), 0, "InterruptACK clears it");
	CHECK(!plic_pending(VIO_IRQ), "and the PLIC's source is no longer pending");
}

/* Every descriptor in use at once: 8 flushes of 2 descriptors in a queue of 16 */
static void test_full_queue(void)
{
	CHECK_EQ(vio_flushes_at_once(8), 8, "a full queue: 8 requests in 16 descriptors, all served");
}

/* Each malformed case breaks the device, and a reset makes it work again */
static void test_malformed(void)
{
	static const struct {
		enum vio_bad bad;
		const char *what;
	} cases[] = {
		{ BAD_BUFFER_BELOW_RAM, "a buffer below the VM's RAM" },
		{ BAD_BUFFER_ABOVE_RAM, "a buffer past the VM's RAM (another VM's, maybe)" },
		{ BAD_BUFFER_WRAPS, "a buffer whose address + length wraps" },
		{ BAD_LOOP, "a chain that loops back to itself" },
		{ BAD_NEXT_OUT_OF_RANGE, "a next index past the queue" },
		{ BAD_READABLE_AFTER_WRITABLE, "a readable descriptor after a writable one" },
		{ BAD_NO_STATUS, "a request with no writable status byte" },
		{ BAD_AVAIL_IDX_RUNS_AHEAD, "avail->idx more than the queue size ahead" },
		{ BAD_QUEUE_SIZE, "a queue size of 12 (not a power of 2)" },
		{ BAD_RING_OUTSIDE_RAM, "a descriptor table outside the VM's RAM" },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int status = vio_try_bad(cases[i].bad, ram_base, ram_size);
		unsigned int len;
		static unsigned char buf[512];

		CHECK(status & VIRTIO_STATUS_NEEDS_RESET, "%s: DEVICE_NEEDS_RESET (status 0x%x)",
		      cases[i].what, status);
		vio_reset();
		CHECK(vio_init(16) && vio_blk(VIRTIO_BLK_T_IN, 1, buf, 512, &len) == VIRTIO_BLK_S_OK &&
			      matches_pattern(buf, 1, 512),
		      "%s: after a reset the device works again", cases[i].what);
	}
}

int main(unsigned long hartid, const void *dtb)
{
	const char *args;
	int len;

	(void)hartid;
	fdt_ram(dtb, &ram_base, &ram_size);
	args = fdt_prop(dtb, "chosen", "bootargs", &len);
	read_only = bootarg_num(args, "keel.ro", 0) != 0;
	CHECK(fdt_find_compatible(dtb, "virtio,mmio", 0) >= 0, "the device tree has a virtio,mmio node");

	test_probe();
	test_negotiation();
	CHECK(vio_init(16), "set-up: features, queue 0 of 16, DRIVER_OK");
	test_config();
	test_requests();
	test_interrupt();
	test_full_queue();
	test_malformed();
	test_finish();
}
