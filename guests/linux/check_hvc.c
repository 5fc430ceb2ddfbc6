/*
 * keel.checks=hvc: a line on the virtio console, "keel-hvc: hello".
 *
 * A virtio console port is an hvc tty, but not hvc0: HVC_RISCV_SBI (the
 * SBI console, keel.config) instantiates hvc0 at console_initcall, before
 * any driver probes, so virtio_console's first port gets the next free
 * index, hvc1. The device nodes /dev/hvc0..7 exist whether or not a
 * driver backs them (the hvc tty driver registers them all); opening one
 * without a backend fails with ENODEV. So: the first of /dev/hvc1..7
 * that opens is the virtio console. The line reaches whatever the host
 * connected the port to (QEMU: a chardev; try-on-qemu.sh reads it back).
 */
#include "lib.h"
#include "checks.h"

#define HVC_LINE "keel-hvc: hello\n"
#define HVC_MAX 8 /* HVC_ALLOC_TTY_ADAPTERS */

void check_hvc(const char **fail)
{
	char path[] = "/dev/hvc1";
	long fd = -ENODEV, r;

	for (int i = 1; i < HVC_MAX && fd < 0; i++) {
		path[8] = (char)('0' + i);
		fd = SC(SYS_openat, AT_FDCWD, path, O_WRONLY | O_NOCTTY, 0, 0, 0);
	}
	if (fd < 0) {
		out("keel-linux: hvc: none of /dev/hvc1..7 opens (errno ");
		out_num((unsigned long)-fd);
		out("); hvc0 is the SBI console\n");
		verdict("hvc", "no virtio console", fail);
		return;
	}
	r = SC(SYS_write, fd, HVC_LINE, sizeof(HVC_LINE) - 1, 0, 0, 0);
	SC(SYS_ioctl, fd, TCSBRK, 1, 0, 0, 0); /* tcdrain: out before the close */
	SC(SYS_close, fd, 0, 0, 0, 0, 0);
	out("keel-linux: hvc: ");
	out(path);
	out(" (the virtio console; hvc0 is the SBI console): ");
	out(r == (long)sizeof(HVC_LINE) - 1 ? "wrote \"keel-hvc: hello\"\n" : "the write failed\n");
	verdict("hvc", r == (long)sizeof(HVC_LINE) - 1 ? 0 : "the write to the virtio console failed", fail);
}
