#!/usr/bin/env bash
# The switch's uplink when U-Boot boots Keel (make run BOOT=uboot, whose
# QEMU has the uplink's virtio-net as make run's does): U-Boot has seen the
# machine's virtio devices first, and Keel must still take the card over,
# answer ARP and ping through it (guests/vnet keel.role=uplink) and power off.
# Usage: uboot-uplink.sh LOG   (BUILD=: the build directory, build by default)
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$1
build=${BUILD:-build}
bundle=${log%.log}.dtb
fail=0
scripts/mkbundle.sh -o "$bundle" -F tests/system/data/uplink.dts || exit 1
scripts/uboot-boot.sh -k "$build/keel.bin" -B "$bundle" -s 2 -- \
	-global virtio-mmio.force-legacy=false -netdev user,id=n0 -device virtio-net-device,netdev=n0 \
	</dev/null >"$log" 2>&1
rc=$?
[ $rc -eq 0 ] && echo "ok: exit code 0" || { echo "FAILED: exit code $rc"; fail=1; }
. tests/system/want.sh
want '^Starting kernel \.\.\.' 'U-Boot started Keel'
want "^\[keel\] net: the switch's uplink is the machine's virtio-net at 0x" 'Keel took the card over from U-Boot'
want 'KEEL-TEST: PASS vnet' 'ARP and ping through the uplink'
want '^\[keel\] power off: shutdown' 'Keel powered off cleanly'
exit $fail
