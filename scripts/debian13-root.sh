#!/usr/bin/env bash
# Makes (once) the Debian 13 root that the stack matrix runs QEMU 10,
# OpenSBI 1.6 and U-Boot 2025.01 from: debootstrap of trixie with those
# packages, in $KEEL_CACHE/debian13-root (default /var/cache/keel). It lives
# outside the clone so a fresh clone reuses it; `rm -rf` it to start over,
# and this script makes it again (it needs root, as debootstrap does).
#   scripts/debian13-root.sh          make it if needed, print its path
#   scripts/debian13-root.sh --check  print its path if it is complete, else fail
set -euo pipefail

cache=${KEEL_CACHE:-/var/cache/keel}
root=$cache/debian13-root
# what the matrix runs from it; a change here makes a new root
pkgs=qemu-system-riscv,opensbi,u-boot-qemu
stamp=$root/.keel-root-complete

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$pkgs" ]; then
	echo "$root"
	exit 0
fi
[ "${1:-}" = --check ] && { echo "debian13-root: $root is not there (scripts/debian13-root.sh makes it)" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
	echo "debian13-root: making $root needs root (debootstrap); run as root:" >&2
	echo "  sudo scripts/debian13-root.sh" >&2
	exit 1
fi
command -v debootstrap >/dev/null || { echo "debian13-root: debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }

# The Debian archive this machine's apt already uses (none is named here).
mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb  *\([^ ]*\/debian\)\/* .*/\1/p' /etc/apt/sources.list 2>/dev/null | head -n1)

echo "debian13-root: making $root (debootstrap trixie: $pkgs; a few minutes, once)" >&2
rm -rf "$root.tmp"
mkdir -p "$cache"
# minbase and no recommends: only what QEMU, OpenSBI and U-Boot need
if ! debootstrap --variant=minbase --include="$pkgs" trixie "$root.tmp" ${mirror:+"$mirror"} \
	>"$cache/debian13-root.log" 2>&1; then
	echo "debian13-root: debootstrap failed; the end of $cache/debian13-root.log:" >&2
	tail -n 20 "$cache/debian13-root.log" >&2
	exit 1
fi
rm -rf "$root.tmp/var/cache/apt/archives/"*.deb
rm -rf "$root" && mv "$root.tmp" "$root"
echo "$pkgs" >"$stamp"
echo "$root"
