#!/usr/bin/env bash
# /options/on-last-vm-stop = "keep-running" (tests/system/cases.sh):
# the only VM shuts down and Keel stays up; the monitor starts the VM
# again, lists it, and powers the machine off.
# Usage: keep-running.sh LOG
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$1
bundle=${log%.log}.dtb
scripts/mkbundle.sh -o "$bundle" -F tests/system/data/keep-running.dts || exit 1
# wait_for REGEX N: until the log shows REGEX N times (at most 20 s)
wait_for() {
	for _ in $(seq 40); do
		[ "$(grep -Ec -- "$1" "$log" 2>/dev/null)" -ge "$2" ] && return
		sleep 0.5
	done
}
{
	wait_for 'Keel keeps running' 1
	printf '\001h'
	sleep 0.5
	printf 'vm start hello\r'
	wait_for 'Keel keeps running' 2
	printf 'vms\r'
	sleep 0.5
	printf 'poweroff\r'
	sleep 10
} | scripts/run-qemu.sh -k "${KEEL_BIN:-build/keel.bin}" -B "$bundle" >"$log" 2>&1
rc=$?
fail=0
want() {
	if [ "$(grep -Ec -- "$1" "$log")" -ge "$2" ]; then echo "ok: $3"
	else echo "FAILED: $3 (/$1/ fewer than $2 times)"; fail=1; fi
}
want 'KEEL-TEST: PASS hello' 2 'the VM ran, and ran again after vm start'
want 'every VM has stopped; Keel keeps running' 2 'Keel stayed up after each stop'
want '^ +0 +hello +stopped' 1 'vms lists the stopped VM'
want "power off: shutdown \(from Keel's monitor\)" 1 'the monitor powered the machine off'
[ $rc -eq 0 ] && echo "ok: exit code 0" || { echo "FAILED: exit code $rc, wanted 0"; fail=1; }
exit $fail
