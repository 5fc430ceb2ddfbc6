/*
 * Tests for src/platform/bundle.c. Each bundle is built here with libfdt's
 * sequential-write API from a small description, so a test states only
 * what differs from a good bundle.
 */
#include <string.h>

#include <libfdt.h>

#include "bundle.h"
#include "unit.h"
#include "fdt_check.h"

/* ---- building bundles ---------------------------------------------------- */

#define OMIT ((const char *)1) /* a string property left out */
#define NO_U32 0xdeadbeefU     /* a u32 property left out */

struct vm_desc {
	const char *node;      /* node name; "vm@0" when NULL */
	const char *name;      /* vm-name (OMIT: absent) */
	int name_len;          /* >0: raw length of vm-name, no NUL added */
	uint32_t mib, vcpus;   /* NO_U32: absent */
	int mib_len;           /* >0: memory-size-mib property length (bytes) */
	const char *bootargs;  /* NULL/OMIT: absent */
	int bootargs_len;      /* >0: raw bootargs length (no NUL added); -1: empty */
	const void *image;     /* NULL: absent */
	int image_len;
	const void *initrd;    /* NULL: absent */
	int initrd_len;
	int no_sstc;
	int profiler_control;
	const uint32_t *harts; /* vcpu-harts cells, host order; NULL: absent */
	int nr_harts;          /* cells in it (0: an empty property) */
	int harts_bytes;       /* >0: the property is this many bytes of harts */
	const char *devices;   /* raw "devices" bytes (NUL-separated); NULL: absent */
	int devices_len;
	const char *console;   /* raw "console" bytes; NULL: absent */
	int console_len;
	const void *disk;      /* "disk" bytes; NULL: absent */
	int disk_len;
	int disk_ro, net, vcon; /* disk-read-only; net; virtio-console; */
	const uint8_t *mac;    /* "mac" bytes; NULL: absent */
	int mac_len;
	int machine_disk;      /* machine-disk = <N - 1>; 0: absent */
};

struct bundle_desc {
	const char *compatible; /* NULL: "keel,bundle"; OMIT: absent */
	uint32_t version;       /* 0: BUNDLE_VERSION; NO_U32: absent */
	int version_len;        /* >0: raw length of the version property */
	int options;            /* 1: /options {}, |2: trace;, |4: test-hooks; */
	const char *last_stop;  /* /options/on-last-vm-stop; NULL: absent */
	struct vm_desc vm[8];
	unsigned int nr_vm;
};

static uint64_t blob64[16384]; /* 128 KiB, 8-byte aligned as libfdt wants */
static void *const blob = blob64;
static struct bundle b;
static char err[256];

static const char image_bytes[] = "\x13\x00\x00\x00guest image";
static const char initrd_bytes[] = "070701initrd";


static void put_vm(const struct vm_desc *d)
{
	static const uint8_t raw8[8] = { 0, 0, 0, 0, 0, 0, 1, 0 };

	OK(fdt_begin_node(blob, d->node ? d->node : "vm@0"));
	if (d->name_len > 0)
		OK(fdt_property(blob, "vm-name", d->name, d->name_len));
	else if (d->name != OMIT)
		OK(fdt_property_string(blob, "vm-name", d->name ? d->name : "demo"));
	if (d->mib_len > 0)
		OK(fdt_property(blob, "memory-size-mib", raw8, d->mib_len));
	else if (d->mib != NO_U32)
		OK(fdt_property_u32(blob, "memory-size-mib", d->mib ? d->mib : 256));
	if (d->vcpus != NO_U32)
		OK(fdt_property_u32(blob, "vcpus", d->vcpus));
	if (d->bootargs_len > 0)
		OK(fdt_property(blob, "bootargs", d->bootargs, d->bootargs_len));
	else if (d->bootargs_len < 0)
		OK(fdt_property(blob, "bootargs", "", 0));
	else if (d->bootargs && d->bootargs != OMIT)
		OK(fdt_property_string(blob, "bootargs", d->bootargs));
	if (d->image)
		OK(fdt_property(blob, "image", d->image, d->image_len));
	if (d->initrd)
		OK(fdt_property(blob, "initrd", d->initrd, d->initrd_len));
	if (d->no_sstc)
		OK(fdt_property(blob, "no-sstc", "", 0));
	if (d->profiler_control)
		OK(fdt_property(blob, "profiler-control", "", 0));
	if (d->devices)
		OK(fdt_property(blob, "devices", d->devices, d->devices_len));
	if (d->console)
		OK(fdt_property(blob, "console", d->console, d->console_len));
	if (d->disk)
		OK(fdt_property(blob, "disk", d->disk, d->disk_len));
	if (d->disk_ro)
		OK(fdt_property(blob, "disk-read-only", "", 0));
	if (d->net)
		OK(fdt_property(blob, "net", "", 0));
	if (d->mac)
		OK(fdt_property(blob, "mac", d->mac, d->mac_len));
	if (d->vcon)
		OK(fdt_property(blob, "virtio-console", "", 0));
	if (d->machine_disk)
		OK(fdt_property_u32(blob, "machine-disk", (uint32_t)(d->machine_disk - 1)));
	if (d->harts) {
		fdt32_t cells[16];

		for (int i = 0; i < d->nr_harts && i < 16; i++)
			cells[i] = cpu_to_fdt32(d->harts[i]);
		OK(fdt_property(blob, "vcpu-harts", cells,
				d->harts_bytes > 0 ? d->harts_bytes
						   : d->nr_harts * (int)sizeof(fdt32_t)));
	}
	OK(fdt_end_node(blob));
}

/* A good VM: name, 256 MiB, 1 vCPU, an image. Tests change fields. */
static struct vm_desc good_vm(const char *name)
{
	return (struct vm_desc){
		.name = name, .mib = 256, .vcpus = 1,
		.image = image_bytes, .image_len = sizeof(image_bytes),
	};
}

/* Builds the bundle; returns its totalsize. */
static uint32_t build(const struct bundle_desc *d)
{
	memset(blob64, 0, sizeof(blob64));
	OK(fdt_create(blob, sizeof(blob64)));
	OK(fdt_finish_reservemap(blob));
	OK(fdt_begin_node(blob, ""));
	if (d->compatible != OMIT)
		OK(fdt_property_string(blob, "compatible",
				       d->compatible ? d->compatible : "keel,bundle"));
	if (d->version_len > 0) {
		static const uint8_t one[8] = { 0, 0, 0, 1, 0, 0, 0, 1 };
		OK(fdt_property(blob, "keel,bundle-version", one, d->version_len));
	} else if (d->version != NO_U32) {
		OK(fdt_property_u32(blob, "keel,bundle-version",
				    d->version ? d->version : BUNDLE_VERSION));
	}
	if (d->options) {
		OK(fdt_begin_node(blob, "options"));
		if (d->options & 2)
			OK(fdt_property(blob, "trace", "", 0));
		if (d->options & 4)
			OK(fdt_property(blob, "test-hooks", "", 0));
		if (d->last_stop)
			OK(fdt_property_string(blob, "on-last-vm-stop", d->last_stop));
		OK(fdt_end_node(blob));
	}
	for (unsigned int i = 0; i < d->nr_vm; i++)
		put_vm(&d->vm[i]);
	OK(fdt_end_node(blob));
	OK(fdt_finish(blob));
	return fdt_totalsize(blob);
}

static int parse(uint64_t size)
{
	memset(&b, 0xa5, sizeof(b));
	strcpy(err, "(no message)");
	return bundle_parse(blob, size, &b, err, sizeof(err));
}

static int build_and_parse(const struct bundle_desc *d)
{
	return parse(build(d));
}

/* The message is exactly `want`. */
#define CHECK_ERR(want) CHECK_STR(err, (want))

/* One VM described by `vm` must be refused with message `want`. */
static void check_vm_refused(struct vm_desc vm, const char *want)
{
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = vm;
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR(want);
}

/* ---- good bundles -------------------------------------------------------- */

TEST(one_vm_with_every_field)
{
	struct bundle_desc d = { .options = 1 | 2, .nr_vm = 1 };

	d.vm[0] = good_vm("linux");
	d.vm[0].mib = 512;
	d.vm[0].vcpus = 2;
	d.vm[0].bootargs = "console=ttyS0 earlycon";
	d.vm[0].initrd = initrd_bytes;
	d.vm[0].initrd_len = sizeof(initrd_bytes);
	d.vm[0].no_sstc = 1;
	d.vm[0].profiler_control = 1;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK(b.trace);
	CHECK_EQ(b.nr_vms, 1);
	CHECK(!strcmp(b.vms[0].name, "linux"));
	CHECK_EQ(b.vms[0].mem_size, 512ULL << 20);
	CHECK_EQ(b.vms[0].nr_vcpus, 2);
	CHECK(!strcmp(b.vms[0].bootargs, "console=ttyS0 earlycon"));
	CHECK_EQ(b.vms[0].image_size, sizeof(image_bytes));
	CHECK(b.vms[0].image && !memcmp(b.vms[0].image, image_bytes, sizeof(image_bytes)));
	/* image and initrd point into the blob, not at copies */
	CHECK((const char *)b.vms[0].image > (const char *)blob);
	CHECK((const char *)b.vms[0].image < (const char *)blob + fdt_totalsize(blob));
	CHECK_EQ(b.vms[0].initrd_size, sizeof(initrd_bytes));
	CHECK(b.vms[0].initrd && !memcmp(b.vms[0].initrd, initrd_bytes, sizeof(initrd_bytes)));
	CHECK(b.vms[0].no_sstc);
	CHECK(b.vms[0].profiler_control);
}

TEST(optional_fields_have_defaults)
{
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("min");
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK(!b.trace);
	CHECK(!b.test_hooks);
	CHECK(!strcmp(b.vms[0].bootargs, ""));
	CHECK(b.vms[0].initrd == NULL);
	CHECK_EQ(b.vms[0].initrd_size, 0);
	CHECK(!b.vms[0].no_sstc);
	CHECK_EQ(b.vms[0].devices, VM_DEV_ALL);
	CHECK(!b.keep_running);
	CHECK(!b.vms[0].profiler_control);
	CHECK(!b.vms[0].console_raw);
}

/* "devices": a string list; a VM with none of them is allowed */
TEST(devices_list)
{
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	d.vm[0].devices = "uart";
	d.vm[0].devices_len = 5;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK_EQ(b.vms[0].devices, VM_DEV_UART);
	d.vm[0].devices = "plic\0uart";
	d.vm[0].devices_len = 10;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK_EQ(b.vms[0].devices, VM_DEV_UART | VM_DEV_PLIC);
	d.vm[0].devices = "";
	d.vm[0].devices_len = 0;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK_EQ(b.vms[0].devices, 0);
}

TEST(devices_unknown_or_not_strings)
{
	struct vm_desc vm = good_vm("a");

	vm.devices = "uart\0disk";
	vm.devices_len = 10;
	check_vm_refused(vm, "VM 'a': devices: unknown device 'disk' (known: uart, plic)");
	vm.devices = "uart";
	vm.devices_len = 4; /* no NUL */
	check_vm_refused(vm, "VM 'a': devices is not a list of strings");
}

/* console = "escaped" (the default) | "raw", per VM */
/* docs/virtio.md: the virtio devices a VM config names, and each refusal */
TEST(virtio_devices)
{
	static const uint8_t disk[1024];
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0x0b };
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK(!b.vms[0].disk && !b.vms[0].net && !b.vms[0].virtio_console);
	d.vm[0].disk = disk;
	d.vm[0].disk_len = sizeof(disk);
	d.vm[0].disk_ro = 1;
	d.vm[0].mac = mac;
	d.vm[0].mac_len = sizeof(mac);
	d.vm[0].vcon = 1;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK_EQ(b.vms[0].disk_size, sizeof(disk));
	CHECK(b.vms[0].disk_read_only && b.vms[0].net && b.vms[0].has_mac && b.vms[0].virtio_console);
	CHECK(!memcmp(b.vms[0].mac, mac, 6));
	d.vm[0] = good_vm("a");
	d.vm[0].net = 1;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK(b.vms[0].net && !b.vms[0].has_mac);
}

TEST(virtio_devices_refused)
{
	static const uint8_t disk[1000];
	static const uint8_t group_mac[6] = { 1, 0, 0, 0, 0, 1 };
	struct vm_desc vm = good_vm("a");

	vm.disk = disk;
	vm.disk_len = sizeof(disk);
	check_vm_refused(vm, "VM 'a': disk is 1000 bytes: it must be a whole number of 512-byte "
			     "sectors, and not empty");
	vm = good_vm("a");
	vm.disk_ro = 1;
	check_vm_refused(vm, "VM 'a': disk-read-only without a disk");
	vm = good_vm("a");
	vm.mac = group_mac;
	vm.mac_len = 6;
	check_vm_refused(vm, "VM 'a': mac must be 6 bytes of a unicast address, as [02 00 00 00 00 01]");
	vm.mac_len = 5;
	check_vm_refused(vm, "VM 'a': mac must be 6 bytes of a unicast address, as [02 00 00 00 00 01]");
	vm = good_vm("a");
	vm.net = 1;
	vm.devices = "uart";
	vm.devices_len = 5;
	check_vm_refused(vm, "VM 'a': a net card needs the virtual PLIC (devices)");
}

/* a disk of the machine: one per VM, one VM per disk */
TEST(machine_disk_has_one_owner)
{
	static const uint8_t disk[512];
	struct bundle_desc d = { .nr_vm = 2 };

	d.vm[0] = good_vm("a");
	d.vm[0].machine_disk = 1;
	d.vm[1] = good_vm("b");
	d.vm[1].node = "vm@1";
	d.vm[1].machine_disk = 2;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK_EQ(b.vms[0].machine_disk, 1);
	CHECK_EQ(b.vms[1].machine_disk, 2);
	d.vm[1].machine_disk = 1;
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_STR(err, "bundle: machine-disk 0 is VM 'a''s; VM 'b' cannot have it too");
	d.nr_vm = 1;
	d.vm[0].disk = disk;
	d.vm[0].disk_len = sizeof(disk);
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_STR(err, "VM 'a': disk and machine-disk: one disk a VM");
	d.vm[0].disk = NULL;
	d.vm[0].machine_disk = 9;
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_STR(err, "VM 'a': machine-disk must be one number, 0..7");
}

TEST(console_escaped_or_raw)
{
	struct bundle_desc d = { .nr_vm = 2 };

	d.vm[0] = good_vm("a");
	d.vm[1] = good_vm("b");
	d.vm[1].node = "vm@1";
	d.vm[0].console = "raw";
	d.vm[0].console_len = 4;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK(b.vms[0].console_raw);
	CHECK(!b.vms[1].console_raw);
	d.vm[0].console = "escaped";
	d.vm[0].console_len = 8;
	d.vm[1].console = "raw";
	d.vm[1].console_len = 4;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK(!b.vms[0].console_raw);
	CHECK(b.vms[1].console_raw);
}

TEST(console_anything_else_is_refused)
{
	static const struct {
		const char *bytes;
		int len;
	} bad[] = {
		{ "Raw", 4 }, { "", 1 }, { "", 0 }, { "raw", 3 /* no NUL */ },
		{ "raw\0escaped", 12 }, { "escaped\0raw", 12 }, { "raw ", 5 }, { "\0\0\0\1", 4 },
	};

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vm_desc vm = good_vm("a");
		unsigned int before = unit_failures();

		vm.console = bad[i].bytes;
		vm.console_len = bad[i].len;
		check_vm_refused(vm, "VM 'a': console must be \"escaped\" or \"raw\"");
		if (unit_failures() != before)
			printf("  (row %u)\n", i);
	}
}

TEST(on_last_vm_stop)
{
	struct bundle_desc d = { .options = 1, .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	d.last_stop = "keep-running";
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK(b.keep_running);
	d.last_stop = "power-off";
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK(!b.keep_running);
	d.last_stop = "reboot";
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR("bundle: options/on-last-vm-stop must be \"power-off\" or \"keep-running\"");
}

TEST(options_node_without_trace)
{
	struct bundle_desc d = { .options = 1, .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK(!b.trace);
	CHECK(!b.test_hooks);
}

TEST(options_test_hooks)
{
	struct bundle_desc d = { .options = 1 | 4, .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK(b.test_hooks);
	CHECK(!b.trace);
}

TEST(four_vms_in_order)
{
	struct bundle_desc d = { .nr_vm = 4 };
	static const char *const names[] = { "one", "two", "three", "four" };
	static const char *const nodes[] = { "vm@0", "vm@1", "vm@2", "vm@3" };

	for (unsigned int i = 0; i < 4; i++) {
		d.vm[i] = good_vm(names[i]);
		d.vm[i].node = nodes[i];
		d.vm[i].mib = VM_MEM_MIB_MIN + i;
	}
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK_EQ(b.nr_vms, 4);
	for (unsigned int i = 0; i < 4; i++) {
		CHECK(!strcmp(b.vms[i].name, names[i]));
		CHECK_EQ(b.vms[i].mem_size, ((unsigned long long)VM_MEM_MIB_MIN + i) << 20);
	}
}

TEST(nodes_not_named_vm_at_are_ignored)
{
	struct bundle_desc d = { .options = 1 | 2, .nr_vm = 3 };

	d.vm[0] = good_vm("x");
	d.vm[0].node = "vmm@0";	/* not "vm@" */
	d.vm[0].name = OMIT;	/* would be an error if it were parsed */
	d.vm[1] = good_vm("real");
	d.vm[1].node = "vm@7";
	d.vm[2] = good_vm("y");
	d.vm[2].node = "vm";	/* no unit address */
	d.vm[2].vcpus = 0;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK_EQ(b.nr_vms, 1);
	CHECK(!strcmp(b.vms[0].name, "real"));
}

TEST(limits_that_are_accepted)
{
	struct bundle_desc d = { .nr_vm = 2 };

	d.vm[0] = good_vm("abcdefghijklmnopqrstuvwxyz01234");	/* 31 chars */
	d.vm[0].mib = VM_MEM_MIB_MIN;
	d.vm[0].vcpus = 1;
	d.vm[1] = good_vm("b");	/* 1 char */
	d.vm[1].node = "vm@1";
	d.vm[1].mib = VM_MEM_MIB_MAX;
	d.vm[1].vcpus = KEEL_MAX_VCPUS;
	d.vm[1].image_len = 1;	/* a one-byte image */
	d.vm[1].initrd = initrd_bytes;
	d.vm[1].initrd_len = 1;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK_EQ(strlen(b.vms[0].name), 31);
	CHECK_EQ(b.vms[0].mem_size, (unsigned long long)VM_MEM_MIB_MIN << 20);
	CHECK_EQ(b.vms[1].mem_size, 64ULL << 30);
	CHECK_EQ(b.vms[1].nr_vcpus, 8);
	CHECK_EQ(b.vms[1].image_size, 1);
	CHECK_EQ(b.vms[1].initrd_size, 1);
}

TEST(buffer_larger_than_totalsize_is_fine)
{
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	CHECK_EQ(parse(build(&d) + 4096), 0);
}

/* ---- the blob itself ----------------------------------------------------- */

TEST(not_a_device_tree)
{
	memset(blob64, 0, sizeof(blob64));
	memcpy(blob, "\177ELF", 4);
	CHECK_EQ(parse(4096), -1);
	CHECK_ERR("bundle: neither a Keel bundle (it starts with \"KEELBNDL\") nor a device "
		  "tree blob (4096 bytes)");
}

TEST(shorter_than_an_fdt_header)
{
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	build(&d);
	CHECK_EQ(parse(sizeof(struct fdt_header) - 1), -1);
	CHECK_ERR("bundle: not a valid device tree blob (39 bytes)");
	CHECK_EQ(parse(0), -1);
	CHECK_ERR("bundle: neither a Keel bundle (it starts with \"KEELBNDL\") nor a device "
		  "tree blob (0 bytes)");
}

TEST(totalsize_larger_than_the_buffer)
{
	struct bundle_desc d = { .nr_vm = 1 };
	uint32_t total;

	d.vm[0] = good_vm("a");
	total = build(&d);
	CHECK_EQ(parse(total - 1), -1);
	CHECK(strstr(err, "bundle: not a valid device tree blob"));
	CHECK_EQ(parse(total), 0);
}

/*
 * Found by tests/fuzz/fuzz_bundle: a structure block at an odd offset made
 * libfdt and get_u32() load every tag and cell misaligned.
 */
TEST(structure_block_not_4_byte_aligned)
{
	struct bundle_desc d = { .nr_vm = 1 };
	uint32_t total, off;

	d.vm[0] = good_vm("a");
	total = build(&d);
	/* the same tree, its structure and strings blocks two bytes later */
	off = fdt_off_dt_struct(blob);
	memmove((char *)blob + off + 2, (char *)blob + off, total - off);
	fdt_set_off_dt_struct(blob, off + 2);
	fdt_set_off_dt_strings(blob, fdt_off_dt_strings(blob) + 2);
	fdt_set_totalsize(blob, total + 2);
	CHECK_EQ(parse(total + 2), -1);
	CHECK(strstr(err, "bundle: not a valid device tree blob"));
}

/*
 * Found by tests/fuzz/fuzz_bundle: with a property length of 0xfffffff4,
 * Linux 6.1's libfdt steps from that property to itself and loops for ever.
 */
TEST(property_longer_than_the_structure_block)
{
	static const uint32_t lengths[] = { 0xfffffff4, 0x7fffffff, 0x10000, 0xffffffff };
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	for (unsigned int i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		struct fdt_property *p;

		build(&d);
		p = fdt_get_property_w(blob, fdt_path_offset(blob, "/vm@0"), "vm-name", NULL);
		CHECK(p);
		if (!p)
			return;
		p->len = cpu_to_fdt32(lengths[i]);
		CHECK_EQ(parse(sizeof(blob64)), -1);
		CHECK(strstr(err, "bundle: not a valid device tree blob"));
	}
}

TEST(bad_fdt_version)
{
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	build(&d);
	fdt_set_version(blob, 1);	/* older than libfdt supports */
	CHECK_EQ(parse(sizeof(blob64)), -1);
	CHECK(strstr(err, "not a valid device tree blob"));
}

/*
 * Found by tests/fuzz/fuzz_bundle: before version 16 libfdt names a node
 * by its path and fdt_get_name() gives NULL for a name without a '/',
 * which bundle_parse() took for a string.
 */
TEST(old_fdt_version_with_plain_node_names)
{
	struct bundle_desc d = { .nr_vm = 1 };

	uint32_t total, off;
	const fdt32_t nop = cpu_to_fdt32(FDT_NOP);

	d.vm[0] = good_vm("a");
	total = build(&d);
	/*
	 * Before version 16 a property value of 8 bytes or more sits at an
	 * 8-byte boundary: a NOP ahead of the root's first property puts
	 * "compatible" there, so the root still reads as a bundle.
	 */
	off = fdt_off_dt_struct(blob) + 8;
	memmove((char *)blob + off + 4, (char *)blob + off, total - off);
	memcpy((char *)blob + off, &nop, sizeof(nop));
	fdt_set_off_dt_strings(blob, fdt_off_dt_strings(blob) + 4);
	fdt_set_totalsize(blob, total + 4);
	fdt_set_version(blob, 15);
	fdt_set_last_comp_version(blob, 2);
	CHECK_EQ(parse(sizeof(blob64)), -1);
	CHECK_ERR("bundle: no vm@N node: nothing to run");
}

TEST(wrong_compatible)
{
	struct bundle_desc d = { .compatible = "keel,bundle2", .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR("bundle: root is not compatible with \"keel,bundle\"");
	d.compatible = OMIT;
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR("bundle: root is not compatible with \"keel,bundle\"");
}

TEST(wrong_or_missing_bundle_version)
{
	struct bundle_desc d = { .version = 2, .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR("bundle: keel,bundle-version is not supported (this Keel reads version 1)");
	d.version = NO_U32;
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR("bundle: keel,bundle-version is missing (this Keel reads version 1)");
	d.version = 0;
	d.version_len = 8;	/* <0 1 0 1>: not one cell */
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR("bundle: keel,bundle-version is not one 32-bit cell (this Keel reads version 1)");
}

TEST(no_vm_node)
{
	struct bundle_desc d = { .options = 1 | 2 };

	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR("bundle: no vm@N node: nothing to run");
}

TEST(more_than_four_vms)
{
	struct bundle_desc d = { .nr_vm = 5 };
	static const char *const names[] = { "a", "b", "c", "d", "e" };
	static const char *const nodes[] = { "vm@0", "vm@1", "vm@2", "vm@3", "vm@4" };

	for (unsigned int i = 0; i < 5; i++) {
		d.vm[i] = good_vm(names[i]);
		d.vm[i].node = nodes[i];
	}
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR("bundle: more than 4 VMs");
}

TEST(two_vms_with_the_same_name)
{
	struct bundle_desc d = { .nr_vm = 3 };

	d.vm[0] = good_vm("web");
	d.vm[1] = good_vm("db");
	d.vm[1].node = "vm@1";
	d.vm[2] = good_vm("web");
	d.vm[2].node = "vm@2";
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR("bundle: two VMs are named 'web'");
}

/* ---- each field of a VM -------------------------------------------------- */

TEST(vm_name_missing)
{
	struct vm_desc vm = good_vm("a");

	vm.name = OMIT;
	vm.node = "vm@3";
	check_vm_refused(vm, "bundle: vm@3: 'vm-name' is missing or longer than 31 characters");
}

TEST(vm_name_empty)
{
	struct vm_desc vm = good_vm("");

	check_vm_refused(vm, "bundle: vm@0: 'vm-name' is missing or longer than 31 characters");
}

/*
 * Found by tests/fuzz/fuzz_bundle: "\0uiet" passed as a name, and the VM
 * was named "" (and "a\0b" would have been just "a").
 */
TEST(vm_name_with_a_nul_inside)
{
	struct vm_desc vm = good_vm(NULL);

	vm.name = "\0uiet";
	vm.name_len = 6;
	check_vm_refused(vm, "bundle: vm@0: 'vm-name' is missing or longer than 31 characters");
	vm.name = "a\0b";
	vm.name_len = 4;
	check_vm_refused(vm, "bundle: vm@0: 'vm-name' is missing or longer than 31 characters");
}

TEST(vm_name_32_characters_is_too_long)
{
	struct vm_desc vm = good_vm("abcdefghijklmnopqrstuvwxyz012345");

	check_vm_refused(vm, "bundle: vm@0: 'vm-name' is missing or longer than 31 characters");
}

TEST(vm_name_not_nul_terminated)
{
	struct vm_desc vm = good_vm("abc");

	vm.name_len = 3;	/* "abc" without its NUL */
	check_vm_refused(vm, "bundle: vm@0: 'vm-name' is missing or longer than 31 characters");
}

TEST(memory_missing)
{
	struct vm_desc vm = good_vm("mem");

	vm.mib = NO_U32;
	check_vm_refused(vm, "VM 'mem': memory-size-mib is missing (must be 8..65536)");
}

TEST(memory_not_one_cell)
{
	struct vm_desc vm = good_vm("mem");

	vm.mib_len = 8;	/* a 64-bit value: not what the format says */
	{
		struct bundle_desc d = { .nr_vm = 1 };

		d.vm[0] = vm;
		CHECK_EQ(build_and_parse(&d), -1);
		/* refused, naming the VM, the field and what is wrong with it */
		CHECK_ERR("VM 'mem': memory-size-mib is not one 32-bit cell (must be 8..65536)");
	}
}

TEST(memory_below_the_minimum)
{
	struct vm_desc vm = good_vm("mem");

	vm.mib = VM_MEM_MIB_MIN - 1;
	check_vm_refused(vm, "VM 'mem': memory-size-mib is out of range (must be 8..65536)");
}

TEST(memory_above_the_maximum)
{
	struct vm_desc vm = good_vm("mem");

	vm.mib = VM_MEM_MIB_MAX + 1;
	check_vm_refused(vm, "VM 'mem': memory-size-mib is out of range (must be 8..65536)");
	vm.mib = 0xffffffff;
	check_vm_refused(vm, "VM 'mem': memory-size-mib is out of range (must be 8..65536)");
}

TEST(vcpus_missing)
{
	struct vm_desc vm = good_vm("cpu");

	vm.vcpus = NO_U32;
	check_vm_refused(vm, "VM 'cpu': vcpus is missing (must be 1..8)");
}

TEST(vcpus_zero)
{
	struct vm_desc vm = good_vm("cpu");

	vm.vcpus = 0;
	check_vm_refused(vm, "VM 'cpu': vcpus is out of range (must be 1..8)");
}

TEST(vcpus_above_max)
{
	struct vm_desc vm = good_vm("cpu");

	vm.vcpus = KEEL_MAX_VCPUS + 1;
	check_vm_refused(vm, "VM 'cpu': vcpus is out of range (must be 1..8)");
}

TEST(bootargs_not_a_string)
{
	struct vm_desc vm = good_vm("args");

	vm.bootargs = "console";
	vm.bootargs_len = 7;	/* no NUL */
	check_vm_refused(vm, "VM 'args': bootargs is not a string");
	vm.bootargs_len = -1;	/* an empty property */
	check_vm_refused(vm, "VM 'args': bootargs is not a string");
}

TEST(bootargs_empty_string_is_fine)
{
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("args");
	d.vm[0].bootargs = "";
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK(!strcmp(b.vms[0].bootargs, ""));
}

TEST(image_missing)
{
	struct vm_desc vm = good_vm("img");

	vm.image = NULL;
	check_vm_refused(vm, "VM 'img': image is missing or empty");
}

TEST(image_empty)
{
	struct vm_desc vm = good_vm("img");

	vm.image_len = 0;
	check_vm_refused(vm, "VM 'img': image is missing or empty");
}

TEST(initrd_empty)
{
	struct vm_desc vm = good_vm("rd");

	vm.initrd = initrd_bytes;
	vm.initrd_len = 0;
	check_vm_refused(vm, "VM 'rd': initrd is empty");
}

TEST(error_in_the_second_vm_names_it)
{
	struct bundle_desc d = { .nr_vm = 2 };

	d.vm[0] = good_vm("first");
	d.vm[1] = good_vm("second");
	d.vm[1].node = "vm@1";
	d.vm[1].vcpus = 0;
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR("VM 'second': vcpus is out of range (must be 1..8)");
}

TEST(error_message_is_cut_to_errlen)
{
	struct bundle_desc d = { .nr_vm = 1 };
	char small[6];

	d.vm[0] = good_vm("img");
	d.vm[0].image = NULL;
	build(&d);
	memset(small, 'x', sizeof(small));
	CHECK_EQ(bundle_parse(blob, sizeof(blob64), &b, small, sizeof(small)), -1);
	CHECK(!memcmp(small, "VM 'i", 6));
}

/* ---- vcpu-harts: pinning vCPUs to harts ---------------------------------- */

#define PIN_ANY 0xffffffffU

/* Every vcpu_pin slot, also those past nr_vcpus, is what `want` says. */
static void check_pins(const struct vm_config *vm, const int want[KEEL_MAX_VCPUS])
{
	for (unsigned int i = 0; i < KEEL_MAX_VCPUS; i++) {
		if (vm->vcpu_pin[i] != want[i]) {
			CHECK_EQ(vm->vcpu_pin[i], want[i]);
			printf("\t(vcpu_pin[%u])\n", i);
		}
	}
}

TEST(vcpu_harts_absent_means_any_hart)
{
	static const int any[KEEL_MAX_VCPUS] = { -1, -1, -1, -1, -1, -1, -1, -1 };
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("free");
	d.vm[0].vcpus = 3;
	CHECK_EQ(build_and_parse(&d), 0);
	check_pins(&b.vms[0], any);	/* parse() filled b with 0xa5 first */
}

TEST(vcpu_harts_one_cell_per_vcpu)
{
	static const uint32_t cells[] = { 2, PIN_ANY, 0, 0x7fffffff };
	static const int want[KEEL_MAX_VCPUS] = { 2, -1, 0, 0x7fffffff, -1, -1, -1, -1 };
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("pinned");
	d.vm[0].vcpus = 4;
	d.vm[0].harts = cells;
	d.vm[0].nr_harts = 4;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK_EQ(b.vms[0].nr_vcpus, 4);
	check_pins(&b.vms[0], want);
}

TEST(vcpu_harts_all_any_is_like_absent)
{
	static const uint32_t cells[] = { PIN_ANY, PIN_ANY };
	static const int any[KEEL_MAX_VCPUS] = { -1, -1, -1, -1, -1, -1, -1, -1 };
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("any");
	d.vm[0].vcpus = 2;
	d.vm[0].harts = cells;
	d.vm[0].nr_harts = 2;
	CHECK_EQ(build_and_parse(&d), 0);
	check_pins(&b.vms[0], any);
}

TEST(vcpu_harts_for_the_most_vcpus)
{
	static const uint32_t cells[KEEL_MAX_VCPUS] = { 7, 6, 5, 4, 3, 2, 1, 0 };
	static const int want[KEEL_MAX_VCPUS] = { 7, 6, 5, 4, 3, 2, 1, 0 };
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("wide");
	d.vm[0].vcpus = KEEL_MAX_VCPUS;
	d.vm[0].harts = cells;
	d.vm[0].nr_harts = KEEL_MAX_VCPUS;
	CHECK_EQ(build_and_parse(&d), 0);
	check_pins(&b.vms[0], want);
}

TEST(vcpu_harts_belong_to_their_vm)
{
	static const uint32_t cells_a[] = { 1 };
	static const uint32_t cells_c[] = { PIN_ANY, 3 };
	static const int want_a[KEEL_MAX_VCPUS] = { 1, -1, -1, -1, -1, -1, -1, -1 };
	static const int want_b[KEEL_MAX_VCPUS] = { -1, -1, -1, -1, -1, -1, -1, -1 };
	static const int want_c[KEEL_MAX_VCPUS] = { -1, 3, -1, -1, -1, -1, -1, -1 };
	struct bundle_desc d = { .nr_vm = 3 };

	d.vm[0] = good_vm("a");
	d.vm[0].harts = cells_a;
	d.vm[0].nr_harts = 1;
	d.vm[1] = good_vm("b");
	d.vm[1].node = "vm@1";
	d.vm[1].vcpus = 2;
	d.vm[2] = good_vm("c");
	d.vm[2].node = "vm@2";
	d.vm[2].vcpus = 2;
	d.vm[2].harts = cells_c;
	d.vm[2].nr_harts = 2;
	CHECK_EQ(build_and_parse(&d), 0);
	CHECK_EQ(b.nr_vms, 3);
	check_pins(&b.vms[0], want_a);
	check_pins(&b.vms[1], want_b);
	check_pins(&b.vms[2], want_c);
}

TEST(vcpu_harts_with_too_few_or_too_many_cells)
{
	static const uint32_t cells[] = { 0, 1, 2 };
	struct vm_desc vm = good_vm("pin");

	vm.vcpus = 2;
	vm.harts = cells;
	vm.nr_harts = 1;
	check_vm_refused(vm, "VM 'pin': vcpu-harts has 1 cells for 2 vCPUs (one each)");
	vm.nr_harts = 3;
	check_vm_refused(vm, "VM 'pin': vcpu-harts has 3 cells for 2 vCPUs (one each)");
	vm.nr_harts = 0;	/* "vcpu-harts;" */
	check_vm_refused(vm, "VM 'pin': vcpu-harts has 0 cells for 2 vCPUs (one each)");
	vm.vcpus = 1;
	vm.nr_harts = 2;
	check_vm_refused(vm, "VM 'pin': vcpu-harts has 2 cells for 1 vCPUs (one each)");
}

TEST(vcpu_harts_not_whole_cells_is_refused)
{
	static const uint32_t cells[] = { 0, 1 };
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("pin");
	d.vm[0].vcpus = 2;
	d.vm[0].harts = cells;
	d.vm[0].nr_harts = 2;
	d.vm[0].harts_bytes = 6;	/* a cell and a half */
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK(!strncmp(err, "VM 'pin': vcpu-harts has ", 25));
}

TEST(vcpu_harts_hart_id_out_of_range)
{
	static const uint32_t big[] = { 0x80000000U, 0xfffffffeU, 0xdeadbeefU };
	static const char *const want[] = {
		"VM 'pin': vcpu-harts: hart id 0x80000000 is out of range",
		"VM 'pin': vcpu-harts: hart id 0xfffffffe is out of range",
		"VM 'pin': vcpu-harts: hart id 0xdeadbeef is out of range",
	};

	for (unsigned int i = 0; i < sizeof(big) / sizeof(big[0]); i++) {
		uint32_t cells[3] = { 0, PIN_ANY, big[i] };	/* the bad one last */
		struct vm_desc vm = good_vm("pin");

		vm.vcpus = 3;
		vm.harts = cells;
		vm.nr_harts = 3;
		check_vm_refused(vm, want[i]);
	}
}

TEST(vcpu_harts_error_in_the_second_vm_names_it)
{
	static const uint32_t cells[] = { 4, 5 };
	struct bundle_desc d = { .nr_vm = 2 };

	d.vm[0] = good_vm("first");
	d.vm[1] = good_vm("second");
	d.vm[1].node = "vm@1";
	d.vm[1].harts = cells;
	d.vm[1].nr_harts = 2;	/* it has 1 vCPU */
	CHECK_EQ(build_and_parse(&d), -1);
	CHECK_ERR("VM 'second': vcpu-harts has 2 cells for 1 vCPUs (one each)");
}

/* ---- the wrapper (scripts/mkbundle.sh's header in front of the tree) ----- */

static void put_le(uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

/*
 * Moves the bundle just built (total bytes) behind a header as mkbundle.sh
 * writes it, the tree at `off`; returns the wrapped size.
 */
static uint64_t wrap_at(uint32_t total, uint32_t off)
{
	uint8_t *p = blob;

	memmove(p + off, p, total);
	memset(p, 0, off);
	memcpy(p, "KEELBNDL", 8);
	put_le(p + 8, BUNDLE_WRAP_VERSION, 4);
	put_le(p + 12, off, 4);
	put_le(p + 16, total, 8);
	return off + (uint64_t)total;
}

static uint64_t wrap(uint32_t total)
{
	return wrap_at(total, BUNDLE_WRAP_HEADER_SIZE);
}

/* A good one-VM bundle, wrapped; returns the wrapped size */
static uint64_t build_wrapped(void)
{
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("wrapped");
	return wrap(build(&d));
}

TEST(wrapped_bundle_is_read)
{
	uint64_t size = build_wrapped();

	CHECK_EQ(parse(size), 0);
	CHECK_EQ(b.nr_vms, 1);
	CHECK_STR(b.vms[0].name, "wrapped");
	CHECK_EQ(b.vms[0].image_size, sizeof(image_bytes));
	/* read in place, behind the header */
	CHECK((const uint8_t *)b.vms[0].image > (const uint8_t *)blob + BUNDLE_WRAP_HEADER_SIZE);
	CHECK((const uint8_t *)b.vms[0].image < (const uint8_t *)blob + size);
	CHECK(!memcmp(b.vms[0].image, image_bytes, sizeof(image_bytes)));
}

TEST(unwrap_gives_the_tree_behind_the_header)
{
	uint64_t size = build_wrapped(), dtb_size = 0;
	const void *dtb = NULL;

	CHECK_EQ(bundle_unwrap(blob, size, &dtb, &dtb_size, err, sizeof(err)), 0);
	CHECK(dtb == (const uint8_t *)blob + BUNDLE_WRAP_HEADER_SIZE);
	CHECK_EQ(dtb_size, size - BUNDLE_WRAP_HEADER_SIZE);
	CHECK_EQ(fdt_totalsize(dtb), dtb_size);
}

TEST(unwrap_takes_a_bare_tree_as_it_is)
{
	struct bundle_desc d = { .nr_vm = 1 };
	uint64_t dtb_size = 0;
	const void *dtb = NULL;
	uint32_t total;

	d.vm[0] = good_vm("bare");
	total = build(&d);
	CHECK_EQ(bundle_unwrap(blob, total + 100, &dtb, &dtb_size, err, sizeof(err)), 0);
	CHECK(dtb == blob);
	CHECK_EQ(dtb_size, total + 100);
	CHECK_EQ(parse(total), 0);
	CHECK_STR(b.vms[0].name, "bare");
}

/* A loader may pass more than the file (a rounded-up size): the rest is ignored */
TEST(wrapped_bundle_with_bytes_after_it_is_fine)
{
	CHECK_EQ(parse(build_wrapped() + 4096), 0);
}

TEST(wrapped_tree_further_on_is_fine)
{
	struct bundle_desc d = { .nr_vm = 1 };

	d.vm[0] = good_vm("a");
	CHECK_EQ(parse(wrap_at(build(&d), 64)), 0);
}

TEST(wrapped_bundle_truncated)
{
	uint64_t size = build_wrapped();
	char want[200];

	/* the tree cut short: the header still names all of it */
	CHECK_EQ(parse(size - 1), -1);
	snprintf(want, sizeof(want), "bundle: header names a %llu-byte device tree at offset 32, "
		 "but only %llu bytes were loaded (is the initrd size right?)",
		 (unsigned long long)(size - 32), (unsigned long long)(size - 1));
	CHECK_ERR(want);
	/* nothing of the tree */
	CHECK_EQ(parse(32), -1);
	CHECK(strstr(err, "but only 32 bytes were loaded"));
	/* the header itself cut short, down to a piece of the magic */
	CHECK_EQ(parse(31), -1);
	CHECK_ERR("bundle: cut short: 31 bytes, less than its 32-byte header");
	CHECK_EQ(parse(8), -1);
	CHECK_ERR("bundle: cut short: 8 bytes, less than its 32-byte header");
	CHECK_EQ(parse(3), -1);
	CHECK_ERR("bundle: cut short: 3 bytes, less than its 32-byte header");
}

/* The header names more than was loaded, up to sizes whose sum overflows */
TEST(wrapped_bundle_overlong_sizes)
{
	static const struct {
		uint64_t off, len;
	} bad[] = {
		{ 32, 1ULL << 20 },
		{ 32, ~0ULL },
		{ 32, ~0ULL - 31 },	/* off + len wraps to 0 */
		{ 0xfffffff8, 16 },	/* the offset past the end */
	};
	uint64_t size = build_wrapped();

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t *p = blob;

		build_wrapped();
		put_le(p + 12, bad[i].off, 4);
		put_le(p + 16, bad[i].len, 8);
		CHECK_EQ(parse(size), -1);
		CHECK(strstr(err, "bundle: header names a "));
		CHECK(strstr(err, "is the initrd size right?"));
	}
}

TEST(wrapped_bundle_bad_magic)
{
	uint64_t size = build_wrapped();

	((uint8_t *)blob)[7] = 'X';	/* "KEELBNDX" */
	CHECK_EQ(parse(size), -1);
	CHECK(!strncmp(err, "bundle: neither a Keel bundle", 29));
	size = build_wrapped();
	((uint8_t *)blob)[0] = 'k';
	CHECK_EQ(parse(size), -1);
	CHECK(!strncmp(err, "bundle: neither a Keel bundle", 29));
}

TEST(wrapped_bundle_other_version)
{
	static const uint32_t versions[] = { 0, 2, 0xffffffff };

	for (unsigned int i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		uint64_t size = build_wrapped();
		char want[120];

		put_le((uint8_t *)blob + 8, versions[i], 4);
		CHECK_EQ(parse(size), -1);
		snprintf(want, sizeof(want), "bundle: header version %u is not supported (this Keel "
			 "reads version 1)", versions[i]);
		CHECK_ERR(want);
	}
}

TEST(wrapped_bundle_bad_offset)
{
	static const uint32_t offs[] = { 0, 8, 24, 31, 33, 36 };

	for (unsigned int i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		uint64_t size = build_wrapped();
		char want[120];

		put_le((uint8_t *)blob + 12, offs[i], 4);
		CHECK_EQ(parse(size), -1);
		snprintf(want, sizeof(want), "bundle: header puts the device tree at offset %u (must "
			 "be a multiple of 8, at least 32)", offs[i]);
		CHECK_ERR(want);
	}
}

TEST(wrapped_bundle_reserved_not_zero)
{
	uint64_t size = build_wrapped();

	((uint8_t *)blob)[31] = 1;
	CHECK_EQ(parse(size), -1);
	CHECK_ERR("bundle: header bytes 24..31 are not zero");
}

TEST(wrapped_bundle_without_a_tree_behind)
{
	uint64_t size = build_wrapped();

	/* an empty tree */
	put_le((uint8_t *)blob + 16, 0, 8);
	CHECK_EQ(parse(size), -1);
	CHECK_ERR("bundle: no device tree at offset 32 behind the header");
	/* something else at the offset */
	size = build_wrapped();
	memcpy((uint8_t *)blob + 32, "\177ELF", 4);
	CHECK_EQ(parse(size), -1);
	CHECK_ERR("bundle: no device tree at offset 32 behind the header");
}

/* The tree behind a good header is still checked as a tree */
TEST(wrapped_bundle_with_a_bad_tree)
{
	uint64_t size = build_wrapped();
	void *dtb = (uint8_t *)blob + 32;
	char want[80];

	fdt_set_totalsize(dtb, fdt_totalsize(dtb) + 1);	/* more than the header says */
	CHECK_EQ(parse(size), -1);
	snprintf(want, sizeof(want), "bundle: not a valid device tree blob (%llu bytes)",
		 (unsigned long long)(size - 32));
	CHECK_ERR(want);
}

TEST(wrapped_bundle_not_8_byte_aligned)
{
	static uint64_t other[16384 + 1];
	uint64_t size = build_wrapped();
	uint8_t *at = (uint8_t *)other + 4;
	char want[120];

	memcpy(at, blob, size);
	memset(&b, 0xa5, sizeof(b));
	CHECK_EQ(bundle_parse(at, size, &b, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "bundle: loaded at 0x%llx, not 8-byte aligned: load it at an "
		 "aligned address", (unsigned long long)(uintptr_t)at);
	CHECK_ERR(want);
}
