/*
 * A VM config's virtio devices (docs/virtio.md, docs/config.md):
 *   disk = /incbin/("file.img");  a virtio-blk disk, whole 512-byte sectors
 *   machine-disk = <N>;           instead, the machine's Nth virtio-blk disk
 *   disk-read-only;               that disk read-only
 *   net;  or  mac = [02 00 00 00 00 01];   a card on Keel's switch
 *   virtio-console;               hvc0, its console line over virtio too
 * All optional, all found in one pass over the node's properties: a lookup
 * by name walks every property before it, and five of them cost the boot
 * as much as the rest of the bundle.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "platform/bundle_virtio.h"

struct device_props {
	const void *disk, *mac, *machine_disk;
	int disk_len, mac_len, machine_disk_len;
	bool disk_read_only, net, console;
};

static void find_props(const void *fdt, int node, struct device_props *p)
{
	int off;

	memset(p, 0, sizeof(*p));
	fdt_for_each_property_offset(off, fdt, node) {
		const char *name;
		int len;
		const void *v = fdt_getprop_by_offset(fdt, off, &name, &len);

		if (!v || !name)
			continue;
		if (!strcmp(name, "disk")) {
			p->disk = v;
			p->disk_len = len;
		} else if (!strcmp(name, "machine-disk")) {
			p->machine_disk = v;
			p->machine_disk_len = len;
		} else if (!strcmp(name, "disk-read-only")) {
			p->disk_read_only = true;
		} else if (!strcmp(name, "net")) {
			p->net = true;
		} else if (!strcmp(name, "mac")) {
			p->mac = v;
			p->mac_len = len;
		} else if (!strcmp(name, "virtio-console")) {
			p->console = true;
		}
	}
}

static int check_disk(const struct device_props *p, struct vm_config *vm, char *err,
		      unsigned long errlen)
{
	if (p->machine_disk) {
		uint32_t index;

		if (p->disk) {
			snprintf(err, errlen, "VM '%s': disk and machine-disk: one disk a VM", vm->name);
			return -1;
		}
		if (p->machine_disk_len != 4 || (index = fdt32_to_cpu(*(const fdt32_t *)p->machine_disk)) > 7) {
			snprintf(err, errlen, "VM '%s': machine-disk must be one number, 0..7", vm->name);
			return -1;
		}
		vm->machine_disk = index + 1;
		vm->disk_read_only = p->disk_read_only;
		return 0;
	}
	if (!p->disk) {
		if (!p->disk_read_only)
			return 0;
		snprintf(err, errlen, "VM '%s': disk-read-only without a disk", vm->name);
		return -1;
	}
	if (p->disk_len <= 0 || p->disk_len % 512) {
		snprintf(err, errlen,
			 "VM '%s': disk is %d bytes: it must be a whole number of 512-byte "
			 "sectors, and not empty",
			 vm->name, p->disk_len);
		return -1;
	}
	vm->disk = p->disk;
	vm->disk_size = (uint64_t)p->disk_len;
	vm->disk_read_only = p->disk_read_only;
	return 0;
}

static int check_mac(const struct device_props *p, struct vm_config *vm, char *err,
		     unsigned long errlen)
{
	const uint8_t *mac = p->mac;

	if (!mac)
		return 0;
	if (p->mac_len != 6 || mac[0] & 1) {
		snprintf(err, errlen, "VM '%s': mac must be 6 bytes of a unicast address, "
				      "as [02 00 00 00 00 01]", vm->name);
		return -1;
	}
	memcpy(vm->mac, mac, 6);
	vm->has_mac = true;
	return 0;
}

int bundle_parse_virtio(const void *fdt, int node, struct vm_config *vm, char *err,
			unsigned long errlen)
{
	struct device_props p;
	const char *needs_plic;

	find_props(fdt, node, &p);
	if (check_disk(&p, vm, err, errlen) || check_mac(&p, vm, err, errlen))
		return -1;
	vm->net = p.net || p.mac;
	vm->virtio_console = p.console;
	/* each device's interrupt line goes through the virtual PLIC */
	needs_plic = vm->disk || vm->machine_disk ? "disk" : vm->net ? "net card" : vm->virtio_console ? "virtio-console" : NULL;
	if (needs_plic && !(vm->devices & VM_DEV_PLIC)) {
		snprintf(err, errlen, "VM '%s': a %s needs the virtual PLIC (devices)", vm->name,
			 needs_plic);
		return -1;
	}
	return 0;
}
