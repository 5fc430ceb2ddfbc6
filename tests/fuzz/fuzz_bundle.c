/*
 * Fuzz target: the bundle parser, bundle_parse() (src/platform/bundle.c) with
 * libfdt, on arbitrary device tree blobs. The bundle comes from whoever
 * prepared the boot medium: a damaged or hostile one must stop the boot
 * with a message, never crash Keel or hand it a VM config it cannot build.
 *
 * The input is the blob itself: a bare device tree, or one behind the
 * wrapper's header (bundle_unwrap(), which bundle_parse() calls first).
 * Invariants:
 *   - the result is 0 or -1; on -1 the message is non-empty and ends
 *     within the buffer;
 *   - on 0, every field is in the range docs/bundle.md gives: 1..4 VMs,
 *     each named by 1..31 characters, NUL-terminated, names unique;
 *     8..65536 MiB of RAM, whole MiB; 1..8 vCPUs; a pin per vCPU that is
 *     -1 or a hart id 0..2^31-1, and none past the last vCPU; image (not
 *     empty), initrd (if any) and bootargs inside the blob's structure
 *     block, bootargs NUL-terminated there; a profile rate of 0 or
 *     10..20000; only known devices;
 *   - on 0, the VMs are exactly the root's vm@ nodes, counted by libfdt
 *     directly;
 *   - on 0, bundle_unwrap() accepts the input too, and the tree it gives
 *     lies inside the input: at its start (bare) or behind the 32-byte
 *     header, at a multiple of 8.
 */
#include <string.h>

#include <libfdt.h>

#include "bundle.h"
#include "fuzz_check.h"
#include "prof.h"

/* [p, p + len) lies inside [lo, hi) */
static bool inside(const void *p, uint64_t len, const uint8_t *lo, const uint8_t *hi)
{
	const uint8_t *q = p;

	return q >= lo && q <= hi && len <= (uint64_t)(hi - q);
}

static void check_vm(const struct vm_config *vm, const uint8_t *lo, const uint8_t *hi)
{
	size_t name_len = strnlen(vm->name, VM_NAME_MAX);
	uint64_t mib = vm->mem_size >> 20;

	FUZZ_CHECK(name_len >= 1 && name_len < VM_NAME_MAX);
	FUZZ_CHECK(!(vm->mem_size & ((1 << 20) - 1)));
	FUZZ_CHECK(mib >= VM_MEM_MIB_MIN && mib <= VM_MEM_MIB_MAX);
	FUZZ_CHECK(vm->nr_vcpus >= 1 && vm->nr_vcpus <= KEEL_MAX_VCPUS);
	for (unsigned int i = 0; i < KEEL_MAX_VCPUS; i++) {
		FUZZ_CHECK(vm->vcpu_pin[i] >= -1);
		if (i >= vm->nr_vcpus)
			FUZZ_CHECK(vm->vcpu_pin[i] == -1);
	}
	FUZZ_CHECK(vm->image && vm->image_size > 0);
	FUZZ_CHECK(inside(vm->image, vm->image_size, lo, hi));
	FUZZ_CHECK(!vm->initrd == !vm->initrd_size);
	if (vm->initrd)
		FUZZ_CHECK(inside(vm->initrd, vm->initrd_size, lo, hi));
	FUZZ_CHECK(!(vm->devices & ~VM_DEV_ALL));
	FUZZ_CHECK(vm->bootargs);
	/* "" when absent (a string constant), else a string in the blob */
	if ((const uint8_t *)vm->bootargs < lo || (const uint8_t *)vm->bootargs >= hi)
		FUZZ_CHECK(!strcmp(vm->bootargs, ""));
	else
		FUZZ_CHECK(memchr(vm->bootargs, 0, (size_t)(hi - (const uint8_t *)vm->bootargs)));
}

static unsigned int count_vm_nodes(const void *fdt)
{
	unsigned int n = 0;
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		const char *name = fdt_get_name(fdt, node, NULL);

		n += name && !strncmp(name, "vm@", 3);
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bundle b;
	char err[160];
	const uint8_t *lo, *hi, *fdt;
	const void *dtb;
	uint64_t dtb_size;
	int r;

	memset(err, 0x7f, sizeof(err));
	r = bundle_parse(data, size, &b, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -1);
	if (r) {
		size_t len = strnlen(err, sizeof(err));

		FUZZ_CHECK(len > 0 && len < sizeof(err));
		return 0;
	}

	/* accepted: the tree inside the input, bare or behind the header */
	FUZZ_CHECK(!bundle_unwrap(data, size, &dtb, &dtb_size, err, sizeof(err)));
	fdt = dtb;
	FUZZ_CHECK(fdt >= data && dtb_size <= size - (uint64_t)(fdt - data));
	FUZZ_CHECK(fdt == data || (fdt - data >= BUNDLE_WRAP_HEADER_SIZE && (fdt - data) % 8 == 0 &&
				   !memcmp(data, BUNDLE_WRAP_MAGIC, 8)));

	/* a real device tree, whose structure block holds the values */
	FUZZ_CHECK(dtb_size >= sizeof(struct fdt_header) && fdt_totalsize(fdt) <= dtb_size);
	FUZZ_CHECK(fdt_off_dt_struct(fdt) <= fdt_totalsize(fdt));
	lo = fdt + fdt_off_dt_struct(fdt);
	hi = fdt + fdt_totalsize(fdt);
	if (fdt_version(fdt) >= 17 && fdt_size_dt_struct(fdt) <= (uint64_t)(hi - lo))
		hi = lo + fdt_size_dt_struct(fdt);

	FUZZ_CHECK(b.nr_vms >= 1 && b.nr_vms <= KEEL_MAX_VMS);
	FUZZ_CHECK(b.nr_vms == count_vm_nodes(fdt));
	FUZZ_CHECK(b.profile_hz == 0 ||
		   (b.profile_hz >= PROF_HZ_MIN && b.profile_hz <= PROF_HZ_MAX));
	for (unsigned int i = 0; i < b.nr_vms; i++) {
		check_vm(&b.vms[i], lo, hi);
		for (unsigned int j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(b.vms[i].name, b.vms[j].name));
	}
	for (unsigned int i = b.nr_vms; i < KEEL_MAX_VMS; i++)
		FUZZ_CHECK(!b.vms[i].image && !b.vms[i].nr_vcpus);
	return 0;
}
