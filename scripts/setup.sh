#!/usr/bin/env bash
# Keel's one setup script: makes sure the Debian packages a make target
# needs are installed, on Debian 12 (bookworm) or Debian 13 (trixie).
# The Makefile runs it before it builds anything (see "Set-up" there).
#   - as root: installs what is missing with apt-get;
#   - otherwise: prints the exact apt-get line and fails.
# Usage: scripts/setup.sh [build|linux|linux612|run|test|bench|debug|fuzz|uboot|stack]...
# (several kinds at once: the union of their packages; default: test)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

linux_version=$("$here/linux-version.sh")
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
# Debian 13 split qemu-system-misc into one package per target.
case "$codename" in
bookworm) qemu_pkg=qemu-system-misc ;;
*) qemu_pkg=qemu-system-riscv ;;
esac

# binutils-riscv64-linux-gnu: its ld links Keel as a static PIE (Makefile);
# python3: the virtio test guests' disk image (guests/virtio/mkdisk.py)
build_pkgs=(make gcc libc6-dev gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf
	binutils-riscv64-linux-gnu device-tree-compiler "linux-source-$linux_version" xz-utils
	python3)
linux_pkgs=(gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu flex bison bc)
# The two Linux guests, Linux 6.1 (make linux) and 6.12 (make linux612),
# scripts/linux-guest.sh: the one this release ships the sources of is
# built here, with linux_pkgs; the other in a chroot of the other release's
# build root, which debootstrap makes (scripts/debian-root.sh N build; it
# names the packages debootstrap installs into that root, the same
# linux_pkgs and that release's linux-source, make, gcc, libc6-dev,
# xz-utils). Either way each guest's disk, rootfs.ext4, is made here, its
# /init with the cross compiler and the image with mke2fs (disk_pkgs).
guest_pkgs() { # guest_pkgs VERSION
	if [ "$1" = "$linux_version" ]; then
		echo "${linux_pkgs[@]}" "${disk_pkgs[@]}"
	else
		echo debootstrap gcc-riscv64-linux-gnu "${disk_pkgs[@]}"
	fi
}
# mke2fs, for the disk images: the Linux guests' rootfs.ext4 (guests/linux)
# and the U-Boot flow's (scripts/uboot-boot.sh). Debian 12 installs
# e2fsprogs always, a minimal Debian 13 does not.
disk_pkgs=(e2fsprogs)
run_pkgs=("$qemu_pkg" opensbi)
# the U-Boot flow: Debian's qemu-riscv64_smode U-Boot, and mke2fs for its
# disk image (scripts/uboot-boot.sh)
uboot_pkgs=(u-boot-qemu "${disk_pkgs[@]}")
# the stack matrix makes the other release's Debian root with debootstrap
# (scripts/debian-root.sh)
test_pkgs=(debootstrap "${uboot_pkgs[@]}")

pkgs=()
[ $# -eq 0 ] && set -- test
for want in "$@"; do
	case "$want" in
	build) pkgs+=("${build_pkgs[@]}") ;;
	linux) pkgs+=("${build_pkgs[@]}" $(guest_pkgs 6.1)) ;;
	linux612) pkgs+=("${build_pkgs[@]}" $(guest_pkgs 6.12)) ;;
	run|bench) pkgs+=("${build_pkgs[@]}" "${run_pkgs[@]}") ;;
	uboot) pkgs+=("${build_pkgs[@]}" "${run_pkgs[@]}" "${uboot_pkgs[@]}") ;;
	# another stack than debian12 (make ... STACK=): its Debian 13 root
	stack) pkgs+=(debootstrap) ;;
	test) pkgs+=("${build_pkgs[@]}" "${run_pkgs[@]}" $(guest_pkgs 6.1) $(guest_pkgs 6.12)
		"${test_pkgs[@]}") ;;
	debug) pkgs+=("${build_pkgs[@]}" "${run_pkgs[@]}" gdb-multiarch) ;;
	# make fuzz-host: clang and its libFuzzer/sanitizer runtimes
	fuzz) pkgs+=("${build_pkgs[@]}" clang "libclang-rt-$( [ "$codename" = bookworm ] && echo 14 || echo 19)-dev") ;;
	*) echo "setup.sh: unknown kind '$want'" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${pkgs[@]}"; do
	case " ${missing[*]} " in *" $p "*) continue ;; esac
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "setup: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
	echo "setup: these Debian packages are missing: ${missing[*]}" >&2
	echo "setup: install them (as root) with:" >&2
	echo "  sudo apt-get install --no-install-recommends ${missing[*]}" >&2
	exit 1
fi
