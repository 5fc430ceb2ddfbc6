#!/usr/bin/env bash
# A disk of the machine (tests/system/cases.sh: machine-disk,
# docs/virtio.md): QEMU's virtio-blk-device on a copy of the Linux
# guest's rootfs.ext4, which Keel drives for the VM (machine-disk = <0>).
# Linux boots from it and its disk check counts the boot on the disk; a
# second QEMU run on the same file must say boot 2, and the file on the
# host must hold the count Linux wrote. Keel's line names how it learns
# of the disk's answers: MODE, "answers on its interrupt" (the PLIC
# carries the disk's line) or "answers waited for" (QEMU_ARGS give the
# machine no PLIC: an APLIC). Usage: machine-disk.sh IMAGE MODE LOG
set -uo pipefail
cd "$(dirname "$0")/../.."
image=$1 mode=$2 log=$3
disk=${log%.log}.img bundle=${log%.log}.dtb
name=$(basename "${log%.log}")
cp --sparse=always "$(dirname "$image")/rootfs.ext4" "$disk" || exit 1
scripts/mkbundle.sh -o "$bundle" -n "$name" -i "$image" -m 256 -D 0 \
	-b "console=ttyS0 keel.root=/dev/vda keel.checks=disk" || exit 1
: >"$log"
for run in 1 2; do
	echo "== run $run" >>"$log"
	# shellcheck disable=SC2086 # QEMU_ARGS: words, as tests/system/run.sh passes them
	scripts/run-qemu.sh -k "${KEEL_BIN:-build/keel.bin}" -B "$bundle" -s 2 -- ${QEMU_ARGS:-} \
		-global virtio-mmio.force-legacy=false \
		-drive "file=$disk,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0 \
		</dev/null >>"$log" 2>&1
	echo "== run $run: exit $?" >>"$log"
done
echo "== on the host: /keel-boots is $(debugfs -R 'cat /keel-boots' "$disk" 2>/dev/null)" >>"$log"
fail=0
. tests/system/want.sh
want "machine disk 0: 32 MiB at 0x[0-9a-f]*, $mode" "Keel says the disk $mode"
want '== run 1: exit 0' 'the first run powered off'
want '== run 2: exit 0' 'the second run powered off'
want 'keel-disk: boot 1' 'the first run counted boot 1 on the disk'
want 'keel-disk: boot 2' 'a new QEMU run on the same file says boot 2'
want 'keel-linux: disk: PASS' 'the disk check passed'
want '== on the host: /keel-boots is 3' 'the file on the host holds what Linux wrote'
exit $fail
