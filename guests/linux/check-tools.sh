#!/bin/sh
# Usage: check-tools.sh [CROSS_COMPILE [TARBALL]]   what the Image needs
#        check-tools.sh --init [CROSS_COMPILE]       what /init needs
#        check-tools.sh --rootfs [CROSS_COMPILE]     what rootfs.ext4 needs
#
# Checks that the programs the Linux guest build runs are installed, and if
# not, names the Debian 12 packages that provide them and fails. /init
# needs only the cross compiler; rootfs.ext4 that and mke2fs (e2fsprogs),
# not the kernel's sources or tools (the other release's Image is built
# in a chroot, its rootfs.ext4 here: scripts/linux-guest.sh). The list
# comes from tracing every program a clean build executes (strace -f -e
# execve): besides those below it runs only programs of Essential/required
# packages (sh, sed, grep, awk, tar, gzip, cmp, find, ...), which are not
# checked. Not needed: perl, python3, cpio, openssl, libelf (no modules, no
# signing, no BTF; gen_init_cpio builds the initramfs), nor riscv64 libc
# (/init uses raw system calls). git and rustc are probed, but optional.
set -eu

mode=image
case ${1:-} in
--init) mode=init; shift ;;
--rootfs) mode=rootfs; shift ;;
esac
cross=${1:-riscv64-linux-gnu-}
tarball=${2:-/usr/src/linux-source-6.1.tar.xz}
missing=

need() { # need COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || case " $missing " in
		*" $2 "*) ;;
		*) missing="$missing $2" ;;
	esac
}

need "${cross}gcc" gcc-riscv64-linux-gnu
need "${cross}ld" binutils-riscv64-linux-gnu
if [ "$mode" = rootfs ]; then
	# mke2fs is in /usr/sbin, which a user's PATH may lack
	PATH=$PATH:/usr/sbin:/sbin need mke2fs e2fsprogs
fi
if [ "$mode" = image ]; then
	need make make
	need gcc gcc                       # host programs: kconfig, fixdep, gen_init_cpio...
	need flex flex                     # kconfig lexer
	need bison bison                   # kconfig parser (pulls in m4)
	need bc bc                         # kernel/time/timeconst.bc
	need xz xz-utils                   # the tarball
	need "${cross}objcopy" binutils-riscv64-linux-gnu
	[ -r "$tarball" ] || missing="$missing $(basename "$tarball" .tar.xz)"
	# The host compiler needs libc headers for the host programs.
	[ -r /usr/include/stdio.h ] || missing="$missing libc6-dev"
fi

if [ -n "$missing" ]; then
	echo "guests/linux: these Debian packages are missing:$missing" >&2
	echo "guests/linux: install them with:" >&2
	sudo=sudo\ ; [ "$(id -u 2>/dev/null)" = 0 ] && sudo=
	echo "  ${sudo}apt-get install --no-install-recommends$missing" >&2
	exit 1
fi
