#!/usr/bin/env bash
# Builds Keel's Linux guest (guests/linux: one Makefile, one keel.config,
# one init.c) from Linux VERSION into OUT/Image (and OUT/System.map).
#   scripts/linux-guest.sh 6.1 build/linux        (make linux)
#   scripts/linux-guest.sh 6.12 build/linux612    (make linux612)
#
# Each Debian release ships the sources of one Linux as linux-source-V:
# 6.1 in Debian 12, 6.12 in Debian 13 (scripts/linux-version.sh).
#  - VERSION is this machine's: guests/linux's Makefile runs here, with
#    O=OUT (the extracted sources and the kbuild tree in OUT, as always).
#  - VERSION is the other release's: it runs in a chroot of that release's
#    build root (scripts/debian-root.sh N build: its compiler and its
#    linux-source; made once, as root). The guest's four files are copied
#    into ROOT/keel/guest only when their contents differ, so make's
#    timestamps there see exactly the changes: a new init.c relinks the
#    Image, a new keel.config redoes the .config and what it changes. The
#    sources and kbuild tree (the slow part, about 1.5 GB) stay in
#    ROOT/keel/linux-VERSION, outside the clone, so a fresh clone reuses
#    them; it is only a cache: remove it, or the whole root, and the next
#    build makes it again. Then OUT/Image is copied out of it.
# JOBS (default: nproc) is make's -j for the kernel.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")

version=${1:?usage: linux-guest.sh VERSION OUT}
out=${2:?usage: linux-guest.sh VERSION OUT}
jobs=${JOBS:-$(nproc)}
case "$version" in
6.1) release=12 ;;
6.12) release=13 ;;
*) echo "linux-guest: Linux $version: no Debian release Keel knows ships it (6.1: 12, 6.12: 13)" >&2; exit 2 ;;
esac
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ "$("$here/linux-version.sh")" = "$version" ]; then
	exec make --no-print-directory -C "$repo/guests/linux" O="$out" JOBS="$jobs" \
		LINUX_VERSION="$version" TARBALL="/usr/src/linux-source-$version.tar.xz"
fi

root=$("$here/debian-root.sh" "$release" build) || {
	echo "linux-guest: Linux $version is built in a Debian $release root, and there is none" >&2
	exit 1
}
work=$root/keel
mkdir -p "$work/guest"
# One build at a time in this tree (two clones, or make -j): the second
# waits, then finds it up to date or rebuilds what its own files change.
exec 9>"$work/linux-$version.lock"
flock 9
for f in Makefile keel.config init.c verify-config.sh check-tools.sh; do
	cmp -s "$repo/guests/linux/$f" "$work/guest/$f" || cp "$repo/guests/linux/$f" "$work/guest/$f"
done
echo "  CHROOT  Debian $release build root $root: Linux $version"
# A clean environment: the chroot's own PATH and no MAKEFLAGS of this make
# (its jobserver's descriptors do not reach into the chroot's make)
chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root LC_ALL=C \
	make --no-print-directory -C /keel/guest O="/keel/linux-$version" JOBS="$jobs" \
	LINUX_VERSION="$version" TARBALL="/usr/src/linux-source-$version.tar.xz"
for f in Image System.map; do
	cmp -s "$work/linux-$version/$f" "$out/$f" || cp "$work/linux-$version/$f" "$out/$f"
done
echo "  IMAGE   $out/Image (Linux $version, from $work/linux-$version)"
