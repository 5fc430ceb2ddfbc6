#!/usr/bin/env bash
# Makes (once) a Debian root of another release than this machine's, in
# $KEEL_CACHE (default /var/cache/keel), with debootstrap. Two kinds:
#
#   stack  debianN-root: what the stack matrix runs QEMU, OpenSBI and
#          U-Boot from (scripts/stack.sh):
#            12  bookworm: QEMU 7.2, OpenSBI 1.1, U-Boot 2023.01
#            13  trixie:   QEMU 10.0, OpenSBI 1.6, U-Boot 2025.01
#   build  debianN-build-root: a compiler and that release's linux-source,
#          to build the Linux guest of the other release in a chroot
#          (scripts/linux-guest.sh): Linux 6.12 on Debian 12 from trixie's,
#          Linux 6.1 on Debian 13 from bookworm's.
#
# Why two roots and not the build packages installed into the stack's root
# with apt-get: the stack root is what the matrix tests Keel on, and its
# stamp says exactly what it holds. apt-get in it, later, resolves against
# the archive as it is that day and may upgrade the libraries QEMU runs
# with (libc6, glib...): the stack under test would change under the
# matrix, while other runs use it. A root of its own keeps the stack as it
# was made and can be removed (about 1.5 GB) without touching the stack;
# the price is one more debootstrap of a minimal base, about a minute.
#
# Both live outside the clone so a fresh clone reuses them; `rm -rf` one to
# start over, and this script makes it again (as root: debootstrap needs
# it). Its stamp, ROOT/.keel-root-complete, holds the packages it was made
# with; a change of the list here makes a new root.
#   scripts/debian-root.sh 13 [stack]          make it if needed, print its path
#   scripts/debian-root.sh 13 [stack] --check  print its path if complete, else fail
#   scripts/debian-root.sh 13 build [--check]  the same for the build root
set -euo pipefail

version=${1:-}
kind=stack
case "${2:-}" in
stack | build) kind=$2; shift ;;
esac
case "$version" in
12) suite=bookworm qemu_pkg=qemu-system-misc linux=6.1 ;;
13) suite=trixie qemu_pkg=qemu-system-riscv linux=6.12 ;;
*) echo "debian-root: give 12 or 13 (and stack or build)" >&2; exit 2 ;;
esac
cache=${KEEL_CACHE:-/var/cache/keel}
if [ "$kind" = stack ]; then
	root=$cache/debian$version-root
	# what the matrix runs from it; a change here makes a new root
	pkgs=$qemu_pkg,opensbi,u-boot-qemu
else
	root=$cache/debian$version-build-root
	# what guests/linux's build runs (guests/linux/check-tools.sh), and the
	# kernel sources; a change here makes a new root
	pkgs=make,gcc,libc6-dev,flex,bison,bc,xz-utils,gcc-riscv64-linux-gnu,binutils-riscv64-linux-gnu,linux-source-$linux
fi
stamp=$root/.keel-root-complete
made() { [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ]; }

if made; then
	echo "$root"
	exit 0
fi
how="scripts/debian-root.sh $version"
[ "$kind" = build ] && how="$how build"
[ "${2:-}" = --check ] && { echo "debian-root: $root is not there ($how makes it)" >&2; exit 1; }

# exit 3: it could be made, by root (scripts/linux-guest.sh tells this
# apart from a failure)
if [ "$(id -u)" -ne 0 ]; then
	echo "debian-root: making $root needs root (debootstrap); run as root:" >&2
	echo "  sudo $how" >&2
	exit 3
fi
command -v debootstrap >/dev/null || { echo "debian-root: debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }

# Two makes at once (two clones, or -j) must not both debootstrap into the
# same place: the second waits, then finds the root made.
mkdir -p "$cache"
exec 9>"$root.lock"
flock 9
if made; then
	echo "$root"
	exit 0
fi

# The Debian archive this machine's apt already uses (none is named here);
# without one, debootstrap's own default
mirror=$("$(dirname "$0")/apt-archive.sh" debian) || mirror=

log=$cache/$(basename "$root").log
echo "debian-root: making $root (debootstrap $suite: $pkgs; once)" >&2
rm -rf "$root.tmp"
# minbase and no recommends: only what the packages named need
if ! debootstrap --variant=minbase --include="$pkgs" "$suite" "$root.tmp" ${mirror:+"$mirror"} \
	>"$log" 2>&1; then
	echo "debian-root: debootstrap failed; the end of $log:" >&2
	tail -n 20 "$log" >&2
	exit 1
fi
rm -rf "$root.tmp/var/cache/apt/archives/"*.deb
rm -rf "$root" && mv "$root.tmp" "$root"
echo "$pkgs" >"$stamp"
echo "$root"
