#!/usr/bin/env bash
# Proves that on a fresh Debian 13 (trixie) machine `make test` installs
# what it needs by itself and passes. A developer tool, not run by
# `make test` (about 14 minutes on 2 cores with a fast mirror); it needs root.
#
#   tests/debian13-fresh.sh [--keep] [--dir DIR] [--log FILE]
#
# 1. debootstrap --variant=minbase trixie into DIR/root (default
#    /var/tmp/keel-d13-fresh, outside the clone; deleted and made again on
#    every run), from the Debian archive this machine's apt already uses
#    (as scripts/debian-root.sh finds it: no mirror is named here), with
#    trixie's apt sources written into it;
# 2. a clean `git archive HEAD` of this repository in DIR/root/keel;
# 3. /proc, /sys, /dev (bind), /dev/pts (bind) and a tmpfs /dev/shm mounted;
# 4. in the chroot, as root: `apt-get install make` (a bare Debian has no
#    make: that is all a user installs by hand), then `make test`, which
#    runs scripts/setup.sh and so apt-get installs everything else. The
#    other release's stacks (debian12, qemu72-opensbi16) come from a
#    bookworm root that scripts/debian-root.sh 12 makes inside the chroot
#    with debootstrap; if it cannot, run-all.sh counts them as skipped and
#    says why, and so does this script's summary.
# Everything is unmounted on exit (trap); --keep keeps DIR/root afterwards
# (to look at build/ or rerun `make test` in it by hand).
# The log (default DIR.log, next to DIR, so it survives the next run's
# clean-up) has every line; the summary at the end gives the packages
# setup.sh installed, the final "N passed, N failed[, N skipped]" line of
# run-all.sh, and the wall time from the empty directory to that line.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dir=/var/tmp/keel-d13-fresh
log=
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--keep) keep=1 ;;
	--dir) dir=$2; shift ;;
	--log) log=$2; shift ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "debian13-fresh: unknown option '$1' (--keep, --dir DIR, --log FILE)" >&2; exit 2 ;;
	esac
	shift
done
dir=$(realpath -m "$dir")
log=${log:-$dir.log}
root=$dir/root

die() { echo "debian13-fresh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, mount, chroot)"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"
case "$dir/" in "$repo"/*) die "$dir is inside the repository; give --dir outside it" ;; esac
[ "$dir" != / ] || die "refusing --dir /"

# The Debian archive (and security archive) this machine's apt uses,
# exactly as scripts/debian-root.sh reads it.
mirror=$("$repo/scripts/apt-archive.sh" debian) ||
	die "no Debian archive found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"
security=$("$repo/scripts/apt-archive.sh" debian-security) || security=

mounts=()
cleanup() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null || true
	done
	# never delete a root that still has something mounted in it
	if [ "$keep" -eq 0 ] && [ -d "$root" ] && ! grep -q " $root/" /proc/mounts; then
		rm -rf "$root"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# a leftover of an interrupted run: unmount it before deleting
if [ -d "$root" ]; then
	grep -o " $root/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
	grep -q " $root/" /proc/mounts && die "something is still mounted under $root"
fi
rm -rf "$dir"
mkdir -p "$dir"
: >"$log"
exec > >(tee -a "$log") 2>&1

start=$(date +%s)
stamp() { printf '[%s +%ds] %s\n' "$(date +%T)" $(($(date +%s) - start)) "$*"; }

stamp "debootstrap --variant=minbase trixie $root (this machine's Debian archive)"
debootstrap --variant=minbase trixie "$root" "$mirror" >"$dir/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$dir/debootstrap.log"; die "debootstrap failed (log: $dir/debootstrap.log)"; }
grep -q '^VERSION_CODENAME=trixie' "$root/etc/os-release" || die "the root is not trixie"
stamp "root made: $(chroot "$root" dpkg-query -W -f='${Package}\n' | wc -l) packages"

# trixie's apt sources, as a Debian 13 install writes them (deb822)
rm -f "$root/etc/apt/sources.list"
{
	printf 'Types: deb\nURIs: %s\nSuites: trixie trixie-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror"
	[ -z "$security" ] || printf '\nTypes: deb\nURIs: %s\nSuites: trixie-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$security"
} >"$root/etc/apt/sources.list.d/debian.sources"
cp /etc/resolv.conf "$root/etc/resolv.conf"

# the repository as committed (no build/, no uncommitted edits)
mkdir "$root/keel"
git -C "$repo" archive --format=tar HEAD | tar -x -C "$root/keel"
stamp "git archive HEAD ($(git -C "$repo" rev-parse --short HEAD)) -> $root/keel"

for m in proc sys dev dev/pts dev/shm; do
	mkdir -p "$root/$m"
	case "$m" in
	proc) mount -t proc proc "$root/proc" ;;
	sys) mount -t sysfs sysfs "$root/sys" ;;
	# private: nothing mounted below it may reach this machine's /dev
	dev|dev/pts) mount --bind "/$m" "$root/$m" && mount --make-private "$root/$m" ;;
	dev/shm) mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm" ;;
	esac
	mounts+=("$root/$m")
done

in_root() {
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
in_root dpkg-query -W -f='${Package}\n' | sort >"$dir/packages-before"

stamp "apt-get install make (the one package a user installs by hand)"
in_root sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make' ||
	die "apt-get install make failed"
in_root dpkg-query -W -f='${Package}\n' | sort >"$dir/packages-make"

stamp "make test in the chroot (setup.sh installs the rest)"
rc=0
in_root bash -c 'cd /keel && make test' || rc=$?
stamp "make test exited with $rc"

in_root dpkg-query -W -f='${Package}\n' | sort >"$dir/packages-after"
installed=$(comm -13 "$dir/packages-make" "$dir/packages-after" | wc -l)
echo
echo "==== summary (log: $log)"
echo "root: Debian $(cat "$root/etc/debian_version") ($root$([ "$keep" -eq 1 ] && echo ', kept' || echo ', deleted on exit'))"
echo "setup.sh ran apt-get: $(grep -c '^setup: installing' "$log" || true) time(s); $installed packages installed in the chroot after make"
grep '^setup: installing' "$log" | sed 's/^/  /' || true
if [ -f "$root/var/cache/keel/debian12-root/.keel-root-complete" ]; then
	echo "bookworm root for the debian12 and qemu72-opensbi16 stacks: made in the chroot by scripts/debian-root.sh 12"
else
	echo "bookworm root for the debian12 and qemu72-opensbi16 stacks: NOT made in the chroot (their cases are skipped; see 'skipped:' below)"
fi
grep -E '^skipped: ' "$log" || true
result=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1 || true)
echo "result: ${result:-no result line: make test stopped before tests/run-all.sh finished}"
echo "make test exit code: $rc"
echo "wall time (empty directory to result): $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"
exit "$rc"
