#!/usr/bin/env bash
# A bundle built into Keel's image (make keel-builtin, src/boot/builtin_bundle.S):
# Keel boots two VMs from it with nothing loaded beside it; a bundle that
# is loaded beside it wins; and a plain keel.bin with no bundle at all
# stops with a message that says what to do.
# Usage: builtin-bundle.sh LOG
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$1
dir=${log%.log}.d
mkdir -p "$dir"
fail=0
check() { if grep -Eq -- "$1" "$2"; then echo "ok: $3"; else echo "FAILED: $3 (no /$1/ in $2)"; fail=1; fi; }

make --no-print-directory -s keel-builtin CONFIG=tests/system/data/two-vms.dts BUILD=build >"$dir/make.log" 2>&1 ||
	{ echo "FAILED: make keel-builtin"; cat "$dir/make.log"; exit 1; }
scripts/run-qemu.sh -k build/keel-builtin.bin -s 2 </dev/null >"$log" 2>&1
rc=$?
check "bundle: built into Keel's image" "$log" 'Keel found its built-in bundle'
check '^\[hello\] KEEL-TEST: PASS hello' "$log" 'the hello VM ran from it'
check '^\[sbi\] KEEL-TEST: PASS sbi' "$log" 'the sbi VM ran from it'
[ $rc -eq 0 ] && echo "ok: exit code 0" || { echo "FAILED: exit code $rc"; fail=1; }

# a loaded bundle wins over the built-in one
scripts/mkbundle.sh -o "$dir/hello.dtb" -n only-hello -i build/guests/hello.elf -m 16
scripts/run-qemu.sh -k build/keel-builtin.bin -B "$dir/hello.dtb" </dev/null >"$dir/loaded.log" 2>&1
check "VM 'only-hello'" "$dir/loaded.log" 'a loaded bundle is used instead'
if grep -q "built into Keel's image" "$dir/loaded.log"; then
	echo "FAILED: the built-in bundle was used although one was loaded"; fail=1
fi

# no bundle at all
scripts/run-qemu.sh -k build/keel.bin </dev/null >"$dir/none.log" 2>&1
check 'no bundle: .* none is built in' "$dir/none.log" 'no bundle: a message naming both ways'
exit $fail
