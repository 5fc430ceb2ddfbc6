/*
 * The bundle: a flattened device tree that carries what Keel should run.
 * It is loaded next to Keel (QEMU -initrd, U-Boot's booti initrd) and found
 * through /chosen/linux,initrd-start. scripts/mkbundle.sh writes one; the
 * format is documented in docs/bundle.md:
 *
 *   / { compatible = "keel,bundle"; keel,bundle-version = <1>;
 *       options { trace; profile = <1000>; profile-callchain; };
 *       vm@0 { vm-name = "demo"; memory-size-mib = <256>; vcpus = <1>;
 *              bootargs = "..."; image = /incbin/("guest.elf");
 *              initrd = /incbin/("initrd.cpio"); no-sstc;
 *              vcpu-harts = <0 1>; console = "raw"; }; };
 *
 * Pure logic: a bad bundle gives one message naming the VM and the field.
 *
 * On disk the device tree comes behind a 32-byte header (the wrapper,
 * written by scripts/mkbundle.sh), so that a loader which takes a blob
 * starting with a device tree's magic for a FIT image (U-Boot's booti)
 * loads it as a plain ramdisk. All fields little-endian:
 *
 *   0  8  "KEELBNDL"
 *   8  4  wrapper version, 1
 *  12  4  offset of the device tree from the header's start: >= 32, a
 *         multiple of 8 (mkbundle.sh writes 32)
 *  16  8  size of the device tree in bytes
 *  24  8  zero
 *
 * bundle_parse() takes the wrapped form and a bare device tree alike.
 */
#ifndef KEEL_BUNDLE_H
#define KEEL_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_config.h"
#include "must_check.h"

#define BUNDLE_VERSION 1
#define VM_NAME_MAX 32
#define VM_MEM_MIB_MIN 8 /* image at +2 MiB, device tree in the top 2 MiB */
#define VM_MEM_MIB_MAX (64 * 1024)

#define BUNDLE_WRAP_MAGIC "KEELBNDL"
#define BUNDLE_WRAP_VERSION 1
#define BUNDLE_WRAP_HEADER_SIZE 32

struct vm_config {
	char name[VM_NAME_MAX];
	uint64_t mem_size;
	unsigned int nr_vcpus;
	const char *bootargs; /* points into the bundle; "" if none */
	const void *image;
	uint64_t image_size;
	const void *initrd; /* NULL if none */
	uint64_t initrd_size;
	bool no_sstc; /* "no-sstc;": time the guest through SBI even on Sstc hosts */
	int vcpu_pin[KEEL_MAX_VCPUS]; /* "vcpu-harts": hart id per vCPU, -1 = any */
	unsigned int devices; /* "devices": VM_DEV_* bits; all when absent */
	/* "profiler-control": may drive Keel's profiler through SBI KEEL */
	bool profiler_control;
	/* console = "raw": its output reaches the terminal unfiltered; the
	 * default, "escaped", shows controls instead (console_escape.h) */
	bool console_raw;
	const void *disk;    /* "disk": virtio-blk's image, in the bundle; NULL if none */
	uint64_t disk_size;  /* a whole number of 512-byte sectors */
	bool disk_read_only; /* "disk-read-only;" */
	unsigned int machine_disk; /* "machine-disk = <N>": the machine's virtio-blk N, plus 1; 0: none */
	bool net;             /* "net;": a virtio-net card on Keel's switch */
	bool has_mac;         /* "mac = [6 bytes]", else one made from its name */
	uint8_t mac[6];
	bool virtio_console;  /* "virtio-console;": hvc0, a second way to its console line */
};

/* The emulated devices a VM config can ask for ("devices" in docs/config.md) */
enum vm_device_bits {
	VM_DEV_UART = 1U << 0, /* ns16550a at 0x10000000 */
	VM_DEV_PLIC = 1U << 1, /* the virtual PLIC at 0x0c000000 */
	VM_DEV_ALL = VM_DEV_UART | VM_DEV_PLIC,
};

struct bundle {
	bool trace;
	bool test_hooks; /* /options/test-hooks: enable Keel's test-only SBI calls */
	unsigned int profile_hz; /* /options/profile = <hz>: profile the whole run; 0 = no */
	bool profile_callchain;  /* /options/profile-callchain */
	bool console_color; /* /options/console-color: VM name prefixes in colour */
	/* /options/on-last-vm-stop = "keep-running": no power-off when all VMs stop */
	bool keep_running;
	struct vm_config vms[KEEL_MAX_VMS];
	unsigned int nr_vms;
};

/*
 * The device tree inside a bundle of `size` bytes at `blob`: behind the
 * wrapper's header, or `blob` itself when it starts with a device tree's
 * magic. The header is checked strictly (magic, version, the tree's
 * offset, alignment and size against `size`, the tree's magic at that
 * offset, the reserved bytes); the tree itself is left to bundle_check_tree().
 * 0 and *dtb, *dtb_size set, or -1 and a message in err.
 */
int bundle_unwrap(const void *blob, uint64_t size, const void **dtb, uint64_t *dtb_size,
		  char *err, unsigned long errlen) MUST_CHECK;

/*
 * The device tree of `size` bytes at fdt is one libfdt can read: a valid
 * header within size, its structure block 4-byte aligned, and every
 * property inside that block (Linux 6.1's libfdt loops for ever on a
 * length that wraps). 0, or -1 and a message in err. (bundle_blob.c, with
 * bundle_unwrap.)
 */
int bundle_check_tree(const void *fdt, uint64_t size, char *err, unsigned long errlen) MUST_CHECK;

/*
 * Unwraps (bundle_unwrap), checks the tree (bundle_check_tree) and reads
 * the bundle: either form. 0, or -1 and a message in err. (bundle.c)
 */
int bundle_parse(const void *fdt, uint64_t size, struct bundle *b, char *err, unsigned long errlen) MUST_CHECK;

#endif
