/*
 * A VM's console over virtio-console (docs/virtio.md): this guest's own
 * driver (common/virtq_drv.c) writes a line through the transmit queue,
 * which Keel puts on the VM's line of the shared console, then reads what
 * is typed for the VM through the receive queue and writes it back
 * ("got: ..."), so the test sees both ways. Paging is off: a guest
 * address is physical.
 */
#include "console.h"
#include "test.h"
#include "virtq_drv.h"

#define QSIZE 8
#define RXQ 0
#define TXQ 1
#define WAIT_LOOPS 400000000UL

static struct vq rxq, txq;

static int init(void)
{
	if (!vq_negotiate(1ULL << VIRTIO_F_VERSION_1))
		return 0;
	vq_setup(RXQ, &rxq, QSIZE);
	vq_setup(TXQ, &txq, QSIZE);
	for (unsigned int i = 0; i < QSIZE; i++)
		vq_post_rx(&rxq, i);
	if (!vq_driver_ok())
		return 0;
	vq_wr(VIRTIO_MMIO_QUEUE_NOTIFY, RXQ);
	return 1;
}

static int put(const char *s, unsigned int n)
{
	unsigned int slot = txq.avail.idx % QSIZE;

	if (n > VQ_BUF)
		n = VQ_BUF;
	for (unsigned int i = 0; i < n; i++)
		txq.buf[slot][i] = (unsigned char)s[i];
	return vq_send(TXQ, &txq, slot, n);
}

/* Typed bytes until a newline or a full line: how many */
static unsigned int get_line(char *line, unsigned int size)
{
	unsigned int n = 0;

	for (unsigned long w = 0; w < WAIT_LOOPS && n < size - 1; w++) {
		unsigned int len;
		int id = vq_next_used(&rxq, &len);

		if (id < 0)
			continue;
		for (unsigned int i = 0; i < len && n < size - 1; i++) {
			char c = (char)rxq.buf[id][i];

			if (c == '\r' || c == '\n') {
				line[n] = 0;
				return n;
			}
			line[n++] = c;
		}
		vq_post_rx(&rxq, (unsigned int)id);
		vq_wr(VIRTIO_MMIO_QUEUE_NOTIFY, RXQ);
	}
	line[n] = 0;
	return n;
}

int main(unsigned long hartid, const void *dtb)
{
	static const char hello[] = "hello over virtio-console\n";
	char line[48], out[64] = "got: ";
	unsigned int n, k = 5;

	(void)hartid;
	(void)dtb;
	CHECK_EQ(vq_rd(VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_CONSOLE, "a virtio-console at 0x%lx",
		 vq_mmio_base);
	CHECK(init(), "set-up: two queues, DRIVER_OK");
	CHECK(put(hello, sizeof(hello) - 1), "a line written through the transmit queue");
	n = get_line(line, sizeof(line));
	CHECK(n > 0, "a line typed for the VM came through the receive queue (%u bytes)", n);
	for (unsigned int i = 0; i < n && k < sizeof(out) - 1; i++)
		out[k++] = line[i];
	out[k++] = '\n';
	CHECK(put(out, k), "and went back out the same way");
	test_finish();
}
