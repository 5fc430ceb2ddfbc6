/*
 * Reading the bundle. Like a bad config on any real system, a bad bundle
 * stops the boot with one message that names what is wrong, and nothing is
 * half-created.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include "bundle.h"
#include "prof.h"

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
	if (parse_devices(fdt, node, vm, err, errlen) || parse_console(fdt, node, vm, err, errlen))
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

/*
 * Every property fits in the structure block. Linux 6.1's libfdt steps
 * from tag to tag by adding a property's length to an int offset: a
 * length of 0xfffffff4 brings it back to the same tag, and fdt_next_tag()
 * loops for ever (newer libfdt checks the sum). So before libfdt walks
 * the tree, this walks its tags once, with every length bounded.
 */
static bool props_fit(const void *fdt)
{
	const uint8_t *s = (const uint8_t *)fdt + fdt_off_dt_struct(fdt);
	uint32_t size = fdt_version(fdt) >= 17 ? fdt_size_dt_struct(fdt)
					       : fdt_totalsize(fdt) - fdt_off_dt_struct(fdt);
	uint32_t off = 0, len;
	const uint8_t *nul;

	while (size - off >= FDT_TAGSIZE) {
		uint32_t tag = fdt32_ld((const fdt32_t *)(s + off));

		off += FDT_TAGSIZE;
		switch (tag) {
		case FDT_BEGIN_NODE:
			nul = memchr(s + off, 0, size - off);
			if (!nul)
				return false;
			off = (uint32_t)(nul - s) + 1;
			break;
		case FDT_PROP:
			if (size - off < 2 * FDT_TAGSIZE)
				return false;
			len = fdt32_ld((const fdt32_t *)(s + off));
			off += 2 * FDT_TAGSIZE; /* length, name offset */
			/* before version 16, a value of 8 bytes or more is 8-aligned */
			if (fdt_version(fdt) < 16 && len >= 8 && off % 8)
				off += 4;
			if (off > size || len > size - off)
				return false;
			off += len;
			break;
		case FDT_END:
			return true;
		case FDT_END_NODE:
		case FDT_NOP:
			break;
		default:
			return false;
		}
		off = (off + FDT_TAGSIZE - 1) & ~(uint32_t)(FDT_TAGSIZE - 1);
		if (off > size)
			return false;
	}
	return false;
}

/* n (<= 8) little-endian bytes at p, read a byte at a time: p may be misaligned */
static uint64_t load_le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

int bundle_unwrap(const void *blob, uint64_t size, const void **dtb, uint64_t *dtb_size,
		  char *err, unsigned long errlen)
{
	static const char magic[] = BUNDLE_WRAP_MAGIC;
	const uint8_t *p = blob;
	uint64_t off, len, magic_len = size < 8 ? size : 8;
	uint32_t version;

	/* a bare device tree: Keel's first format, and what QEMU -initrd takes */
	if (size >= 4 && fdt32_ld((const fdt32_t *)blob) == FDT_MAGIC) {
		*dtb = blob;
		*dtb_size = size;
		return 0;
	}
	if (!size || memcmp(p, magic, magic_len)) {
		snprintf(err, errlen, "bundle: neither a Keel bundle (it starts with \"%s\") nor a "
				      "device tree blob (%llu bytes)", magic, (unsigned long long)size);
		return -1;
	}
	if (size < BUNDLE_WRAP_HEADER_SIZE) {
		snprintf(err, errlen, "bundle: cut short: %llu bytes, less than its %d-byte header",
			 (unsigned long long)size, BUNDLE_WRAP_HEADER_SIZE);
		return -1;
	}
	version = (uint32_t)load_le(p + 8, 4);
	if (version != BUNDLE_WRAP_VERSION) {
		snprintf(err, errlen, "bundle: header version %u is not supported (this Keel reads "
				      "version %d)", version, BUNDLE_WRAP_VERSION);
		return -1;
	}
	off = load_le(p + 12, 4);
	len = load_le(p + 16, 8);
	if (load_le(p + 24, 8)) {
		snprintf(err, errlen, "bundle: header bytes 24..31 are not zero");
		return -1;
	}
	if (off < BUNDLE_WRAP_HEADER_SIZE || off % 8) {
		snprintf(err, errlen, "bundle: header puts the device tree at offset %llu (must be "
				      "a multiple of 8, at least %d)", (unsigned long long)off,
			 BUNDLE_WRAP_HEADER_SIZE);
		return -1;
	}
	if (off > size || len > size - off) {
		snprintf(err, errlen, "bundle: header names a %llu-byte device tree at offset %llu, "
				      "but only %llu bytes were loaded (is the initrd size right?)",
			 (unsigned long long)len, (unsigned long long)off,
			 (unsigned long long)size);
		return -1;
	}
	if (len < 4 || fdt32_ld((const fdt32_t *)(p + off)) != FDT_MAGIC) {
		snprintf(err, errlen, "bundle: no device tree at offset %llu behind the header",
			 (unsigned long long)off);
		return -1;
	}
	/* libfdt and get_u32() load 32- and 64-bit words from the tree in place */
	if ((uintptr_t)(p + off) % 8) {
		snprintf(err, errlen, "bundle: loaded at 0x%llx, not 8-byte aligned: load it at "
				      "an aligned address", (unsigned long long)(uintptr_t)blob);
		return -1;
	}
	*dtb = p + off;
	*dtb_size = len;
	return 0;
}

int bundle_parse(const void *blob, uint64_t blob_size, struct bundle *b, char *err,
		 unsigned long errlen)
{
	const void *fdt;
	uint64_t size;
	uint32_t version;
	int node, r;

	memset(b, 0, sizeof(*b));
	if (bundle_unwrap(blob, blob_size, &fdt, &size, err, errlen))
		return -1;
	/*
	 * fdt_check_header() wants the blob 8-byte aligned but not its
	 * structure block, whose tokens and cells libfdt and get_u32() load
	 * as 32-bit words: an odd off_dt_struct makes every one of them a
	 * misaligned load (a trap to the firmware on many harts). The
	 * Devicetree Specification aligns the block to 4 bytes; so must we.
	 */
	if (size < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_totalsize(fdt) > size || (fdt_off_dt_struct(fdt) & (FDT_TAGSIZE - 1)) ||
	    !props_fit(fdt)) {
		snprintf(err, errlen, "bundle: not a valid device tree blob (%llu bytes)",
			 (unsigned long long)size);
		return -1;
	}
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
	node = fdt_path_offset(fdt, "/options");
	if (node >= 0) {
		b->trace = fdt_getprop(fdt, node, "trace", NULL) != NULL;
		b->test_hooks = fdt_getprop(fdt, node, "test-hooks", NULL) != NULL;
		b->profile_callchain = fdt_getprop(fdt, node, "profile-callchain", NULL) != NULL;
		b->console_color = fdt_getprop(fdt, node, "console-color", NULL) != NULL;
		if (parse_last_stop(fdt, node, b, err, errlen))
			return -1;
		if (fdt_getprop(fdt, node, "profile", NULL)) {
			uint32_t hz;

			r = get_u32(fdt, node, "profile", &hz);
			if (r || hz < PROF_HZ_MIN || hz > PROF_HZ_MAX) {
				snprintf(err, errlen, "bundle: options/profile %s (samples per second, "
						      "%d..%d)",
					 r ? u32_problem(r) : "is out of range", PROF_HZ_MIN,
					 PROF_HZ_MAX);
				return -1;
			}
			b->profile_hz = hz;
		}
	}

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
			if (!strcmp(b->vms[i].name, b->vms[b->nr_vms].name)) {
				snprintf(err, errlen, "bundle: two VMs are named '%s'", b->vms[i].name);
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
