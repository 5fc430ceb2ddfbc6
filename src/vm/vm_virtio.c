/*
 * A VM's virtio-mmio devices (vm_virtio.h, docs/virtio.md). Each gets one
 * page of Keel's memory for its transport and device state; a disk from
 * the bundle is copied once into memory of its own, which the VM's writes
 * change for the rest of its life.
 */
#include <stdio.h>
#include <string.h>

#include "lib/console.h"
#include "lib/memops.h"
#include "mm/mem.h"
#include "platform/host_blk.h"
#include "vdev/vdev.h"
#include "vdev/virtio_blk.h"
#include "vdev/virtio_console.h"
#include "vdev/virtio_net.h"
#include "vm.h"
#include "vm/net_uplink.h"
#include "vm/vm_virtio.h"

/* A disk: the transport, the disk and where its bytes are, on two pages */
struct vm_virtio_blk {
	struct virtio_mmio transport;
	struct virtio_blk blk;
	struct blk_backend backend;
};
#define BLK_DEVICE_SIZE (2 * PAGE_SIZE)
_Static_assert(sizeof(struct vm_virtio_blk) <= BLK_DEVICE_SIZE, "a disk fits its pages");

/* A net card: the transport and the card, on two pages; its inbox apart */
struct vm_virtio_net {
	struct virtio_mmio transport;
	struct virtio_net net;
};
#define NET_DEVICE_SIZE (2 * PAGE_SIZE)
_Static_assert(sizeof(struct vm_virtio_net) <= NET_DEVICE_SIZE, "a net card fits its pages");

struct vm_virtio_console {
	struct virtio_mmio transport;
	struct virtio_console con;
};
_Static_assert(sizeof(struct vm_virtio_console) <= PAGE_SIZE, "a console fits its page");

_Static_assert(NET_SWITCH_PORTS >= KEEL_MAX_VMS + 1, "every VM's card and the uplink have a port");

/* The one switch every VM's net card plugs into */
static struct net_switch vm_switch;
static bool vm_switch_ready;

/* A disk of the machine behind a VM's virtio-blk: host_blk.c, requests handed on whole */
static int machine_submit(struct blk_backend *b, const struct blk_io *io)
{
	return host_blk_submit(b->ctx, io);
}

static unsigned int machine_reap(struct blk_backend *b, blk_io_done_fn *done, void *ctx)
{
	return host_blk_reap(b->ctx, done, ctx);
}

static void machine_drain(struct blk_backend *b)
{
	host_blk_drain(b->ctx);
}

/* The machine's disk answered (boot hart): the VM's vCPU 0 takes the answers (vdev_service) */
static void machine_answered(void *vm)
{
	vdev_devices_pending(vm);
}

/* The device's view of guest memory: vm_gpa_to_hva, RAM only, blocks zeroed first */
static void *guest_map(void *ctx, uint64_t gpa, uint64_t len)
{
	return vm_gpa_to_hva(ctx, gpa, len);
}

/* The machine's disk cfg->machine_disk - 1 as the VM's, which owns it from now on */
static int machine_backend(struct vm *vm, struct blk_backend *b, char *err, unsigned long errlen)
{
	const struct vm_config *cfg = vm->cfg;
	char why[160];
	struct host_blk *h = host_blk_find(cfg->machine_disk - 1, why, sizeof(why));

	if (!h) {
		snprintf(err, errlen, "VM '%s': machine-disk %u: %s", cfg->name, cfg->machine_disk - 1,
			 why);
		return -1;
	}
	if (h->owned) {
		snprintf(err, errlen, "VM '%s': machine-disk %u has an owner already", cfg->name,
			 cfg->machine_disk - 1);
		return -1;
	}
	h->owned = true;
	h->wake_ctx = vm;
	h->wake = machine_answered;
	*b = (struct blk_backend){
		.size = h->size,
		.read_only = h->read_only || cfg->disk_read_only,
		.zero = NULL, /* discard and write-zeroes not offered: the file keeps its bytes */
		.submit = machine_submit,
		.reap = machine_reap,
		.drain = machine_drain,
		.ctx = h,
	};
	return 0;
}

/* The bundle's image, copied once into memory of its own */
static int bundle_backend(struct vm *vm, struct blk_backend *b, char *err, unsigned long errlen)
{
	const struct vm_config *cfg = vm->cfg;
	void *disk = (void *)(uintptr_t)mem_pool_alloc(&keel_mem, cfg->disk_size, PAGE_SIZE);

	if (!disk) {
		snprintf(err, errlen, "VM '%s': no memory for its disk of %llu MiB (Keel has %llu MiB free)",
			 cfg->name, (unsigned long long)(cfg->disk_size >> 20),
			 (unsigned long long)(mem_pool_free_bytes(&keel_mem) >> 20));
		return -1;
	}
	mem_copy(disk, cfg->disk, cfg->disk_size);
	blk_ram_backend(b, disk, cfg->disk_size, cfg->disk_read_only);
	return 0;
}

static int add_disk(struct vm *vm, char *err, unsigned long errlen)
{
	const struct vm_config *cfg = vm->cfg;
	struct vm_virtio_blk *d = page_alloc(BLK_DEVICE_SIZE, PAGE_SIZE);
	char id[VM_NAME_MAX + 8]; /* GET_ID keeps its first 20 bytes */

	if (!d) {
		snprintf(err, errlen, "VM '%s': no memory for its disk", cfg->name);
		return -1;
	}
	if (cfg->machine_disk ? machine_backend(vm, &d->backend, err, errlen)
			      : bundle_backend(vm, &d->backend, err, errlen))
		return -1;
	snprintf(id, sizeof(id), "keel-%s", cfg->name);
	virtio_blk_init(&d->blk, &d->backend, id);
	d->transport.ops = &virtio_blk_ops;
	d->transport.dev = &d->blk;
	vm->virtio[vm->nr_virtio++] = &d->transport;
	return 0;
}

/* A frame waits for this VM: its vCPU 0's hart moves it in (vdev_service) */
static void wake_vm(struct net_port *p)
{
	vdev_devices_pending(p->ctx);
}

static int add_net(struct vm *vm, char *err, unsigned long errlen)
{
	const struct vm_config *cfg = vm->cfg;
	struct vm_virtio_net *d = page_alloc(NET_DEVICE_SIZE, PAGE_SIZE);
	uint64_t inbox_size = NET_INBOX_FRAMES * sizeof(struct net_frame);
	struct net_frame *inbox =
		(void *)(uintptr_t)mem_pool_alloc(&keel_mem, (inbox_size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1),
						  PAGE_SIZE);
	uint8_t mac[NET_MAC_LEN];

	if (!d || !inbox) {
		snprintf(err, errlen, "VM '%s': no memory for its net card", cfg->name);
		return -1;
	}
	if (!vm_switch_ready) {
		net_switch_init(&vm_switch);
		vm_switch_ready = true;
		net_uplink_plug(&vm_switch);
	}
	if (cfg->has_mac)
		memcpy(mac, cfg->mac, NET_MAC_LEN);
	else
		net_mac_from_name(cfg->name, mac);
	virtio_net_init(&d->net, &vm_switch, mac);
	d->net.port.wake = wake_vm;
	d->net.port.ctx = vm;
	if (net_switch_attach(&vm_switch, &d->net.port, inbox)) {
		snprintf(err, errlen, "VM '%s': the switch has no port left (%d)", cfg->name,
			 NET_SWITCH_PORTS);
		return -1;
	}
	d->transport.ops = &virtio_net_ops;
	d->transport.dev = &d->net;
	vm->virtio[vm->nr_virtio++] = &d->transport;
	return 0;
}

static int add_console(struct vm *vm, char *err, unsigned long errlen)
{
	struct vm_virtio_console *d = page_alloc(PAGE_SIZE, PAGE_SIZE);

	if (!d) {
		snprintf(err, errlen, "VM '%s': no memory for its virtio-console", vm->cfg->name);
		return -1;
	}
	virtio_console_init(&d->con, vm);
	d->transport.ops = &virtio_console_ops;
	d->transport.dev = &d->con;
	vm->virtio[vm->nr_virtio++] = &d->transport;
	return 0;
}

int vm_virtio_create(struct vm *vm, char *err, unsigned long errlen)
{
	vm->nr_virtio = 0;
	if ((vm->cfg->disk || vm->cfg->machine_disk) && add_disk(vm, err, errlen))
		return -1;
	if (vm->cfg->net && add_net(vm, err, errlen))
		return -1;
	if (vm->cfg->virtio_console && add_console(vm, err, errlen))
		return -1;
	vm_virtio_reset(vm);
	return 0;
}

void vm_virtio_reset(struct vm *vm)
{
	struct virtq_mem mem = { guest_map, vm };

	for (unsigned int i = 0; i < vm->nr_virtio; i++) {
		struct virtio_mmio *d = vm->virtio[i];

		virtio_mmio_init(d, d->ops, d->dev, &mem);
		/* The VM starts again: frames sent to its previous life are not its new one's */
		if (d->ops == &virtio_net_ops) {
			struct virtio_net *net = d->dev;

			net_port_flush(net->sw, &net->port);
		}
	}
}

void vm_net_report(void)
{
	if (!vm_switch_ready) {
		kprintf("  no VM has a net card: there is no switch\n");
		return;
	}
	kprintf("  port  name              MAC                    sent  delivered  dropped  waiting\n");
	for (unsigned int i = 0; i < vm_switch.nr_ports; i++) {
		const struct net_port *p = vm_switch.ports[i];
		const struct vm *vm = p->ctx;

		kprintf("  %4u  %-16s  %02x:%02x:%02x:%02x:%02x:%02x  %9lu  %9lu  %7lu  %7u\n", i,
			vm ? vm->cfg->name : "(uplink)", p->mac[0], p->mac[1], p->mac[2], p->mac[3],
			p->mac[4], p->mac[5], p->sent, p->delivered, p->dropped,
			__atomic_load_n(&p->tail, __ATOMIC_RELAXED) - p->head);
	}
	kprintf("  flooded (no address learnt, or a broadcast): %lu\n", vm_switch.flooded);
	net_uplink_report();
}
