/*
 * Reading the bundle: its options and its VMs, from a device tree that
 * bundle_blob.c has unwrapped and checked. Like a bad config on any real system, a bad bundle
 * stops the boot with one message that names what is wrong, and nothing is
 * half-created.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "boot_config.h"
#include "bundle.h"
#include "platform/bundle_virtio.h"

static int get_u32(const void *fdt, int node, const char *prop, uint32_t *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);
	if (!p)
		return -1;
	if (len != 4)
		return -2;
	*out = fdt32_to_cpu(*p);
	return 0;
}

/* What get_u32()'s result says is wrong with a property, for a message. */
static const char *u32_problem(int r)
{
	return r == -1 ? "is missing" : r == -2 ? "is not one 32-bit cell" : "is out of range";
}

/*
 * vcpu-harts = <hartid ...>: one cell per vCPU, the hart it must live on,
 * or 0xffffffff for "wherever". Whether the hart exists is checked at
 * placement, when Keel knows which harts it runs on.
 */
#define VCPU_PIN_ANY 0xffffffffU

static int parse_pins(const void *fdt, int node, struct vm_config *vm, char *err,
		      unsigned long errlen)
{
	const fdt32_t *cells;
	int len;

	for (unsigned int i = 0; i < KEEL_MAX_VCPUS; i++)
		vm->vcpu_pin[i] = -1;
	cells = fdt_getprop(fdt, node, "vcpu-harts", &len);
	if (!cells)
		return 0;
	if (len != (int)(vm->nr_vcpus * sizeof(fdt32_t))) {
		snprintf(err, errlen, "VM '%s': vcpu-harts has %d cells for %u vCPUs (one each)",
			 vm->name, len < 0 ? 0 : len / (int)sizeof(fdt32_t), vm->nr_vcpus);
		return -1;
	}
	for (unsigned int i = 0; i < vm->nr_vcpus; i++) {
		uint32_t hart = fdt32_to_cpu(cells[i]);

		if (hart == VCPU_PIN_ANY)
			continue;
		if (hart > 0x7fffffffU) {
			snprintf(err, errlen, "VM '%s': vcpu-harts: hart id 0x%x is out of range",
				 vm->name, hart);
			return -1;
		}
		vm->vcpu_pin[i] = (int)hart;
	}
	return 0;
}

/* "devices" = "uart", "plic": a string list; absent means all of them */
static int parse_devices(const void *fdt, int node, struct vm_config *vm, char *err,
			 unsigned long errlen)
{
	static const struct {
		const char *name;
		unsigned int bit;
	} known[] = { { "uart", VM_DEV_UART }, { "plic", VM_DEV_PLIC } };
	int len, count;

	if (!fdt_getprop(fdt, node, "devices", &len)) {
		vm->devices = VM_DEV_ALL;
		return 0;
	}
	count = fdt_stringlist_count(fdt, node, "devices");
	if (len > 0 && count < 0) {
		snprintf(err, errlen, "VM '%s': devices is not a list of strings", vm->name);
		return -1;
	}
	for (int i = 0; i < count; i++) {
		const char *dev = fdt_stringlist_get(fdt, node, "devices", i, NULL);
		unsigned int k;

		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (dev && !strcmp(dev, known[k].name))
				break;
		if (k == sizeof(known) / sizeof(known[0])) {
			snprintf(err, errlen, "VM '%s': devices: unknown device '%s' (known: uart, plic)",
				 vm->name, dev ? dev : "");
			return -1;
		}
		vm->devices |= known[k].bit;
	}
	return 0;
}

/*
 * console = "escaped" (the default) | "raw". Raw hands the VM the
 * terminal: its escape sequences work, and so would one that erases
 * another VM's line or makes the terminal type into the focused VM.
 */
static int parse_console(const void *fdt, int node, struct vm_config *vm, char *err,
			 unsigned long errlen)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "console", &len);
	/* exactly one string: "raw\0escaped" is not "raw" */
	bool one = s && len > 0 && strnlen(s, (size_t)len) == (size_t)len - 1;

	if (!s || (one && !strcmp(s, "escaped")))
		return 0;
	if (one && !strcmp(s, "raw")) {
		vm->console_raw = true;
		return 0;
	}
	snprintf(err, errlen, "VM '%s': console must be \"escaped\" or \"raw\"", vm->name);
	return -1;
}

static int parse_vm(const void *fdt, int node, struct vm_config *vm, char *err,
		    unsigned long errlen)
{
	const char *node_name = fdt_get_name(fdt, node, NULL);
	const char *name;
	uint32_t mib, vcpus;
	int len, r;

	memset(vm, 0, sizeof(*vm));
	name = fdt_getprop(fdt, node, "vm-name", &len);
	/* one string: a NUL inside ("\0x") would leave an empty or shorter name */
	if (!name || len < 2 || name[len - 1] || (unsigned int)len > VM_NAME_MAX ||
	    strlen(name) != (size_t)len - 1) {
		snprintf(err, errlen, "bundle: %s: 'vm-name' is missing or longer than %d characters",
			 node_name, VM_NAME_MAX - 1);
		return -1;
	}
	memcpy(vm->name, name, (size_t)len);

	r = get_u32(fdt, node, "memory-size-mib", &mib);
	if (r || mib < VM_MEM_MIB_MIN || mib > VM_MEM_MIB_MAX) {
		snprintf(err, errlen, "VM '%s': memory-size-mib %s (must be %d..%d)", vm->name,
			 u32_problem(r), VM_MEM_MIB_MIN, VM_MEM_MIB_MAX);
		return -1;
	}
	vm->mem_size = (uint64_t)mib << 20;

	r = get_u32(fdt, node, "vcpus", &vcpus);
	if (r || vcpus == 0 || vcpus > KEEL_MAX_VCPUS) {
		snprintf(err, errlen, "VM '%s': vcpus %s (must be 1..%d)", vm->name, u32_problem(r),
			 KEEL_MAX_VCPUS);
		return -1;
	}
	vm->nr_vcpus = vcpus;

	vm->bootargs = fdt_getprop(fdt, node, "bootargs", &len);
	if (!vm->bootargs)
		vm->bootargs = "";
	else if (len < 1 || vm->bootargs[len - 1]) {
		snprintf(err, errlen, "VM '%s': bootargs is not a string", vm->name);
		return -1;
	}

	vm->image = fdt_getprop(fdt, node, "image", &len);
	if (!vm->image || len <= 0) {
		snprintf(err, errlen, "VM '%s': image is missing or empty", vm->name);
		return -1;
	}
	vm->image_size = (uint64_t)len;

	vm->initrd = fdt_getprop(fdt, node, "initrd", &len);
	if (vm->initrd && len <= 0) {
		snprintf(err, errlen, "VM '%s': initrd is empty", vm->name);
		return -1;
	}
	vm->initrd_size = vm->initrd ? (uint64_t)len : 0;
	vm->no_sstc = fdt_getprop(fdt, node, "no-sstc", NULL) != NULL;
	vm->profiler_control = fdt_getprop(fdt, node, "profiler-control", NULL) != NULL;
	if (parse_devices(fdt, node, vm, err, errlen) || parse_console(fdt, node, vm, err, errlen) ||
	    bundle_parse_virtio(fdt, node, vm, err, errlen))
		return -1;
	return parse_pins(fdt, node, vm, err, errlen);
}

/* on-last-vm-stop = "power-off" (the default) | "keep-running" */
static int parse_last_stop(const void *fdt, int node, struct bundle *b, char *err,
			   unsigned long errlen)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "on-last-vm-stop", &len);

	if (!s)
		return 0;
	if (len > 0 && !s[len - 1] && !strcmp(s, "power-off"))
		return 0;
	if (len > 0 && !s[len - 1] && !strcmp(s, "keep-running")) {
		b->keep_running = true;
		return 0;
	}
	snprintf(err, errlen, "bundle: options/on-last-vm-stop must be \"power-off\" or "
			      "\"keep-running\"");
	return -1;
}

/* The root names the format and the version this Keel reads */
static int check_root(const void *fdt, char *err, unsigned long errlen)
{
	uint32_t version;
	int r;

	if (fdt_node_check_compatible(fdt, 0, "keel,bundle")) {
		snprintf(err, errlen, "bundle: root is not compatible with \"keel,bundle\"");
		return -1;
	}
	r = get_u32(fdt, 0, "keel,bundle-version", &version);
	if (r || version != BUNDLE_VERSION) {
		snprintf(err, errlen, "bundle: keel,bundle-version %s (this Keel reads version %d)",
			 r ? u32_problem(r) : "is not supported", BUNDLE_VERSION);
		return -1;
	}
	return 0;
}

/* /options: what holds for every VM (all optional) */
static int parse_options(const void *fdt, struct bundle *b, char *err, unsigned long errlen)
{
	int node = fdt_path_offset(fdt, "/options"), r;
	uint32_t hz;

	if (node < 0)
		return 0;
	b->trace = fdt_getprop(fdt, node, "trace", NULL) != NULL;
	b->test_hooks = fdt_getprop(fdt, node, "test-hooks", NULL) != NULL;
	b->profile_callchain = fdt_getprop(fdt, node, "profile-callchain", NULL) != NULL;
	b->console_color = fdt_getprop(fdt, node, "console-color", NULL) != NULL;
	if (parse_last_stop(fdt, node, b, err, errlen))
		return -1;
	if (!fdt_getprop(fdt, node, "profile", NULL))
		return 0;
	r = get_u32(fdt, node, "profile", &hz);
	if (r || hz < PROF_HZ_MIN || hz > PROF_HZ_MAX) {
		snprintf(err, errlen, "bundle: options/profile %s (samples per second, %d..%d)",
			 r ? u32_problem(r) : "is out of range", PROF_HZ_MIN, PROF_HZ_MAX);
		return -1;
	}
	b->profile_hz = hz;
	return 0;
}

/* Every vm@N node of the root, in order, each with a name of its own */
static int parse_vms(const void *fdt, struct bundle *b, char *err, unsigned long errlen)
{
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		const char *n = fdt_get_name(fdt, node, NULL);
		/* NULL for a blob older than version 16 whose names lack a '/' */
		if (!n || strncmp(n, "vm@", 3))
			continue;
		if (b->nr_vms == KEEL_MAX_VMS) {
			snprintf(err, errlen, "bundle: more than %d VMs", KEEL_MAX_VMS);
			return -1;
		}
		if (parse_vm(fdt, node, &b->vms[b->nr_vms], err, errlen))
			return -1;
		for (unsigned int i = 0; i < b->nr_vms; i++) {
			const struct vm_config *a = &b->vms[i], *c = &b->vms[b->nr_vms];

			if (!strcmp(a->name, c->name)) {
				snprintf(err, errlen, "bundle: two VMs are named '%s'", a->name);
				return -1;
			}
			/* a machine's disk has one owner: two VMs writing one file corrupt it */
			if (c->machine_disk && a->machine_disk == c->machine_disk) {
				snprintf(err, errlen,
					 "bundle: machine-disk %u is VM '%s''s; VM '%s' cannot have it too",
					 c->machine_disk - 1, a->name, c->name);
				return -1;
			}
		}
		b->nr_vms++;
	}
	if (!b->nr_vms) {
		snprintf(err, errlen, "bundle: no vm@N node: nothing to run");
		return -1;
	}
	return 0;
}

int bundle_parse(const void *blob, uint64_t blob_size, struct bundle *b, char *err,
		 unsigned long errlen)
{
	const void *fdt;
	uint64_t size;

	memset(b, 0, sizeof(*b));
	if (bundle_unwrap(blob, blob_size, &fdt, &size, err, errlen) ||
	    bundle_check_tree(fdt, size, err, errlen) || check_root(fdt, err, errlen) ||
	    parse_options(fdt, b, err, errlen))
		return -1;
	return parse_vms(fdt, b, err, errlen);
}
