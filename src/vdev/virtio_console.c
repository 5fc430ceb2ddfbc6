/* A VM's console over virtio (virtio_console.h). */
#include <string.h>

#include "vdev/virtio_console.h"
#include "vm.h"

#define CONSOLE_RXQ 0
#define CONSOLE_TXQ 1

/* The guest's bytes, onto its console line, buffer by buffer */
static void transmit(struct virtio_mmio *d)
{
	struct virtio_console *con = d->dev;
	struct virtq *q = &d->q[CONSOLE_TXQ];
	uint16_t used_before = q->used_idx;
	const char *why = NULL;
	enum virtq_pop_result r;

	while ((r = virtq_pop(q, &d->mem, &con->chain, &why)) == VIRTQ_POP_CHAIN) {
		for (unsigned int i = 0; i < con->chain.nsegs; i++) {
			const struct virtq_seg *s = &con->chain.seg[i];

			if (s->device_writes)
				break;
			vm_console_write(con->vm, s->hva, s->len);
			con->written += s->len;
		}
		if (virtq_push(q, &d->mem, con->chain.head, 0)) {
			virtio_mmio_needs_reset(d, "the used ring is not in the guest's RAM");
			return;
		}
	}
	if (r == VIRTQ_POP_BROKEN)
		virtio_mmio_needs_reset(d, why);
	if (q->used_idx != used_before)
		virtio_mmio_used(d, CONSOLE_TXQ, used_before);
}

/* What was typed for the VM, into its receive buffers; popped only with input in hand */
static void receive(struct virtio_mmio *d)
{
	struct virtio_console *con = d->dev;
	struct virtq *q = &d->q[CONSOLE_RXQ];
	uint16_t used_before = q->used_idx;
	const char *why = NULL;

	while (vm_console_queued(&con->vm->console)) {
		enum virtq_pop_result r = virtq_pop(q, &d->mem, &con->chain, &why);
		uint32_t n = 0;

		if (r == VIRTQ_POP_BROKEN)
			virtio_mmio_needs_reset(d, why);
		if (r != VIRTQ_POP_CHAIN)
			break;
		for (unsigned int i = 0; i < con->chain.nsegs; i++) {
			const struct virtq_seg *s = &con->chain.seg[i];
			uint32_t k = 0;
			int c;

			if (!s->device_writes)
				continue;
			while (k < s->len && (c = vm_console_take(con->vm)) >= 0)
				((uint8_t *)s->hva)[k++] = (uint8_t)c;
			n += k;
			if (k < s->len)
				break;
		}
		con->read += n;
		if (virtq_push(q, &d->mem, con->chain.head, n)) {
			virtio_mmio_needs_reset(d, "the used ring is not in the guest's RAM");
			break;
		}
	}
	if (q->used_idx != used_before)
		virtio_mmio_used(d, CONSOLE_RXQ, used_before);
}

static void console_notify(struct virtio_mmio *d, unsigned int q)
{
	if (q == CONSOLE_TXQ)
		transmit(d);
	else
		receive(d);
}

static void console_service(struct virtio_mmio *d)
{
	if (virtio_mmio_queue_live(d, CONSOLE_RXQ))
		receive(d);
}

static uint64_t console_features(const struct virtio_mmio *d)
{
	(void)d;
	return 0; /* one port, no size, no emergency write */
}

const struct virtio_device_ops virtio_console_ops = {
	.device_id = VIRTIO_ID_CONSOLE,
	.name = "console",
	.nr_queues = 2,
	.features = console_features,
	.reset = NULL,
	.notify = console_notify,
	.service = console_service,
	.config_read = NULL, /* no feature that has a field there */
	.config_write = NULL,
};

void virtio_console_init(struct virtio_console *con, struct vm *vm)
{
	memset(con, 0, sizeof(*con));
	con->vm = vm;
}
