/*
 * virtio-blk's requests (virtio_blk.h). A request is one descriptor chain:
 * the 16-byte header (type, sector) readable by the device, then the data
 * (readable for a write, writable for a read), then one writable status
 * byte. The chain's segments are walked as two byte streams, what the
 * device reads and what it writes, so a header or a sector may straddle
 * descriptors however the driver laid them out.
 */
#include <stddef.h>
#include <string.h>

#include "vdev/virtio_blk.h"

/* the most descriptors of data in one request: two go to header and status */
#define BLK_SEG_MAX (VIRTQ_MAX_SEGS - 2)
/* discard and write-zeroes: one range per request, up to 1 GiB */
#define BLK_MAX_ZERO_SECTORS (1U << 21)

/* ---- the chain as two byte streams ---- */

/* All len bytes, or false: a request's header, range, id or status */
static bool chain_copy(const struct virtq_chain *c, bool writable, uint32_t at, void *buf,
		       uint32_t len, bool to_chain)
{
	return virtq_chain_copy(c, writable, at, buf, len, to_chain) == len;
}

/*
 * Move len bytes between the disk at offset and the chain's stream from
 * byte `at`, segment by segment, with no bounce buffer: to_disk reads the
 * readable stream, else the writable one is filled.
 */
static int chain_disk(struct blk_backend *b, const struct virtq_chain *c, uint32_t at,
		      uint64_t offset, uint32_t len, bool to_disk)
{
	for (unsigned int i = 0; i < c->nsegs && len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint32_t n;
		int r;

		if (s->device_writes == to_disk)
			continue;
		if (at >= s->len) {
			at -= s->len;
			continue;
		}
		n = s->len - at < len ? s->len - at : len;
		r = to_disk ? b->write(b, offset, (const uint8_t *)s->hva + at, n)
			    : b->read(b, offset, (uint8_t *)s->hva + at, n);
		if (r)
			return -1;
		offset += n;
		len -= n;
		at = 0;
	}
	return len ? -1 : 0;
}

/* ---- one request ---- */

/* [sector, sector + bytes / 512) lies on the disk, in whole sectors */
static bool in_range(const struct blk_backend *b, uint64_t sector, uint64_t bytes)
{
	uint64_t sectors = b->size / VIRTIO_BLK_SECTOR_SIZE;

	return bytes % VIRTIO_BLK_SECTOR_SIZE == 0 && sector <= sectors &&
	       bytes / VIRTIO_BLK_SECTOR_SIZE <= sectors - sector;
}

static uint8_t do_read(struct virtio_blk *blk, const struct virtq_chain *c, uint64_t sector,
		       uint32_t *written)
{
	uint32_t len = c->writable - 1;

	if (!in_range(blk->backend, sector, len) ||
	    chain_disk(blk->backend, c, 0, sector * VIRTIO_BLK_SECTOR_SIZE, len, false))
		return VIRTIO_BLK_S_IOERR;
	blk->reads++;
	*written = len;
	return VIRTIO_BLK_S_OK;
}

static uint8_t do_write(struct virtio_blk *blk, const struct virtq_chain *c, uint64_t sector)
{
	uint32_t len = c->readable - VIRTIO_BLK_HEADER_SIZE;

	if (blk->backend->read_only || !in_range(blk->backend, sector, len) ||
	    chain_disk(blk->backend, c, VIRTIO_BLK_HEADER_SIZE, sector * VIRTIO_BLK_SECTOR_SIZE, len,
		       true))
		return VIRTIO_BLK_S_IOERR;
	blk->writes++;
	return VIRTIO_BLK_S_OK;
}

/* DISCARD and WRITE_ZEROES: one range of {le64 sector, le32 sectors, le32 flags} */
static uint8_t do_zero(struct virtio_blk *blk, const struct virtq_chain *c, bool discard)
{
	uint8_t range[VIRTIO_BLK_RANGE_SIZE];
	uint64_t sector;
	uint32_t sectors, flags;

	if (c->readable != VIRTIO_BLK_HEADER_SIZE + VIRTIO_BLK_RANGE_SIZE ||
	    !chain_copy(c, false, VIRTIO_BLK_HEADER_SIZE, range, sizeof(range), false))
		return VIRTIO_BLK_S_UNSUPP; /* max_discard_seg and max_write_zeroes_seg are 1 */
	memcpy(&sector, range, 8);
	memcpy(&sectors, range + 8, 4);
	memcpy(&flags, range + 12, 4);
	/* discard takes no flag; write-zeroes only UNMAP (5.2.6.1) */
	if (flags & ~(discard ? 0 : VIRTIO_BLK_WRITE_ZEROES_UNMAP))
		return VIRTIO_BLK_S_UNSUPP;
	if (!blk->backend->zero)
		return VIRTIO_BLK_S_UNSUPP; /* not offered: a driver that asks anyway */
	if (blk->backend->read_only || sectors > BLK_MAX_ZERO_SECTORS ||
	    !in_range(blk->backend, sector, (uint64_t)sectors * VIRTIO_BLK_SECTOR_SIZE) ||
	    blk->backend->zero(blk->backend, sector * VIRTIO_BLK_SECTOR_SIZE,
			       (uint64_t)sectors * VIRTIO_BLK_SECTOR_SIZE))
		return VIRTIO_BLK_S_IOERR;
	blk->zeroes++;
	return VIRTIO_BLK_S_OK;
}

static uint8_t do_get_id(struct virtio_blk *blk, const struct virtq_chain *c, uint32_t *written)
{
	uint32_t len = c->writable - 1 < VIRTIO_BLK_ID_BYTES ? c->writable - 1 : VIRTIO_BLK_ID_BYTES;

	if (!chain_copy(c, true, 0, blk->id, len, true))
		return VIRTIO_BLK_S_IOERR;
	*written = len;
	return VIRTIO_BLK_S_OK;
}

/* ---- handed to a disk that answers later ---- */

_Static_assert(BLK_IO_MAX_SEGS >= VIRTQ_MAX_SEGS, "a chain's data fits a blk_io");

/* The segments of len bytes of the chain's readable or writable stream from byte at */
static void chain_slice(const struct virtq_chain *c, bool writable, uint32_t at, uint32_t len,
			struct blk_io *io)
{
	io->nsegs = 0;
	for (unsigned int i = 0; i < c->nsegs && len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		uint32_t n;

		if (s->device_writes != writable)
			continue;
		if (at >= s->len) {
			at -= s->len;
			continue;
		}
		n = s->len - at < len ? s->len - at : len;
		io->seg[io->nsegs++] = (struct blk_seg){ (uintptr_t)s->hva + at, n, writable };
		len -= n;
		at = 0;
	}
}

/* The chain's last writable byte: where the status goes */
static uint8_t *status_byte(const struct virtq_chain *c)
{
	uint32_t at = c->writable - 1;

	for (unsigned int i = 0; i < c->nsegs; i++) {
		const struct virtq_seg *s = &c->seg[i];

		if (!s->device_writes)
			continue;
		if (at < s->len)
			return (uint8_t *)s->hva + at;
		at -= s->len;
	}
	return NULL; /* not reached: writable counts these bytes */
}

enum served { SERVED, HANDED_ON, NO_ROOM, MALFORMED };

/*
 * A read, write or flush for a disk that answers later: checked here as
 * do_read/do_write would (an impossible one is answered at once: *status),
 * then handed on with its data where the guest put it.
 */
static enum served hand_on(struct virtio_blk *blk, const struct virtq_chain *c, uint32_t type,
			   uint64_t sector, uint8_t *status)
{
	struct blk_backend *b = blk->backend;
	struct blk_io *io = &blk->io;
	uint32_t data = type == VIRTIO_BLK_T_IN	 ? c->writable - 1
			: type == VIRTIO_BLK_T_OUT ? c->readable - VIRTIO_BLK_HEADER_SIZE
						   : 0;
	unsigned int slot = 0;

	if (type != VIRTIO_BLK_T_FLUSH &&
	    ((type == VIRTIO_BLK_T_OUT && b->read_only) || !in_range(b, sector, data))) {
		*status = VIRTIO_BLK_S_IOERR;
		return SERVED;
	}
	while (slot < BLK_IN_FLIGHT && blk->in_flight[slot].busy)
		slot++;
	if (slot == BLK_IN_FLIGHT)
		return NO_ROOM;
	io->type = type;
	io->sector = sector;
	io->tag = slot;
	chain_slice(c, type == VIRTIO_BLK_T_IN, type == VIRTIO_BLK_T_OUT ? VIRTIO_BLK_HEADER_SIZE : 0,
		    data, io);
	if (b->submit(b, io))
		return NO_ROOM;
	blk->in_flight[slot] = (struct blk_in_flight){
		.status = status_byte(c),
		.used_len = (type == VIRTIO_BLK_T_IN ? data : 0) + 1,
		.head = c->head,
		.type = (uint8_t)type,
		.busy = true,
	};
	blk->handed_on++;
	return HANDED_ON;
}

/* An answer from the disk: the status into the guest's byte, the chain to the used ring */
static void answered(void *ctx, uint32_t tag, uint8_t status)
{
	struct virtio_mmio *d = ctx;
	struct virtio_blk *blk = d->dev;
	struct blk_in_flight *f;

	if (tag >= BLK_IN_FLIGHT || !blk->in_flight[tag].busy)
		return;
	f = &blk->in_flight[tag];
	f->busy = false;
	if (!virtio_mmio_queue_live(d, 0))
		return; /* the device broke meanwhile: the driver resets it, nothing is owed */
	__atomic_store_n(f->status, status, __ATOMIC_RELAXED);
	if (status == VIRTIO_BLK_S_OK) {
		blk->reads += f->type == VIRTIO_BLK_T_IN;
		blk->writes += f->type == VIRTIO_BLK_T_OUT;
		blk->flushes += f->type == VIRTIO_BLK_T_FLUSH;
	} else {
		blk->errors++;
	}
	if (virtq_push(&d->q[0], &d->mem, f->head, status == VIRTIO_BLK_S_OK ? f->used_len : 1))
		virtio_mmio_needs_reset(d, "the used ring is not in the guest's RAM");
}

/* ---- one request ---- */

/*
 * One chain: SERVED with its status written in its last writable byte and
 * how many bytes the device wrote (status included) for the used ring;
 * HANDED_ON to a disk that answers later; NO_ROOM there now; MALFORMED if
 * the chain cannot hold a request at all: the device needs a reset.
 */
static enum served serve(struct virtio_blk *blk, const struct virtq_chain *c, uint32_t *used_len)
{
	uint8_t header[VIRTIO_BLK_HEADER_SIZE], status;
	uint32_t type, data = 0;
	uint64_t sector;

	if (c->writable < 1 || c->readable < VIRTIO_BLK_HEADER_SIZE ||
	    !chain_copy(c, false, 0, header, sizeof(header), false))
		return MALFORMED;
	memcpy(&type, header, 4);
	memcpy(&sector, header + 8, 8);
	if (blk->backend->submit && (type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_OUT ||
				     type == VIRTIO_BLK_T_FLUSH)) {
		enum served r = hand_on(blk, c, type, sector, &status);

		if (r != SERVED)
			return r;
	} else {
		switch (type) {
		case VIRTIO_BLK_T_IN:
			status = do_read(blk, c, sector, &data);
			break;
		case VIRTIO_BLK_T_OUT:
			status = do_write(blk, c, sector);
			break;
		case VIRTIO_BLK_T_FLUSH:
			status = blk->backend->flush(blk->backend) ? VIRTIO_BLK_S_IOERR
								   : VIRTIO_BLK_S_OK;
			blk->flushes += status == VIRTIO_BLK_S_OK;
			break;
		case VIRTIO_BLK_T_GET_ID:
			status = do_get_id(blk, c, &data);
			break;
		case VIRTIO_BLK_T_DISCARD:
		case VIRTIO_BLK_T_WRITE_ZEROES:
			status = do_zero(blk, c, type == VIRTIO_BLK_T_DISCARD);
			break;
		default:
			status = VIRTIO_BLK_S_UNSUPP;
			break;
		}
	}
	blk->errors += status != VIRTIO_BLK_S_OK;
	if (!chain_copy(c, true, c->writable - 1, &status, 1, true))
		return MALFORMED;
	*used_len = data + 1;
	return SERVED;
}

/* Answers in from a disk that answers later: into the used ring */
static void take_answers(struct virtio_mmio *d)
{
	struct blk_backend *b = ((struct virtio_blk *)d->dev)->backend;

	if (b->reap)
		b->reap(b, answered, d);
}

static void blk_notify(struct virtio_mmio *d, unsigned int q)
{
	struct virtio_blk *blk = d->dev;
	uint16_t used_before = d->q[q].used_idx;
	struct virtq_chain *c = &blk->chain;
	const char *why = NULL;

	take_answers(d); /* room for more, and answers owed */
	for (;;) {
		enum virtq_pop_result r;
		uint32_t used_len;

		if (d->broken)
			break;
		if (!blk->chain_waits) {
			r = virtq_pop(&d->q[q], &d->mem, c, &why);
			if (r == VIRTQ_POP_BROKEN)
				virtio_mmio_needs_reset(d, why);
			if (r != VIRTQ_POP_CHAIN)
				break;
		}
		blk->chain_waits = false;
		switch (serve(blk, c, &used_len)) {
		case NO_ROOM:
			blk->chain_waits = true; /* served when an answer frees a slot */
			blk->waits++;
			break;
		case MALFORMED:
			virtio_mmio_needs_reset(d, "a request with no header or no status byte");
			break;
		case HANDED_ON:
			continue;
		case SERVED:
			if (!virtq_push(&d->q[q], &d->mem, c->head, used_len))
				continue;
			virtio_mmio_needs_reset(d, "the used ring is not in the guest's RAM");
			break;
		}
		break;
	}
	take_answers(d); /* a disk that was waited for answered them all */
	if (d->q[q].used_idx != used_before)
		virtio_mmio_used(d, q, used_before);
}

/* The disk answered (its wake): the answers in, and a request that waited for room */
static void blk_service(struct virtio_mmio *d)
{
	if (virtio_mmio_queue_live(d, 0))
		blk_notify(d, 0);
	else
		take_answers(d); /* nobody to give them to: the driver resets the device */
}

static uint64_t blk_features(const struct virtio_mmio *d)
{
	const struct virtio_blk *blk = d->dev;
	uint64_t f = 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_BLK_SIZE |
		     1ULL << VIRTIO_BLK_F_FLUSH;

	if (blk->backend->read_only)
		return f | 1ULL << VIRTIO_BLK_F_RO;
	if (!blk->backend->zero)
		return f;
	return f | 1ULL << VIRTIO_BLK_F_DISCARD | 1ULL << VIRTIO_BLK_F_WRITE_ZEROES;
}

/* The configuration space, as 32-bit words; a narrower read takes its bytes */
static uint32_t config_word(const struct virtio_blk *blk, uint32_t word_offset)
{
	uint64_t sectors = blk->backend->size / VIRTIO_BLK_SECTOR_SIZE;

	switch (word_offset) {
	case VIRTIO_BLK_CFG_CAPACITY:
		return (uint32_t)sectors;
	case VIRTIO_BLK_CFG_CAPACITY + 4:
		return (uint32_t)(sectors >> 32);
	case VIRTIO_BLK_CFG_SEG_MAX:
		return BLK_SEG_MAX;
	case VIRTIO_BLK_CFG_BLK_SIZE:
		return VIRTIO_BLK_SECTOR_SIZE;
	case VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS:
	case VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SECTORS:
		return BLK_MAX_ZERO_SECTORS;
	case VIRTIO_BLK_CFG_MAX_DISCARD_SEG:
	case VIRTIO_BLK_CFG_MAX_WRITE_ZEROES_SEG:
	case VIRTIO_BLK_CFG_DISCARD_SECTOR_ALIGNMENT:
		return 1;
	}
	return 0;
}

static uint32_t blk_config_read(const struct virtio_mmio *d, uint32_t offset, unsigned int width)
{
	uint32_t word;

	/* within one word: a wider read of the config space is split by the caller */
	if (offset >= VIRTIO_BLK_CFG_SIZE || (offset & 3) + width > 4)
		return 0;
	word = config_word(d->dev, offset & ~3U) >> (8 * (offset & 3));
	return width == 4 ? word : word & ((1U << (8 * width)) - 1);
}

static void blk_reset(struct virtio_mmio *d)
{
	struct virtio_blk *blk = d->dev;

	/* a disk that answers later may not write into the guest's RAM after this */
	if (blk->backend->drain)
		blk->backend->drain(blk->backend);
	memset(blk->in_flight, 0, sizeof(blk->in_flight));
	blk->chain_waits = false;
}

const struct virtio_device_ops virtio_blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.name = "blk",
	.nr_queues = 1,
	.features = blk_features,
	.reset = blk_reset,
	.notify = blk_notify,
	.service = blk_service,
	.config_read = blk_config_read,
	.config_write = NULL, /* writeback is not offered: nothing to write */
};

void virtio_blk_init(struct virtio_blk *blk, struct blk_backend *b, const char *id)
{
	memset(blk, 0, sizeof(*blk));
	blk->backend = b;
	strncpy(blk->id, id, sizeof(blk->id));
}

/* ---- a disk in memory ---- */

static int ram_read(struct blk_backend *b, uint64_t offset, void *buf, uint32_t len)
{
	memcpy(buf, (const uint8_t *)b->ctx + offset, len);
	return 0;
}

static int ram_write(struct blk_backend *b, uint64_t offset, const void *buf, uint32_t len)
{
	memcpy((uint8_t *)b->ctx + offset, buf, len);
	return 0;
}

static int ram_flush(struct blk_backend *b)
{
	(void)b; /* memory is as durable as it gets: for the VM's life */
	return 0;
}

static int ram_zero(struct blk_backend *b, uint64_t offset, uint64_t len)
{
	memset((uint8_t *)b->ctx + offset, 0, len);
	return 0;
}

void blk_ram_backend(struct blk_backend *b, void *data, uint64_t size, bool read_only)
{
	*b = (struct blk_backend){
		.size = size & ~(uint64_t)(VIRTIO_BLK_SECTOR_SIZE - 1),
		.read_only = read_only,
		.read = ram_read,
		.write = ram_write,
		.flush = ram_flush,
		.zero = ram_zero,
		.ctx = data,
	};
}
