#!/usr/bin/env bash
# Usage: guests/linux/try-on-qemu.sh [DIR]     (DIR: build/linux, the default,
#                                              or build/linux612)
#
# Boots the Linux guest of DIR (DIR/Image, DIR/rootfs.ext4: make linux or
# make linux612) on bare QEMU, no Keel, with the virtio-mmio devices Keel
# is getting, and checks what its /init says (guests/linux/README.md):
#
#   disk  the disk as root (keel.root=/dev/vda), keel.checks=disk, booted
#         twice on one copy of rootfs.ext4: boot 1 then boot 2, and the
#         counter read from the image on the host after each (debugfs),
#         which e2fsck must find clean
#   net   two QEMUs on one virtual Ethernet (-netdev socket listen/connect),
#         keel.checks=net: a server and a client, 1 MiB over TCP and a ping
#   hvc   a virtio console (virtio-serial-device + virtconsole to a file),
#         keel.checks=hvc: the file must get the init's line
#
# Prints each command before it runs it, then the guest's keel-* lines.
# Exits non-zero if any step fails. Not part of make test (yet).
# QEMU (default qemu-system-riscv64) and TIMEOUT (seconds per boot,
# default 300) may be set in the environment.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=$(cd "${1:-$repo/build/linux}" 2>/dev/null && pwd) || { echo "try-on-qemu: no directory ${1:-}" >&2; exit 2; }
qemu=${QEMU:-qemu-system-riscv64}
timeout=${TIMEOUT:-300}
image=$dir/Image
rootfs=$dir/rootfs.ext4
# debugfs and e2fsck are in /sbin on Debian, which a user's PATH may lack
PATH=$PATH:/usr/sbin:/sbin

for f in "$image" "$rootfs"; do
	[ -r "$f" ] || { echo "try-on-qemu: no $f (make linux, or make linux612)" >&2; exit 2; }
done
for t in "$qemu" debugfs e2fsck timeout; do
	command -v "$t" >/dev/null || { echo "try-on-qemu: $t not found (scripts/setup.sh test installs it)" >&2; exit 2; }
done

tmp=$(mktemp -d /tmp/keel-try-qemu.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

failed=0
pass() { echo "PASS try-on-qemu/$1"; }
fail() {
	echo "FAIL try-on-qemu/$1: $2"
	failed=1
}

# The machine every boot uses; the rest of the arguments are the step's.
base=("$qemu" -M virt -m 512 -nographic -bios default -kernel "$image")

# boot LOG APPEND [QEMU ARGS...]: one boot, to its power-off, console in LOG
boot() {
	local log=$1 append=$2
	shift 2
	echo "+ ${base[*]} -append \"$append\" $*"
	timeout "$timeout" "${base[@]}" -append "$append" "$@" </dev/null >"$log" 2>&1
	unix_lines "$log"
}

# The serial console ends lines with CR LF; the checks below match whole lines
unix_lines() {
	sed -i 's/\r$//' "$1"
}

# boot_bg LOG APPEND [QEMU ARGS...]: the same in the background, its pid
# (timeout's, which passes a kill on to QEMU) in bg_pid
boot_bg() {
	local log=$1 append=$2
	shift 2
	echo "+ ${base[*]} -append \"$append\" $* &"
	timeout "$timeout" "${base[@]}" -append "$append" "$@" </dev/null >"$log" 2>&1 &
	bg_pid=$!
}

# show LOG: the guest's own lines
show() {
	grep -a -E '^keel-(linux|disk): ' "$1" | grep -av -E ': (uptime|pmu|pmu-hw|timer|time at init|cpus|smp|ttyS0): ' | sed 's/^/    /'
}

# want STEP LOG REGEX...: every REGEX in LOG, and no FAIL
want() {
	local step=$1 log=$2 r ok=1
	shift 2
	for r in "$@"; do
		grep -aqE "$r" "$log" || { fail "$step" "no line matching '$r' (log: $log)"; ok=0; }
	done
	if grep -aq 'keel-linux:.*FAIL' "$log"; then
		fail "$step" "$(grep -a -m1 'keel-linux:.*FAIL' "$log")"
		ok=0
	fi
	[ $ok = 1 ] && pass "$step"
	[ $ok = 1 ] || { echo "    last lines of $log:"; tail -n 15 "$log" | sed 's/^/    | /'; }
}

keep_logs() {
	[ $failed = 0 ] && return
	mkdir -p "$repo/build/try-on-qemu"
	cp "$tmp"/*.log "$repo/build/try-on-qemu/" 2>/dev/null
	echo "try-on-qemu: logs kept in build/try-on-qemu/"
}

# ---- disk: boot 1 then boot 2 on one copy of the image ----------------------
disk=$tmp/disk.ext4
echo "+ cp --sparse=always $rootfs $disk"
cp --sparse=always "$rootfs" "$disk"
drive=(-drive "file=$disk,if=none,format=raw,id=d0" -device virtio-blk-device,drive=d0)
for n in 1 2; do
	log=$tmp/disk-boot$n.log
	boot "$log" "console=ttyS0 keel.root=/dev/vda keel.checks=disk" "${drive[@]}"
	show "$log"
	want "disk-boot$n" "$log" '^keel-linux: root: switching to /dev/vda' \
		'^keel-linux: root /dev/vda \(ext4\)' "^keel-disk: boot $n\$" \
		'^keel-linux: disk: PASS' '^keel-linux: PASS \(keel.checks passed: disk\)'
	# From outside: the count the guest wrote back is on the image, and
	# the filesystem is clean (the init remounts it read-only first).
	echo "+ debugfs -R 'cat /keel-boots' $disk; e2fsck -fn $disk"
	count=$(debugfs -R 'cat /keel-boots' "$disk" 2>/dev/null)
	echo "    /keel-boots on the image: $count"
	[ "$count" = $((n + 1)) ] || fail "disk-boot$n-image" "/keel-boots on the image is '$count', not $((n + 1))"
	if e2fsck -fn "$disk" >"$tmp/fsck$n.log" 2>&1; then
		echo "    e2fsck: clean"
	else
		fail "disk-boot$n-fsck" "e2fsck -fn found problems:"
		sed 's/^/    /' "$tmp/fsck$n.log"
	fi
done

# ---- net: a server and a client on one virtual Ethernet -----------------------
# QEMU's socket netdev: the server's QEMU listens on a TCP port of this
# host, the client's connects to it; Ethernet frames go through it.
port_listening() { # the port in LISTEN (0A) in /proc/net/tcp
	grep -qiE "^ *[0-9]+: [0-9A-F]+:$(printf '%04X' "$1") [0-9A-F]+:[0-9A-F]+ 0A " /proc/net/tcp
}
port=$((20000 + RANDOM % 20000))
while port_listening $port; do port=$((port + 1)); done
srv_log=$tmp/net-server.log
cli_log=$tmp/net-client.log
boot_bg "$srv_log" "console=ttyS0 keel.ip=10.0.2.1/24 keel.net=server keel.checks=net" \
	-netdev "socket,id=n0,listen=127.0.0.1:$port" -device virtio-net-device,netdev=n0,mac=52:54:00:4b:00:01
srv=$bg_pid
pids+=("$srv")
# The client's QEMU fails at once if nothing listens yet
for _ in $(seq 100); do port_listening $port && break; sleep 0.1; done
boot "$cli_log" "console=ttyS0 keel.ip=10.0.2.2/24 keel.net=client:10.0.2.1 keel.checks=net" \
	-netdev "socket,id=n0,connect=127.0.0.1:$port" -device virtio-net-device,netdev=n0,mac=52:54:00:4b:00:02
wait "$srv"
unix_lines "$srv_log"
echo "  the server:"
show "$srv_log"
echo "  the client:"
show "$cli_log"
want net-server "$srv_log" '^keel-linux: net: tcp: received 1048576 bytes' \
	'^keel-linux: net: tcp: PASS' '^keel-linux: PASS \(keel.checks passed: net\)'
want net-client "$cli_log" '^keel-linux: net: ping: PASS' '^keel-linux: net: tcp: sent 1048576 bytes' \
	'^keel-linux: net: tcp: PASS' '^keel-linux: PASS \(keel.checks passed: net\)'
sent=$(grep -aoE 'sent 1048576 bytes.*fnv1a 0x[0-9a-f]+' "$cli_log" | grep -oE '0x[0-9a-f]+$')
got=$(grep -aoE 'received 1048576 bytes.*fnv1a 0x[0-9a-f]+' "$srv_log" | grep -oE 'fnv1a 0x[0-9a-f]+' | cut -d' ' -f2)
echo "    checksums: the client sent $sent, the server received ${got:-?}"
[ -n "$sent" ] && [ "$sent" = "$got" ] && pass net-checksums || fail net-checksums "the two sides' checksums differ"

# ---- hvc: a virtio console into a file ------------------------------------------
log=$tmp/hvc.log
boot "$log" "console=ttyS0 keel.checks=hvc" \
	-device virtio-serial-device -chardev "file,id=vc0,path=$tmp/hvc.out" -device virtconsole,chardev=vc0
show "$log"
echo "    the virtio console's file: $(cat "$tmp/hvc.out" 2>/dev/null)"
want hvc "$log" '^keel-linux: hvc: PASS' '^keel-linux: PASS \(keel.checks passed: hvc\)'
grep -q '^keel-hvc: hello' "$tmp/hvc.out" && pass hvc-host-side ||
	fail hvc-host-side "QEMU's virtconsole file has no 'keel-hvc: hello'"

keep_logs
[ $failed = 0 ] && echo "try-on-qemu: all passed" || echo "try-on-qemu: FAILED"
exit $failed
