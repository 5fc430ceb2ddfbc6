/* The test guest's virtio-blk driver (vio.h): one queue, polled. */
#include "vio.h"

#define QMAX 16
#define DESC_F_NEXT 1
#define DESC_F_WRITE 2
#define PLIC_PENDING 0x0c001000UL
#define WAIT_LOOPS 1000000

struct desc {
	unsigned long long addr;
	unsigned int len;
	unsigned short flags, next;
};

static struct desc desc[QMAX] __attribute__((aligned(16)));
static struct {
	unsigned short flags, idx, ring[QMAX], used_event;
} avail __attribute__((aligned(2)));
static struct {
	unsigned short flags;
	volatile unsigned short idx;
	struct {
		unsigned int id, len;
	} ring[QMAX];
	unsigned short avail_event;
} used __attribute__((aligned(4)));

static unsigned int qsize;
static unsigned short last_used;
static struct {
	unsigned int type, reserved;
	unsigned long long sector;
} header[QMAX];
static unsigned char status[QMAX];
static struct {
	unsigned long long sector;
	unsigned int sectors, flags;
} range;

static void barrier(void)
{
	__sync_synchronize();
}

unsigned long long vio_device_features(void)
{
	unsigned long long f;

	vio_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	f = (unsigned long long)vio_rd(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	vio_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	return f | vio_rd(VIRTIO_MMIO_DEVICE_FEATURES);
}

void vio_reset(void)
{
	vio_wr(VIRTIO_MMIO_STATUS, 0);
	last_used = 0;
}

int vio_negotiate(unsigned long long features)
{
	vio_reset();
	vio_wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	vio_wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	vio_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vio_wr(VIRTIO_MMIO_DRIVER_FEATURES, (unsigned int)features);
	vio_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vio_wr(VIRTIO_MMIO_DRIVER_FEATURES, (unsigned int)(features >> 32));
	vio_wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
					   VIRTIO_STATUS_FEATURES_OK);
	return !!(vio_rd(VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK);
}

static void queue_setup(unsigned int num, unsigned long long desc_addr)
{
	unsigned long long a = (unsigned long)&avail, u = (unsigned long)&used;

	for (unsigned int i = 0; i < sizeof(avail) / 2; i++)
		((unsigned short *)&avail)[i] = 0;
	used.idx = 0;
	vio_wr(VIRTIO_MMIO_QUEUE_SEL, 0);
	vio_wr(VIRTIO_MMIO_QUEUE_NUM, num);
	vio_wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (unsigned int)desc_addr);
	vio_wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, (unsigned int)(desc_addr >> 32));
	vio_wr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, (unsigned int)a);
	vio_wr(VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (unsigned int)(a >> 32));
	vio_wr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, (unsigned int)u);
	vio_wr(VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (unsigned int)(u >> 32));
	vio_wr(VIRTIO_MMIO_QUEUE_READY, 1);
	vio_wr(VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
					   VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	qsize = num;
	last_used = 0;
}

static int negotiate_blk(void)
{
	unsigned long long want = 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_BLK_F_SEG_MAX |
				  1ULL << VIRTIO_BLK_F_BLK_SIZE | 1ULL << VIRTIO_BLK_F_FLUSH |
				  1ULL << VIRTIO_BLK_F_RO | 1ULL << VIRTIO_BLK_F_DISCARD |
				  1ULL << VIRTIO_BLK_F_WRITE_ZEROES;

	return vio_negotiate(want & vio_device_features());
}

int vio_init(unsigned int num)
{
	if (!negotiate_blk())
		return 0;
	queue_setup(num, (unsigned long)desc);
	return vio_rd(VIRTIO_MMIO_QUEUE_READY) == 1 &&
	       vio_rd(VIRTIO_MMIO_STATUS) == (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
					     VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

unsigned int vio_config32(unsigned int off)
{
	return vio_rd(VIRTIO_MMIO_CONFIG + off);
}

unsigned int vio_config8(unsigned int off)
{
	return *(volatile unsigned char *)(VIO_BASE + VIRTIO_MMIO_CONFIG + off);
}

static void set_desc(unsigned int i, const void *addr, unsigned int len, unsigned short flags,
		     unsigned short next)
{
	desc[i] = (struct desc){ (unsigned long)addr, len, flags, next };
}

/* Post the chain at head, notify, and wait for the device's answer */
static int submit(unsigned int head, unsigned int *used_len)
{
	avail.ring[avail.idx % qsize] = (unsigned short)head;
	barrier();
	avail.idx++;
	barrier();
	vio_wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	for (unsigned int i = 0; i < WAIT_LOOPS && used.idx == last_used; i++)
		barrier();
	if (used.idx == last_used)
		return -1;
	barrier();
	if (used_len)
		*used_len = used.ring[last_used % qsize].len;
	last_used++;
	return 0;
}

int vio_blk(unsigned int type, unsigned long long sector, void *buf, unsigned int len,
	    unsigned int *used_len)
{
	unsigned int n = 0;

	vio_wr(VIRTIO_MMIO_INTERRUPT_ACK, vio_rd(VIRTIO_MMIO_INTERRUPT_STATUS));
	header[0] = (typeof(header[0])){ type, 0, sector };
	status[0] = 0xff;
	set_desc(n, &header[0], sizeof(header[0]), DESC_F_NEXT, 1);
	n++;
	if (len) {
		set_desc(n, buf, len, DESC_F_NEXT | (type == VIRTIO_BLK_T_OUT ? 0 : DESC_F_WRITE), 2);
		n++;
	}
	set_desc(n, &status[0], 1, DESC_F_WRITE, 0);
	if (submit(0, used_len))
		return -1;
	return status[0];
}

int vio_blk_zero(unsigned int type, unsigned long long sector, unsigned int sectors)
{
	unsigned int len;

	range.sector = sector;
	range.sectors = sectors;
	range.flags = 0;
	header[0] = (typeof(header[0])){ type, 0, 0 };
	status[0] = 0xff;
	set_desc(0, &header[0], sizeof(header[0]), DESC_F_NEXT, 1);
	set_desc(1, &range, sizeof(range), DESC_F_NEXT, 2);
	set_desc(2, &status[0], 1, DESC_F_WRITE, 0);
	if (submit(0, &len))
		return -1;
	return status[0];
}

int vio_flushes_at_once(unsigned int n)
{
	int ok = 0;

	if (2 * n > qsize)
		return -1;
	for (unsigned int r = 0; r < n; r++) {
		header[r] = (typeof(header[0])){ VIRTIO_BLK_T_FLUSH, 0, 0 };
		status[r] = 0xff;
		set_desc(2 * r, &header[r], sizeof(header[r]), DESC_F_NEXT, (unsigned short)(2 * r + 1));
		set_desc(2 * r + 1, &status[r], 1, DESC_F_WRITE, 0);
		avail.ring[(avail.idx + r) % qsize] = (unsigned short)(2 * r);
	}
	barrier();
	avail.idx = (unsigned short)(avail.idx + n);
	barrier();
	vio_wr(VIRTIO_MMIO_QUEUE_NOTIFY, 0);
	for (unsigned int i = 0; i < WAIT_LOOPS && (unsigned short)(used.idx - last_used) < n; i++)
		barrier();
	barrier();
	for (unsigned int r = 0; r < n; r++)
		ok += status[r] == VIRTIO_BLK_S_OK;
	last_used = used.idx;
	return ok;
}

int plic_pending(unsigned int irq)
{
	return *(volatile unsigned int *)(PLIC_PENDING + 4 * (irq / 32)) >> (irq % 32) & 1;
}

unsigned int vio_try_bad(enum vio_bad bad, unsigned long ram_base, unsigned long ram_size)
{
	static unsigned char data[512];

	vio_reset();
	if (bad == BAD_QUEUE_SIZE || bad == BAD_RING_OUTSIDE_RAM) {
		if (negotiate_blk())
			queue_setup(bad == BAD_QUEUE_SIZE ? 12 : 16,
				    bad == BAD_QUEUE_SIZE ? (unsigned long)desc : 0x2000);
		return vio_rd(VIRTIO_MMIO_STATUS);
	}
	if (!vio_init(16))
		return 0;
	header[0] = (typeof(header[0])){ VIRTIO_BLK_T_IN, 0, 0 };
	set_desc(0, &header[0], sizeof(header[0]), DESC_F_NEXT, 1);
	set_desc(1, data, sizeof(data), DESC_F_NEXT | DESC_F_WRITE, 2);
	set_desc(2, &status[0], 1, DESC_F_WRITE, 0);
	switch (bad) {
	case BAD_BUFFER_BELOW_RAM:
		desc[1].addr = 0x1000;
		break;
	case BAD_BUFFER_ABOVE_RAM:
		desc[1].addr = ram_base + ram_size + 0x1000;
		break;
	case BAD_BUFFER_WRAPS:
		desc[1].addr = 0xfffffffffffff000ULL;
		desc[1].len = 0x2000;
		break;
	case BAD_LOOP:
		/* the header's descriptor names itself as next: readable, so only the loop is wrong */
		desc[0].next = 0;
		break;
	case BAD_NEXT_OUT_OF_RANGE:
		desc[1].next = 200;
		break;
	case BAD_READABLE_AFTER_WRITABLE:
		desc[2].flags = DESC_F_NEXT;
		desc[2].next = 3;
		set_desc(3, &status[1], 1, DESC_F_WRITE, 0);
		break;
	case BAD_NO_STATUS:
		desc[0].flags = 0;
		break;
	case BAD_AVAIL_IDX_RUNS_AHEAD:
		avail.idx = (unsigned short)(avail.idx + 16);
		break;
	default:
		break;
	}
	submit(0, 0);
	return vio_rd(VIRTIO_MMIO_STATUS);
}
