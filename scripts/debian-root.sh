#!/usr/bin/env bash
# Makes (once) a Debian root that the stack matrix runs QEMU, OpenSBI and
# U-Boot from when this machine runs another release: debootstrap of
#   12  bookworm: QEMU 7.2, OpenSBI 1.1, U-Boot 2023.01
#   13  trixie:   QEMU 10.0, OpenSBI 1.6, U-Boot 2025.01
# in $KEEL_CACHE/debianN-root (default /var/cache/keel). It lives outside
# the clone so a fresh clone reuses it; `rm -rf` it to start over, and this
# script makes it again (it needs root, as debootstrap does).
#   scripts/debian-root.sh 13          make it if needed, print its path
#   scripts/debian-root.sh 13 --check  print its path if complete, else fail
set -euo pipefail

version=${1:-}
case "$version" in
12) suite=bookworm qemu_pkg=qemu-system-misc ;;
13) suite=trixie qemu_pkg=qemu-system-riscv ;;
*) echo "debian-root: give 12 or 13" >&2; exit 2 ;;
esac
cache=${KEEL_CACHE:-/var/cache/keel}
root=$cache/debian$version-root
# what the matrix runs from it; a change here makes a new root
pkgs=$qemu_pkg,opensbi,u-boot-qemu
stamp=$root/.keel-root-complete

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ]; then
	echo "$root"
	exit 0
fi
[ "${2:-}" = --check ] && { echo "debian-root: $root is not there (scripts/debian-root.sh $version makes it)" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
	echo "debian-root: making $root needs root (debootstrap); run as root:" >&2
	echo "  sudo scripts/debian-root.sh $version" >&2
	exit 1
fi
command -v debootstrap >/dev/null || { echo "debian-root: debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }

# The Debian archive this machine's apt already uses (none is named here);
# without one, debootstrap's own default
mirror=$("$(dirname "$0")/apt-archive.sh" debian) || mirror=

echo "debian-root: making $root (debootstrap $suite: $pkgs; about a minute, once)" >&2
rm -rf "$root.tmp"
mkdir -p "$cache"
# minbase and no recommends: only what QEMU, OpenSBI and U-Boot need
if ! debootstrap --variant=minbase --include="$pkgs" "$suite" "$root.tmp" ${mirror:+"$mirror"} \
	>"$cache/debian$version-root.log" 2>&1; then
	echo "debian-root: debootstrap failed; the end of $cache/debian$version-root.log:" >&2
	tail -n 20 "$cache/debian$version-root.log" >&2
	exit 1
fi
rm -rf "$root.tmp/var/cache/apt/archives/"*.deb
rm -rf "$root" && mv "$root.tmp" "$root"
echo "$pkgs" >"$stamp"
echo "$root"
