#!/usr/bin/env bash
# Linux suspends its VM to RAM and a key wakes it (tests/system/cases.sh:
# linux612-suspend): the Linux 6.12 guest, 2 vCPUs on 2 harts, with
# keel.checks=suspend writes "mem" to /sys/power/state. Linux stops its
# second CPU (SBI HSM) and calls SBI SUSP system_suspend. Once Keel says
# so, the monitor's vms must list the VM as suspended; at least 2 s after
# the init said "suspending" a key is typed on the console, whose UART
# receive interrupt (ttyS0 armed as a wake-up source) wakes the VM. The
# init checks that the write returned, that at least keel.suspend-ms
# passed and that both CPUs are back. Usage: linux-suspend.sh IMAGE LOG
set -uo pipefail
cd "$(dirname "$0")/../.."
image=$1 log=$2
bundle=${log%.log}.dtb
name=$(basename "${log%.log}")
scripts/mkbundle.sh -o "$bundle" -n "$name" -i "$image" -c 2 \
	-b "console=ttyS0 keel.cpus=2 keel.kernel=6.12 keel.checks=suspend keel.suspend-ms=1500" || exit 1

# wait_for TENTHS REGEX: up to TENTHS x 0.1 s: until the log has a line matching REGEX
wait_for() {
	local i
	for ((i = 0; i < $1; i++)); do
		grep -Eaq -- "$2" "$log" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# the typing side reads the log as QEMU writes it: not last run's
: >"$log"
{
	wait_for 450 '^keel-linux: suspend: suspending' || exit 0
	t0=$(date +%s%N)
	wait_for 100 "VM '$name' suspends to RAM \(SBI SUSP\)" || exit 0
	sleep 0.3
	printf '\001h'
	sleep 0.5
	printf 'vms\r'
	sleep 0.5
	printf 'exit\r'
	# the key no sooner than 2 s after "suspending": the init wants 1.5 s
	while [ $(($(date +%s%N) - t0)) -lt 2000000000 ]; do sleep 0.1; done
	for _ in $(seq 20); do
		printf 'k'
		wait_for 5 '^keel-linux: suspend: resumed' && break
	done
	wait_for 300 '^keel-linux: (PASS|FAIL)'
	sleep 2
} | scripts/run-qemu.sh -k "${KEEL_BIN:-build/keel.bin}" -B "$bundle" -s 2 >"$log" 2>&1
fail=0
. tests/system/want.sh
want '^keel-linux: kernel: Linux 6\.12' 'the kernel is Linux 6.12'
want '^keel-linux: suspend: suspending' 'the init began the suspend'
want "VM '$name' suspends to RAM \(SBI SUSP\)" 'Keel says the VM suspends (the other vCPU was stopped first, or SUSP says DENIED)'
want "^ +0 +$name +suspended " "the monitor's vms lists it suspended"
want "VM '$name' resumes from suspend \(SBI SUSP\)" 'Keel says it resumed'
awk -v n="VM '$name' resumes from suspend" '/monitor closed/ && !c { c = NR } index($0, n) && !r { r = NR }
	END { exit !(c && r > c) }' "$log" && echo "ok: it resumed after the monitor had closed (the key was typed after that)" ||
	{ echo "FAILED: it resumed before the monitor had closed: not by the key"; fail=1; }
want '^keel-linux: suspend: resumed: the write returned 3 ' 'the write of mem returned after the resume'
want '^keel-linux: suspend: PASS' 'the init: time passed, both cpus back'
want '^keel-linux: PASS \(keel.checks passed: suspend\)' 'the init passed every check'
grep -Ea '^keel-linux: (suspend|FAIL)' "$log"
exit $fail
