#!/usr/bin/env bash
# The board flow of docs/bundle.md through Debian's U-Boot (make run
# BOOT=uboot, scripts/uboot-boot.sh): U-Boot loads keel.bin and the bundle
# (with its "KEELBNDL" header, as a raw ramdisk) from a disk and boots Keel
# with booti; Linux and the demo guest run from that bundle and the machine
# powers off cleanly. Every command typed at U-Boot's prompt must be one
# docs/bundle.md gives, word for word.
# Usage: uboot.sh LOG   (BUILD=: the build directory, build by default)
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$1
build=${BUILD:-build}
bundle=${log%.log}.dtb
fail=0
. tests/system/want.sh

scripts/mkbundle.sh -o "$bundle" -F tests/system/data/uboot.dts || exit 1
scripts/uboot-boot.sh -k "$build/keel.bin" -B "$bundle" -s 2 </dev/null >"$log" 2>&1
rc=$?
[ $rc -eq 0 ] && echo "ok: exit code 0" || { echo "FAILED: exit code $rc"; fail=1; }
want '^=> booti \$\{kernel_addr_r\} \$\{ramdisk_addr_r\}:\$\{filesize\} \$\{fdtcontroladdr\}' 'booti typed'
want '^Starting kernel \.\.\.' 'U-Boot started Keel'
want '^\[linux\] keel-linux: PASS' 'Linux passed its checks'
want '^\[demo\] +demo done' 'the demo guest ran to its end'
want '^\[keel\] power off: shutdown' 'Keel powered off cleanly'
if grep -Eq 'keel-linux: FAIL|FIT|Wrong Ramdisk|built into Keel' "$log"; then
	echo "FAILED: a failure, or the bundle not taken as a raw ramdisk, in $log"; fail=1
fi
# what was typed is what docs/bundle.md says
typed=0
while IFS= read -r line; do
	typed=$((typed + 1))
	if grep -qxF -- "$line" docs/bundle.md; then
		echo "ok: docs/bundle.md gives '$line'"
	else
		echo "FAILED: typed '$line', which docs/bundle.md does not give"; fail=1
	fi
done < <(grep -a '^=> [a-z]' "$log" | tr -d '\r')
[ $typed -ge 4 ] || { echo "FAILED: only $typed commands typed"; fail=1; }
exit $fail
