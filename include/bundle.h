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
 *              vcpu-harts = <0 1>; }; };
 *
 * Pure logic: a bad bundle gives one message naming the VM and the field.
 */
#ifndef KEEL_BUNDLE_H
#define KEEL_BUNDLE_H

#include <stdbool.h>
#include <stdint.h>

#include "boot_config.h"

#define BUNDLE_VERSION 1
#define VM_NAME_MAX 32
#define VM_MEM_MIB_MIN 8 /* image at +2 MiB, device tree in the top 2 MiB */
#define VM_MEM_MIB_MAX (64 * 1024)

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

int bundle_parse(const void *fdt, uint64_t size, struct bundle *b, char *err, unsigned long errlen);

#endif
