#!/usr/bin/env bash
# Builds Keel's Linux guest (guests/linux: one Makefile, one keel.config,
# one /init's sources) from Linux VERSION into OUT/Image (and
# OUT/System.map), and its disk, OUT/rootfs.ext4.
#   scripts/linux-guest.sh 6.1 build/linux        (make linux)
#   scripts/linux-guest.sh 6.12 build/linux612    (make linux612)
#
# Each Debian release ships the sources of one Linux as linux-source-V:
# 6.1 in Debian 12, 6.12 in Debian 13 (scripts/linux-version.sh).
#  - VERSION is this machine's: guests/linux's Makefile runs here, with
#    O=OUT (the extracted sources and the kbuild tree in OUT, as always).
#  - VERSION is the other release's: it runs in a chroot of that release's
#    build root (scripts/debian-root.sh N build: its compiler and its
#    linux-source; made once, as root). guests/linux's files are copied
#    into ROOT/keel/guest only when their contents differ, so make's
#    timestamps there see exactly the changes: a new init.c relinks the
#    Image, a new keel.config redoes the .config and what it changes. The
#    sources and kbuild tree (the slow part, about 1.5 GB) stay in
#    ROOT/keel/linux-VERSION, outside the clone, so a fresh clone reuses
#    them; it is only a cache: remove it, or the whole root, and the next
#    build makes it again. Then OUT/Image is copied out of it.
#    OUT/rootfs.ext4 is made here, not in the chroot (make ... rootfs: this
#    machine's cross compiler and mke2fs; the build root has no mke2fs on
#    Debian 13, and a disk's contents do not depend on the kernel).
# JOBS (default: nproc) is make's -j for the kernel.
#
# Without root there is no build root to be had. Then, with
# KEEL_GUEST_SKIP_OK=1 (make test sets it), it writes why to
# OUT/UNAVAILABLE, removes any OUT/Image, and succeeds: the system cases of
# that Image count as skipped, with the reason (tests/system/run.sh), as
# the stacks of the other release do. Otherwise that is a failure.
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

# Only root may chroot (and make the root: debian-root.sh exits 3 when it
# would need root)
rc=0
if [ "$(id -u)" -ne 0 ]; then
	why="building it needs root (a chroot into scripts/debian-root.sh $release build's root)"
	rc=3
else
	root=$("$here/debian-root.sh" "$release" build) || rc=$?
	why="scripts/debian-root.sh $release build could not make its root"
fi
if [ "$rc" -eq 3 ] && [ "${KEEL_GUEST_SKIP_OK:-}" = 1 ]; then
	echo "Linux $version comes from a Debian $release root: $why" >"$out/UNAVAILABLE"
	rm -f "$out/Image"
	echo "linux-guest: no Linux $version guest ($why): its system cases are skipped" >&2
	exit 0
fi
if [ "$rc" -ne 0 ]; then
	echo "linux-guest: Linux $version comes from a Debian $release root: $why" >&2
	target=$([ "$version" = 6.1 ] && echo linux || echo linux612)
	[ "$rc" -eq 3 ] && echo "linux-guest: build it once as root, then give build/ back:" \
		"sudo make $target && sudo chown -R $(id -un): $(dirname "$out")" >&2
	exit 1
fi
rm -f "$out/UNAVAILABLE"
work=$root/keel
mkdir -p "$work/guest"
# One build at a time in this tree (two clones, or make -j): the second
# waits, then finds it up to date or rebuilds what its own files change.
exec 9>"$work/linux-$version.lock"
flock 9
for f in "$repo"/guests/linux/*; do
	[ -f "$f" ] || continue
	cmp -s "$f" "$work/guest/${f##*/}" || cp "$f" "$work/guest/${f##*/}"
done
echo "  CHROOT  Debian $release build root $root: Linux $version"
# A clean environment: the chroot's own PATH and no MAKEFLAGS of this make
# (its jobserver's descriptors do not reach into the chroot's make)
chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME=/root LC_ALL=C \
	make --no-print-directory -C /keel/guest O="/keel/linux-$version" JOBS="$jobs" \
	LINUX_VERSION="$version" TARBALL="/usr/src/linux-source-$version.tar.xz" image
for f in Image System.map; do
	cmp -s "$work/linux-$version/$f" "$out/$f" || cp "$work/linux-$version/$f" "$out/$f"
done
echo "  IMAGE   $out/Image (Linux $version, from $work/linux-$version)"
exec make --no-print-directory -C "$repo/guests/linux" O="$out" rootfs
