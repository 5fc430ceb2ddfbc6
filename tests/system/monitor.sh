#!/usr/bin/env bash
# Keel's monitor shell on the console (tests/system/cases.sh: monitor):
# Linux and the demo guest, Ctrl-A h, then commands, each answer checked;
# then the Linux shell (which has the focus) powers the machine off.
# Usage: monitor.sh LOG
set -uo pipefail
cd "$(dirname "$0")/../.."
log=$1
bundle=${log%.log}.dtb
scripts/mkbundle.sh -o "$bundle" -F tests/system/data/monitor.dts || exit 1
{
	sleep 1
	printf '\001h'
	# the demo guest ends by itself a few seconds after boot: the commands
	# that need it running come first, and vm start runs it again
	for cmd in help vms vcpus 'vm start demo' 'vm stop demo' 'stats demo' 'pmu 0' net \
		'prof start 500' 'prof stop' bogus 'vm stop demo' 'vm start demo' 'vm reset demo' exit; do
		sleep 0.5
		printf '%s\r' "$cmd"
	done
	# the Linux shell: wait for its prompt, then power off
	for _ in $(seq 40); do
		sleep 0.5
		grep -q 'keel\$' "$log" 2>/dev/null && break
	done
	printf 'poweroff\r'
	sleep 15
} | scripts/run-qemu.sh -k "${KEEL_BIN:-build/keel.bin}" -B "$bundle" -s 2 >"$log" 2>&1
fail=0
. tests/system/want.sh
want 'monitor: type help' 'Ctrl-A h opens the monitor'
want 'help \| vms \| vcpus' 'help lists the commands'
want '^ +1 +demo +running +1 +16' 'vms lists the demo VM as running'
want '^ +demo/0 +[0-9]+ +started' 'vcpus lists demo/0 with its hart'
want 'demo/vcpu0: kind name' 'stats demo prints its exit statistics'
want 'sbi +TIME' 'the demo guest'"'"'s SBI TIME calls are counted'
want '^ +0 +linux +02:4b:[0-9a-f:]{11} +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+' 'net lists the Linux VM'"'"'s port with its frames'
want '^  uplink: none \(the boot said why\)' 'net says there is no uplink'
want 'profiling: 500 samples/s' 'prof start 500'
want 'unknown command: type help' 'a wrong command is answered'
want "VM 'demo' is running: vm start is for a stopped VM" 'vm start refuses a running VM'
want "VM 'demo' stopped: stopped from Keel's monitor" 'vm stop'
want "VM 'demo' is stopped already: vm start starts it" 'vm stop of a stopped VM answers'
want "VM 'demo' restarted from its image" 'vm start / vm reset restart it'
want '^\[linux\] keel-linux: PASS' 'Linux went on beside it'
want 'power off: shutdown' 'the machine powered off when both VMs had stopped'
want 'monitor closed' 'exit closes it'
exit $fail
