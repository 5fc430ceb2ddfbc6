#!/usr/bin/env bash
# make bench's virtio rows (docs/bench.md, "virtio"): Linux reading its
# virtio-blk disk, under Keel and on bare QEMU with QEMU's own
# virtio-blk-device, and two Linux VMs moving 1 MiB over TCP on Keel's
# switch. Each run is made twice: with -icount shift=0 for instructions,
# and on the host's own clock for throughput. The Linux guest's init
# measures (keel.checks=disk-read, net: guests/linux/README.md): the disk
# read in perf's instructions of the reading task (kernel included; under
# Keel the vCPU's count, Keel's exits included); TCP in the server's
# milliseconds, which under -icount shift=0 are 10^6 instructions of the
# one hart both VMs share.
#   scripts/bench-virtio.sh        the runs, then the table
# Logs in build/bench/virtio-*.log.
set -uo pipefail
cd "$(dirname "$0")/.."

out=${BENCH_OUT:-build/bench}
image=build/linux/Image
disk=build/linux/rootfs.ext4
mib=16
mkdir -p "$out"
[ -f "$image" ] && [ -f "$disk" ] || { echo "bench-virtio: make linux first ($image, $disk)" >&2; exit 1; }

# bare NAME QEMU-ARGS...: Linux on QEMU + OpenSBI, QEMU's own virtio disk
bare() {
	local name=$1
	shift
	timeout 300 qemu-system-riscv64 -machine virt -nographic -bios default -m 512M -smp 1 \
		-kernel "$image" -append "console=ttyS0 keel.checks=disk-read keel.read-mib=$mib" \
		-drive "file=$disk,format=raw,if=none,id=d0,readonly=on" -device virtio-blk-device,drive=d0 \
		"$@" </dev/null >"$out/virtio-$name.log" 2>&1
}

# keel NAME CONFIG QEMU-ARGS...: Keel on one hart with a VM config
keel() {
	local name=$1 config=$2
	shift 2
	scripts/mkbundle.sh -o "$out/virtio-$name.dtb" -F "$config" || return 1
	timeout 300 scripts/run-qemu.sh -k build/keel.bin -B "$out/virtio-$name.dtb" -s 1 -M 1G -- "$@" \
		</dev/null >"$out/virtio-$name.log" 2>&1
}

cat >"$out/virtio-blk.dts" <<DTS
/dts-v1/;
/ {
	compatible = "keel,bundle";
	keel,bundle-version = <1>;
	vm@0 {
		vm-name = "blk";
		memory-size-mib = <256>;
		vcpus = <1>;
		bootargs = "console=ttyS0 keel.checks=disk-read keel.read-mib=$mib";
		image = /incbin/("$image");
		disk = /incbin/("$disk");
		disk-read-only;
	};
};
DTS
net_dts=tests/system/data/linux-net.dts
# the machine's disk: QEMU's virtio-blk-device on a copy, driven by Keel for the VM
cp --sparse=always "$disk" "$out/virtio-machine.img"
sed -e 's|disk = /incbin/("'"$disk"'");|machine-disk = <0>;|' "$out/virtio-blk.dts" >"$out/virtio-machine.dts"
machine_qemu="-global virtio-mmio.force-legacy=false -drive file=$out/virtio-machine.img,format=raw,if=none,id=d0,readonly=on -device virtio-blk-device,drive=d0"

bare blk-bare-icount -icount shift=0
keel blk-keel-icount "$out/virtio-blk.dts" -icount shift=0
# shellcheck disable=SC2086
keel machine-keel-icount "$out/virtio-machine.dts" $machine_qemu -icount shift=0
keel tcp-keel-icount "$net_dts" -icount shift=0,sleep=off
bare blk-bare-wall
keel blk-keel-wall "$out/virtio-blk.dts"
# shellcheck disable=SC2086
keel machine-keel-wall "$out/virtio-machine.dts" $machine_qemu
keel tcp-keel-wall "$net_dts"

# ns NAME: the disk-read figure (ns for $mib MiB) of a log
ns() { sed -n 's/.*disk-read: [0-9]* MiB of \/dev\/vda in .* KiB\/s), \([0-9]*\) instructions.*/\1/p' "$out/virtio-$1.log" | head -1; }
kibs() { sed -n 's/.*disk-read: .* ns (\([0-9]*\) KiB\/s).*/\1/p' "$out/virtio-$1.log" | head -1; }
# the server's TCP receive: ms and KiB/s for 1 MiB
tcp_ms() { sed -n 's/^\[server\] keel-linux: net: tcp: received 1048576 bytes from .* in \([0-9]*\) ms.*/\1/p' "$out/virtio-$1.log" | head -1; }
tcp_kibs() { sed -n 's/^\[server\] keel-linux: net: tcp: received .* ms (\([0-9]*\) KiB\/s).*/\1/p' "$out/virtio-$1.log" | head -1; }

bare_ns=$(ns blk-bare-icount) keel_ns=$(ns blk-keel-icount) tcp=$(tcp_ms tcp-keel-icount)
machine_ns=$(ns machine-keel-icount)
printf '%-26s %14s %14s %7s %6s\n' "virtio (per MiB)" "bare QEMU" "Keel" "ratio" "goal"
if [ -n "$bare_ns" ] && [ -n "$keel_ns" ]; then
	printf '%-26s %14d %14d %7s %6s\n' "blk_read_instructions" $((bare_ns / mib)) $((keel_ns / mib)) \
		"$(awk -v k="$keel_ns" -v b="$bare_ns" 'BEGIN { printf "%.2f", k / b }')" "1.5"
else
	echo "blk_read_instructions: a run did not print its disk-read line (logs: $out/virtio-blk-*-icount.log)"
fi
if [ -n "$bare_ns" ] && [ -n "$machine_ns" ]; then
	printf '%-26s %14d %14d %7s %6s\n' "blk_read_instr_machine" $((bare_ns / mib)) $((machine_ns / mib)) \
		"$(awk -v k="$machine_ns" -v b="$bare_ns" 'BEGIN { printf "%.2f", k / b }')" "1.5"
else
	echo "blk_read_instr_machine: a run did not print its disk-read line ($out/virtio-machine-keel-icount.log)"
fi
if [ -n "$tcp" ]; then
	printf '%-26s %14s %14d %7s %6s\n' "tcp_instructions" "-" $((tcp * 1000000)) "-" "-"
else
	echo "tcp_instructions: the server did not print its receive line ($out/virtio-tcp-keel-icount.log)"
fi
printf '%-26s %14s %14s %7s %6s\n' "blk_read_kib_per_s (wall)" "$(kibs blk-bare-wall)" "$(kibs blk-keel-wall)" "-" "-"
printf '%-26s %14s %14s %7s %6s\n' "machine_kib_per_s (wall)" "$(kibs blk-bare-wall)" "$(kibs machine-keel-wall)" "-" "-"
printf '%-26s %14s %14s %7s %6s\n' "tcp_kib_per_s (wall)" "-" "$(tcp_kibs tcp-keel-wall)" "-" "-"
echo "(blk: $mib MiB read with O_DIRECT, 1 MiB a read, Linux $(basename "$(dirname "$image")") on one hart;" \
	"instructions under -icount shift=0: perf's instructions of the reading task, kernel and," \
	"under Keel, Keel's exits included; QEMU's own device works outside the guest's count;" \
	"tcp: 1 MiB between two VMs sharing one hart, the server's receive, ms x 10^6)"
